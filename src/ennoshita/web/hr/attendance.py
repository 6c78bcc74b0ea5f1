"""勤怠 screens for 人事: the month (every employee's 勤務表 row, 締め, CSV import of a time-clock export with
every bad row listed), one employee's 勤務表, and the 36協定 dashboard (every employee against each limit)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ennoshita import textfiles
from ennoshita.dates import today_tokyo
from ennoshita.errors import DomainError
from ennoshita.hr import services
from ennoshita.identity import can, require
from ennoshita.security import uploads
from ennoshita.web import nav
from ennoshita.web.deps import ActorDep, DbDep
from ennoshita.web.forms import Page, errors_of, page_no, query_without_page
from ennoshita.web.hr.me import month_of
from ennoshita.web.render import render

router = APIRouter(prefix="/hr")

nav.register(nav.NavItem("hr", "nav.hr.attendance", "/hr/attendance", "hr.view", 20))
nav.register(nav.NavItem("hr", "nav.hr.limits", "/hr/limits", "hr.view", 30))

PER_PAGE = 50


def _month_page(request: Request, db: DbDep, actor: ActorDep, status: int = 200, general: list[str] | None = None,
                result: services.CloseResult | None = None, imported: services.ImportResult | None = None
                ) -> Response:
    month = month_of(request.query_params.get("month"))
    page = page_no(request)
    rows, total = services.month_list(db.uow(), actor, month, page, PER_PAGE)
    return render(request, "hr/attendance.html", {
        "month": month, "page": Page(rows, total, page, PER_PAGE), "query": query_without_page(request),
        "general": general or [], "result": result, "imported": imported, "can_edit": can(actor, "hr.edit"),
        "done": request.query_params.get("done")}, status_code=status)


@router.get("/attendance")
def month_view(request: Request, db: DbDep, actor: ActorDep) -> Response:
    return _month_page(request, db, actor)


@router.post("/attendance/close")
async def close(request: Request, db: DbDep, actor: ActorDep) -> Response:
    form = await request.form()
    month = month_of(str(form.get("month") or ""))
    try:
        result = services.close_month(db.uow(), actor, month)
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        return _month_page(request, db, actor, exc.status, general + list(errors.values()))
    return _month_page(request, db, actor, result=result)


@router.post("/attendance/import")
async def import_csv(request: Request, db: DbDep, actor: ActorDep) -> Response:
    require(actor, "hr.edit")
    try:
        stream = await uploads.read_upload(request)  # capped (413), spooled and parsed off the event loop
        text, _ = textfiles.decode(stream.read() if stream is not None else b"")
        result = await run_in_threadpool(services.import_csv, db.uow(), actor, text,  # off the event loop
                                         uploads.rows_allowed(request, "attendance"))
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        return _month_page(request, db, actor, exc.status, general + list(errors.values()))
    return _month_page(request, db, actor, imported=result)


@router.get("/attendance/{emp_id}")
def employee_sheet(emp_id: int, request: Request, db: DbDep, actor: ActorDep) -> Response:
    sheet = services.timesheet(db.uow(), actor, emp_id, month_of(request.query_params.get("month")))
    return render(request, "hr/timesheet.html", {"sheet": sheet, "mine": False})


@router.get("/limits")
def limits(request: Request, db: DbDep, actor: ActorDep) -> Response:
    q = request.query_params
    default = today_tokyo().replace(day=1)
    month = month_of(q.get("month")) if q.get("month") else default
    page = page_no(request)
    board = services.dashboard(db.uow(), actor, month, page, PER_PAGE, only_flagged=q.get("flagged") == "1",
                               only_interview=q.get("interview") == "1")
    return render(request, "hr/limits.html", {
        "board": board, "page": Page(list(board.rows), board.total, page, PER_PAGE),
        "query": query_without_page(request), "q": q, "agreements": services.agreements(db.uow(), actor),
        "can_edit": can(actor, "hr.edit")})


@router.post("/limits/agreement")
async def save_agreement(request: Request, db: DbDep, actor: ActorDep) -> Response:
    from ennoshita.web.forms import form_data, parse_date, parse_id, text

    data = await form_data(request)
    start = parse_date(text(data, "start_date"))
    try:
        if start is None:
            from ennoshita.errors import Invalid

            raise Invalid("hr.error.required", field="start_date")
        special = text(data, "special_clause") == "1"
        services.save_agreement(db.uow(), actor, services.AgreementInput(
            start, text(data, "variable_hours") == "1", special, (parse_id(text(data, "special_monthly")) or 0) * 60,
            (parse_id(text(data, "special_yearly")) or 0) * 60, parse_id(text(data, "special_months")) or 6))
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        return RedirectResponse("/hr/limits?error=" + "；".join(general + list(errors.values())), status_code=303)
    return RedirectResponse("/hr/limits", status_code=303)
