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
