"""導入時残高: 人事 enters, for an employee registered after their hire, the 導入日 from which ennoshita holds their
attendance and leave, and what was left on that day of each grant made before it, with the grant's date (so the
2-year 時効 of 労基法115条 still runs from it). The grants before the 導入日 are then these rows (kind ``opening``);
from the 導入日 on the system grants on the statutory 基準日, the scheduled days before the records begin counted
as attended (:func:`ennoshita.hr.rules.assess_period`). Entered at registration or later on the leave screen;
entering it again replaces it, until leave dated before the 導入日 exists in the system."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.orm import Session

from ennoshita import audit
from ennoshita.actor import Actor
from ennoshita.dates import now_utc
from ennoshita.db import UnitOfWork
from ennoshita.errors import Conflict, Invalid
from ennoshita.hr import rules
from ennoshita.hr.employees import load
from ennoshita.hr.models import Employee, LeaveGrant, LeaveTaken
from ennoshita.identity.roles import require

COMPUTED = ("statutory", "not_eligible", "assumed", "opening")  # the kinds the system may make again


@dataclass(frozen=True)
class OpeningInput:
    as_of: dt.date  # 導入日
    rows: tuple[rules.OpeningRow, ...] = ()


def set_opening_in(s: Session, actor: Actor, e: Employee, cmd: OpeningInput) -> None:
    require(actor, "hr.edit")
    problems = rules.check_opening(e.hire_date, cmd.as_of, cmd.rows)
    if problems:
        raise Invalid(problems=problems)
    early = s.scalar(select(LeaveTaken.leave_date).where(
        LeaveTaken.employee_id == e.id, LeaveTaken.leave_date < cmd.as_of,
        LeaveTaken.status.in_(("approved", "pending_approval"))).order_by(LeaveTaken.leave_date).limit(1))
    if early is not None:  # those days would be counted twice: in the 導入時残高 and as leave taken here
        raise Conflict("hr.error.opening_after_leave", field="as_of", date=early)
    old = list(s.scalars(select(LeaveGrant).where(LeaveGrant.employee_id == e.id, LeaveGrant.kind.in_(COMPUTED))
                         .order_by(LeaveGrant.grant_date)))
    before = {"records_from": e.records_from.isoformat() if e.records_from else None,
              "grants": [[g.grant_date.isoformat(), str(g.days), g.kind] for g in old]}
    for g in old:  # made on the records of before: made again below, from the 導入日 on
        s.delete(g)
    s.flush()
    e.records_from, e.updated_at = cmd.as_of, now_utc()
    for r in sorted(cmd.rows, key=lambda x: x.grant_date):
        s.add(LeaveGrant(employee_id=e.id, grant_date=r.grant_date, days=Decimal(r.days.numerator) / r.days.denominator,
                         expires_on=rules.expires_on(r.grant_date), kind="opening", attendance_rate=None,
                         created_at=now_utc()))
    s.flush()
    audit.record(s, actor, "hr_leave_opening", e.employee_number, "save", before=before, after={
        "records_from": cmd.as_of.isoformat(),
        "grants": [[r.grant_date.isoformat(), rules.format_days(r.days)] for r in cmd.rows]})
    # the grants from the 導入日 on are made when due (付与処理) or first read, on the attendance then imported


def set_opening(uow: UnitOfWork, actor: Actor, employee_id: int, cmd: OpeningInput) -> None:
    """Enter (or replace) an employee's 導入日 and 導入時残高."""
    with uow:
        s = uow.session
        set_opening_in(s, actor, load(s, employee_id), cmd)
        uow.commit()


def parse_days(raw: str, field: str) -> Fraction:
    """"12", "3.5" → days; anything else is the field's problem."""
    try:
        value = Fraction(Decimal(raw.strip()))
    except (ArithmeticError, ValueError) as exc:
        raise Invalid("hr.error.opening_days", field=field) from exc
    return value
