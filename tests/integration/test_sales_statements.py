"""締め請求 statements follow the receivables sub-ledger (issue 12, items 1-3), on SQLite and PostgreSQL.

前回御請求額 = the previous statement's 今回御請求額; 御入金額 = every receipt and credit applied since the
previous statement was cut, whatever the deposit's own date; 繰越 = the difference; 今回御請求額 = 繰越 + this
period's sales and tax, which is what the customer owes on the receivables ledger. Figures by hand below.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from ennoshita.db import Database
from ennoshita.errors import Invalid
from ennoshita.sales import aging, billing, flow, pdf, receivables
from ennoshita.sales.lines import LineInput
from ennoshita.sales.models import Invoice, Partner, Receivable
from tests.integration.test_sales_flow import CLERK, _customer, _items, company  # noqa: F401 (fixture)


def _partner(db: Database, code: str) -> int:
    with db.uow() as uow:
        return int(uow.session.scalar(select(Partner.id).where(Partner.code == code)) or 0)


def _deliver(db: Database, partner: int, day: dt.date, item: str, qty: str) -> None:
    order = flow.create_order(db.uow(), CLERK, flow.OrderInput(
        partner, day, f"{item} {qty}", (LineInput(item_code=item, quantity=qty),)))
    flow.create_delivery(db.uow(), CLERK, flow.DeliveryInput(order.id, day))


def _statement_of(db: Database, partner: int, closing: dt.date) -> Invoice:
    with db.uow() as uow:
        inv = uow.session.scalar(select(Invoice).where(Invoice.partner_id == partner, Invoice.period_to == closing,
                                                       Invoice.billing == "closing"))
        assert inv is not None
        uow.session.expunge(inv)
        return inv


def _owed(db: Database, partner: int) -> int:
    with db.uow() as uow:
        return int(uow.session.scalar(select(func.coalesce(func.sum(Receivable.open_amount), 0))
                                      .where(Receivable.partner_id == partner)) or 0)


def _pdf_text(db: Database, invoice_id: int) -> str:
    content, _ = pdf.invoice_pdf(db.uow(), CLERK, invoice_id)
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).replace(" ", "").replace("\n", "")


def test_the_issue_demo_scenario_statement_equals_the_receivables_ledger(demo_db: Database) -> None:
    """The issue's reproduction on the demo company: 青葉商事 (20日締め) paid INV-2026-000001 on 11/20 (after
    the 11/20 run), and its 12/1 deposit is matched to INV-2026-000007 only after the 12/20 run."""
    db = demo_db
    aoba = _partner(db, "C0001")
    with db.uow() as uow:
        inv7 = uow.session.scalar(select(Invoice).where(Invoice.number == "INV-2026-000007"))
        assert inv7 is not None and inv7.partner_id == aoba
        inv7_id = inv7.id
        # the demo: INV-1 144,272 (10/20) paid 11/20 as 143,612 + 660 fee; INV-7 (11/20) 144,272 open,
        # its statement: 前回 144,272, 入金 0 (nothing matched before the 11/20 run), 今回御請求額 288,544
        assert (inv7.gross, inv7.previous_billed, inv7.received, inv7.billed) == (144_272, 144_272, 0, 288_544)
    assert _owed(db, aoba) == 144_272

    # 12/10: 50 x P-1001 1,234 = 61,700 + 10% 6,170 = 67,870
    _deliver(db, aoba, dt.date(2026, 12, 10), "P-1001", "50")
    billing.billing_run(db.uow(), CLERK, dt.date(2026, 12, 20), today=dt.date(2026, 12, 21))
    dec = _statement_of(db, aoba, dt.date(2026, 12, 20))
    # 前回 288,544; 入金 144,272 (INV-1: 143,612 cash + 660 fee, matched after the 11/20 run);
    # 繰越 288,544 - 144,272 = 144,272; 今回 144,272 + 67,870 = 212,142
    assert (dec.previous_billed, dec.received, dec.carried_over, dec.gross, dec.billed) == \
        (288_544, 144_272, 144_272, 67_870, 212_142)
    assert _owed(db, aoba) == 212_142

    # the bank: a deposit dated 12/1 (inside the period already billed), matched after the 12/20 run
    csv = "日付,摘要,入金額,出金額,残高\n2026/12/01,振込 カ)アオバシヨウジ,143612,,5000000\n".encode("cp932")
    receivables.import_bank_csv(db.uow(), CLERK, csv)
    dep = next(p for p in receivables.propose(db.uow(), CLERK) if p.amount == 143_612)
    receivables.confirm_matches(db.uow(), CLERK, [receivables.MatchInput(dep.deposit_id, ((inv7_id, 144_272),), 660)])
    assert _owed(db, aoba) == 67_870

    # 1/8: 20 x 1,234 = 24,680 + 2,468 = 27,148; the 1/20 close
    _deliver(db, aoba, dt.date(2027, 1, 8), "P-1001", "20")
    billing.billing_run(db.uow(), CLERK, dt.date(2027, 1, 20), today=dt.date(2027, 1, 20))
    jan = _statement_of(db, aoba, dt.date(2027, 1, 20))
    # 前回 212,142; 入金 144,272 (the 12/1 deposit + fee); 繰越 67,870; 今回 67,870 + 27,148 = 95,018
    assert (jan.previous_billed, jan.received, jan.carried_over, jan.gross, jan.billed) == \
        (212_142, 144_272, 67_870, 27_148, 95_018)
    assert _owed(db, aoba) == 95_018
    report = aging.aging(db.uow(), CLERK, dt.date(2027, 1, 20), partner_id=aoba)
    assert [r.total for r in report.page.rows] == [95_018]

    # the PDF: one amount to pay, 今回御請求額 95,018, in the headline box (not the period's 27,148)
    text = _pdf_text(db, jan.id)
    assert "ご請求申し上げます。95,018円（税込）" in text  # the headline box (before: 27,148円, this period only)
    assert "今回お買上分税率ごとの合計（適格請求書）" in text


def test_a_closing_date_in_the_future_is_refused(company: Database) -> None:  # noqa: F811 (fixture)
    db = company
    customer = _customer(db)
    _items(db)
    _deliver(db, customer, dt.date(2026, 12, 3), "P-100", "1")
    with pytest.raises(Invalid) as err:
        billing.billing_run(db.uow(), CLERK, dt.date(2026, 12, 20), today=dt.date(2026, 12, 6))
    assert err.value.problems[0].key == "sales.error.closing_in_future"
    with db.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Invoice)) == 0
    # on the closing date itself it runs: 1,234 + 123 = 1,357
    run = billing.billing_run(db.uow(), CLERK, dt.date(2026, 12, 20), today=dt.date(2026, 12, 20))
    assert [i.billed for i in run.invoices] == [1_357]


def _tb(db: Database) -> dict[str, tuple[int, int]]:
    from ennoshita.ledger import queries as ledger_queries

    with db.uow() as uow:
        return {r.account_code: (r.debit, r.credit) for r in ledger_queries.trial_balance(
            uow.session, dt.date(2026, 4, 1), dt.date(2027, 3, 31), 4).rows}


def _deposit(db: Database, day: dt.date, payer: str, amount: int) -> int:
    from ennoshita.sales.models import BankDeposit

    csv = f"日付,摘要,入金額,出金額,残高\n{day:%Y/%m/%d},振込 {payer},{amount},,0\n".encode("cp932")
    batch = f"t-{day}-{amount}"
    receivables.import_bank_csv(db.uow(), CLERK, csv, batch=batch)
    with db.uow() as uow:
        return int(uow.session.scalar(select(BankDeposit.id).where(BankDeposit.batch == batch)) or 0)


def test_credit_note_after_payment_becomes_a_credit_applied_to_the_next_statement(
        company: Database) -> None:  # noqa: F811 (fixture)
    from ennoshita.sales import customer_credit

    db = company
    customer = _customer(db)  # 20日締め
    _items(db)  # P-100 1,234円 10%
    # 10/5: 10 x 1,234 = 12,340 + 1,234 = 13,574; the 10/20 close; paid in full on 10/30
    _deliver(db, customer, dt.date(2026, 10, 5), "P-100", "10")
    (oct_inv,) = billing.billing_run(db.uow(), CLERK, dt.date(2026, 10, 20)).invoices
    dep = _deposit(db, dt.date(2026, 10, 30), "カ)アオバシヨウジ", 13_574)
    receivables.confirm_matches(db.uow(), CLERK, [receivables.MatchInput(dep, ((oct_inv.id, 13_574),))])

    # 11/2: 2 returned after payment (was refused: 返還額が未入金残高 0 円を超えています):
    # 2 x 1,234 = 2,468 + 246 (246.8 切り捨て) = 2,714, all of it the customer's credit balance
    cn = billing.issue_credit_note(db.uow(), CLERK, billing.CreditNoteInput(
        oct_inv.id, dt.date(2026, 11, 2), (LineInput(item_code="P-100", quantity="2"),), "返品"))
    assert cn.gross == 2_714
    with db.uow() as uow:
        assert customer_credit.balances(uow.session, [customer]) == {customer: 2_714}
    tb = _tb(db)
    assert tb["2190"] == (0, 2_714) and tb["4110"][0] == 2_468 and tb["2220"][0] == 246  # 前受金 / 売上, 仮受消費税
    assert tb["1220"] == (13_574, 13_574)
    # more than is left on the invoice (13,574 - 2,714 = 10,860) is refused
    with pytest.raises(Invalid) as err:
        billing.issue_credit_note(db.uow(), CLERK, billing.CreditNoteInput(
            oct_inv.id, dt.date(2026, 11, 2), (LineInput(item_code="P-100", quantity="9"),), "返品"))
    assert err.value.problems[0].key == "sales.error.credit_exceeds_invoice"

    # 11/5: 5 x 1,234 = 6,170 + 617 = 6,787; the 11/20 statement: 前回 13,574; 入金 13,574 + 返還 2,714 = 16,288;
    # 繰越 -2,714; 今回 -2,714 + 6,787 = 4,073, and the credit is applied to the new invoice
    _deliver(db, customer, dt.date(2026, 11, 5), "P-100", "5")
    (nov,) = billing.billing_run(db.uow(), CLERK, dt.date(2026, 11, 20)).invoices
    row = _statement_of(db, customer, dt.date(2026, 11, 20))
    assert (row.previous_billed, row.received, row.carried_over, row.gross, row.billed) == \
        (13_574, 16_288, -2_714, 6_787, 4_073)
    assert _owed(db, customer) == 4_073
    with db.uow() as uow:
        assert customer_credit.balances(uow.session, [customer]) == {}
    tb = _tb(db)
    assert tb["2190"] == (2_714, 2_714) and tb["1220"] == (13_574 + 6_787, 13_574 + 2_714)
    assert receivables.ar_check(db.uow(), CLERK).ok

    # paid 4,073; then 1 more returned: 1,234 + 123 = 1,357 to the credit balance, refunded by bank transfer
    dep2 = _deposit(db, dt.date(2026, 11, 30), "カ)アオバシヨウジ", 4_073)
    receivables.confirm_matches(db.uow(), CLERK, [receivables.MatchInput(dep2, ((nov.id, 4_073),))])
    billing.issue_credit_note(db.uow(), CLERK, billing.CreditNoteInput(
        nov.id, dt.date(2026, 12, 1), (LineInput(item_code="P-100", quantity="1"),), "返品"))
    with pytest.raises(Invalid):
        customer_credit.refund_credit(db.uow(), CLERK, customer, 1_358, dt.date(2026, 12, 2))
    customer_credit.refund_credit(db.uow(), CLERK, customer, 1_357, dt.date(2026, 12, 2), "返品分の返金")
    tb = _tb(db)
    assert tb["2190"] == (2_714 + 1_357, 2_714 + 1_357)
    assert tb["1140"] == (13_574 + 4_073, 1_357)
    view = customer_credit.credit_of(db.uow(), CLERK, customer)
    assert view.balance == 0 and [m.kind for m in view.movements] == ["refund", "credit_note", "applied",
                                                                       "credit_note"]


def test_fee_treatment_setting_shows_on_the_match(company: Database) -> None:  # noqa: F811 (fixture)
    from ennoshita.sales import settings as sales_settings

    db = company
    customer = _customer(db)
    _items(db)
    _deliver(db, customer, dt.date(2026, 10, 5), "P-100", "10")  # 13,574
    _deliver(db, customer, dt.date(2026, 10, 25), "P-100", "10")  # 13,574 (the 11/20 close)
    (inv1,) = billing.billing_run(db.uow(), CLERK, dt.date(2026, 10, 20)).invoices
    (inv2,) = billing.billing_run(db.uow(), CLERK, dt.date(2026, 11, 20)).invoices
    assert sales_settings.get_settings(db.uow(), CLERK).fee_treatment == "sales_discount"  # the default
    # 13,574 - 660 = 12,914 received: 660 is 売上値引 600 + 仮受消費税 60 (660 x 10/110)
    d1 = _deposit(db, dt.date(2026, 11, 30), "カ)アオバシヨウジ", 12_914)
    receivables.confirm_matches(db.uow(), CLERK, [receivables.MatchInput(d1, ((inv1.id, 13_574),), 660)])
    tb = _tb(db)
    assert tb["4120"] == (600, 0) and tb["2220"][0] == 60 and "6340" not in tb
    sales_settings.update_settings(db.uow(), CLERK, "transfer_fee")
    with pytest.raises(Invalid):
        sales_settings.update_settings(db.uow(), CLERK, "ignore")
    # 13,574 - 440 = 13,134: 支払手数料 400 + 仮払消費税 40
    d2 = _deposit(db, dt.date(2026, 12, 1), "カ)アオバシヨウジ", 13_134)
    receivables.confirm_matches(db.uow(), CLERK, [receivables.MatchInput(d2, ((inv2.id, 13_574),), 440)])
    tb = _tb(db)
    assert tb["6340"] == (400, 0) and tb["1460"] == (40, 0) and tb["4120"] == (600, 0)
    shown = {m.deposit_id: (m.fee, m.fee_treatment) for m in receivables.matched(db.uow(), CLERK)}
    assert shown == {d1: (660, "sales_discount"), d2: (440, "transfer_fee")}


def test_unknown_deposit_booked_to_suspense_or_matched_by_hand(company: Database) -> None:  # noqa: F811
    from ennoshita.sales import customer_credit

    db = company
    customer = _customer(db)
    _items(db)
    _deliver(db, customer, dt.date(2026, 10, 5), "P-100", "10")  # 13,574
    (inv,) = billing.billing_run(db.uow(), CLERK, dt.date(2026, 10, 20)).invoices
    # 該当なし: 20,000 from a name nobody knows
    dep = _deposit(db, dt.date(2026, 11, 24), "ヤマダ タロウ", 20_000)
    assert [p.kind for p in receivables.propose(db.uow(), CLERK)] == ["none"]
    with pytest.raises(Invalid):
        receivables.book_deposit(db.uow(), CLERK, dep, " ")
    receivables.book_deposit(db.uow(), CLERK, dep, "入金者不明 先方に確認中")
    assert _tb(db)["2210"] == (0, 20_000) and _tb(db)["1140"] == (20_000, 0)
    (booked,) = receivables.matched(db.uow(), CLERK)
    assert (booked.status, booked.booked_account, booked.memo) == ("booked", "2210", "入金者不明 先方に確認中")
    # it was the customer's (a director paying for the company): undo, then match by hand: 13,574 on the
    # invoice, the remaining 6,426 kept as its credit balance (前受金)
    receivables.unmatch(db.uow(), CLERK, dep, "得意先の入金と判明")
    assert _tb(db)["2210"] == (20_000, 20_000)
    receivables.confirm_matches(db.uow(), CLERK, [receivables.MatchInput(
        dep, ((inv.id, 13_574),), to_credit=6_426, partner_id=customer)])
    assert _owed(db, customer) == 0
    with db.uow() as uow:
        assert customer_credit.balances(uow.session, [customer]) == {customer: 6_426}
    assert _tb(db)["2190"] == (0, 6_426)
    (shown,) = receivables.matched(db.uow(), CLERK)
    assert (shown.partner_name, shown.to_credit, shown.invoices[0][2]) == ("株式会社青葉商事", 6_426, 13_574)
    # undoing the match takes the credit back too
    receivables.unmatch(db.uow(), CLERK, dep, "やり直し")
    with db.uow() as uow:
        assert customer_credit.balances(uow.session, [customer]) == {}
    assert _owed(db, customer) == 13_574
