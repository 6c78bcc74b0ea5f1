"""Revenue in the right period (issue 11 item 3, sales side), on SQLite and PostgreSQL.

The company's fiscal year starts in April. A 20日締め customer receives coffee beans (F-200, 1,580円/kg, 8%
軽減) on 2027-03-22, 2027-03-25 and 2027-04-02, billed by the 2027-04-20 締め請求.

Each delivery of 1 kg: 1,580 + 126 (126.4 切り捨て) = 1,706. The invoice taxes once per rate over its lines:
3 x 1,580 = 4,740; 4,740 x 8% = 379.2 → 379; gross 5,119, one yen more than the three deliveries (5,118).

出荷基準 (default): the March deliveries land in FY2026 (2026-04 .. 2027-03): 売上高 3,160, 仮受消費税 252; the
April one and the invoice's extra yen in FY2027: 売上高 1,580, 仮受消費税 126 + 1 = 127.
請求基準 (the other setting): everything on the invoice date, FY2027: 4,740 and 379.
"""

from __future__ import annotations

import datetime as dt

import pytest

from ennoshita.db import Database
from ennoshita.ledger import queries as ledger_queries
from ennoshita.sales import billing, receivables
from ennoshita.sales import settings as sales_settings
from tests.integration.test_sales_flow import CLERK, _customer, _items, company  # noqa: F401 (fixture)
from tests.integration.test_sales_statements import _deliver


def _year(db: Database, fy: int) -> dict[str, tuple[int, int]]:
    with db.uow() as uow:
        return {r.account_code: (r.debit, r.credit) for r in ledger_queries.trial_balance(
            uow.session, dt.date(fy, 4, 1), dt.date(fy + 1, 3, 31), 4).rows}


def _bill_across_the_year_end(db: Database) -> billing.InvoiceSummary:
    customer = _customer(db)  # 20日締め
    _items(db)
    for day in (dt.date(2027, 3, 22), dt.date(2027, 3, 25), dt.date(2027, 4, 2)):
        _deliver(db, customer, day, "F-200", "1")
    (inv,) = billing.billing_run(db.uow(), CLERK, dt.date(2027, 4, 20), today=dt.date(2027, 4, 20)).invoices
    assert (inv.net, inv.tax, inv.gross) == (4_740, 379, 5_119)
    return inv


def test_delivery_basis_puts_march_deliveries_in_the_march_year(company: Database) -> None:  # noqa: F811
    db = company
    assert sales_settings.get_settings(db.uow(), CLERK).revenue_recognition == "delivery"
    _bill_across_the_year_end(db)
    fy2026, fy2027 = _year(db, 2026), _year(db, 2027)
    assert fy2026["4110"] == (0, 3_160) and fy2026["2220"] == (0, 252) and fy2026["1220"] == (3_412, 0)
    assert fy2027["4110"] == (0, 1_580) and fy2027["2220"] == (0, 127) and fy2027["1220"] == (1_707, 0)
    check = receivables.ar_check(db.uow(), CLERK)
    assert check.ok and check.subledger == 5_119


def test_unbilled_deliveries_are_receivables_on_the_check(company: Database) -> None:  # noqa: F811
    db = company
    customer = _customer(db)
    _items(db)
    _deliver(db, customer, dt.date(2026, 10, 5), "F-200", "1")  # 1,706 posted, not yet billed
    check = receivables.ar_check(db.uow(), CLERK)
    assert (check.subledger, check.ledger) == (1_706, 1_706)


def test_invoice_basis_books_everything_on_the_invoice(company: Database) -> None:  # noqa: F811
    db = company
    sales_settings.update_settings(db.uow(), CLERK, revenue_recognition="invoice")
    with pytest.raises(Exception):  # noqa: B017 (the error type is the domain's Invalid)
        sales_settings.update_settings(db.uow(), CLERK, revenue_recognition="cash")
    _bill_across_the_year_end(db)
    assert "4110" not in _year(db, 2026)
    fy2027 = _year(db, 2027)
    assert fy2027["4110"] == (0, 4_740) and fy2027["2220"] == (0, 379) and fy2027["1220"] == (5_119, 0)


def test_invoice_lines_carry_their_transaction_date(company: Database) -> None:  # noqa: F811 (fixture)
    """Issue 11 item 4: a direct invoice of 2027-04-05 with one line supplied on 2027-03-28 (取引年月日). The line
    prints its date; under 出荷基準 its sale posts on 3/28 (FY2026), the other line's on the issue date.
    3/28: 10 x 1,234 = 12,340 + 1,234; 4/5: 5 x 1,234 = 6,170 + 617; the invoice taxes 18,510 once: 1,851
    (= 1,234 + 617, nothing left over)."""
    import io

    from pypdf import PdfReader

    from ennoshita.errors import Invalid
    from ennoshita.sales import pdf
    from ennoshita.sales.lines import LineInput

    db = company
    customer = _customer(db)
    _items(db)
    with pytest.raises(Invalid) as late:
        billing.issue_invoice(db.uow(), CLERK, billing.InvoiceInput(customer, dt.date(2027, 4, 5), (
            LineInput(item_code="P-100", quantity="1", line_date=dt.date(2027, 4, 6)),)))
    assert late.value.problems[0].field == "lines[0].line_date"
    inv = billing.issue_invoice(db.uow(), CLERK, billing.InvoiceInput(customer, dt.date(2027, 4, 5), (
        LineInput(item_code="P-100", quantity="10", line_date=dt.date(2027, 3, 28)),
        LineInput(item_code="P-100", quantity="5"))))
    assert (inv.net, inv.tax, inv.gross) == (18_510, 1_851, 20_361)
    fy2026, fy2027 = _year(db, 2026), _year(db, 2027)
    assert fy2026["4110"] == (0, 12_340) and fy2026["2220"] == (0, 1_234) and fy2026["1220"] == (13_574, 0)
    assert fy2027["4110"] == (0, 6_170) and fy2027["2220"] == (0, 617) and fy2027["1220"] == (6_787, 0)
    assert receivables.ar_check(db.uow(), CLERK).ok
    content, _ = pdf.invoice_pdf(db.uow(), CLERK, inv.id)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).replace(" ", "")
    assert "2027年3月28日" in text and "2027年4月5日" in text


def test_zero_rate_lines_post_by_their_kind(company: Database) -> None:  # noqa: F811 (fixture)
    """Issue 11 item 5: an order with an export line (免税, 消費税法7条), a 非課税 line and a 不課税 line at 0%,
    delivered and billed: 売上高 is posted under 輸出免税売上 / 非課税売上 / 不課税 by line, no tax; a kind on a
    10% line is refused. Figures: 2 x 50,000 = 100,000 export; 30,000 非課税 (土地の貸付); 5,000 不課税 (立替);
    10% line 10,000 + 1,000. Invoice: 145,000 net, 1,000 tax, 146,000 gross."""
    import io

    from pypdf import PdfReader
    from sqlalchemy import func, select

    from ennoshita.errors import Invalid
    from ennoshita.ledger.models import Account, JournalLine
    from ennoshita.sales import flow, pdf
    from ennoshita.sales.lines import LineInput

    db = company
    customer = _customer(db)
    with pytest.raises(Invalid) as bad:
        flow.create_order(db.uow(), CLERK, flow.OrderInput(customer, dt.date(2026, 10, 1), "x", (
            LineInput("部品", "1", "1000", "10", tax_kind="export"),)))
    assert bad.value.problems[0].field == "lines[0].tax_kind"
    order = flow.create_order(db.uow(), CLERK, flow.OrderInput(customer, dt.date(2026, 10, 1), "輸出ほか", (
        LineInput("輸出用部品", "2", "50000", "0", tax_kind="export"),
        LineInput("駐車場用地の貸付", "1", "30000", "0", tax_kind="exempt"),
        LineInput("立替金", "1", "5000", "0", tax_kind="out_of_scope"),
        LineInput("梱包", "1", "10000", "10"))))
    flow.create_delivery(db.uow(), CLERK, flow.DeliveryInput(order.id, dt.date(2026, 10, 5)))
    (inv,) = billing.billing_run(db.uow(), CLERK, dt.date(2026, 10, 20)).invoices
    assert (inv.net, inv.tax, inv.gross) == (145_000, 1_000, 146_000)
    with db.uow() as uow:
        by_category = dict(uow.session.execute(
            select(JournalLine.tax_category, func.sum(JournalLine.credit - JournalLine.debit))
            .join(Account, Account.id == JournalLine.account_id).where(Account.code == "4110")
            .group_by(JournalLine.tax_category)).all())
    assert by_category == {"sales_export": 100_000, "sales_exempt": 30_000, "out_of_scope": 5_000,
                           "sales_10": 10_000}
    content, _ = pdf.invoice_pdf(db.uow(), CLERK, inv.id)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).replace(" ", "")
    assert "輸出用部品（輸出免税）" in text and "立替金（不課税）" in text


def test_the_aging_counts_deliveries_not_yet_billed_as_not_due(company: Database) -> None:  # noqa: F811
    """出荷基準: at the 期末 (2027-03-31) the two March deliveries (1,706 each) are in 売掛金 and not billed until
    the 4/20 締め請求: the 年齢表 shows them as 未到来, 3,412, the ledger's 売掛金. Failed before: it showed
    nothing (it aged invoices only)."""
    from ennoshita.sales import aging

    db = company
    inv = _bill_across_the_year_end(db)
    march = aging.aging(db.uow(), CLERK, dt.date(2027, 3, 31))
    assert [(r.partner_code, r.buckets["not_due"], r.total) for r in march.page.rows] == [("C001", 3_412, 3_412)]
    assert _year(db, 2026)["1220"] == (3_412, 0)
    # 4/19: the April delivery too (1,706): 5,118; 4/20: the invoice (5,119) takes the three deliveries
    assert aging.aging(db.uow(), CLERK, dt.date(2027, 4, 19)).totals["total"] == 5_118
    assert aging.aging(db.uow(), CLERK, dt.date(2027, 4, 20)).totals == {
        "not_due": inv.gross, "d1_30": 0, "d31_60": 0, "d61_90": 0, "over_90": 0, "total": 5_119}
    assert aging.overdue(db.uow(), CLERK, dt.date(2027, 4, 20)).total_open == 0
