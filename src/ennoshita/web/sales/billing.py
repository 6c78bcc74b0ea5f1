"""請求書, 締め請求 and 入金消込 screens over ``ennoshita.sales.billing``, ``pdf`` and ``receivables``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ennoshita.actor import Actor
from ennoshita.dates import today_tokyo
from ennoshita.db import Database
from ennoshita.errors import DomainError, Invalid, Problem
from ennoshita.identity import can, require
from ennoshita.sales import billing, credit, pdf, receivables
from ennoshita.sales import settings as sales_settings
from ennoshita.sales.queries import InvoiceFilter, PageRequest, list_invoices, payment_state
from ennoshita.sales.queries_docs import invoice_detail
from ennoshita.security import uploads
from ennoshita.web.deps import ActorDep, DbDep
from ennoshita.web.exports import export_links, wants_export
from ennoshita.web.forms import (
    Page,
    as_list,
    business_type_choices,
    errors_of,
    form_data,
    page_no,
    parse_date,
    parse_id,
    parse_int,
    pdf_response,
    query_without_page,
    text,
)
from ennoshita.web.render import render
from ennoshita.web.sales import exports as sales_exports
from ennoshita.web.sales.partners import (
    PER_PAGE,
    RATES,
    GridRow,
    grid_entry,
    grid_errors,
    grid_lines,
    item_choices,
    pad_grid,
    read_grid,
)

router = APIRouter(prefix="/sales")

MATCH_KINDS = ("exact", "sum_of_several", "fee_short", "partial", "overpaid", "none", "ambiguous")


# ---------------------------------------------------------------- 請求書


@router.get("/invoices")
def invoice_list(request: Request, db: DbDep, actor: ActorDep) -> Response:
    q = request.query_params
    kind, payment = q.get("kind", ""), q.get("payment", "")
    filters = InvoiceFilter(q.get("q", ""), kind if kind in ("invoice", "credit_note") else "",
                            payment if payment in ("open", "paid") else "",
                            date_from=parse_date(q.get("from")), date_to=parse_date(q.get("to")))  # 発行日
    if encoding := wants_export(request):
        return sales_exports.invoices_csv(db, actor, filters, encoding)
    found = list_invoices(db.uow(), actor, filters, PageRequest(page_no(request), PER_PAGE))
    return render(request, "sales/invoices.html", {
        "page": Page.of(found), "q": q, "query": query_without_page(request),
        "payment_state": payment_state, "can_edit": can(actor, "sales.edit"), "done": q.get("done"),
        "export_links": export_links(request)})


def invoice_page(request: Request, db: Database, actor: Actor, invoice_id: int, status: int = 200,
                  **extra: Any) -> Response:
    detail = invoice_detail(db.uow(), actor, invoice_id)
    rec = detail.receivable
    ctx: dict[str, Any] = {
        "d": detail, "inv": detail.doc, "rec": rec, "can_edit": can(actor, "sales.edit"),
        "state": payment_state(rec.status if rec else None, rec.paid_amount if rec else None),
        "done": request.query_params.get("done"), "general": [], "errors": {}, "mode": "", "form": {},
        "rows": [], "rates": RATES, "items": [], "today": today_tokyo().isoformat(),
        "has_reduced": any(ln.tax_rate == "8" for ln in detail.lines),
        "btypes": business_type_choices(db, actor) if extra.get("mode") else None,  # the credit / replace grid
        "credit_warning": credit.credit_status(db.uow(), actor, detail.doc.partner_id)
        if request.query_params.get("warn") == "credit" else None}
    ctx.update(extra)
    return render(request, "sales/invoice_detail.html", ctx, status_code=status)


@router.get("/invoices/zip")
def invoices_zip(request: Request, db: DbDep, actor: ActorDep) -> Response:
    ids = [i for i in (parse_id(v) for v in request.query_params.getlist("id")) if i is not None]
    if not ids:
        raise Invalid("sales_ui.error.no_invoices", field="id")
    name = f"請求書_{request.query_params.get('closing_date') or today_tokyo().isoformat()}.zip"
    return pdf_response(pdf.invoices_zip(db.uow(), actor, ids), name, media="application/zip")


@router.get("/invoices/{invoice_id}")
def invoice_show(request: Request, invoice_id: int, db: DbDep, actor: ActorDep) -> Response:
    mode = request.query_params.get("form", "")
    if mode not in ("credit", "replace"):
        return invoice_page(request, db, actor, invoice_id)
    require(actor, "sales.edit")
    detail = invoice_detail(db.uow(), actor, invoice_id)
    rows: list[GridRow] = []
    form: dict[str, str] = {"issue_date": today_tokyo().isoformat()}
    if mode == "replace":
        rows = [GridRow(ln.item_code, ln.description, f"{ln.quantity.normalize():f}", ln.unit,
                        f"{ln.unit_price.normalize():f}", ln.tax_rate, grid_entry(ln.price_includes_tax),
                        business_type=str(ln.business_type or ""))
                for ln in detail.lines]
        form.update(subject=detail.doc.subject, due_date=detail.doc.due_date.isoformat())
    return invoice_page(request, db, actor, invoice_id, mode=mode, form=form, rows=pad_grid(rows),
                         items=item_choices(db, actor))


@router.post("/invoices/{invoice_id}/{mode}")
async def invoice_correct(request: Request, invoice_id: int, mode: str, db: DbDep, actor: ActorDep) -> Response:
    """返還請求書 (mode credit) or 差替え (mode replace) of an issued invoice."""
    data = await form_data(request)
    rows = read_grid(data)
    form = {k: text(data, k) for k in ("issue_date", "reason", "subject", "due_date", "notes")}
    where: list[int] = []
    try:
        if mode not in ("credit", "replace"):
            raise Invalid("error.invalid", field="mode")
        problems: list[Problem] = []
        day = parse_date(form["issue_date"])
        if day is None:
            problems.append(Problem("sales_ui.error.date", "issue_date"))
        due = parse_date(form["due_date"])
        if form["due_date"] and due is None:
            problems.append(Problem("sales_ui.error.date", "due_date"))
        lines, where = grid_lines(rows)
        if problems or day is None:
            raise Invalid(problems=problems)
        if mode == "credit":
            done = billing.issue_credit_note(db.uow(), actor, billing.CreditNoteInput(
                invoice_id, day, lines, reason=form["reason"]))
        else:
            original = invoice_detail(db.uow(), actor, invoice_id).doc
            done = billing.replace_invoice(db.uow(), actor, invoice_id, billing.InvoiceInput(
                original.partner_id, day, lines, subject=form["subject"], price_entry=original.price_entry,
                due_date=due, notes=form["notes"]))
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        return invoice_page(request, db, actor, invoice_id, exc.status, mode=mode, form=form,
                             rows=pad_grid(rows), errors=grid_errors(errors, where), general=general,
                             items=item_choices(db, actor))
    return RedirectResponse(f"/sales/invoices/{done.id}?done={mode}", status_code=303)


@router.get("/invoices/{invoice_id}/pdf")
def invoice_download(invoice_id: int, db: DbDep, actor: ActorDep) -> Response:
    return pdf_response(*pdf.invoice_pdf(db.uow(), actor, invoice_id))


# ---------------------------------------------------------------- 締め請求


def _month_end(day: dt.date) -> dt.date:
    nxt = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return nxt - dt.timedelta(days=1)


@router.get("/billing")
def billing_preview(request: Request, db: DbDep, actor: ActorDep) -> Response:
    raw = request.query_params.get("closing_date", "")
    closing = parse_date(raw)
    preview: list[tuple[int, str, int, int]] | None = None
    if closing is not None:
        preview = billing.unbilled_preview(db.uow(), actor, closing)
    else:
        require(actor, "sales.view")
    return render(request, "sales/billing.html", {
        "closing_date": closing.isoformat() if closing else "", "closing_day": closing, "preview": preview,
        "bad": bool(raw) and not closing,
        "suggested": _month_end(today_tokyo()).isoformat(), "can_edit": can(actor, "sales.edit"), "result": None,
        "invoices": [], "general": [], "payment_state": payment_state, "today": today_tokyo().isoformat(),
        "recognition": sales_settings.get_settings(db.uow(), actor).revenue_recognition,
        "done": request.query_params.get("done"), "accrue_month": ""})


@router.post("/billing")
async def billing_execute(request: Request, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)
    closing = parse_date(text(data, "closing_date"))
    general: list[str] = []
    result = None
    rows: list[Any] = []
    try:
        if closing is None:
            raise Invalid("sales_ui.error.date", field="closing_date")
        result = await run_in_threadpool(billing.billing_run, db.uow(), actor, closing,  # off the event loop
                                         issue_date=parse_date(text(data, "issue_date")),
                                         early=bool(text(data, "early")))
        if result.invoices:
            rows = list(list_invoices(db.uow(), actor, InvoiceFilter(ids=tuple(i.id for i in result.invoices)),
                                      PageRequest(1, len(result.invoices))).rows)
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        general += list(errors.values())
    preview = billing.unbilled_preview(db.uow(), actor, closing) if closing and result is None else None
    return render(request, "sales/billing.html", {
        "closing_date": closing.isoformat() if closing else "", "closing_day": closing, "preview": preview,
        "bad": False, "suggested": _month_end(today_tokyo()).isoformat(), "can_edit": can(actor, "sales.edit"),
        "result": result, "invoices": rows, "general": general, "payment_state": payment_state,
        "today": today_tokyo().isoformat()},
        status_code=422 if general else 200)


@router.post("/billing/accrue")
async def billing_accrue(request: Request, db: DbDep, actor: ActorDep) -> Response:
    """未請求売上 of a month (請求基準 only): the accrual and its reversal on the 1st of the next month."""
    from ennoshita.sales import accrual

    data = await form_data(request)
    try:
        result = await run_in_threadpool(accrual.accrue_month, db.uow(), actor,
                                         accrual.parse_month(text(data, "month")))
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        return render(request, "sales/billing.html", {
            "closing_date": "", "preview": None, "bad": False, "suggested": _month_end(today_tokyo()).isoformat(),
            "can_edit": can(actor, "sales.edit"), "result": None, "invoices": [],
            "general": general + list(errors.values()), "payment_state": payment_state,
            "today": today_tokyo().isoformat(),
            "recognition": sales_settings.get_settings(db.uow(), actor).revenue_recognition,
            "accrue_month": text(data, "month")}, status_code=422)
    return RedirectResponse(f"/sales/billing?done=accrued&month={result.month}&gross={result.gross}"
                            f"&count={len(result.deliveries)}", status_code=303)


# ---------------------------------------------------------------- 入金消込


def _receipts_page(request: Request, db: Database, actor: Actor, status: int = 200, **extra: Any) -> Response:
    check = receivables.ar_check(db.uow(), actor)
    proposals = receivables.propose(db.uow(), actor, limit=500)
    ctx: dict[str, Any] = {"check": check, "proposals": proposals, "can_edit": can(actor, "sales.edit"),
                           "matched": receivables.matched(db.uow(), actor, limit=50),
                           "done": request.query_params.get("done"), "count": request.query_params.get("count"),
                           "general": [], "imported": None, "kinds": MATCH_KINDS,
                           "fee_treatment": sales_settings.get_settings(db.uow(), actor).fee_treatment,
                           "export_links": [(enc, f"/sales/receipts?export=csv&encoding={enc}")
                                            for enc in ("utf-8", "cp932")]}
    ctx.update(extra)
    return render(request, "sales/receipts.html", ctx, status_code=status)


@router.get("/receipts")
def receipts(request: Request, db: DbDep, actor: ActorDep) -> Response:
    if encoding := wants_export(request):
        status = request.query_params.get("status", "")
        return sales_exports.deposits_csv(db, actor, status if status in receivables.DEPOSIT_STATUSES else "",
                                          encoding)
    return _receipts_page(request, db, actor)


@router.post("/receipts/import")
async def receipts_import(request: Request, db: DbDep, actor: ActorDep) -> Response:
    try:
        stream = await uploads.read_upload(request)  # capped, spooled and parsed off the loop
        if stream is None or not stream.read(1):
            raise Invalid("sales_ui.error.no_file", field="file")
        stream.seek(0)
        result = await run_in_threadpool(receivables.import_bank_csv, db.uow(), actor, stream,  # off the loop
                                         None, uploads.rows_allowed(request, "bank_csv"))
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        return _receipts_page(request, db, actor, exc.status, general=general + list(errors.values()))
    return _receipts_page(request, db, actor, imported=result)


@router.post("/receipts/auto")
async def receipts_auto(request: Request, db: DbDep, actor: ActorDep) -> Response:
    try:
        count = receivables.auto_match(db.uow(), actor)
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        return _receipts_page(request, db, actor, exc.status, general=general + list(errors.values()))
    return RedirectResponse(f"/sales/receipts?done=auto&count={count}", status_code=303)


@router.post("/receipts/confirm")
async def receipts_confirm(request: Request, db: DbDep, actor: ActorDep) -> Response:
    """Confirm one proposal as shown: ``alloc`` = "invoice id:amount" (several), ``fee``."""
    data = await form_data(request)
    try:
        deposit_id = parse_id(text(data, "deposit_id"))
        allocations: list[tuple[int, int]] = []
        for pair in as_list(data.get("alloc")):
            invoice, _, amount = pair.partition(":")
            inv_id, value = parse_id(invoice), parse_int(amount)
            if inv_id is None or value is None:
                raise Invalid("error.invalid", field="alloc")
            allocations.append((inv_id, value))
        if deposit_id is None or not allocations:
            raise Invalid("sales_ui.error.nothing_to_match", field="deposit_id")
        count = receivables.confirm_matches(db.uow(), actor, [receivables.MatchInput(
            deposit_id, tuple(allocations), parse_int(text(data, "fee")) or 0)])
    except (DomainError, ValueError) as exc:
        if not isinstance(exc, DomainError):
            exc = Invalid("error.invalid", field="alloc")
        errors, general = errors_of(exc, actor)
        return _receipts_page(request, db, actor, exc.status, general=general + list(errors.values()))
    return RedirectResponse(f"/sales/receipts?done=confirmed&count={count}", status_code=303)
