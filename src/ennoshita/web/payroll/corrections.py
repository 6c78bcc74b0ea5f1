"""給与の訂正 screens: from a fixed run's page, 訂正 opens the form of the employees' items (基本給, 通勤手当,
扶養親族等の数; a bonus's amount), 差額を確認 shows the differences before and after per employee and in total, 保存
makes the correction run (computed, checked, on the approval route when it applies). Thin adapters over
``ennoshita.payroll.corrections``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ennoshita.actor import Actor
from ennoshita.db import Database
from ennoshita.errors import DomainError, Invalid, Problem
from ennoshita.payroll import corrections
from ennoshita.web.deps import ActorDep, DbDep
from ennoshita.web.forms import checked_int, errors_of, form_data, text
from ennoshita.web.render import render

router = APIRouter(prefix="/payroll")


def _changes(data: dict[str, Any], problems: list[Problem]) -> dict[int, dict[str, int]]:
    """``c.<employee id>.<item>`` fields as typed (commas and ¥ allowed); what cannot be read is a problem of its
    field (``changes.<employee id>.<item>``, the service's name for it)."""
    out: dict[int, dict[str, int]] = {}
    for name in data:
        parts = name.split(".")
        if len(parts) != 3 or parts[0] != "c" or not parts[1].isdigit():
            continue
        value = checked_int(text(data, name), f"changes.{parts[1]}.{parts[2]}", problems)
        if value is not None:
            out.setdefault(int(parts[1]), {})[parts[2]] = value
    return out


def _form_page(request: Request, db: Database, actor: Actor, run_id: int, status: int = 200,
               values: dict[str, str] | None = None, errors: dict[str, str] | None = None,
               general: list[str] | None = None, preview: corrections.Preview | None = None) -> Response:
    run, rows = corrections.correction_form(db.uow(), actor, run_id)
    typed = values or {f"c.{r.employee_id}.{k}": str(v) for r in rows for k, v in r.items.items()}
    return render(request, "payroll/correction.html", {
        "run": run, "rows": rows, "items": corrections.items_of(run.kind), "values": typed, "errors": errors or {},
        "general": general or [], "preview": preview}, status)


@router.get("/runs/{run_id}/correction")
def correction(request: Request, run_id: int, db: DbDep, actor: ActorDep) -> Response:
    try:
        return _form_page(request, db, actor, run_id)
    except DomainError as exc:
        from ennoshita.web.payroll.runs import _run_page

        errors, general = errors_of(exc, actor)
        return _run_page(request, db, actor, run_id, exc.status, general + list(errors.values()))


async def _read(request: Request) -> tuple[dict[str, str], dict[int, dict[str, int]]]:
    data = await form_data(request)
    values = {k: text(data, k) for k in data if k.startswith("c.")}
    problems: list[Problem] = []
    changes = _changes(data, problems)
    if problems:
        raise Invalid(problems=problems)
    return values, changes


@router.post("/runs/{run_id}/correction/preview")
async def preview(request: Request, run_id: int, db: DbDep, actor: ActorDep) -> Response:
    """差額を確認: the differences, with the form kept as typed to change it or save."""
    values: dict[str, str] = {}
    try:
        values, changes = await _read(request)
        shown = corrections.preview_correction(db.uow(), actor, run_id, changes)
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        return _form_page(request, db, actor, run_id, exc.status, values or None, errors, general)
    return _form_page(request, db, actor, run_id, 200, values, preview=shown)


@router.post("/runs/{run_id}/correction/save")
async def save(request: Request, run_id: int, db: DbDep, actor: ActorDep) -> Response:
    """保存: the correction run, computed and checked (on the approval route when it applies)."""
    values: dict[str, str] = {}
    try:
        values, changes = await _read(request)
        run = corrections.correct_run(db.uow(), actor, run_id, changes)
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        return _form_page(request, db, actor, run_id, exc.status, values or None, errors, general)
    return RedirectResponse(f"/payroll/runs/{run.id}?done=corrected", status_code=303)
