"""The 依頼 screens on SQLite and PostgreSQL, used as the people involved would: a salesperson files a
見積作成依頼 through the generated form (a missing customer is shown at its field and nothing is saved),
the 営業事務 clerk finds it in the team's queue, takes it, comments with a mention, is offered 「見積書を
作成」 pre-filled with the request, and completes it; the requester says thanks; the month's dashboard
credits the clerk and its CSV export has the row; 法務 may not open the request.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

from fastapi.testclient import TestClient

from ennoshita.dates import today_tokyo
from tests.conftest import REQUESTER, login

SALES_ADMIN = "jimu@demo.ennoshita.jp"
LEGAL = "houmu@demo.ennoshita.jp"


def _as(client: TestClient, email: str) -> str:
    client.cookies.clear()
    return login(client, email)


def _quote_form(token: str, **over: str) -> dict[str, str]:
    data = {"csrf_token": token, "title": "さくら精機様 ベアリング見積", "due_date": "",
            "fields.customer": "株式会社さくら精機", "fields.lines[0].item": "精密ベアリング",
            "fields.lines[0].quantity": "25", "fields.lines[1].item": "", "fields.lines[1].quantity": "",
            "fields.due_date": "2030-04-30", "fields.notes": "至急でお願いします"}
    data.update(over)
    return data


def _file_quote_request(client: TestClient) -> int:
    token = _as(client, REQUESTER)
    pick = client.get("/desk/new")
    assert pick.status_code == 200
    assert "見積作成依頼" in pick.text and 'href="/desk/new/quote"' in pick.text
    form = client.get("/desk/new/quote")
    assert form.status_code == 200 and 'name="fields.lines[0].item"' in form.text

    bad = client.post("/desk/new/quote", data=_quote_form(token, **{"fields.customer": ""}), follow_redirects=False)
    assert bad.status_code == 422
    assert re.search(r'data-error-for="fields.customer">[^<]+<', bad.text), "the error belongs at the field"
    assert "精密ベアリング" in bad.text  # what was typed stays
    assert "さくら精機様 ベアリング見積" not in client.get("/desk/mine").text  # nothing was saved

    filed = client.post("/desk/new/quote", data=_quote_form(token), follow_redirects=False)
    assert filed.status_code == 303, filed.text
    request_id = int(re.search(r"/desk/requests/(\d+)", filed.headers["location"]).group(1))  # type: ignore[union-attr]
    mine = client.get("/desk/mine").text
    assert "さくら精機様 ベアリング見積" in mine and "受付" in mine
    return request_id


def _handled_by_suzuki(client: TestClient, month: str) -> tuple[int, int]:
    """鈴木 一郎's handled count on the dashboard page and in the CSV export (0 when not listed): the demo
    desk may already have work of this month."""
    board = client.get(f"/desk/dashboard?month={month}")
    assert board.status_code == 200
    person = re.search(r'<tr><td[^>]*>鈴木 一郎</td><td class="num" data-testid="handled">(\d+)</td>', board.text)
    csv = client.get(f"/desk/dashboard?month={month}&format=csv")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    rows = [line.split(",") for line in csv.content.decode("utf-8-sig").splitlines() if "鈴木 一郎" in line]
    assert len(rows) <= 1
    return (int(person.group(1)) if person else 0), (int(rows[0][2]) if rows else 0)


def test_a_quote_request_from_filing_to_thanks_and_the_dashboard(client: TestClient) -> None:
    month = today_tokyo().strftime("%Y-%m")
    _as(client, SALES_ADMIN)
    before = _handled_by_suzuki(client, month)
    request_id = _file_quote_request(client)

    token = _as(client, SALES_ADMIN)
    queue = client.get("/desk/queue?team=sales_admin")
    assert queue.status_code == 200
    assert f'href="/desk/requests/{request_id}"' in queue.text and "残り" in queue.text
    assert f'href="/desk/requests/{request_id}"' not in client.get("/desk/queue?team=sales_admin&status=done").text

    took = client.post(f"/desk/requests/{request_id}/take", data={"csrf_token": token}, follow_redirects=False)
    assert took.status_code == 303
    mine_only = client.get("/desk/queue?team=sales_admin&assigned=1").text
    assert f'href="/desk/requests/{request_id}"' in mine_only
    said = client.post(f"/desk/requests/{request_id}/comments",
                       data={"csrf_token": token, "body": "@eigyo 単価を確認します"}, follow_redirects=False)
    assert said.status_code == 303
    empty = client.post(f"/desk/requests/{request_id}/comments", data={"csrf_token": token, "body": " "})
    assert empty.status_code == 422 and 'data-error-for="body"' in empty.text

    page = client.get(f"/desk/requests/{request_id}").text
    assert 'data-testid="assignee">鈴木 一郎<' in page
    assert '<span class="mention">@eigyo</span>' in page
    href = re.search(r'href="([^"]+)" data-testid="make-quote"', page)
    assert href, "a 見積作成依頼 offers 見積書を作成"
    target = urlparse(href.group(1).replace("&amp;", "&"))
    assert target.path == "/sales/quotes/new"
    params = parse_qs(target.query)
    assert params["request_id"] == [str(request_id)] and params["lines[0].description"] == ["精密ベアリング"]
    quote_form = client.get(href.group(1).replace("&amp;", "&")).text
    assert f'name="request_id" value="{request_id}"' in quote_form and 'value="精密ベアリング"' in quote_form

    customer = re.search(r'<option value="(\d+)">', quote_form.split('id="f-partner_id"')[1])
    assert customer, "the demo has customers"
    quote = client.post("/sales/quotes/new", data={
        "csrf_token": token, "request_id": str(request_id), "partner_id": customer.group(1),
        "issue_date": today_tokyo().isoformat(), "valid_until": "2030-12-31", "subject": "ベアリング",
        "price_entry": "exclusive", "lines[0].item_code": "", "lines[0].description": "精密ベアリング",
        "lines[0].quantity": "25", "lines[0].unit": "個", "lines[0].unit_price": "1234", "lines[0].tax_rate": "10"},
        follow_redirects=False)
    assert quote.status_code == 303, quote.text
    page = client.get(f"/desk/requests/{request_id}").text
    assert re.search(r'href="/sales/quotes/\d+" data-testid="document-link">', page), "the quote is linked"
    assert 'data-testid="make-quote"' not in page

    done = client.post(f"/desk/requests/{request_id}/status", data={"csrf_token": token, "status": "done"},
                       follow_redirects=False)
    assert done.status_code == 303
    assert 'data-status="done"' in client.get(f"/desk/requests/{request_id}").text

    token = _as(client, REQUESTER)
    home = client.get("/desk/mine").text
    assert 'data-testid="bell-count"' in home  # taken, commented (mention), done
    notices = client.get("/desk/notifications").text
    assert "REQ-" in notices and "unread" in notices
    assert 'data-testid="bell-count"' not in client.get("/desk/mine").text  # read once shown
    page = client.get(f"/desk/requests/{request_id}").text
    assert 'data-testid="thanks-form"' in page and 'data-testid="withdraw"' not in page
    thanked = client.post(f"/desk/requests/{request_id}/thanks",
                          data={"csrf_token": token, "message": "早い対応ありがとうございました"},
                          follow_redirects=False)
    assert thanked.status_code == 303

    after = _handled_by_suzuki(client, month)
    assert after == (before[0] + 1, before[1] + 1)
    board = client.get(f"/desk/dashboard?month={month}").text
    assert "<svg" in board and 'data-testid="chart-type"' in board
    assert client.get("/desk/dashboard?month=2025-13").status_code == 400

    _as(client, SALES_ADMIN)
    received = client.get("/desk/thanks").text
    assert "早い対応ありがとうございました" in received

    _as(client, LEGAL)
    assert client.get(f"/desk/requests/{request_id}").status_code == 403
    assert f"/desk/requests/{request_id}" not in client.get("/desk/queue").text


def test_an_auditor_reads_but_cannot_file(client: TestClient) -> None:
    _as(client, "kansa@demo.ennoshita.jp")
    assert client.get("/desk/new").status_code == 403
    assert client.get("/desk/queue").status_code == 200
    assert client.get("/desk/dashboard").status_code == 200
