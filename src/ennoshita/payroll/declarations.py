"""給与所得者の扶養控除等(異動)申告書: what the employee declared, kept on the pay setup, and the 扶養親族等の数 it
gives for monthly withholding. No 申告書 → 乙欄.

扶養親族等の数 (令和8年分 源泉徴収税額表の使い方): the 源泉控除対象配偶者 (spouse's 合計所得 ≤ 95万円), each
控除対象扶養親族 (aged 16 or over on 31 December, 合計所得 ≤ 58万円) and each 特定親族 aged 19-22 with 合計所得
≤ 100万円; plus one for each of the employee's own 障害者, 寡婦 or ひとり親, 勤労学生, and one for each
spouse or 扶養親族 (under 16 included) who is a 障害者.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ennoshita import audit
from ennoshita.actor import Actor
from ennoshita.dates import now_utc, today_tokyo
from ennoshita.db import UnitOfWork
from ennoshita.errors import Invalid, NotFound, Problem
from ennoshita.hr.models import Employee
from ennoshita.identity.roles import require
from ennoshita.money import MAX_YEN
from ennoshita.payroll.models import PayProfile

SPOUSE_INCOME_LIMIT = 950_000
DEPENDANT_INCOME_LIMIT = 580_000
SPECIFIED_RELATIVE_INCOME_LIMIT = 1_000_000
DISABILITIES = ("", "general", "special", "special_living_with")
SELF_DISABILITIES = ("", "general", "special")


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def age_of(person: Mapping[str, Any], year: int) -> int:
    """Age on 31 December of ``year`` from the declared birth date (or an ``age`` kept by older setups)."""
    birth = person.get("birth_date")
    if birth:
        return age_on(dt.date.fromisoformat(str(birth)), dt.date(year, 12, 31))
    return int(person.get("age", 0))


def dependents_count(declaration: Mapping[str, Any], year: int) -> int:
    """扶養親族等の数 for the 甲欄 from a declaration (see the module docstring)."""
    n = 0
    spouse = declaration.get("spouse") or None
    if spouse:
        if int(spouse.get("income", 0)) <= SPOUSE_INCOME_LIMIT:
            n += 1
        if spouse.get("disability"):
            n += 1
    for d in declaration.get("dependants") or []:
        age, income = age_of(d, year), int(d.get("income", 0))
        if (age >= 16 and income <= DEPENDANT_INCOME_LIMIT) or (
                19 <= age <= 22 and income <= SPECIFIED_RELATIVE_INCOME_LIMIT):
            n += 1
        if d.get("disability") and income <= DEPENDANT_INCOME_LIMIT:
            n += 1
    if declaration.get("self_disability"):
        n += 1
    if declaration.get("widow") or declaration.get("single_parent"):
        n += 1
    if declaration.get("working_student"):
        n += 1
    return n


@dataclass(frozen=True)
class DeclarationView:
    employee_id: int
    employee_number: str
    name: str
    has_declaration: bool  # False → 乙欄
    dependents: int  # 扶養親族等の数
    declaration: dict[str, Any]


def _problems(data: Mapping[str, Any]) -> list[Problem]:
    problems: list[Problem] = []

    def person(p: Mapping[str, Any], prefix: str, disabilities: tuple[str, ...]) -> None:
        if not str(p.get("name", "")).strip() or len(str(p.get("name", ""))) > 100:
            problems.append(Problem("payroll.error.person_name", f"{prefix}.name"))
        try:
            birth = dt.date.fromisoformat(str(p.get("birth_date", "")))
            if not dt.date(1900, 1, 1) <= birth <= today_tokyo():
                raise ValueError
        except ValueError:
            problems.append(Problem("payroll.error.birth_date", f"{prefix}.birth_date"))
        income = p.get("income", 0)
        if not isinstance(income, int) or not 0 <= income <= MAX_YEN:
            problems.append(Problem("payroll.error.negative", f"{prefix}.income"))
        if p.get("disability", "") not in disabilities:
            problems.append(Problem("payroll.error.disability", f"{prefix}.disability"))

    spouse = data.get("spouse")
    if spouse:
        person(spouse, "spouse", DISABILITIES)
    for i, d in enumerate(data.get("dependants") or []):
        person(d, f"dependants[{i}]", DISABILITIES)
    if data.get("self_disability", "") not in SELF_DISABILITIES:
        problems.append(Problem("payroll.error.disability", "self_disability"))
    if data.get("widow") and data.get("single_parent"):
        problems.append(Problem("payroll.error.widow_single_parent", "single_parent"))
    return problems


KEYS = ("spouse", "dependants", "self_disability", "widow", "single_parent", "working_student")


def get(uow: UnitOfWork, actor: Actor, employee_id: int) -> DeclarationView:
    """The 申告書 of an employee: personal data, for 人事 and the administrator only (``payroll.edit``)."""
    require(actor, "payroll.edit")
    with uow:
        s = uow.session
        e = s.get(Employee, employee_id)
        if e is None:
            raise NotFound("payroll.error.employee", field="employee_id", id=employee_id)
        p = s.get(PayProfile, employee_id)
        return DeclarationView(e.id, e.employee_number, e.name, bool(p and p.has_declaration),
                               p.dependents if p else 0, dict(p.declaration or {}) if p else {})


def save(uow: UnitOfWork, actor: Actor, employee_id: int, has_declaration: bool,
         data: Mapping[str, Any]) -> DeclarationView:
    """Keep what the 申告書 declares (or that none was filed: 乙欄) and the 扶養親族等の数 it gives; the other
    year-end figures on the setup (保険料控除 etc.) stay. Audited with before and after."""
    require(actor, "payroll.edit")
    problems = _problems(data)
    if problems:
        raise Invalid(problems=problems)
    with uow:
        s = uow.session
        e = s.get(Employee, employee_id)
        p = s.get(PayProfile, employee_id)
        if e is None or p is None:
            raise NotFound("payroll.error.no_profile_for", field="employee_id", id=employee_id)
        before = {"has_declaration": p.has_declaration, "dependents": p.dependents,
                  **{k: (p.declaration or {}).get(k) for k in KEYS}}
        declaration = {k: v for k, v in dict(p.declaration or {}).items()
                       if k not in (*KEYS, "spouse_income", "spouse_aged_70")}
        clean = {k: data.get(k) for k in KEYS if data.get(k) not in (None, "", [], False)}
        declaration.update(clean)
        spouse = clean.get("spouse")
        if spouse:
            declaration["spouse_income"] = int(spouse.get("income", 0))
            declaration["spouse_aged_70"] = age_of(spouse, today_tokyo().year) >= 70
        p.has_declaration = has_declaration
        p.declaration = declaration
        p.dependents = dependents_count(declaration, today_tokyo().year) if has_declaration else 0
        p.updated_at = now_utc()
        s.flush()
        after = {"has_declaration": p.has_declaration, "dependents": p.dependents,
                 **{k: declaration.get(k) for k in KEYS}}
        audit.record(s, actor, "payroll_declaration", employee_id, "update", before=before, after=after)
        view = DeclarationView(e.id, e.employee_number, e.name, p.has_declaration, p.dependents, declaration)
        uow.commit()
    return view


@dataclass(frozen=True)
class DeclarationRow:
    employee_id: int
    employee_number: str
    name: str
    has_declaration: bool
    dependents: int
    spouse: bool
    dependants: int


def overview(uow: UnitOfWork, actor: Actor) -> list[DeclarationRow]:
    """Every employee with a pay setup: 甲欄/乙欄 and how many people the 申告書 names."""
    from sqlalchemy import select

    require(actor, "payroll.edit")
    with uow:
        s = uow.session
        rows = s.execute(select(Employee, PayProfile).join(PayProfile, PayProfile.employee_id == Employee.id)
                         .order_by(Employee.employee_number)).all()
        return [DeclarationRow(e.id, e.employee_number, e.name, p.has_declaration, p.dependents,
                               bool((p.declaration or {}).get("spouse")),
                               len((p.declaration or {}).get("dependants") or [])) for e, p in rows]
