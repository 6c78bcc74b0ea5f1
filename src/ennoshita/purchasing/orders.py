"""発注 → 承認 → 送付 → 検収: purchase orders with approval by the company's route table, sent to the
supplier, received in part or in full.

State changes go through :func:`move` over the document's TRANSITIONS (refusing any other change and
writing the audit record), as in :mod:`ennoshita.sales.flow`. The 稟議 outcome arrives as the
``approvals.*`` events, handled in the deciding transaction (:func:`on_approval`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ennoshita import audit, events
from ennoshita.actor import Actor
from ennoshita.approvals import services as approvals
from ennoshita.dates import now_utc
from ennoshita.db import UnitOfWork
from ennoshita.errors import Invalid, InvalidTransition, NotFound, Problem
from ennoshita.identity import load_company
from ennoshita.identity.roles import require
from ennoshita.kernel import transitions
from ennoshita.kernel.lines import LineInput, line_problems, parse_decimal, price_entry_of, resolve_lines
from ennoshita.kernel.transitions import Stateful
from ennoshita.ledger.taxes import PURPOSE_CODES
from ennoshita.lengths import length_problems
from ennoshita.partners.models import Partner
from ennoshita.purchasing.models import GoodsReceipt, GoodsReceiptLine, PurchaseOrder, PurchaseOrderLine
from ennoshita.purchasing.numbering import next_number

PO_TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"pending_approval", "approved", "cancelled"}),
    "pending_approval": frozenset({"approved", "rejected", "draft"}),
    "approved": frozenset({"sent", "cancelled"}),
    "sent": frozenset({"partial", "received", "cancelled"}),
    "partial": frozenset({"partial", "received", "sent"}),  # back to sent / partial: 検収取消 (purchasing.undo)
    "received": frozenset({"partial", "sent"}),
    "rejected": frozenset(),
    "cancelled": frozenset(),
}


def move(session: Session, actor: Actor, doc: Stateful, table: dict[str, frozenset[str]], target: str,
         entity: str) -> None:
    """Change ``doc.status`` to ``target`` if ``table`` allows it, with its audit record."""
    transitions.move(session, actor, doc, table, target, entity, "purchasing.error.transition")


def supplier_of(session: Session, supplier_id: int, field: str = "supplier_id") -> Partner:
    partner = session.get(Partner, supplier_id)
    if partner is None or not partner.active or not partner.is_supplier:
        raise Invalid("purchasing.error.supplier_required", field=field, id=supplier_id)
    return partner


@dataclass(frozen=True)
class PurchaseOrderInput:
    supplier_id: int
    order_date: dt.date
    lines: tuple[LineInput, ...]
    delivery_date: dt.date | None = None
    delivery_place: str = ""
    subject: str = ""
    department: str | None = None
    price_entry: str = "exclusive"
    notes: str = ""
    request_id: int | None = None


@dataclass(frozen=True)
class OrderSummary:
    id: int
    number: str
    status: str
    supplier_id: int
    net: int
    tax: int
    gross: int
    approval_request_id: int | None = None


def _summary(po: PurchaseOrder, request_id: int | None = None) -> OrderSummary:
    return OrderSummary(po.id, po.number, po.status, po.supplier_id, po.net, po.tax, po.gross, request_id)


def _load(s: Session, order_id: int) -> PurchaseOrder:
    po = s.get(PurchaseOrder, order_id)
    if po is None:
        raise NotFound("purchasing.error.order_not_found", field="order_id", id=order_id)
    return po


def purpose_problems(lines: tuple[LineInput, ...]) -> list[Problem]:
    """A line's 用途区分 must be one of taxable / non_taxable / common (or empty: the company's default)."""
    return [Problem("ledger.error.ctax_purpose", f"lines[{i}].tax_purpose", {"value": ln.tax_purpose})
            for i, ln in enumerate(lines) if ln.tax_purpose.strip() and ln.tax_purpose.strip() not in PURPOSE_CODES]


def _header_problems(cmd: PurchaseOrderInput) -> list[Problem]:
    header = length_problems(PurchaseOrder, {"subject": cmd.subject.strip(), "department": cmd.department,
                                             "delivery_place": cmd.delivery_place.strip()})
    if cmd.delivery_date is not None and cmd.delivery_date < cmd.order_date:
        header.append(Problem("purchasing.error.delivery_before_order", "delivery_date"))
    return header + purpose_problems(cmd.lines)


def purchase_order_problems(uow: UnitOfWork, cmd: PurchaseOrderInput) -> list[Problem]:
    """What :func:`create_purchase_order` would refuse in the texts, the dates' order and the lines, without
    writing; the supplier is not looked at (a form that has none reports that itself, and this beside it)."""
    with uow:
        return _header_problems(cmd) + line_problems(uow.session, cmd.lines, cmd.price_entry,
                                                     load_company(uow).rounding)


def create_purchase_order(uow: UnitOfWork, actor: Actor, cmd: PurchaseOrderInput) -> OrderSummary:
    """発注書 (draft) with its lines (品目 code or free text); totals once per rate."""
    require(actor, "purchasing.edit")
    price_entry = price_entry_of(cmd.price_entry)
    header = _header_problems(cmd)
    with uow:
        s = uow.session
        company = load_company(uow)
        supplier_of(s, cmd.supplier_id)
        try:
            lines, totals = resolve_lines(s, cmd.lines, price_entry, company.rounding)
        except Invalid as exc:
            raise Invalid(problems=header + exc.problems) from None
        if header:
            raise Invalid(problems=header)
        po = PurchaseOrder(
            number=next_number(s, "purchase_order", cmd.order_date, company.fiscal_year_start_month),
            supplier_id=cmd.supplier_id, order_date=cmd.order_date, delivery_date=cmd.delivery_date,
            delivery_place=cmd.delivery_place.strip(), subject=cmd.subject.strip(), department=cmd.department,
            price_entry=price_entry.value, net=totals.net, tax=totals.tax, gross=totals.gross, status="draft",
            notes=cmd.notes, request_id=cmd.request_id, created_by=actor.user_id, created_at=now_utc())
        s.add(po)
        s.flush()
        for n, (line, given) in enumerate(zip(lines, cmd.lines, strict=True), start=1):
            s.add(PurchaseOrderLine(order_id=po.id, received_quantity=Decimal(0),
                                    tax_purpose=given.tax_purpose.strip() or None, **line.row(n)))
        audit.record(s, actor, "purchase_order", po.id, "create", after={
            "number": po.number, "supplier_id": po.supplier_id, "order_date": po.order_date.isoformat(),
            "delivery_date": po.delivery_date.isoformat() if po.delivery_date else None,
            "delivery_place": po.delivery_place, "net": po.net, "tax": po.tax, "gross": po.gross,
            "lines": [[ln.description, str(ln.quantity), str(ln.unit_price), ln.tax_rate, ln.amount,
                       given.tax_purpose.strip() or None] for ln, given in zip(lines, cmd.lines, strict=True)]})
        if po.request_id is not None:
            events.publish(s, actor, "purchasing.order_created", request_id=po.request_id, document_id=po.id,
                           number=po.number)
        result = _summary(po)
        uow.commit()
    return result


def submit_purchase_order(uow: UnitOfWork, actor: Actor, order_id: int) -> OrderSummary:
    """申請: on the route the company's table chooses; approved at once when no route applies."""
    require(actor, "purchasing.edit")
    with uow:
        s = uow.session
        po = _load(s, order_id)
        request_id = None
        if approvals.needs_approval(s, "purchase_order", po.department, po.gross):
            move(s, actor, po, PO_TRANSITIONS, "pending_approval", "purchase_order")
            view = approvals.submit_in(s, actor, document_type="purchase_order", document_id=po.id,
                                       number=po.number, title=po.subject or po.number, amount=po.gross,
                                       department=po.department)
            request_id = view.id
        else:
            move(s, actor, po, PO_TRANSITIONS, "approved", "purchase_order")
        result = _summary(po, request_id)
        uow.commit()
    return result


def send_purchase_order(uow: UnitOfWork, actor: Actor, order_id: int) -> OrderSummary:
    """送付: the approved order goes to the supplier."""
    require(actor, "purchasing.edit")
    with uow:
        s = uow.session
        po = _load(s, order_id)
        move(s, actor, po, PO_TRANSITIONS, "sent", "purchase_order")
        if po.request_id is not None:
            events.publish(s, actor, "purchasing.order_sent", request_id=po.request_id, document_id=po.id,
                           number=po.number)
        result = _summary(po)
        uow.commit()
    return result


def cancel_purchase_order(uow: UnitOfWork, actor: Actor, order_id: int) -> OrderSummary:
    require(actor, "purchasing.edit")
    with uow:
        s = uow.session
        po = _load(s, order_id)
        if any(ln.received_quantity for ln in order_lines(s, po.id)):
            raise InvalidTransition("purchasing.error.transition", field="status", entity="purchase_order",
                                    current=po.status, target="cancelled")
        move(s, actor, po, PO_TRANSITIONS, "cancelled", "purchase_order")
        result = _summary(po)
        uow.commit()
    return result


def order_lines(s: Session, order_id: int) -> list[PurchaseOrderLine]:
    return list(s.scalars(select(PurchaseOrderLine).where(PurchaseOrderLine.order_id == order_id)
                          .order_by(PurchaseOrderLine.line_no)))


@dataclass(frozen=True)
class ReceiptInput:
    order_id: int
    receipt_date: dt.date
    # (order line id, quantity received now); empty = everything still open
    quantities: tuple[tuple[int, str | Decimal], ...] = ()
    notes: str = ""


@dataclass(frozen=True)
class ReceiptSummary:
    id: int
    order_id: int
    order_status: str
    lines: tuple[tuple[int, Decimal], ...]


def record_receipt(uow: UnitOfWork, actor: Actor, cmd: ReceiptInput) -> ReceiptSummary:
    """検収: part or all of a sent order. More than is still open on a line is refused (``lines[i].quantity``)."""
    require(actor, "purchasing.edit")
    with uow:
        s = uow.session
        po = _load(s, cmd.order_id)
        if po.status not in ("sent", "partial"):
            raise InvalidTransition("purchasing.error.order_not_open", field="order_id", number=po.number,
                                    status=po.status)
        if cmd.receipt_date < po.order_date:
            raise Invalid("purchasing.error.receipt_before_order", field="receipt_date")
        lines = order_lines(s, po.id)
        by_id = {ln.id: ln for ln in lines}
        wanted: dict[int, Decimal] = {}
        problems: list[Problem] = []
        if cmd.quantities:
            for i, (line_id, qty_text) in enumerate(cmd.quantities):
                line = by_id.get(line_id)
                if line is None:
                    problems.append(Problem("purchasing.error.order_line", f"lines[{i}].order_line_id",
                                            {"id": line_id}))
                    continue
                qty = parse_decimal(qty_text, f"lines[{i}].quantity", problems, places=3)
                open_qty = Decimal(line.quantity) - Decimal(line.received_quantity) - wanted.get(line_id, Decimal(0))
                if qty < 0:
                    problems.append(Problem("purchasing.error.not_negative", f"lines[{i}].quantity"))
                elif qty > open_qty:
                    problems.append(Problem("purchasing.error.over_receipt", f"lines[{i}].quantity",
                                            {"open": str(open_qty), "quantity": str(qty)}))
                else:
                    wanted[line_id] = wanted.get(line_id, Decimal(0)) + qty
        else:
            wanted = {ln.id: Decimal(ln.quantity) - Decimal(ln.received_quantity) for ln in lines}
        wanted = {k: v for k, v in wanted.items() if v > 0}
        if not problems and not wanted:
            problems.append(Problem("purchasing.error.nothing_to_receive", "lines"))
        if problems:
            raise Invalid(problems=problems)
        receipt = GoodsReceipt(order_id=po.id, receipt_date=cmd.receipt_date, notes=cmd.notes,
                               created_by=actor.user_id, created_at=now_utc())
        s.add(receipt)
        s.flush()
        for line_id, qty in wanted.items():
            s.add(GoodsReceiptLine(receipt_id=receipt.id, order_line_id=line_id, quantity=qty))
            by_id[line_id].received_quantity = Decimal(by_id[line_id].received_quantity) + qty
        from ennoshita.purchasing import recognition  # it builds on the bills, which build on this module

        recognition.post_receipt(s, actor, load_company(uow), po, receipt,
                                 [(by_id[line_id], qty) for line_id, qty in wanted.items()])
        complete = all(Decimal(ln.received_quantity) >= Decimal(ln.quantity) for ln in lines)
        move(s, actor, po, PO_TRANSITIONS, "received" if complete else "partial", "purchase_order")
        audit.record(s, actor, "goods_receipt", receipt.id, "create", after={
            "order": po.number, "receipt_date": cmd.receipt_date.isoformat(),
            "lines": [[line_id, str(qty)] for line_id, qty in wanted.items()], "gross": receipt.gross,
            "deductible_tax": receipt.deductible_tax, "journal_entry_id": receipt.journal_entry_id})
        result = ReceiptSummary(receipt.id, po.id, po.status, tuple(wanted.items()))
        uow.commit()
    return result


# --- the 稟議 outcome ----------------------------------------------------------------------------------

ApprovalHandler = Callable[[Session, Actor, str, int], None]
_APPROVAL_HANDLERS: dict[str, ApprovalHandler] = {}


def on_approval_outcome(document_type: str, handler: ApprovalHandler) -> None:
    """Register what a purchasing document does on ``approved`` / ``rejected`` / ``sent_back`` /
    ``withdrawn``."""
    _APPROVAL_HANDLERS[document_type] = handler


def _dispatch(outcome: str) -> events.Handler:
    def handler(s: Session, actor: Actor, data: dict[str, Any]) -> None:
        target = _APPROVAL_HANDLERS.get(str(data.get("document_type")))
        if target is not None:
            target(s, actor, outcome, int(data["document_id"]))
    return handler


def _po_outcome(s: Session, actor: Actor, outcome: str, document_id: int) -> None:
    po = s.get(PurchaseOrder, document_id)
    if po is None or po.status != "pending_approval":
        return
    target = {"approved": "approved", "rejected": "rejected", "sent_back": "draft", "withdrawn": "draft"}.get(outcome)
    if target is not None:
        move(s, actor, po, PO_TRANSITIONS, target, "purchase_order")


on_approval_outcome("purchase_order", _po_outcome)
for _outcome in ("approved", "rejected", "sent_back", "withdrawn"):
    events.subscribe(f"approvals.{_outcome}", _dispatch(_outcome))
