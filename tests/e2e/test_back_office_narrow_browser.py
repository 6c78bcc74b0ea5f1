"""Every back-office screen at 390 px wide (a phone), in Japanese and in English: the page is never wider than the
window. Before, 承認 (自分の申請: 代理承認者の表), 月次締め (four month cards a row), 定期仕訳, a 受領請求書's
税率別 table, an invoice's 登録番号, a quote's 受注する form and 取引先の取込 pushed the page sideways; a wide
table or row of cards now scrolls inside its card (the shared CSS), the month cards and forms wrap."""

from __future__ import annotations

import html
import re

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

ADMIN = "admin@demo.ennoshita.jp"
SKIP = re.compile(r"\.(csv|pdf|xlsx|json|zip|png)\b|/logout|export=|format=|/download|/static/|/api/|/pdf|/file"
                  r"|/zengin")


@pytest.mark.parametrize("language", ["ja", "en"])
def test_no_back_office_screen_is_wider_than_a_phone(page: Page, live_server: str, language: str) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server + "/login")
    page.get_by_label("メールアドレス").fill(ADMIN)
    page.get_by_label("パスワード").fill("ennoshita-demo")
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.content())
    assert token
    page.request.post(live_server + "/language", data={"language": language, "next": "/", "csrf_token": token.group(1)})
    seen: set[str] = set()
    queue = ["/"]
    wide: dict[str, int] = {}
    while queue:
        url = queue.pop(0)
        route = re.sub(r"/\d+", "/N", url.split("?")[0])
        if route in seen:
            continue
        seen.add(route)
        try:
            response = page.goto(live_server + url)
        except PlaywrightError:  # a download (a file, not a screen)
            continue
        if response is None or response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            wide[url] = width
        for href in re.findall(r'href="(/[^"#]*)"', page.content()):
            link = html.unescape(href)
            if not link.startswith("//") and not SKIP.search(link):
                queue.append(link)
    assert len(seen) > 80  # the walk reached the screens
    assert wide == {}, wide
