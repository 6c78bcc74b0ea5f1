"""Lists for screens and clients: purchase orders, supplier bills, payables by supplier (買掛金残高) and the
支払予定表 by due date. Each is one SQL query with ``limit``/``offset`` (the database sums, not Python); the
payables, open bills and schedule also have a ``*_totals`` query (how many rows, how many yen, over every row the
filter matches) so a page can say how much it is of."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, Date, Integer, func, literal, null, select, union_all

from ennoshita.actor import Actor
from ennoshita.db import UnitOfWork
from ennoshita.identity.roles import require
from ennoshita.partners.models import Partner
from ennoshita.purchasing.models import GoodsReceipt, Payable, PurchaseOrder, SupplierBill

MAX_LIMIT = 500


def _limit(limit: int) -> int:
    return max(1, min(limit, MAX_LIMIT))


@dataclass(frozen=True)
class Totals:
    """Over every row a list's filter matches, not one page: how many rows and their amount (yen)."""

    count: int
    amount: int


def _totals(uow: UnitOfWork, query: Any) -> Totals:
    sub = query.subquery()
    with uow:
        count, amount = uow.session.execute(select(func.count(), func.coalesce(func.sum(sub.c.amount), 0))
                                            .select_from(sub)).one()
    return Totals(int(count), int(amount or 0))


@dataclass(frozen=True)
class OrderRow:
    id: int
    number: str
    supplier_id: int
    supplier_name: str
    order_date: dt.date
    delivery_date: dt.date | None
    gross: int
    status: str


def purchase_orders(uow: UnitOfWork, actor: Actor, *, status: str | None = None, supplier_id: int | None = None,
                    limit: int = 50, offset: int = 0) -> list[OrderRow]:
    require(actor, "purchasing.view")
    query = (select(PurchaseOrder.id, PurchaseOrder.number, PurchaseOrder.supplier_id, Partner.name,
                    PurchaseOrder.order_date, PurchaseOrder.delivery_date, PurchaseOrder.gross, PurchaseOrder.status)
             .join(Partner, Partner.id == PurchaseOrder.supplier_id))
    if status:
        query = query.where(PurchaseOrder.status == status)
    if supplier_id is not None:
        query = query.where(PurchaseOrder.supplier_id == supplier_id)
    query = query.order_by(PurchaseOrder.order_date.desc(), PurchaseOrder.id.desc()).limit(_limit(limit)).offset(
        max(0, offset))
    with uow:
        return [OrderRow(*row) for row in uow.session.execute(query)]


@dataclass(frozen=True)
class BillRow:
    id: int
    number: str
    supplier_id: int
    supplier_name: str
    bill_number: str
    bill_date: dt.date
    due_date: dt.date
    gross: int
    deductible_tax: int
    match_status: str
    status: str


def bills(uow: UnitOfWork, actor: Actor, *, status: str | None = None, supplier_id: int | None = None,
          limit: int = 50, offset: int = 0) -> list[BillRow]:
    require(actor, "purchasing.view")
    query = (select(SupplierBill.id, SupplierBill.number, SupplierBill.supplier_id, Partner.name,
                    SupplierBill.bill_number, SupplierBill.bill_date, SupplierBill.due_date, SupplierBill.gross,
                    SupplierBill.deductible_tax, SupplierBill.match_status, SupplierBill.status)
             .join(Partner, Partner.id == SupplierBill.supplier_id))
    if status:
        query = query.where(SupplierBill.status == status)
    if supplier_id is not None:
        query = query.where(SupplierBill.supplier_id == supplier_id)
    query = query.order_by(SupplierBill.bill_date.desc(), SupplierBill.id.desc()).limit(_limit(limit)).offset(
        max(0, offset))
    with uow:
        return [BillRow(*row) for row in uow.session.execute(query)]


@dataclass(frozen=True)
class SupplierBalance:
    supplier_id: int
    code: str
    name: str
    bills: int
    open_amount: int  # 買掛金残高: the open bills and the goods received not yet billed (``unbilled``)
    next_due: dt.date | None
    unbilled: int = 0  # 検収基準: goods received, in 買掛金 since the receipt, that no bill has settled yet


def _payables_query(supplier_id: int | None) -> Any:
    """Per supplier, what the ledger's 買掛金 holds on its 補助科目: the open bills (in a run or not), and under
    検収基準 the receipts posted to 買掛金 that no bill settled yet (the same two parts as
    :func:`ennoshita.purchasing.recognition.payables_check`), with the bills' count and earliest due date."""
    bills = (select(Payable.supplier_id.label("supplier_id"), Payable.bill_id.label("bill_id"),
                    Payable.open_amount.label("open_amount"), literal(0, BigInteger).label("unbilled"),
                    Payable.due_date.label("due_date"))
             .where(Payable.status.in_(("open", "in_run"))))
    received = (select(PurchaseOrder.supplier_id.label("supplier_id"), null().cast(Integer).label("bill_id"),
                       GoodsReceipt.gross.label("open_amount"), GoodsReceipt.gross.label("unbilled"),
                       null().cast(Date).label("due_date"))
                .join(PurchaseOrder, PurchaseOrder.id == GoodsReceipt.order_id)
                .where(GoodsReceipt.bill_id.is_(None), GoodsReceipt.journal_entry_id.is_not(None),
                       GoodsReceipt.status == "posted"))
    if supplier_id is not None:
        bills = bills.where(Payable.supplier_id == supplier_id)
        received = received.where(PurchaseOrder.supplier_id == supplier_id)
    owed = union_all(bills, received).subquery("owed")
    return (select(Partner.id, Partner.code, Partner.name, func.count(owed.c.bill_id),
                   func.sum(owed.c.open_amount).label("amount"), func.min(owed.c.due_date),
                   func.sum(owed.c.unbilled))
            .join(owed, owed.c.supplier_id == Partner.id)
            .group_by(Partner.id, Partner.code, Partner.name))


def payables_by_supplier(uow: UnitOfWork, actor: Actor, *, supplier_id: int | None = None, limit: int = 100,
                         offset: int = 0) -> list[SupplierBalance]:
    """買掛金残高 per supplier (the ledger's 買掛金 on its 補助科目): open bills, in a run or not, and the goods
    received not yet billed, with the earliest due date of the bills."""
    require(actor, "purchasing.view")
    query = _payables_query(supplier_id).order_by(Partner.code).limit(_limit(limit)).offset(max(0, offset))
    with uow:
        return [SupplierBalance(int(r[0]), r[1], r[2], int(r[3]), int(r[4] or 0), r[5], int(r[6] or 0))
                for r in uow.session.execute(query)]


def payables_totals(uow: UnitOfWork, actor: Actor, *, supplier_id: int | None = None) -> Totals:
    """How many suppliers have open payables, and the 買掛金残高 of them all."""
    require(actor, "purchasing.view")
    return _totals(uow, _payables_query(supplier_id))


@dataclass(frozen=True)
class OpenBill:
    bill_id: int
    number: str
    bill_number: str
    supplier_id: int
    supplier_name: str
    due_date: dt.date
    open_amount: int
    status: str


OPEN_STATUSES = ("open", "in_run")


def open_bills(uow: UnitOfWork, actor: Actor, *, supplier_id: int | None = None, due_by: dt.date | None = None,
               statuses: tuple[str, ...] = OPEN_STATUSES, limit: int = 100, offset: int = 0) -> list[OpenBill]:
    """Open bills with their due dates (oldest due first); ``statuses=("open",)``: only those not yet in a
    payment run (what a new run can take)."""
    require(actor, "purchasing.view")
    query = (_open_bills_query(supplier_id, due_by, statuses).order_by(Payable.due_date, Payable.bill_id)
             .limit(_limit(limit)).offset(max(0, offset)))
    with uow:
        return [OpenBill(*row) for row in uow.session.execute(query)]


def open_bills_totals(uow: UnitOfWork, actor: Actor, *, supplier_id: int | None = None,
                      due_by: dt.date | None = None, statuses: tuple[str, ...] = OPEN_STATUSES) -> Totals:
    """How many open bills match, and their open amount."""
    require(actor, "purchasing.view")
    return _totals(uow, _open_bills_query(supplier_id, due_by, statuses))


def _open_bills_query(supplier_id: int | None, due_by: dt.date | None, statuses: tuple[str, ...]) -> Any:
    query = (select(Payable.bill_id, SupplierBill.number, SupplierBill.bill_number, Payable.supplier_id, Partner.name,
                    Payable.due_date, Payable.open_amount.label("amount"), Payable.status)
             .join(SupplierBill, SupplierBill.id == Payable.bill_id)
             .join(Partner, Partner.id == Payable.supplier_id)
             .where(Payable.status.in_(statuses)))
    if supplier_id is not None:
        query = query.where(Payable.supplier_id == supplier_id)
    if due_by is not None:
        query = query.where(Payable.due_date <= due_by)
    return query


@dataclass(frozen=True)
class ScheduleRow:
    due_date: dt.date
    supplier_id: int
    supplier_name: str
    bills: int
    amount: int


def payment_schedule(uow: UnitOfWork, actor: Actor, date_from: dt.date, date_to: dt.date, *, limit: int = 200,
                     offset: int = 0) -> list[ScheduleRow]:
    """支払予定表: what falls due each day between the dates, per supplier (open bills, in a run or not)."""
    require(actor, "purchasing.view")
    query = (_schedule_query(date_from, date_to).order_by(Payable.due_date, Partner.name, Partner.id)
             .limit(_limit(limit)).offset(max(0, offset)))
    with uow:
        return [ScheduleRow(r[0], int(r[1]), r[2], int(r[3]), int(r[4] or 0))
                for r in uow.session.execute(query)]


def payment_schedule_totals(uow: UnitOfWork, actor: Actor, date_from: dt.date, date_to: dt.date) -> Totals:
    """How many rows (due date and supplier) the 支払予定表 between the dates has, and what falls due in all."""
    require(actor, "purchasing.view")
    return _totals(uow, _schedule_query(date_from, date_to))


def first_due_month(uow: UnitOfWork, actor: Actor, today: dt.date) -> dt.date:
    """The first day of the month the 支払予定表 opens on: the month of the earliest payable still open (or in a
    run), when it is earlier or later than this month; this month when nothing is due."""
    require(actor, "purchasing.view")
    with uow:
        first = uow.session.scalar(select(func.min(Payable.due_date)).where(Payable.status.in_(("open", "in_run"))))
    day = first if isinstance(first, dt.date) else today
    return day.replace(day=1)


def _schedule_query(date_from: dt.date, date_to: dt.date) -> Any:
    return (select(Payable.due_date, Partner.id, Partner.name, func.count(Payable.bill_id),
                   func.sum(Payable.open_amount).label("amount"))
            .join(Partner, Partner.id == Payable.supplier_id)
            .where(Payable.status.in_(("open", "in_run")), Payable.due_date >= date_from,
                   Payable.due_date <= date_to)
            .group_by(Payable.due_date, Partner.id, Partner.name))
