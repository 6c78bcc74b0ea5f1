"""発注書 as PDF (built from the stored order and its lines, rendered by :mod:`ennoshita.documents` with
kind ``purchase_order``), and the order's detail for screens and clients.

We are the issuer; the supplier is the recipient. The figures printed are the stored ones (per-rate totals
recomputed from the stored lines the same way the order computed them: tax once per rate).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ennoshita import documents
from ennoshita.actor import Actor
from ennoshita.approvals.models import ApprovalRequest
from ennoshita.db import UnitOfWork
from ennoshita.errors import NotFound
from ennoshita.identity import load_company
from ennoshita.identity.company import CompanyData
from ennoshita.identity.roles import require
from ennoshita.kernel.lines import ResolvedLine, totals_of
from ennoshita.kernel.tax import REDUCED_RATES, PriceEntry, RateTotal
from ennoshita.money import Rounding
from ennoshita.partners.models import Partner
from ennoshita.purchasing.models import PurchaseOrder, PurchaseOrderLine
from ennoshita.purchasing.orders import order_lines
from ennoshita.sales import pdf as sales_pdf


@dataclass(frozen=True)
class OrderLineView:
    id: int
    line_no: int
    item_id: int | None
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    tax_rate: str
    amount: int
    received_quantity: Decimal
    tax_purpose: str | None = None  # 用途区分 (None: the company's default when posted)


@dataclass(frozen=True)
class OrderDetail:
    id: int
    number: str
    status: str
    supplier_id: int
    supplier_name: str
    order_date: dt.date
    delivery_date: dt.date | None
    delivery_place: str
    subject: str
    department: str | None
    price_entry: str
    net: int
    tax: int
    gross: int
    notes: str
    approval_request_id: int | None
    lines: tuple[OrderLineView, ...]
    rates: tuple[RateTotal, ...]


def _load(s: Session, order_id: int) -> tuple[PurchaseOrder, Partner, list[PurchaseOrderLine]]:
    po = s.get(PurchaseOrder, order_id)
    if po is None:
        raise NotFound("purchasing.error.order_not_found", field="order_id", id=order_id)
    supplier = s.get(Partner, po.supplier_id)
    assert supplier is not None
    return po, supplier, order_lines(s, po.id)


def _resolved(rows: list[PurchaseOrderLine]) -> list[ResolvedLine]:
    return [ResolvedLine(r.item_id, r.description, Decimal(r.quantity), r.unit, Decimal(r.unit_price), r.tax_rate,
                         r.amount, r.amount < 0) for r in rows]


def _rates(rows: list[PurchaseOrderLine], price_entry: str, company: CompanyData) -> tuple[RateTotal, ...]:
    rounding: Rounding = company.rounding
    return totals_of(_resolved(rows), PriceEntry(price_entry), rounding).rates


def order_detail(uow: UnitOfWork, actor: Actor, order_id: int) -> OrderDetail:
    """A purchase order with its lines (each line's ``id`` is the ``order_line_id`` a receipt or a bill names),
    its per-rate totals and its latest 承認 request."""
    require(actor, "purchasing.view")
    with uow:
        s = uow.session
        company = load_company(uow)
        po, supplier, rows = _load(s, order_id)
        request_id = s.scalar(select(ApprovalRequest.id).where(ApprovalRequest.document_type == "purchase_order",
                                                               ApprovalRequest.document_id == po.id)
                              .order_by(ApprovalRequest.round.desc()).limit(1))
        return OrderDetail(
            po.id, po.number, po.status, po.supplier_id, supplier.name, po.order_date, po.delivery_date,
            po.delivery_place, po.subject, po.department, po.price_entry, po.net, po.tax, po.gross, po.notes,
            request_id,
            tuple(OrderLineView(r.id, r.line_no, r.item_id, r.description, Decimal(r.quantity), r.unit,
                                Decimal(r.unit_price), r.tax_rate, r.amount, Decimal(r.received_quantity),
                                r.tax_purpose)
                  for r in rows),
            _rates(rows, po.price_entry, company) if rows else ())


def purchase_order_document(s: Session, company: CompanyData, po: PurchaseOrder, supplier: Partner,
                            rows: list[PurchaseOrderLine]) -> documents.BusinessDocument:
    lines = tuple(documents.DocumentLine(r.description, Decimal(r.quantity), r.unit, Decimal(r.unit_price), r.amount,
                                         r.tax_rate, r.tax_rate in REDUCED_RATES) for r in rows)
    rates = tuple(documents.RateSummary(r.rate, r.net, r.tax, r.gross)
                  for r in _rates(rows, po.price_entry, company))
    recipient = documents.Party(supplier.name, supplier.honorific or "御中", supplier.postal_code, supplier.address,
                                supplier.phone, supplier.registration_number)
    return documents.BusinessDocument(
        "purchase_order", po.number, po.order_date, sales_pdf._issuer(company), recipient, po.subject or po.number,
        lines, rates, po.net, po.tax, po.gross, "inclusive" if po.price_entry == "inclusive" else "exclusive",
        delivery_date=po.delivery_date, delivery_place=po.delivery_place, payment_terms=sales_pdf._terms(supplier),
        notes=po.notes, seal_png=sales_pdf._seal(s))


def purchase_order_pdf(uow: UnitOfWork, actor: Actor, order_id: int) -> tuple[bytes, str]:
    """(PDF bytes, file name) of a 発注書."""
    require(actor, "purchasing.view")
    with uow:
        s = uow.session
        company = load_company(uow)
        po, supplier, rows = _load(s, order_id)
        doc = purchase_order_document(s, company, po, supplier, rows)
        name = f"発注書_{po.number}_{supplier.name}.pdf".replace("/", "／")
    return documents.render_pdf(doc), name
