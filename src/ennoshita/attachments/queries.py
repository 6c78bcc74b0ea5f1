"""The 電子帳簿保存法 search over every stored file: 取引年月日 (range), 取引金額 (range) and 取引先, combinable.

Filtering, counting and paging happen in the database, from the ``ix_attachments_search`` index alone
(transaction_date, id and every filtered column): the page's ids first, then those rows (a deferred join), so
neither the table nor the file content is scanned.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ennoshita.attachments.models import Attachment
from ennoshita.dates import as_utc
from ennoshita.errors import Invalid, Problem

# Where each kind of owner is shown; a kind not listed has no page of its own.
OWNER_PAGES: dict[str, str] = {
    "journal_entry": "/ledger/entries/{id}",
    "expense_claim": "/expenses/{id}",
    "desk_request": "/desk/requests/{id}",
    "supplier_bill": "/purchasing/bills/{id}",
}
OWNER_TYPES: tuple[str, ...] = tuple(OWNER_PAGES)
MAX_LIMIT = 500


@dataclass(frozen=True)
class EvidenceRow:
    id: int
    owner_type: str
    owner_id: str
    filename: str
    content_type: str
    size: int
    transaction_date: dt.date | None
    amount: int | None
    counterparty: str | None
    uploaded_at: dt.datetime
    owner_href: str | None


def owner_href(owner_type: str, owner_id: str) -> str | None:
    pattern = OWNER_PAGES.get(owner_type)
    return pattern.format(id=owner_id) if pattern else None


def check_criteria(*, date_from: dt.date | None = None, date_to: dt.date | None = None,
                   amount_min: int | None = None, amount_max: int | None = None) -> list[Problem]:
    """Every problem with a search: an inverted range, a negative amount."""
    problems: list[Problem] = []
    if date_from is not None and date_to is not None and date_from > date_to:
        problems.append(Problem("attachment.error.date_range", "date_from",
                                {"date_from": date_from, "date_to": date_to}))
    for name, value in (("amount_min", amount_min), ("amount_max", amount_max)):
        if value is not None and value < 0:
            problems.append(Problem("attachment.error.amount", name))
    if amount_min is not None and amount_max is not None and 0 <= amount_max < amount_min:
        problems.append(Problem("attachment.error.amount_range", "amount_min",
                                {"amount_min": amount_min, "amount_max": amount_max}))
    return problems


def search(session: Session, *, date_from: dt.date | None = None, date_to: dt.date | None = None,
           amount_min: int | None = None, amount_max: int | None = None, counterparty: str | None = None,
           owner_type: str | None = None, limit: int = 50, offset: int = 0) -> tuple[list[EvidenceRow], int]:
    """The files matching every given criterion, newest 取引日 first (files without one last), then by id;
    and how many match in all. ``counterparty`` matches a part of the name, ignoring ASCII case."""
    problems = check_criteria(date_from=date_from, date_to=date_to, amount_min=amount_min, amount_max=amount_max)
    if problems:
        raise Invalid(problems=problems)
    conditions: list[Any] = []
    if date_from is not None:
        conditions.append(Attachment.transaction_date >= date_from)
    if date_to is not None:
        conditions.append(Attachment.transaction_date <= date_to)
    if amount_min is not None:
        conditions.append(Attachment.amount >= amount_min)
    if amount_max is not None:
        conditions.append(Attachment.amount <= amount_max)
    name = unicodedata.normalize("NFC", counterparty or "").strip()
    if name:
        conditions.append(Attachment.counterparty.icontains(name, autoescape=True))
    if owner_type:
        conditions.append(Attachment.owner_type == owner_type)
    # Files without a 取引日 come last. "ORDER BY transaction_date IS NULL, …" cannot follow an index, so the
    # dated files and the undated ones are paged apart, each in an order the index gives as it is
    # (transaction_date desc, id desc; then id desc), the offset running on from the first into the second.
    total, dated = session.execute(
        select(func.count(), func.count(Attachment.transaction_date)).where(*conditions)).one()
    limit, offset = max(1, min(limit, MAX_LIMIT)), max(0, offset)
    ids: list[int] = []
    if offset < dated:
        ids += session.scalars(
            select(Attachment.id).where(*conditions, Attachment.transaction_date.is_not(None))
            .order_by(Attachment.transaction_date.desc(), Attachment.id.desc()).limit(limit).offset(offset))
    if len(ids) < limit and total > dated:
        ids += session.scalars(
            select(Attachment.id).where(*conditions, Attachment.transaction_date.is_(None))
            .order_by(Attachment.id.desc()).limit(limit - len(ids)).offset(max(0, offset - dated)))
    found = {r.id: r for r in session.execute(
        select(Attachment.id, Attachment.owner_type, Attachment.owner_id, Attachment.filename,
               Attachment.content_type, Attachment.size, Attachment.transaction_date, Attachment.amount,
               Attachment.counterparty, Attachment.uploaded_at).where(Attachment.id.in_(ids)))} if ids else {}
    rows = [EvidenceRow(r.id, r.owner_type, r.owner_id, r.filename, r.content_type, r.size, r.transaction_date,
                        r.amount, r.counterparty, as_utc(r.uploaded_at), owner_href(r.owner_type, r.owner_id))
            for r in (found[i] for i in ids if i in found)]
    return rows, int(total)
