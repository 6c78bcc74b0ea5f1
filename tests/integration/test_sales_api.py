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
from sqlalchemy import text

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
    run = _ok(client.post("/api/v1/billing-runs", headers=admin,
                          json={"closing_date": "2026-12-20", "early": True}), 201)  # confirmed: before the date
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


def _issued(client: TestClient, admin: dict[str, str], body: dict[str, Any]) -> Any:
    draft = _ok(client.post("/api/v1/invoices", headers=admin, json=body), 201)
    return _ok(client.post(f"/api/v1/invoices/{draft['id']}/issue", headers=admin))


def test_direct_invoice_credit_note_and_replacement(client: TestClient, admin: dict[str, str]) -> None:
    pid = _ok(client.post("/api/v1/partners", headers=admin, json=CUSTOMER), 201)["id"]
    body = {"partner_id": pid, "issue_date": "2026-12-10", "subject": "保守作業", "lines": LINES}
    invoice = _issued(client, admin, body)
    assert invoice["gross"] == 13_809 and invoice["billing"] == "manual" and invoice["rates"] == RATES
    # returned: 1 袋 of tea (1,080 at 8%: tax 86.4 → 86)
    note = _ok(client.post(f"/api/v1/invoices/{invoice['id']}/credit-notes", headers=admin, json={
        "issue_date": "2026-12-15", "reason": "返品", "lines": [LINES[1] | {"quantity": "1"}]}), 201)
    assert (note["kind"], note["original_id"], note["gross"]) == ("credit_note", invoice["id"], 1_166)
    assert _ok(client.get(f"/api/v1/invoices/{invoice['id']}", headers=admin))["open_amount"] == 13_809 - 1_166
    # an invoice that is still whole can be replaced; its receivable is then replaced
    other = _issued(client, admin, body)
    replacement = _ok(client.post(f"/api/v1/invoices/{other['id']}/replace", headers=admin,
                                  json=body | {"lines": LINES[:1]}), 201)
    assert replacement["replaces_id"] == other["id"] and replacement["gross"] == 3_015 + 301
    listed = _ok(client.get("/api/v1/invoices", headers=admin, params={"partner": pid, "status": "replaced"}))
    assert [i["id"] for i in listed["items"]] == [other["id"]]
    assert _ok(client.get("/api/v1/invoices", headers=admin, params={"partner": pid}))["total"] == 4
    assert _ok(client.get("/api/v1/receivables/check", headers=admin))["ok"]


# The issue's contract: a partner with only its names and 登録番号, a draft with 税込 and 税抜 lines at 10% and 8%.
# The demo company rounds down (切り捨て). No price_entry: the lines disagree, so the invoice is 税抜 and the 税込
# lines of each rate are summed and converted once (never per line), then the tax of each rate is computed once:
# 10%: 税抜 3 x 1,005 + 2,117 = 5,132; 税込 1,100 → 1,100 - floor(100) = 1,000; net 6,132, tax floor(613.2) = 613
#      (per line: 301 + 211 + 100 = 612)
# 8%:  税抜 7 x 1,080 = 7,560; 税込 3 x 980 = 2,940 → 2,940 - floor(217.77…) = 2,723; net 10,283,
#      tax floor(822.64) = 822 (per line: 604 + 217 = 821)
# total: net 16,415 + tax 1,435 = 17,850
CONTRACT_LINES = [
    {"description": "導入支援（税込）", "quantity": "1", "unit_price": "1100", "tax_rate": "10",
     "price_includes_tax": True},
    {"description": "ステンレスボルト M8（100本入）", "quantity": "3", "unit_price": "1005", "tax_rate": "10",
     "price_includes_tax": False},
    {"description": "梱包作業", "quantity": "1", "unit_price": "2117", "tax_rate": "10", "price_includes_tax": False},
    {"description": "緑茶ティーバッグ（業務用）", "quantity": "7", "unit_price": "1080", "tax_rate": "8",
     "price_includes_tax": False},
    {"description": "弁当（税込）", "quantity": "3", "unit_price": "980", "tax_rate": "8", "price_includes_tax": True},
]


def _last_invoice_number(db: Database) -> int:
    with db.engine.connect() as conn:
        numbers = conn.execute(text("SELECT number FROM invoices WHERE number LIKE :p"), {"p": "INV-2026-%"}).scalars()
        return max((int(n.rsplit("-", 1)[1]) for n in numbers), default=0)


def test_the_issue_contract_partner_draft_issue_and_pdf(client: TestClient, admin: dict[str, str],
                                                         demo_db: Database) -> None:
    partner = _ok(client.post("/api/v1/partners", headers=admin, json={
        "name": "株式会社さくら工房", "name_kana": "カブシキガイシャサクラコウボウ",
        "registration_number": "T5010001008846"}), 201)
    assert partner["id"] and partner["code"].startswith("C") and partner["is_qualified_issuer"]
    second = _ok(client.post("/api/v1/partners", headers=admin, json={"name": "有限会社つばき", "name_kana": "",
                                                                      "registration_number": ""}), 201)
    assert int(second["code"][1:]) == int(partner["code"][1:]) + 1
    ledger_before = _ok(client.get("/api/v1/receivables/check", headers=admin))["ledger"]

    draft = _ok(client.post("/api/v1/invoices", headers=admin, json={
        "partner_id": partner["id"], "issue_date": "2026-12-10", "lines": CONTRACT_LINES}), 201)
    assert draft["id"] and draft["status"] == "draft" and draft["number"] is None
    shown = _ok(client.get(f"/api/v1/invoices/{draft['id']}", headers=admin))
    assert shown["status"] == "draft" and shown["journal_entry_id"] is None and shown["receivable_status"] is None
    assert [ln["price_includes_tax"] for ln in shown["lines"]] == [True, False, False, False, True]
    assert _ok(client.get("/api/v1/receivables/check", headers=admin, params={"partner": partner["id"]}))[
        "partner_subledger"] == 0
    assert _ok(client.get("/api/v1/receivables/check", headers=admin))["ledger"] == ledger_before
    assert client.get(f"/api/v1/invoices/{draft['id']}/pdf", headers=admin).status_code == 409

    last = _last_invoice_number(demo_db)
    issued = _ok(client.post(f"/api/v1/invoices/{draft['id']}/issue", headers=admin))
    assert issued["id"] == draft["id"] and issued["status"] == "issued"
    assert issued["number"] == f"INV-2026-{last + 1:06d}"
    got = _ok(client.get(f"/api/v1/invoices/{draft['id']}", headers=admin))
    assert got["totals_by_rate"] == [{"rate": "10", "net": 6_132, "tax": 613},
                                     {"rate": "8", "net": 10_283, "tax": 822}]
    assert got["total"] == 17_850 and (got["net"], got["tax"], got["gross"]) == (16_415, 1_435, 17_850)
    assert (got["receivable_status"], got["open_amount"]) == ("open", 17_850)
    entry = _ok(client.get(f"/api/v1/journal-entries/{got['journal_entry_id']}", headers=admin))
    assert got["number"] in entry["description"] and entry["total"] == 17_850
    assert _ok(client.get("/api/v1/receivables/check", headers=admin))["ledger"] == ledger_before + 17_850

    again = client.post(f"/api/v1/invoices/{draft['id']}/issue", headers=admin)
    assert again.status_code == 409 and again.headers["content-type"].startswith("application/problem+json")
    assert client.delete(f"/api/v1/invoices/{draft['id']}", headers=admin).status_code == 409
    assert client.put(f"/api/v1/invoices/{draft['id']}", headers=admin, json={
        "partner_id": partner["id"], "issue_date": "2026-12-10", "lines": CONTRACT_LINES[:1]}).status_code == 409
    pdf = client.get(f"/api/v1/invoices/{draft['id']}/pdf", headers=admin)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_a_draft_can_be_changed_and_deleted_and_takes_no_number(client: TestClient, admin: dict[str, str],
                                                                demo_db: Database) -> None:
    pid = _ok(client.post("/api/v1/partners", headers=admin, json=CUSTOMER), 201)["id"]
    body = {"partner_id": pid, "issue_date": "2026-12-10", "subject": "保守作業", "lines": LINES}
    first = _ok(client.post("/api/v1/invoices", headers=admin, json=body), 201)
    second = _ok(client.post("/api/v1/invoices", headers=admin, json=body), 201)
    changed = _ok(client.put(f"/api/v1/invoices/{first['id']}", headers=admin, json=body | {"lines": LINES[:1]}))
    assert (changed["status"], changed["gross"], len(changed["lines"])) == ("draft", 3_015 + 301, 1)
    # every line 税込: the invoice is 税込 (3,300 contains floor(300) = 300)
    inclusive = [{"description": "保守", "unit_price": "3300", "tax_rate": "10", "price_includes_tax": True}]
    changed = _ok(client.put(f"/api/v1/invoices/{first['id']}", headers=admin, json=body | {"lines": inclusive}))
    assert changed["price_entry"] == "inclusive" and changed["totals_by_rate"] == [
        {"rate": "10", "net": 3_000, "tax": 300}] and changed["total"] == 3_300
    drafts = _ok(client.get("/api/v1/invoices", headers=admin, params={"partner": pid, "state": "draft"}))
    assert {i["id"] for i in drafts["items"]} == {first["id"], second["id"]}
    assert all(i["number"] is None and i["status"] == "draft" for i in drafts["items"])
    assert client.delete(f"/api/v1/invoices/{second['id']}", headers=admin).status_code == 204
    assert client.get(f"/api/v1/invoices/{second['id']}", headers=admin).status_code == 404
    last = _last_invoice_number(demo_db)
    issued = _ok(client.post(f"/api/v1/invoices/{first['id']}/issue", headers=admin))
    assert issued["number"] == f"INV-2026-{last + 1:06d}" and issued["gross"] == 3_300
    assert _ok(client.get("/api/v1/receivables/check", headers=admin))["ok"]


def test_bad_lines_are_named_and_nothing_is_saved(client: TestClient, admin: dict[str, str]) -> None:
    pid = _ok(client.post("/api/v1/partners", headers=admin, json=CUSTOMER), 201)["id"]
    bad = [LINES[0], {"quantity": "2", "unit_price": "500", "tax_rate": "12"}]
    r = client.post("/api/v1/quotes", headers=admin, json=_quote(pid, bad))
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    fields = {e["field"] for e in r.json()["errors"]}
    assert {"lines[1].description", "lines[1].tax_rate"} <= fields
    assert _ok(client.get("/api/v1/quotes", headers=admin, params={"partner": pid}))["total"] == 0
    # a schema error (a JSON fraction where a decimal string is expected) is problem+json too
    r = client.post("/api/v1/quotes", headers=admin, json=_quote(pid, [LINES[0] | {"quantity": 3.5}]))
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


def test_over_the_credit_limit_the_answer_carries_a_warning(client: TestClient, admin: dict[str, str]) -> None:
    # limit 20,000. Order of 13,809 (LINES): exposure 13,809, within. Invoice of 13,809 issued: open AR 13,809
    # + the order 13,809 (not delivered) = 27,618 > 20,000: issued all the same, with a warning.
    pid = _ok(client.post("/api/v1/partners", headers=admin, json=CUSTOMER | {"credit_limit": 20_000}), 201)["id"]
    order = _ok(client.post("/api/v1/orders", headers=admin, json={
        "partner_id": pid, "order_date": "2026-12-01", "subject": "ボルト", "lines": LINES}), 201)
    assert order["warnings"] == []
    draft = _ok(client.post("/api/v1/invoices", headers=admin, json={
        "partner_id": pid, "issue_date": "2026-12-10", "subject": "保守作業", "lines": LINES}), 201)
    assert draft["warnings"] == []  # a draft is no exposure yet
    issued = _ok(client.post(f"/api/v1/invoices/{draft['id']}/issue", headers=admin))
    assert issued["status"] == "issued" and issued["number"]
    assert issued["warnings"] == [{"code": "sales.warning.credit_limit", "limit": 20_000, "exposure": 27_618,
                                   "message": "与信限度額を超えています（限度額 ¥20,000、与信残高 ¥27,618）"}]
    second = _ok(client.post("/api/v1/orders", headers=admin, json={
        "partner_id": pid, "order_date": "2026-12-11", "subject": "追加", "lines": LINES[:1]}), 201)
    assert [(w["code"], w["exposure"]) for w in second["warnings"]] == [("sales.warning.credit_limit",
                                                                          27_618 + 3_015 + 301)]
