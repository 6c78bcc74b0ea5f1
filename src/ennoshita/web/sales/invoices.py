"""請求書 entered directly on screen (a fee, a service, a 請求書発行依頼 without a delivery): the form that
saves a draft (下書き保存) or issues at once (発行), and a draft's 編集, 発行 and 削除.

Every change is one call of ``ennoshita.sales.billing`` or ``invoice_drafts``; an issued invoice is refused
there (409), shown here on its own page. A customer over its credit limit is a warning, not a refusal: the
page the user lands on shows it (``warn=credit``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ennoshita.actor import Actor
from ennoshita.dates import today_tokyo
from ennoshita.db import Database
from ennoshita.errors import DomainError, Problem
from ennoshita.identity import require
from ennoshita.lengths import limits
from ennoshita.sales import billing, invoice_drafts
from ennoshita.sales.models import Invoice
from ennoshita.sales.rules import CreditWarning
from ennoshita.web.deps import ActorDep, DbDep
from ennoshita.web.forms import business_type_choices, errors_of, form_data, parse_date, parse_id, text, whole_form
from ennoshita.web.render import render
from ennoshita.web.sales.billing import invoice_page
from ennoshita.web.sales.partners import (
    RATES,
    GridRow,
    customer_choices,
    grid_entry,
    grid_errors,
    grid_lines,
    item_choices,
    pad_grid,
    read_grid,
)

router = APIRouter(prefix="/sales")

INVOICE_FIELDS = ("partner_id", "issue_date", "due_date", "subject", "price_entry", "notes")


def done_url(invoice_id: int, done: str, warnings: Sequence[CreditWarning] = ()) -> str:
    """Where a change lands: the invoice, what was done, and ``warn=credit`` over the credit limit."""
    return f"/sales/invoices/{invoice_id}?done={done}" + ("&warn=credit" if warnings else "")


def _form_page(request: Request, db: Database, actor: Actor, form: dict[str, Any], rows: list[GridRow],
               invoice_id: int | None = None, status: int = 200, errors: dict[str, str] | None = None,
               general: list[str] | None = None) -> Response:
    return render(request, "sales/invoice_form.html", {
        "form": form, "rows": pad_grid(rows), "errors": errors or {}, "general": general or [],
        "customers": customer_choices(db, actor), "items": item_choices(db, actor), "rates": RATES,
        "invoice_id": invoice_id, "limits": limits(Invoice), "btypes": business_type_choices(db, actor),
        "action": f"/sales/invoices/{invoice_id}/edit" if invoice_id else "/sales/invoices/new"}, status_code=status)


def _input(data: dict[str, Any], rows: list[GridRow]) -> tuple[billing.InvoiceInput, list[int], list[Problem]]:
    """The invoice the form describes (a stand-in customer and date where the form has none), the grid row of
    each line, and the problems of shape."""
    problems: list[Problem] = []
    partner_id = parse_id(text(data, "partner_id"))
    if partner_id is None:
        problems.append(Problem("error.required", "partner_id"))
    day = parse_date(text(data, "issue_date"))
    if day is None:
        problems.append(Problem("sales_ui.error.date", "issue_date"))
    due = parse_date(text(data, "due_date"))
    if text(data, "due_date") and due is None:
        problems.append(Problem("sales_ui.error.date", "due_date"))
    lines, where = grid_lines(rows, problems)
    cmd = billing.InvoiceInput(partner_id or 0, day or today_tokyo(), lines, subject=text(data, "subject"),
                               price_entry=text(data, "price_entry") or "exclusive", due_date=due,
                               notes=text(data, "notes"))
    return cmd, where, problems


@router.get("/invoices/new")
def invoice_new(request: Request, db: DbDep, actor: ActorDep) -> Response:
    require(actor, "sales.edit")
    q = request.query_params
    form = {"issue_date": today_tokyo().isoformat(), "price_entry": "exclusive", "partner_id": q.get("partner_id", ""),
            "subject": q.get("subject", "")}
    return _form_page(request, db, actor, form, [])


@router.post("/invoices/new")
async def invoice_create(request: Request, db: DbDep, actor: ActorDep) -> Response:
    """「下書き保存」 (``action=draft``): a draft without number or posting; 「発行」: issued and posted now."""
    data = await form_data(request)
    rows = read_grid(data)
    form = {k: text(data, k) for k in INVOICE_FIELDS}
    where: list[int] = []
    try:
        cmd, where, shape = _input(data, rows)
        if shape:  # reported with the subject's and the lines' problems, not instead of them
            raise whole_form(shape, lambda: billing.invoice_problems(db.uow(), cmd))
        if text(data, "action") == "draft":
            draft = invoice_drafts.create_draft(db.uow(), actor, cmd)
            return RedirectResponse(done_url(draft.id, "draft_saved"), status_code=303)
        issued = billing.issue_invoice(db.uow(), actor, cmd)
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        return _form_page(request, db, actor, form, rows, None, exc.status, grid_errors(errors, where), general)
    return RedirectResponse(done_url(issued.id, "issued", issued.warnings), status_code=303)


@router.get("/invoices/{invoice_id}/edit")
def invoice_edit(request: Request, invoice_id: int, db: DbDep, actor: ActorDep) -> Response:
    try:
        detail = invoice_drafts.draft_detail(db.uow(), actor, invoice_id)
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        return invoice_page(request, db, actor, invoice_id, exc.status, general=general + list(errors.values()))
    doc = detail.doc
    form = {"partner_id": str(doc.partner_id), "issue_date": doc.issue_date.isoformat(),
            "due_date": doc.due_date.isoformat(), "subject": doc.subject, "price_entry": doc.price_entry,
            "notes": doc.notes}
    rows = [GridRow(ln.item_code, ln.description, f"{ln.quantity.normalize():f}", ln.unit,
                    f"{ln.unit_price.normalize():f}", ln.tax_rate, grid_entry(ln.price_includes_tax), ln.tax_kind,
                    ln.line_date.isoformat() if ln.line_date and ln.line_date != doc.issue_date else "",
                    business_type=str(ln.business_type or ""))
            for ln in detail.lines]
    return _form_page(request, db, actor, form, rows, invoice_id)


@router.post("/invoices/{invoice_id}/edit")
async def invoice_update(request: Request, invoice_id: int, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)
    rows = read_grid(data)
    form = {k: text(data, k) for k in INVOICE_FIELDS}
    where: list[int] = []
    try:
        cmd, where, shape = _input(data, rows)
        if shape:  # reported with the subject's and the lines' problems, not instead of them
            raise whole_form(shape, lambda: billing.invoice_problems(db.uow(), cmd))
        invoice_drafts.update_draft(db.uow(), actor, invoice_id, cmd)
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        if exc.status == 409:  # issued meanwhile: its page says so
            return invoice_page(request, db, actor, invoice_id, exc.status, general=general + list(errors.values()))
        return _form_page(request, db, actor, form, rows, invoice_id, exc.status, grid_errors(errors, where), general)
    return RedirectResponse(done_url(invoice_id, "draft_updated"), status_code=303)


@router.post("/invoices/{invoice_id}/issue")
async def invoice_issue(request: Request, invoice_id: int, db: DbDep, actor: ActorDep) -> Response:
    """発行 of a draft: the number, the posting and the receivable; a second issue is refused (409)."""
    try:
        issued = invoice_drafts.issue_draft(db.uow(), actor, invoice_id)
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        return invoice_page(request, db, actor, invoice_id, exc.status, general=general + list(errors.values()))
    return RedirectResponse(done_url(issued.id, "issued", issued.warnings), status_code=303)


@router.post("/invoices/{invoice_id}/delete")
async def invoice_delete(request: Request, invoice_id: int, db: DbDep, actor: ActorDep) -> Response:
    """削除 of a draft; an issued invoice is refused (409): it is corrected by a credit note or a replacement."""
    try:
        invoice_drafts.delete_draft(db.uow(), actor, invoice_id)
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        return invoice_page(request, db, actor, invoice_id, exc.status, general=general + list(errors.values()))
    return RedirectResponse("/sales/invoices?done=deleted", status_code=303)
