"""見積 → 受注 → 納品: quotes with revisions, one-click conversion to an order, partial deliveries.

Each stateful document declares its TRANSITIONS; state changes go through :func:`_move`, which refuses a
transition not in the table and writes the audit record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ennoshita import audit, events
from ennoshita.actor import Actor
from ennoshita.dates import now_utc
from ennoshita.db import UnitOfWork
from ennoshita.errors import Invalid, InvalidTransition, NotFound, Problem
from ennoshita.identity import load_company
from ennoshita.identity.roles import require
from ennoshita.kernel import transitions
from ennoshita.kernel.lines import (
    LineInput,
    ResolvedLine,
    line_problems,
    parse_decimal,
    price_entry_of,
    resolve_lines,
    totals_of,
)
from ennoshita.kernel.tax import PriceEntry, RateTotal
from ennoshita.ledger import PostingBatch, chart
from ennoshita.lengths import length_problems
from ennoshita.partners.models import Partner
from ennoshita.sales import credit
from ennoshita.sales import settings as sales_settings
from ennoshita.sales.models import Delivery, DeliveryLine, Quote, QuoteLine, SalesOrder, SalesOrderLine
from ennoshita.sales.numbering import next_number
from ennoshita.sales.posting import business_types, sale_draft, zero_kinds
from ennoshita.sales.rules import CreditWarning

QUOTE_TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"sent", "lost", "superseded", "accepted"}),
    "sent": frozenset({"accepted", "lost", "superseded"}),
    "accepted": frozenset(),
    "lost": frozenset(),
    "superseded": frozenset(),
}
ORDER_TRANSITIONS: dict[str, frozenset[str]] = {
    "open": frozenset({"partial", "delivered", "cancelled"}),
    "partial": frozenset({"partial", "delivered"}),
    "delivered": frozenset(),
    "cancelled": frozenset(),
}


def _move(session: Session, actor: Actor, doc: Quote | SalesOrder, table: dict[str, frozenset[str]],
          target: str, entity: str) -> None:
    transitions.move(session, actor, doc, table, target, entity, "sales.error.transition")


def _partner(session: Session, partner_id: int, field: str = "partner_id") -> Partner:
    partner = session.get(Partner, partner_id)
    if partner is None or not partner.active or not partner.is_customer:
        raise Invalid("sales.error.customer_required", field=field, id=partner_id)
    return partner


@dataclass(frozen=True)
class QuoteInput:
    partner_id: int
    issue_date: dt.date
    valid_until: dt.date
    subject: str
    lines: tuple[LineInput, ...]
    price_entry: str = "exclusive"
    delivery_terms: str = ""
    notes: str = ""
    request_id: int | None = None


@dataclass(frozen=True)
class DocSummary:
    """What a screen or a client needs after a change: the document's identity, state and totals."""

    kind: str
    id: int
    number: str
    status: str
    partner_id: int
    net: int
    tax: int
    gross: int
    revision: int = 1
    warnings: tuple[CreditWarning, ...] = ()  # an order over the customer's credit limit (not refused)


def _quote_summary(q: Quote) -> DocSummary:
    return DocSummary("quote", q.id, q.number, q.status, q.partner_id, q.net, q.tax, q.gross, q.revision)


def _order_summary(o: SalesOrder) -> DocSummary:
    return DocSummary("order", o.id, o.number, o.status, o.partner_id, o.net, o.tax, o.gross)


def _check_quote(cmd: QuoteInput) -> list[Problem]:
    problems: list[Problem] = []
    if not cmd.subject.strip():
        problems.append(Problem("error.required", "subject"))
    if cmd.valid_until < cmd.issue_date:
        problems.append(Problem("sales.error.valid_until", "valid_until"))
    return problems + length_problems(Quote, {"subject": cmd.subject.strip(), "delivery_terms": cmd.delivery_terms})


def quote_problems(uow: UnitOfWork, cmd: QuoteInput) -> list[Problem]:
    """What :func:`create_quote` would refuse in the subject, the dates' order and the lines, without writing;
    the customer is not looked at (a form that has none reports that itself, and this beside it)."""
    with uow:
        return _check_quote(cmd) + line_problems(uow.session, cmd.lines, cmd.price_entry,
                                                 load_company(uow).rounding)


def order_problems(uow: UnitOfWork, cmd: OrderInput) -> list[Problem]:
    """What :func:`create_order` would refuse in the subject, the texts and the lines, without writing (the
    customer is not looked at)."""
    with uow:
        return _check_order(cmd) + line_problems(uow.session, cmd.lines, cmd.price_entry,
                                                 load_company(uow).rounding)


def _resolve_all(s: Session, header: list[Problem], lines: Sequence[Any], price_entry: Any,
                 rounding: Any) -> Any:
    """The lines resolved, with the header's problems and the lines' reported together (the whole form at once,
    not 件名 on one submit and the lines on the next)."""
    try:
        resolved = resolve_lines(s, lines, price_entry, rounding)
    except Invalid as exc:
        raise Invalid(problems=header + exc.problems) from None
    if header:
        raise Invalid(problems=header)
    return resolved


def _write_lines(session: Session, model: type[QuoteLine] | type[SalesOrderLine] | type[DeliveryLine],
                 parent: str, parent_id: int, lines: Sequence[ResolvedLine]) -> None:
    for n, line in enumerate(lines, start=1):
        session.add(model(**{parent: parent_id}, **line.sales_row(n)))


def create_quote(uow: UnitOfWork, actor: Actor, cmd: QuoteInput) -> DocSummary:
    """見積書 (revision 1, draft)."""
    require(actor, "sales.edit")
    header = _check_quote(cmd)
    price_entry = price_entry_of(cmd.price_entry)
    with uow:
        s = uow.session
        company = load_company(uow)
        _partner(s, cmd.partner_id)
        lines, totals = _resolve_all(s, header, cmd.lines, price_entry, company.rounding)
        number = next_number(s, "quote", cmd.issue_date, company.fiscal_year_start_month)
        quote = _new_quote(s, actor, cmd, number, 1, lines, totals.net, totals.tax, totals.gross)
        audit.record(s, actor, "quote", quote.id, "create", after=_quote_audit(quote, lines))
        if quote.request_id is not None:
            events.publish(s, actor, "sales.quote_created", request_id=quote.request_id, document_id=quote.id,
                           number=quote.number)
        result = _quote_summary(quote)
        uow.commit()
    return result


def _new_quote(s: Session, actor: Actor, cmd: QuoteInput, number: str, revision: int,
               lines: Sequence[ResolvedLine], net: int, tax: int, gross: int) -> Quote:
    quote = Quote(number=number, revision=revision, partner_id=cmd.partner_id, issue_date=cmd.issue_date,
                  valid_until=cmd.valid_until, subject=cmd.subject.strip(), delivery_terms=cmd.delivery_terms,
                  notes=cmd.notes, status="draft", request_id=cmd.request_id, price_entry=cmd.price_entry,
                  net=net, tax=tax, gross=gross, created_by=actor.user_id, created_at=now_utc())
    s.add(quote)
    s.flush()
    _write_lines(s, QuoteLine, "quote_id", quote.id, lines)
    return quote


def _quote_audit(q: Quote, lines: Sequence[ResolvedLine]) -> dict[str, object]:
    return {"number": q.number, "revision": q.revision, "partner_id": q.partner_id,
            "issue_date": q.issue_date.isoformat(), "subject": q.subject, "net": q.net, "tax": q.tax,
            "gross": q.gross, "lines": [[ln.description, str(ln.quantity), str(ln.unit_price), ln.tax_rate,
                                         ln.amount] for ln in lines]}


def revise_quote(uow: UnitOfWork, actor: Actor, quote_id: int, cmd: QuoteInput) -> DocSummary:
    """A new revision with the same number; the previous revision is kept as superseded."""
    require(actor, "sales.edit")
    header = _check_quote(cmd)
    price_entry = price_entry_of(cmd.price_entry)
    with uow:
        s = uow.session
        company = load_company(uow)
        old = s.get(Quote, quote_id)
        if old is None:
            raise NotFound("sales.error.quote_not_found", field="quote_id", id=quote_id)
        if cmd.partner_id != old.partner_id:
            raise Invalid("sales.error.revision_partner", field="partner_id")
        _move(s, actor, old, QUOTE_TRANSITIONS, "superseded", "quote")
        lines, totals = _resolve_all(s, header, cmd.lines, price_entry, company.rounding)
        if cmd.request_id is None and old.request_id is not None:
            cmd = replace(cmd, request_id=old.request_id)
        quote = _new_quote(s, actor, cmd, old.number, old.revision + 1, lines, totals.net, totals.tax,
                           totals.gross)
        audit.record(s, actor, "quote", quote.id, "revise", before={"id": old.id, "revision": old.revision},
                     after=_quote_audit(quote, lines))
        result = _quote_summary(quote)
        uow.commit()
    return result


def set_quote_status(uow: UnitOfWork, actor: Actor, quote_id: int, status: str) -> DocSummary:
    """送付済 (sent) or 失注 (lost). Acceptance goes through :func:`accept_quote`, which makes the order."""
    require(actor, "sales.edit")
    if status not in ("sent", "lost"):
        raise Invalid("sales.error.quote_status", field="status", status=status)
    with uow:
        s = uow.session
        quote = s.get(Quote, quote_id)
        if quote is None:
            raise NotFound("sales.error.quote_not_found", field="quote_id", id=quote_id)
        _move(s, actor, quote, QUOTE_TRANSITIONS, status, "quote")
        if status == "sent" and quote.request_id is not None:
            events.publish(s, actor, "sales.quote_sent", request_id=quote.request_id, document_id=quote.id,
                           number=quote.number)
        result = _quote_summary(quote)
        uow.commit()
    return result


def _lines_of(s: Session, model: type[QuoteLine] | type[SalesOrderLine] | type[DeliveryLine],
              column: str, parent_id: int) -> list[ResolvedLine]:
    rows: list[QuoteLine | SalesOrderLine | DeliveryLine] = list(
        s.scalars(select(model).where(getattr(model, column) == parent_id).order_by(model.line_no)))
    return [ResolvedLine(r.item_id, r.description, Decimal(r.quantity), r.unit, Decimal(r.unit_price), r.tax_rate,
                         r.amount, r.amount < 0, tax_kind=r.tax_kind, business_type=r.business_type) for r in rows]


def accept_quote(uow: UnitOfWork, actor: Actor, quote_id: int, order_date: dt.date | None = None,
                 customer_po: str = "", delivery_due: dt.date | None = None) -> DocSummary:
    """受注: the accepted quote becomes a sales order with the same lines, in one step."""
    require(actor, "sales.edit")
    with uow:
        s = uow.session
        company = load_company(uow)
        quote = s.get(Quote, quote_id)
        if quote is None:
            raise NotFound("sales.error.quote_not_found", field="quote_id", id=quote_id)
        _move(s, actor, quote, QUOTE_TRANSITIONS, "accepted", "quote")
        lines = _lines_of(s, QuoteLine, "quote_id", quote.id)
        day = order_date or quote.issue_date
        order = _new_order(s, actor, quote.partner_id, day, quote.subject, quote.price_entry, lines,
                           quote.net, quote.tax, quote.gross, company.fiscal_year_start_month,
                           quote_id=quote.id, customer_po=customer_po, delivery_due=delivery_due,
                           request_id=quote.request_id)
        result = replace(_order_summary(order), warnings=credit.warnings_for(s, order.partner_id))
        uow.commit()
    return result


@dataclass(frozen=True)
class OrderInput:
    partner_id: int
    order_date: dt.date
    subject: str
    lines: tuple[LineInput, ...]
    price_entry: str = "exclusive"
    customer_po: str = ""
    delivery_due: dt.date | None = None
    delivery_place: str = ""
    request_id: int | None = None


def _new_order(s: Session, actor: Actor, partner_id: int, day: dt.date, subject: str, price_entry: str,
               lines: Sequence[ResolvedLine], net: int, tax: int, gross: int, start_month: int, *,
               quote_id: int | None = None, customer_po: str = "", delivery_due: dt.date | None = None,
               delivery_place: str = "", request_id: int | None = None) -> SalesOrder:
    partner = _partner(s, partner_id)
    order = SalesOrder(number=next_number(s, "order", day, start_month), partner_id=partner_id, quote_id=quote_id,
                       order_date=day, customer_po=customer_po, delivery_due=delivery_due,
                       delivery_place=delivery_place, subject=subject,
                       billing="delivery" if partner.closing_day == 0 else "closing", status="open",
                       request_id=request_id, price_entry=price_entry, net=net, tax=tax, gross=gross,
                       created_by=actor.user_id, created_at=now_utc())
    s.add(order)
    s.flush()
    _write_lines(s, SalesOrderLine, "order_id", order.id, lines)
    if request_id is not None:
        events.publish(s, actor, "sales.order_created", request_id=request_id, document_id=order.id,
                       number=order.number)
    audit.record(s, actor, "sales_order", order.id, "create",
                 after={"number": order.number, "quote_id": quote_id, "partner_id": partner_id,
                        "order_date": day.isoformat(), "gross": gross, "lines": len(lines)})
    return order


def _check_order(cmd: OrderInput) -> list[Problem]:
    header = [] if cmd.subject.strip() else [Problem("error.required", "subject")]
    return header + length_problems(SalesOrder, {"subject": cmd.subject.strip(), "customer_po": cmd.customer_po,
                                                 "delivery_place": cmd.delivery_place})


def create_order(uow: UnitOfWork, actor: Actor, cmd: OrderInput) -> DocSummary:
    """受注 entered directly (a customer's 注文書 without a quote)."""
    require(actor, "sales.edit")
    header = _check_order(cmd)
    price_entry = price_entry_of(cmd.price_entry)
    with uow:
        s = uow.session
        company = load_company(uow)
        _partner(s, cmd.partner_id)
        lines, totals = _resolve_all(s, header, cmd.lines, price_entry, company.rounding)
        order = _new_order(s, actor, cmd.partner_id, cmd.order_date, cmd.subject.strip(), cmd.price_entry, lines,
                           totals.net, totals.tax, totals.gross, company.fiscal_year_start_month,
                           customer_po=cmd.customer_po, delivery_due=cmd.delivery_due,
                           delivery_place=cmd.delivery_place, request_id=cmd.request_id)
        result = replace(_order_summary(order), warnings=credit.warnings_for(s, order.partner_id))
        uow.commit()
    return result


def cancel_order(uow: UnitOfWork, actor: Actor, order_id: int) -> DocSummary:
    require(actor, "sales.edit")
    with uow:
        s = uow.session
        order = s.get(SalesOrder, order_id)
        if order is None:
            raise NotFound("sales.error.order_not_found", field="order_id", id=order_id)
        _move(s, actor, order, ORDER_TRANSITIONS, "cancelled", "sales_order")
        result = _order_summary(order)
        uow.commit()
    return result


@dataclass(frozen=True)
class DeliveryInput:
    order_id: int
    delivery_date: dt.date
    # (order line id, quantity delivered now); empty = everything still open
    quantities: tuple[tuple[int, str | Decimal], ...] = ()
    delivery_place: str = ""


def create_delivery(uow: UnitOfWork, actor: Actor, cmd: DeliveryInput) -> DocSummary:
    """納品: deliver part or all of an order. A quantity beyond what is still open is refused."""
    require(actor, "sales.edit")
    with uow:
        s = uow.session
        company = load_company(uow)
        order = s.get(SalesOrder, cmd.order_id)
        if order is None:
            raise NotFound("sales.error.order_not_found", field="order_id", id=cmd.order_id)
        if order.status not in ("open", "partial"):
            raise InvalidTransition("sales.error.order_closed", field="order_id", number=order.number,
                                    status=order.status)
        if cmd.delivery_date < order.order_date:
            raise Invalid("sales.error.delivery_before_order", field="delivery_date")
        order_lines = list(s.scalars(select(SalesOrderLine).where(SalesOrderLine.order_id == order.id)
                                     .order_by(SalesOrderLine.line_no)))
        by_id = {ol.id: ol for ol in order_lines}
        wanted: dict[int, Decimal] = {}
        problems: list[Problem] = []
        if cmd.quantities:
            for i, (line_id, qty_text) in enumerate(cmd.quantities):
                ol = by_id.get(line_id)
                if ol is None:
                    problems.append(Problem("sales.error.order_line", f"lines[{i}].order_line_id", {"id": line_id}))
                    continue
                qty = parse_decimal(qty_text, f"lines[{i}].quantity", problems, places=3)
                remaining = Decimal(ol.quantity) - Decimal(ol.delivered_quantity)
                if qty < 0:  # the reason is the sign, not the 受注残
                    problems.append(Problem("sales.error.quantity_negative", f"lines[{i}].quantity",
                                            {"quantity": str(qty)}))
                elif qty > remaining:
                    problems.append(Problem("sales.error.over_delivery", f"lines[{i}].quantity",
                                            {"remaining": str(remaining.normalize()), "quantity": str(qty)}))
                elif qty > 0:
                    wanted[line_id] = qty
        else:
            wanted = {ol.id: Decimal(ol.quantity) - Decimal(ol.delivered_quantity) for ol in order_lines
                      if Decimal(ol.quantity) > Decimal(ol.delivered_quantity)}
        if problems:
            raise Invalid(problems=problems)
        if not wanted:
            raise Invalid("sales.error.nothing_to_deliver", field="lines")
        price_entry = PriceEntry(order.price_entry)
        # the order line as it is: its 値引 sign, and its item (the 品目コード of the 納品書 and the invoice)
        inputs = [LineInput(ol.description, wanted[ol.id], ol.unit_price, ol.tax_rate, ol.unit,
                            is_discount=ol.amount < 0, tax_kind=ol.tax_kind or "", business_type=ol.business_type)
                  for ol in order_lines if ol.id in wanted]
        lines, totals = resolve_lines(s, inputs, price_entry, company.rounding)
        lines = [replace(line, item_id=by_id[line_id].item_id)
                 for line, line_id in zip(lines, [ol.id for ol in order_lines if ol.id in wanted], strict=True)]
        delivery = Delivery(number=next_number(s, "delivery", cmd.delivery_date, company.fiscal_year_start_month),
                            order_id=order.id, partner_id=order.partner_id, delivery_date=cmd.delivery_date,
                            delivery_place=cmd.delivery_place or order.delivery_place, invoice_id=None,
                            price_entry=order.price_entry, net=totals.net, tax=totals.tax, gross=totals.gross,
                            created_by=actor.user_id, created_at=now_utc())
        s.add(delivery)
        s.flush()
        ids = [ol.id for ol in order_lines if ol.id in wanted]
        for n, (line, line_id) in enumerate(zip(lines, ids, strict=True), start=1):
            s.add(DeliveryLine(delivery_id=delivery.id, order_line_id=line_id, **line.sales_row(n)))
            by_id[line_id].delivered_quantity = Decimal(by_id[line_id].delivered_quantity) + wanted[line_id]
        done = all(Decimal(ol.delivered_quantity) >= Decimal(ol.quantity) for ol in order_lines)
        _move(s, actor, order, ORDER_TRANSITIONS, "delivered" if done else "partial", "sales_order")
        if sales_settings.read_in(uow).revenue_recognition == "delivery":
            delivery.journal_entry_id = _post_delivery(s, actor, company.tax_accounting, delivery, totals.rates,
                                                       zero_kinds(lines), business_types(lines))
        audit.record(s, actor, "delivery", delivery.id, "create",
                     after={"number": delivery.number, "order": order.number,
                            "delivery_date": cmd.delivery_date.isoformat(), "gross": delivery.gross,
                            "lines": {str(k): str(v) for k, v in wanted.items()}})
        result = DocSummary("delivery", delivery.id, delivery.number, "unbilled", delivery.partner_id,
                            delivery.net, delivery.tax, delivery.gross)
        uow.commit()
    return result


def _post_delivery(s: Session, actor: Actor, tax_accounting: str, delivery: Delivery,
                   rates: Sequence[RateTotal], zero: dict[str, int],
                   types: dict[str, dict[int, int]] | None = None) -> int | None:
    """出荷基準/引渡基準 (法人税法22条の2, 消費税基本通達9-1-1): the sale on the delivery date, 売掛金 (the customer as
    補助科目) / 売上高 + 仮受消費税 per rate as the delivery computed them; its invoice later posts only what its
    own tax computation changes."""
    partner = s.get(Partner, delivery.partner_id)
    assert partner is not None
    batch = PostingBatch(s)
    batch.sub_account(actor, chart.CODE_RECEIVABLE, partner.code, partner.name, partner.name_kana, partner.id)
    draft = sale_draft(delivery.delivery_date, f"売上(出荷) {delivery.number} {partner.name}", partner.name,
                       partner.code, rates, False, tax_accounting != "exclusive", zero=zero, types=types)
    if draft is None:
        return None
    return batch.post(actor, draft, source="sales", source_ref=delivery.number).id


def delivery_lines(s: Session, delivery_id: int) -> list[ResolvedLine]:
    return _lines_of(s, DeliveryLine, "delivery_id", delivery_id)


__all__ = ["DeliveryInput", "DocSummary", "OrderInput", "QuoteInput", "accept_quote", "cancel_order",
           "create_delivery", "create_order", "create_quote", "delivery_lines", "revise_quote",
           "set_quote_status", "totals_of"]
