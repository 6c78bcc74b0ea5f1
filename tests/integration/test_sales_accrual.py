"""未請求売上 accrual under 請求基準 (issue 11 item 3 (b)), on SQLite and PostgreSQL.

The company's fiscal year starts in April; the customer closes on the 20th. Coffee beans F-200 at 1,580円/kg,
8% 軽減, 1 kg per delivery: 1,580 + 126 (126.4 切り捨て) = 1,706.

- 2027-03-10 delivery, billed by the 2027-03-20 締め: invoice 1,580 + 126 = 1,706 (March, FY2026).
- 2027-03-25 and 2027-04-02 deliveries, billed by the 2027-04-20 締め: 3,160 x 8% = 252.8 → 252, gross 3,412.

March accrual (3/31): only the 3/25 delivery is unbilled: 未収入金 1,706 / 売上高 1,580 + 仮受消費税 126,
reversed on 2027-04-01.

FY2026 (2026-04 .. 2027-03): 売上高 credit 1,580 + 1,580 = 3,160; 仮受消費税 126 + 126 = 252; 未収入金 debit
1,706; 売掛金 debit 1,706 (the March invoice).
FY2027: 売上高 credit 3,160 (invoice) and debit 1,580 (reversal) → net 1,580; 仮受消費税 credit 252, debit 126
→ net 126; 未収入金 credit 1,706; 売掛金 debit 3,412.
"""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from ennoshita.cli.main import app
from ennoshita.db import Database
from ennoshita.errors import Invalid
from ennoshita.ledger import queries as ledger_queries
from ennoshita.sales import accrual, billing, receivables
from ennoshita.sales import settings as sales_settings
from tests.conftest import login
from tests.integration.test_sales_flow import CLERK, _customer, _items, company  # noqa: F401 (fixture)
from tests.integration.test_sales_receivables_web import SALES_ADMIN
from tests.integration.test_sales_statements import _deliver


def _year(db: Database, fy: int) -> dict[str, tuple[int, int]]:
    with db.uow() as uow:
        return {r.account_code: (r.debit, r.credit) for r in ledger_queries.trial_balance(
            uow.session, dt.date(fy, 4, 1), dt.date(fy + 1, 3, 31), 4).rows}


def test_march_accrual_puts_the_unbilled_delivery_in_the_march_year(company: Database) -> None:  # noqa: F811
    db = company
    with pytest.raises(Invalid) as wrong_setting:  # 出荷基準 posts each delivery: nothing to accrue
        accrual.accrue_month(db.uow(), CLERK, dt.date(2027, 3, 31))
    assert wrong_setting.value.problems[0].key == "sales.error.accrual_setting"
    sales_settings.update_settings(db.uow(), CLERK, revenue_recognition="invoice")
    customer = _customer(db)
    _items(db)
    _deliver(db, customer, dt.date(2027, 3, 10), "F-200", "1")
    (march,) = billing.billing_run(db.uow(), CLERK, dt.date(2027, 3, 20), today=dt.date(2027, 3, 20)).invoices
    assert march.gross == 1_706
    _deliver(db, customer, dt.date(2027, 3, 25), "F-200", "1")
    _deliver(db, customer, dt.date(2027, 4, 2), "F-200", "1")

    result = accrual.accrue_month(db.uow(), CLERK, dt.date(2027, 3, 1))
    assert (result.month, result.net, result.tax, result.gross) == ("2027-03", 1_580, 126, 1_706)
    assert len(result.deliveries) == 1 and result.entry_id and result.reversal_id
    with pytest.raises(Invalid) as again:
        accrual.accrue_month(db.uow(), CLERK, dt.date(2027, 3, 31))
    assert again.value.problems[0].key == "sales.error.accrual_done"

    (april,) = billing.billing_run(db.uow(), CLERK, dt.date(2027, 4, 20), today=dt.date(2027, 4, 20)).invoices
    assert (april.net, april.tax, april.gross) == (3_160, 252, 3_412)

    fy2026, fy2027 = _year(db, 2026), _year(db, 2027)
    assert fy2026["4110"] == (0, 3_160) and fy2026["2220"] == (0, 252)
    assert fy2026["1430"] == (1_706, 0) and fy2026["1220"] == (1_706, 0)
    assert fy2027["4110"] == (1_580, 3_160) and fy2027["2220"] == (126, 252)
    assert fy2027["1430"] == (0, 1_706) and fy2027["1220"] == (3_412, 0)
    with db.uow() as uow:  # the reversal is dated the first day of April
        from ennoshita.ledger.models import JournalEntry
        back = uow.session.get(JournalEntry, result.reversal_id)
        assert back is not None and back.entry_date == dt.date(2027, 4, 1)
    assert receivables.ar_check(db.uow(), CLERK).ok  # the accrual is not in 売掛金


def test_cli_accrues_a_month(company: Database) -> None:  # noqa: F811
    db = company
    sales_settings.update_settings(db.uow(), CLERK, revenue_recognition="invoice")
    customer = _customer(db)
    _items(db)
    _deliver(db, customer, dt.date(2027, 3, 25), "F-200", "2")  # 3,160 + 252 (252.8 切り捨て) = 3,412
    runner = CliRunner()
    out = runner.invoke(app, ["sales", "accrue", "--month", "2027-03", "--database-url", db.url])
    assert out.exit_code == 0, out.output
    assert "3,412" in out.output
    again = runner.invoke(app, ["sales", "accrue", "--month", "2027-03", "--database-url", db.url])
    assert again.exit_code == 1 and "2027-03" in again.stderr
    bad = runner.invoke(app, ["sales", "accrue", "--month", "2027-13", "--database-url", db.url])
    assert bad.exit_code == 1 and "month" in bad.stderr


def test_billing_screen_accrues_a_month(client: TestClient, demo_db: Database) -> None:
    """The 締め請求 screen offers the month-end accrual under 請求基準 only; a second run of the month is
    refused on the page. (The demo's deliveries were posted under 出荷基準, so they are not accrued again.)"""
    token = login(client, SALES_ADMIN)
    assert 'data-testid="accrual-form"' not in client.get("/sales/billing").text
    client.post("/sales/receipts/settings", data={"csrf_token": token, "revenue_recognition": "invoice"})
    page = client.get("/sales/billing").text
    assert 'data-testid="accrual-form"' in page and "未請求売上の計上" in page
    done = client.post("/sales/billing/accrue", data={"csrf_token": token, "month": "2026-11"},
                       follow_redirects=False)
    assert done.status_code == 303
    assert "2026-11 の未請求売上を計上しました（納品 0 件、" in client.get(done.headers["location"]).text
    bad = client.post("/sales/billing/accrue", data={"csrf_token": token, "month": "11月"})
    assert bad.status_code == 422 and "YYYY-MM" in bad.text
