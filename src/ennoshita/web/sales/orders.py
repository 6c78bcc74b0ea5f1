"""見積書, 受注 and 納品 screens: lists, entry forms with a line grid, detail pages with their actions and
PDF downloads. Every change is one call of ``ennoshita.sales.flow`` (or billing for 都度請求)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ennoshita.actor import Actor
from ennoshita.dates import today_tokyo
from ennoshita.db import Database
from ennoshita.errors import DomainError, Invalid, Problem
from ennoshita.identity import can, require
from ennoshita.lengths import limits
from ennoshita.sales import billing, credit, flow, pdf
from ennoshita.sales.models import Quote, SalesOrder
from ennoshita.sales.queries import (
    DeliveryFilter,
    OrderFilter,
    PageRequest,
    QuoteFilter,
    list_deliveries,
    list_orders,
    list_quotes,
)
from ennoshita.sales.queries_docs import delivery_detail, order_detail, quote_detail
from ennoshita.web.deps import ActorDep, DbDep
from ennoshita.web.exports import export_links, wants_export
from ennoshita.web.forms import (
    Page,
    business_type_choices,
    errors_of,
    form_data,
    page_no,
    parse_date,
    parse_id,
    pdf_response,
    query_without_page,
    text,
    whole_form,
)
from ennoshita.web.render import render
from ennoshita.web.sales import exports as sales_exports
from ennoshita.web.sales.partners import (
    PER_PAGE,
    RATES,
    GridRow,
    customer_choices,
    grid_errors,
    grid_lines,
    item_choices,
    pad_grid,
    read_grid,
)

router = APIRouter(prefix="/sales")

QUOTE_STATUSES = ("draft", "sent", "accepted", "lost", "superseded")
ORDER_STATUSES = ("open", "partial", "delivered", "cancelled")


def _date(data: dict[str, Any], name: str, problems: list[Problem], required: bool = True) -> dt.date | None:
    raw = text(data, name)
    value = parse_date(raw)
    if value is None and (raw or required):
        problems.append(Problem("sales_ui.error.date", name))
    return value


# ---------------------------------------------------------------- the document form (見積書 / 受注)


def _doc_form_page(request: Request, db: Database, actor: Actor, mode: str, action: str, form: dict[str, Any],
                   rows: list[GridRow], status: int = 200, errors: dict[str, str] | None = None,
                   general: list[str] | None = None) -> Response:
    return render(request, "sales/doc_form.html", {
        "mode": mode, "action": action, "form": form, "rows": pad_grid(rows), "errors": errors or {},
        "general": general or [], "customers": customer_choices(db, actor), "items": item_choices(db, actor),
        "rates": RATES, "limits": {**limits(SalesOrder), **limits(Quote)},
        "btypes": business_type_choices(db, actor)}, status_code=status)


def _quote_input(data: dict[str, Any], rows: list[GridRow]) -> tuple[flow.QuoteInput, list[int], list[Problem]]:
    """The quote the form describes (a stand-in customer and dates where the form has none), the grid row of
    each line, and the problems of shape."""
    problems: list[Problem] = []
    partner_id = parse_id(text(data, "partner_id"))
    if partner_id is None:
        problems.append(Problem("error.required", "partner_id"))
    issue = _date(data, "issue_date", problems)
    valid = _date(data, "valid_until", problems)
    lines, where = grid_lines(rows, problems)
    today = today_tokyo()
    cmd = flow.QuoteInput(partner_id or 0, issue or today, valid or issue or today, text(data, "subject"), lines,
                          price_entry=text(data, "price_entry") or "exclusive",
                          delivery_terms=text(data, "delivery_terms"), notes=text(data, "notes"),
                          request_id=parse_id(text(data, "request_id")))
    return cmd, where, problems


QUOTE_FIELDS = ("partner_id", "issue_date", "valid_until", "subject", "price_entry", "delivery_terms", "notes",
                "request_id")
ORDER_FIELDS = ("partner_id", "order_date", "subject", "price_entry", "customer_po", "delivery_due",
                "delivery_place", "request_id")


@router.get("/quotes")
def quote_list(request: Request, db: DbDep, actor: ActorDep) -> Response:
    q = request.query_params
    status = q.get("status", "")
    filters = QuoteFilter(q.get("q", ""), "" if status == "all" else status, current_only=not status)
    if encoding := wants_export(request):
        return sales_exports.quotes_csv(db, actor, filters, encoding)
    found = list_quotes(db.uow(), actor, filters, PageRequest(page_no(request), PER_PAGE))
    return render(request, "sales/quotes.html", {
        "page": Page.of(found), "q": q, "query": query_without_page(request),
        "statuses": QUOTE_STATUSES, "can_edit": can(actor, "sales.edit"), "export_links": export_links(request)})


@router.get("/quotes/new")
def quote_new(request: Request, db: DbDep, actor: ActorDep) -> Response:
    require(actor, "sales.edit")  # a read-only role (監査人) gets no form to fill before a 403 on save
    today = today_tokyo()
    form = {"issue_date": today.isoformat(), "valid_until": (today + dt.timedelta(days=30)).isoformat(),
            "price_entry": "exclusive", "partner_id": request.query_params.get("partner_id", ""),
            # from a 見積作成依頼 (依頼の詳細 → 見積書を作成): the request to link, its subject and lines
            "request_id": request.query_params.get("request_id", ""),
            "subject": request.query_params.get("subject", "")}
    rows = read_grid(dict(request.query_params))
    return _doc_form_page(request, db, actor, "quote", "/sales/quotes/new", form, rows)


async def _save_quote(request: Request, db: Database, actor: Actor, revise_id: int | None) -> Response:
    data = await form_data(request)
    rows = read_grid(data)
    form = {k: text(data, k) for k in QUOTE_FIELDS}
    where: list[int] = []
    try:
        cmd, where, shape = _quote_input(data, rows)
        if shape:  # reported with the subject's and the lines' problems, not instead of them
            raise whole_form(shape, lambda: flow.quote_problems(db.uow(), cmd))
        if revise_id is None:
            saved = flow.create_quote(db.uow(), actor, cmd)
        else:
            saved = flow.revise_quote(db.uow(), actor, revise_id, cmd)
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        action = f"/sales/quotes/{revise_id}/revise" if revise_id else "/sales/quotes/new"
        return _doc_form_page(request, db, actor, "revise" if revise_id else "quote", action, form, rows,
                              exc.status, grid_errors(errors, where), general)
    return RedirectResponse(f"/sales/quotes/{saved.id}?done=saved", status_code=303)


@router.post("/quotes/new")
async def quote_create(request: Request, db: DbDep, actor: ActorDep) -> Response:
    return await _save_quote(request, db, actor, None)


@router.get("/quotes/{quote_id}")
def quote_show(request: Request, quote_id: int, db: DbDep, actor: ActorDep) -> Response:
    detail = quote_detail(db.uow(), actor, quote_id)
    return render(request, "sales/quote_detail.html", {
        "d": detail, "q": detail.doc, "can_edit": can(actor, "sales.edit"), "done": request.query_params.get("done"),
        "today": today_tokyo().isoformat(), "general": []})


@router.get("/quotes/{quote_id}/revise")
def quote_revise_form(request: Request, quote_id: int, db: DbDep, actor: ActorDep) -> Response:
    d = quote_detail(db.uow(), actor, quote_id)
    q = d.doc
    form = {"partner_id": str(q.partner_id), "issue_date": today_tokyo().isoformat(),
            "valid_until": max(q.valid_until, today_tokyo()).isoformat(), "subject": q.subject,
            "price_entry": q.price_entry, "delivery_terms": q.delivery_terms, "notes": q.notes,
            "number": f"{q.number} rev.{q.revision}"}
    rows = [GridRow(ln.item_code, ln.description, f"{ln.quantity.normalize():f}", ln.unit,
                    f"{ln.unit_price.normalize():f}", ln.tax_rate, tax_kind=ln.tax_kind,
                    business_type=str(ln.business_type or "")) for ln in d.lines]
    return _doc_form_page(request, db, actor, "revise", f"/sales/quotes/{quote_id}/revise", form, rows)


@router.post("/quotes/{quote_id}/revise")
async def quote_revise(request: Request, quote_id: int, db: DbDep, actor: ActorDep) -> Response:
    return await _save_quote(request, db, actor, quote_id)


async def _quote_action(request: Request, db: Database, actor: Actor, quote_id: int, act: Any) -> Response:
    try:
        return await act()  # type: ignore[no-any-return]
    except DomainError as exc:
        _errors, general = errors_of(exc, actor)
        detail = quote_detail(db.uow(), actor, quote_id)
        return render(request, "sales/quote_detail.html", {
            "d": detail, "q": detail.doc, "can_edit": can(actor, "sales.edit"), "done": None,
            "today": today_tokyo().isoformat(), "general": general + list(_errors.values())}, status_code=exc.status)


@router.post("/quotes/{quote_id}/status")
async def quote_status(request: Request, quote_id: int, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)

    async def act() -> Response:
        flow.set_quote_status(db.uow(), actor, quote_id, text(data, "status"))
        return RedirectResponse(f"/sales/quotes/{quote_id}?done={text(data, 'status')}", status_code=303)
    return await _quote_action(request, db, actor, quote_id, act)


@router.post("/quotes/{quote_id}/accept")
async def quote_accept(request: Request, quote_id: int, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)

    async def act() -> Response:
        order = flow.accept_quote(db.uow(), actor, quote_id, order_date=parse_date(text(data, "order_date")),
                                  customer_po=text(data, "customer_po"))
        warn = "&warn=credit" if order.warnings else ""
        return RedirectResponse(f"/sales/orders/{order.id}?done=accepted{warn}", status_code=303)
    return await _quote_action(request, db, actor, quote_id, act)


@router.get("/quotes/{quote_id}/pdf")
def quote_download(quote_id: int, db: DbDep, actor: ActorDep) -> Response:
    return pdf_response(*pdf.quote_pdf(db.uow(), actor, quote_id))


# ---------------------------------------------------------------- 受注


@router.get("/orders")
def order_list(request: Request, db: DbDep, actor: ActorDep) -> Response:
    q = request.query_params
    status = q.get("status", "")
    statuses = ("open", "partial") if status == "open" else (status,) if status else ()
    if encoding := wants_export(request):
        return sales_exports.orders_csv(db, actor, OrderFilter(q.get("q", ""), statuses), encoding)
    found = list_orders(db.uow(), actor, OrderFilter(q.get("q", ""), statuses), PageRequest(page_no(request), PER_PAGE))
    return render(request, "sales/orders.html", {
        "page": Page.of(found), "q": q, "query": query_without_page(request),
        "statuses": ORDER_STATUSES, "can_edit": can(actor, "sales.edit"), "export_links": export_links(request)})


@router.get("/orders/new")
def order_new(request: Request, db: DbDep, actor: ActorDep) -> Response:
    require(actor, "sales.edit")
    q = request.query_params
    form = {"order_date": today_tokyo().isoformat(), "price_entry": "exclusive",
            # from a 受注処理依頼 (依頼の詳細 → 受注を登録): the request to link, the customer, its PO and lines
            "partner_id": q.get("partner_id", ""), "request_id": q.get("request_id", ""),
            "subject": q.get("subject", ""), "customer_po": q.get("customer_po", "")}
    return _doc_form_page(request, db, actor, "order", "/sales/orders/new", form, read_grid(dict(q)))


@router.post("/orders/new")
async def order_create(request: Request, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)
    rows = read_grid(data)
    form = {k: text(data, k) for k in ORDER_FIELDS}
    problems: list[Problem] = []
    where: list[int] = []
    try:
        partner_id = parse_id(form["partner_id"])
        if partner_id is None:
            problems.append(Problem("error.required", "partner_id"))
        day = _date(data, "order_date", problems)
        due = _date(data, "delivery_due", problems, required=False)
        lines, where = grid_lines(rows, problems)
        cmd = flow.OrderInput(
            partner_id or 0, day or today_tokyo(), form["subject"], lines,
            price_entry=form["price_entry"] or "exclusive", customer_po=form["customer_po"], delivery_due=due,
            delivery_place=form["delivery_place"], request_id=parse_id(form["request_id"]))
        if problems:  # reported with the subject's and the lines' problems, not instead of them
            raise whole_form(problems, lambda: flow.order_problems(db.uow(), cmd))
        saved = flow.create_order(db.uow(), actor, cmd)
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        return _doc_form_page(request, db, actor, "order", "/sales/orders/new", form, rows, exc.status,
                              grid_errors(errors, where), general)
    warn = "&warn=credit" if saved.warnings else ""
    return RedirectResponse(f"/sales/orders/{saved.id}?done=saved{warn}", status_code=303)


def _order_page(request: Request, db: Database, actor: Actor, order_id: int, status: int = 200,
                **extra: Any) -> Response:
    detail = order_detail(db.uow(), actor, order_id)
    ctx: dict[str, Any] = {"d": detail, "o": detail.doc, "can_edit": can(actor, "sales.edit"),
                           "done": request.query_params.get("done"), "today": today_tokyo().isoformat(),
                           "errors": {}, "general": [], "form": {},
                           "credit_warning": credit.credit_status(db.uow(), actor, detail.doc.partner_id)
                           if request.query_params.get("warn") == "credit" else None}
    ctx.update(extra)
    return render(request, "sales/order_detail.html", ctx, status_code=status)


@router.get("/orders/{order_id}")
def order_show(request: Request, order_id: int, db: DbDep, actor: ActorDep) -> Response:
    return _order_page(request, db, actor, order_id)


@router.post("/orders/{order_id}/deliver")
async def order_deliver(request: Request, order_id: int, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)
    problems: list[Problem] = []
    form = {k: v for k, v in data.items() if isinstance(v, str)}
    try:
        day = _date(data, "delivery_date", problems)
        quantities = tuple((int(k[4:]), text(data, k)) for k in data if k.startswith("qty_") and k[4:].isdigit()
                           and text(data, k))
        if problems or day is None:
            raise Invalid(problems=problems)
        if not quantities:
            raise Invalid("sales.error.nothing_to_deliver", field="lines")
        saved = flow.create_delivery(db.uow(), actor, flow.DeliveryInput(
            order_id, day, quantities, delivery_place=text(data, "delivery_place")))
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        ids = [int(k[4:]) for k in data if k.startswith("qty_") and k[4:].isdigit() and text(data, k)]
        for key in list(errors):  # lines[i].quantity → the order line's qty field
            if key.startswith("lines[") and key[6:key.index("]")].isdigit() and int(key[6:key.index("]")]) < len(ids):
                errors[f"qty_{ids[int(key[6:key.index(']')])]}"] = errors.pop(key)
        return _order_page(request, db, actor, order_id, exc.status, errors=errors,
                           general=general + [m for k, m in errors.items() if not k.startswith(("qty_", "delivery_"))],
                           form=form)
    return RedirectResponse(f"/sales/deliveries/{saved.id}?done=saved", status_code=303)


@router.post("/orders/{order_id}/cancel")
async def order_cancel(request: Request, order_id: int, db: DbDep, actor: ActorDep) -> Response:
    try:
        flow.cancel_order(db.uow(), actor, order_id)
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        return _order_page(request, db, actor, order_id, exc.status, general=general + list(errors.values()))
    return RedirectResponse(f"/sales/orders/{order_id}?done=cancelled", status_code=303)


@router.get("/orders/{order_id}/pdf")
def order_download(order_id: int, db: DbDep, actor: ActorDep) -> Response:
    return pdf_response(*pdf.order_confirmation_pdf(db.uow(), actor, order_id))


# ---------------------------------------------------------------- 納品


@router.get("/deliveries")
def delivery_list(request: Request, db: DbDep, actor: ActorDep) -> Response:
    q = request.query_params
    filters = DeliveryFilter(q.get("q", ""), unbilled=True if q.get("unbilled") else None)
    if encoding := wants_export(request):
        return sales_exports.deliveries_csv(db, actor, filters, encoding)
    found = list_deliveries(db.uow(), actor, filters, PageRequest(page_no(request), PER_PAGE))
    return render(request, "sales/deliveries.html", {
        "page": Page.of(found), "q": q, "query": query_without_page(request), "export_links": export_links(request)})


def _delivery_page(request: Request, db: Database, actor: Actor, delivery_id: int, status: int = 200,
                   general: list[str] | None = None) -> Response:
    detail = delivery_detail(db.uow(), actor, delivery_id)
    return render(request, "sales/delivery_detail.html", {
        "d": detail, "dv": detail.doc, "can_edit": can(actor, "sales.edit"), "done": request.query_params.get("done"),
        "general": general or []}, status_code=status)


@router.get("/deliveries/{delivery_id}")
def delivery_show(request: Request, delivery_id: int, db: DbDep, actor: ActorDep) -> Response:
    return _delivery_page(request, db, actor, delivery_id)


@router.post("/deliveries/{delivery_id}/invoice")
async def delivery_invoice(request: Request, delivery_id: int, db: DbDep, actor: ActorDep) -> Response:
    try:
        inv = billing.invoice_delivery(db.uow(), actor, delivery_id)
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        return _delivery_page(request, db, actor, delivery_id, exc.status, general + list(errors.values()))
    warn = "&warn=credit" if inv.warnings else ""
    return RedirectResponse(f"/sales/invoices/{inv.id}?done=issued{warn}", status_code=303)


@router.get("/deliveries/{delivery_id}/pdf")
def delivery_download(delivery_id: int, db: DbDep, actor: ActorDep) -> Response:
    return pdf_response(*pdf.delivery_note_pdf(db.uow(), actor, delivery_id))
