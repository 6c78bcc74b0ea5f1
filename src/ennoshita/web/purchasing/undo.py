"""購買の取消 buttons: 受領請求書の取消 (bill detail), 検収取消 (the order's 検収履歴) and 支払済の取消 (payment run
detail), each with a required reason and a confirm dialog; the rules are in :mod:`ennoshita.purchasing.undo`."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ennoshita.errors import DomainError
from ennoshita.purchasing import undo
from ennoshita.web.deps import ActorDep, DbDep
from ennoshita.web.forms import errors_of, form_data, text
from ennoshita.web.purchasing.bills import bill_page
from ennoshita.web.purchasing.orders import order_page
from ennoshita.web.purchasing.payments import run_page

router = APIRouter(prefix="/purchasing")


@router.post("/bills/{bill_id}/cancel")
async def bill_cancel(request: Request, bill_id: int, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)
    try:
        undo.cancel_bill(db.uow(), actor, bill_id, text(data, "reason"))
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        return bill_page(request, db, actor, bill_id, exc.status, general + list(errors.values()), errors)
    return RedirectResponse(f"/purchasing/bills/{bill_id}?done=cancelled", status_code=303)


@router.post("/orders/{order_id}/receipts/{receipt_id}/cancel")
async def receipt_cancel(request: Request, order_id: int, receipt_id: int, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)
    try:
        order_id = undo.cancel_receipt(db.uow(), actor, receipt_id, text(data, "reason")).order_id
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        return order_page(request, db, actor, order_id, exc.status, general=general + list(errors.values()))
    return RedirectResponse(f"/purchasing/orders/{order_id}?done=receipt_cancelled", status_code=303)


@router.post("/payments/{run_id}/unpay")
async def run_unpay(request: Request, run_id: int, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)
    try:
        undo.undo_paid_run(db.uow(), actor, run_id, text(data, "reason"))
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        return run_page(request, db, actor, run_id, exc.status, general + list(errors.values()))
    return RedirectResponse(f"/purchasing/payments/{run_id}?done=unpaid", status_code=303)
