"""給与の届出・納付 screens: the 月額変更届 対象者一覧 (随時改定), the 算定基礎届 list (定時決定) and the 納付 list
(源泉所得税 by month or 納期の特例 half-year, 住民税 by municipality; the 納付済 of those, of the 社会保険料 by
month and of the 労働保険料 (雇用保険分) by 労働保険年度), each with a CSV download. Thin adapters over
``payroll.wages``, ``payroll.queries`` and ``payroll.services``."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ennoshita.actor import Actor
from ennoshita.dates import today_tokyo
from ennoshita.errors import DomainError
from ennoshita.i18n import gettext
from ennoshita.identity.roles import can
from ennoshita.payroll import queries, wages
from ennoshita.payroll import remittances as payroll_remittances
from ennoshita.security.cells import writer
from ennoshita.security.files import content_disposition
from ennoshita.web import nav
from ennoshita.web.deps import ActorDep, DbDep
from ennoshita.web.forms import errors_of, form_data, parse_id
from ennoshita.web.render import render

router = APIRouter(prefix="/payroll")

nav.register(nav.NavItem("hr", "nav.payroll.zuiji", "/payroll/zuiji", "payroll.view", 51))
nav.register(nav.NavItem("hr", "nav.payroll.teiji", "/payroll/teiji", "payroll.view", 52))
nav.register(nav.NavItem("hr", "nav.payroll.payments", "/payroll/tax-payments", "payroll.view", 53))


def _year(request: Request) -> int:
    return parse_id(request.query_params.get("year")) or today_tokyo().year


def csv_response(header: Sequence[str], rows: Iterable[Sequence[Any]], name: str) -> Response:
    """A UTF-8 CSV (with BOM, for spreadsheet programs) whose cells never start a formula."""
    buf = io.StringIO()
    w = writer(buf, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    return Response(("\ufeff" + buf.getvalue()).encode(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": content_disposition(name, "attachment")})


def _t(actor: Actor, key: str) -> str:
    return gettext(actor.language, key)


@router.get("/zuiji")
def zuiji(request: Request, db: DbDep, actor: ActorDep) -> Response:
    year = _year(request)
    rows = wages.zuiji_list(db.uow(), actor, year)
    return render(request, "payroll/zuiji.html", {"rows": rows, "year": year})


@router.get("/zuiji.csv")
def zuiji_csv(request: Request, db: DbDep, actor: ActorDep) -> Response:
    year = _year(request)
    rows = wages.zuiji_list(db.uow(), actor, year)
    header = [_t(actor, k) for k in ("payroll_ui.col.employee_number", "payroll_ui.col.name",
                                     "payroll_ui.zuiji.effective_from", "payroll_ui.zuiji.before",
                                     "payroll_ui.zuiji.after", "payroll_ui.zuiji.months",
                                     "payroll_ui.zuiji.average", "payroll_ui.zuiji.current_grade",
                                     "payroll_ui.zuiji.new_grade", "payroll_ui.zuiji.new_pension_grade",
                                     "payroll_ui.zuiji.applies_from", "payroll_ui.col.status")]
    return csv_response(header, ([r.employee_number, r.name, r.effective_from.isoformat(), r.before, r.after,
                                  " / ".join(f"{m} {pay} ({days})" for m, pay, days in r.months),
                                  "" if r.average is None else r.average, r.current_grade,
                                  r.new_grade or "", r.new_pension_grade or "",
                                  r.applies_from.isoformat() if r.applies_from else "",
                                  _t(actor, f"payroll_ui.zuiji.status.{r.status}")] for r in rows),
                        f"getsugaku-henko-{year}.csv")


@router.get("/teiji")
def teiji(request: Request, db: DbDep, actor: ActorDep) -> Response:
    year = _year(request)
    return render(request, "payroll/teiji.html", {"rows": queries.teiji_list(db.uow(), actor, year), "year": year})


@router.get("/teiji.csv")
def teiji_csv(request: Request, db: DbDep, actor: ActorDep) -> Response:
    year = _year(request)
    rows = queries.teiji_list(db.uow(), actor, year)
    header = [_t(actor, k) for k in ("payroll_ui.col.employee_number", "payroll_ui.col.name",
                                     "payroll_ui.zuiji.months", "payroll_ui.zuiji.average",
                                     "payroll_ui.zuiji.current_grade", "payroll_ui.teiji.current_amount",
                                     "payroll_ui.zuiji.new_grade", "payroll_ui.teiji.new_amount")]
    return csv_response(header, ([r.employee_number, r.name,
                                  " / ".join(f"{m} {pay} ({days})" for m, pay, days in r.months),
                                  "" if r.average is None else r.average, r.current_grade, r.current_amount,
                                  r.new_grade or "", r.new_amount or ""] for r in rows),
                        f"santei-kiso-{year}.csv")


def _tax_payments_page(request: Request, db: DbDep, actor: ActorDep, year: int, status: int = 200,
                       general: list[str] | None = None) -> Response:
    rows = queries.tax_payments(db.uow(), actor, year)
    return render(request, "payroll/tax_payments.html", {
        "income": [r for r in rows if r.kind == "income_tax"], "resident": [r for r in rows if r.kind != "income_tax"],
        "remittances": payroll_remittances.remittances(db.uow(), actor, year),
        "can_remit": can(actor, "payroll.approve"),
        "general": general or [], "done": request.query_params.get("done", ""), "year": year}, status)


@router.get("/tax-payments")
def tax_payments(request: Request, db: DbDep, actor: ActorDep) -> Response:
    return _tax_payments_page(request, db, actor, _year(request))


@router.post("/remittances")
async def remit(request: Request, db: DbDep, actor: ActorDep) -> Response:
    """納付済 of one pay month (or, for the 労働保険料, one 労働保険年度) and kind, paid on its 納期限."""
    data = await form_data(request)
    month, kind = str(data.get("month", "")), str(data.get("kind", ""))
    page = parse_id(str(data.get("year", "")))  # the list the button was on (a 労働保険年度 is on two)
    year = page or (int(month[:4]) if month[:4].isdigit() else today_tokyo().year)
    try:
        payroll_remittances.pay_remittance(db.uow(), actor, month, kind)
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        return _tax_payments_page(request, db, actor, year, exc.status, general + list(errors.values()))
    return RedirectResponse(f"/payroll/tax-payments?year={year}&done=remitted", status_code=303)


@router.get("/tax-payments.csv")
def tax_payments_csv(request: Request, db: DbDep, actor: ActorDep) -> Response:
    year = _year(request)
    rows = queries.tax_payments(db.uow(), actor, year)
    header = [_t(actor, k) for k in ("payroll_ui.pay.kind", "payroll_ui.pay.period", "payroll_ui.pay.municipality",
                                     "payroll_ui.col.employees", "payroll_ui.pay.amount", "payroll_ui.pay.due")]
    return csv_response(header, ([_t(actor, f"payroll_ui.pay.{r.kind}"), r.period, r.municipality, r.people,
                                  r.amount, r.due.isoformat()] for r in rows), f"nofu-{year}.csv")
