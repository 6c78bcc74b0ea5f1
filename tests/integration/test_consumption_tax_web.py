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
