"""経費精算 screens on the demo company: the requester (営業部) registers the 振込先口座, files a claim with a
receipt (image upload) and a fare through the form and submits it; a line without its amount comes back
with the error by the field and nothing saved; 経理 sees it in everyone's claims; the receipt is served;
another employee cannot open it; once approved, the payment run screen offers it and pays it."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from fastapi.testclient import TestClient

from ennoshita.approvals import services as approvals
from ennoshita.dates import is_bank_holiday, today_tokyo
from ennoshita.db import Database
from ennoshita.expenses import services as expenses
from ennoshita.identity import services as identity
from tests.conftest import login

REQUESTER = "eigyo@demo.ennoshita.jp"
HEAD = "jimu@demo.ennoshita.jp"
ACCOUNTING = "keiri@demo.ennoshita.jp"
CASHIER = "suitou@demo.ennoshita.jp"
OTHER = "kobai@demo.ennoshita.jp"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def _logout(client: TestClient, token: str) -> None:
    client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    client.cookies.clear()


def _lines(day: dt.date) -> dict[str, Any]:
    return {
        "title": "出張経費（横浜）",
        "lines[0].kind": "receipt", "lines[0].expense_date": day.isoformat(), "lines[0].payee": "日本交通株式会社",
        "lines[0].account_code": "6250", "lines[0].tax_rate": "10", "lines[0].registration_number": "T7123456789012",
        "lines[0].amount": "3,300", "lines[0].purpose": "顧客訪問", "lines[0].rate_per_km": "20",
        "lines[1].kind": "transport", "lines[1].expense_date": day.isoformat(), "lines[1].account_code": "",
        "lines[1].tax_rate": "10", "lines[1].amount": "420", "lines[1].route_from": "渋谷",
        "lines[1].route_to": "横浜", "lines[1].round_trip": "1", "lines[1].purpose": "展示会",
        "lines[1].rate_per_km": "20",
        # a blank row as the form sends it (defaults only): ignored
        "lines[2].kind": "receipt", "lines[2].tax_rate": "10", "lines[2].rate_per_km": "20",
    }


def _claim_count(db: Database) -> int:
    actor = identity.actor_by_email(db.uow(), ACCOUNTING, "web")
    return expenses.list_claims(db.uow(), actor, mine=False)[1]


def test_claim_filed_submitted_listed_and_paid(client: TestClient, demo_db: Database) -> None:
    day = today_tokyo()
    token = login(client, REQUESTER)
    assert client.get("/expenses").status_code == 200
    page = client.get("/expenses/new")
    assert page.status_code == 200
    assert "旅費交通費" in page.text and "8%(軽減)" in page.text and 'name="lines[5].receipt"' in page.text

    bank = client.post("/expenses/bank", data={"csrf_token": token, "bank_code": "0005", "branch_code": "123",
                                               "account_type": "ordinary", "account_number": "12345",
                                               "holder_kana": "イトウ ショウ"}, follow_redirects=False)
    assert bank.status_code == 303, bank.text
    assert "0012345" in client.get("/expenses/bank").text

    # a receipt line without its amount: 422, the message by the field, nothing saved
    before = _claim_count(demo_db)
    bad = {**_lines(day), "lines[0].amount": "", "action": "submit", "csrf_token": token}
    response = client.post("/expenses/new", data=bad, files={"lines[0].receipt": ("taxi.png", PNG, "image/png")})
    assert response.status_code == 422, response.text
    error = re.search(r'data-error-for="lines\[0\]\.amount">([^<]+)<', response.text)
    assert error and error.group(1) == "入力してください。"
    assert "日本交通株式会社" in response.text and "1 行目に誤りがあります" in response.text
    assert _claim_count(demo_db) == before

    # filed and submitted at once: the receipt image and a round-trip fare
    response = client.post("/expenses/new", data={**_lines(day), "action": "submit", "csrf_token": token},
                           files={"lines[0].receipt": ("taxi.png", PNG, "image/png")}, follow_redirects=False)
    assert response.status_code == 303, response.text
    url = response.headers["location"].split("?")[0]
    claim_id = int(url.rsplit("/", 1)[1])
    detail = client.get(url)
    assert detail.status_code == 200
    assert 'data-status="pending_approval"' in detail.text and "¥4,140" in detail.text
    assert "渋谷 ⇄ 横浜" in detail.text and 'data-testid="approval-panel"' in detail.text
    number = re.search(r'data-testid="doc-number">([^<]+)<', detail.text)
    assert number
    receipt = re.search(r'href="(/expenses/\d+/receipts/\d+)"', detail.text)
    assert receipt
    listed = client.get("/expenses")
    assert number.group(1) in listed.text and "承認待ち" in listed.text
    served = client.get(receipt.group(1))
    assert served.status_code == 200 and served.content == PNG
    assert served.headers["content-type"] == "image/png"
    assert served.headers["content-disposition"].startswith("inline")
    _logout(client, token)

    # another employee: neither the claim nor its receipt
    token = login(client, OTHER)
    assert client.get(url).status_code in (403, 404)
    assert client.get(receipt.group(1)).status_code in (403, 404)
    assert client.get("/expenses/all").status_code == 403
    assert number.group(1) not in client.get("/expenses").text
    _logout(client, token)

    # 経理 sees it among everyone's claims; the head and 経理 approve; the payment run offers and pays it
    token = login(client, ACCOUNTING)
    everyone = client.get("/expenses/all", params={"q": number.group(1)})
    assert everyone.status_code == 200 and number.group(1) in everyone.text and "伊藤 翔" in everyone.text
    for email in (HEAD, ACCOUNTING):
        view = approvals.status_of(demo_db.uow(), "expense_claim", claim_id)
        assert view is not None
        approvals.decide(demo_db.uow(), identity.actor_by_email(demo_db.uow(), email, "web"), view.id, "approve")
    approved = client.get(url)
    assert 'data-status="approved"' in approved.text and 'href="/ledger/entries/' in approved.text
    _logout(client, token)

    token = login(client, CASHIER)
    pay_day = day + dt.timedelta(days=1)
    while is_bank_holiday(pay_day):
        pay_day += dt.timedelta(days=1)
    new_run = client.get("/purchasing/payments/new", params={"payment_date": pay_day.isoformat()})
    assert new_run.status_code == 200
    assert 'data-testid="open-claims"' in new_run.text
    assert f'name="claim_ids[]" value="{claim_id}"' in new_run.text
    created = client.post("/purchasing/payments/new", data={
        "csrf_token": token, "payment_date": pay_day.isoformat(), "due_by": pay_day.isoformat(),
        "claim_ids[]": [str(claim_id)]}, follow_redirects=False)
    assert created.status_code == 303, created.text
    run = client.get(created.headers["location"])
    assert 'data-payee-kind="expense_claim"' in run.text and f'href="/expenses/{claim_id}"' in run.text
    assert number.group(1) in run.text and "伊藤 翔" in run.text
    assert 'href="/purchasing/payments/' in client.get(url).text  # the claim links to its run


def test_a_draft_is_edited_keeping_its_receipt_then_submitted(client: TestClient, demo_db: Database) -> None:
    day = today_tokyo()
    token = login(client, REQUESTER)
    response = client.post("/expenses/new", data={**_lines(day), "action": "save", "csrf_token": token},
                           files={"lines[0].receipt": ("taxi.png", PNG, "image/png")}, follow_redirects=False)
    assert response.status_code == 303, response.text
    url = response.headers["location"].split("?")[0]
    edit = client.get(f"{url}/edit")
    assert edit.status_code == 200 and "taxi.png" in edit.text
    kept = re.search(r'name="lines\[0\]\.keep_receipt" value="(\d+)"', edit.text)
    assert kept
    # the receipt dropped and 申請: saved, refused with the reason on the detail page
    data = {**_lines(day), "lines[0].amount": "3300", "title": "出張経費（修正）", "action": "submit",
            "csrf_token": token}
    refused = client.post(f"{url}/edit", data=data)
    assert refused.status_code == 422 and "1行目" in refused.text and "領収書" in refused.text
    assert 'data-status="draft"' in refused.text and "出張経費（修正）" in refused.text
    # the claim's receipt chosen again (still the claim's attachment), and a new file on the fare
    saved = client.post(f"{url}/edit", data={**data, "action": "save", "lines[0].keep_receipt": kept.group(1)},
                        files={"lines[1].receipt": ("ticket.pdf", b"%PDF-1.4 ticket", "application/pdf")},
                        follow_redirects=False)
    assert saved.status_code == 303, saved.text
    # a file that is neither an image nor a PDF is refused by its field
    exe = client.post(f"{url}/edit", data={**data, "action": "save", "lines[0].keep_receipt": kept.group(1)},
                      files={"lines[1].receipt": ("x.exe", b"MZ", "application/x-msdownload")})
    assert exe.status_code == 422 and 'data-error-for="lines[1].receipt"' in exe.text
    submitted = client.post(f"{url}/submit", data={"csrf_token": token}, follow_redirects=True)
    assert submitted.status_code == 200
    assert 'data-status="pending_approval"' in submitted.text and "出張経費（修正）" in submitted.text
    assert submitted.text.count('data-testid="receipt-link"') == 2
    assert client.get(f"{url}/edit", follow_redirects=False).status_code == 303  # no longer editable
