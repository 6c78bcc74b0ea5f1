"""売掛金年齢表 and 延滞一覧: the open receivables by customer, aged by days past due as of a date.

The buckets are one table (:data:`BUCKETS`): 未到来 (not yet due, or due on the as-of date), 1-30, 31-60,
61-90 and over 90 days past due. :func:`bucket_of` is the pure rule; the queries build their SQL from the same
table (each bucket as a range of due dates computed from the as-of date), so the database and the rule agree.

What is aged is what each invoice issued on or before the as-of date still owed at the end of that day
(:func:`_open_as_of`: its amount less the deposits, credit notes and credit balance that settled it by then), so
an as-of date in the past shows the 売掛金 of that day. Under 出荷基準 the deliveries not billed by then are in
売掛金 too, and in the 年齢表 as 未到来 (:func:`_unbilled_as_of`); the aggregation, paging and counting run in the
database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Subquery, case, func, literal, or_, select, union_all
from sqlalchemy.orm import aliased

from ennoshita.actor import Actor
from ennoshita.db import UnitOfWork
from ennoshita.identity import require
from ennoshita.partners.models import Partner
from ennoshita.sales.models import BankDeposit, CustomerCredit, Delivery, Invoice, ReceiptAllocation, Receivable
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


def _in_bucket(b: Bucket, as_of: dt.date, due: ColumnElement[dt.date]) -> list[ColumnElement[bool]]:
    """The due dates of the bucket as of the date: the rule's table as due-date boundaries (past due by at
    least N days ⇔ due on or before as_of - N; by at most N days ⇔ due on or after it)."""
    bounds: list[ColumnElement[bool]] = []
    if b.first_day is not None:
        bounds.append(due <= as_of - dt.timedelta(days=b.first_day))
    if b.last_day is not None:
        bounds.append(due >= as_of - dt.timedelta(days=b.last_day))
    return bounds


def _open_as_of(as_of: dt.date) -> Subquery:
    """Each invoice issued on or before the as-of date with what it still owed at the end of that day, as the
    columns (invoice_id, partner_id, due_date, open_amount); only those owing something.

    What an invoice owed on a day is what it owes now (the receivable's maintained open amount) plus what
    settled it after that day, each settlement by its own date: the deposits matched to it (by the deposit's
    date; a 消込取消 adds the allocations' negatives on the same deposit, so they net), the credit notes issued
    against it (less the part of each kept as the customer's 預り残高) and the customer's credit balance applied to
    it. So an as-of date in the past (a 期末) shows what was owed then, as the ledger's 売掛金 of that day does, not
    what is still open today. Only the open receivables (their covering index, as the 年齢表 read before as-of
    dates were reconstructed) and the few settlements dated after the as-of date are read, so a page costs the
    same on years of invoices. A replaced invoice is left out (its replacement stands in for it)."""
    credit_note = aliased(Invoice)
    paid_later = (select(ReceiptAllocation.invoice_id.label("invoice_id"), ReceiptAllocation.amount.label("back"))
                  .join(BankDeposit, BankDeposit.id == ReceiptAllocation.deposit_id)
                  .where(BankDeposit.value_date > as_of))
    credited_later = (select(credit_note.original_id, credit_note.gross)
                      .where(credit_note.kind == "credit_note", credit_note.status == "issued",
                             credit_note.original_id.is_not(None), credit_note.issue_date > as_of))
    kept_later = (select(credit_note.original_id, -CustomerCredit.amount)
                  .join(CustomerCredit, CustomerCredit.invoice_id == credit_note.id)
                  .where(CustomerCredit.kind == "credit_note", credit_note.kind == "credit_note",
                         credit_note.status == "issued", credit_note.original_id.is_not(None),
                         credit_note.issue_date > as_of))
    applied_later = (select(CustomerCredit.invoice_id, -CustomerCredit.amount)
                     .where(CustomerCredit.kind == "applied", CustomerCredit.invoice_id.is_not(None),
                            CustomerCredit.entry_date > as_of))
    moves = union_all(paid_later, credited_later, kept_later, applied_later).subquery("moves")
    # per invoice, what settled it after the as-of date (few rows: the days since)
    later = (select(moves.c.invoice_id, func.sum(moves.c.back).label("back"))
             .group_by(moves.c.invoice_id).cte("settled_later"))
    issued_later = select(Invoice.id).where(Invoice.issue_date > as_of)
    is_open = (Receivable.status == "open") & (Receivable.open_amount > 0)
    # the receivables open now, each with what settled it since (none for most) ...
    still_open = (select(Receivable.invoice_id.label("invoice_id"), Receivable.partner_id.label("partner_id"),
                         Receivable.due_date.label("due_date"),
                         (Receivable.open_amount + func.coalesce(later.c.back, 0)).label("open_amount"))
                  .outerjoin(later, later.c.invoice_id == Receivable.invoice_id)
                  .where(is_open, Receivable.invoice_id.not_in(issued_later)))
    # ... and those settled since (open then, paid or credited now)
    settled_since = (select(Receivable.invoice_id, Receivable.partner_id, Receivable.due_date,
                            (Receivable.open_amount + later.c.back).label("open_amount"))
                     .join(later, later.c.invoice_id == Receivable.invoice_id)
                     .where(~is_open, Receivable.status != "replaced", Receivable.invoice_id.not_in(issued_later)))
    both = union_all(still_open, settled_since).subquery("owing")
    return select(both).where(both.c.open_amount > 0).subquery("open_as_of")


def _unbilled_as_of(as_of: dt.date, partner_id: int | None) -> Any:
    """出荷基準: the deliveries posted to 売掛金 on or before the as-of date that no invoice issued by then took,
    per customer, as 未到来 (not billed, so not yet due): they are in the ledger's 売掛金 from the delivery date."""
    billed_by_then = select(Invoice.id).where(Invoice.issue_date <= as_of)
    query = (select(Delivery.partner_id.label("partner_id"), literal(BUCKETS[0].key).label("bucket"),
                    func.sum(Delivery.gross).label("amount"))
             .where(Delivery.delivery_date <= as_of, Delivery.journal_entry_id.is_not(None),
                    or_(Delivery.invoice_id.is_(None), Delivery.invoice_id.not_in(billed_by_then))))
    if partner_id is not None:
        query = query.where(Delivery.partner_id == partner_id)
    return query.group_by(Delivery.partner_id)


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
    owed = _open_as_of(as_of)
    where: list[ColumnElement[bool]] = []
    if partner_id is not None:
        where.append(owed.c.partner_id == partner_id)
    # Each bucket is a range of due dates, so one index range each: every open receivable is read once, summed
    # per customer within its bucket, and the buckets are turned into columns over those few rows.
    aged = union_all(*(select(owed.c.partner_id.label("partner_id"), literal(b.key).label("bucket"),
                              func.sum(owed.c.open_amount).label("amount"))
                       .where(*where, *_in_bucket(b, as_of, owed.c.due_date)).group_by(owed.c.partner_id)
                       for b in BUCKETS), _unbilled_as_of(as_of, partner_id)).subquery("aged")
    sums = [func.sum(case((aged.c.bucket == literal(k), aged.c.amount), else_=0)) for k in BUCKET_KEYS]
    total = func.sum(aged.c.amount)
    # Per customer, and over all customers (window functions over the groups, computed before the page is cut)
    # their count and the grand totals. Names are joined to the groups only.
    per_customer = (select(aged.c.partner_id, *(x.label(k) for x, k in zip(sums, BUCKET_KEYS, strict=True)),
                           total.label("total"), func.count().over().label("customers"),
                           *(func.sum(x).over().label(f"all_{k}") for x, k in zip(sums, BUCKET_KEYS, strict=True)),
                           func.sum(total).over().label("all_total"))
                    .group_by(aged.c.partner_id))
    grouped = per_customer.subquery("grouped")
    with uow:
        session = uow.session
        rows = session.execute(
            select(grouped, Partner.code, Partner.name)
            .join(Partner, Partner.id == grouped.c.partner_id)
            .order_by(Partner.code, grouped.c.partner_id)
            .limit(page.per_page).offset((page.page - 1) * page.per_page)).all()
        if rows:
            first = rows[0]._mapping
            count = int(first["customers"])
            totals = {k: int(first[f"all_{k}"]) for k in BUCKET_KEYS} | {"total": int(first["all_total"])}
        elif page.page > 1:  # past the last page: the count and totals on their own
            agg = per_customer.subquery("every")
            one = session.execute(select(func.count(), *(func.coalesce(func.sum(agg.c[k]), 0) for k in BUCKET_KEYS),
                                         func.coalesce(func.sum(agg.c.total), 0)).select_from(agg)).one()
            count = int(one[0])
            totals = {k: int(v) for k, v in zip((*BUCKET_KEYS, "total"), one[1:], strict=True)}
        else:
            count, totals = 0, dict.fromkeys((*BUCKET_KEYS, "total"), 0)
        out = tuple(AgingRow(int(r.partner_id), r.code, r.name, {k: int(r._mapping[k]) for k in BUCKET_KEYS},
                             int(r.total)) for r in rows)
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
    owed = _open_as_of(as_of)
    where = [owed.c.due_date < as_of]
    if partner_id is not None:
        where.append(owed.c.partner_id == partner_id)
    with uow:
        s = uow.session
        count, total = s.execute(select(func.count(), func.coalesce(func.sum(owed.c.open_amount), 0))
                                 .where(*where)).one()
        # the page is cut from the owed rows alone (due date, then invoice id: the order invoices were numbered in),
        # and only its rows are joined to their numbers and customers' names
        cut = (select(owed).where(*where).order_by(owed.c.due_date, owed.c.invoice_id)
               .limit(page.per_page).offset((page.page - 1) * page.per_page).subquery("page"))
        rows = s.execute(
            select(cut.c.invoice_id, Invoice.number, cut.c.partner_id, Partner.name, cut.c.due_date,
                   cut.c.open_amount)
            .join(Invoice, Invoice.id == cut.c.invoice_id)
            .join(Partner, Partner.id == cut.c.partner_id)
            .order_by(cut.c.due_date, cut.c.invoice_id)).all()
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
