"""Reading the audit trail: filtered, paginated in the database, and CSV export."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from ennoshita.audit.models import AuditRecord
from ennoshita.dates import TOKYO
from ennoshita.security import cells


@dataclass(frozen=True)
class AuditFilter:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    actor_id: int | None = None
    entity_type: str | None = None
    entity_id: str | None = None
    action: str | None = None


@dataclass(frozen=True)
class AuditRow:
    id: int
    occurred_at: dt.datetime
    actor_id: int | None
    actor_name: str
    via: str
    entity_type: str
    entity_id: str
    action: str
    before: str | None
    after: str | None
    hash: str


def _tokyo_midnight_utc(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=TOKYO).astimezone(dt.UTC)


def _filtered(f: AuditFilter) -> Select[AuditRecord]:
    stmt = select(AuditRecord)
    if f.date_from:
        stmt = stmt.where(AuditRecord.occurred_at >= _tokyo_midnight_utc(f.date_from))
    if f.date_to:
        stmt = stmt.where(AuditRecord.occurred_at < _tokyo_midnight_utc(f.date_to + dt.timedelta(days=1)))
    if f.actor_id is not None:
        stmt = stmt.where(AuditRecord.actor_id == f.actor_id)
    if f.entity_type:
        stmt = stmt.where(AuditRecord.entity_type == f.entity_type)
    if f.entity_id:
        stmt = stmt.where(AuditRecord.entity_id == f.entity_id)
    if f.action:
        stmt = stmt.where(AuditRecord.action == f.action)
    return stmt


def _to_row(rec: AuditRecord) -> AuditRow:
    moment = rec.occurred_at if rec.occurred_at.tzinfo else rec.occurred_at.replace(tzinfo=dt.UTC)
    return AuditRow(
        rec.id, moment, rec.actor_id, rec.actor_name, rec.via, rec.entity_type, rec.entity_id,
        rec.action, rec.before, rec.after, rec.hash,
    )


@dataclass(frozen=True)
class Page:
    rows: list[AuditRow]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def search(session: Session, f: AuditFilter, page: int = 1, per_page: int = 50) -> Page:
    """One page, newest first. Unfiltered, ids are gapless (the chain assigns them), so any page is an
    id range read straight from the primary key, however deep; filtered pages use the indexes."""
    page = max(1, page)
    if f == AuditFilter():
        total = session.scalar(select(func.max(AuditRecord.id))) or 0
        top = total - (page - 1) * per_page
        stmt = select(AuditRecord).where(AuditRecord.id <= top, AuditRecord.id > top - per_page)
        recs = session.scalars(stmt.order_by(AuditRecord.id.desc())).all()
        return Page([_to_row(r) for r in recs], total, page, per_page)
    stmt = _filtered(f)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    recs = session.scalars(
        stmt.order_by(AuditRecord.id.desc()).limit(per_page).offset((page - 1) * per_page)
    ).all()
    return Page([_to_row(r) for r in recs], total, page, per_page)


def _catalog_suffixes(prefix: str) -> list[str]:
    from ennoshita.i18n import catalog

    return sorted(k[len(prefix):] for k in catalog("ja") if k.startswith(prefix))


def actions() -> list[str]:
    """Every action the application records (each has a name in the catalogs)."""
    return _catalog_suffixes("action.")


def entity_types() -> list[str]:
    return _catalog_suffixes("entity.")


CSV_HEADER = ["id", "occurred_at", "actor_id", "actor_name", "via", "entity_type", "entity_id", "action",
              "before", "after", "hash"]


def export_rows(session: Session, f: AuditFilter) -> Iterator[AuditRow]:
    """Every record the filter matches, oldest first, in keyset batches (the list screens' CSV export)."""
    from ennoshita import exports

    for rec in exports.keyset(session, _filtered(f), AuditRecord.id):
        yield _to_row(rec)


def export_csv(session: Session, f: AuditFilter) -> Iterator[str]:
    """Stream the filtered trail as UTF-8 CSV (with BOM, so spreadsheet software reads Japanese)."""
    buf = io.StringIO()
    writer = cells.writer(buf)
    writer.writerow(CSV_HEADER)
    yield "\ufeff" + buf.getvalue()
    stmt = _filtered(f).order_by(AuditRecord.id).execution_options(yield_per=2000)
    for rec in session.scalars(stmt):
        row = _to_row(rec)
        buf.seek(0)
        buf.truncate()
        writer.writerow([row.id, row.occurred_at.astimezone(TOKYO).isoformat(), row.actor_id or "",
                         row.actor_name, row.via, row.entity_type, row.entity_id, row.action,
                         row.before or "", row.after or "", row.hash])
        yield buf.getvalue()
