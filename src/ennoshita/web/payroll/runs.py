"""給与計算 screens: the list of runs with a form for a new monthly run, and a run's page with its slips and the
actions of its state (計算 / 確認 / 承認 / 全銀ファイル). Thin adapters over ``ennoshita.payroll.services``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ennoshita.actor import Actor
from ennoshita.db import Database
from ennoshita.errors import DomainError
from ennoshita.identity import can
from ennoshita.payroll import queries, services
from ennoshita.security.files import content_disposition
from ennoshita.web import nav
from ennoshita.web.deps import ActorDep, DbDep
from ennoshita.web.forms import Page, errors_of, form_data, page_no, text
from ennoshita.web.render import render

router = APIRouter(prefix="/payroll")

nav.register(nav.NavItem("hr", "nav.payroll.runs", "/payroll", "payroll.view", 50))
nav.register(nav.NavItem("desk", "nav.payroll.mine", "/payroll/me", "desk.view", 65))

PER_PAGE = 50


def _list_page(request: Request, db: Database, actor: Actor, status: int = 200,
               general: list[str] | None = None, form: dict[str, Any] | None = None) -> Response:
    page = page_no(request)
    rows, total = services.list_runs(db.uow(), actor, limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    return render(request, "payroll/runs.html", {
        "page": Page(rows, total, page, PER_PAGE), "query": {}, "base": "/payroll",
        "can_edit": can(actor, "payroll.edit"), "general": general or [], "form": form or {}}, status)


@router.get("")
def runs(request: Request, db: DbDep, actor: ActorDep) -> Response:
    return _list_page(request, db, actor)


@router.post("")
async def create(request: Request, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)
    try:
        year, month = (int(x) for x in text(data, "month").split("-"))
        view = services.create_run(db.uow(), actor, kind="monthly", year=year, month=month,
                                   year_end=bool(data.get("year_end")))
    except ValueError:
        return _list_page(request, db, actor, 400, [_t(actor, "payroll_ui.error.month")], data)
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        return _list_page(request, db, actor, exc.status, general + list(errors.values()), data)
    return RedirectResponse(f"/payroll/runs/{view.id}", status_code=303)


def _t(actor: Actor, key: str) -> str:
    from ennoshita.i18n import gettext

    return gettext(actor.language, key)


def _run_page(request: Request, db: Database, actor: Actor, run_id: int, status: int = 200,
              general: list[str] | None = None) -> Response:
    run = services.get_run(db.uow(), actor, run_id)
    page = page_no(request)
    slips, total = queries.run_slips(db.uow(), actor, run_id, limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    return render(request, "payroll/run.html", {
        "run": run, "page": Page(slips, total, page, PER_PAGE), "query": {}, "base": f"/payroll/runs/{run_id}",
        "can_edit": can(actor, "payroll.edit"), "can_approve": can(actor, "payroll.approve"),
        "general": general or [], "done": request.query_params.get("done", "")}, status)


@router.get("/runs/{run_id}")
def run_detail(request: Request, run_id: int, db: DbDep, actor: ActorDep) -> Response:
    return _run_page(request, db, actor, run_id)


ACTIONS = {"compute": services.compute_run, "check": services.check_run, "approve": services.approve_run}


@router.post("/runs/{run_id}/{action}")
def run_action(request: Request, run_id: int, action: str, db: DbDep, actor: ActorDep) -> Response:
    fn = ACTIONS.get(action)
    if fn is None:
        return Response(status_code=404)
    try:
        fn(db.uow(), actor, run_id)
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        return _run_page(request, db, actor, run_id, exc.status, general + list(errors.values()))
    return RedirectResponse(f"/payroll/runs/{run_id}?done={action}", status_code=303)


@router.get("/runs/{run_id}/zengin")
def zengin(request: Request, run_id: int, db: DbDep, actor: ActorDep) -> Response:
    try:
        content = services.export_zengin(db.uow(), actor, run_id)
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        return _run_page(request, db, actor, run_id, exc.status, general + list(errors.values()))
    return Response(content, media_type="text/plain; charset=shift_jis",
                    headers={"Content-Disposition": content_disposition(f"kyuyo-furikomi-{run_id}.txt", "attachment")})
