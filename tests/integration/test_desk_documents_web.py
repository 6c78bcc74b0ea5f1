"""From a request to the document it asks for, on SQLite and PostgreSQL: a 受注処理依頼 offers 「受注を登録」
pre-filled (customer, 注文番号, lines, the request) and registering the order links and completes the request;
a 備品・購買依頼 offers 総務 「発注書を作成」 pre-filled (supplier, 希望納期, lines), and the request completes
when the approved purchase order is sent."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

from fastapi.testclient import TestClient

from ennoshita.approvals import services as approvals
from ennoshita.attachments.services import NewAttachment
from ennoshita.dates import today_tokyo
from ennoshita.db import Database
from ennoshita.desk import services
from ennoshita.identity.services import actor_by_email
from tests.conftest import REQUESTER, login

SALES_ADMIN = "jimu@demo.ennoshita.jp"
GENERAL_AFFAIRS = "soumu@demo.ennoshita.jp"


def _as(client: TestClient, email: str) -> str:
    client.cookies.clear()
    return login(client, email)


def _offer(client: TestClient, request_id: int, testid: str) -> tuple[str, dict[str, list[str]]]:
    page = client.get(f"/desk/requests/{request_id}").text
    found = re.search(rf'href="([^"]+)" data-testid="{testid}"', page)
    assert found, f"the request offers {testid}"
    href = found.group(1).replace("&amp;", "&")
    return href, parse_qs(urlparse(href).query)


def _status(db: Database, request_id: int) -> tuple[str, str | None]:
    req = services.get_request(db.uow(), actor_by_email(db.uow(), REQUESTER, "web"), request_id)
    return req.status, req.document_number


def test_order_request_to_sales_order(client: TestClient, demo_db: Database) -> None:
    requester = actor_by_email(demo_db.uow(), REQUESTER, "web")
    req = services.file_request(demo_db.uow(), requester, services.NewRequest(
        "order", "東邦機械工業様 ご注文", {"customer": "東邦機械工業株式会社", "customer_po": "TH-99001",
                                         "lines": [{"item": "ボールねじ", "quantity": "4"}]},
        attachments=(("purchase_order", NewAttachment("注文書.pdf", "application/pdf", b"%PDF-1.4 order")),)))
    token = _as(client, SALES_ADMIN)
    href, params = _offer(client, req.id, "make-order")
    assert urlparse(href).path == "/sales/orders/new"
    assert params["request_id"] == [str(req.id)] and params["customer_po"] == ["TH-99001"]
    assert params["lines[0].description"] == ["ボールねじ"] and params["lines[0].quantity"] == ["4"]
    form = client.get(href).text
    assert f'name="request_id" value="{req.id}"' in form and 'value="TH-99001"' in form
    assert re.search(rf'<option value="{params["partner_id"][0]}" selected>', form), "the customer is chosen"
    saved = client.post("/sales/orders/new", data={
        "csrf_token": token, "request_id": str(req.id), "partner_id": params["partner_id"][0],
        "order_date": today_tokyo().isoformat(), "subject": "ボールねじ", "price_entry": "exclusive",
        "customer_po": "TH-99001", "delivery_due": "", "delivery_place": "", "lines[0].item_code": "",
        "lines[0].description": "ボールねじ", "lines[0].quantity": "4", "lines[0].unit": "本",
        "lines[0].unit_price": "18500", "lines[0].tax_rate": "10"}, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    status, number = _status(demo_db, req.id)
    assert status == "done" and number is not None and number.startswith("SO-")
    page = client.get(f"/desk/requests/{req.id}").text
    assert 'data-testid="make-order"' not in page
    assert re.search(r'href="/sales/orders/\d+" data-testid="document-link">', page)


def test_purchase_request_to_purchase_order(client: TestClient, demo_db: Database) -> None:
    requester = actor_by_email(demo_db.uow(), REQUESTER, "web")
    req = services.file_request(demo_db.uow(), requester, services.NewRequest(
        "purchase", "コピー用紙の購入", {"lines": [{"item": "コピー用紙 A4（5,000枚）", "quantity": "6"}],
                                       "supplier": "株式会社オフィスサプライ東京", "needed_by": "2030-01-15",
                                       "purpose": "営業部の在庫切れ"}))
    token = _as(client, GENERAL_AFFAIRS)
    href, params = _offer(client, req.id, "make-po")
    assert urlparse(href).path == "/purchasing/orders/new"
    assert params["delivery_date"] == ["2030-01-15"] and params["notes"] == ["営業部の在庫切れ"]
    form = client.get(href).text
    assert f'name="request_id" value="{req.id}"' in form and 'value="コピー用紙 A4（5,000枚）"' in form
    saved = client.post("/purchasing/orders/new", data={
        "csrf_token": token, "request_id": str(req.id), "supplier_id": params["supplier_id"][0],
        "order_date": today_tokyo().isoformat(), "delivery_date": "2030-01-15", "delivery_place": "本社",
        "subject": "コピー用紙", "department": "総務部", "price_entry": "exclusive", "notes": "",
        "lines[0].item_code": "", "lines[0].description": "コピー用紙 A4（5,000枚）", "lines[0].quantity": "6",
        "lines[0].unit": "箱", "lines[0].unit_price": "2980", "lines[0].tax_rate": "10"}, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    po_id = int(saved.headers["location"].split("/")[-1].split("?")[0])
    status, number = _status(demo_db, req.id)
    assert status != "done" and number is not None and number.startswith("PO-")  # linked, not yet sent
    submitted = client.post(f"/purchasing/orders/{po_id}/submit", data={"csrf_token": token},
                            follow_redirects=False)
    assert submitted.status_code == 303, submitted.text
    view = approvals.status_of(demo_db.uow(), "purchase_order", po_id)  # ¥19,310: 総務部's head (山田) approves
    assert view is not None and view.status == "pending"
    approvals.decide(demo_db.uow(), actor_by_email(demo_db.uow(), "admin@demo.ennoshita.jp", "web"), view.id,
                     "approve")
    sent = client.post(f"/purchasing/orders/{po_id}/send", data={"csrf_token": token}, follow_redirects=False)
    assert sent.status_code == 303, sent.text
    assert _status(demo_db, req.id)[0] == "done"
