"""事業区分 (簡易課税) on screen and over the API, on the demo company: a journal line names it (``business_type``
or the 税区分 suffix) and reads it back; a bad one is a problem naming the field; the return API and screen show
the by-type figures and the calculation chosen; the invoice form shows a 事業区分 column only under 簡易課税."""

from __future__ import annotations

from fastapi.testclient import TestClient

from ennoshita.db import Database
from tests.conftest import ACCOUNTING, login
from tests.integration.test_api import auth, token_for

SALE = {"date": "2026-11-21", "description": "卸売 部品", "counterparty": "株式会社青葉商事", "lines": [
    {"account": "1220", "debit": 1_100_000},
    {"account": "4110", "tax_category": "sales_10", "business_type": 1, "credit": 1_100_000}]}


def test_business_type_over_the_api(client: TestClient, demo_db: Database) -> None:
    api = auth(token_for(demo_db, ACCOUNTING))
    r = client.post("/api/v1/journal-entries", headers=api, json=SALE)
    assert r.status_code in (200, 201), r.text
    sales = [x for x in r.json()["lines"] if x["account_code"] == "4110"]
    assert [(x["tax_category"], x["business_type"], x["tax_purpose"]) for x in sales] == [("sales_10:t1", 1, None)]
    bad = {**SALE, "lines": [SALE["lines"][0], {**SALE["lines"][1], "business_type": 7}]}  # type: ignore[dict-item]
    r = client.post("/api/v1/journal-entries", headers=api, json=bad)
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    assert "business_type" in r.text

    assert client.get("/api/v1/reports/consumption-tax?fiscal_year=2026", headers=api).json()["simplified"] is None
    ok = client.put("/api/v1/consumption-tax/settings", headers=api, json={"method": "simplified"})
    assert ok.status_code == 200
    body = client.get("/api/v1/reports/consumption-tax?fiscal_year=2026", headers=api).json()
    simplified = body["simplified"]
    amounts = {c["name"]: c["amount"] for c in simplified["calculations"]}
    assert simplified["chosen"] in amounts and simplified["deductible"] == max(amounts.values()) == body["deductible"]


def test_business_type_on_screen(client: TestClient, demo_db: Database) -> None:
    login(client, "jimu@demo.ennoshita.jp")  # 営業事務 (sales_admin)
    assert 'name="lines[0].business_type"' not in client.get("/sales/invoices/new").text  # 一般課税
    api = auth(token_for(demo_db, ACCOUNTING))
    assert client.put("/api/v1/consumption-tax/settings", headers=api, json={"method": "simplified"}).status_code == 200
    form = client.get("/sales/invoices/new").text
    assert 'name="lines[0].business_type"' in form
    assert "第一種事業（卸売業）" in form and "第六種事業（不動産業）" in form
    login(client, ACCOUNTING)
    page = client.get("/ledger/consumption-tax?fiscal_year=2026").text
    assert "課税売上高（税抜き）" in page and ("原則計算" in page or "特例計算" in page)
    assert "選択（最も有利な計算）" in page
    entry_form = client.get("/ledger/input").text
    assert "課税売上10%・第二種事業（小売業）" in entry_form


def test_business_type_on_the_other_sales_forms(client: TestClient, demo_db: Database) -> None:
    api = auth(token_for(demo_db, ACCOUNTING))
    assert client.put("/api/v1/consumption-tax/settings", headers=api, json={"method": "simplified"}).status_code == 200
    login(client, "jimu@demo.ennoshita.jp")
    for url in ("/sales/quotes/new", "/sales/orders/new"):
        page = client.get(url)
        assert page.status_code == 200 and 'name="lines[0].business_type"' in page.text, url
