"""給与設定 screens: the 扶養控除等申告書 of each employee (人事/管理者 only: personal data), the 健康保険組合 with
their dated rates, and an employee's fixed-wage history with a form for a change from a 適用開始 date. Thin
adapters over ``payroll.declarations``, ``payroll.unions``, ``payroll.wages`` and ``payroll.services``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ennoshita.actor import Actor
from ennoshita.db import Database
from ennoshita.errors import DomainError
from ennoshita.identity import can
from ennoshita.payroll import declarations, services, unions, wages
from ennoshita.web import nav
from ennoshita.web.deps import ActorDep, DbDep
from ennoshita.web.forms import errors_of, form_data, parse_date, text
from ennoshita.web.render import render

router = APIRouter(prefix="/payroll")

nav.register(nav.NavItem("hr", "nav.payroll.declarations", "/payroll/declarations", "payroll.edit", 54))
nav.register(nav.NavItem("hr", "nav.payroll.unions", "/payroll/unions", "payroll.view", 55))

EXTRA_DEPENDANT_ROWS = 2
DISABILITY_OPTIONS = declarations.DISABILITIES


def _messages(exc: DomainError, actor: Actor) -> list[str]:
    errors, general = errors_of(exc, actor)
    return general + list(errors.values())


def _int(value: str) -> int | str:
    """A yen amount as typed (full-width digits and commas allowed); the text itself when it is not one, so
    that the service names the field."""
    import unicodedata

    clean = unicodedata.normalize("NFKC", value).replace(",", "").strip()
    if not clean:
        return 0
    return int(clean) if clean.isdigit() else value


# --- 扶養控除等申告書 ------------------------------------------------------------------------------


@router.get("/declarations")
def declaration_list(request: Request, db: DbDep, actor: ActorDep) -> Response:
    return render(request, "payroll/declarations.html", {"rows": declarations.overview(db.uow(), actor)})


def _declaration_page(request: Request, db: Database, actor: Actor, employee_id: int, status: int = 200,
                      general: list[str] | None = None) -> Response:
    view = declarations.get(db.uow(), actor, employee_id)
    dependants = list(view.declaration.get("dependants") or [])
    return render(request, "payroll/declaration.html", {
        "d": view, "spouse": view.declaration.get("spouse") or {},
        "dependants": dependants + [{}] * EXTRA_DEPENDANT_ROWS, "disabilities": DISABILITY_OPTIONS,
        "general": general or [], "done": request.query_params.get("done", "")}, status)


@router.get("/declarations/{employee_id}")
def declaration(request: Request, employee_id: int, db: DbDep, actor: ActorDep) -> Response:
    return _declaration_page(request, db, actor, employee_id)


def _person(data: dict[str, Any], prefix: str) -> dict[str, Any] | None:
    name = text(data, f"{prefix}-name")
    if not name and not text(data, f"{prefix}-birth_date"):
        return None
    person: dict[str, Any] = {"name": name, "birth_date": text(data, f"{prefix}-birth_date"),
                              "income": _int(text(data, f"{prefix}-income")),
                              "disability": text(data, f"{prefix}-disability")}
    if prefix != "spouse":
        person.update({"relation": text(data, f"{prefix}-relation"),
                       "lives_with": bool(data.get(f"{prefix}-lives_with")),
                       "parent": bool(data.get(f"{prefix}-parent"))})
    return person


@router.post("/declarations/{employee_id}")
async def declaration_save(request: Request, employee_id: int, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)
    count = int(text(data, "dependant_rows") or 0) if text(data, "dependant_rows").isdigit() else 0
    dependants = [p for i in range(min(count, 50)) if (p := _person(data, f"dep{i}")) is not None]
    payload = {"spouse": _person(data, "spouse"), "dependants": dependants,
               "self_disability": text(data, "self_disability"), "widow": bool(data.get("widow")),
               "single_parent": bool(data.get("single_parent")), "working_student": bool(data.get("working_student"))}
    try:
        declarations.save(db.uow(), actor, employee_id, bool(data.get("has_declaration")), payload)
    except DomainError as exc:
        return _declaration_page(request, db, actor, employee_id, exc.status, _messages(exc, actor))
    return RedirectResponse(f"/payroll/declarations/{employee_id}?done=saved", status_code=303)


# --- 健康保険組合 ---------------------------------------------------------------------------------


def _unions_page(request: Request, db: Database, actor: Actor, status: int = 200,
                 general: list[str] | None = None, form: dict[str, Any] | None = None) -> Response:
    return render(request, "payroll/unions.html", {
        "unions": unions.list_unions(db.uow(), actor), "can_edit": can(actor, "payroll.edit"),
        "general": general or [], "form": form or {}, "done": request.query_params.get("done", "")}, status)


@router.get("/unions")
def union_list(request: Request, db: DbDep, actor: ActorDep) -> Response:
    return _unions_page(request, db, actor)


@router.post("/unions")
async def union_create(request: Request, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)
    try:
        unions.create_union(db.uow(), actor, text(data, "name"), text(data, "insurer_number"))
    except DomainError as exc:
        return _unions_page(request, db, actor, exc.status, _messages(exc, actor), data)
    return RedirectResponse("/payroll/unions?done=union", status_code=303)


@router.post("/unions/{union_id}/rates")
async def union_rate(request: Request, union_id: int, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)
    day = parse_date(text(data, "effective_from"))
    try:
        if day is None:
            from ennoshita.errors import Invalid

            raise Invalid("error.required", field="effective_from")
        unions.add_rate(db.uow(), actor, union_id, day, {k: text(data, k) for k in unions.RATE_FIELDS})
    except DomainError as exc:
        return _unions_page(request, db, actor, exc.status, _messages(exc, actor), data)
    return RedirectResponse("/payroll/unions?done=rate", status_code=303)


# --- 固定的賃金の履歴 ------------------------------------------------------------------------------


def _wages_page(request: Request, db: Database, actor: Actor, employee_id: int, status: int = 200,
                general: list[str] | None = None, form: dict[str, Any] | None = None) -> Response:
    return render(request, "payroll/wages.html", {
        "h": wages.history(db.uow(), actor, employee_id), "can_edit": can(actor, "payroll.edit"),
        "general": general or [], "form": form or {}, "done": request.query_params.get("done", "")}, status)


@router.get("/wages/{employee_id}")
def wage_history(request: Request, employee_id: int, db: DbDep, actor: ActorDep) -> Response:
    return _wages_page(request, db, actor, employee_id)


@router.post("/wages/{employee_id}")
async def wage_change(request: Request, employee_id: int, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)
    day = parse_date(text(data, "effective_from"))
    values: dict[str, Any] = {"base_amount": _int(text(data, "base_amount")),
                              "commute_allowance": _int(text(data, "commute_allowance"))}
    try:
        if day is None:
            from ennoshita.errors import Invalid

            raise Invalid("error.required", field="effective_from")
        services.save_profile(db.uow(), actor, employee_id, values, effective_from=day)
    except DomainError as exc:
        return _wages_page(request, db, actor, employee_id, exc.status, _messages(exc, actor), data)
    return RedirectResponse(f"/payroll/wages/{employee_id}?done=saved", status_code=303)
