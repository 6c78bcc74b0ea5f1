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


@pytest.mark.parametrize("language", ["ja", "en"])
def test_every_choice_of_the_expense_claim_grid_reads_whole(page: Page, live_server: str, language: str) -> None:
    """経費精算's line grid at 1280 px: each select (種別, 勘定科目, 税率, 用途区分, 仕入税額控除の特例, 国内/国外)
    shows its chosen option whole, whichever option is chosen, in Japanese and in English; at 390 px the grid
    scrolls inside its card and the page stays as wide as the window. Before, 勘定科目 and 税率 cut their text at
    1280 px."""
    _log_in(page, live_server, language)
    cut: list[tuple[int, str, str, int, int]] = []
    wide: dict[int, int] = {}
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        response = page.goto(live_server + "/expenses/new")
        assert response is not None and response.status == 200
        assert page.locator("html").get_attribute("lang") == language
        # a transport line and a mileage line beside the receipts: each kind shows its own choices
        page.locator("select[name='lines[1].kind']").select_option("transport")
        page.locator("select[name='lines[2].kind']").select_option("mileage")
        assert page.locator("select[name='lines[1].transport_scope']").is_visible()
        assert page.locator("select[name='lines[0].no_invoice_reason']").is_visible()
        selects = page.locator("table select")
        assert selects.count() >= 5
        for i in range(selects.count()):
            select = selects.nth(i)
            if not select.is_visible():
                continue
            options, widest, room = select.evaluate(MEASURE)
            if widest > room:
                cut.append((width, select.get_attribute("name") or "", options[:80], widest, room))
        page_width = page.evaluate("document.documentElement.scrollWidth")
        if page_width > width:
            wide[width] = page_width
        if width == 1280:  # the whole grid in view: no column behind a scroll bar
            grid = page.locator("[data-testid='expense-grid']").evaluate(
                "t => [t.parentElement.scrollWidth, t.parentElement.clientWidth]")
            if grid[0] > grid[1]:
                wide[-width] = grid[0]
    assert cut == [], "\n".join(map(str, cut))
    assert wide == {}, wide
