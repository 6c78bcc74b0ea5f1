"""Checkpoints (anchors) of the audit chain: its head at each monthly close and each backup (issue 14 item 16).

A checkpoint names the chain (the first 16 hex digits of its marker's MAC), the id and MAC of the last record
(``seq``, ``head``), how many records lead to it (``count``), when and why it was taken, and is signed with the
audit key (HMAC-SHA256). It is stored in ``audit_checkpoints`` and, the latest one, in a file next to the key.
:func:`check` (run by ``verify``) requires every signed checkpoint to lie on the chain: a chain cut before the
last checkpoint, a checkpoint forged without the key, or checkpoint rows deleted while the file keeps the latest
one, all fail verification. Records appended after the last checkpoint and then cut are not detectable.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from ennoshita.audit import keys
from ennoshita.audit.models import AuditCheckpoint, AuditRecord
from ennoshita.audit.rules import MARKER_ACTION, MARKER_ENTITY, Walk, canonical_json
from ennoshita.dates import now_utc

if TYPE_CHECKING:
    from ennoshita.i18n import Translator

_PREFIX = b"ennoshita-audit-checkpoint\x00"
_PG_LOCK_KEY = 7_710_001  # the chain's lock (audit.services): the head cannot move while it is read


@dataclass(frozen=True)
class Checkpoint:
    chain: str
    seq: int
    head: str
    count: int
    at: str  # UTC ISO timestamp
    reason: str  # close, year_close, backup
    label: str  # the month closed, the fiscal year, the backup file's name
    signature: str = ""

    def payload(self) -> bytes:
        data = asdict(self)
        data.pop("signature")
        return _PREFIX + canonical_json(data).encode("utf-8")

    def describe(self, t: Translator) -> str:
        """One line in ``t``'s language, as printed on the close report, after a backup and by ``audit verify``."""
        return t("audit.checkpoint_line", seq=self.seq, count=f"{self.count:,}", head=self.head[:16],
                 signature=self.signature[:16])


def sign(key: bytes, cp: Checkpoint) -> str:
    return hmac.new(key, cp.payload(), hashlib.sha256).hexdigest()


def _chain_id(session: Session) -> str | None:
    marker = session.execute(select(AuditRecord.hash).where(
        AuditRecord.entity_type == MARKER_ENTITY, AuditRecord.action == MARKER_ACTION)
        .order_by(AuditRecord.id).limit(1)).scalar()
    return marker[:16] if marker else None


def take(session: Session, reason: str, label: str) -> Checkpoint:
    """Anchor the chain's current head, in the caller's transaction; :func:`publish` after the commit."""
    key = keys.load_key()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
    session.flush()
    last = session.execute(select(AuditRecord.id, AuditRecord.hash).order_by(AuditRecord.id.desc()).limit(1)
                           ).one()
    count = session.scalar(select(func.count()).select_from(AuditRecord)) or 0
    moment = now_utc()
    cp = Checkpoint(_chain_id(session) or "", int(last.id), last.hash, int(count),
                    moment.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="seconds"), reason, label)
    cp = Checkpoint(**{**asdict(cp), "signature": sign(key, cp)})
    session.add(AuditCheckpoint(created_at=moment, reason=reason, label=label[:60], chain=cp.chain, seq=cp.seq,
                                head=cp.head, count=cp.count, signature=cp.signature))
    session.flush()
    return cp


def publish(cp: Checkpoint) -> None:
    """Write the checkpoint to the file next to the key (after the commit that stored it), unless the file
    already holds a later one."""
    path = keys.checkpoint_file(cp.chain)
    current = _load(path)
    if current is not None and current.seq > cp.seq:
        return
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(json.dumps(asdict(cp), ensure_ascii=False) + "\n")
    os.replace(tmp, path)


def replace_file(cp: Checkpoint | None, chain: str) -> None:
    """After a forced restore of an older backup: the file follows the restored chain."""
    path = keys.checkpoint_file(chain)
    if cp is None:
        path.unlink(missing_ok=True)
        return
    path.unlink(missing_ok=True)
    publish(cp)


def _load(path: Any) -> Checkpoint | None:
    try:
        data = json.loads(path.read_text())
        return Checkpoint(**data)
    except FileNotFoundError:
        return None
    except (ValueError, TypeError):
        return Checkpoint("", -1, "", -1, "", "unreadable", str(path), "")


def stored(session: Session) -> list[Checkpoint]:
    rows = session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.seq, AuditCheckpoint.id))
    return [Checkpoint(r.chain, int(r.seq), r.head, int(r.count),
                       _iso(r.created_at), r.reason, r.label, r.signature) for r in rows]


def _iso(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="seconds")


def read_file(session: Session) -> Checkpoint | None:
    """The latest checkpoint kept next to the key for this database's chain, if any."""
    chain = _chain_id(session)
    if chain is None:
        return None
    return _load(keys.checkpoint_file(chain))


def latest(session: Session) -> Checkpoint | None:
    anchors = stored(session)
    return anchors[-1] if anchors else None


def check(key: bytes, anchors: Sequence[Checkpoint], outside: Checkpoint | None, w: Walk
          ) -> tuple[str, dict[str, Any]] | None:
    """(reason, facts) of the first checkpoint the walked chain does not satisfy, or None. The facts name the
    checkpoint (``seq``, ``cp_reason``, ``label``, ``at``), and for ``truncated`` where the chain ends
    (``head_id``), for ``checkpoint_deleted`` the file (``file``): ``audit.services.VerifyResult.describe``
    words them in the reader's language."""
    for cp in [*anchors, *([outside] if outside else [])]:
        where: dict[str, Any] = {"seq": cp.seq, "cp_reason": cp.reason, "label": cp.label, "at": cp.at}
        if not hmac.compare_digest(sign(key, cp), cp.signature):
            return "checkpoint_signature", where
        head_id = w.head[0] if w.head else 0
        if head_id < cp.seq:
            return "truncated", {**where, "head_id": head_id}
        link = w.links.get(cp.seq)
        if link is None or not hmac.compare_digest(link[0], cp.head):
            return "checkpoint_head", where
        if link[1] != cp.count:
            return "checkpoint_count", where
    if outside is not None and not any(cp.seq == outside.seq and cp.signature == outside.signature
                                       for cp in anchors):
        return "checkpoint_deleted", {"seq": outside.seq, "file": str(keys.checkpoint_file(outside.chain))}
    return None
