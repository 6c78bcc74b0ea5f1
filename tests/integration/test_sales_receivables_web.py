"""売掛金年齢表, 延滞一覧 and 消込取消 through the screens and the API, on the demo company (SQLite and
PostgreSQL). The demo's invoices fall due up to 2026-12-31 and most deposits in November are matched, so
as of 2027-03-31 every open invoice is late (the deliveries not yet billed are 未到来); the figures on screen are
the service's, which the service tests check by hand.
"""

from __future__ import annotations

import datetime as dt
import re

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from ennoshita.actor import Actor
from ennoshita.db import Database
from ennoshita.money import format_yen
from ennoshita.sales import aging, receivables
from ennoshita.sales.models import Delivery
from tests.conftest import ACCOUNTING, ADMIN, REQUESTER, login
from tests.integration.test_api import auth, token_for

SALES_ADMIN = "jimu@demo.ennoshita.jp"
VIEWER = Actor(user_id=None, name="監査", roles=frozenset({"auditor"}), via="cli")
LATE = "2027-03-31"


def test_aging_page_shows_the_buckets_and_exports_csv(client: TestClient, demo_db: Database) -> None:
    login(client, SALES_ADMIN)
    report = aging.aging(demo_db.uow(), VIEWER, dt.date(2027, 3, 31))
    # every invoice is late by then; what is 未到来 is the deliveries not yet billed (出荷基準, in 売掛金)
    with demo_db.uow() as uow:
        unbilled = uow.session.scalar(select(func.coalesce(func.sum(Delivery.gross), 0)).where(
            Delivery.invoice_id.is_(None), Delivery.journal_entry_id.is_not(None)))
    assert report.totals["total"] > 0 and report.totals["not_due"] == unbilled
    page = client.get(f"/sales/aging?as_of={LATE}")
    assert page.status_code == 200
    html = page.text
    for label in ("売掛金年齢表", "未到来", "1〜30日", "31〜60日", "61〜90日", "90日超", "基準日"):
        assert label in html, label
    totals = re.search(r'data-testid="aging-totals">(.*?)</tr>', html, re.S)
    assert totals and format_yen(report.totals["total"]) in totals.group(1)
    first = report.page.rows[0]
    assert first.partner_name in html and f'data-partner="{first.partner_id}"' in html
    assert 'href="/sales/aging"' in client.get("/").text and "延滞一覧" in client.get("/").text  # in the nav

    one = client.get(f"/sales/aging?as_of={LATE}&partner={first.partner_id}").text
    assert one.count("data-partner=") == 1
    assert "基準日を読み取れませんでした" in client.get("/sales/aging?as_of=2027-13-45").text

    csv = client.get(f"/sales/aging?as_of={LATE}&format=csv")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    body = csv.content.decode("utf-8-sig")
    assert body.splitlines()[0].split(",")[2:7] == ["未到来", "1〜30日", "31〜60日", "61〜90日", "90日超"]
    assert body.splitlines()[-1].endswith(f",{report.totals['total']}")
    assert client.get(f"/sales/aging?as_of={LATE}&format=xlsx").content.startswith(b"PK")


def test_overdue_page_lists_the_late_invoices(client: TestClient, demo_db: Database) -> None:
    login(client, ACCOUNTING)
    late = aging.overdue(demo_db.uow(), VIEWER, dt.date(2027, 3, 31))
    assert late.page.total > 0
    html = client.get(f"/sales/overdue?as_of={LATE}").text
    assert "延滞一覧" in html and "経過日数" in html
    row = late.page.rows[0]
    assert row.number in html and f'data-days="{row.days_overdue}"' in html and f"{row.days_overdue}日" in html
    assert format_yen(late.total_open) in html
    mine = client.get(f"/sales/overdue?as_of={LATE}&partner={row.partner_id}").text
    assert row.number in mine and all(r.number not in mine for r in late.page.rows if r.partner_id != row.partner_id)
    # nothing is late on the first day of the demo's business
    assert "支払期日を過ぎた未入金の請求書はありません" in client.get("/sales/overdue?as_of=2026-10-01").text
    csv = client.get(f"/sales/overdue?as_of={LATE}&format=csv").content.decode("utf-8-sig")
    assert "請求書番号" in csv.splitlines()[0] and row.number in csv


def test_unmatch_button_on_the_receipts_screen(client: TestClient, demo_db: Database) -> None:
    token = login(client, SALES_ADMIN)
    matched = receivables.matched(demo_db.uow(), VIEWER)
    assert matched
    dep = matched[0]
    page = client.get("/sales/receipts").text
    assert 'data-testid="matched"' in page and f'action="/sales/receipts/{dep.deposit_id}/unmatch"' in page
    assert "消込取消" in page and "取消理由" in page

    blank = client.post(f"/sales/receipts/{dep.deposit_id}/unmatch", data={"csrf_token": token, "reason": " "})
    assert blank.status_code == 422 and "取消理由を入力してください" in blank.text
    no_csrf = client.post(f"/sales/receipts/{dep.deposit_id}/unmatch", data={"reason": "誤消込"})
    assert no_csrf.status_code in (400, 403)

    before = receivables.ar_check(demo_db.uow(), VIEWER).subledger
    done = client.post(f"/sales/receipts/{dep.deposit_id}/unmatch",
                       data={"csrf_token": token, "reason": "誤った請求書に消し込んだ"}, follow_redirects=False)
    assert done.status_code == 303
    after = client.get(done.headers["location"]).text
    assert 'data-testid="unmatched"' in after
    assert f'action="/sales/receipts/{dep.deposit_id}/unmatch"' not in after  # no longer matched
    assert f'name="deposit_id" value="{dep.deposit_id}"' in after or dep.payer_name in after  # proposed again
    check = receivables.ar_check(demo_db.uow(), VIEWER)
    assert check.ok and check.subledger == before + sum(a for _, _, a in dep.invoices)

    again = client.post(f"/sales/receipts/{dep.deposit_id}/unmatch",
                        data={"csrf_token": token, "reason": "二度目"})
    assert again.status_code == 409 and "この入金は消込されていません" in again.text


def test_accounting_check_page_shows_the_receivables_check(client: TestClient) -> None:
    login(client, ACCOUNTING)
    html = client.get("/ledger/check").text
    assert 'data-testid="ar-check"' in html and "売掛金チェック" in html and "OK" in html


def test_requester_is_refused(client: TestClient) -> None:
    login(client, REQUESTER)
    for path in ("/sales/aging", "/sales/overdue"):
        assert client.get(path).status_code == 403, path


def test_receivables_api(client: TestClient, demo_db: Database) -> None:
    admin = auth(token_for(demo_db, ADMIN))
    report = client.get(f"/api/v1/receivables/aging?as_of={LATE}&per_page=2", headers=admin)
    assert report.status_code == 200, report.text
    body = report.json()
    assert body["as_of"] == LATE and body["per_page"] == 2 and len(body["items"]) <= 2
    unbilled = aging.aging(demo_db.uow(), VIEWER, dt.date(2027, 3, 31)).totals["not_due"]  # deliveries not billed
    assert body["totals"]["not_due"] == unbilled and body["totals"]["total"] > 0
    everyone = client.get(f"/api/v1/receivables/aging?as_of={LATE}&per_page=200", headers=admin).json()
    assert sum(r["buckets"]["total"] for r in everyone["items"]) == body["totals"]["total"]
    assert all(sum(v for k, v in r["buckets"].items() if k != "total") == r["buckets"]["total"]
               for r in everyone["items"])
    assert client.get("/api/v1/receivables/aging?as_of=2027-02-30", headers=admin).status_code == 422

    late = client.get(f"/api/v1/receivables/overdue?as_of={LATE}", headers=admin).json()
    assert late["total"] > 0 and sum(r["open_amount"] for r in late["items"]) == late["total_open"]
    first = late["items"][0]
    assert first["days_overdue"] > 0 and first["invoice_number"].startswith("INV-")
    only = client.get(f"/api/v1/receivables/overdue?as_of={LATE}&partner={first['partner_id']}", headers=admin)
    assert {r["partner_id"] for r in only.json()["items"]} == {first["partner_id"]}

    dep = receivables.matched(demo_db.uow(), VIEWER)[0]
    assert client.post(f"/api/v1/receipts/{dep.deposit_id}/unmatch", json={}, headers=admin).status_code == 422
    done = client.post(f"/api/v1/receipts/{dep.deposit_id}/unmatch", json={"reason": "誤消込"}, headers=admin)
    assert done.status_code == 200, done.text
    out = done.json()
    assert out["deposit_id"] == dep.deposit_id and out["reversal_entry_no"]
    assert sorted((r["invoice_id"], r["amount"]) for r in out["reopened"]) == sorted(
        (i, a) for i, _, a in dep.invoices)
    twice = client.post(f"/api/v1/receipts/{dep.deposit_id}/unmatch", json={"reason": "誤消込"}, headers=admin)
    assert twice.status_code == 409 and twice.headers["content-type"].startswith("application/problem+json")
    assert client.get("/api/v1/receivables/check", headers=admin).json()["ok"] is True

    requester = auth(token_for(demo_db, REQUESTER))
    assert client.get("/api/v1/receivables/aging", headers=requester).status_code == 403
    assert client.post(f"/api/v1/receipts/{dep.deposit_id}/unmatch", json={"reason": "x"},
                       headers=requester).status_code == 403
