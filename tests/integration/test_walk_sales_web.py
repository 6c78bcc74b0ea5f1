"""The 営業事務 and 購買 first walk (issue 13), on the screens: what a clerk met on the first day."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.conftest import login

CLERK = "jimu@demo.ennoshita.jp"


def _partner_id(client: TestClient, code: str) -> str:
    match = re.search(r'<option value="(\d+)"[^>]*>' + re.escape(code) + " ", client.get("/sales/quotes/new").text)
    assert match
    return match.group(1)


def test_a_negative_unit_price_on_the_grid_is_a_discount_line(client: TestClient) -> None:
    # 出精値引 as a clerk types it: a line with -1,200. The grid has no other way to say 値引, so the message
    # "マイナスの金額は値引行でのみ使えます" left the clerk with no way forward.
    token = login(client, CLERK)
    form = {"csrf_token": token, "partner_id": _partner_id(client, "C0001"), "issue_date": "2026-11-21",
            "valid_until": "2026-12-21", "subject": "リニアガイドのお見積", "price_entry": "exclusive",
            "lines[0].item_code": "P-1002", "lines[0].quantity": "2",
            "lines[1].description": "出精値引", "lines[1].quantity": "1", "lines[1].unit_price": "-1,200"}
    created = client.post("/sales/quotes/new", data=form, follow_redirects=False)
    assert created.status_code == 303, re.findall(r'class="error"[^>]*>([^<]*)<', created.text)
    page = client.get(created.headers["location"]).text
    # 18,600 x 2 - 1,200 = 36,000; tax 3,600
    assert 'data-testid="gross">¥39,600<' in page
    # a negative quantity is not a 値引: the message says how to enter one
    wrong = client.post("/sales/quotes/new", data={**form, "lines[1].quantity": "-1", "lines[1].unit_price": "1,200"})
    assert wrong.status_code == 422 and "単価をマイナス（例: -1,200）" in wrong.text
