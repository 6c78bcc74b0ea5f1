"""経費精算 through /api/v1 on the demo company (SQLite and PostgreSQL): a claim with a receipt (base64) and a
transport line is created and submitted; a bad claim is refused naming each line, with nothing saved; the
demo's approved claim waits for the next payment run."""

from __future__ import annotations

import base64
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text

from ennoshita.db import Database
from tests.integration.test_api import auth, token_for

EIGYO = "eigyo@demo.ennoshita.jp"
KEIRI = "keiri@demo.ennoshita.jp"
PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32).decode()


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def _count(db: Database) -> int:
    with db.uow() as uow:
        return int(uow.session.execute(text("SELECT COUNT(*) FROM expense_claims")).scalar_one())


def test_create_submit_and_refuse(client: TestClient, demo_db: Database) -> None:
    eigyo = auth(token_for(demo_db, EIGYO))
    before = _count(demo_db)
    bad = client.post("/api/v1/expense-claims", headers=eigyo, json={"title": "", "lines": [
        {"kind": "receipt", "expense_date": "2026-11-20", "amount": 0, "payee": "喫茶ルオー", "purpose": "打合せ",
         "account_code": "6240"},
        {"kind": "transport", "expense_date": "2026-09-30", "amount": 420, "route_from": "渋谷",
         "route_to": "横浜", "purpose": "訪問"}]})
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")
    fields = {p["field"] for p in bad.json()["errors"]}
    assert fields == {"title", "lines[0].amount", "lines[1].expense_date"}  # 2026-09 is locked in the demo
    assert _count(demo_db) == before

    claim = _ok(client.post("/api/v1/expense-claims", headers=eigyo, json={
        "title": "11月 追加分", "submit": True, "lines": [
            {"kind": "receipt", "expense_date": "2026-11-20", "amount": 1_100, "payee": "喫茶ルオー",
             "account_code": "6240", "tax_rate": "10", "registration_number": "T7123456789012",
             "purpose": "打合せ", "receipt": {"filename": "r.png", "content_type": "image/png",
                                             "content_base64": PNG}},
            {"kind": "transport", "expense_date": "2026-11-20", "amount": 230, "route_from": "渋谷",
             "route_to": "表参道", "round_trip": True, "purpose": "訪問"}]}), 201)
    assert (claim["status"], claim["total"], claim["approval_request_id"] is not None) == (
        "pending_approval", 1_100 + 460, True)
    assert [x["tax_category"] for x in claim["lines"]] == ["purchase_10", "purchase_10"]
    assert claim["lines"][0]["receipt_id"] is not None
    assert _ok(client.get(f"/api/v1/expense-claims/{claim['id']}", headers=eigyo))["number"] == claim["number"]

    keiri = auth(token_for(demo_db, KEIRI))
    waiting = _ok(client.get("/api/v1/expense-claims?mine=false&status=approved&payment_status=unpaid",
                             headers=keiri))
    assert waiting["total"] >= 1 and all(r["status"] == "approved" for r in waiting["items"])
    assert client.get("/api/v1/expense-claims?mine=false", headers=eigyo).status_code == 403
