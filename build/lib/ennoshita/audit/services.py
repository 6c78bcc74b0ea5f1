"""Writing and verifying the audit trail.

Every service calls :func:`record` inside its own transaction, so an audit record exists exactly
when the change it describes was committed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ennoshita.actor import Actor
from ennoshita.audit.models import AuditRecord
from ennoshita.audit.rules import GENESIS, ChainRow, canonical_json, chain_hash, first_broken
from ennoshita.dates import now_utc

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
    """Append one audit record to the chain, in the caller's transaction."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
    session.flush()
    last = session.execute(
        select(AuditRecord.id, AuditRecord.hash).order_by(AuditRecord.id.desc()).limit(1)
    ).first()
    prev_hash = last.hash if last else GENESIS
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
        hash=chain_hash(prev_hash, fields),
    )
    session.add(rec)
    session.flush()
    return rec


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
    count: int
    broken_id: int | None
    reason: str | None

    @property
    def ok(self) -> bool:
        return self.broken_id is None


def verify(session: Session) -> VerifyResult:
    """Walk the whole chain in id order, streaming."""

    def rows() -> Iterator[ChainRow]:
        stmt = select(AuditRecord).order_by(AuditRecord.id).execution_options(yield_per=2000)
        for rec in session.scalars(stmt):
            yield ChainRow(row_fields(rec), rec.prev_hash, rec.hash)

    count, broken, reason = first_broken(rows())
    return VerifyResult(count, broken, reason)
