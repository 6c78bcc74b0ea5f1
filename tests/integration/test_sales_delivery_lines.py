"""A delivery copies its order's lines as they are: the item (its 品目コード on the 納品書 and the invoice) and
a 値引 line's sign (issue 13, the first walk: the 納品 of an order lost both)."""

from __future__ import annotations

import datetime as dt

from ennoshita.actor import Actor
from ennoshita.db import Database
from ennoshita.identity import company as company_service
from ennoshita.sales import billing, flow, partners
from ennoshita.sales.lines import LineInput
from ennoshita.sales.queries_docs import delivery_detail, invoice_detail

CLERK = Actor(user_id=None, name="営業事務 一郎", roles=frozenset({"sales_admin"}), via="cli")


def test_a_delivery_keeps_the_item_code_and_the_discount_of_its_order_lines(db: Database) -> None:
    company_service.update_company(db.uow(), Actor.system(), {
        "name": "株式会社さくら精機", "registration_number": "T7123456789012", "fiscal_year_start_month": 4,
        "tax_accounting": "exclusive", "tax_rounding": "floor"})
    customer = partners.create_partner(db.uow(), CLERK, partners.PartnerInput(
        code="C001", name="株式会社青葉商事", name_kana="アオバシヨウジ", closing_day=20, months_after=1,
        pay_day=31)).id
    partners.create_item(db.uow(), CLERK, partners.ItemInput("P-100", "精密ベアリング", "個", "1234", "10"))
    # 10 x 1,234 = 12,340; 出精値引 -340 → 12,000 + 1,200 tax
    order = flow.create_order(db.uow(), CLERK, flow.OrderInput(customer, dt.date(2026, 10, 5), "ベアリング", (
        LineInput(item_code="P-100", quantity="10"),
        LineInput("出精値引", "1", "-340", "10", is_discount=True))))
    assert order.gross == 13_200
    delivery = flow.create_delivery(db.uow(), CLERK, flow.DeliveryInput(order.id, dt.date(2026, 10, 10)))
    assert delivery.gross == 13_200
    lines = delivery_detail(db.uow(), CLERK, delivery.id).lines
    assert [(ln.item_code, ln.amount) for ln in lines] == [("P-100", 12_340), ("", -340)]
    invoice = billing.billing_run(db.uow(), CLERK, dt.date(2026, 10, 20)).invoices[0]
    assert invoice.gross == 13_200
    assert [ln.item_code for ln in invoice_detail(db.uow(), CLERK, invoice.id).lines] == ["P-100", ""]


def test_a_credit_note_names_the_date_of_the_sale_it_returns(db: Database) -> None:
    # 返還インボイス (消費税法57条の4③): 対価の返還等の基となった課税資産の譲渡等を行った年月日. The PDF named the
    # original invoice and its issue date (10/20) only; the goods were delivered on 10/10.
    import io

    from pypdf import PdfReader

    from ennoshita.sales import pdf

    company_service.update_company(db.uow(), Actor.system(), {
        "name": "株式会社さくら精機", "registration_number": "T7123456789012", "fiscal_year_start_month": 4,
        "tax_accounting": "exclusive", "tax_rounding": "floor"})
    customer = partners.create_partner(db.uow(), CLERK, partners.PartnerInput(
        code="C001", name="株式会社青葉商事", name_kana="アオバシヨウジ", closing_day=20, months_after=1,
        pay_day=31)).id
    order = flow.create_order(db.uow(), CLERK, flow.OrderInput(customer, dt.date(2026, 10, 5), "ベアリング", (
        LineInput("精密ベアリング", "10", "1234", "10", "個"),)))
    flow.create_delivery(db.uow(), CLERK, flow.DeliveryInput(order.id, dt.date(2026, 10, 10)))
    invoice = billing.billing_run(db.uow(), CLERK, dt.date(2026, 10, 20)).invoices[0]
    note = billing.issue_credit_note(db.uow(), CLERK, billing.CreditNoteInput(
        invoice.id, dt.date(2026, 10, 25), (LineInput("精密ベアリング（返品）", "1", "1234", "10", "個"),),
        reason="返品"))
    content, _ = pdf.invoice_pdf(db.uow(), CLERK, note.id)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).replace(" ", "")
    assert "元の取引年月日2026年10月10日" in text.replace("\n", "")
