"""Under the Content-Security-Policy (no inline script) the form behaviour still works in a real browser: the
line grid's 行を追加 adds a numbered row, a data-confirm form asks before it posts, and no CSP violation is
reported (issue 14 item 19)."""

from __future__ import annotations

from playwright.sync_api import ConsoleMessage, Dialog, Page, expect

from tests.e2e.test_sales_browser import log_in


def test_forms_work_without_inline_script(page: Page, live_server: str) -> None:
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if isinstance(m, ConsoleMessage)
            and "Content Security Policy" in m.text else None)
    log_in(page, live_server)
    page.goto(live_server + "/sales/quotes/new")
    rows = page.locator("#grid-body tr")
    before = rows.count()
    page.locator("#add-row").click()
    expect(rows).to_have_count(before + 1)
    assert rows.nth(before).locator("td").first.inner_text().strip() == str(before + 1)
    assert rows.nth(before).locator("input").first.get_attribute("name").startswith(f"lines[{before}]")

    asked: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.goto(live_server + "/sales/billing")
    run = page.locator("button[data-confirm]").first
    if run.count():
        run.click()
        assert asked, "the confirmation was not asked"
        assert "/sales/billing" in page.url
    assert not violations, violations
