"""購買 and 稟議 screens: a purchasing user enters a 発注書 of ¥80,000 and submits it; it waits in the
department head's 承認待ち; the head approves it there; the order shows 承認済 with who decided, and is sent.
A requester is refused the purchasing pages."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from ennoshita.actor import Actor
from ennoshita.approvals import services as approvals
from ennoshita.db import Database
from ennoshita.identity.services import find_user_id
from tests.conftest import ADMIN, REQUESTER, login

PURCHASING = "kobai@demo.ennoshita.jp"


def _supplier_id(html: str) -> str:
    select = html[html.index('name="supplier_id"'):]
    match = re.search(r'<option value="(\d+)"', select[:select.index("</select>")])
    assert match, "no supplier to choose"
    return match.group(1)


def _logout(client: TestClient, token: str) -> None:
    client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    client.cookies.clear()


def test_purchase_order_submitted_approved_from_the_queue_and_sent(client: TestClient, demo_db: Database) -> None:
    approvals.set_department_head(demo_db.uow(), Actor.system(), "購買部", find_user_id(demo_db.uow(), ADMIN))
    token = login(client, PURCHASING)
    form = client.get("/purchasing/orders/new")
    assert form.status_code == 200
    supplier = _supplier_id(form.text)

    # errors stay next to their fields: no supplier, no lines
    bad = client.post("/purchasing/orders/new", data={"csrf_token": token, "order_date": "2026-04-01"})
    assert bad.status_code == 422, bad.text
    assert 'class="field invalid"' in bad.text and 'data-error-for="lines"' in bad.text

    response = client.post("/purchasing/orders/new", data={
        "csrf_token": token, "supplier_id": supplier, "order_date": "2026-04-01", "delivery_date": "2026-04-15",
        "delivery_place": "本社倉庫", "subject": "事務用品", "department": "購買部", "price_entry": "exclusive",
        "lines[0].description": "コピー用紙 A4", "lines[0].quantity": "40", "lines[0].unit": "箱",
        "lines[0].unit_price": "2000", "lines[0].tax_rate": "0"}, follow_redirects=False)
    assert response.status_code == 303, response.text
    url = response.headers["location"].split("?")[0]
    page = client.get(url)
    assert "下書き" in page.text and "¥80,000" in page.text and "納入場所" in page.text
    number = re.search(r'data-testid="doc-number">([^<]+)<', page.text)
    assert number
    po_number = number.group(1)

    submitted = client.post(f"{url}/submit", data={"csrf_token": token}, follow_redirects=True)
    assert submitted.status_code == 200
    assert 'data-status="pending_approval"' in submitted.text
    assert 'data-testid="approval-panel"' in submitted.text and "部門長" in submitted.text
    # the submitter has it in 自分の申請, at the department head's step, and not in their own queue
    mine = client.get("/approvals/mine")
    assert po_number in mine.text and "部門長" in mine.text
    assert po_number not in client.get("/approvals").text
    _logout(client, token)

    token = login(client, ADMIN)
    queue = client.get("/approvals")
    assert queue.status_code == 200 and po_number in queue.text
    request_id = re.search(rf'data-number="{po_number}" id="req-(\d+)"', queue.text)
    assert request_id
    # 差戻し without a comment is refused, next to the comment
    refused = client.post(f"/approvals/{request_id.group(1)}/decide",
                          data={"csrf_token": token, "decision": "send_back", "comment": ""})
    assert refused.status_code == 422 and 'data-error-for="comment"' in refused.text
    approved = client.post(f"/approvals/{request_id.group(1)}/decide",
                           data={"csrf_token": token, "decision": "approve", "comment": "承認します"},
                           follow_redirects=True)
    assert approved.status_code == 200 and "承認しました" in approved.text
    assert f'data-number="{po_number}"' not in approved.text
    _logout(client, token)

    token = login(client, PURCHASING)
    page = client.get(url)
    assert 'data-status="approved"' in page.text and "承認済" in page.text
    assert "山田 太郎" in page.text and "承認します" in page.text  # who decided, with the comment
    sent = client.post(f"{url}/send", data={"csrf_token": token}, follow_redirects=True)
    assert 'data-status="sent"' in sent.text and 'data-testid="receive-form"' in sent.text
    assert f'href="{url}"' in client.get("/purchasing/orders?status=sent").text


def test_purchasing_lists_render(client: TestClient) -> None:
    login(client, "keiri@demo.ennoshita.jp")
    for path in ("/purchasing/orders", "/purchasing/bills", "/purchasing/bills/new", "/purchasing/payables",
                 "/purchasing/schedule?from=2026-04&to=2026-06", "/purchasing/payments",
                 "/purchasing/payments/new", "/approvals", "/approvals/mine"):
        assert client.get(path).status_code == 200, path


def test_requester_is_refused_the_purchasing_pages(client: TestClient) -> None:
    login(client, REQUESTER)
    for path in ("/purchasing/orders", "/purchasing/orders/new", "/purchasing/bills", "/purchasing/payables",
                 "/purchasing/schedule", "/purchasing/payments"):
        assert client.get(path).status_code == 403, path
    assert client.get("/approvals").status_code == 200  # every user has a queue
    assert "発注書" not in client.get("/").text
