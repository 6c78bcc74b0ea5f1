"""勤怠・休暇 in the browser: an employee (伊藤, 営業部) clocks in and out on a phone-sized screen and asks for a
day of 年休; the head of 営業部 (鈴木) approves it in 承認待ち; the employee's balance drops by one day."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import Browser, Page, expect

from ennoshita.dates import is_holiday, today_tokyo

EMPLOYEE = "eigyo@demo.ennoshita.jp"
HEAD = "jimu@demo.ennoshita.jp"


def open_as(browser: Browser, base: str, email: str, width: int = 1280) -> Page:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="ja-JP")
    page = context.new_page()
    page.goto(base + "/login")
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("パスワード").fill("ennoshita-demo")
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    return page


def _next_workday() -> dt.date:
    day = today_tokyo() + dt.timedelta(days=14)
    while day.isoweekday() > 5 or is_holiday(day):
        day += dt.timedelta(days=1)
    return day


def _days(page: Page) -> float:
    text = page.get_by_test_id("leave-balance").inner_text()
    found = re.search(r"([\d.]+)", text)
    assert found, text
    return float(found.group(1))


def test_clock_in_out_request_leave_and_the_head_approves(browser: Browser, live_server: str) -> None:
    me = open_as(browser, live_server, EMPLOYEE, width=390)
    me.goto(live_server + "/hr/me")
    expect(me.get_by_role("heading", level=1)).to_have_text("勤怠・休暇")
    me.get_by_test_id("clock-in").click()
    expect(me).to_have_url(re.compile("done=clock_in"))
    expect(me.get_by_role("status")).to_have_text("出勤を打刻しました。")
    expect(me.get_by_test_id("today-in")).not_to_have_text("—")
    me.get_by_test_id("clock-out").click()
    expect(me).to_have_url(re.compile("done=clock_out"))
    expect(me.get_by_role("status")).to_have_text("退勤を打刻しました。")
    expect(me.get_by_test_id("today-out")).not_to_have_text("—")
    before = _days(me)

    day = _next_workday()
    me.get_by_label("取得日").fill(day.isoformat())
    me.get_by_label("理由").first.fill("私用")
    me.get_by_test_id("leave-submit").click()
    expect(me.get_by_role("status")).to_have_text("年休を申請しました。承認をお待ちください。")
    expect(me.get_by_test_id("my-leave")).to_contain_text("承認待ち")
    assert _days(me) == before  # waiting: not off the balance yet

    head = open_as(browser, live_server, HEAD)
    head.goto(live_server + "/approvals")
    shown = f"{day.year}年{day.month}月{day.day}日"  # the request's title, written as the Japanese screens write dates
    item = head.get_by_test_id("queue-item").filter(has_text="伊藤 翔").filter(has_text=shown)
    expect(item).to_contain_text("年次有給休暇")
    item.get_by_test_id("approve").click()
    expect(head.get_by_test_id("queue-item").filter(has_text=shown)).to_have_count(0)

    me.goto(live_server + "/hr/me")
    expect(me.get_by_test_id("my-leave")).to_contain_text("承認済")
    assert _days(me) == before - 1
