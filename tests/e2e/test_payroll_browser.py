"""給与 in the browser: 人事 creates and computes October's run and marks it checked; 経理 (a second person)
approves it; an employee sees their own 給与明細 and is refused another employee's.

Two employees are linked to the demo users 伊藤 (営業) and 鈴木 (営業管理) in the live server's database first
(reusing the 人事 register's employee when the demo already has one for that user), with October closed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from ennoshita.actor import Actor
from ennoshita.dates import now_utc
from ennoshita.db import Database
from ennoshita.expenses.models import EmployeeBankAccount
from ennoshita.hr.models import Assignment, Employee, Timesheet
from ennoshita.identity.services import find_user_id
from ennoshita.payroll import services

HR = "jinji@demo.ennoshita.jp"
APPROVER = "keiri@demo.ennoshita.jp"
EMPLOYEE = "eigyo@demo.ennoshita.jp"
OTHER = "jimu@demo.ennoshita.jp"
SCREENSHOT = "/tmp/payroll_run.png"
SLIP_SCREENSHOT = "/tmp/payroll_slip.png"
OCTOBER = dt.date(2026, 10, 1)


def _seed(url: str) -> None:
    db = Database(url)
    try:
        for number, email, base in (("E9001", EMPLOYEE, 280_000), ("E9002", OTHER, 300_000)):
            uid = find_user_id(db.uow(), email)
            with db.uow() as uow:
                s = uow.session
                employee_id = s.scalar(select(Employee.id).where(Employee.user_id == uid))
                now = now_utc()
                if employee_id is None:
                    e = Employee(employee_number=number, name=email.split("@")[0], name_kana="ﾃｽﾄ",
                                 birth_date=dt.date(1990, 1, 1), hire_date=dt.date(2020, 4, 1), user_id=uid,
                                 created_at=now, updated_at=now)
                    s.add(e)
                    s.flush()
                    employee_id = e.id
                    s.add(Assignment(employee_id=e.id, effective_from=dt.date(2020, 4, 1), department="営業部",
                                     employment_type="regular", weekly_days=5, weekly_minutes=2400,
                                     daily_minutes=480, created_at=now))
                if s.get(EmployeeBankAccount, uid) is None:
                    s.add(EmployeeBankAccount(user_id=uid, bank_code="0005", branch_code="123",
                                              account_type="ordinary", account_number=f"{uid:07d}",
                                              holder_kana="ﾃｽﾄ", updated_at=now))
                sheet = s.scalar(select(Timesheet).where(Timesheet.employee_id == employee_id,
                                                         Timesheet.month == OCTOBER))
                if sheet is None:
                    s.add(Timesheet(employee_id=employee_id, month=OCTOBER, status="closed", scheduled_days=21,
                                    worked_days=21, absence_days=0, leave_days=Decimal(0), leave_hours=0,
                                    scheduled_minutes=10_080, actual_minutes=10_080, overtime_minutes=0,
                                    overtime_over60_minutes=0, legal_holiday_minutes=0, night_minutes=0,
                                    closed_at=now))
                else:
                    sheet.status = "closed"
                uow.commit()
            services.save_profile(db.uow(), Actor.system(), employee_id, {
                "pay_type": "monthly", "base_amount": base, "has_declaration": True, "dependents": 1,
                "standard_remuneration": base})
        # every other employee of the demo register leaves October open: take them out of this run's scope
        with db.uow() as uow:
            s = uow.session
            keep = {find_user_id(db.uow(), EMPLOYEE), find_user_id(db.uow(), OTHER)}
            for e in s.scalars(select(Employee).where(Employee.user_id.not_in(keep) | Employee.user_id.is_(None))):
                if e.leave_date is None or e.leave_date >= OCTOBER:
                    e.leave_date = dt.date(2026, 9, 30)
            uow.commit()
    finally:
        db.dispose()


def log_in(page: Page, base: str, email: str) -> None:
    page.context.clear_cookies()
    page.goto(base + "/login")
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("パスワード").fill("ennoshita-demo")
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_hr_computes_accounting_approves_employee_sees_only_own(live_server: str, browser: Browser,
                                                                 tmp_path_factory: pytest.TempPathFactory) -> None:
    found = sorted(tmp_path_factory.getbasetemp().rglob("e2e.db"))
    assert found
    _seed(f"sqlite:///{found[-1]}")
    page = browser.new_page(locale="ja-JP", viewport={"width": 1280, "height": 900})

    log_in(page, live_server, HR)
    page.goto(live_server + "/payroll")
    page.get_by_label("対象月（締め月）").fill("2026-10")
    page.get_by_role("button", name="給与計算を作成").click()
    expect(page.get_by_test_id("run-status")).to_have_text("下書き")
    page.get_by_test_id("compute").click()
    expect(page.get_by_test_id("run-status")).to_have_text("計算済")
    expect(page.get_by_test_id("slips-table").locator("tbody tr")).to_have_count(2)
    page.get_by_test_id("check").click()
    expect(page.get_by_test_id("run-status")).to_have_text("確認済")
    expect(page.get_by_test_id("approve")).to_have_count(0)  # 人事 cannot approve
    run_url = page.url.split("?")[0]

    log_in(page, live_server, APPROVER)
    page.goto(run_url)
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("run-status")).to_have_text("確定")
    page.screenshot(path=SCREENSHOT, full_page=True)
    links = page.get_by_test_id("slips-table").locator('a[href^="/payroll/slips/"]')
    hrefs = {links.nth(i).get_attribute("href") for i in range(links.count())}

    log_in(page, live_server, EMPLOYEE)
    page.goto(live_server + "/payroll/me")
    # October's slip of this run (paid 25 November); the demo may have paid the employee for October and other
    # months too, so the row is the one whose link is among this run's slips
    expect(page.get_by_test_id("my-slips")).to_be_visible()
    links = page.get_by_test_id("my-slips").locator('a[href^="/payroll/slips/"]:not([href$="/pdf"])')
    mine = {links.nth(i).get_attribute("href") for i in range(links.count())} & hrefs
    assert len(mine) == 1
    own = mine.pop()
    page.get_by_test_id("my-slips").locator(f'a[href="{own}"]').first.click()
    expect(page.get_by_test_id("slip-net")).to_be_visible()
    page.screenshot(path=SLIP_SCREENSHOT, full_page=True)
    others = hrefs - {own}
    assert len(others) == 1
    response = page.goto(live_server + others.pop())
    assert response is not None and response.status == 403
