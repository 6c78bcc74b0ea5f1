"""The screens of issue 12 items 1, 2, 4, 8 and 10 on the demo company (SQLite and PostgreSQL): the fee
treatment setting and its display on the match, a deposit nothing matches booked to 仮受金 with a memo, undone,
then matched by hand to a customer with the rest kept as its credit balance, the 預り残高 page and a refund,
and a 締め請求 in the future refused unless confirmed. Figures are the demo's (the service tests check them)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from ennoshita.db import Database
from ennoshita.sales.models import BankDeposit, Invoice, Partner
from tests.conftest import login
from tests.integration.test_sales_receivables_web import SALES_ADMIN


def _ids(db: Database) -> tuple[int, int, int]:
    with db.uow() as uow:
        s = uow.session
        dep = s.scalar(select(BankDeposit.id).where(BankDeposit.status == "unmatched", BankDeposit.amount == 55_000))
        clinic = s.scalar(select(Partner.id).where(Partner.code == "C0005"))
        inv9 = s.scalar(select(Invoice.id).where(Invoice.number == "INV-2026-000009"))
    assert dep and clinic and inv9
    return int(dep), int(clinic), int(inv9)


def test_deposit_booked_to_suspense_then_matched_by_hand_with_credit(client: TestClient, demo_db: Database) -> None:
    token = login(client, SALES_ADMIN)
    dep, clinic, inv9 = _ids(demo_db)
    page = client.get("/sales/receipts").text
    assert "先方差引の振込手数料" in page and '<option value="sales_discount" selected>売上値引</option>' in page
    assert f"/sales/receipts/{dep}/manual" in page
    # the fee treatment shows on the demo's fee-short match (青葉商事 deducted 660)
    assert 'data-testid="fee-treatment-shown">売上値引' in page

    manual = client.get(f"/sales/receipts/{dep}/manual").text
    assert "入金の手動消込・振替" in manual and "ヤマダ タロウ" in manual and "仮受金" in manual
    # 該当なし → 仮受金 with a memo; a blank memo is refused on the form
    blank = client.post(f"/sales/receipts/{dep}/book", data={"csrf_token": token, "account": "2210", "memo": " "})
    assert blank.status_code == 422 and "摘要" in blank.text
    booked = client.post(f"/sales/receipts/{dep}/book", data={"csrf_token": token, "account": "2210",
                                                               "memo": "入金者不明 確認中"}, follow_redirects=False)
    assert booked.status_code == 303
    page = client.get("/sales/receipts?done=booked").text
    assert "振替：仮受金" in page and "入金者不明 確認中" in page
    undone = client.post(f"/sales/receipts/{dep}/unmatch", data={"csrf_token": token, "reason": "得意先と判明"},
                         follow_redirects=False)
    assert undone.status_code == 303

    # by hand: さくら台クリニック, its open INV-2026-000009 (4,665) cleared, 55,000 - 4,665 = 50,335 kept as credit
    found = client.get(f"/sales/receipts/{dep}/manual?q=さくら台").text
    assert f"/sales/receipts/{dep}/manual?partner={clinic}" in found
    chosen = client.get(f"/sales/receipts/{dep}/manual?partner={clinic}").text
    assert "INV-2026-000009" in chosen and f'name="alloc_{inv9}" value="4665"' in chosen
    assert 'name="to_credit" value="50335"' in chosen
    wrong = client.post(f"/sales/receipts/{dep}/manual", data={
        "csrf_token": token, "partner_id": str(clinic), f"alloc_{inv9}": "4665", "fee": "0", "to_credit": "50000"})
    assert wrong.status_code == 422
    ok = client.post(f"/sales/receipts/{dep}/manual", data={
        "csrf_token": token, "partner_id": str(clinic), f"alloc_{inv9}": "4,665", "fee": "0", "to_credit": "50,335"},
        follow_redirects=False)
    assert ok.status_code == 303

    credits = client.get("/sales/credits").text
    assert "さくら台クリニック" in credits and "¥50,335" in credits
    detail = client.get(f"/sales/credits?partner={clinic}").text
    assert "過入金" in detail
    refund = client.post(f"/sales/credits/{clinic}/refund", data={
        "csrf_token": token, "amount": "335", "date": "2026-12-01", "memo": "差額返金"}, follow_redirects=False)
    assert refund.status_code == 303
    assert "¥50,000" in client.get(f"/sales/credits?partner={clinic}").text
    too_much = client.post(f"/sales/credits/{clinic}/refund", data={
        "csrf_token": token, "amount": "60000", "date": "2026-12-01"})
    assert too_much.status_code == 422 and "預り残高" in too_much.text


def test_fee_setting_and_future_closing_on_screen(client: TestClient, demo_db: Database) -> None:
    token = login(client, SALES_ADMIN)
    saved = client.post("/sales/receipts/settings", data={"csrf_token": token, "fee_treatment": "transfer_fee"},
                        follow_redirects=False)
    assert saved.status_code == 303
    assert '<option value="transfer_fee" selected>支払手数料</option>' in client.get("/sales/receipts").text
    assert client.post("/sales/receipts/settings", data={"csrf_token": token,
                                                         "fee_treatment": "x"}).status_code == 422
    billing_page = client.get("/sales/billing").text
    assert '<option value="delivery" selected>出荷基準（納品日に計上）</option>' in billing_page
    saved = client.post("/sales/receipts/settings", data={"csrf_token": token, "revenue_recognition": "invoice"},
                        follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"].startswith("/sales/billing")
    future = client.post("/sales/billing", data={"csrf_token": token, "closing_date": "2099-01-20"})
    assert future.status_code == 422 and "まだ来ていません" in future.text


def test_api_settings_book_and_credit(client: TestClient, demo_db: Database) -> None:
    from tests.conftest import ADMIN
    from tests.integration.test_api import auth, token_for

    headers = auth(token_for(demo_db, ADMIN))
    dep, clinic, inv9 = _ids(demo_db)
    assert client.get("/api/v1/sales/settings", headers=headers).json() == {
        "fee_treatment": "sales_discount", "revenue_recognition": "delivery"}
    bad = client.put("/api/v1/sales/settings", headers=headers, json={"fee_treatment": "none"})
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")
    book = client.post(f"/api/v1/receipts/{dep}/book", headers=headers, json={"memo": "不明入金"})
    assert book.status_code == 200, book.text
    assert client.post(f"/api/v1/receipts/{dep}/unmatch", headers=headers,
                       json={"reason": "得意先と判明"}).status_code == 200
    r = client.post("/api/v1/receivables/matches", headers=headers, json={"matches": [
        {"deposit_id": dep, "allocations": [{"invoice_id": inv9, "amount": 4_665}], "to_credit": 50_335,
         "partner_id": clinic}]})
    assert r.status_code == 200, r.text
    credit = client.get(f"/api/v1/partners/{clinic}/credit", headers=headers).json()
    assert credit["balance"] == 50_335 and credit["movements"][0]["kind"] == "overpayment"
    matched = client.get("/api/v1/receipts/matched", headers=headers).json()
    mine = next(m for m in matched if m["deposit_id"] == dep)
    assert mine["to_credit"] == 50_335 and mine["status"] == "matched"
    fee_short = next(m for m in matched if m["fee"])
    assert fee_short["fee_treatment"] == "sales_discount"
    refund = client.post(f"/api/v1/partners/{clinic}/credit/refund", headers=headers,
                         json={"amount": 50_335, "date": "2026-12-01", "memo": "返金"})
    assert refund.status_code == 200, refund.text
    assert client.get(f"/api/v1/partners/{clinic}/credit", headers=headers).json()["balance"] == 0
    # the credit it left is refunded: the match can no longer be undone
    undo = client.post(f"/api/v1/receipts/{dep}/unmatch", headers=headers, json={"reason": "やり直し"})
    assert undo.status_code == 409
    future = client.post("/api/v1/billing-runs", headers=headers, json={"closing_date": "2099-01-20"})
    assert future.status_code == 422 and "まだ来ていません" in future.text
