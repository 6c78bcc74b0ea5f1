"""The 消費税申告書 screen on the demo company: the return's table, the settlement proposal, the settings form
(issue 11 item 13), in Japanese only; bad settings are refused on the form, nothing saved."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from ennoshita.db import Database
from tests.conftest import ACCOUNTING, login
from tests.integration.test_api import auth, token_for


def test_the_consumption_tax_screen(client: TestClient) -> None:
    token = login(client, ACCOUNTING)
    page = client.get("/ledger/consumption-tax?fiscal_year=2026")
    assert page.status_code == 200
    html = page.text
    for word in ("消費税申告書", "課税標準額", "課税売上割合", "控除対象仕入税額", "地方消費税", "消費税の設定"):
        assert word in html
    assert not re.search(r">\s*(Tax base|Consumption tax|Method)\s*<", html)
    csv = client.get("/ledger/consumption-tax?fiscal_year=2026&format=csv")
    assert csv.status_code == 200 and csv.content
    bad = client.post("/ledger/consumption-tax/settings", data={
        "csrf_token": token, "fiscal_year": "2026", "method": "general", "output_calc": "stacked",
        "input_calc": "proportional", "credit_method": "individual", "simplified_type": "5"})
    assert bad.status_code == 422 and "積上げ計算" in bad.text
    ok = client.post("/ledger/consumption-tax/settings", data={
        "csrf_token": token, "fiscal_year": "2026", "method": "simplified", "output_calc": "proportional",
        "input_calc": "stacked", "credit_method": "individual", "simplified_type": "3"}, follow_redirects=True)
    assert ok.status_code == 200 and "消費税の設定を保存しました" in ok.text and "第3種" in ok.text


def test_the_consumption_tax_api(client: TestClient, demo_db: Database) -> None:
    api = auth(token_for(demo_db, ACCOUNTING))
    r = client.get("/api/v1/reports/consumption-tax?fiscal_year=2026", headers=api)
    assert r.status_code == 200
    body = r.json()
    # the figures hold together: 課税標準額 per rate rounded to ¥1,000, due = national + local
    assert all(x["taxable_base"] % 1000 == 0 for x in body["rates"])
    assert body["total_due"] == body["national_due"] + body["local_due"]
    bad = client.put("/api/v1/consumption-tax/settings", headers=api, json={"method": "nonsense"})
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")
    ok = client.put("/api/v1/consumption-tax/settings", headers=api, json={"input_calc": "proportional"})
    assert ok.status_code == 200 and ok.json()["input_calc"] == "proportional"
    # FY2025 is closed in the demo: reopening needs a reason, and a later closed year blocks an earlier one
    assert client.post("/api/v1/fiscal-years/2024/reopen", headers=api, json={"reason": "x"}).status_code == 409


def test_the_year_keeps_its_own_calculation(client: TestClient, demo_db: Database) -> None:
    """The 用途区分 figures and the year's own 割戻し/積上げ and credit method: set for an open year on the screen
    and the API, refused for the demo's closed FY2025, and 積上げ sales with 割戻し purchases refused (施行令46条③)."""
    token = login(client, ACCOUNTING)
    page = client.get("/ledger/consumption-tax?fiscal_year=2026").text
    for word in ("うち課税売上対応分", "うち共通対応分", "個別対応方式による控除対象仕入税額",
                 "一括比例配分方式による控除対象仕入税額", "2026年度の計算方法", "用途区分の既定値"):
        assert word in page
    bad = client.post("/ledger/consumption-tax/year", data={
        "csrf_token": token, "fiscal_year": "2026", "output_calc": "stacked", "input_calc": "proportional",
        "credit_method": "individual"})
    assert bad.status_code == 422 and "積上げ計算" in bad.text
    ok = client.post("/ledger/consumption-tax/year", data={
        "csrf_token": token, "fiscal_year": "2026", "output_calc": "proportional", "input_calc": "stacked",
        "credit_method": "lump_sum"}, follow_redirects=True)
    assert ok.status_code == 200 and "消費税の設定を保存しました" in ok.text
    closed = client.post("/ledger/consumption-tax/year", data={
        "csrf_token": token, "fiscal_year": "2025", "credit_method": "lump_sum"})
    assert closed.status_code == 409 and "締め済み" in closed.text
    api = auth(token_for(demo_db, ACCOUNTING))
    assert client.get("/api/v1/consumption-tax/years/2026", headers=api).json()["credit_method"] == "lump_sum"
    assert client.get("/api/v1/consumption-tax/settings", headers=api).json()["credit_method"] == "individual"
    assert client.put("/api/v1/consumption-tax/years/2025", headers=api,
                      json={"credit_method": "lump_sum"}).status_code == 409
    body = client.get("/api/v1/reports/consumption-tax?fiscal_year=2026", headers=api).json()
    by = body["input_tax_by_purpose"]
    assert by["taxable"] + by["non_taxable"] + by["common"] == body["input_tax"]
    assert body["settings"]["credit_method"] == "lump_sum"
