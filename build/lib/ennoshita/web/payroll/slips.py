"""給与明細 screens: one's own payslips (self-service: an employee sees only their own, of fixed runs), a payslip
on screen and as PDF, and the 賃金台帳 of an employee for a year (人事/経理/監査)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ennoshita.dates import today_tokyo
from ennoshita.identity import company as company_service
from ennoshita.payroll import payslip, queries
from ennoshita.security.files import content_disposition
from ennoshita.web.deps import ActorDep, DbDep
from ennoshita.web.render import render

router = APIRouter(prefix="/payroll")


@router.get("/me")
def my_slips(request: Request, db: DbDep, actor: ActorDep) -> Response:
    return render(request, "payroll/my_slips.html", {"slips": queries.my_slips(db.uow(), actor)})


@router.get("/slips/{slip_id}")
def slip(request: Request, slip_id: int, db: DbDep, actor: ActorDep) -> Response:
    return render(request, "payroll/slip.html", {"s": queries.get_slip(db.uow(), actor, slip_id)})


@router.get("/slips/{slip_id}/pdf")
def slip_pdf(slip_id: int, db: DbDep, actor: ActorDep) -> Response:
    view = queries.get_slip(db.uow(), actor, slip_id)
    with db.uow() as uow:
        company = company_service.load_company(uow).name
    pdf = payslip.render_pdfs([view], company)[0]
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": content_disposition(f"payslip-{slip_id}.pdf", "inline")})


@router.get("/wage-ledger/{employee_id}")
def wage_ledger(request: Request, employee_id: int, db: DbDep, actor: ActorDep) -> Response:
    year = int(request.query_params.get("year") or today_tokyo().year)
    return render(request, "payroll/wage_ledger.html", {"w": queries.wage_ledger(db.uow(), actor, employee_id,
                                                                                  year)})


@router.get("/withholding-slips/{employee_id}/pdf")
def withholding_slip_pdf(request: Request, employee_id: int, db: DbDep, actor: ActorDep) -> Response:
    """源泉徴収票 of one employee for ``?year=``."""
    year = int(request.query_params.get("year") or today_tokyo().year)
    summary = queries.withholding_summary(db.uow(), actor, year)
    found = [g for g in summary.rows if g.employee_id == employee_id]
    if not found:
        return Response(status_code=404)
    with db.uow() as uow:
        company = company_service.load_company(uow).name
    return Response(payslip.render_withholding_pdf(found[0], company), media_type="application/pdf",
                    headers={"Content-Disposition": content_disposition(f"gensen-{year}-{employee_id}.pdf", "inline")})
