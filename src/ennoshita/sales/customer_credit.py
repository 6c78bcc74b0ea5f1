"""得意先の預り残高: money the company owes a customer, kept as 前受金 on the customer's 補助科目.

It arises when a credit note (返還インボイス) returns more than its invoice still owes (the invoice was paid,
消費税法57条の4③ lets the credit note be issued whatever the payment state) or when a customer pays more than
it owes. It is applied to the customer's next invoices (前受金 / 売掛金, at the next 締め請求) or refunded
(前受金 / 普通預金). The statement (締め請求書) counts it: the balance a customer owes is its open receivables
minus its credit balance.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ennoshita import audit
from ennoshita.actor import Actor
from ennoshita.dates import now_utc
from ennoshita.db import UnitOfWork
from ennoshita.errors import Invalid, NotFound
from ennoshita.identity.roles import require
from ennoshita.ledger import EntryDraft, LineDraft, PostingBatch, chart
from ennoshita.partners.models import Partner
from ennoshita.sales.models import CustomerCredit, Invoice, Receivable

CODE_ADVANCES = "2190"  # 前受金


def balances(s: Session, partner_ids: Iterable[int] | None = None) -> dict[int, int]:
    """Credit balance per customer (only customers with a non-zero balance)."""
    query = (select(CustomerCredit.partner_id, func.sum(CustomerCredit.amount))
             .group_by(CustomerCredit.partner_id).having(func.sum(CustomerCredit.amount) != 0))
    if partner_ids is not None:
        ids = list(partner_ids)
        if not ids:
            return {}
        query = query.where(CustomerCredit.partner_id.in_(ids))
    return {int(p): int(a) for p, a in s.execute(query)}


def advance_sub(batch: PostingBatch, actor: Actor, partner: Partner) -> str:
    return batch.sub_account(actor, CODE_ADVANCES, partner.code, partner.name, partner.name_kana, partner.id)


def record(s: Session, actor: Actor, partner_id: int, day: dt.date, kind: str, amount: int, *,
           invoice_id: int | None = None, deposit_id: int | None = None, entry_id: int | None = None,
           memo: str = "") -> None:
    s.add(CustomerCredit(partner_id=partner_id, entry_date=day, kind=kind, amount=amount, invoice_id=invoice_id,
                         deposit_id=deposit_id, journal_entry_id=entry_id, memo=memo[:200],
                         created_by=actor.user_id, created_at=now_utc()))


def apply_to_open(s: Session, actor: Actor, batch: PostingBatch, partner: Partner, day: dt.date,
                  invoice_ids: Iterable[int] | None = None) -> int:
    """Apply the customer's credit balance to its open invoices (``invoice_ids``, else every open one), oldest
    due first: 前受金 / 売掛金 in one entry; the receivables are settled by it. Returns the amount applied."""
    available = balances(s, [partner.id]).get(partner.id, 0)
    if available <= 0:
        return 0
    query = (select(Receivable).where(Receivable.partner_id == partner.id, Receivable.status == "open",
                                      Receivable.open_amount > 0)
             .order_by(Receivable.due_date, Receivable.invoice_id).with_for_update())
    if invoice_ids is not None:
        query = query.where(Receivable.invoice_id.in_(list(invoice_ids)))
    applied: list[tuple[int, int]] = []
    for rec in s.scalars(query):
        if available <= 0:
            break
        take = min(available, rec.open_amount)
        rec.open_amount -= take
        rec.paid_amount += take
        if rec.open_amount == 0:
            rec.status = "paid"
        available -= take
        applied.append((rec.invoice_id, take))
    total = sum(a for _, a in applied)
    if not total:
        return 0
    receivable = batch.sub_account(actor, chart.CODE_RECEIVABLE, partner.code, partner.name, partner.name_kana,
                                   partner.id)
    posted = batch.post(actor, EntryDraft(day, f"預り金充当 {partner.name}", partner.name, (
        LineDraft(CODE_ADVANCES, total, 0, None, advance_sub(batch, actor, partner)),
        LineDraft(chart.CODE_RECEIVABLE, 0, total, None, receivable))), source="sales",
        source_ref=f"CREDIT-{partner.code}")
    for invoice_id, amount in applied:
        record(s, actor, partner.id, day, "applied", -amount, invoice_id=invoice_id, entry_id=posted.id)
    audit.record(s, actor, "customer_credit", partner.id, "apply",
                 after={"applied": [list(a) for a in applied], "journal_entry": posted.entry_no})
    return total


@dataclass(frozen=True)
class CreditMovement:
    id: int
    entry_date: dt.date
    kind: str
    amount: int
    invoice_number: str
    memo: str


@dataclass(frozen=True)
class CreditBalance:
    partner_id: int
    balance: int
    movements: tuple[CreditMovement, ...]


def credit_of(uow: UnitOfWork, actor: Actor, partner_id: int, limit: int = 50) -> CreditBalance:
    """The customer's credit balance and its latest movements."""
    require(actor, "sales.view")
    with uow:
        s = uow.session
        rows = s.execute(select(CustomerCredit, Invoice.number)
                         .outerjoin(Invoice, Invoice.id == CustomerCredit.invoice_id)
                         .where(CustomerCredit.partner_id == partner_id)
                         .order_by(CustomerCredit.id.desc()).limit(limit)).all()
        return CreditBalance(partner_id, balances(s, [partner_id]).get(partner_id, 0), tuple(
            CreditMovement(c.id, c.entry_date, c.kind, c.amount, number or "", c.memo) for c, number in rows))


def apply_credit(uow: UnitOfWork, actor: Actor, partner_id: int, day: dt.date) -> int:
    """Apply the customer's credit balance to its open invoices now (the 締め請求 does it for new invoices)."""
    require(actor, "sales.edit")
    with uow:
        s = uow.session
        partner = s.get(Partner, partner_id)
        if partner is None:
            raise NotFound("sales.error.partner_not_found", field="partner_id", id=partner_id)
        applied = apply_to_open(s, actor, PostingBatch(s), partner, day)
        uow.commit()
    return applied


def refund_credit(uow: UnitOfWork, actor: Actor, partner_id: int, amount: int, day: dt.date,
                  memo: str = "") -> str:
    """返金: pay (part of) the customer's credit balance back by bank transfer: 前受金 / 普通預金. Returns the
    journal entry number. More than the balance is refused."""
    require(actor, "sales.edit")
    with uow:
        s = uow.session
        partner = s.get(Partner, partner_id)
        if partner is None:
            raise NotFound("sales.error.partner_not_found", field="partner_id", id=partner_id)
        available = balances(s, [partner_id]).get(partner_id, 0)
        if amount <= 0 or amount > available:
            raise Invalid("sales.error.refund_exceeds_credit", field="amount", amount=amount, balance=available)
        batch = PostingBatch(s)
        posted = batch.post(actor, EntryDraft(day, f"返金 {partner.name} {memo}".strip(), partner.name, (
            LineDraft(CODE_ADVANCES, amount, 0, None, advance_sub(batch, actor, partner)),
            LineDraft(chart.CODE_ORDINARY_DEPOSIT, 0, amount))), source="sales", source_ref=f"REFUND-{partner.code}")
        record(s, actor, partner_id, day, "refund", -amount, entry_id=posted.id, memo=memo)
        audit.record(s, actor, "customer_credit", partner_id, "refund",
                     after={"amount": amount, "journal_entry": posted.entry_no, "memo": memo})
        uow.commit()
    return posted.entry_no


@dataclass(frozen=True)
class CreditRow:
    partner_id: int
    code: str
    name: str
    balance: int


def credit_list(uow: UnitOfWork, actor: Actor) -> list[CreditRow]:
    """Every customer with a credit balance (預り残高), by code."""
    require(actor, "sales.view")
    with uow:
        s = uow.session
        found = balances(s)
        if not found:
            return []
        rows = s.execute(select(Partner.id, Partner.code, Partner.name).where(Partner.id.in_(list(found)))
                         .order_by(Partner.code))
        return [CreditRow(int(i), c, n, found[int(i)]) for i, c, n in rows]
