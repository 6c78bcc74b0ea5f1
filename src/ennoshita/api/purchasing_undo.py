"""購買の取消 API: 受領請求書の取消, 検収取消 and 支払済の取消, each with a required ``reason``. The rules (what is
reversed, what refuses it with 409 naming the document that depends on it) are in :mod:`ennoshita.purchasing.undo`;
the permission is the one that creates the document (403 otherwise)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from ennoshita.api.deps import ApiActor, DbDep
from ennoshita.api.purchasing import (
    BillDetailOut,
    PaymentRunOut,
    PurchaseOrderDetailOut,
    _bill_detail,
    _order_detail,
    run_out,
)
from ennoshita.purchasing import undo

router = APIRouter(tags=["purchasing"])


class CancelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(description="Why it is cancelled (kept with the cancellation and in the audit trail).")


@router.post("/bills/{bill_id}/cancel", response_model=BillDetailOut)
def cancel_bill(bill_id: int, body: CancelIn, db: DbDep, actor: ApiActor) -> BillDetailOut:
    """受領請求書の取消: its entry reversed, it leaves the payables; 409 while it is in a payment run or paid."""
    undo.cancel_bill(db.uow(), actor, bill_id, body.reason)
    return _bill_detail(db, actor, bill_id)


@router.post("/goods-receipts/{receipt_id}/cancel", response_model=PurchaseOrderDetailOut)
def cancel_receipt(receipt_id: int, body: CancelIn, db: DbDep, actor: ApiActor) -> PurchaseOrderDetailOut:
    """検収取消: its entry reversed (or its part of the month-end accrual), its quantities open on the order again;
    answers the order. 409 while a posted bill is matched to it."""
    done = undo.cancel_receipt(db.uow(), actor, receipt_id, body.reason)
    return _order_detail(db, actor, done.order_id)


@router.post("/payment-runs/{run_id}/unpay", response_model=PaymentRunOut)
def undo_paid_run(run_id: int, body: CancelIn, db: DbDep, actor: ApiActor) -> PaymentRunOut:
    """支払済の取消: the payment entries reversed, the bills open again (payable in a new run); 409 unless paid."""
    return run_out(undo.undo_paid_run(db.uow(), actor, run_id, body.reason))
