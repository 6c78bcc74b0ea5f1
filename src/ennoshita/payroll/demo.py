"""Demo payroll for the demo company's employees (those 人事 registered): a pay setup for each, then the latest
month but two whose attendance 人事 closed is computed by 人事 and approved by 経理 (fixed and posted), and the latest
closed month is computed and checked, waiting for 経理's approval, so that the payroll screens and every employee's
給与明細 show living figures. Does nothing when there are no employees."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from ennoshita.actor import Actor
from ennoshita.db import Database
from ennoshita.errors import DomainError
from ennoshita.hr.models import Assignment, Employee, Timesheet
from ennoshita.identity import services as identity
from ennoshita.payroll import services

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
        try:
            services.save_profile(db.uow(), hr, employee_id, values)
        except DomainError:
            continue
    if latest is None:
        return
    # September fixed and paid (so every employee has a payslip and the ledger its entry), and the latest closed
    # month computed and checked by 人事, waiting for 経理's approval
    earlier = dt.date(latest.year - (1 if latest.month <= 2 else 0), (latest.month - 3) % 12 + 1, 1)
    for month, approve in ((earlier, True), (latest, False)):
        try:
            run = services.create_run(db.uow(), hr, kind="monthly", year=month.year, month=month.month)
            services.compute_run(db.uow(), hr, run.id)
            services.check_run(db.uow(), hr, run.id)
            if approve:
                services.approve_run(db.uow(), approver, run.id)
        except DomainError:
            continue  # some employee not ready (no account, attendance open): the run stays for 人事 to finish


def _actor(db: Database, email: str) -> Actor | None:
    try:
        return identity.actor_by_email(db.uow(), email, "web")
    except DomainError:
        return None
