"""A person logs in as the demo admin, switches to English and back, and finds that login in the audit page."""

from __future__ import annotations

from playwright.sync_api import Page, expect

ADMIN = "admin@demo.ennoshita.jp"


def test_admin_logs_in_switches_language_and_sees_the_login_in_the_audit_trail(page: Page, live_server: str) -> None:
    page.goto(live_server + "/")
    expect(page).to_have_url(live_server + "/login?next=/")
    page.get_by_label("メールアドレス").fill(ADMIN)
    page.get_by_label("パスワード").fill("ennoshita-demo")
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("山田 太郎さん")

    page.get_by_test_id("lang-en").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome, 山田 太郎")
    expect(page.locator("nav.sidebar")).to_contain_text("Audit trail")
    page.get_by_test_id("lang-ja").click()
    expect(page.locator("nav.sidebar")).to_contain_text("監査ログ")

    page.get_by_role("link", name="監査ログ").click()
    page.get_by_label("操作", exact=True).select_option("login")
    page.get_by_role("button", name="検索").click()
    table = page.get_by_test_id("audit-table")
    expect(table).to_contain_text("ログイン")
    expect(table).to_contain_text("山田 太郎")
    expect(table.locator("tbody tr").first).to_contain_text("画面")  # 経路 web, named in the reader's language
