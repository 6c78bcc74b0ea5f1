"""An accountant opens 消費税申告書 from the menu, reads the return of the demo's 2026 year, switches to 簡易課税
第3種 and sees the deemed credit (issue 11 item 13)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.test_ledger_browser import log_in


def test_the_consumption_tax_return_on_screen(page: Page, live_server: str) -> None:
    log_in(page, live_server)
    page.get_by_role("link", name="消費税申告書").click()
    expect(page.get_by_role("heading", level=1, name="消費税申告書")).to_be_visible()
    expect(page.get_by_text("① 課税標準額", exact=True)).to_be_visible()
    expect(page.get_by_text("課税売上割合", exact=True)).to_be_visible()
    expect(page.get_by_test_id("ctax-settlement")).to_be_visible()
    page.locator("#s-method").select_option("simplified")
    page.locator("#s-simplified_type").select_option("3")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("消費税の設定を保存しました。")).to_be_visible()
    expect(page.get_by_text("簡易課税（第3種事業）")).to_be_visible()
    page.screenshot(path="/tmp/tax_ctax_e2e.png", full_page=True)
