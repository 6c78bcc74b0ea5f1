"""固定資産台帳 screens: the list, the registration form, one asset with its schedule, disposal and
除却・売却の取消, the depreciation run (preview, then post; the posted runs with their 取消) and the report
downloads (固定資産台帳・減価償却明細, 償却資産申告)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ennoshita.actor import Actor
from ennoshita.assets import queries, rules, tables, undo
from ennoshita.assets import services as assets
from ennoshita.db import Database
from ennoshita.errors import DomainError, Invalid, Problem
from ennoshita.identity import can, require
from ennoshita.ledger.chart import standard_names
from ennoshita.security.files import content_disposition
from ennoshita.tabular import export
from ennoshita.web import nav
from ennoshita.web.deps import ActorDep, DbDep
from ennoshita.web.forms import (
    checked_date,
    checked_int,
    field_errors,
    form_data,
    page_count,
    request_translator,
    text_form,
)
from ennoshita.web.render import render

router = APIRouter(prefix="/assets")

nav.register(nav.NavItem("general_affairs", "nav.assets", "/assets", "general_affairs.view", 10))
nav.register(nav.NavItem("general_affairs", "nav.assets_runs", "/assets/runs", "general_affairs.view", 20))

PER_PAGE = 50
METHODS = ("declining", "straight", "lump_sum", "sme_small", "expensed")


@router.get("")
def register_list(request: Request, db: DbDep, actor: ActorDep, q: str = "", status: str = "",
                  page: int = 1) -> Response:
    rows, total = queries.register_page(db.uow(), actor, status, q, max(page, 1), PER_PAGE)
    pages = page_count(total, PER_PAGE)
    return render(request, "assets/list.html", {
        "rows": rows, "total": total, "q": q, "status": status, "page": page, "pages": pages,
        "today": dt.date.today(), "can_edit": can(actor, "general_affairs.edit")})


def _form_page(request: Request, form: dict[str, Any], errors: dict[str, str], general: list[str],
               status: int = 200) -> Response:
    return render(request, "assets/form.html", {"form": form, "errors": errors, "general": general,
                                                 "kinds": tables.KINDS, "methods": METHODS}, status_code=status)


@router.get("/new")
def new_form(request: Request, actor: ActorDep) -> Response:
    require(actor, "general_affairs.edit")  # a read-only role (監査人) gets no form to fill before a 403 on save
    return _form_page(request, {"acquired_on": dt.date.today().isoformat(), "method": "declining", "quantity": "1"},
                      {}, [])


@router.post("/new")
async def create(request: Request, db: DbDep, actor: ActorDep) -> Response:
    form = await text_form(request)
    problems: list[Problem] = []
    day = checked_date(form.get("acquired_on", ""), "acquired_on", problems)
    cost = checked_int(form.get("cost", ""), "cost", problems)
    life = checked_int(form.get("life", ""), "life", problems)
    quantity = checked_int(form.get("quantity", "") or "1", "quantity", problems)
    # an asset taken over from an earlier register: its 償却累計額 and the last month it covers (YYYY-MM)
    accumulated = checked_int(form.get("accumulated", "") or "0", "accumulated", problems)
    through_text = form.get("depreciated_through", "").strip()
    through = checked_date(f"{through_text}-01", "depreciated_through", problems) if through_text else None
    if day is None and not problems:
        problems.append(Problem("assets_ui.error.date", "acquired_on"))
    try:
        if problems:
            raise Invalid(problems=problems)
        assert day is not None
        view = assets.register(db.uow(), actor, assets.NewAsset(
            form.get("name", ""), form.get("kind_code", ""), day, cost or 0, form.get("method", "declining"),
            life, quantity or 1, form.get("department", ""), form.get("location", ""), form.get("municipality", ""),
            form.get("supplier", ""), accumulated=accumulated or 0, depreciated_through=through))
    except DomainError as exc:
        errors, general = field_errors(exc, request_translator(request))
        return _form_page(request, form, errors, general, 422)
    return RedirectResponse(f"/assets/{view.id}", status_code=303)


@router.get("/runs")
def runs(request: Request, db: DbDep, actor: ActorDep, month: str = "", kind: str = "monthly",
         posted: int = 0, cancelled: int = 0) -> Response:
    day = dt.date.today().replace(day=1) - dt.timedelta(days=1)
    if month:
        try:
            day = dt.date.fromisoformat(month + "-01")
        except ValueError:
            pass
    kind = kind if kind in ("monthly", "yearly") else "monthly"
    return _runs_page(request, db, actor, kind, day, [], posted=posted, cancelled=cancelled)


def _runs_page(request: Request, db: Database, actor: Actor, kind: str, day: dt.date, general: list[str],
               status: int = 200, posted: int = 0, cancelled: int = 0) -> Response:
    preview = assets.preview_run(db.uow(), actor, kind, day)
    return render(request, "assets/runs.html", {"preview": preview, "month": f"{day:%Y-%m}", "kind": kind,
                                                 "posted": posted, "cancelled": cancelled, "general": general,
                                                 "accounts": standard_names(actor.language),
                                                 "runs": undo.list_runs(db.uow(), actor),
                                                 "can_edit": can(actor, "general_affairs.edit")}, status_code=status)


@router.post("/runs")
async def post_run(request: Request, db: DbDep, actor: ActorDep) -> Response:
    form = await form_data(request)
    month, kind = str(form.get("month", "")), str(form.get("kind", "monthly"))
    try:
        day = dt.date.fromisoformat(month + "-01")
        result = assets.post_run(db.uow(), actor, kind, day)
    except ValueError:
        return RedirectResponse("/assets/runs", status_code=303)
    except DomainError as exc:
        _errors, general = field_errors(exc, request_translator(request))
        return _runs_page(request, db, actor, kind, day, general + list(_errors.values()), 422)
    return RedirectResponse(f"/assets/runs?month={month}&kind={kind}&posted={result.journal_entry_id or 0}",
                            status_code=303)


@router.post("/runs/{run_id}/cancel")
async def cancel_run(request: Request, run_id: int, db: DbDep, actor: ActorDep) -> Response:
    form = await text_form(request)
    try:
        run = undo.cancel_run(db.uow(), actor, run_id, form.get("reason", ""))
    except DomainError as exc:
        _errors, general = field_errors(exc, request_translator(request))
        day = dt.date.today().replace(day=1) - dt.timedelta(days=1)
        return _runs_page(request, db, actor, "monthly", day, general + list(_errors.values()), exc.status)
    return RedirectResponse(f"/assets/runs?month={run.period_start:%Y-%m}&kind={run.kind}&cancelled=1",
                            status_code=303)


@router.get("/reports/depreciation")
def depreciation_report(db: DbDep, actor: ActorDep, day: str = "", format: str = "csv") -> Response:  # noqa: A002
    try:
        when = dt.date.fromisoformat(day) if day else dt.date.today()
    except ValueError:
        raise Invalid("assets_ui.error.date", field="day") from None
    content, media, name = export(queries.depreciation_report(db.uow(), actor, when),
                                  format if format in ("csv", "xlsx", "pdf") else "csv")
    return Response(content, media_type=media,
        headers={"Content-Disposition": content_disposition(f"{name}", "attachment")})


@router.get("/reports/declaration")
def declaration(db: DbDep, actor: ActorDep, year: int = 0, format: str = "csv") -> Response:  # noqa: A002
    content, media, name = export(queries.declaration(db.uow(), actor, year or dt.date.today().year + 1),
                                  format if format in ("csv", "xlsx", "pdf") else "csv")
    return Response(content, media_type=media,
        headers={"Content-Disposition": content_disposition(f"{name}", "attachment")})


@router.get("/{asset_id}")
def detail(request: Request, asset_id: int, db: DbDep, actor: ActorDep, cancelled: int = 0) -> Response:
    view, years = assets.asset_schedule(db.uow(), actor, asset_id)
    return render(request, "assets/detail.html", {"a": view, "years": years, "errors": {}, "general": [],
                                                   "form": {"day": dt.date.today().isoformat(), "kind": "retire"},
                                                   "cancelled": cancelled,
                                                   "can_edit": can(actor, "general_affairs.edit")})


@router.post("/{asset_id}/disposal/cancel")
async def cancel_disposal(request: Request, asset_id: int, db: DbDep, actor: ActorDep) -> Response:
    form = await text_form(request)
    try:
        undo.cancel_disposal(db.uow(), actor, asset_id, form.get("reason", ""))
    except DomainError as exc:
        errors, general = field_errors(exc, request_translator(request))
        view, years = assets.asset_schedule(db.uow(), actor, asset_id)
        return render(request, "assets/detail.html", {"a": view, "years": years, "errors": {},
                                                       "general": general + list(errors.values()),
                                                       "form": {"day": dt.date.today().isoformat(), "kind": "retire"},
                                                       "cancelled": 0, "can_edit": can(actor, "general_affairs.edit")},
                      status_code=exc.status)
    return RedirectResponse(f"/assets/{asset_id}?cancelled=1", status_code=303)


@router.post("/{asset_id}/dispose")
async def dispose(request: Request, asset_id: int, db: DbDep, actor: ActorDep) -> Response:
    form = await text_form(request)
    problems: list[Problem] = []
    day = checked_date(form.get("day", ""), "day", problems)
    proceeds = checked_int(form.get("proceeds", ""), "proceeds", problems) or 0
    try:
        if problems or day is None:
            raise Invalid(problems=problems or [Problem("assets_ui.error.date", "day")])
        assets.dispose(db.uow(), actor, assets.Disposal(asset_id, day, form.get("kind", "retire"), proceeds))
    except DomainError as exc:
        errors, general = field_errors(exc, request_translator(request))
        view, years = assets.asset_schedule(db.uow(), actor, asset_id)
        return render(request, "assets/detail.html", {"a": view, "years": years, "errors": errors,
                                                       "general": general, "form": form, "can_edit": True},
                      status_code=422)
    return RedirectResponse(f"/assets/{asset_id}", status_code=303)


__all__ = ["router", "rules"]
