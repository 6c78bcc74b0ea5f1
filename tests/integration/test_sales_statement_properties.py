"""Property (issue 12 item 1), on SQLite and PostgreSQL: over random sequences of deliveries, 締め請求 runs,
deposits, matches, 消込取消 and credit notes (also after payment), every statement's figures equal those of
an independent model of the customer's account, and each customer's latest 今回御請求額 equals what the
receivables ledger says it owes (open receivables − its credit balance).

The model knows only the business facts: an item of 1,000 yen at 10% (tax exact: 100 per unit, so a
delivery or credit of q units is 1,100 x q whatever the rounding), what was paid and undone. It never reads a
figure back from the code.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from ennoshita.db import Database
from ennoshita.sales import billing, customer_credit, flow, partners, receivables
from ennoshita.sales.lines import LineInput
from ennoshita.sales.models import BankDeposit, Invoice, Receivable
from tests.conftest import open_posting_years
from tests.integration.test_sales_flow import CLERK, company  # noqa: F401 (fixture)

UNIT = 1_100  # 1,000 + 10% (exact)
OPS = ("deliver", "deliver", "run", "pay", "pay", "unmatch", "credit")
steps_st = st.lists(st.tuples(st.sampled_from(OPS), st.integers(0, 1), st.integers(1, 9), st.integers(0, 99)),
                    min_size=4, max_size=18)


@dataclass
class Account:
    partner_id: int
    owed: int = 0  # what the customer owes on the model
    last_billed: int = 0  # the latest statement's 今回御請求額
    received_since: int = 0  # receipts and credits since the latest statement
    unbilled_units: int = 0
    invoices: list[tuple[int, int]] = field(default_factory=list)  # (invoice id, gross)
    credited: dict[int, int] = field(default_factory=dict)  # invoice id -> credited so far
    matched: list[tuple[int, int, int]] = field(default_factory=list)  # (deposit id, invoice id, amount)


def _sub_ledger_owed(db: Database, partner_id: int) -> int:
    with db.uow() as uow:
        s = uow.session
        open_ar = int(s.scalar(select(func.coalesce(func.sum(Receivable.open_amount), 0))
                               .where(Receivable.partner_id == partner_id)) or 0)
        return open_ar - customer_credit.balances(s, [partner_id]).get(partner_id, 0)


def test_latest_statement_equals_the_receivables_ledger(company: Database) -> None:  # noqa: F811 (fixture)
    db = company
    partners.create_item(db.uow(), CLERK, partners.ItemInput("H-1", "部品H", "個", "1000", "10"))
    open_posting_years(db, 2010)  # postings are refused before the company's first fiscal year (posting_years)
    years = itertools.count(2010)  # each example its own fiscal year, going forward, all in the past
    serial = itertools.count(1)

    @settings(max_examples=12, deadline=None, phases=tuple(p for p in Phase if p != Phase.shrink),
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(steps=steps_st)
    def check(steps: list[tuple[str, int, int, int]]) -> None:
        year = next(years)
        accounts = []
        for _ in range(2):
            n = next(serial)
            pid = partners.create_partner(db.uow(), CLERK, partners.PartnerInput(
                code=f"H{n:04d}", name=f"検証商事{n}", name_kana=f"ケンシヨウシヨウジ{n}", closing_day=20,
                months_after=1, pay_day=31)).id
            accounts.append(Account(pid))
        month = 0
        today = dt.date(year, 4, 1)

        for op, who, a, b in steps:
            acc = accounts[who]
            if op == "deliver":
                order = flow.create_order(db.uow(), CLERK, flow.OrderInput(
                    acc.partner_id, today, "部品", (LineInput(item_code="H-1", quantity=str(a)),)))
                flow.create_delivery(db.uow(), CLERK, flow.DeliveryInput(order.id, today))
                acc.unbilled_units += a
            elif op == "run":
                closing = _twentieth(year, month)
                run = billing.billing_run(db.uow(), CLERK, closing, partner_ids=[x.partner_id for x in accounts],
                                          today=closing)
                for x in accounts:
                    mine = [i for i in run.invoices if i.partner_id == x.partner_id]
                    if not x.unbilled_units:
                        assert mine == []
                        continue
                    (inv,) = mine
                    gross = UNIT * x.unbilled_units
                    x.owed += gross
                    with db.uow() as uow:
                        row = uow.session.get(Invoice, inv.id)
                        assert row is not None
                        got = (row.previous_billed, row.received, row.carried_over, row.gross, row.billed)
                    expected = (x.last_billed, x.received_since, x.last_billed - x.received_since, gross, x.owed)
                    assert got == expected, (steps, got, expected)
                    assert _sub_ledger_owed(db, x.partner_id) == x.owed  # the issue's invariant
                    x.last_billed, x.received_since, x.unbilled_units = x.owed, 0, 0
                    x.invoices.append((inv.id, gross))
                month += 1
                today = closing + dt.timedelta(days=1)
            elif op == "pay":
                candidates = _open_invoices(db, acc.partner_id)  # which invoice to pay (not a figure checked)
                if not candidates:
                    continue
                invoice_id, open_amount = candidates[b % len(candidates)]
                amount = max(1, open_amount * (b + 1) // 100)  # 1% .. 100% of what is open
                n = next(serial)
                csv = f"日付,摘要,入金額,出金額,残高\n{today:%Y/%m/%d},振込 ケンシヨウ{n},{amount},,0\n"
                receivables.import_bank_csv(db.uow(), CLERK, csv.encode("cp932"), batch=f"prop-{n}")
                with db.uow() as uow:
                    dep_id = int(uow.session.scalar(select(BankDeposit.id).where(BankDeposit.batch == f"prop-{n}")))
                receivables.confirm_matches(db.uow(), CLERK, [receivables.MatchInput(dep_id, ((invoice_id, amount),))])
                acc.owed -= amount
                acc.received_since += amount
                acc.matched.append((dep_id, invoice_id, amount))
            elif op == "unmatch":
                if not acc.matched:
                    continue
                dep_id, _invoice_id, amount = acc.matched.pop(b % len(acc.matched))
                receivables.unmatch(db.uow(), CLERK, dep_id, "誤消込")
                acc.owed += amount
                acc.received_since -= amount
            elif op == "credit":
                creditable = [(i, g - acc.credited.get(i, 0)) for i, g in acc.invoices if g > acc.credited.get(i, 0)]
                if not creditable:
                    continue
                invoice_id, left = creditable[b % len(creditable)]
                units = min(a, left // UNIT)
                billing.issue_credit_note(db.uow(), CLERK, billing.CreditNoteInput(
                    invoice_id, today, (LineInput(item_code="H-1", quantity=str(units)),), "返品"))
                amount = UNIT * units
                acc.credited[invoice_id] = acc.credited.get(invoice_id, 0) + amount
                acc.owed -= amount
                acc.received_since += amount
            for x in accounts:
                assert _sub_ledger_owed(db, x.partner_id) == x.owed  # at every step, billed or not
        check_ar = receivables.ar_check(db.uow(), CLERK)
        assert check_ar.ok, check_ar

    check()


def _twentieth(year: int, month: int) -> dt.date:
    """The ``month``-th 20th of the fiscal year starting in April of ``year``."""
    m = 4 + month
    return dt.date(year + (m - 1) // 12, (m - 1) % 12 + 1, 20)


def _open_invoices(db: Database, partner_id: int) -> list[tuple[int, int]]:
    with db.uow() as uow:
        return [(int(i), int(o)) for i, o in uow.session.execute(
            select(Receivable.invoice_id, Receivable.open_amount)
            .where(Receivable.partner_id == partner_id, Receivable.status == "open", Receivable.open_amount > 0)
            .order_by(Receivable.invoice_id))]
