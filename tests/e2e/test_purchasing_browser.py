"""A purchasing user (購買部) enters a 発注書 of ¥80,000 and submits it (申請); the head of 購買部 finds it in
承認待ち and approves it there; the order shows 承認済. The department head is set in the live server's
database first (the demo may not name one)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from ennoshita.actor import Actor
from ennoshita.approvals.services import set_department_head
from ennoshita.db import Database
from ennoshita.identity.services import find_user_id

PURCHASING = "kobai@demo.ennoshita.jp"
APPROVER = "admin@demo.ennoshita.jp"
PO_SCREENSHOT = "/tmp/purchasing_po.png"
QUEUE_SCREENSHOT = "/tmp/approvals_queue.png"


def _head(db_url: str) -> None:
    db = Database(db_url)
    try:
        set_department_head(db.uow(), Actor.system(), "購買部", find_user_id(db.uow(), APPROVER))
    finally:
        db.dispose()


def log_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("パスワード").fill("ennoshita-demo")
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_purchasing_user_submits_and_the_approver_approves_from_the_queue(live_server: str, browser: Browser,
                                                                           tmp_path_factory: pytest.TempPathFactory
                                                                           ) -> None:
    page = browser.new_page(locale="ja-JP", viewport={"width": 1280, "height": 900})
    log_in(page, live_server, APPROVER)
    # the live server's database: its file is the only e2e.db under the pytest temp root
    found = sorted(tmp_path_factory.getbasetemp().rglob("e2e.db"))
    assert found
    _head(f"sqlite:///{found[-1]}")
    page.context.clear_cookies()

    log_in(page, live_server, PURCHASING)
    page.goto(live_server + "/purchasing/orders/new")
    page.get_by_label("仕入先").select_option(index=1)
    page.get_by_label("納入場所").fill("本社倉庫")
    page.get_by_label("件名").fill("事務用品（E2E）")
    page.get_by_label("部門").fill("購買部")
    page.get_by_label("品名・摘要 1").fill("コピー用紙 A4")
    page.get_by_label("数量 1").fill("40")
    page.get_by_label("単価 1").fill("2000")
    page.get_by_label("税率 1").select_option("0")
    page.get_by_role("button", name="登録", exact=True).click()
    expect(page.get_by_test_id("gross")).to_have_text("¥80,000")
    number = page.get_by_test_id("doc-number").inner_text()
    page.get_by_test_id("submit").click()
    expect(page.locator('[data-status="pending_approval"]')).to_be_visible()
    page.context.clear_cookies()

    log_in(page, live_server, APPROVER)
    page.goto(live_server + "/approvals")
    item = page.locator(f'[data-testid="queue-item"][data-number="{number}"]')
    expect(item).to_be_visible()
    item.get_by_label("コメント").fill("予算内のため承認します。")
    page.screenshot(path=QUEUE_SCREENSHOT, full_page=True)
    item.get_by_test_id("approve").click()
    expect(page.get_by_role("status")).to_contain_text("承認しました")
    expect(page.locator(f'[data-testid="queue-item"][data-number="{number}"]')).to_have_count(0)

    page.goto(page.url.split("/approvals")[0] + "/purchasing/orders?status=approved")
    page.get_by_role("link", name=number).click()
    expect(page.locator('h1 [data-status="approved"]')).to_be_visible()
    expect(page.get_by_test_id("approval-panel")).to_contain_text("予算内のため承認します。")
    page.screenshot(path=PO_SCREENSHOT, full_page=True)
