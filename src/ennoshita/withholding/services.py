"""源泉所得税: accruing what a source withheld, dating it when the payee is paid, the 納付 list per 納期限 with
the 所得税徴収高計算書 figures, the 納付 posting and its 取消, and the 支払調書 per payee and year.

Sources call :func:`accrue` inside their own transaction (a supplier bill when it is posted; payroll later with
``source_kind="salary"``) and :func:`mark_paid` when the payee is paid (a payment run's 支払済).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ennoshita import audit
from ennoshita.actor import Actor
from ennoshita.dates import format_date, now_utc, today_tokyo
from ennoshita.db import UnitOfWork
from ennoshita.errors import Conflict, Invalid, NotFound
from ennoshita.identity.roles import require
from ennoshita.ledger import EntryDraft, LineDraft, PostingBatch, chart, reverse_in
from ennoshita.withholding import rules
from ennoshita.withholding.models import WithholdingItem, WithholdingRemittance

SUB_ACCOUNT = "GENSEN"  # 預り金 の 補助科目 源泉所得税
SUB_ACCOUNT_NAME = "源泉所得税"


def accrue(s: Session, *, source_kind: str, source_id: int, source_number: str, payee_id: int, payee_name: str,
           category: str, amount: int, tax: int, accrual_date: dt.date, payee_kind: str = "partner") -> None:
    """One payment's withheld tax, recorded by the source in its own transaction."""
    s.add(WithholdingItem(source_kind=source_kind, source_id=source_id, source_number=source_number,
                          payee_kind=payee_kind, payee_id=payee_id, payee_name=payee_name, category=category,
                          amount=amount, tax=tax, accrual_date=accrual_date))


def mark_paid(s: Session, source_kind: str, source_ids: Iterable[int], paid: dt.date, special_due: bool) -> int:
    """The payees of these source documents were paid on ``paid``: the withheld tax is due by its 納期限."""
    ids = list(source_ids)
    count = 0
    if not ids:
        return 0
    for item in s.scalars(select(WithholdingItem).where(WithholdingItem.source_kind == source_kind,
                                                        WithholdingItem.source_id.in_(ids),
                                                        WithholdingItem.paid_date.is_(None))):
        item.paid_date = paid
        item.due_date = rules.due_date(paid, item.category, special_due)
        count += 1
    return count


def items_paid(s: Session, source_kind: str, source_ids: Iterable[int]) -> bool:
    """Has the payee of any of these documents been paid (its withheld tax dated by the payment)?"""
    ids = list(source_ids)
    return bool(ids) and s.scalar(select(func.count()).select_from(WithholdingItem).where(
        WithholdingItem.source_kind == source_kind, WithholdingItem.source_id.in_(ids),
        WithholdingItem.paid_date.is_not(None))) != 0


def items_remitted(s: Session, source_kind: str, source_ids: Iterable[int]) -> bool:
    """Was the tax withheld on any of these documents already paid to the tax office (納付)?"""
    ids = list(source_ids)
    return bool(ids) and s.scalar(select(func.count()).select_from(WithholdingItem).where(
        WithholdingItem.source_kind == source_kind, WithholdingItem.source_id.in_(ids),
        WithholdingItem.remittance_id.is_not(None))) != 0


def drop_unpaid(s: Session, source_kind: str, source_ids: Iterable[int]) -> int:
    """The source documents were cancelled before their payee was paid: their withheld tax is no longer owed
    (the source reverses its 預り金 with its own entry). Returns the tax dropped."""
    ids = list(source_ids)
    if not ids:
        return 0
    dropped = 0
    for item in s.scalars(select(WithholdingItem).where(
            WithholdingItem.source_kind == source_kind, WithholdingItem.source_id.in_(ids),
            WithholdingItem.paid_date.is_(None), WithholdingItem.remittance_id.is_(None))):
        dropped += item.tax
        s.delete(item)
    return dropped


def mark_unpaid(s: Session, source_kind: str, source_ids: Iterable[int]) -> int:
    """The payment of these source documents was undone (not remitted yet): the tax waits for the next payment."""
    ids = list(source_ids)
    count = 0
    if not ids:
        return 0
    for item in s.scalars(select(WithholdingItem).where(WithholdingItem.source_kind == source_kind,
                                                        WithholdingItem.source_id.in_(ids),
                                                        WithholdingItem.remittance_id.is_(None))):
        item.paid_date = item.due_date = None
        count += 1
    return count


@dataclass(frozen=True)
class CategoryFigures:
    """所得税徴収高計算書 figures of one category: 人員 (distinct payees), 支給額, 税額."""

    category: str
    people: int
    amount: int
    tax: int


@dataclass(frozen=True)
class DueGroup:
    """What is due by one 納期限, per category, and whether it was paid."""

    due_date: dt.date
    categories: tuple[CategoryFigures, ...]
    total: int
    remittance_id: int | None
    paid_date: dt.date | None


def remittance_list(uow: UnitOfWork, actor: Actor, year: int | None = None) -> list[DueGroup]:
    """源泉所得税 納付 list: every 納期限 (of payments made, optionally within ``year``), newest first."""
    require(actor, "ledger.view")
    query = (select(WithholdingItem.due_date, WithholdingItem.category, WithholdingItem.remittance_id,
                    func.count(func.distinct(WithholdingItem.payee_id)), func.sum(WithholdingItem.amount),
                    func.sum(WithholdingItem.tax))
             .where(WithholdingItem.due_date.is_not(None))
             .group_by(WithholdingItem.due_date, WithholdingItem.category, WithholdingItem.remittance_id))
    if year is not None:
        query = query.where(WithholdingItem.due_date >= dt.date(year, 1, 1),
                            WithholdingItem.due_date <= dt.date(year, 12, 31))
    groups: dict[tuple[dt.date, int | None], list[CategoryFigures]] = defaultdict(list)
    with uow:
        s = uow.session
        for due, category, remittance_id, people, amount, tax in s.execute(query):
            assert due is not None
            groups[(due, remittance_id)].append(CategoryFigures(category, int(people), int(amount or 0),
                                                                int(tax or 0)))
        paid = {r.id: r.paid_date for r in s.scalars(select(WithholdingRemittance))}
    out = []
    for (due, remittance_id), cats in groups.items():
        cats.sort(key=lambda c: c.category)
        out.append(DueGroup(due, tuple(cats), sum(c.tax for c in cats), remittance_id,
                            paid.get(remittance_id) if remittance_id else None))
    out.sort(key=lambda g: (g.due_date, g.remittance_id or 0), reverse=True)
    return out


@dataclass(frozen=True)
class RemittanceResult:
    id: int
    due_date: dt.date
    paid_date: dt.date
    total: int
    entry_no: str


def pay_remittance(uow: UnitOfWork, actor: Actor, due_date: dt.date, paid_date: dt.date) -> RemittanceResult:
    """納付: every unremitted item due on ``due_date`` paid on ``paid_date``; posts 預り金(源泉所得税) / 普通預金."""
    require(actor, "payments.edit")
    with uow:
        s = uow.session
        items = list(s.scalars(select(WithholdingItem).where(WithholdingItem.due_date == due_date,
                                                             WithholdingItem.remittance_id.is_(None))
                               .with_for_update()))
        if not items:
            raise Conflict("withholding.error.nothing_due", field="due_date", date=due_date)
        if paid_date < max(i.paid_date or i.accrual_date for i in items):
            raise Invalid("withholding.error.paid_before_withheld", field="paid_date")
        total = sum(i.tax for i in items)
        batch = PostingBatch(s)
        batch.sub_account(actor, chart.CODE_WITHHOLDING, SUB_ACCOUNT, SUB_ACCOUNT_NAME)
        memo = f"源泉所得税 納付（納期限 {format_date(due_date, 'ja')}）"
        posted = batch.post(actor, EntryDraft(paid_date, memo, "税務署", (
            LineDraft(chart.CODE_WITHHOLDING, total, 0, None, SUB_ACCOUNT, None, memo),
            LineDraft(chart.CODE_ORDINARY_DEPOSIT, 0, total, None, None, None, memo))),
            source="withholding", source_ref=due_date.isoformat(), split_tax=False)
        row = WithholdingRemittance(due_date=due_date, paid_date=paid_date, total=total, journal_entry_id=posted.id,
                                    created_by=actor.user_id, created_at=now_utc())
        s.add(row)
        s.flush()
        for item in items:
            item.remittance_id = row.id
        audit.record(s, actor, "withholding_remittance", row.id, "pay", after={
            "due_date": due_date.isoformat(), "paid_date": paid_date.isoformat(), "total": total,
            "items": len(items), "journal_entry": posted.entry_no})
        result = RemittanceResult(row.id, due_date, paid_date, total, posted.entry_no)
        uow.commit()
    return result


@dataclass(frozen=True)
class CancelResult:
    id: int
    due_date: dt.date
    total: int
    items: int
    reversal_entry_no: str


def cancel_remittance(uow: UnitOfWork, actor: Actor, remittance_id: int, reason: str = "") -> CancelResult:
    """納付の取消: the 納付 entry reversed (on its date, or today when that month is locked or its year closed), the
    withheld items it paid unpaid again (back in the 納付 list and the 所得税徴収高計算書), the 納付 kept as
    ``cancelled``; the items it covered are named in the audit record. The role is the 納付's own."""
    require(actor, "payments.edit")
    with uow:
        s = uow.session
        row = s.get(WithholdingRemittance, remittance_id, with_for_update=True)
        if row is None:
            raise NotFound("withholding.error.remittance_not_found", id=remittance_id)
        if row.status != "paid":
            raise Conflict("withholding.error.remittance_cancelled", field="remittance_id",
                           date=row.due_date)
        items = list(s.scalars(select(WithholdingItem).where(WithholdingItem.remittance_id == row.id)
                               .order_by(WithholdingItem.id).with_for_update()))
        reversal = None
        if row.journal_entry_id is not None:
            reversal = reverse_in(s, actor, row.journal_entry_id, f"納付の取消 {reason}".strip(),
                                  fallback_date=today_tokyo())
        for item in items:
            item.remittance_id = None
        row.status, row.cancelled_by, row.cancelled_at = "cancelled", actor.user_id, now_utc()
        row.reversal_entry_id = reversal.id if reversal is not None else None
        audit.record(s, actor, "withholding_remittance", row.id, "cancel",
                     before={"status": "paid", "items": [i.id for i in items]},
                     after={"status": "cancelled", "reason": reason, "total": row.total,
                            "reversal": reversal.entry_no if reversal is not None else None})
        result = CancelResult(row.id, row.due_date, row.total, len(items),
                              reversal.entry_no if reversal is not None else "")
        uow.commit()
    return result


@dataclass(frozen=True)
class PayeeStatement:
    """報酬、料金、契約金及び賞金の支払調書 of one payee and calendar year.

    ``paid`` / ``tax``: 支払金額 and 源泉徴収税額 of the year (支払確定 in the year); ``unpaid`` / ``unpaid_tax``:
    the part not yet paid at the year's end (未払 columns); ``submit``: over the submission threshold."""

    payee_id: int
    payee_name: str
    address: str
    category: str
    paid: int
    tax: int
    unpaid: int
    unpaid_tax: int
    submit: bool


@dataclass(frozen=True)
class SummaryTotals:
    """法定調書合計表 (報酬、料金、契約金及び賞金の支払調書合計表) figures: all payees and those submitted."""

    people: int
    amount: int
    tax: int
    submitted_people: int
    submitted_amount: int
    submitted_tax: int


def payee_statements(uow: UnitOfWork, actor: Actor, year: int) -> tuple[list[PayeeStatement], SummaryTotals]:
    """支払調書 of every 報酬 payee for calendar ``year`` (the 支払確定日, i.e. the bill date, in the year)."""
    require(actor, "ledger.view")
    from ennoshita.partners.models import Partner

    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    query = (select(WithholdingItem.payee_id, WithholdingItem.payee_name, WithholdingItem.category,
                    func.sum(WithholdingItem.amount), func.sum(WithholdingItem.tax))
             .where(WithholdingItem.payee_kind == "partner", WithholdingItem.category != rules.SALARY,
                    WithholdingItem.accrual_date >= start, WithholdingItem.accrual_date <= end)
             .group_by(WithholdingItem.payee_id, WithholdingItem.payee_name, WithholdingItem.category)
             .order_by(WithholdingItem.payee_name, WithholdingItem.payee_id))
    with uow:
        s = uow.session
        rows = list(s.execute(query))
        unpaid: dict[tuple[int, str], tuple[int, int]] = {}
        for payee_id, category, amount, tax in s.execute(
                select(WithholdingItem.payee_id, WithholdingItem.category, func.sum(WithholdingItem.amount),
                       func.sum(WithholdingItem.tax))
                .where(WithholdingItem.payee_kind == "partner", WithholdingItem.accrual_date >= start,
                       WithholdingItem.accrual_date <= end,
                       (WithholdingItem.paid_date.is_(None)) | (WithholdingItem.paid_date > end))
                .group_by(WithholdingItem.payee_id, WithholdingItem.category)):
            unpaid[(int(payee_id), category)] = (int(amount or 0), int(tax or 0))
        addresses = {int(i): str(a or "") for i, a in s.execute(
            select(Partner.id, Partner.address).where(Partner.id.in_([int(r[0]) for r in rows])))}
    statements = []
    for payee_id, name, category, amount, tax in rows:
        total = int(amount or 0)
        open_amount, open_tax = unpaid.get((int(payee_id), category), (0, 0))
        statements.append(PayeeStatement(int(payee_id), name, addresses.get(int(payee_id), ""), category, total,
                                         int(tax or 0), open_amount, open_tax, rules.must_submit(category, total)))
    submitted = [p for p in statements if p.submit]
    totals = SummaryTotals(len({p.payee_id for p in statements}), sum(p.paid for p in statements),
                           sum(p.tax for p in statements), len({p.payee_id for p in submitted}),
                           sum(p.paid for p in submitted), sum(p.tax for p in submitted))
    return statements, totals
