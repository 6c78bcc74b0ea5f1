"""The whole sales chain as the issue lists it, on SQLite and PostgreSQL: quote → order → two deliveries →
締め請求 → PDF → bank import → match → AR zero and the ledger's 売掛金 equal to the AR sub-ledger.

Both deliveries fall in one closing period, so ONE 締め請求 bills them together. Every expected figure is
computed by hand in the comments (外税, tax once per rate per invoice, 切り捨て).
"""

from __future__ import annotations

import datetime as dt
import io

from pypdf import PdfReader
from sqlalchemy import func, select, text

from ennoshita.db import Database
from ennoshita.sales import billing, flow, pdf, receivables
from ennoshita.sales.lines import LineInput
from ennoshita.sales.models import Invoice, InvoiceLine, Receivable
from tests.integration.test_sales_flow import CLERK, _customer, _items, company  # noqa: F401 (fixture)


def bill_two_deliveries(db: Database) -> tuple[int, billing.InvoiceSummary]:
    """Quote → order → deliveries on 10/15 and 10/18 → the 10/20 締め: (customer id, the one invoice)."""
    customer = _customer(db)  # 20日締め 翌月末払い
    _items(db)  # P-100 精密ベアリング 1,234円 (10%), F-200 コーヒー豆 1,580円/kg (8% 軽減)

    # 見積: 30個 x 1,234 = 37,020 (10%), 3kg x 1,580 = 4,740 (8%);
    # tax per rate: 37,020 x 10% = 3,702; 4,740 x 8% = 379.2 → 379 (切り捨て); total 41,760 + 4,081 = 45,841
    quote = flow.create_quote(db.uow(), CLERK, flow.QuoteInput(
        customer, dt.date(2026, 10, 5), dt.date(2026, 11, 4), "ベアリング・消耗品のお見積",
        (LineInput(item_code="P-100", quantity="30"), LineInput(item_code="F-200", quantity="3"))))
    assert (quote.net, quote.tax, quote.gross) == (41_760, 4_081, 45_841)
    flow.set_quote_status(db.uow(), CLERK, quote.id, "sent")
    order = flow.accept_quote(db.uow(), CLERK, quote.id, order_date=dt.date(2026, 10, 9))
    assert order.status == "open" and order.gross == 45_841

    with db.uow() as uow:
        line_ids = [r[0] for r in uow.session.execute(text(
            "SELECT id FROM sales_order_lines WHERE order_id = :o ORDER BY line_no"), {"o": order.id})]
    # 納品 1 (10/15): 20個 + 3kg → 24,680 + 2,468 (10%), 4,740 + 379 (8%) = 32,267
    d1 = flow.create_delivery(db.uow(), CLERK, flow.DeliveryInput(
        order.id, dt.date(2026, 10, 15), ((line_ids[0], "20"), (line_ids[1], "3"))))
    # 納品 2 (10/18): the remaining 10個 → 12,340 + 1,234 = 13,574
    d2 = flow.create_delivery(db.uow(), CLERK, flow.DeliveryInput(order.id, dt.date(2026, 10, 18)))
    assert (d1.gross, d2.gross) == (32_267, 13_574)

    # 10/20 締め: both deliveries on ONE invoice. The invoice taxes once per rate over all its lines:
    # 10%: 24,680 + 12,340 = 37,020 → 3,702; 8%: 4,740 → 379; net 41,760, tax 4,081, gross 45,841
    # (= 32,267 + 13,574: here the per-delivery roundings happen to agree with the per-invoice one)
    run = billing.billing_run(db.uow(), CLERK, dt.date(2026, 10, 20))
    assert [i.number for i in run.invoices] == ["INV-2026-000001"]
    invoice = run.invoices[0]
    assert (invoice.net, invoice.tax, invoice.gross, invoice.billed) == (41_760, 4_081, 45_841, 45_841)
    assert invoice.due_date == dt.date(2026, 11, 30)  # 20日締め翌月末: 11/30 is a Monday
    assert billing.billing_run(db.uow(), CLERK, dt.date(2026, 10, 20)).invoices == ()  # nothing left to bill
    return customer, invoice


def _open_for(db: Database, customer: int) -> int:
    with db.uow() as uow:
        return int(uow.session.scalar(select(func.coalesce(func.sum(Receivable.open_amount), 0))
                                      .where(Receivable.partner_id == customer)) or 0)


def test_quote_to_zero_receivable_in_one_closing(company: Database) -> None:  # noqa: F811 (fixture)
    db = company
    customer, invoice = bill_two_deliveries(db)
    with db.uow() as uow:
        row = uow.session.get(Invoice, invoice.id)
        assert row is not None
        assert (row.net_10, row.tax_10, row.net_8, row.tax_8) == (37_020, 3_702, 4_740, 379)
        assert row.period_to == dt.date(2026, 10, 20)
        lines = uow.session.scalars(select(InvoiceLine.amount).where(InvoiceLine.invoice_id == invoice.id)
                                    .order_by(InvoiceLine.line_no)).all()
        assert sorted(lines) == [4_740, 12_340, 24_680]  # 3kg, 10個 (10/18), 20個 (10/15)

    # the PDF: the invoice number, the lines of both deliveries and the totals per rate
    content, name = pdf.invoice_pdf(db.uow(), CLERK, invoice.id)
    assert content.startswith(b"%PDF") and name.startswith("請求書_INV-2026-000001")
    words = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    flat = words.replace(" ", "").replace("\n", "")
    assert "INV-2026-000001" in flat
    for figure in ("37,020", "3,702", "4,740", "379", "41,760", "4,081", "45,841"):
        assert figure in flat, figure
    assert "T7123456789012" in flat  # the issuer's 登録番号, required on a qualified invoice

    # AR after billing: 45,841 open, and the ledger's 売掛金 says the same
    assert _open_for(db, customer) == 45_841
    check = receivables.ar_check(db.uow(), CLERK)
    assert (check.subledger, check.ledger) == (45_841, 45_841)

    # the bank statement (internet banking, Shift_JIS): the customer pays 45,841 in full on the due date
    csv = ("日付,摘要,入金額,出金額,残高\n"
           "2026/11/30,振込 カ)アオバシヨウジ,45841,,1045841\n"
           "2026/11/30,口座振替 電気料金,,20000,1025841\n").encode("cp932")
    imported = receivables.import_bank_csv(db.uow(), CLERK, csv)
    assert (imported.imported, imported.skipped) == (1, 1)  # the withdrawal is not a receipt

    # the proposed match: exact, to this invoice, no fee; confirmed as proposed
    proposals = receivables.propose(db.uow(), CLERK)
    assert len(proposals) == 1
    p = proposals[0]
    assert (p.amount, p.kind, p.fee, p.partner_id) == (45_841, "exact", 0, customer)
    assert [(a[1], a[2]) for a in p.allocations] == [("INV-2026-000001", 45_841)]
    matched = receivables.confirm_matches(db.uow(), CLERK, [receivables.MatchInput(
        p.deposit_id, tuple((a[0], a[2]) for a in p.allocations), p.fee)])
    assert matched == 1
    assert receivables.propose(db.uow(), CLERK) == []

    # AR zero for the customer, and the ledger's 売掛金 equal to the AR sub-ledger (both zero)
    assert _open_for(db, customer) == 0
    with db.uow() as uow:
        status = uow.session.scalar(select(Receivable.status).where(Receivable.invoice_id == invoice.id))
    assert status == "paid"
    check = receivables.ar_check(db.uow(), CLERK)
    assert (check.subledger, check.ledger) == (0, 0) and check.ok


def _owed_on_ledger(db: Database, customer: int) -> int:
    """What the receivables sub-ledger says the customer owes: open invoices − its credit balance."""
    from ennoshita.sales import customer_credit

    with db.uow() as uow:
        return _open_for(db, customer) - customer_credit.balances(uow.session, [customer]).get(customer, 0)


def _statement(db: Database, invoice_id: int) -> tuple[int | None, int | None, int | None, int, int]:
    with db.uow() as uow:
        row = uow.session.get(Invoice, invoice_id)
        assert row is not None
        return row.previous_billed, row.received, row.carried_over, row.gross, row.billed


def test_three_closings_late_match_unmatch_and_credit_after_payment(company: Database) -> None:  # noqa: F811
    """Issue 12's chain: periods 10/20, 11/20, 12/20; a deposit dated inside the first (already billed) period
    and matched after its run; a wrong match undone (消込取消); a credit note after payment; every statement's
    今回御請求額 equal to what the receivables ledger says the customer owes, and the ledger's 売掛金 equal to
    the sub-ledger throughout."""
    db = company
    customer, inv1 = bill_two_deliveries(db)  # 10/20 close: 45,841
    assert _statement(db, inv1.id) == (0, 0, 0, 45_841, 45_841)
    assert _owed_on_ledger(db, customer) == 45_841

    # the customer had paid on 10/19 (inside the billed period); the statement is imported after the run
    csv = "日付,摘要,入金額,出金額,残高\n2026/10/19,振込 カ)アオバシヨウジ,45841,,45841\n".encode("cp932")
    receivables.import_bank_csv(db.uow(), CLERK, csv)
    (p,) = receivables.propose(db.uow(), CLERK)
    receivables.confirm_matches(db.uow(), CLERK, [receivables.MatchInput(p.deposit_id, ((inv1.id, 45_841),))])

    # period 2: 11/5 10 x 1,234 = 12,340 + 1,234 = 13,574; the 11/20 close:
    # 前回 45,841, 御入金額 45,841 (the 10/19 deposit), 繰越 0, 今回 13,574
    order = flow.create_order(db.uow(), CLERK, flow.OrderInput(customer, dt.date(2026, 11, 2), "追加",
                                                               (LineInput(item_code="P-100", quantity="10"),)))
    flow.create_delivery(db.uow(), CLERK, flow.DeliveryInput(order.id, dt.date(2026, 11, 5)))
    (inv2,) = billing.billing_run(db.uow(), CLERK, dt.date(2026, 11, 20)).invoices
    assert _statement(db, inv2.id) == (45_841, 45_841, 0, 13_574, 13_574)
    assert _owed_on_ledger(db, customer) == 13_574

    # 11/30: 13,574 received and matched; un-matched (wrong payer), then matched again
    csv = "日付,摘要,入金額,出金額,残高\n2026/11/30,振込 カ)アオバシヨウジ,13574,,59415\n".encode("cp932")
    receivables.import_bank_csv(db.uow(), CLERK, csv)
    (p,) = receivables.propose(db.uow(), CLERK)
    receivables.confirm_matches(db.uow(), CLERK, [receivables.MatchInput(p.deposit_id, ((inv2.id, 13_574),))])
    receivables.unmatch(db.uow(), CLERK, p.deposit_id, "別件の入金と取り違え")
    assert _owed_on_ledger(db, customer) == 13_574
    receivables.confirm_matches(db.uow(), CLERK, [receivables.MatchInput(p.deposit_id, ((inv2.id, 13_574),))])
    assert _owed_on_ledger(db, customer) == 0

    # 12/2: 2 of the 11/5 lot returned after payment: 2 x 1,234 = 2,468 + 246 (246.8 切り捨て) = 2,714 credit
    billing.issue_credit_note(db.uow(), CLERK, billing.CreditNoteInput(
        inv2.id, dt.date(2026, 12, 2), (LineInput(item_code="P-100", quantity="2"),), "不良品の返品"))
    assert _owed_on_ledger(db, customer) == -2_714

    # period 3: 12/3 5 x 1,234 = 6,170 + 617 = 6,787; the 12/20 close:
    # 前回 13,574, 御入金額 13,574 + 返還 2,714 = 16,288, 繰越 -2,714, 今回 -2,714 + 6,787 = 4,073
    order = flow.create_order(db.uow(), CLERK, flow.OrderInput(customer, dt.date(2026, 12, 1), "追加",
                                                               (LineInput(item_code="P-100", quantity="5"),)))
    flow.create_delivery(db.uow(), CLERK, flow.DeliveryInput(order.id, dt.date(2026, 12, 3)))
    (inv3,) = billing.billing_run(db.uow(), CLERK, dt.date(2026, 12, 20), today=dt.date(2026, 12, 21)).invoices
    assert _statement(db, inv3.id) == (13_574, 16_288, -2_714, 6_787, 4_073)
    assert _owed_on_ledger(db, customer) == 4_073 == _open_for(db, customer)  # the credit went on this invoice
    check = receivables.ar_check(db.uow(), CLERK)
    assert check.ok and check.subledger == 4_073

    content, _ = pdf.invoice_pdf(db.uow(), CLERK, inv3.id)
    flat = "".join(pg.extract_text() for pg in PdfReader(io.BytesIO(content)).pages).replace(" ", "").replace("\n", "")
    assert "ご請求申し上げます。4,073円（税込）" in flat
    for figure in ("13,574", "16,288", "-2,714", "6,170", "617", "6,787"):
        assert figure in flat, figure
