"""Issue 13 item 11: the requester's screens at 390 px wide (a phone) do not scroll sideways: the page is no
wider than the window on each of the requester's main pages (the quote-request line table was 457 px), and the
top bar does not wrap (縁の下, the user's name and ログアウト broke onto two lines)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

REQUESTER = "eigyo@demo.ennoshita.jp"
PAGES = ("/", "/desk", "/desk/new", "/desk/new/quote", "/desk/mine", "/expenses", "/expenses/new", "/me")


def test_requester_pages_fit_390px(page: Page, live_server: str) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server + "/login")
    page.get_by_label("メールアドレス").fill(REQUESTER)
    page.get_by_label("パスワード").fill("ennoshita-demo")
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    wide = {}
    for path in PAGES:
        response = page.goto(live_server + path)
        assert response is not None and response.status == 200, path
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            wide[path] = width
        # the top bar stays one line: no link or button in it wraps onto a second line
        wrapped = page.evaluate("""Array.from(document.querySelectorAll('.topbar a, .topbar button'))
            .filter(e => e.offsetParent !== null && e.offsetHeight > 34).map(e => e.textContent.trim())""")
        assert wrapped == [], (path, wrapped)
    assert wide == {}, wide
