"""The line grid of the documents (見積, 受注, 請求書, 発注, 受領請求書): each choice of the 税率 (and of the other
narrow choices beside it: 0%の区分, 単価入力) can be read whole in its cell, in Japanese and in English, at 1280 px
and at 390 px (a phone), and at 390 px the grid scrolls inside its card instead of making the page wider than the
window. The 税率 cell showed 「品目の税」 and 「Item rat」 (issue: the shared grid's CSS sized it at 6rem)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

ADMIN = "admin@demo.ennoshita.jp"
FORMS = ("/sales/quotes/new", "/sales/orders/new", "/sales/invoices/new", "/purchasing/orders/new",
         "/purchasing/bills/new")
CHOICES = "[name$='.tax_rate'], [name$='.tax_kind'], [name$='.price_includes_tax']"
ARROW = 20  # px chromium keeps at the right of a <select> for its arrow

# the widest option's text (measured in the select's own font) and the room the select gives it
MEASURE = """sel => {
  const cs = getComputedStyle(sel);
  const ctx = document.createElement('canvas').getContext('2d');
  ctx.font = cs.font;
  const widest = Math.max(...Array.from(sel.options).map(o => ctx.measureText(o.text).width));
  const room = sel.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - ARROW;
  return [Array.from(sel.options).map(o => o.text).join('|'), Math.ceil(widest), Math.floor(room)];
}""".replace("ARROW", str(ARROW))


def _log_in(page: Page, base: str, language: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("メールアドレス").fill(ADMIN)
    page.get_by_label("パスワード").fill("ennoshita-demo")
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.content())
    assert match
    page.request.post(base + "/language", form={"language": language, "next": "/", "csrf_token": match.group(1)})


@pytest.mark.parametrize("language", ["ja", "en"])
def test_every_rate_choice_reads_whole_on_every_document_line_grid(page: Page, live_server: str,
                                                                   language: str) -> None:
    _log_in(page, live_server, language)
    cut: list[tuple[str, int, str, int, int]] = []
    wide: dict[tuple[str, int], int] = {}
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for path in FORMS:
            response = page.goto(live_server + path)
            assert response is not None and response.status == 200, path
            assert page.locator("html").get_attribute("lang") == language
            selects = page.locator(f"table {CHOICES}")
            assert selects.count() >= 1, path
            for i in range(selects.count()):
                options, widest, room = selects.nth(i).evaluate(MEASURE)
                if widest > room:
                    cut.append((path, width, options, widest, room))
            page_width = page.evaluate("document.documentElement.scrollWidth")
            if page_width > width:
                wide[(path, width)] = page_width
    assert cut == [], cut
    assert wide == {}, wide


def test_the_journal_entry_grid_keeps_its_amount_cells_on_a_phone(page: Page, live_server: str) -> None:
    """仕訳入力 and 定期仕訳 at 390 px: the grid squeezed 借方金額 and 貸方金額 to a few pixels (their headers
    overlapped, nothing could be typed). It now scrolls inside its card, each amount cell shows 12,345,678
    whole, and the page stays as wide as the window."""
    _log_in(page, live_server, "ja")
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/ledger/input", "/ledger/recurring"):
        page.goto(live_server + path)
        for side in ("debit", "credit"):
            cell = page.locator(f"[name='lines[0].{side}']")
            cell.fill("12,345,678")
            fits = cell.evaluate("e => [e.scrollWidth, e.clientWidth]")
            assert fits[0] <= fits[1], (path, side, fits)  # the whole amount shows, nothing scrolled out of sight
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
