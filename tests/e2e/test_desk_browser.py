"""A requester files a 見積作成依頼, a sales admin takes it, creates the quote from it (and sends the quote, which
completes the request), and the requester sends thanks.

Each person works in their own browser context, as two people at two desks would.
"""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

REQUESTER = "eigyo@demo.ennoshita.jp"
SALES_ADMIN = "jimu@demo.ennoshita.jp"
TITLE = "青葉商事様 ベアリング見積（E2E）"


def open_as(browser: Browser, base: str, email: str) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
    page = context.new_page()
    page.goto(base + "/login")
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("パスワード").fill("ennoshita-demo")
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    return page


def test_a_quote_request_is_filed_taken_turned_into_a_quote_and_thanked(browser: Browser, live_server: str) -> None:
    # the requester files a 見積作成依頼
    eigyo = open_as(browser, live_server, REQUESTER)
    eigyo.locator("nav.sidebar").get_by_role("link", name="依頼する", exact=True).click()
    eigyo.get_by_test_id("type-cards").get_by_role("link", name=re.compile("見積作成依頼")).click()
    expect(eigyo.get_by_role("heading", level=1)).to_have_text("見積作成依頼")
    eigyo.get_by_label("件名").fill(TITLE)
    eigyo.locator('[name="fields.customer"]').fill("株式会社青葉商事")
    eigyo.get_by_label("品目 1", exact=True).fill("精密ベアリング 6204ZZ")
    eigyo.get_by_label("数量 1", exact=True).fill("200")
    eigyo.locator('[name="fields.due_date"]').fill("2026-12-01")
    eigyo.get_by_role("button", name="依頼する").click()
    number = eigyo.get_by_test_id("req-number").inner_text()
    assert re.fullmatch(r"REQ-\d{4}-\d{6}", number)
    request_url = eigyo.url

    # the sales admin finds it in the 営業事務 queue and takes it
    jimu = open_as(browser, live_server, SALES_ADMIN)
    jimu.locator("nav.sidebar").get_by_role("link", name="チームの受付一覧").click()
    jimu.get_by_test_id("desk-requests").get_by_role("link", name=re.compile(re.escape(number))).first.click()
    expect(jimu.get_by_test_id("req-number")).to_have_text(number)
    jimu.get_by_test_id("take").click()
    expect(jimu.get_by_test_id("assignee")).to_have_text("鈴木 一郎")

    # 見積書を作成: the quote form comes pre-filled from the request
    jimu.get_by_test_id("make-quote").click()
    expect(jimu.get_by_label("件名")).to_have_value(TITLE)
    expect(jimu.get_by_label("品名・摘要 1", exact=True)).to_have_value("精密ベアリング 6204ZZ")
    expect(jimu.get_by_label("数量 1", exact=True)).to_have_value("200")
    jimu.get_by_label("得意先").select_option(label="C0001 株式会社青葉商事")
    jimu.get_by_label("品目コード 1", exact=True).fill("P-1001")
    jimu.get_by_role("button", name="登録").click()
    expect(jimu.get_by_role("status")).to_have_text("登録しました。")
    jimu.get_by_role("button", name="送付済にする").click()

    # the request is linked to the quote and complete
    jimu.goto(request_url)
    expect(jimu.get_by_test_id("document-link")).to_have_text(re.compile(r"^Q-\d{4}-\d{6}$"))
    expect(jimu.locator("h1")).to_contain_text("完了")

    # the requester thanks the person who handled it
    eigyo.goto(request_url)
    form = eigyo.get_by_test_id("thanks-form")
    form.get_by_label("メッセージ").fill("急ぎの見積、助かりました！")
    form.get_by_role("button", name="ありがとうを送る").click()
    expect(eigyo.get_by_role("status")).to_be_visible()

    # and 鈴木 一郎 sees the thanks among what he received
    jimu.goto(live_server + "/desk/thanks")
    expect(jimu.get_by_test_id("thanks-received")).to_contain_text("急ぎの見積、助かりました！")
