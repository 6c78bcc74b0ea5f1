"""健康保険組合 (組合健保): a 組合 with its own 健康保険 and 介護保険 rates from dated rows, each with the employee's
share (a 組合's rules may have the employer bear more than half). Pay setups of members point at their 組合
(``PayProfile.health_union_id``); a pay run then uses the 組合's rates in force for the premium month instead of
協会けんぽ's. The 子ども・子育て支援金 and 厚生年金 stay the national rates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from ennoshita import audit
from ennoshita.actor import Actor
from ennoshita.dates import now_utc
from ennoshita.db import UnitOfWork
from ennoshita.errors import Conflict, Invalid, NotFound, Problem
from ennoshita.identity.roles import require
from ennoshita.payroll import social, tables
from ennoshita.payroll.models import HealthUnion, UnionRate

RATE_FIELDS = ("health_rate", "health_employee_rate", "care_rate", "care_employee_rate")
MAX_RATE = Decimal("30")  # percent; no 組合 rate is near it


@dataclass(frozen=True)
class RateView:
    id: int
    effective_from: dt.date
    health_rate: Decimal
    health_employee_rate: Decimal
    care_rate: Decimal
    care_employee_rate: Decimal


@dataclass(frozen=True)
class UnionView:
    id: int
    name: str
    insurer_number: str
    rates: list[RateView]  # newest first


def rate_problems(values: dict[str, str]) -> list[Problem]:
    """Each rate a percentage 0-30 with at most 3 decimals; the employee's share not above the rate."""
    problems: list[Problem] = []
    parsed: dict[str, Decimal] = {}
    for key in RATE_FIELDS:
        try:
            value = Decimal(str(values.get(key, "")).strip())
        except InvalidOperation:
            problems.append(Problem("payroll.error.rate", key))
            continue
        if not value.is_finite() or value < 0 or value > MAX_RATE or value.as_tuple().exponent < -3:  # type: ignore[operator]
            problems.append(Problem("payroll.error.rate", key))
        else:
            parsed[key] = value
    for total, share in (("health_rate", "health_employee_rate"), ("care_rate", "care_employee_rate")):
        if total in parsed and share in parsed and parsed[share] > parsed[total]:
            problems.append(Problem("payroll.error.share", share))
    return problems


def create_union(uow: UnitOfWork, actor: Actor, name: str, insurer_number: str = "") -> UnionView:
    require(actor, "payroll.edit")
    name = name.strip()
    if not name or len(name) > 100:
        raise Invalid("payroll.error.union_name", field="name")
    if insurer_number and (not insurer_number.isdigit() or len(insurer_number) != 8):
        raise Invalid("payroll.error.insurer_number", field="insurer_number")
    with uow:
        s = uow.session
        if s.scalar(select(HealthUnion.id).where(HealthUnion.name == name)) is not None:
            raise Conflict("payroll.error.union_exists", field="name", name=name)
        row = HealthUnion(name=name, insurer_number=insurer_number, created_at=now_utc())
        s.add(row)
        s.flush()
        audit.record(s, actor, "payroll_health_union", row.id, "create",
                     after={"name": name, "insurer_number": insurer_number})
        view = UnionView(row.id, name, insurer_number, [])
        uow.commit()
    return view


def add_rate(uow: UnitOfWork, actor: Actor, union_id: int, effective_from: dt.date,
             values: dict[str, str]) -> RateView:
    """A new dated row of the 組合's rates (the earlier rows stay for the months before it)."""
    require(actor, "payroll.edit")
    problems = rate_problems(values)
    if problems:
        raise Invalid(problems=problems)
    with uow:
        s = uow.session
        if s.get(HealthUnion, union_id) is None:
            raise NotFound("payroll.error.union", field="union_id", id=union_id)
        if s.scalar(select(UnionRate.id).where(UnionRate.union_id == union_id,
                                               UnionRate.effective_from == effective_from)) is not None:
            raise Conflict("payroll.error.union_rate_exists", field="effective_from", date=effective_from)
        clean = {k: str(Decimal(str(values[k]).strip())) for k in RATE_FIELDS}
        row = UnionRate(union_id=union_id, effective_from=effective_from, recorded_by=actor.user_id,
                        recorded_at=now_utc(), **clean)
        s.add(row)
        s.flush()
        audit.record(s, actor, "payroll_union_rate", row.id, "create",
                     after={"union_id": union_id, "effective_from": effective_from.isoformat(), **clean})
        view = _rate(row)
        uow.commit()
    return view


def _rate(r: UnionRate) -> RateView:
    return RateView(r.id, r.effective_from, Decimal(r.health_rate), Decimal(r.health_employee_rate),
                    Decimal(r.care_rate), Decimal(r.care_employee_rate))


def list_unions(uow: UnitOfWork, actor: Actor) -> list[UnionView]:
    require(actor, "payroll.view")
    with uow:
        s = uow.session
        rates: dict[int, list[RateView]] = {}
        for r in s.scalars(select(UnionRate).order_by(UnionRate.effective_from.desc())):
            rates.setdefault(r.union_id, []).append(_rate(r))
        return [UnionView(u.id, u.name, u.insurer_number, rates.get(u.id, []))
                for u in s.scalars(select(HealthUnion).order_by(HealthUnion.name))]


def rates_in(s: Session, union_id: int, month: dt.date, national: social.InsuranceRates) -> social.InsuranceRates:
    """The rates of a premium month for a member of the 組合: its 健康保険/介護保険 rates in force, the national
    支援金, 厚生年金 and 拠出金 rates. A month before the 組合's first row is refused, naming the 組合."""
    row = s.scalar(select(UnionRate).where(UnionRate.union_id == union_id,
                                           UnionRate.effective_from <= month.replace(day=1))
                   .order_by(UnionRate.effective_from.desc()).limit(1))
    if row is None:
        union = s.get(HealthUnion, union_id)
        raise Invalid("payroll.error.union_rate_missing", field="health_union_id",
                      union=union.name if union else str(union_id), month=month.strftime("%Y-%m"))
    return social.InsuranceRates(tables.pct(row.health_rate), tables.pct(row.care_rate), national.support,
                                 national.pension, national.child_contribution,
                                 health_employee=tables.pct(row.health_employee_rate),
                                 care_employee=tables.pct(row.care_employee_rate))
