"""売掛金年齢表 and 延滞一覧: the open receivables by customer, aged by days past due as of a date.

The buckets are one table (:data:`BUCKETS`): 未到来 (not yet due, or due on the as-of date), 1-30, 31-60,
61-90 and over 90 days past due. :func:`bucket_of` is the pure rule; the queries build their SQL ``CASE`` from
the same table (as due-date boundaries computed from the as-of date), so the database and the rule agree.

What is aged is each receivable's open amount now (売掛金台帳, ``receivables.open_amount`` of invoices with
status ``open``) for the invoices issued on or before the as-of date; the aggregation, paging and counting
run in the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, case, func, literal, select

from ennoshita.actor import Actor
from ennoshita.db import UnitOfWork
from ennoshita.identity import require
from ennoshita.sales.models import Invoice, Partner, Receivable
from ennoshita.sales.queries import Paged, PageRequest


@dataclass(frozen=True)
class Bucket:
    key: str  # not_due / d1_30 / d31_60 / d61_90 / over_90
    first_day: int | None  # days past due, inclusive; None: no lower bound
    last_day: int | None  # inclusive; None: no upper bound


BUCKETS: tuple[Bucket, ...] = (
    Bucket("not_due", None, 0),
    Bucket("d1_30", 1, 30),
    Bucket("d31_60", 31, 60),
    Bucket("d61_90", 61, 90),
    Bucket("over_90", 91, None),
)
BUCKET_KEYS: tuple[str, ...] = tuple(b.key for b in BUCKETS)


def days_past_due(due_date: dt.date, as_of: dt.date) -> int:
    """経過日数: days since the due date (0 on the due date itself, negative before it)."""
    return (as_of - due_date).days


def bucket_of(days: int) -> str:
    """The bucket of an amount ``days`` past due (0 or less: 未到来)."""
    for b in BUCKETS:
        if (b.first_day is None or days >= b.first_day) and (b.last_day is None or days <= b.last_day):
            return b.key
    raise AssertionError(days)  # the table covers every integer


def age(amounts: list[tuple[dt.date, int]], as_of: dt.date) -> dict[str, int]:
    """The aging of (due date, open amount) pairs: the amount in each bucket (every key present)."""
    out = dict.fromkeys(BUCKET_KEYS, 0)
    for due, amount in amounts:
        out[bucket_of(days_past_due(due, as_of))] += amount
    return out


def _bucket_case(as_of: dt.date) -> ColumnElement[Any]:
    """The bucket key of ``receivables.due_date`` as of the date: the rule's table as due-date boundaries
    (past due by at most N days ⇔ due on or after as_of - N)."""
    whens = [(Receivable.due_date >= as_of - dt.timedelta(days=b.last_day), literal(b.key))
             for b in BUCKETS if b.last_day is not None]
    return case(*whens, else_=literal(BUCKETS[-1].key))


def _open_as_of(as_of: dt.date) -> list[ColumnElement[bool]]:
    return [Receivable.status == "open", Receivable.open_amount > 0, Invoice.issue_date <= as_of]


# ---------------------------------------------------------------- 売掛金年齢表


@dataclass(frozen=True)
class AgingRow:
    partner_id: int
    partner_code: str
    partner_name: str
    buckets: dict[str, int]  # every key of BUCKET_KEYS
    total: int

    @property
    def overdue(self) -> int:
        return self.total - self.buckets["not_due"]


@dataclass(frozen=True)
class AgingReport:
    as_of: dt.date
    page: Paged[AgingRow]
    totals: dict[str, int]  # every bucket over all customers, and "total"


def aging(uow: UnitOfWork, actor: Actor, as_of: dt.date, page: PageRequest | None = None,
          partner_id: int | None = None) -> AgingReport:
    """Open AR per customer in each bucket and in total (customers by code), one page, with the grand totals."""
    require(actor, "sales.view")
    page = page or PageRequest()
    bucket = _bucket_case(as_of)
    sums = [func.coalesce(func.sum(case((bucket == literal(k), Receivable.open_amount), else_=0)), 0).label(k)
            for k in BUCKET_KEYS]
    total = func.coalesce(func.sum(Receivable.open_amount), 0).label("total")
    where = _open_as_of(as_of)
    if partner_id is not None:
        where.append(Receivable.partner_id == partner_id)
    with uow:
        s = uow.session
        base = select(Receivable.partner_id).join(Invoice, Invoice.id == Receivable.invoice_id).where(*where)
        count = int(s.scalar(select(func.count()).select_from(base.group_by(Receivable.partner_id).subquery())) or 0)
        grand = s.execute(select(*sums, total).select_from(Receivable)
                          .join(Invoice, Invoice.id == Receivable.invoice_id).where(*where)).one()
        rows = s.execute(
            select(Receivable.partner_id, Partner.code, Partner.name, *sums, total)
            .join(Invoice, Invoice.id == Receivable.invoice_id)
            .join(Partner, Partner.id == Receivable.partner_id)
            .where(*where)
            .group_by(Receivable.partner_id, Partner.code, Partner.name)
            .order_by(Partner.code, Receivable.partner_id)
            .limit(page.per_page).offset((page.page - 1) * page.per_page)).all()
        out = tuple(AgingRow(int(r.partner_id), r.code, r.name, {k: int(r._mapping[k]) for k in BUCKET_KEYS},
                             int(r.total)) for r in rows)
        totals = {k: int(grand._mapping[k]) for k in BUCKET_KEYS} | {"total": int(grand.total)}
        return AgingReport(as_of, Paged(out, count, page.page, page.per_page), totals)


# ---------------------------------------------------------------- 延滞一覧


@dataclass(frozen=True)
class OverdueRow:
    invoice_id: int
    number: str
    partner_id: int
    partner_name: str
    due_date: dt.date
    days_overdue: int
    bucket: str
    open_amount: int


@dataclass(frozen=True)
class OverdueList:
    as_of: dt.date
    page: Paged[OverdueRow]
    total_open: int  # over every page


def overdue(uow: UnitOfWork, actor: Actor, as_of: dt.date, page: PageRequest | None = None,
            partner_id: int | None = None) -> OverdueList:
    """Open receivables past due on the as-of date (due before it), oldest due date first."""
    require(actor, "sales.view")
    page = page or PageRequest()
    where = [*_open_as_of(as_of), Receivable.due_date < as_of]
    if partner_id is not None:
        where.append(Receivable.partner_id == partner_id)
    with uow:
        s = uow.session
        count, total = s.execute(select(func.count(), func.coalesce(func.sum(Receivable.open_amount), 0))
                                 .select_from(Receivable).join(Invoice, Invoice.id == Receivable.invoice_id)
                                 .where(*where)).one()
        rows = s.execute(
            select(Receivable.invoice_id, Invoice.number, Receivable.partner_id, Partner.name,
                   Receivable.due_date, Receivable.open_amount)
            .join(Invoice, Invoice.id == Receivable.invoice_id)
            .join(Partner, Partner.id == Receivable.partner_id)
            .where(*where)
            .order_by(Receivable.due_date, Invoice.number)
            .limit(page.per_page).offset((page.page - 1) * page.per_page)).all()
        out = []
        for r in rows:
            days = days_past_due(r.due_date, as_of)
            out.append(OverdueRow(int(r.invoice_id), r.number or "", int(r.partner_id), r.name, r.due_date, days,
                                  bucket_of(days), int(r.open_amount)))
        return OverdueList(as_of, Paged(tuple(out), int(count), page.page, page.per_page), int(total))


def customers_with_open_ar(uow: UnitOfWork, actor: Actor) -> list[tuple[int, str, str]]:
    """(id, code, name) of the customers with open receivables: the customer filter's choices."""
    require(actor, "sales.view")
    with uow:
        rows = uow.session.execute(
            select(Partner.id, Partner.code, Partner.name).where(Partner.id.in_(
                select(Receivable.partner_id).where(Receivable.status == "open", Receivable.open_amount > 0)))
            .order_by(Partner.code)).all()
        return [(int(r.id), r.code, r.name) for r in rows]
