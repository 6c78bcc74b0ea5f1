"""年次有給休暇 screens for 人事: the 管理簿 (paged, CSV for the legal record), the 年5日取得義務 list (who is at
risk and by when), and one employee's grants, use and balance with leave recorded by 人事."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse

from ennoshita.dates import today_tokyo
from ennoshita.errors import DomainError, Invalid, Problem
from ennoshita.hr import queries, rules, services
from ennoshita.hr.leave import LeaveInput
from ennoshita.hr.opening import OpeningInput
from ennoshita.identity import can
from ennoshita.security.files import content_disposition
from ennoshita.web import nav
from ennoshita.web.deps import ActorDep, DbDep
from ennoshita.web.forms import Page, errors_of, form_data, page_no, parse_date, query_without_page, text
from ennoshita.web.render import render

router = APIRouter(prefix="/hr/leave")

nav.register(nav.NavItem("hr", "nav.hr.leave", "/hr/leave", "hr.view", 40))

PER_PAGE = 50
OPENING_ROWS = 3
OPENING_FIELDS = ("as_of", *(f"opening.{i}.{f}" for i in range(1, OPENING_ROWS + 1) for f in ("grant_date", "days")))


def opening_of(data: dict[str, Any], problems: list[Problem]) -> OpeningInput | None:
    """The 導入時残高 fields of a form (``as_of``, ``opening.N.grant_date``, ``opening.N.days``); None when all are
    blank. What cannot be read is added to ``problems`` under its field."""
    form = {f: text(data, f) for f in OPENING_FIELDS}
    if not any(form.values()):
        return None
    as_of = parse_date(form["as_of"])
    if as_of is None:
        problems.append(Problem("hr.error.required", "as_of"))
    rows = []
    for i in range(1, OPENING_ROWS + 1):
        raw_date, raw_days = form[f"opening.{i}.grant_date"], form[f"opening.{i}.days"]
        if not raw_date and not raw_days:
            continue
        day = parse_date(raw_date)
        if day is None:
            problems.append(Problem("hr.error.required", f"opening.{i}.grant_date"))
        try:
            days = Fraction(Decimal(raw_days.translate(str.maketrans("０１２３４５６７８９．", "0123456789."))))
        except (InvalidOperation, ValueError):
            problems.append(Problem("hr.error.opening_days", f"opening.{i}.days"))
            continue
        if day is not None:
            rows.append(rules.OpeningRow(day, days))
    return OpeningInput(as_of, tuple(rows)) if as_of is not None else None


@router.get("")
def ledger(request: Request, db: DbDep, actor: ActorDep) -> Response:
    q = request.query_params
    on = parse_date(q.get("on")) or today_tokyo()
    page = page_no(request)
    rows, total = queries.leave_ledger(db.uow(), actor, on, department=q.get("department") or None,
                                       search=q.get("q", ""), page=page, per_page=PER_PAGE)
    risk, risk_total = queries.obligations(db.uow(), actor, on)
    return render(request, "hr/leave.html", {
        "on": on, "page": Page(rows, total, page, PER_PAGE), "query": query_without_page(request), "q": q,
        "risk": risk, "risk_total": risk_total, "departments": queries.departments(db.uow())})


@router.get("/ledger.csv")
def ledger_csv(request: Request, db: DbDep, actor: ActorDep) -> Response:
    on = parse_date(request.query_params.get("on")) or today_tokyo()
    chunks = queries.leave_ledger_csv(db.uow(), actor, on)
    first = next(chunks)  # the permission check runs before the response starts
    name = f"nenkyu-kanribo-{on.isoformat()}.csv"

    def body() -> Iterator[bytes]:
        yield first.encode()
        for c in chunks:
            yield c.encode()

    return StreamingResponse(body(), media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": content_disposition(f"{name}", "attachment")})


def _employee_page(request: Request, db: DbDep, actor: ActorDep, emp_id: int, status: int = 200,
                   general: list[str] | None = None, form: dict[str, str] | None = None,
                   errors: dict[str, str] | None = None) -> Response:
    on = parse_date(request.query_params.get("on")) or today_tokyo()
    st = services.leave_status(db.uow(), actor, emp_id, on)
    if form is None:  # the 導入時残高 as entered, to correct it
        opening = [g for g in st.grants if g.kind == "opening"]
        form = {"as_of": st.records_from.isoformat() if st.records_from else ""}
        for i, g in enumerate(opening[:OPENING_ROWS], start=1):
            form[f"opening.{i}.grant_date"] = g.grant_date.isoformat()
            form[f"opening.{i}.days"] = rules.format_days(g.days)
    return render(request, "hr/leave_employee.html", {
        "st": st, "emp_id": emp_id, "general": general or [], "can_edit": can(actor, "hr.edit"),
        "form": form, "errors": errors or {}}, status_code=status)


@router.get("/{emp_id}")
def employee_leave(emp_id: int, request: Request, db: DbDep, actor: ActorDep) -> Response:
    return _employee_page(request, db, actor, emp_id)


@router.post("/{emp_id}/record")
async def record(emp_id: int, request: Request, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)
    day = parse_date(text(data, "leave_date"))
    try:
        if day is None:
            raise Invalid("hr.error.required", field="leave_date")
        services.request_leave(db.uow(), actor, LeaveInput(day, text(data, "unit") or "day"), emp_id, record=True)
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        return _employee_page(request, db, actor, emp_id, exc.status, general + list(errors.values()))
    return RedirectResponse(f"/hr/leave/{emp_id}", status_code=303)


@router.post("/{emp_id}/opening")
async def opening(emp_id: int, request: Request, db: DbDep, actor: ActorDep) -> Response:
    """導入時残高: the 導入日 and what was left of each grant made before it."""
    data = await form_data(request)
    problems: list[Problem] = []
    try:
        cmd = opening_of(data, problems)
        if problems:
            raise Invalid(problems=problems)
        if cmd is None:
            raise Invalid("hr.error.required", field="as_of")
        services.set_opening(db.uow(), actor, emp_id, cmd)
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        return _employee_page(request, db, actor, emp_id, exc.status, general,
                              {f: text(data, f) for f in OPENING_FIELDS}, errors)
    return RedirectResponse(f"/hr/leave/{emp_id}", status_code=303)
