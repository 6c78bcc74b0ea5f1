"""An accountant enters a 3-line entry from the keyboard, posts it, and finds it in 総勘定元帳.

Everything on the entry screen is typed, as on 弥生/freee grids: the date field has the focus when the page
opens, Enter moves to the next cell, Enter on a line's last cell goes to the next line, an account is
typed by its code, "=" in an empty amount cell enters the difference, and Ctrl+Enter posts (登録して計上).
The demo company keeps its books 税抜経理, so the two expense lines (tax-inclusive, 課税仕入10% by the
accounts' defaults) are booked net, with their tax in 仮払消費税.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

ACCOUNTING = "keiri@demo.ennoshita.jp"
DAY = "2026-11-16"  # fiscal year 2026 of the demo company, in a month that is not locked
DESCRIPTION = "大阪出張 新幹線・打合せ（E2E）"
SCREENSHOT = "/tmp/ledger_entry.png"


def log_in(page: Page, base: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("メールアドレス").fill(ACCOUNTING)
    page.get_by_label("パスワード").fill("ennoshita-demo")
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def enter(page: Page, times: int = 1) -> None:
    for _ in range(times):
        page.keyboard.press("Enter")


def cell(page: Page, name: str, line: int) -> str:
    return f"[name='lines[{line - 1}].{name}']"


def open_general_ledger(page: Page, account: str) -> None:
    page.get_by_role("link", name="総勘定元帳").click()
    page.get_by_test_id("gl-account").select_option(account)
    page.locator("#f-from").fill("2026-11-01")
    page.locator("#f-to").fill("2026-11-30")
    page.get_by_role("button", name="表示").click()


def test_a_three_line_entry_typed_from_the_keyboard_is_posted_and_found_in_the_general_ledger(
        page: Page, live_server: str) -> None:
    log_in(page, live_server)
    page.get_by_role("link", name="仕訳入力").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("仕訳入力")
    date = page.locator("#f-entry_date")
    expect(date).to_be_focused()

    # Header: the date is selected on load, so typing replaces it.
    page.keyboard.type(DAY)
    enter(page)
    expect(page.locator("#f-description")).to_be_focused()
    page.keyboard.type(DESCRIPTION)
    enter(page)
    page.keyboard.type("JR東海")
    enter(page)
    expect(page.locator(cell(page, "account", 1))).to_be_focused()

    # Line 1: 旅費交通費 33,000 (debit). Enter through 補助科目 to 借方, then past 貸方, 税区分, 部門 and 摘要.
    page.keyboard.type("6250")
    enter(page)
    expect(page.locator(cell(page, "account", 1))).to_have_value("6250 旅費交通費")
    expect(page.locator(cell(page, "tax_category", 1))).to_have_value("purchase_10")  # the account's default
    expect(page.locator(cell(page, "sub_account", 1))).to_be_focused()
    enter(page)
    page.keyboard.type("33000")
    enter(page)
    expect(page.locator(cell(page, "debit", 1))).to_have_value("33,000")
    expect(page.locator(cell(page, "credit", 1))).to_be_focused()
    enter(page, 3)
    expect(page.locator(cell(page, "memo", 1))).to_be_focused()
    page.keyboard.type("新幹線 東京⇔新大阪")
    enter(page)

    # Line 2: 会議費 5,500 (debit).
    expect(page.locator(cell(page, "account", 2))).to_be_focused()
    page.keyboard.type("6240")
    enter(page, 2)
    page.keyboard.type("5500")
    enter(page, 5)

    # Line 3: 普通預金／MUFG, credit: "=" enters the difference, 38,500.
    expect(page.locator(cell(page, "account", 3))).to_be_focused()
    page.keyboard.type("1140")
    enter(page)
    page.keyboard.type("MUFG")
    enter(page, 2)
    expect(page.locator(cell(page, "sub_account", 3))).to_have_value("MUFG 三菱UFJ銀行 新宿支店")
    expect(page.locator(cell(page, "credit", 3))).to_be_focused()
    page.keyboard.type("=")
    expect(page.locator(cell(page, "credit", 3))).to_have_value("38,500")
    expect(page.locator(cell(page, "tax_category", 3))).to_have_value("")

    expect(page.locator(cell(page, "account", 2))).to_have_value("6240 会議費")
    expect(page.get_by_test_id("debit-total")).to_have_text("¥38,500")
    expect(page.get_by_test_id("credit-total")).to_have_text("¥38,500")
    expect(page.get_by_test_id("difference")).to_have_text("¥0")
    expect(page.get_by_test_id("balance-state")).to_have_text("貸借一致")
    expect(date).to_have_value(DAY)
    page.screenshot(path=SCREENSHOT, full_page=True)

    # Ctrl+Enter: 登録して計上. The screen comes back empty for the next entry and names the one posted.
    page.keyboard.press("Control+Enter")
    posted = page.get_by_test_id("posted")
    expect(posted).to_contain_text("を計上しました")
    match = re.search(r"JE-2026-\d{6}", posted.inner_text())
    assert match, posted.inner_text()
    entry_no = match.group(0)

    # 総勘定元帳 of 普通預金 for November 2026: the entry's line, 諸口 against two expenses, 38,500 credit.
    open_general_ledger(page, "1140")
    row = page.get_by_test_id("gl-table").locator("tbody tr", has_text=DESCRIPTION)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(entry_no)
    expect(row).to_contain_text("2026年11月16日")
    expect(row).to_contain_text("諸口")
    expect(row).to_contain_text("三菱UFJ銀行 新宿支店")
    expect(row.locator("td").nth(6)).to_have_text("¥38,500")  # 貸方

    # 旅費交通費: booked net under 税抜経理 (33,000 incl. 10% = 30,000 + 3,000 仮払消費税), with the line's memo.
    open_general_ledger(page, "6250")
    row = page.get_by_test_id("gl-table").locator("tbody tr", has_text=DESCRIPTION)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(entry_no)
    expect(row).to_contain_text("新幹線 東京⇔新大阪")
    expect(row.locator("td").nth(5)).to_have_text("¥30,000")  # 借方
    open_general_ledger(page, "1460")
    rows = page.get_by_test_id("gl-table").locator("tbody tr", has_text=entry_no)
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("td").nth(5)).to_have_text("¥3,000")
    expect(rows.nth(1).locator("td").nth(5)).to_have_text("¥500")

    # The entry number links to the entry, which shows the five booked lines.
    page.get_by_role("link", name=entry_no).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(entry_no)


def test_enter_adds_a_line_at_the_end_and_ime_confirmation_stays_in_the_cell(page: Page, live_server: str) -> None:
    log_in(page, live_server)
    page.goto(live_server + "/ledger/input")
    lines = page.locator("#entry-lines tr.line")
    expect(lines).to_have_count(4)

    # The Enter that confirms an IME conversion (変換確定) is the browser's, not a move to the next cell.
    memo = page.locator(cell(page, "memo", 1))
    memo.focus()
    page.keyboard.type("しゅっちょう")
    memo.dispatch_event("keydown", {"key": "Enter", "isComposing": True, "bubbles": True, "cancelable": True})
    expect(memo).to_be_focused()
    enter(page)
    expect(page.locator(cell(page, "account", 2))).to_be_focused()

    # Enter on the last cell of the last line adds a line and goes to its account cell.
    page.locator(cell(page, "memo", 4)).focus()
    enter(page)
    expect(lines).to_have_count(5)
    expect(lines.nth(4).locator("td.no")).to_have_text("5")
    expect(page.locator(cell(page, "account", 5))).to_be_focused()
    page.keyboard.type("ゲンキン")  # by カナ
    enter(page)
    expect(page.locator(cell(page, "account", 5))).to_have_value("1110 現金")


# ledger.error.negative_amount: the reason the server gives
NEGATIVE = "金額にマイナスは使えません（反対側に入力してください）。"


def test_negative_amounts_are_marked_beside_their_cells_and_never_look_balanced(page: Page, live_server: str) -> None:
    """仕訳入力: 10,000 on each side plus -3,000 on each side (one typed "△3000", the way Japanese books write a
    minus) showed 差額 ¥0 and 貸借一致, or read △3000 as nothing, while the server refuses a negative amount beside
    its line. The totals are now the real sums (7,000 = 10,000 - 3,000 on each side) and each negative amount is
    marked beside its cell with the server's own reason, which the server then repeats beside the same cells."""
    log_in(page, live_server)
    page.goto(live_server + "/ledger/input")
    page.locator("#f-entry_date").fill(DAY)
    page.locator("#f-description").fill("マイナス金額の確認（E2E）")
    page.get_by_role("button", name="行を追加").click()
    page.get_by_role("button", name="行を追加").click()
    for line, account, side, amount in ((1, "6250", "debit", "10000"), (2, "1110", "credit", "10000"),
                                        (3, "6240", "debit", "-3000"), (4, "1110", "credit", "△3000")):
        page.locator(cell(page, "account", line)).fill(account)
        page.locator(cell(page, side, line)).fill(amount)
        page.locator(cell(page, side, line)).press("Tab")
    expect(page.get_by_test_id("debit-total")).to_have_text("¥7,000")
    expect(page.get_by_test_id("credit-total")).to_have_text("¥7,000")
    expect(page.get_by_test_id("difference")).to_have_text("¥0")
    expect(page.get_by_test_id("balance-state")).not_to_have_text("貸借一致")
    expect(page.get_by_test_id("balance-state")).to_have_text(NEGATIVE)
    for name in ("lines[2].debit", "lines[3].credit"):
        expect(page.locator(f"[data-error-for='{name}']")).to_have_text(NEGATIVE)
    expect(page.locator(".cell-error")).to_have_count(2)

    page.locator(cell(page, "debit", 3)).fill("3000")  # corrected: its mark goes, the other stays
    page.locator(cell(page, "debit", 3)).press("Tab")
    expect(page.locator("[data-error-for='lines[2].debit']")).to_have_count(0)
    expect(page.get_by_test_id("debit-total")).to_have_text("¥13,000")
    expect(page.get_by_test_id("difference")).to_have_text("¥6,000")

    page.locator(cell(page, "debit", 3)).fill("-3000")
    page.locator("[data-role='post']").click()  # the server says the same, beside the same cells
    expect(page.locator("[data-error-for='lines[2].debit']")).to_have_text(NEGATIVE)
    expect(page.locator("[data-error-for='lines[3].credit']")).to_have_text(NEGATIVE)
    expect(page.locator(".cell-error")).to_have_count(2)
    expect(page.get_by_test_id("balance-state")).to_have_text(NEGATIVE)
