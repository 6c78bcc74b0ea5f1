"""入金消込's list of deposits as exported: each deposit with what its match did, as the screen shows it.

One row per deposit (every one, or those of one status), read in keyset batches; each batch then gets, in a few
queries, the invoices the match still clears (net of any 消込取消) with the amount cleared on each, the 振込手数料
the customer deducted and how it was booked (売上値引 / 支払手数料), what was kept as the customer's 預り残高, the
account a deposit was booked to instead (仮受金 …), the journal entry of the match and when it was matched. For a
matched deposit: amount + fee = cleared + kept as credit (the rule :func:`receivables.confirm_matches` keeps).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ennoshita import exports
from ennoshita.actor import Actor
from ennoshita.identity.roles import require
from ennoshita.ledger.models import JournalEntry
from ennoshita.ledger.rules import entry_number
from ennoshita.sales.models import BankDeposit, CustomerCredit, Invoice, Partner
from ennoshita.sales.receivables import net_allocations


@dataclass(frozen=True)
class DepositRow:
    id: int
    value_date: dt.date
    payer_name: str
    amount: int
    partner_name: str
    status: str  # unmatched / matched / booked
    memo: str
    invoices: tuple[tuple[str, int], ...] = ()  # (invoice number, amount cleared), net of any 消込取消
    fee: int = 0  # 振込手数料 deducted by the customer
    fee_treatment: str | None = None  # sales_discount 売上値引 / transfer_fee 支払手数料
    to_credit: int = 0  # kept as the customer's 預り残高 (前受金)
    booked_account: str | None = None  # status booked: the account (仮受金 2210 …)
    entry_no: str = ""  # the match's journal entry (JE-2026-000123)
    matched_at: dt.datetime | None = None

    @property
    def cleared(self) -> int:
        return sum(amount for _, amount in self.invoices)


def export_deposits(session: Session, actor: Actor, status: str = "") -> Iterator[DepositRow]:
    """入金消込's deposits (every one, or those of one status) with their matches, in keyset batches."""
    require(actor, "sales.view")
    query = select(BankDeposit, Partner.name).outerjoin(Partner, Partner.id == BankDeposit.partner_id)
    if status:
        query = query.where(BankDeposit.status == status)
    batch: list[tuple[BankDeposit, str | None]] = []
    for row in exports.keyset(session, query, BankDeposit.id):
        batch.append((row[0], row[1]))
        if len(batch) >= exports.BATCH:
            yield from _with_matches(session, batch)
            batch = []
    yield from _with_matches(session, batch)


def _with_matches(s: Session, batch: list[tuple[BankDeposit, str | None]]) -> Iterator[DepositRow]:
    matched = [d.id for d, _ in batch if d.status != "unmatched"]
    net = net_allocations(s, matched) if matched else {}
    ids = {i for rows in net.values() for i, _, _ in rows}
    numbers = {int(i): str(n) for i, n in s.execute(select(Invoice.id, Invoice.number).where(Invoice.id.in_(ids)))
               } if ids else {}
    kept = {int(i or 0): int(a or 0) for i, a in s.execute(
        select(CustomerCredit.deposit_id, func.sum(CustomerCredit.amount)).where(CustomerCredit.deposit_id.in_(matched))
        .group_by(CustomerCredit.deposit_id))} if matched else {}
    entry_ids = [d.journal_entry_id for d, _ in batch if d.journal_entry_id is not None]
    entries = {int(i): entry_number(int(fy), int(n or 0)) for i, fy, n in s.execute(
        select(JournalEntry.id, JournalEntry.fiscal_year, JournalEntry.number).where(JournalEntry.id.in_(entry_ids)))
               } if entry_ids else {}
    for d, name in batch:
        rows = net.get(d.id, [])
        yield DepositRow(d.id, d.value_date, d.payer_name, d.amount, name or "", d.status, d.memo or "",
                         tuple((numbers.get(i, ""), a) for i, a, _ in rows), sum(f for _, _, f in rows),
                         d.fee_treatment, kept.get(d.id, 0), d.booked_account,
                         entries.get(d.journal_entry_id, "") if d.journal_entry_id is not None else "", d.matched_at)
