"""First run: a company of one's own, without the demo.

A database with no company and no user is "not set up". ``ennoshita init --company ... --admin-email ...`` and
the web's first-run page (会社情報の登録) both call :func:`start_company`: the company settings and the first
administrator are written in one transaction, and only while the database is still empty, so the page cannot
be used to take over a company that is already running.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from ennoshita import audit
from ennoshita.actor import Actor
from ennoshita.db import Database, UnitOfWork
from ennoshita.errors import Conflict, Invalid, Problem
from ennoshita.identity import services as identity
from ennoshita.identity.company import COMPANY_ID, EDITABLE, CompanyData, load_company, validate_company
from ennoshita.identity.models import Company, User

# The company the demo loader registers; demo logins are printed only when this is the company served.
DEMO_COMPANY_NAME = "株式会社さくら精機"
DEMO_ADMIN_EMAIL = "admin@demo.ennoshita.jp"


@dataclass(frozen=True)
class FirstRun:
    company: CompanyData
    admin: identity.UserSummary


def _empty(uow: UnitOfWork) -> bool:
    s = uow.session
    return (s.get(Company, COMPANY_ID) is None
            and (s.scalar(select(func.count()).select_from(User)) or 0) == 0)


def needs_setup(db: Database) -> bool:
    """True while the database has neither a company nor a user (the first-run page is open)."""
    with db.uow() as uow:
        return _empty(uow)


def is_demo(db: Database) -> bool:
    """True when the company served is the demo company (its name and its demo administrator)."""
    with db.uow() as uow:
        company = uow.session.get(Company, COMPANY_ID)
        if company is None or company.name != DEMO_COMPANY_NAME:
            return False
        return uow.session.scalar(select(User.id).where(User.email == DEMO_ADMIN_EMAIL)) is not None


def start_company(uow: UnitOfWork, company: dict[str, Any], admin: identity.NewUser,
                  via: str = "cli") -> FirstRun:
    """会社情報の登録 and the first administrator, in one transaction, into an empty database only.

    Every problem with both halves is reported at once (company fields by name, the administrator's as
    ``admin_email``, ``admin_password``, ``admin_display_name``)."""
    clean, problems = validate_company(company)
    if "name" not in clean:
        problems.append(Problem("error.required", "name"))
    admin = identity.NewUser(email=admin.email, display_name=admin.display_name or clean.get("name", ""),
                             roles=admin.roles or ("admin",), password=admin.password, language=admin.language,
                             department=admin.department)
    problems += identity.new_user_problems(admin, prefix="admin_")
    if problems:
        raise Invalid(problems=problems)
    actor = Actor.system(via)
    with uow:
        if not _empty(uow):
            raise Conflict("setup.error.done")
        row = Company(id=COMPANY_ID, name=clean["name"])
        uow.session.add(row)
        for key, value in clean.items():
            setattr(row, key, value)
        uow.session.flush()
        audit.record(uow.session, actor, "company", COMPANY_ID, "create", None,
                     {k: getattr(row, k) for k in EDITABLE})
        user = identity.add_user_row(uow, actor, admin)
        data = load_company(uow)
        uow.commit()
        return FirstRun(data, user)
