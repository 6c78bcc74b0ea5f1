"""Read models for payroll: a run's slips, one payslip (for its employee or for 人事/経理), 賃金台帳 (労基法 108条:
per employee per calendar year, every fixed payment with its figures), and an employee's own payslips."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from ennoshita.actor import Actor
from ennoshita.db import UnitOfWork
from ennoshita.errors import Forbidden, NotFound
from ennoshita.hr.models import Employee
from ennoshita.identity.roles import can, require
from ennoshita.payroll.models import PayRun, Payslip


@dataclass(frozen=True)
class SlipView:
    id: int
    run_id: int
    run_number: str
    run_title: str
    kind: str
    status: str
    pay_date: dt.date
    period_start: dt.date
    period_end: dt.date
    employee_id: int
    employee_number: str
    name: str
    department: str
    tax_column: str
    dependents: int
    earnings: list[dict[str, Any]]
    deductions: list[dict[str, Any]]
    attendance: dict[str, Any]
    gross: int
    social_total: int
    income_tax: int
    resident_tax: int
    deduction_total: int
    net: int
    health_basis: int
    taxable_after_insurance: int


def _slip_view(p: Payslip, r: PayRun) -> SlipView:
    return SlipView(p.id, r.id, r.number, r.title, r.kind, r.status, r.pay_date, r.period_start, r.period_end,
                    p.employee_id, p.employee_number, p.name, p.department, p.tax_column, p.dependents,
                    list(p.earnings or []), list(p.deductions or []), dict(p.attendance or {}), p.gross,
                    p.social_total, p.income_tax, p.resident_tax, p.deduction_total, p.net, p.health_basis,
                    p.taxable_after_insurance)


def run_slips(uow: UnitOfWork, actor: Actor, run_id: int, *, limit: int = 100,
              offset: int = 0) -> tuple[list[SlipView], int]:
    require(actor, "payroll.view")
    from sqlalchemy import func

    with uow:
        s = uow.session
        run = s.get(PayRun, run_id)
        if run is None:
            raise NotFound("payroll.error.run", field="run_id", id=run_id)
        total = s.scalar(select(func.count()).select_from(Payslip).where(Payslip.run_id == run_id)) or 0
        rows = s.scalars(select(Payslip).where(Payslip.run_id == run_id).order_by(Payslip.employee_number)
                         .limit(limit).offset(offset))
        return [_slip_view(p, run) for p in rows], int(total)


def _own_employee_id(uow_session: Any, actor: Actor) -> int | None:
    if actor.user_id is None:
        return None
    return uow_session.scalar(select(Employee.id).where(Employee.user_id == actor.user_id))  # type: ignore[no-any-return]


def get_slip(uow: UnitOfWork, actor: Actor, slip_id: int) -> SlipView:
    """A payslip: its own employee sees it once the run is fixed; 人事/経理/監査 see every slip."""
    with uow:
        s = uow.session
        p = s.get(Payslip, slip_id)
        if p is None:
            raise NotFound("payroll.error.slip", field="slip_id", id=slip_id)
        run = s.get(PayRun, p.run_id)
        assert run is not None
        if not can(actor, "payroll.view"):
            if _own_employee_id(s, actor) != p.employee_id or run.status != "fixed":
                raise Forbidden("payroll.error.not_yours", field="slip_id")
        return _slip_view(p, run)


def my_slips(uow: UnitOfWork, actor: Actor, *, limit: int = 24) -> list[SlipView]:
    """The actor's own payslips of fixed runs, newest first (self-service)."""
    with uow:
        s = uow.session
        employee_id = _own_employee_id(s, actor)
        if employee_id is None:
            return []
        rows = s.execute(select(Payslip, PayRun).join(PayRun, PayRun.id == Payslip.run_id)
                         .where(Payslip.employee_id == employee_id, PayRun.status == "fixed")
                         .order_by(PayRun.pay_date.desc(), PayRun.id.desc()).limit(limit)).all()
        return [_slip_view(p, r) for p, r in rows]


@dataclass(frozen=True)
class WageLedger:
    employee_id: int
    employee_number: str
    name: str
    year: int
    rows: list[SlipView]
    total_gross: int
    total_social: int
    total_income_tax: int
    total_resident_tax: int
    total_net: int


def wage_ledger(uow: UnitOfWork, actor: Actor, employee_id: int, year: int) -> WageLedger:
    """賃金台帳: every fixed payment (給与 and 賞与) of ``year`` by pay date, with the year's totals."""
    require(actor, "payroll.view")
    with uow:
        s = uow.session
        e = s.get(Employee, employee_id)
        if e is None:
            raise NotFound("payroll.error.employee", field="employee_id", id=employee_id)
        corrected = select(PayRun.corrects_id).where(PayRun.status == "fixed", PayRun.corrects_id.is_not(None))
        rows = s.execute(select(Payslip, PayRun).join(PayRun, PayRun.id == Payslip.run_id)
                         .where(Payslip.employee_id == employee_id, PayRun.status == "fixed",
                                PayRun.id.not_in(corrected),
                                PayRun.pay_date >= dt.date(year, 1, 1), PayRun.pay_date <= dt.date(year, 12, 31))
                         .order_by(PayRun.pay_date, PayRun.id)).all()
        views = [_slip_view(p, r) for p, r in rows]
        number, name = e.employee_number, e.name
    return WageLedger(employee_id, number, name, year, views, sum(v.gross for v in views),
                      sum(v.social_total for v in views), sum(v.income_tax for v in views),
                      sum(v.resident_tax for v in views), sum(v.net for v in views))
