"""取消 of posted purchasing documents, each one use case in one transaction: the module's own undo of what it
posted (the journal's 取消/訂正 refuse these entries, :mod:`ennoshita.purchasing.ledger_owner`).

* 検収取消 (:func:`cancel_receipt`): the receipt's 検収基準 entry reversed (under 請求基準, the month-end
  未払計上 that counted it corrected on that month end, with its 翌月初戻し), the quantities open on the order
  again (it can be received anew), the receipt kept as ``cancelled``. Refused while a posted bill settled it.
* 受領請求書の取消 (:func:`cancel_bill`): the bill's entry reversed, its payable closed as ``cancelled`` (the
  payment-run candidates no longer offer it), the receipts it settled unbilled again (a receipt it took without
  posting, the bill having come first, posts its purchase now under 検収基準), its 源泉所得税 dropped; the bill is
  kept as ``cancelled``. Refused while the bill is in a payment run, or paid (undo that run first).
* 支払済の取消 (:func:`undo_paid_run`): a run marked paid by mistake: each transfer's entry reversed, its bills
  open again (payable in a new run), the 源泉所得税 of its bills no longer dated by the payment, its 全銀 file
  voided; the run is kept as ``cancelled``. A run whose withheld tax was already remitted, or which also paid
  another payee kind (経費精算), is refused.

Each reversal is dated like the original unless that month is locked (then today), as 消込取消 does; the reason is
required, kept in ``purchasing_cancellations`` with the reversing entries, and written to the audit trail.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ennoshita import audit
from ennoshita.actor import Actor
from ennoshita.dates import now_utc, today_tokyo
from ennoshita.db import UnitOfWork
from ennoshita.errors import Conflict, InvalidTransition, NotFound
from ennoshita.identity import load_company
from ennoshita.identity.company import CompanyData
from ennoshita.identity.roles import require
from ennoshita.ledger import reverse_in
from ennoshita.lengths import cancel_reason
from ennoshita.purchasing import recognition, rules
from ennoshita.purchasing.bills import BILL_TRANSITIONS, require_any
from ennoshita.purchasing.models import (
    GoodsReceipt,
    GoodsReceiptLine,
    Payable,
    PaymentFileVoid,
    PaymentRun,
    PaymentTransfer,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchasingCancellation,
    SupplierBill,
)
from ennoshita.purchasing.orders import PO_TRANSITIONS, move, order_lines
from ennoshita.purchasing.payments import RUN_TRANSITIONS, RunSummary, _active_file
from ennoshita.purchasing.payments import _summary as run_summary
from ennoshita.withholding import services as withholding


@dataclass(frozen=True)
class BillCancelResult:
    id: int
    number: str
    status: str
    reversal_entries: tuple[str, ...]  # the 取消 of the bill's entry, and of the receipts it now posts


@dataclass(frozen=True)
class ReceiptCancelResult:
    receipt_id: int
    order_id: int
    order_number: str
    order_status: str
    reversal_entries: tuple[str, ...]


def _reason(reason: str) -> str:
    return cancel_reason(reason, "purchasing.error.cancel_reason")


def _keep(s: Session, actor: Actor, kind: str, document_id: int, number: str, reason: str,
          reversal_ids: list[int]) -> None:
    s.add(PurchasingCancellation(kind=kind, document_id=document_id, number=number, reason=reason,
                                 reversal_entry_ids=reversal_ids, cancelled_by=actor.user_id,
                                 cancelled_at=now_utc()))


def cancellation_of(s: Session, kind: str, document_id: int) -> PurchasingCancellation | None:
    """The 取消 of a document (its reason, who, when), ``None`` when it stands."""
    return s.scalar(select(PurchasingCancellation).where(PurchasingCancellation.kind == kind,
                                                         PurchasingCancellation.document_id == document_id)
                    .order_by(PurchasingCancellation.id.desc()).limit(1))


# ---------------------------------------------------------------- 受領請求書の取消


def cancel_bill(uow: UnitOfWork, actor: Actor, bill_id: int, reason: str, today: dt.date | None = None
                ) -> BillCancelResult:
    """受領請求書の取消 (see the module's docstring); the same permission as entering a bill."""
    require_any(actor, "purchasing.edit", "payments.edit")
    reason = _reason(reason)
    with uow:
        s = uow.session
        bill = s.get(SupplierBill, bill_id, with_for_update=True)
        if bill is None:
            raise NotFound("purchasing.error.bill_not_found", field="bill_id", id=bill_id)
        if bill.status != "posted":
            raise InvalidTransition("purchasing.error.transition", field="status", entity="supplier_bill",
                                    current=bill.status, target="cancelled")
        payable = s.get(Payable, bill.id, with_for_update=True)
        if payable is not None and payable.status in ("in_run", "paid"):
            run = s.get(PaymentRun, payable.payment_run_id or 0)
            raise Conflict(f"purchasing.error.bill_{payable.status}", field="bill_id", number=bill.number,
                           run=run.number if run else "")
        if withholding.items_paid(s, "supplier_bill", [bill.id]):
            raise Conflict("purchasing.error.bill_paid", field="bill_id", number=bill.number, run="")
        company = load_company(uow)
        before = {"status": bill.status, "payable": payable.status if payable else None}
        move(s, actor, bill, BILL_TRANSITIONS, "cancelled", "supplier_bill")
        s.flush()
        reversals = []
        if bill.journal_entry_id is not None:
            reversals.append(reverse_in(s, actor, bill.journal_entry_id, f"受領請求書取消 {reason}",
                                        fallback_date=today or today_tokyo()))
        if payable is not None:
            payable.status, payable.open_amount = "cancelled", 0
        dropped = withholding.drop_unpaid(s, "supplier_bill", [bill.id])
        unbilled: list[int] = []
        posted_now: list[int] = []
        for receipt in s.scalars(select(GoodsReceipt).where(GoodsReceipt.bill_id == bill.id)
                                 .order_by(GoodsReceipt.id)):
            receipt.bill_id = None
            unbilled.append(receipt.id)
            if receipt.journal_entry_id is None and receipt.status == "posted":
                # the bill came first and booked the purchase: the receipt posts it now (検収基準)
                s.flush()
                _post_receipt_again(s, actor, company, receipt)
                if receipt.journal_entry_id is not None:
                    posted_now.append(receipt.id)
        ids = [r.id for r in reversals]
        _keep(s, actor, "supplier_bill", bill.id, bill.number, reason, ids)
        audit.record(s, actor, "supplier_bill", bill.id, "cancel", before=before, after={
            "number": bill.number, "status": "cancelled", "reason": reason, "gross": bill.gross,
            "reversals": [r.entry_no for r in reversals], "receipts_unbilled": unbilled,
            "receipts_posted": posted_now, "withholding_dropped": dropped})
        result = BillCancelResult(bill.id, bill.number, bill.status, tuple(r.entry_no for r in reversals))
        uow.commit()
    return result


def _post_receipt_again(s: Session, actor: Actor, company: CompanyData, receipt: GoodsReceipt) -> None:
    po = s.get(PurchaseOrder, receipt.order_id)
    assert po is not None
    wanted = []
    for gl in s.scalars(select(GoodsReceiptLine).where(GoodsReceiptLine.receipt_id == receipt.id)
                        .order_by(GoodsReceiptLine.id)):
        line = s.get(PurchaseOrderLine, gl.order_line_id)
        if line is not None:
            wanted.append((line, Decimal(gl.quantity)))
    recognition.post_receipt(s, actor, company, po, receipt, wanted)


# ---------------------------------------------------------------- 検収取消


def cancel_receipt(uow: UnitOfWork, actor: Actor, receipt_id: int, reason: str, today: dt.date | None = None
                   ) -> ReceiptCancelResult:
    """検収取消 (see the module's docstring); the same permission as recording a receipt."""
    require(actor, "purchasing.edit")
    reason = _reason(reason)
    with uow:
        s = uow.session
        receipt = s.get(GoodsReceipt, receipt_id, with_for_update=True)
        if receipt is None:
            raise NotFound("purchasing.error.receipt_not_found", field="receipt_id", id=receipt_id)
        po = s.get(PurchaseOrder, receipt.order_id, with_for_update=True)
        assert po is not None
        if receipt.status != "posted":
            raise Conflict("purchasing.error.receipt_cancelled", field="receipt_id", order=po.number)
        bill = s.get(SupplierBill, receipt.bill_id) if receipt.bill_id is not None else None
        if bill is not None and bill.status == "posted":
            raise Conflict("purchasing.error.receipt_billed", field="receipt_id", order=po.number,
                           bill=bill.number)
        company = load_company(uow)
        day = today or today_tokyo()
        reversals = []
        if receipt.journal_entry_id is not None:
            reversals.append(reverse_in(s, actor, receipt.journal_entry_id, f"検収取消 {po.number} {reason}",
                                        fallback_date=day))
        accruals = recognition.unaccrue_receipt(s, actor, company, po, receipt)
        lines = order_lines(s, po.id)
        by_id = {ln.id: ln for ln in lines}
        restored = []
        for gl in s.scalars(select(GoodsReceiptLine).where(GoodsReceiptLine.receipt_id == receipt.id)
                            .order_by(GoodsReceiptLine.id)):
            line = by_id[gl.order_line_id]
            line.received_quantity = Decimal(line.received_quantity) - Decimal(gl.quantity)
            restored.append([line.id, str(gl.quantity)])
        receipt.status, receipt.bill_id = "cancelled", None
        target = rules.order_status_after_receipts(
            [(Decimal(ln.quantity), Decimal(ln.received_quantity)) for ln in lines])
        move(s, actor, po, PO_TRANSITIONS, target, "purchase_order")
        ids = [r.id for r in reversals] + [e.id for e in accruals]
        _keep(s, actor, "goods_receipt", receipt.id, po.number, reason, ids)
        numbers = tuple(r.entry_no for r in (*reversals, *accruals))
        audit.record(s, actor, "goods_receipt", receipt.id, "cancel", before={"status": "posted"}, after={
            "order": po.number, "status": "cancelled", "reason": reason, "gross": receipt.gross,
            "lines": restored, "reversals": list(numbers), "order_status": po.status})
        result = ReceiptCancelResult(receipt.id, po.id, po.number, po.status, numbers)
        uow.commit()
    return result


# ---------------------------------------------------------------- 支払済の取消


def undo_paid_run(uow: UnitOfWork, actor: Actor, run_id: int, reason: str, today: dt.date | None = None
                  ) -> RunSummary:
    """支払済の取消 (see the module's docstring); the same permission as preparing a run. A draft run is dropped
    by :func:`ennoshita.purchasing.payments.cancel_payment_run` instead."""
    require(actor, "payments.edit")
    reason = _reason(reason)
    with uow:
        s = uow.session
        run = s.get(PaymentRun, run_id, with_for_update=True)
        if run is None:
            raise NotFound("purchasing.error.run_not_found", field="run_id", id=run_id)
        if run.status != "paid":
            raise Conflict("purchasing.error.run_not_paid", field="run_id", number=run.number, status=run.status)
        kinds = set(s.scalars(select(PaymentTransfer.payee_kind).where(PaymentTransfer.run_id == run.id)))
        if kinds - {"supplier"}:
            raise Conflict("purchasing.error.run_other_payees", field="run_id", number=run.number)
        payables = list(s.scalars(select(Payable).where(Payable.payment_run_id == run.id,
                                                        Payable.status == "paid").with_for_update()))
        bill_ids = [p.bill_id for p in payables]
        if withholding.items_remitted(s, "supplier_bill", bill_ids):
            raise Conflict("purchasing.error.run_withholding_remitted", field="run_id", number=run.number)
        day = today or today_tokyo()
        reversals = [reverse_in(s, actor, entry_id, f"支払取消 {run.number} {reason}", fallback_date=day)
                     for entry_id in run.journal_entry_ids or []]
        for p in payables:
            p.status, p.paid_amount, p.open_amount, p.payment_run_id = "open", 0, p.amount, None
        withholding.mark_unpaid(s, "supplier_bill", bill_ids)
        active = _active_file(s, run.id)
        if active is not None:
            s.add(PaymentFileVoid(file_id=active.id, reason=f"支払取消 {reason}", voided_by=actor.user_id,
                                  voided_at=now_utc()))
        move(s, actor, run, RUN_TRANSITIONS, "cancelled", "payment_run")
        ids = [r.id for r in reversals]
        _keep(s, actor, "payment_run", run.id, run.number, reason, ids)
        audit.record(s, actor, "payment_run", run.id, "unpay", before={"status": "paid"}, after={
            "number": run.number, "status": "cancelled", "reason": reason, "bills_reopened": bill_ids,
            "reversals": [r.entry_no for r in reversals], "file_voided": active.id if active else None})
        result = run_summary(s, run)
        uow.commit()
    return result


@dataclass(frozen=True)
class CancellationView:
    reason: str
    cancelled_at: dt.datetime
    reversal_entry_ids: tuple[int, ...]


def cancellation(uow: UnitOfWork, actor: Actor, kind: str, document_id: int) -> CancellationView | None:
    """The 取消 of a document for its detail screen (``None`` when it stands)."""
    require_any(actor, "purchasing.view", "payments.edit")
    with uow:
        row = cancellation_of(uow.session, kind, document_id)
        return None if row is None else CancellationView(row.reason, row.cancelled_at,
                                                         tuple(row.reversal_entry_ids or ()))
