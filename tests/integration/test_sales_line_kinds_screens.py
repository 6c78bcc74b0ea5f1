"""Issue 11 items 4 and 5 on the screens and the CLI (SQLite and PostgreSQL): the invoice form offers each line's
取引年月日 and the 0% kind (免税 / 非課税 / 不課税), the quote and order forms the 0% kind; the CLI's --line takes
';kind=…' and ';date=…'.

Invoice of 2026-11-20 (税抜, 切り捨て): 作業費 100,000 at 10% supplied on 2026-11-10 → tax 10,000; 輸出梱包
50,000 at 0% 免税 → no tax. Net 150,000, tax 10,000, gross 160,000.
"""

from __future__ import annotations

import datetime as dt
import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from ennoshita.cli.main import app
from ennoshita.db import Database
from ennoshita.sales.models import Invoice, InvoiceLine, SalesOrderLine
from tests.conftest import login
from tests.integration.test_sales_flow import _customer as service_customer
from tests.integration.test_sales_flow import company  # noqa: F401 (fixture)
from tests.integration.test_sales_invoice_web import SALES_ADMIN, _customer, _form


def _lines_of(db: Database, invoice_id: int) -> list[tuple[str, str, dt.date | None, int]]:
    with db.uow() as uow:
        return [(ln.description, ln.tax_kind or "", ln.line_date, ln.amount) for ln in uow.session.scalars(
            select(InvoiceLine).where(InvoiceLine.invoice_id == invoice_id).order_by(InvoiceLine.line_no))]


def test_invoice_form_takes_line_dates_and_zero_kinds(client: TestClient, demo_db: Database) -> None:
    token = login(client, SALES_ADMIN)
    partner_id = _customer(client, token, "KND-01")
    page = client.get("/sales/invoices/new").text
    assert 'name="lines[0].line_date"' in page and 'name="lines[0].tax_kind"' in page
    assert "取引年月日" in page and "免税（輸出）" in page and "非課税" in page and "不課税" in page
    data = _form(token, partner_id, **{
        "action": "issue", "lines[0].line_date": "2026-11-10", "lines[0].tax_kind": "",
        "lines[1].description": "輸出梱包", "lines[1].unit_price": "50,000", "lines[1].tax_rate": "0",
        "lines[1].price_includes_tax": "", "lines[1].tax_kind": "export", "lines[1].line_date": ""})
    bad = client.post("/sales/invoices/new", data={**data, "lines[0].line_date": "2026-13-01"})
    assert bad.status_code == 422 and 'data-error-for="lines[0].line_date"' in bad.text
    done = client.post("/sales/invoices/new", data=data, follow_redirects=False)
    assert done.status_code == 303, done.text
    invoice_id = int(re.search(r"/sales/invoices/(\d+)", done.headers["location"]).group(1))  # type: ignore[union-attr]
    with demo_db.uow() as uow:
        inv = uow.session.get(Invoice, invoice_id)
        assert inv is not None and (inv.net, inv.tax, inv.gross) == (150_000, 10_000, 160_000)
    assert _lines_of(demo_db, invoice_id) == [("作業費", "", dt.date(2026, 11, 10), 100_000),
                                              ("輸出梱包", "export", dt.date(2026, 11, 20), 50_000)]
    for form in ("/sales/orders/new", "/sales/quotes/new"):
        assert 'name="lines[0].tax_kind"' in client.get(form).text


def test_cli_lines_take_kind_and_date(company: Database) -> None:  # noqa: F811 (fixture)
    db = company
    service_customer(db)  # C001
    runner = CliRunner()
    url = ["--database-url", db.url]
    order = runner.invoke(app, ["sales", "order", "create", "--partner", "C001", "--order-date", "2026-11-02",
                                "--line", "輸出用部品:2:50000:0;kind=export", *url])
    assert order.exit_code == 0, order.output
    with db.uow() as uow:
        assert [(ln.description, ln.tax_kind) for ln in uow.session.scalars(select(SalesOrderLine))] == [
            ("輸出用部品", "export")]
    issued = runner.invoke(app, ["sales", "invoice", "issue", "--partner", "C001", "--date", "2026-11-20",
                                 "--line", "作業費:1:100000:10;date=2026-11-10",
                                 "--line", "輸出梱包:1:50000:0;kind=export", *url])
    assert issued.exit_code == 0, issued.output
    with db.uow() as uow:
        inv_id = uow.session.scalar(select(Invoice.id).where(Invoice.kind == "invoice"))
    assert inv_id is not None
    assert _lines_of(db, inv_id) == [("作業費", "", dt.date(2026, 11, 10), 100_000),
                                     ("輸出梱包", "export", dt.date(2026, 11, 20), 50_000)]
    bad = runner.invoke(app, ["sales", "invoice", "issue", "--partner", "C001", "--date", "2026-11-20",
                              "--line", "作業費:1:100000:10;date=2026-11-31", *url])
    assert bad.exit_code == 1 and "--line 1" in bad.stderr
