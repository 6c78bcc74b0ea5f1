"""The sales API on SQLite and PostgreSQL: quote to cash through /api/v1 (partner → quote → order → delivery
→ 締め請求 → invoice JSON and PDF → bank CSV → 自動消込 → receivables check), bad input as problem+json, roles.

The demo company books 税抜経理 with 切り捨て; its own sales are billed up to 2026-11, so this customer (20日締め)
is delivered in December and billed on 2026-12-20. Figures are computed by hand in the comments.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from fastapi.testclient import TestClient

from ennoshita.db import Database
from tests.conftest import ADMIN, REQUESTER
from tests.integration.test_api import auth, token_for

KANA = "カブシキガイシャミドリヤシヨウテン"
CUSTOMER = {"code": "C9001", "name": "株式会社みどり屋商店", "name_kana": KANA,
            "registration_number": "T5010001008846", "closing_day": 20, "months_after": 1, "pay_day": 31,
            "address": "東京都品川区大崎1-1-1"}
# 10%: 3 x 1,005 = 3,015 and 1 x 2,117 = 2,117 → 5,132; tax once: 513.2 → 513 (per line it would be 301 + 211)
# 8%: 7 x 1,080 = 7,560; tax 604.8 → 604.  net 12,692, tax 1,117, gross 13,809
LINES = [
    {"description": "ステンレスボルト M8（100本入）", "quantity": "3", "unit_price": "1005", "tax_rate": "10",
     "unit": "箱"},
    {"description": "緑茶ティーバッグ（業務用）", "quantity": "7", "unit_price": "1080", "tax_rate": "8", "unit": "袋"},
    {"description": "梱包作業", "quantity": "1", "unit_price": "2117", "tax_rate": "10", "unit": "式"},
]
RATES = [{"rate": "10", "net": 5_132, "tax": 513, "gross": 5_645}, {"rate": "8", "net": 7_560, "tax": 604,
                                                                     "gross": 8_164}]


@pytest.fixture
def admin(client: TestClient, demo_db: Database) -> dict[str, str]:
    return auth(token_for(demo_db, ADMIN))


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def _quote(customer: int, lines: list[dict[str, str]] | None = None) -> dict[str, Any]:
    return {"partner_id": customer, "issue_date": "2026-12-01", "valid_until": "2026-12-31",
            "subject": "ボルト・消耗品のお見積", "lines": lines or LINES}


def test_quote_to_cash_through_the_api(client: TestClient, admin: dict[str, str]) -> None:
    customer = _ok(client.post("/api/v1/partners", headers=admin, json=CUSTOMER), 201)
    assert customer["is_qualified_issuer"] and customer["corporate_number"] == "5010001008846"
    found = _ok(client.get("/api/v1/partners", headers=admin, params={"q": "みどり屋", "role": "customer"}))
    assert [p["code"] for p in found["items"]] == ["C9001"] and found["total"] == 1
    pid = customer["id"]
    assert _ok(client.get(f"/api/v1/partners/{pid}", headers=admin))["closing_day"] == 20
    updated = _ok(client.put(f"/api/v1/partners/{pid}", headers=admin, json={**CUSTOMER, "phone": "03-1111-2222"}))
    assert updated["phone"] == "03-1111-2222"

    item = _ok(client.post("/api/v1/items", headers=admin, json={
        "code": "T-9001", "name": "緑茶ティーバッグ（業務用）", "unit": "袋", "unit_price": "1080.00",
        "tax_rate": "8"}), 201)
    assert item["unit_price"] == "1080"
    assert "T-9001" in [i["code"] for i in _ok(client.get("/api/v1/items", headers=admin,
                                                             params={"q": "T-90"}))["items"]]

    quote = _ok(client.post("/api/v1/quotes", headers=admin, json=_quote(pid)), 201)
    assert (quote["net"], quote["tax"], quote["gross"]) == (12_692, 1_117, 13_809)
    assert quote["rates"] == RATES and quote["status"] == "draft" and len(quote["lines"]) == 3
    assert quote["lines"][0]["quantity"] == "3" and quote["lines"][0]["amount"] == 3_015
    listed = _ok(client.get("/api/v1/quotes", headers=admin, params={"partner": pid, "status": "draft"}))
    assert [q["id"] for q in listed["items"]] == [quote["id"]]
    assert _ok(client.get(f"/api/v1/quotes/{quote['id']}", headers=admin))["rates"] == RATES
    pdf = client.get(f"/api/v1/quotes/{quote['id']}/pdf", headers=admin)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    _ok(client.post(f"/api/v1/quotes/{quote['id']}/status", headers=admin, json={"status": "sent"}))

    order = _ok(client.post(f"/api/v1/quotes/{quote['id']}/accept", headers=admin,
                            json={"order_date": "2026-12-02", "customer_po": "MD-001"}), 201)
    assert order["status"] == "open" and order["gross"] == 13_809 and order["quote_id"] == quote["id"]
    assert _ok(client.get(f"/api/v1/quotes/{quote['id']}", headers=admin))["status"] == "accepted"
    assert client.get(f"/api/v1/orders/{order['id']}/pdf", headers=admin).content.startswith(b"%PDF")

    deliver = [{"order_line_id": ln["id"], "quantity": ln["quantity"]} for ln in order["lines"]]
    delivery = _ok(client.post(f"/api/v1/orders/{order['id']}/deliveries", headers=admin,
                               json={"delivery_date": "2026-12-05", "lines": deliver}), 201)
    assert delivery["gross"] == 13_809 and delivery["status"] == "unbilled" and delivery["rates"] == RATES
    assert _ok(client.get(f"/api/v1/orders/{order['id']}", headers=admin))["status"] == "delivered"
    unbilled = _ok(client.get("/api/v1/deliveries", headers=admin, params={"unbilled": True, "partner": pid}))
    assert [d["id"] for d in unbilled["items"]] == [delivery["id"]]
    assert client.get(f"/api/v1/deliveries/{delivery['id']}/pdf", headers=admin).content.startswith(b"%PDF")

    preview = _ok(client.get("/api/v1/billing-runs/preview", headers=admin, params={"closing_date": "2026-12-20"}))
    assert {"partner_id": pid, "partner_name": "株式会社みどり屋商店", "deliveries": 1, "gross": 13_809} in preview
    run = _ok(client.post("/api/v1/billing-runs", headers=admin, json={"closing_date": "2026-12-20"}), 201)
    mine = [i for i in run["invoices"] if i["partner_id"] == pid]
    assert len(mine) == 1
    invoice = _ok(client.get(f"/api/v1/invoices/{mine[0]['id']}", headers=admin))
    assert (invoice["net"], invoice["tax"], invoice["gross"], invoice["billed"]) == (12_692, 1_117, 13_809, 13_809)
    assert invoice["rates"] == RATES and invoice["kind"] == "invoice" and invoice["billing"] == "closing"
    assert invoice["period_to"] == "2026-12-20" and invoice["issuer_registration_number"].startswith("T")
    assert (invoice["receivable_status"], invoice["open_amount"]) == ("open", 13_809)
    assert len(invoice["lines"]) == 3 and invoice["lines"][1]["tax_rate"] == "8"
    assert _ok(client.get("/api/v1/deliveries", headers=admin, params={"unbilled": True, "partner": pid}))[
        "total"] == 0

    pdf = client.get(f"/api/v1/invoices/{invoice['id']}/pdf", headers=admin)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    archive = client.post("/api/v1/billing-runs/zip", headers=admin, json={"invoice_ids": [invoice["id"]]})
    assert archive.status_code == 200 and archive.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(archive.content)).namelist()
    assert len(names) == 1 and invoice["number"] in names[0]

    # the bank's CSV (Shift_JIS): the customer pays in full, plus a withdrawal that is not a deposit
    csv_text = ("日付,摘要,入金額,出金額,残高\r\n"
                f"2027/01/29,振込 {KANA},13809,,1013809\r\n"
                "2027/01/29,口座振替 電話料金,,5500,1008309\r\n")
    imported = _ok(client.post("/api/v1/bank-imports", headers={**admin, "Content-Type": "text/csv"},
                               content=csv_text.encode("cp932")), 201)
    assert (imported["imported"], imported["skipped"]) == (1, 1)
    again = _ok(client.post("/api/v1/bank-imports", headers=admin,
                            files={"file": ("statement.csv", csv_text.encode("cp932"), "text/csv")}), 201)
    assert (again["imported"], again["duplicates"]) == (0, 1)
    proposals = _ok(client.get("/api/v1/receivables/proposals", headers=admin))
    ours = [p for p in proposals if p["partner_id"] == pid]
    assert ours and ours[0]["allocations"][0]["invoice_id"] == invoice["id"] and ours[0]["name_matched"]

    assert _ok(client.post("/api/v1/receivables/auto-match", headers=admin))["matched"] >= 1
    paid = _ok(client.get(f"/api/v1/invoices/{invoice['id']}", headers=admin))
    assert (paid["receivable_status"], paid["open_amount"], paid["paid_amount"]) == ("paid", 0, 13_809)
    check = _ok(client.get("/api/v1/receivables/check", headers=admin, params={"partner": pid}))
    assert check["ok"] and check["difference"] == 0 and check["subledger"] == check["ledger"]
    assert check["partner_subledger"] == 0


def test_direct_invoice_credit_note_and_replacement(client: TestClient, admin: dict[str, str]) -> None:
    pid = _ok(client.post("/api/v1/partners", headers=admin, json=CUSTOMER), 201)["id"]
    body = {"partner_id": pid, "issue_date": "2026-12-10", "subject": "保守作業", "lines": LINES}
    invoice = _ok(client.post("/api/v1/invoices", headers=admin, json=body), 201)
    assert invoice["gross"] == 13_809 and invoice["billing"] == "manual" and invoice["rates"] == RATES
    # returned: 1 袋 of tea (1,080 at 8%: tax 86.4 → 86)
    note = _ok(client.post(f"/api/v1/invoices/{invoice['id']}/credit-notes", headers=admin, json={
        "issue_date": "2026-12-15", "reason": "返品", "lines": [LINES[1] | {"quantity": "1"}]}), 201)
    assert (note["kind"], note["original_id"], note["gross"]) == ("credit_note", invoice["id"], 1_166)
    assert _ok(client.get(f"/api/v1/invoices/{invoice['id']}", headers=admin))["open_amount"] == 13_809 - 1_166
    # an invoice that is still whole can be replaced; its receivable is then replaced
    other = _ok(client.post("/api/v1/invoices", headers=admin, json=body), 201)
    replacement = _ok(client.post(f"/api/v1/invoices/{other['id']}/replace", headers=admin,
                                  json=body | {"lines": LINES[:1]}), 201)
    assert replacement["replaces_id"] == other["id"] and replacement["gross"] == 3_015 + 301
    listed = _ok(client.get("/api/v1/invoices", headers=admin, params={"partner": pid, "status": "replaced"}))
    assert [i["id"] for i in listed["items"]] == [other["id"]]
    assert _ok(client.get("/api/v1/invoices", headers=admin, params={"partner": pid}))["total"] == 4
    assert _ok(client.get("/api/v1/receivables/check", headers=admin))["ok"]


def test_bad_lines_are_named_and_nothing_is_saved(client: TestClient, admin: dict[str, str]) -> None:
    pid = _ok(client.post("/api/v1/partners", headers=admin, json=CUSTOMER), 201)["id"]
    bad = [LINES[0], {"quantity": "2", "unit_price": "500", "tax_rate": "12"}]
    r = client.post("/api/v1/quotes", headers=admin, json=_quote(pid, bad))
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    fields = {e["field"] for e in r.json()["errors"]}
    assert {"lines[1].description", "lines[1].tax_rate"} <= fields
    assert _ok(client.get("/api/v1/quotes", headers=admin, params={"partner": pid}))["total"] == 0
    # a schema error (a number where a decimal string is expected) is problem+json too
    r = client.post("/api/v1/quotes", headers=admin, json=_quote(pid, [LINES[0] | {"quantity": 3}]))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "lines.0.quantity"
    assert client.get("/api/v1/invoices/999999", headers=admin).status_code == 404


def test_a_requester_token_is_refused(client: TestClient, demo_db: Database) -> None:
    requester = auth(token_for(demo_db, REQUESTER))
    r = client.get("/api/v1/partners", headers=requester)
    assert r.status_code == 403 and r.headers["content-type"].startswith("application/problem+json")
    assert client.get("/api/v1/invoices", headers=requester).status_code == 403
    assert client.post("/api/v1/partners", headers=requester, json=CUSTOMER).status_code == 403
    assert client.get("/api/v1/receivables/check", headers=requester).status_code == 403
    assert client.get("/api/v1/partners").status_code == 401
