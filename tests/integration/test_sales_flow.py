"""Sales on SQLite and PostgreSQL: quote → order → two deliveries → 締め請求 → bank import → 消込, with the
receivables sub-ledger equal to the ledger's 売掛金 at every step.

Every expected figure is computed by hand in the comments (tax once per rate, 切り捨て).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from ennoshita.actor import Actor
from ennoshita.db import Database
from ennoshita.errors import Conflict, Forbidden, Invalid, InvalidTransition
from ennoshita.identity import company as company_service
from ennoshita.ledger import queries as ledger_queries
from ennoshita.ledger.models import JournalEntry
from ennoshita.sales import billing, flow, partners, receivables
from ennoshita.sales.lines import LineInput
from ennoshita.sales.models import Invoice, Quote, Receivable

CLERK = Actor(user_id=None, name="営業事務 一郎", roles=frozenset({"sales_admin"}), via="cli")
REQUESTER = Actor(user_id=None, name="営業 翔", roles=frozenset({"requester"}), via="cli")


@pytest.fixture
def company(db: Database) -> Database:
    company_service.update_company(db.uow(), Actor.system(), {
        "name": "株式会社さくら精機", "registration_number": "T7123456789012", "fiscal_year_start_month": 4,
        "tax_accounting": "exclusive", "tax_rounding": "floor"})
    return db


def _customer(db: Database, code: str = "C001", closing_day: int = 20) -> int:
    return partners.create_partner(db.uow(), CLERK, partners.PartnerInput(
        code=code, name="株式会社青葉商事", name_kana="カブシキガイシャアオバシヨウジ",
        registration_number="T5010001008846", closing_day=closing_day, months_after=1, pay_day=31)).id


def _items(db: Database) -> None:
    partners.create_item(db.uow(), CLERK, partners.ItemInput("P-100", "精密ベアリング", "個", "1234", "10"))
    partners.create_item(db.uow(), CLERK, partners.ItemInput("F-200", "コーヒー豆（業務用）", "kg", "1580", "8"))


def test_quote_to_cash(company: Database) -> None:
    db = company
    customer = _customer(db)
    _items(db)

    # 見積: 精密ベアリング 25個 x 1,234 = 30,850 (10%); コーヒー豆 3kg x 1,580 = 4,740 (8%).
    quote = flow.create_quote(db.uow(), CLERK, flow.QuoteInput(
        customer, dt.date(2026, 10, 5), dt.date(2026, 11, 4), "ベアリング・消耗品のお見積",
        (LineInput(item_code="P-100", quantity="25"), LineInput(item_code="F-200", quantity="3"))))
    # tax once per rate: 30,850 x 10% = 3,085; 4,740 x 8% = 379.2 → 379 (切り捨て)
    assert (quote.net, quote.tax, quote.gross) == (35_590, 3_464, 39_054)
    assert quote.number == "Q-2026-000001" and quote.revision == 1

    # rev 2 keeps rev 1: 30 個 instead of 25 → 37,020 + 3,702; 4,740 + 379
    rev2 = flow.revise_quote(db.uow(), CLERK, quote.id, flow.QuoteInput(
        customer, dt.date(2026, 10, 7), dt.date(2026, 11, 6), "ベアリング・消耗品のお見積",
        (LineInput(item_code="P-100", quantity="30"), LineInput(item_code="F-200", quantity="3"))))
    assert (rev2.number, rev2.revision, rev2.gross) == ("Q-2026-000001", 2, 37_020 + 3_702 + 4_740 + 379)
    with db.uow() as uow:
        old = uow.session.get(Quote, quote.id)
        assert old is not None and old.status == "superseded"
    with pytest.raises(InvalidTransition):
        flow.accept_quote(db.uow(), CLERK, quote.id)

    flow.set_quote_status(db.uow(), CLERK, rev2.id, "sent")
    order = flow.accept_quote(db.uow(), CLERK, rev2.id, order_date=dt.date(2026, 10, 9))
    assert order.number == "SO-2026-000001" and order.status == "open" and order.gross == rev2.gross

    # two deliveries: 10/15 (20 個 + 3 kg), 10/28 (10 個); the 20日締め covers the first only
    with db.uow() as uow:
        line_ids = [r[0] for r in uow.session.execute(text(
            "SELECT id FROM sales_order_lines WHERE order_id = :o ORDER BY line_no"), {"o": order.id})]
    with pytest.raises(Invalid) as over:
        flow.create_delivery(db.uow(), CLERK, flow.DeliveryInput(order.id, dt.date(2026, 10, 15),
                                                                 ((line_ids[0], "31"),)))
    assert over.value.problems[0].field == "lines[0].quantity"
    d1 = flow.create_delivery(db.uow(), CLERK, flow.DeliveryInput(
        order.id, dt.date(2026, 10, 15), ((line_ids[0], "20"), (line_ids[1], "3"))))
    d2 = flow.create_delivery(db.uow(), CLERK, flow.DeliveryInput(order.id, dt.date(2026, 10, 28)))
    assert d1.gross == 24_680 + 2_468 + 4_740 + 379 and d2.gross == 12_340 + 1_234

    # 10/20 締め: one invoice over delivery 1
    run = billing.billing_run(db.uow(), CLERK, dt.date(2026, 10, 20))
    assert [i.number for i in run.invoices] == ["INV-2026-000001"]
    inv1 = run.invoices[0]
    assert (inv1.net, inv1.tax, inv1.gross) == (29_420, 2_847, 32_267)
    # due: 20日締め翌月末 → 2026-11-30 (Mon)
    assert inv1.due_date == dt.date(2026, 11, 30)
    # nothing left to bill on a second run for the same date
    assert billing.billing_run(db.uow(), CLERK, dt.date(2026, 10, 20)).invoices == ()

    # 11/20 締め: delivery 2, with 前回請求 32,267, nothing received yet → 繰越 32,267, 今回御請求 45,841
    run2 = billing.billing_run(db.uow(), CLERK, dt.date(2026, 11, 20))
    inv2 = run2.invoices[0]
    assert inv2.gross == 13_574 and inv2.billed == 32_267 + 13_574
    with db.uow() as uow:
        row = uow.session.get(Invoice, inv2.id)
        assert row is not None
        assert (row.previous_billed, row.received, row.carried_over) == (32_267, 0, 32_267)
        assert (row.period_from, row.period_to) == (dt.date(2026, 10, 21), dt.date(2026, 11, 20))
        # 出荷基準 (the default): the sale, 13,574, was posted on the delivery date 10/28 by the delivery; the
        # invoice's tax (1,234, once over the same one line) equals the delivery's, so the invoice posts nothing
        assert row.journal_entry_id is None
        entry = uow.session.scalar(select(JournalEntry).where(JournalEntry.source_ref == "DN-2026-000002"))
        assert entry is not None and entry.total == 13_574 and entry.entry_date == dt.date(2026, 10, 28)

    check = receivables.ar_check(db.uow(), CLERK)
    assert check.subledger == 32_267 + 13_574 and check.ok

    # the bank: the customer pays invoice 1 short by a 660 yen fee, and invoice 2 in full
    csv = ("日付,摘要,入金額,出金額,残高\n"
           "2026/11/30,振込 カ)アオバシヨウジ,31607,,1000000\n"
           "2026/12/01,フリコミ アオバシヨウジ(カ,13574,,1013574\n"
           "2026/12/01,口座振替 電気料金,,20000,993574\n").encode("cp932")
    imported = receivables.import_bank_csv(db.uow(), CLERK, csv)
    assert (imported.imported, imported.skipped) == (2, 1)
    again = receivables.import_bank_csv(db.uow(), CLERK, csv)
    assert (again.imported, again.duplicates) == (0, 2)

    proposals = receivables.propose(db.uow(), CLERK)
    kinds = {p.amount: (p.kind, p.fee, [a[1] for a in p.allocations]) for p in proposals}
    assert kinds[31_607] == ("fee_short", 660, [inv1.number])
    assert kinds[13_574] == ("exact", 0, [inv2.number])
    assert receivables.auto_match(db.uow(), CLERK) == 2

    check = receivables.ar_check(db.uow(), CLERK)
    assert (check.subledger, check.ledger) == (0, 0)
    with db.uow() as uow:
        statuses = {r.invoice_id: (r.status, r.open_amount) for r in uow.session.scalars(select(Receivable))}
    assert statuses == {inv1.id: ("paid", 0), inv2.id: ("paid", 0)}
    # the fee, by the default setting, is a 売上値引 (対価の返還等; 税抜: 660 → 600 + 60 back off 仮受消費税)
    with db.uow() as uow:
        tb = {r.account_code: r for r in ledger_queries.trial_balance(
            uow.session, dt.date(2026, 4, 1), dt.date(2027, 3, 31), 4).rows}
    assert tb["4120"].debit == 600 and "6340" not in tb
    assert tb["1220"].debit == 32_267 + 13_574 and tb["1220"].credit == 32_267 + 13_574
    assert tb["2220"].credit == 2_847 + 1_234 and tb["2220"].debit == 60


def test_issued_invoices_never_change_and_corrections_reference_them(company: Database) -> None:
    db = company
    customer = _customer(db, "C002", closing_day=0)
    inv = billing.issue_invoice(db.uow(), CLERK, billing.InvoiceInput(
        customer, dt.date(2026, 11, 2), (LineInput("保守作業 11月分", "1", "50000", "10"),), subject="保守"))
    assert (inv.net, inv.tax, inv.gross) == (50_000, 5_000, 55_000)
    with db.uow() as uow, pytest.raises(DBAPIError):
        uow.session.execute(text("UPDATE invoices SET gross = 1 WHERE id = :i"), {"i": inv.id})
        uow.session.flush()
    with db.uow() as uow, pytest.raises(DBAPIError):
        uow.session.execute(text("DELETE FROM invoice_lines WHERE invoice_id = :i"), {"i": inv.id})
        uow.session.flush()

    # 返還インボイス: 20,000 of the work is credited → 20,000 + 2,000; more than is open is refused
    with pytest.raises(Invalid):
        billing.issue_credit_note(db.uow(), CLERK, billing.CreditNoteInput(
            inv.id, dt.date(2026, 11, 5), (LineInput("値引", "1", "60000", "10"),)))
    cn = billing.issue_credit_note(db.uow(), CLERK, billing.CreditNoteInput(
        inv.id, dt.date(2026, 11, 5), (LineInput("作業時間の減少による値引", "1", "20000", "10"),), "値引"))
    assert cn.number == "CN-2026-000001" and cn.gross == 22_000
    with db.uow() as uow:
        rec = uow.session.get(Receivable, inv.id)
        assert rec is not None and rec.open_amount == 33_000
    assert receivables.ar_check(db.uow(), CLERK).subledger == 33_000
    assert receivables.ar_check(db.uow(), CLERK).ok

    # a replacement invoice for an unpaid invoice: original reversed, new one references it
    inv2 = billing.issue_invoice(db.uow(), CLERK, billing.InvoiceInput(
        customer, dt.date(2026, 11, 6), (LineInput("部品代", "2", "1000", "10"),)))
    new = billing.replace_invoice(db.uow(), CLERK, inv2.id, billing.InvoiceInput(
        customer, dt.date(2026, 11, 7), (LineInput("部品代", "3", "1000", "10"),)))
    assert new.gross == 3_300 and new.number == "INV-2026-000003"
    with db.uow() as uow:
        row = uow.session.get(Invoice, new.id)
        assert row is not None and row.replaces_id == inv2.id
        rec = uow.session.get(Receivable, inv2.id)
        assert rec is not None and rec.status == "replaced"
    assert receivables.ar_check(db.uow(), CLERK).subledger == 33_000 + 3_300
    assert receivables.ar_check(db.uow(), CLERK).ok
    with pytest.raises(Conflict):
        billing.replace_invoice(db.uow(), CLERK, inv2.id, billing.InvoiceInput(
            customer, dt.date(2026, 11, 8), (LineInput("部品代", "1", "1000", "10"),)))


def test_bad_input_names_the_field_and_writes_nothing(company: Database) -> None:
    db = company
    with pytest.raises(Invalid) as bad:
        partners.create_partner(db.uow(), CLERK, partners.PartnerInput(
            code="X1", name="テスト", registration_number="T1234567890123", closing_day=17))
    fields = {p.field for p in bad.value.problems}
    assert {"registration_number", "closing_day"} <= fields
    customer = _customer(db)
    with pytest.raises(Invalid) as bad_lines:
        flow.create_quote(db.uow(), CLERK, flow.QuoteInput(
            customer, dt.date(2026, 10, 5), dt.date(2026, 11, 4), "見積",
            (LineInput("ok", "1", "100", "10"), LineInput("", "0", "abc", "5"))))
    fields = {p.field for p in bad_lines.value.problems}
    assert {"lines[1].description", "lines[1].unit_price", "lines[1].tax_rate"} <= fields
    with db.uow() as uow:
        assert uow.session.scalar(select(Quote.id)) is None
    with pytest.raises(Forbidden):
        partners.create_partner(db.uow(), REQUESTER, partners.PartnerInput(code="X2", name="テスト2"))


def test_amounts_are_exact_decimals(company: Database) -> None:
    db = company
    customer = _customer(db)
    # 12.5円 x 3 = 37.5 → 37 (切り捨て); tax on 37 at 10% = 3.7 → 3
    inv = billing.issue_invoice(db.uow(), CLERK, billing.InvoiceInput(
        customer, dt.date(2026, 11, 2), (LineInput("ねじ M3", "3", "12.5", "10"),)))
    assert (inv.net, inv.tax, inv.gross) == (37, 3, 40)
    with db.uow() as uow:
        q = uow.session.execute(text("SELECT quantity, unit_price FROM invoice_lines WHERE invoice_id = :i"),
                                {"i": inv.id}).one()
        assert Decimal(q[0]) == Decimal(3) and Decimal(q[1]) == Decimal("12.5")
