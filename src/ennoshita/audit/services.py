"""Writing and verifying the audit trail.

Every service calls :func:`record` inside its own transaction, so an audit record exists exactly
when the change it describes was committed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from ennoshita.actor import Actor
from ennoshita.audit import keys
from ennoshita.audit.models import AuditRecord
from ennoshita.audit.rules import (
    GENESIS,
    MARKER_ACTION,
    MARKER_ENTITY,
    ChainRow,
    canonical_json,
    chain_mac,
    walk,
)
from ennoshita.dates import now_utc

if TYPE_CHECKING:
    from ennoshita.i18n import Translator

_PG_LOCK_KEY = 7_710_001


def stamp(moment: dt.datetime) -> str:
    """The timestamp as chained: UTC, microseconds, no offset (identical on SQLite and PostgreSQL)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="microseconds")


def _json_or_none(value: Any) -> str | None:
    return None if value is None else canonical_json(value)


def record(
    session: Session,
    actor: Actor,
    entity_type: str,
    entity_id: object,
    action: str,
    before: Any = None,
    after: Any = None,
) -> AuditRecord:
    """Append one audit record to the chain, in the caller's transaction (keyed: version 2)."""
    key = keys.load_key()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
    session.flush()
    last = session.execute(
        select(AuditRecord.id, AuditRecord.hash, AuditRecord.version).order_by(AuditRecord.id.desc()).limit(1)
    ).first()
    if last is None or last.version != 2:
        # the migration that introduced the keyed chain wrote its marker: a chain ending unkeyed was cut
        raise ChainNotKeyed()
    prev_hash = last.hash
    next_id = (last.id + 1) if last else 1
    moment = now_utc()
    fields: dict[str, Any] = {
        "id": next_id,
        "occurred_at": stamp(moment),
        "actor_id": actor.user_id,
        "actor_name": actor.name,
        "via": actor.via,
        "entity_type": entity_type,
        "entity_id": str(entity_id),
        "action": action,
        "before": _json_or_none(before),
        "after": _json_or_none(after),
    }
    rec = AuditRecord(
        id=next_id,
        occurred_at=moment,
        actor_id=actor.user_id,
        actor_name=actor.name,
        via=actor.via,
        entity_type=entity_type,
        entity_id=str(entity_id),
        action=action,
        before=fields["before"],
        after=fields["after"],
        prev_hash=prev_hash,
        hash=chain_mac(key, prev_hash, fields),
        version=2,
    )
    session.add(rec)
    session.flush()
    return rec


class ChainNotKeyed(Exception):  # noqa: N818
    def __init__(self) -> None:
        super().__init__("the audit chain does not end in keyed records (its marker is missing): run "
                         "`ennoshita audit verify`")


_RECORDS = sa.table(
    "audit_records", sa.column("id", sa.BigInteger), sa.column("occurred_at", sa.DateTime(timezone=True)),
    sa.column("actor_id", sa.Integer), sa.column("actor_name", sa.String), sa.column("via", sa.String),
    sa.column("entity_type", sa.String), sa.column("entity_id", sa.String), sa.column("action", sa.String),
    sa.column("before", sa.Text), sa.column("after", sa.Text), sa.column("prev_hash", sa.String),
    sa.column("hash", sa.String), sa.column("version", sa.Integer))


def start_keyed_chain(conn: Connection) -> int | None:
    """Append the marker that starts the keyed part of the chain (the migration does it once; creates the key on
    a fresh install). Returns the marker's id, or None when the chain already has one."""
    found = conn.execute(select(_RECORDS.c.id).where(_RECORDS.c.entity_type == MARKER_ENTITY,
                                                     _RECORDS.c.action == MARKER_ACTION).limit(1)).first()
    if found is not None:
        return None
    key = keys.load_key(create=True)
    last = conn.execute(select(_RECORDS.c.id, _RECORDS.c.hash).order_by(_RECORDS.c.id.desc()).limit(1)).first()
    prev_hash = last.hash if last else GENESIS
    next_id = (last.id + 1) if last else 1
    moment = now_utc()
    after = canonical_json({"version": 2, "mac": "HMAC-SHA256", "key_id": keys.key_id(key)})
    fields: dict[str, Any] = {
        "id": next_id, "occurred_at": stamp(moment), "actor_id": None, "actor_name": "system", "via": "system",
        "entity_type": MARKER_ENTITY, "entity_id": "1", "action": MARKER_ACTION, "before": None, "after": after,
    }
    conn.execute(_RECORDS.insert().values(
        id=next_id, occurred_at=moment, actor_id=None, actor_name="system", via="system",
        entity_type=MARKER_ENTITY, entity_id="1", action=MARKER_ACTION, before=None, after=after,
        prev_hash=prev_hash, hash=chain_mac(key, prev_hash, fields), version=2))
    return next_id


def row_fields(rec: AuditRecord) -> dict[str, Any]:
    return {
        "id": rec.id,
        "occurred_at": stamp(rec.occurred_at),
        "actor_id": rec.actor_id,
        "actor_name": rec.actor_name,
        "via": rec.via,
        "entity_type": rec.entity_type,
        "entity_id": rec.entity_id,
        "action": rec.action,
        "before": rec.before,
        "after": rec.after,
    }


@dataclass(frozen=True)
class VerifyResult:
    """``reason`` is None when intact. With ``broken_id``: the first record that fails (prev_hash, hash, mac,
    wrong_key, marker_missing, second_marker, v1_after_marker, version). Without: no_key (``facts["path"]`` names
    the missing file), marker_missing (no marker at all), or a checkpoint the chain does not satisfy: truncated,
    checkpoint_head, checkpoint_count, checkpoint_signature, checkpoint_deleted (``facts`` say which, see
    ``checkpoints.check``). :meth:`describe` words the result in the reader's language."""

    count: int
    broken_id: int | None
    reason: str | None
    facts: Mapping[str, Any] = field(default_factory=dict)
    keyed_from: int | None = None
    checkpoint: Any = None  # the latest checkpoint verified (audit.checkpoints.Checkpoint)

    @property
    def ok(self) -> bool:
        return self.reason is None

    def describe(self, t: Translator) -> str:
        """One line in ``t``'s language (``ennoshita audit verify``, the restore check): the count when intact,
        else the first broken record and why, the missing key file, or the checkpoint the chain fails."""
        if self.reason is None:
            return t("audit.verify_ok", count=f"{self.count:,}")
        if self.reason == "no_key":
            return t("audit.verify_no_key", path=self.facts.get("path", ""))
        why = t(f"audit.verify_reason.{self.reason}")
        if self.broken_id is not None:
            return t("audit.verify_broken", id=self.broken_id, reason=why, count=f"{self.count:,}")
        detail = ""
        if "seq" in self.facts:
            facts = dict(self.facts)
            if "cp_reason" in facts:
                facts["where"] = t("audit.checkpoint_where", seq=facts["seq"], label=facts["label"], at=facts["at"],
                                   reason=t(f"audit.checkpoint_reason.{facts['cp_reason']}"))
            detail = t(f"audit.verify_detail.{self.reason}", **facts)
        return t("audit.verify_failed", reason=why, detail=detail).rstrip()


def verify(session: Session, *, checkpoint_file: bool = True) -> VerifyResult:
    """Walk the whole chain in id order, streaming, with the audit key; then every checkpoint (the database's
    rows and the file next to the key) must be reached by the chain with the same head. Never creates a key."""
    from ennoshita.audit import checkpoints

    try:
        key = keys.load_key()
    except keys.AuditKeyMissing as exc:
        return VerifyResult(0, None, "no_key", {"path": str(exc.path)})
    anchors = checkpoints.stored(session)
    # the restore check reads the backup alone: an older backup is behind the file by design
    outside = checkpoints.read_file(session) if checkpoint_file else None
    want = frozenset(cp.seq for cp in anchors) | frozenset([outside.seq] if outside else [])

    def rows() -> Iterator[ChainRow]:
        stmt = select(AuditRecord).order_by(AuditRecord.id).execution_options(yield_per=2000)
        for rec in session.scalars(stmt):
            yield ChainRow(row_fields(rec), rec.prev_hash, rec.hash, rec.version)

    w = walk(rows(), key, keys.key_id(key), want)
    if w.reason is not None:
        return VerifyResult(w.count, w.broken_id, w.reason, keyed_from=w.marker_id)
    problem = checkpoints.check(key, anchors, outside, w)
    if problem is not None:
        return VerifyResult(w.count, None, problem[0], problem[1], keyed_from=w.marker_id)
    latest = max([*anchors, *([outside] if outside else [])], key=lambda c: c.seq, default=None)
    return VerifyResult(w.count, None, None, keyed_from=w.marker_id, checkpoint=latest)
