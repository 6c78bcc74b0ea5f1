"""Self-service 勤怠・休暇 for every employee (usable on a 390 px phone): clock in/out and breaks, my timesheet,
my leave balance and requests (年休申請, 勤怠修正申請), and, for a department head, the team."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ennoshita.dates import today_tokyo
from ennoshita.errors import DomainError, NotFound
from ennoshita.hr import queries, services
from ennoshita.hr.leave import LeaveInput
from ennoshita.hr.timesheets import RequestInput
from ennoshita.identity import require
from ennoshita.web import nav
from ennoshita.web.deps import ActorDep, DbDep
from ennoshita.web.forms import errors_of, form_data, parse_date, text
from ennoshita.web.hr import fmt_hm  # noqa: F401  registers the template helpers
from ennoshita.web.render import render

router = APIRouter(prefix="/hr/me")

nav.register(nav.NavItem("desk", "nav.hr.me", "/hr/me", "hr.self", 55))


def month_of(raw: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat(f"{raw}-01").replace(day=1) if raw else today_tokyo().replace(day=1)
    except ValueError:
        return today_tokyo().replace(day=1)


def _page(request: Request, db: DbDep, actor: ActorDep, status: int = 200, errors: dict[str, str] | None = None,
          general: list[str] | None = None, form: dict[str, str] | None = None) -> Response:
    require(actor, "hr.self")
    try:
        sheet = services.timesheet(db.uow(), actor, None, today_tokyo())
        leave = services.leave_status(db.uow(), actor, None)
    except NotFound:
        return render(request, "hr/me_none.html", {}, status_code=200)
    today = next((d for d in sheet.days if d.work_date == today_tokyo()), None)
    with db.uow() as uow:
        from ennoshita.hr.team import heads_of

        heads = sorted(heads_of(uow.session, actor))
    return render(request, "hr/me.html", {
        "sheet": sheet, "leave": leave, "today": today, "heads": heads, "errors": errors or {},
        "general": general or [], "form": form or {"leave_date": "", "unit": "day"},
        "done": request.query_params.get("done"), "today_date": today_tokyo()}, status_code=status)


@router.get("")
def me(request: Request, db: DbDep, actor: ActorDep) -> Response:
    return _page(request, db, actor)


@router.post("/clock")
async def clock(request: Request, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)
    try:
        services.clock(db.uow(), actor, text(data, "kind"))
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        return _page(request, db, actor, exc.status, general=general + list(errors.values()))
    return RedirectResponse(f"/hr/me?done=clock_{text(data, 'kind')}", status_code=303)


@router.post("/leave")
async def request_leave(request: Request, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)
    form = {k: text(data, k) for k in ("leave_date", "unit", "hours", "reason")}
    day = parse_date(form["leave_date"])
    try:
        if day is None:
            from ennoshita.errors import Invalid

            raise Invalid("hr.error.required", field="leave_date")
        hours = int(form["hours"]) if form.get("hours", "").isdigit() else 0
        services.request_leave(db.uow(), actor, LeaveInput(day, form["unit"] or "day", hours, form["reason"]))
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        return _page(request, db, actor, exc.status, errors, general, form)
    return RedirectResponse("/hr/me?done=leave", status_code=303)


@router.post("/correction")
async def correction(request: Request, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)
    day = parse_date(text(data, "work_date"))
    try:
        from ennoshita.errors import Invalid
        from ennoshita.hr.attendance import parse_clock

        if day is None:
            raise Invalid("hr.error.required", field="work_date")
        t_in, t_out = parse_clock(day, text(data, "clock_in")), parse_clock(day, text(data, "clock_out"))
        brk = text(data, "break_minutes")
        services.submit_request(db.uow(), actor, RequestInput(
            "correction", day, t_in, t_out, int(brk) if brk.isdigit() else 0, reason=text(data, "reason")))
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        return _page(request, db, actor, exc.status, general=general + list(errors.values()))
    return RedirectResponse("/hr/me?done=correction", status_code=303)


def _overtime_minutes(raw: str) -> int:
    """``2:30`` or ``150`` (minutes) → minutes; anything else is refused naming the field."""
    from ennoshita.errors import Invalid

    hours, sep, minutes = raw.partition(":")
    if sep and hours.isdigit() and minutes.isdigit() and len(minutes) == 2 and int(minutes) < 60:
        return int(hours) * 60 + int(minutes)
    if not sep and raw.isdigit():
        return int(raw)
    raise Invalid("hr.error.overtime_hours", field="minutes")


@router.post("/overtime")
async def overtime(request: Request, db: DbDep, actor: ActorDep) -> Response:
    """残業申請: the day, the expected overtime and the reason, to the department head (or 人事)."""
    data = await form_data(request)
    form = {k: text(data, k) for k in ("ot_date", "minutes", "ot_reason")}
    day = parse_date(form["ot_date"])
    try:
        from ennoshita.errors import Invalid

        if day is None:
            raise Invalid("hr.error.required", field="ot_date")
        services.submit_request(db.uow(), actor, RequestInput("overtime", day, minutes=_overtime_minutes(
            form["minutes"]), reason=form["ot_reason"]))
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        ot_errors = {("ot_reason" if k == "reason" else k): v for k, v in errors.items()}
        return _page(request, db, actor, exc.status, ot_errors, general, {"leave_date": "", "unit": "day", **form})
    return RedirectResponse("/hr/me?done=overtime", status_code=303)


@router.get("/timesheet")
def my_timesheet(request: Request, db: DbDep, actor: ActorDep) -> Response:
    require(actor, "hr.self")
    sheet = services.timesheet(db.uow(), actor, None, month_of(request.query_params.get("month")))
    return render(request, "hr/timesheet.html", {"sheet": sheet, "mine": True})


@router.get("/team")
def team(request: Request, db: DbDep, actor: ActorDep) -> Response:
    """The department head's team: this month's figures and each member's leave balance."""
    require(actor, "hr.self")
    month = month_of(request.query_params.get("month"))
    rows, total = queries.list_employees(db.uow(), actor, today_tokyo(), per_page=200)
    members = []
    for r in rows:
        sheet = services.timesheet(db.uow(), actor, r.id, month)
        leave = services.leave_status(db.uow(), actor, r.id)
        members.append((r, sheet, leave))
    return render(request, "hr/team.html", {"members": members, "month": month, "total": total})
