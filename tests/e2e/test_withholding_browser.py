"""The administrator registers an individual 税理士 as a supplier subject to 源泉徴収, enters his ¥100,000 fee
(+ ¥10,000 消費税), and sees on the bill 源泉所得税 ¥100,000 × 10.21% = ¥10,210 and ¥99,790 to pay; the 支払調書
of the year lists him for submission."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.e2e.test_purchasing_browser import log_in

ADMIN = "admin@demo.ennoshita.jp"


def test_a_tax_accountants_fee_shows_its_withholding(live_server: str, browser: Browser) -> None:
    page = browser.new_page(locale="ja-JP", viewport={"width": 1280, "height": 900})
    log_in(page, live_server, ADMIN)
    page.goto(live_server + "/sales/partners/new")
    page.locator("#f-code").fill("S950")
    page.locator("#f-name").fill("青木 一郎 税理士事務所")
    page.locator("#f-name_kana").fill("ｱｵｷ ｲﾁﾛｳ")
    page.locator("input[name=is_supplier]").check()
    page.get_by_label("源泉徴収(個人への報酬)").select_option("professional")
    page.locator("form button[type=submit].btn-primary").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    page.goto(live_server + "/purchasing/bills/new")
    value = page.locator("select[name=supplier_id] option", has_text="青木").first.get_attribute("value")
    assert value
    page.locator("select[name=supplier_id]").select_option(value)
    page.locator("input[name=bill_number]").fill("A-2612")
    page.locator("input[name='lines[0].description']").fill("12月分 顧問料")
    page.locator("input[name='lines[0].unit_price']").fill("100000")
    page.locator("button[type=submit]").last.click()
    box = page.get_by_test_id("withholding")
    expect(box).to_contain_text("¥100,000 × 10.21%")
    expect(page.get_by_test_id("withholding-tax")).to_have_text("¥10,210")
    expect(page.get_by_test_id("withholding-net")).to_have_text("¥99,790")
    page.screenshot(path="/tmp/withholding_bill.png", full_page=True)

    page.goto(live_server + "/withholding/statements")
    expect(page.get_by_test_id("statements")).to_contain_text("青木 一郎 税理士事務所")
