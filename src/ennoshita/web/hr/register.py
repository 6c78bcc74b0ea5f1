"""社員名簿 screens for 人事: the register (paged, filtered), 入社 (the form that registers and opens the
checklist), an employee (assignment history, 異動, 退社, checklists), the personal data page (hr.personal,
every view audited), the 労働条件通知書 PDF, the 資格取得届/喪失届 data, the org chart and open checklists."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ennoshita.dates import today_tokyo
from ennoshita.errors import DomainError, Invalid, Problem
from ennoshita.hr import queries, services
from ennoshita.hr.employees import EmployeeInput, TransferInput
from ennoshita.hr.models import EMPLOYMENT_TYPES
from ennoshita.identity import can, require
from ennoshita.web import nav
from ennoshita.web.deps import ActorDep, DbDep
from ennoshita.web.forms import (
    Page,
    checked_int,
    errors_of,
    form_data,
    page_no,
    parse_date,
    parse_id,
    pdf_response,
    query_without_page,
    text,
)
from ennoshita.web.hr import fmt_hm  # noqa: F401  registers the template helpers
from ennoshita.web.hr.leave import OPENING_FIELDS, opening_of
from ennoshita.web.render import render

router = APIRouter(prefix="/hr")

nav.register(nav.NavItem("hr", "nav.hr.employees", "/hr/employees", "hr.view", 10))
nav.register(nav.NavItem("hr", "nav.hr.org", "/hr/org", "hr.view", 15))
nav.register(nav.NavItem("hr", "nav.hr.checklists", "/hr/checklists", "hr.view", 50))

PER_PAGE = 50
FORM_FIELDS = ("employee_number", "name", "name_kana", "birth_date", "hire_date", "employment_type", "department",
               "position", "weekly_days", "weekly_hours", "work_weekdays", "gender", "email", "phone", "postal_code",
               "address", "emergency_name", "emergency_relation", "emergency_phone", "monthly_wage", "user_id")


@router.get("/employees")
def employees(request: Request, db: DbDep, actor: ActorDep) -> Response:
    q = request.query_params
    page = page_no(request)
    rows, total = queries.list_employees(db.uow(), actor, today_tokyo(), department=q.get("department") or None,
                                         search=q.get("q", ""), include_left=q.get("left") == "1", page=page,
                                         per_page=PER_PAGE)
    return render(request, "hr/employees.html", {
        "page": Page(rows, total, page, PER_PAGE), "q": q, "query": query_without_page(request),
        "departments": queries.departments(db.uow()), "can_edit": can(actor, "hr.edit")})


def _minutes(raw: str, field: str, problems: list[Problem]) -> int:
    """Hours as typed: ``32``, ``17.5`` or ``32:00`` / ``7:30`` (the H:MM the screens show); a malformed one adds a
    problem naming the field."""
    text = raw.strip().translate(str.maketrans("０１２３４５６７８９：．", "0123456789:."))
    try:
        if ":" in text:
            hours, _, minutes = text.partition(":")
            if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2 and int(minutes) < 60):
                raise InvalidOperation
            return int(hours) * 60 + int(minutes)
        value = Decimal(text or "0") * 60
        if not value.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        problems.append(Problem("hr.error.weekly_hours", field))
        return 0
    return int(value)


def _form_page(request: Request, db: DbDep, form: dict[str, str], status: int = 200,
               errors: dict[str, str] | None = None, general: list[str] | None = None) -> Response:
    return render(request, "hr/employee_form.html", {
        "form": form, "errors": errors or {}, "general": general or [], "types": EMPLOYMENT_TYPES,
        "departments": queries.departments(db.uow()), "users": queries.unlinked_users(db.uow())},
        status_code=status)


@router.get("/employees/new")
def new_employee(request: Request, db: DbDep, actor: ActorDep) -> Response:
    require(actor, "hr.edit")
    return _form_page(request, db, {"employment_type": "regular", "weekly_days": "5", "weekly_hours": "40",
                                    "hire_date": today_tokyo().isoformat()})


@router.post("/employees/new")
async def create_employee(request: Request, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)
    form = {f: text(data, f) for f in (*FORM_FIELDS, *OPENING_FIELDS)}
    problems: list[Problem] = []
    opening = opening_of(data, problems)
    birth, hired = parse_date(form["birth_date"]), parse_date(form["hire_date"])
    for name, value in (("birth_date", birth), ("hire_date", hired)):
        if value is None and form[name]:
            problems.append(Problem("hr.error.required", name))
    days = parse_id(form["weekly_days"])
    # checked before the refusal below: a value it cannot read is named, never saved as 0
    weekly_minutes = _minutes(form["weekly_hours"], "weekly_hours", problems)
    monthly_wage = checked_int(form["monthly_wage"], "monthly_wage", problems)
    user_id = checked_int(form["user_id"], "user_id", problems)
    try:
        if problems:
            raise Invalid(problems=problems)
        emp_id = services.hire(db.uow(), actor, EmployeeInput(
            employee_number=form["employee_number"], name=form["name"], name_kana=form["name_kana"],
            birth_date=birth, hire_date=hired, employment_type=form["employment_type"], department=form["department"],
            weekly_days=days if days is not None else -1, weekly_minutes=weekly_minutes,
            position=form["position"], work_weekdays=form["work_weekdays"] or None, gender=form["gender"],
            email=form["email"], phone=form["phone"], postal_code=form["postal_code"], address=form["address"],
            emergency_name=form["emergency_name"], emergency_relation=form["emergency_relation"],
            emergency_phone=form["emergency_phone"], monthly_wage=monthly_wage or 0,
            user_id=user_id), opening)
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        return _form_page(request, db, form, exc.status, errors, general)
    return RedirectResponse(f"/hr/employees/{emp_id}?done=hired", status_code=303)


INLINE_FIELDS = ("effective_from", "department", "position", "employment_type", "leave_date", "leave_reason")


def _detail(request: Request, db: DbDep, actor: ActorDep, emp_id: int, status: int = 200,
            errors: dict[str, str] | None = None, general: list[str] | None = None,
            form: dict[str, str] | None = None) -> Response:
    view = services.get_employee(db.uow(), actor, emp_id)
    # a field the 異動 and 退社 forms show is answered beside it; any other above them
    general = (general or []) + [m for f, m in (errors or {}).items() if f not in INLINE_FIELDS]
    lists = services.checklists(db.uow(), actor, emp_id) if can(actor, "hr.view") else []
    return render(request, "hr/employee.html", {
        "e": view, "checklists": lists, "errors": errors or {}, "general": general or [],
        "can_edit": can(actor, "hr.edit"), "can_personal": can(actor, "hr.personal"),
        "done": request.query_params.get("done"), "types": EMPLOYMENT_TYPES, "form": form or {}}, status_code=status)


@router.get("/employees/{emp_id}")
def employee(emp_id: int, request: Request, db: DbDep, actor: ActorDep) -> Response:
    return _detail(request, db, actor, emp_id)


@router.post("/employees/{emp_id}/transfer")
async def transfer(emp_id: int, request: Request, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)
    day = parse_date(text(data, "effective_from"))
    try:
        if day is None:
            raise Invalid("hr.error.required", field="effective_from")
        services.transfer(db.uow(), actor, emp_id, TransferInput(
            day, text(data, "department"), text(data, "position"), text(data, "employment_type") or None))
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        kept = {f: text(data, f) for f in ("effective_from", "department", "position", "employment_type")}
        return _detail(request, db, actor, emp_id, exc.status, errors, general, kept)
    return RedirectResponse(f"/hr/employees/{emp_id}?done=transfer", status_code=303)


@router.post("/employees/{emp_id}/leaving")
async def leaving(emp_id: int, request: Request, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)
    day = parse_date(text(data, "leave_date"))
    try:
        if day is None:
            raise Invalid("hr.error.required", field="leave_date")
        services.leave(db.uow(), actor, emp_id, day, text(data, "leave_reason"))
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        kept = {f: text(data, f) for f in ("leave_date", "leave_reason")}
        return _detail(request, db, actor, emp_id, exc.status, errors, general, kept)
    return RedirectResponse(f"/hr/employees/{emp_id}?done=leaving", status_code=303)


@router.get("/employees/{emp_id}/personal")
def personal(emp_id: int, request: Request, db: DbDep, actor: ActorDep) -> Response:
    """個人情報: hr/admin only; the view is written to the audit trail."""
    view = services.get_employee(db.uow(), actor, emp_id, personal=True)
    return render(request, "hr/personal.html", {"e": view})


@router.get("/employees/{emp_id}/contract.pdf")
def contract(emp_id: int, db: DbDep, actor: ActorDep) -> Response:
    pdf, name = services.contract_pdf(db.uow(), actor, emp_id)
    return pdf_response(pdf, name)


@router.get("/employees/{emp_id}/insurance/{kind}")
def insurance(emp_id: int, kind: str, request: Request, db: DbDep, actor: ActorDep) -> Response:
    data = services.insurance_data(db.uow(), actor, emp_id, kind)
    return render(request, "hr/insurance.html", {"data": data, "kind": kind, "emp_id": emp_id})


@router.post("/checklist-items/{item_id}")
async def tick(item_id: int, request: Request, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)
    services.set_item(db.uow(), actor, item_id, text(data, "done") == "1")
    back = text(data, "back")
    return RedirectResponse(back if back.startswith("/hr/") else "/hr/checklists", status_code=303)


@router.get("/checklists")
def open_checklists(request: Request, db: DbDep, actor: ActorDep) -> Response:
    return render(request, "hr/checklists.html", {"rows": services.open_checklists(db.uow(), actor),
                                                  "can_edit": can(actor, "hr.edit")})


@router.get("/org")
def org(request: Request, db: DbDep, actor: ActorDep) -> Response:
    units = queries.org_chart(db.uow(), actor, today_tokyo())
    from ennoshita.web.approvals import user_names

    return render(request, "hr/org.html", {"units": units, "names": user_names(db)})
