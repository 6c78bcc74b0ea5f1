"""総務 registers a PC (¥330,000, 4 years, 定率法) and lends it to an employee; 法務 registers an auto-renewing
contract whose 更新拒絶期限 is within 60 days and finds it on the renewal dashboard."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import Browser, expect

from ennoshita.contracts.rules import notice_deadline
from tests.e2e.test_purchasing_browser import log_in

SOUMU = "soumu@demo.ennoshita.jp"
HOUMU = "houmu@demo.ennoshita.jp"


def test_general_affairs_registers_a_pc_and_lends_it(live_server: str, browser: Browser) -> None:
    page = browser.new_page(locale="ja-JP", viewport={"width": 1280, "height": 900})
    log_in(page, live_server, SOUMU)
    page.goto(live_server + "/assets/new")
    page.get_by_label("名称").fill("ノートPC ThinkPad E2E")
    page.get_by_label("種類（耐用年数表）").select_option("pc")
    page.get_by_label("取得価額").fill("330000")
    page.get_by_role("button", name="登録", exact=True).click()
    # 200% 定率法 4 years: year 1 = 330,000 × 0.500 × months/12; the book value is the cost until a run is posted
    expect(page.get_by_test_id("book-value")).to_have_text("¥330,000")
    expect(page.get_by_test_id("schedule")).to_contain_text("償却率 0.500")
    page.screenshot(path="/tmp/assets_detail.png", full_page=True)
    page.goto(live_server + "/assets/equipment")
    page.get_by_label("管理番号").fill("PC-E2E")
    page.locator("#f-name").fill("ThinkPad E2E")
    page.get_by_role("button", name="登録", exact=True).click()
    row = page.get_by_test_id("item-PC-E2E")
    row.get_by_label("社員（ユーザー）").select_option(label="伊藤 翔（営業部）")
    row.get_by_role("button", name="貸出").click()
    expect(page.get_by_test_id("item-PC-E2E")).to_contain_text("伊藤 翔")
    expect(page.get_by_test_id("item-PC-E2E")).to_contain_text("貸出中")
    page.screenshot(path="/tmp/assets_equipment.png", full_page=True)


def test_legal_registers_a_contract_and_sees_it_on_the_renewal_dashboard(live_server: str, browser: Browser) -> None:
    page = browser.new_page(locale="ja-JP", viewport={"width": 1280, "height": 900})
    log_in(page, live_server, HOUMU)
    today = dt.date.today()
    end = today + dt.timedelta(days=30 + 91)  # 3 months' notice → deadline about 30 days from today
    page.goto(live_server + "/contracts/new")
    page.get_by_label("件名").fill("保守サービス契約（E2E）")
    page.get_by_label("取引先").fill("株式会社テスト保守")
    page.get_by_label("種類").select_option("outsourcing")
    page.get_by_label("開始日").fill((end - dt.timedelta(days=364)).isoformat())
    page.get_by_label("終了日").fill(end.isoformat())
    page.get_by_label("自動更新").check()
    page.get_by_label("締結済として登録").check()
    page.get_by_role("button", name="登録", exact=True).click()
    expect(page.get_by_test_id("contract-status")).to_have_text("締結済")
    page.goto(live_server + "/contracts/renewals")
    table = page.get_by_test_id("renewals")
    expect(table).to_contain_text("保守サービス契約（E2E）")
    expect(table).to_contain_text(notice_deadline(end, 3).strftime("%Y"))
    page.screenshot(path="/tmp/contracts_renewals.png", full_page=True)
