"""源泉所得税 screens: the 納付 list (所得税徴収高計算書 figures per 納期限, 納付 with its posting, and its 取消)
and the 支払調書 with the 法定調書合計表 figures (CSV, XLSX, PDF)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ennoshita.actor import Actor
from ennoshita.dates import today_tokyo
from ennoshita.db import Database
from ennoshita.errors import DomainError, Invalid, Problem
from ennoshita.identity import can
from ennoshita.security.files import content_disposition
from ennoshita.tabular import FORMATS, export
from ennoshita.web import nav
from ennoshita.web.deps import ActorDep, DbDep
from ennoshita.web.forms import errors_of, form_data, parse_date
from ennoshita.web.render import render
from ennoshita.withholding import reports
from ennoshita.withholding import services as withholding

router = APIRouter(prefix="/withholding")
nav.register(nav.NavItem("accounting", "nav.withholding.remittances", "/withholding", "ledger.view", 95))
nav.register(nav.NavItem("accounting", "nav.withholding.statements", "/withholding/statements", "ledger.view", 96))


def _year(raw: str | None, default: int) -> int:
    try:
        year = int(raw or default)
    except ValueError:
        return default
    return year if 2000 <= year <= 2100 else default


@router.get("")
def remittances(request: Request, db: DbDep, actor: ActorDep) -> Response:
    return _remittances_page(request, db, actor)


def _remittances_page(request: Request, db: Database, actor: Actor, status: int = 200,
                      general: list[str] | None = None) -> Response:
    q = request.query_params
    year = _year(q.get("year"), today_tokyo().year) if q.get("year") else None
    groups = withholding.remittance_list(db.uow(), actor, year)
    fmt = q.get("format")
    if fmt in FORMATS:
        content, media, name = export(reports.remittance_table(groups), fmt)
        return Response(content, media_type=media,
            headers={"Content-Disposition": content_disposition(f"{name}", "attachment")})
    return render(request, "withholding/remittances.html", {
        "groups": groups, "year": year, "today": today_tokyo(), "general": general or [],
        "done": q.get("done"), "can_cancel": can(actor, "payments.edit")}, status_code=status)


@router.post("/pay")
async def pay(request: Request, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)
    due = parse_date(str(data.get("due_date") or ""))
    paid = parse_date(str(data.get("paid_date") or ""))
    try:
        if due is None or paid is None:
            raise Invalid(problems=[Problem("error.required", "paid_date" if due else "due_date")])
        withholding.pay_remittance(db.uow(), actor, due, paid)
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        return _remittances_page(request, db, actor, exc.status, general + list(errors.values()))
    return RedirectResponse("/withholding?done=paid", status_code=303)


@router.post("/remittances/{remittance_id}/cancel")
async def cancel(request: Request, remittance_id: int, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)
    try:
        withholding.cancel_remittance(db.uow(), actor, remittance_id, str(data.get("reason") or ""))
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        return _remittances_page(request, db, actor, exc.status, general + list(errors.values()))
    return RedirectResponse("/withholding?done=cancelled", status_code=303)


@router.get("/statements")
def statements(request: Request, db: DbDep, actor: ActorDep) -> Response:
    q = request.query_params
    year = _year(q.get("year"), today_tokyo().year - 1 if today_tokyo().month == 1 else today_tokyo().year)
    rows, totals = withholding.payee_statements(db.uow(), actor, year)
    fmt = q.get("format")
    if fmt in FORMATS:
        content, media, name = export(reports.statements_table(year, rows, totals), fmt)
        return Response(content, media_type=media,
            headers={"Content-Disposition": content_disposition(f"{name}", "attachment")})
    return render(request, "withholding/statements.html", {"rows": rows, "totals": totals, "year": year,
                                                           "category_label": reports.category_label})
