"""Issue 14, access items 1, 3, 4 on the demo company (SQLite and PostgreSQL): reads refused that must be refused,
and reads allowed that were wrongly refused. Each test failed before its fix."""

from __future__ import annotations

import base64
import json
from typing import Any

from fastapi.testclient import TestClient

from ennoshita.db import Database
from tests.integration.test_api import auth, token_for

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32).decode()


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def test_approval_of_a_document_needs_the_documents_read_right(client: TestClient, demo_db: Database) -> None:
    # demo: expense claim 3 is 高橋's (kobai), purchase order 1 is 購買's; the requester 伊藤 is in neither
    eigyo = auth(token_for(demo_db, "eigyo@demo.ennoshita.jp"))
    for path in ("/api/v1/approvals/of/expense_claim/3", "/api/v1/approvals/of/purchase_order/1",
                 "/api/v1/approvals/of/payment_run/1"):
        assert client.get(path, headers=eigyo).status_code == 403, path
    # his own claim (1) he reads; 経理 reads every claim; the submitter 高橋 reads his PO's
    assert _ok(client.get("/api/v1/approvals/of/expense_claim/1", headers=eigyo))["document_id"] == 1
    keiri = auth(token_for(demo_db, "keiri@demo.ennoshita.jp"))
    assert _ok(client.get("/api/v1/approvals/of/expense_claim/3", headers=keiri))["amount"] > 0
    kobai = auth(token_for(demo_db, "kobai@demo.ennoshita.jp"))
    assert _ok(client.get("/api/v1/approvals/of/purchase_order/1", headers=kobai))["document_id"] == 1


def test_company_bank_details_only_for_accounting_and_admin(client: TestClient, demo_db: Database) -> None:
    for email, sees in (("admin@demo.ennoshita.jp", True), ("keiri@demo.ennoshita.jp", True),
                        ("eigyo@demo.ennoshita.jp", False), ("kobai@demo.ennoshita.jp", False)):
        company = _ok(client.get("/api/v1/company", headers=auth(token_for(demo_db, email))))
        assert bool(company["bank_accounts"]) is sees, email
        assert ("zengin_requester_code" in json.dumps(company)) is sees, email


def test_own_receipt_and_legal_contract_and_auditor_zengin_are_readable(client: TestClient,
                                                                        demo_db: Database) -> None:
    eigyo = auth(token_for(demo_db, "eigyo@demo.ennoshita.jp"))
    claim = _ok(client.post("/api/v1/expense-claims", headers=eigyo, json={
        "title": "打合せ", "lines": [
            {"kind": "receipt", "expense_date": "2026-11-20", "amount": 1_100, "payee": "喫茶ルオー",
             "account_code": "6240", "tax_rate": "10", "purpose": "打合せ",
             "receipt": {"filename": "r.png", "content_type": "image/png", "content_base64": PNG}}]}), 201)
    receipt = claim["lines"][0]["receipt_id"]
    got = client.get(f"/api/v1/attachments/{receipt}/content", headers=eigyo)
    assert got.status_code == 200 and got.content.startswith(b"\x89PNG")
    jimu = auth(token_for(demo_db, "jimu@demo.ennoshita.jp"))  # someone else's receipt stays closed
    assert client.get(f"/api/v1/attachments/{receipt}/content", headers=jimu).status_code == 403

    review = {"type": "contract_review", "title": "秘密保持契約", "fields": {"counterparty": "株式会社みどり屋商店",
                                                                         "points": "第5条"}}
    req = _ok(client.post("/api/v1/requests", headers=eigyo, data={"payload": json.dumps(review)},
                          files={"contract": ("NDA.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")}), 201)
    contract = req["attachments"][0]["id"]
    houmu = auth(token_for(demo_db, "houmu@demo.ennoshita.jp"))
    assert client.get(f"/api/v1/attachments/{contract}/content", headers=houmu).content.startswith(b"%PDF")
    assert client.get(f"/api/v1/attachments/{contract}/content", headers=jimu).status_code == 403

    keiri = auth(token_for(demo_db, "suitou@demo.ennoshita.jp"))
    runs = _ok(client.get("/api/v1/payment-runs", headers=keiri))
    exported = [r for r in runs["items"] if r["status"] in ("exported", "paid")] if isinstance(runs, dict) else [
        r for r in runs if r["status"] in ("exported", "paid")]
    assert exported, runs
    run_id = exported[0]["id"]
    stored = client.get(f"/api/v1/payment-runs/{run_id}/zengin", headers=keiri)
    kansa = auth(token_for(demo_db, "kansa@demo.ennoshita.jp"))
    by_auditor = client.get(f"/api/v1/payment-runs/{run_id}/zengin", headers=kansa)
    assert by_auditor.status_code == 200 and by_auditor.content == stored.content
