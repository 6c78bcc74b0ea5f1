"""The company's 消費税 settings and a fiscal year's 消費税 return from its books.

The rules, each choice of the settings and its legal basis: :mod:`ennoshita.ledger.ctax_rules`; the return's inputs
from the books: :mod:`ennoshita.ledger.ctax_base`; the 中間申告: :mod:`ennoshita.ledger.ctax_interim`; the year-end
settlement entry: :mod:`ennoshita.ledger.ctax_settlement`. A fiscal year keeps its own 割戻し/積上げ and credit
method (:func:`set_year_calc`, :func:`fix_year_calc` when it is closed).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ennoshita.actor import Actor
from ennoshita.dates import fiscal_year_bounds
from ennoshita.db import UnitOfWork
from ennoshita.errors import Invalid, Problem
from ennoshita.identity import load_company, require
from ennoshita.ledger.ctax_base import tax_base
from ennoshita.ledger.ctax_rules import YEAR_FIELDS, Return, Settings, check_settings, compute_return
from ennoshita.ledger.models import ConsumptionTaxSettings, FiscalYear

# ---------------------------------------------------------------- settings


def load_settings(session: Session) -> Settings:
    row = session.get(ConsumptionTaxSettings, 1)
    if row is None:
        return Settings()
    return Settings(row.method, row.output_calc, row.input_calc, row.credit_method, row.simplified_type,
                    row.default_purpose or "common")


def year_settings(session: Session, fiscal_year: int) -> Settings:
    """The company's settings with the fiscal year's own 割戻し/積上げ and credit method where it has them."""
    from dataclasses import replace

    settings = load_settings(session)
    fy = session.get(FiscalYear, fiscal_year)
    if fy is None:
        return settings
    own = {k: getattr(fy, k) for k in YEAR_FIELDS if getattr(fy, k) is not None}
    return replace(settings, **own) if own else settings


def fix_year_calc(session: Session, fy: FiscalYear, settings: Settings | None = None) -> dict[str, str]:
    """Write the year's choice onto the year (a closed year keeps it whatever the company changes later):
    the values it already has, else ``settings`` (default: the company's current ones)."""
    current = settings or load_settings(session)
    for k in YEAR_FIELDS:
        if getattr(fy, k) is None:
            setattr(fy, k, getattr(current, k))
    return {k: str(getattr(fy, k)) for k in YEAR_FIELDS}


def set_year_calc(uow: UnitOfWork, actor: Actor, fiscal_year: int, changes: dict[str, str]) -> Settings:
    """Choose 割戻し/積上げ (sales, purchases) and the credit method for one fiscal year (audited). Refused for a
    closed year (its return is filed) and for 積上げ sales with 割戻し purchases (施行令46条③)."""
    from dataclasses import asdict, replace

    from ennoshita import audit
    from ennoshita.errors import Conflict
    from ennoshita.ledger.posting import ensure_fiscal_year

    require(actor, "ledger.edit")
    unknown = [Problem("ledger.error.ctax_unknown_setting", k, {"value": k}) for k in changes if k not in YEAR_FIELDS]
    if unknown:
        raise Invalid(problems=unknown)
    with uow:
        s = uow.session
        company = load_company(uow)
        ensure_fiscal_year(s, fiscal_year, company.fiscal_year_start_month)
        s.flush()
        fy = s.get(FiscalYear, fiscal_year)
        assert fy is not None
        later_closed = s.scalar(select(func.count()).select_from(FiscalYear).where(
            FiscalYear.closed.is_(True), FiscalYear.year > fiscal_year))
        if fy.closed or later_closed:  # closing a year locks every earlier one too
            raise Conflict("ledger.error.ctax_year_closed", field="fiscal_year", year=fiscal_year)
        before = year_settings(s, fiscal_year)
        values: dict[str, Any] = {k: str(v) for k, v in changes.items()}
        after = replace(before, **values)
        problems = check_settings(after)
        if problems:
            raise Invalid(problems=problems)
        for k in YEAR_FIELDS:
            setattr(fy, k, getattr(after, k))
        audit.record(s, actor, "fiscal_year", fiscal_year, "tax_calc",
                     {k: asdict(before)[k] for k in YEAR_FIELDS}, {k: asdict(after)[k] for k in YEAR_FIELDS})
        uow.commit()
        return after


def get_settings(uow: UnitOfWork, actor: Actor) -> Settings:
    require(actor, "ledger.view")
    with uow:
        return load_settings(uow.session)


def update_settings(uow: UnitOfWork, actor: Actor, changes: dict[str, object]) -> Settings:
    """Change the 消費税 settings (audited)."""
    from dataclasses import asdict, replace

    from ennoshita import audit

    require(actor, "ledger.edit")
    unknown = [Problem("ledger.error.ctax_unknown_setting", k, {"value": k}) for k in changes
               if k not in Settings.__dataclass_fields__]
    if unknown:
        raise Invalid(problems=unknown)
    with uow:
        s = uow.session
        before = load_settings(s)
        try:
            values: dict[str, Any] = {k: (int(str(v)) if k == "simplified_type" else str(v))
                                      for k, v in changes.items()}
            after = replace(before, **values)
        except ValueError:
            raise Invalid("ledger.error.ctax_simplified_type", field="simplified_type",
                          value=str(changes.get("simplified_type"))) from None
        problems = check_settings(after)
        if problems:
            raise Invalid(problems=problems)
        row = s.get(ConsumptionTaxSettings, 1)
        if row is None:
            row = ConsumptionTaxSettings(id=1)
            s.add(row)
        row.method, row.output_calc, row.input_calc = after.method, after.output_calc, after.input_calc
        row.credit_method, row.simplified_type = after.credit_method, after.simplified_type
        row.default_purpose = after.default_purpose
        # a closed year keeps the choice it was filed with
        for fy in s.scalars(select(FiscalYear).where(FiscalYear.closed.is_(True))):
            fix_year_calc(s, fy, before)
        audit.record(s, actor, "consumption_tax_settings", 1, "update", asdict(before), asdict(after))
        uow.commit()
        return after


# ---------------------------------------------------------------- the year's return


def base_return(session: Session, fiscal_year: int) -> Return:
    """The year's return from its books, without its 中間申告 (the 差引税額 is the year's 確定消費税額)."""
    company = load_company(_Bound(session))
    start, end = fiscal_year_bounds(fiscal_year, company.fiscal_year_start_month)
    base = tax_base(session, start, end)
    base.inclusive_books = company.tax_accounting != "exclusive"
    return compute_return(base, year_settings(session, fiscal_year), start)


def fiscal_year_return(session: Session, fiscal_year: int) -> Return:
    """The year's return with its 中間申告 deducted (:mod:`ennoshita.ledger.ctax_interim`)."""
    from dataclasses import replace

    from ennoshita.ledger import ctax_interim

    ret = base_return(session, fiscal_year)
    schedule = ctax_interim.schedule_in(session, fiscal_year)
    if not schedule.periods:
        return ret
    return replace(ret, interim_national=schedule.national, interim_local=schedule.local,
                   interim_unpaid=schedule.unpaid, interim_count=schedule.count)


def consumption_tax_return(uow: UnitOfWork, actor: Actor, fiscal_year: int) -> Return:
    require(actor, "ledger.view")
    with uow:
        return fiscal_year_return(uow.session, fiscal_year)


class _Bound(UnitOfWork):
    def __init__(self, s: Session) -> None:
        self._session = s
