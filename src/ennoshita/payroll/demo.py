"""Demo payroll for the demo company's employees (those 人事 registered): a pay setup for each, then every month whose
attendance 人事 closed, from the one paid in April of the latest 算定 year (the pay of April, May and June is what
the 算定基礎届 averages) to the latest, computed by 人事 and approved by 経理 (fixed and posted to the ledger, whose
demo locks its months only after this), and a 賞与 computed and checked, waiting for 経理's approval, so that the
payroll screens, the 算定基礎届 and every employee's 給与明細 show living figures. Does nothing when there are no
employees."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select

from ennoshita.actor import Actor
from ennoshita.dates import HolidayShift, shift_to_business_day, today_tokyo
from ennoshita.db import Database
from ennoshita.errors import DomainError
from ennoshita.hr.models import Assignment, Employee, Timesheet
from ennoshita.identity import services as identity
from ennoshita.payroll import declarations, services, unions
from ennoshita.payroll import remittances as payroll_remittances
from ennoshita.payroll.models import PayProfile, PayRun

BASE = {"regular": 280_000, "contract": 250_000, "officer": 600_000}
HOURLY = 1_250


def profile_for(number: int, employment_type: str, monthly_wage: int) -> dict[str, object]:
    if employment_type == "part_time":
        return {"pay_type": "hourly", "base_amount": HOURLY, "has_declaration": number % 2 == 0,
                "health_member": False, "pension_member": False, "employment_insured": number % 2 == 0,
                "standard_remuneration": 0}
    base = monthly_wage or BASE.get(employment_type, 280_000) + (number % 7) * 10_000
    allowances = [{"name": "役職手当", "amount": 30_000, "taxable": True, "social": True, "overtime_base": True}] \
        if employment_type == "officer" or number % 5 == 0 else []
    # every sixth employee drives in (片道 12 km: non-taxable up to 7,300, the rest of 12,000 is taxable)
    car = number % 6 == 5
    commute = {"commute_allowance": 12_000, "commute_means": "vehicle", "commute_distance": "12"} if car else {
        "commute_allowance": 10_000 + (number % 4) * 2_500}
    return {"pay_type": "monthly", "base_amount": base, "has_declaration": True, "dependents": number % 3,
            **commute, "allowances": allowances,
            "standard_remuneration": base + sum(int(str(a["amount"])) for a in allowances) + 12_000,
            "employment_insured": employment_type != "officer"}


def load(db: Database, admin: Actor) -> None:
    with db.uow() as uow:
        s = uow.session
        people = s.execute(select(Employee.id, Employee.monthly_wage, Employee.name_kana)
                           .order_by(Employee.id)).all()
        types = {a.employee_id: a.employment_type for a in s.scalars(select(Assignment))}
        latest = s.scalar(select(func.max(Timesheet.month)).where(Timesheet.status == "closed"))
    if not people:
        return
    hr = _actor(db, "jinji@demo.ennoshita.jp") or admin
    approver = _actor(db, "keiri@demo.ennoshita.jp") or admin
    for i, (employee_id, wage, kana) in enumerate(people):
        values = profile_for(i, types.get(employee_id, "regular"), int(wage or 0))
        # an account for the employees without a login (人事 keeps the others' on their login)
        values.update({"bank_code": "0005", "branch_code": f"{100 + i % 50:03d}", "account_type": "ordinary",
                       "account_number": f"{1_000_000 + employee_id:07d}", "holder_kana": kana or "ｼﾞｭｳｷﾞｮｳｲﾝ",
                       "resident_tax_mode": "none"})
        if i < 6 and i % 2 == 0 and values.get("pay_type") == "monthly":
            values.update(_resident(i))
        try:
            services.save_profile(db.uow(), hr, employee_id, values)
        except DomainError:
            continue
    _declarations(db, hr, people, types)
    _union(db, hr)
    if latest is None:
        return
    # every closed month from the one paid in April of the latest 算定 year fixed and paid (so the 算定基礎届 has its
    # April-June pay, every employee payslips and the ledger its entries), with a raise from the latest month but
    # two for one employee (a 月額変更届 candidate), and a 賞与 on the 10th of the next month computed and checked by
    # 人事, waiting for 経理's approval
    _raise(db, hr, people, types, _months_before(latest, 2))
    for month in _paid_months(db, latest):
        try:
            run = services.create_run(db.uow(), hr, kind="monthly", year=month.year, month=month.month)
            services.compute_run(db.uow(), hr, run.id)
            services.check_run(db.uow(), hr, run.id)
            services.approve_run(db.uow(), approver, run.id)
        except DomainError:
            continue  # some employee not ready (no account, attendance open): the run stays for 人事 to finish
    _pay(db, _actor(db, "suitou@demo.ennoshita.jp") or approver)
    _bonus(db, hr, latest)


def _pay(db: Database, cashier: Actor) -> None:
    """出納 marks every fixed run paid on its pay date up to the demo's today (未払金 / 普通預金) and each month's
    源泉所得税, 住民税 and 社会保険料 (健康保険・厚生年金) 納付済 on its 納期限, and each 労働保険年度's 労働保険料
    (雇用保険分) on its 10 July (the latest month's are still open, as in real life, and so is the 雇用保険料 of the
    労働保険年度 under way: it waits in 預り金 and 未払費用 for the 年度更新)."""
    from ennoshita.ledger.demo import demo_today

    today = demo_today()
    with db.uow() as uow:
        runs = uow.session.execute(select(PayRun.id, PayRun.pay_date).where(
            PayRun.status == "fixed", PayRun.paid_date.is_(None), PayRun.pay_date <= today)
            .order_by(PayRun.pay_date, PayRun.id)).all()
    years = sorted({day.year for _id, day in runs})
    for run_id, _day in runs:
        try:
            services.mark_run_paid(db.uow(), cashier, run_id)
        except DomainError:
            continue
    done: set[tuple[str, str]] = set()  # a 労働保険年度 is listed in both calendar years it spans
    for year in years:
        for r in payroll_remittances.remittances(db.uow(), cashier, year):
            if r.paid_date is None and r.due <= today and (r.month, r.kind) not in done:
                done.add((r.month, r.kind))
                try:
                    payroll_remittances.pay_remittance(db.uow(), cashier, r.month, r.kind)
                except DomainError:
                    continue


def _actor(db: Database, email: str) -> Actor | None:
    try:
        return identity.actor_by_email(db.uow(), email, "web")
    except DomainError:
        return None


def _months_before(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 - n
    return dt.date(index // 12, index % 12 + 1, 1)


def _paid_months(db: Database, latest: dt.date) -> list[dt.date]:
    """The pay periods (first days) to run, oldest first: from the one paid in April of the latest year whose June
    pay falls on or before the latest period's pay date, through ``latest`` (at least the latest three)."""
    with db.uow() as uow:
        settings = services.settings_in(uow.session)

        def paid(month: dt.date) -> dt.date:
            return services.pay_period(settings, month.year, month.month)[2]

        last_pay = paid(latest)
        year = last_pay.year if last_pay >= dt.date(last_pay.year, 6, 1) else last_pay.year - 1
        first = _months_before(latest, 2)
        while paid(_months_before(first, 1)) >= dt.date(year, 4, 1):
            first = _months_before(first, 1)
    months = [first]
    while months[-1] < latest:
        months.append(_months_before(months[-1], -1))
    return months


RAISE = 60_000  # 昇給: 基本給 +60,000 (3 grades or so at this level: a 月額変更届 candidate)


def _raise(db: Database, hr: Actor, people: Sequence[Any], types: dict[int, str], month: dt.date) -> None:
    """The first regular employee hired before ``month`` gets a raise from the period that starts then."""
    with db.uow() as uow:
        s = uow.session
        hired = {e.id: e.hire_date for e in s.scalars(select(Employee))}
        profiles = {p.employee_id: p.base_amount for p in s.scalars(select(PayProfile))}
    for employee_id, _wage, _kana in people:
        if types.get(employee_id) == "regular" and hired.get(employee_id, month) < month and employee_id in profiles:
            try:
                services.save_profile(db.uow(), hr, employee_id, {"base_amount": profiles[employee_id] + RAISE},
                                      effective_from=month)  # 月末締め: the period starts on the 1st
            except DomainError:
                continue
            return


def _declarations(db: Database, hr: Actor, people: Sequence[Any], types: dict[int, str]) -> None:
    """扶養控除等申告書 of the first monthly-paid employees, matching the 扶養親族等の数 of their setup: a spouse for
    one, a spouse and a 17-year-old child for two, and a 10-year-old child (not counted, under 16) for none."""
    year = today_tokyo().year
    surnames = ("佐々木", "山口", "松田", "井上", "木下", "清水")
    for i, (employee_id, _wage, _kana) in enumerate(people[:6]):
        if types.get(employee_id, "regular") == "part_time":
            continue
        family = surnames[i % len(surnames)]
        spouse = {"name": f"{family} 由美", "birth_date": f"{year - 38}-05-12", "income": 0, "disability": ""}
        teen = {"name": f"{family} 翔太", "relation": "長男", "birth_date": f"{year - 17}-08-03", "income": 0,
                "disability": "", "lives_with": True, "parent": False}
        child = {"name": f"{family} 結衣", "relation": "長女", "birth_date": f"{year - 10}-02-20", "income": 0,
                 "disability": "", "lives_with": True, "parent": False}
        choices: dict[int, dict[str, Any]] = {0: {"dependants": [child]}, 1: {"spouse": spouse},
                                              2: {"spouse": spouse, "dependants": [teen, child]}}
        data = choices[i % 3]
        try:
            declarations.save(db.uow(), hr, employee_id, True, data)
        except DomainError:
            continue


def _union(db: Database, hr: Actor) -> None:
    """A 健康保険組合 example with its rates (for the screen; no demo employee belongs to it)."""
    try:
        union = unions.create_union(db.uow(), hr, "関東精密機械健康保険組合", "06130012")
        unions.add_rate(db.uow(), hr, union.id, dt.date(2025, 4, 1), {
            "health_rate": "9.2", "health_employee_rate": "4.2", "care_rate": "1.8", "care_employee_rate": "0.9"})
        unions.add_rate(db.uow(), hr, union.id, dt.date(2026, 4, 1), {
            "health_rate": "9.5", "health_employee_rate": "4.35", "care_rate": "1.9", "care_employee_rate": "0.95"})
    except DomainError:
        return


def _bonus(db: Database, hr: Actor, latest: dt.date) -> None:
    """A 賞与 of one month's 基本給 for every monthly-paid employee, paid on the 10th of the month after ``latest``
    (the business day before when it is a holiday), computed and checked, waiting for approval."""
    pay_month = _months_before(latest, -1)
    pay = shift_to_business_day(pay_month.replace(day=10), HolidayShift.PREVIOUS)
    with db.uow() as uow:
        rows = uow.session.execute(select(PayProfile.employee_id, PayProfile.base_amount)
                                   .join(Employee, Employee.id == PayProfile.employee_id)
                                   .where(PayProfile.pay_type == "monthly", PayProfile.base_amount > 0,
                                          Employee.hire_date <= latest,
                                          (Employee.leave_date.is_(None)) | (Employee.leave_date >= pay))).all()
        amounts = {int(e): int(b) for e, b in rows}
    if not amounts:
        return
    try:
        run = services.create_run(db.uow(), hr, kind="bonus", year=pay.year, month=pay.month, pay_date=pay,
                                  bonus_amounts=amounts)  # named at display time: 冬季賞与 in December
        services.compute_run(db.uow(), hr, run.id)
        services.check_run(db.uow(), hr, run.id)
    except DomainError:
        return


MUNICIPALITIES = ("東京都千代田区", "横浜市", "川崎市")


def _resident(i: int) -> dict[str, object]:
    """住民税 特別徴収 for the demo: the 税額通知書's monthly amounts (June a little higher) for the months around
    today, paid over to the employee's municipality."""
    year = today_tokyo().year
    base = 9_800 + i * 1_700
    amounts = {f"{y}-{m:02d}": base + (400 if m == 6 else 0) for y in (year - 1, year, year + 1) for m in range(1, 13)}
    return {"resident_tax_mode": "special", "resident_tax": amounts,
            "resident_municipality": MUNICIPALITIES[(i // 2) % len(MUNICIPALITIES)]}
