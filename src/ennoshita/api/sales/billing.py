"""Sales API (2/2): invoices (都度, 締め請求, direct, credit notes, replacements) with their PDFs, billing runs,
bank imports and 入金消込, and the receivables check. Partners, items, quotes, orders and deliveries are in
:mod:`ennoshita.api.sales.orders`, whose shapes and helpers this module shares.

Every change goes through the services of :mod:`ennoshita.sales`, every list and detail through its read
models (:mod:`ennoshita.sales.queries`, paginated in SQL, each checking ``sales.view``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from ennoshita.actor import Actor
from ennoshita.api.deps import ApiActor, DbDep
from ennoshita.api.numbers import YEN_DOC, Yen
from ennoshita.api.sales.orders import (
    InvoiceLineIn,
    LineIn,
    LineOut,
    PageNo,
    PerPage,
    RateOut,
    WarningOut,
    file_response,
    line_out,
    lines_in,
    rates_out,
    warnings_out,
)
from ennoshita.api.views import ViewModel
from ennoshita.db import Database
from ennoshita.errors import Invalid
from ennoshita.sales import billing, invoice_drafts, pdf, queries, queries_docs, receivables
from ennoshita.sales.rules import CreditWarning
from ennoshita.security import uploads

router = APIRouter(tags=["sales"])


# ---------------------------------------------------------------- shapes


class IssueDateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    issue_date: dt.date | None = None


class InvoiceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    partner_id: int
    issue_date: dt.date
    lines: list[InvoiceLineIn]
    subject: str = ""
    price_entry: Literal["exclusive", "inclusive"] | None = Field(
        None, description="税抜 or 税込 for the lines that do not say; absent: inclusive when every line has "
                          "price_includes_tax true, else exclusive.")
    due_date: dt.date | None = None
    notes: str = ""


class CreditNoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    issue_date: dt.date
    lines: list[LineIn] = Field(description="What is returned or discounted, as positive quantities.")
    reason: str = ""


class InvoiceOut(ViewModel, view=queries.InvoiceRow,
                 exclude=("net_10", "tax_10", "net_8", "tax_8", "net_0", "paid_amount")):
    number: str | None = Field(description="Gapless 請求書番号, taken at issue; null for a draft.")
    status: Literal["draft", "issued"]
    rates: list[RateOut]


class TotalByRateOut(BaseModel):
    rate: str = Field(description="10, 8 or 0.")
    net: int = Field(description="税抜 consideration of the rate.")
    tax: int = Field(description="Consumption tax of the rate, rounded once per invoice.")


class InvoiceDetailOut(InvoiceOut, view=queries_docs.InvoiceDoc):
    totals_by_rate: list[TotalByRateOut] = Field(description="税率ごとの対価の額と消費税額.")
    total: int = Field(description="税込 total of the invoice (= gross).")
    paid_amount: int | None
    lines: list[LineOut]
    warnings: list[WarningOut] = Field(default_factory=list, description="On the answer to issuing: the customer "
                                       "is over its credit limit (the invoice is issued all the same).")


class InvoicePage(BaseModel):
    items: list[InvoiceOut]
    total: int
    page: int
    per_page: int


class BillingRunIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    closing_date: dt.date
    issue_date: dt.date | None = None
    partner_ids: list[int] | None = Field(None, description="Only these customers (default: every customer).")
    early: bool = Field(False, description="Confirm a run before the closing date has come (refused otherwise): "
                                           "its statements count only the receipts applied so far.")


class BillingRunOut(BaseModel):
    closing_date: dt.date
    invoices: list[InvoiceOut]
    total_billed: int


class PreviewRowOut(BaseModel):
    partner_id: int
    partner_name: str
    deliveries: int
    gross: int


class ZipIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    invoice_ids: list[int] = Field(min_length=1)


class ImportOut(ViewModel, view=receivables.ImportResult, exclude=("problems",)):
    pass


class AllocationOut(BaseModel):
    invoice_id: int
    invoice_number: str
    amount: int


class ProposalOut(ViewModel, view=receivables.ProposalView):
    allocations: list[AllocationOut]


class AllocationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    invoice_id: int
    amount: Yen = Field(description=YEN_DOC)


class MatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    deposit_id: int
    allocations: list[AllocationIn] = Field(default_factory=list)
    fee: Yen = Field(0, description="Transfer fee the customer deducted; booked by the company setting "
                                    "(売上値引 or 支払手数料, see /sales/settings). " + YEN_DOC)
    to_credit: Yen = Field(0, description="Cash beyond the invoices, kept as the customer's credit balance "
                                          "(前受金). " + YEN_DOC)
    partner_id: int | None = Field(None, description="The customer, when the deposit clears no invoice of it.")


class MatchesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    matches: list[MatchIn] = Field(min_length=1)


class MatchedOut(BaseModel):
    matched: int


class ArCheckOut(BaseModel):
    subledger: int = Field(description="売掛金台帳: the open amounts of every invoice.")
    ledger: int = Field(description="総勘定元帳: 売掛金 on the partners' 補助科目.")
    difference: int
    ok: bool
    partner_id: int | None = None
    partner_subledger: int | None = Field(None, description="The open amounts of this customer's invoices.")


# ---------------------------------------------------------------- invoices


_DETAIL_ONLY = ("rates", "receivable_status", "open_amount", "paid_amount", "lines", "totals_by_rate", "total",
                "warnings")


def _invoice_out(r: queries.InvoiceRow) -> InvoiceOut:
    data = {k: getattr(r, k) for k in InvoiceOut.model_fields if k not in _DETAIL_ONLY}
    data["number"] = r.number or None  # a draft has none yet
    return InvoiceOut(**data, rates=rates_out(r.rates), receivable_status=r.receivable_status,
                      open_amount=r.open_amount)


def _invoice_detail(db: Database, actor: Actor, invoice_id: int,
                    warnings: Sequence[CreditWarning] = ()) -> InvoiceDetailOut:
    d = queries_docs.invoice_detail(db.uow(), actor, invoice_id)
    rec = d.receivable
    return InvoiceDetailOut(
        **{k: getattr(d.doc, k) for k in InvoiceDetailOut.model_fields if k not in _DETAIL_ONLY},
        rates=rates_out(d.rates), totals_by_rate=[TotalByRateOut(rate=r.rate, net=r.net, tax=r.tax) for r in d.rates],
        total=d.doc.gross, receivable_status=rec.status if rec else None,
        open_amount=rec.open_amount if rec else None, paid_amount=rec.paid_amount if rec else None,
        lines=[line_out(ln) for ln in d.lines], warnings=warnings_out(actor, warnings))


@router.post("/deliveries/{delivery_id}/invoice", response_model=InvoiceDetailOut, status_code=201)
def invoice_delivery(delivery_id: int, db: DbDep, actor: ApiActor,
                     body: IssueDateIn | None = None) -> InvoiceDetailOut:
    """都度請求: one invoice for this delivery, posted to the ledger."""
    inv = billing.invoice_delivery(db.uow(), actor, delivery_id, (body or IssueDateIn()).issue_date)
    return _invoice_detail(db, actor, inv.id, inv.warnings)



@router.get("/invoices", response_model=InvoicePage)
def list_invoices(db: DbDep, actor: ApiActor,
                  partner: int | None = Query(None, description="Partner id."),
                  kind: Literal["invoice", "credit_note"] | None = None,
                  status: Literal["open", "paid", "credited", "replaced"] | None = Query(
                      None, description="Receivable status."),
                  state: Literal["draft", "issued"] | None = Query(None, description="Drafts or issued only."),
                  number: str | None = None,
                  date_from: dt.date | None = Query(None, alias="from"),
                  date_to: dt.date | None = Query(None, alias="to"),
                  page: int = PageNo, per_page: int = PerPage) -> InvoicePage:
    """請求書 and 返還請求書, newest first, with what each still owes."""
    filters = queries.InvoiceFilter(kind=kind or "", receivable_status=status or "", number=number or "",
                                    partner_id=partner, date_from=date_from, date_to=date_to, status=state or "")
    found = queries.list_invoices(db.uow(), actor, filters, queries.PageRequest(page, per_page))
    return InvoicePage(items=[_invoice_out(r) for r in found.rows], total=found.total, page=page, per_page=per_page)


def _invoice_input(body: InvoiceIn) -> billing.InvoiceInput:
    return billing.InvoiceInput(body.partner_id, body.issue_date, lines_in(body.lines), body.subject,
                                body.price_entry or "", body.due_date, body.notes)


@router.post("/invoices", response_model=InvoiceDetailOut, status_code=201)
def create_invoice(body: InvoiceIn, db: DbDep, actor: ApiActor) -> InvoiceDetailOut:
    """A draft invoice entered directly (no delivery behind it): checked and totalled, but without a number,
    a posting or a receivable until ``POST /invoices/{id}/issue``."""
    return _invoice_detail(db, actor, invoice_drafts.create_draft(db.uow(), actor, _invoice_input(body)).id)


@router.put("/invoices/{invoice_id}", response_model=InvoiceDetailOut)
def update_invoice(invoice_id: int, body: InvoiceIn, db: DbDep, actor: ApiActor) -> InvoiceDetailOut:
    """Replace a draft; an issued invoice is refused (409)."""
    return _invoice_detail(db, actor, invoice_drafts.update_draft(db.uow(), actor, invoice_id,
                                                                  _invoice_input(body)).id)


@router.delete("/invoices/{invoice_id}", status_code=204)
def delete_invoice(invoice_id: int, db: DbDep, actor: ApiActor) -> Response:
    """Delete a draft; an issued invoice is refused (409): it is corrected by a credit note or a replacement."""
    invoice_drafts.delete_draft(db.uow(), actor, invoice_id)
    return Response(status_code=204)


@router.post("/invoices/{invoice_id}/issue", response_model=InvoiceDetailOut)
def issue_invoice(invoice_id: int, db: DbDep, actor: ApiActor) -> InvoiceDetailOut:
    """Issue a draft: the gapless number, 売掛金 / 売上高 + 仮受消費税 posted, the receivable opened, in one
    transaction. From then on the invoice never changes; a second issue is refused (409)."""
    issued = invoice_drafts.issue_draft(db.uow(), actor, invoice_id)
    return _invoice_detail(db, actor, issued.id, issued.warnings)


@router.get("/invoices/{invoice_id}", response_model=InvoiceDetailOut)
def get_invoice(invoice_id: int, db: DbDep, actor: ApiActor) -> InvoiceDetailOut:
    """An invoice with its lines, its per-rate totals (税率ごとの対価の額と消費税額) and its receivable."""
    return _invoice_detail(db, actor, invoice_id)


@router.get("/invoices/{invoice_id}/pdf")
def invoice_pdf(invoice_id: int, db: DbDep, actor: ApiActor) -> Response:
    """適格請求書 (or 適格返還請求書) PDF."""
    return file_response(*pdf.invoice_pdf(db.uow(), actor, invoice_id))


@router.post("/invoices/{invoice_id}/credit-notes", response_model=InvoiceDetailOut, status_code=201)
def issue_credit_note(invoice_id: int, body: CreditNoteIn, db: DbDep, actor: ApiActor) -> InvoiceDetailOut:
    """適格返還請求書 against this invoice (returns or discounts)."""
    note = billing.issue_credit_note(db.uow(), actor, billing.CreditNoteInput(
        invoice_id, body.issue_date, lines_in(body.lines), body.reason))
    return _invoice_detail(db, actor, note.id)


@router.post("/invoices/{invoice_id}/replace", response_model=InvoiceDetailOut, status_code=201)
def replace_invoice(invoice_id: int, body: InvoiceIn, db: DbDep, actor: ApiActor) -> InvoiceDetailOut:
    """修正した適格請求書 for an unpaid invoice: the original is reversed and marked replaced."""
    return _invoice_detail(db, actor, billing.replace_invoice(db.uow(), actor, invoice_id, _invoice_input(body)).id)

# ---------------------------------------------------------------- billing runs


def _invoices_by_id(db: Database, actor: Actor, ids: list[int]) -> list[InvoiceOut]:
    if not ids:
        return []
    found = queries.list_invoices(db.uow(), actor, queries.InvoiceFilter(ids=tuple(ids)),
                                  queries.PageRequest(1, len(ids)))
    return [_invoice_out(r) for r in sorted(found.rows, key=lambda r: r.id)]


@router.post("/billing-runs", response_model=BillingRunOut, status_code=201)
def billing_run(body: BillingRunIn, db: DbDep, actor: ApiActor) -> BillingRunOut:
    """締め請求 on a closing date: one invoice per customer over its unbilled deliveries (都度 customers: one
    per delivery). All or nothing."""
    result = billing.billing_run(db.uow(), actor, body.closing_date, body.issue_date, body.partner_ids,
                                 early=body.early)
    return BillingRunOut(closing_date=result.closing_date,
                         invoices=_invoices_by_id(db, actor, [i.id for i in result.invoices]),
                         total_billed=result.total_billed)


@router.get("/billing-runs/preview", response_model=list[PreviewRowOut])
def billing_preview(db: DbDep, actor: ApiActor, closing_date: dt.date) -> list[PreviewRowOut]:
    """What a run on ``closing_date`` would bill, per customer."""
    return [PreviewRowOut(partner_id=pid, partner_name=name, deliveries=n, gross=gross)
            for pid, name, n, gross in billing.unbilled_preview(db.uow(), actor, closing_date)]


@router.post("/billing-runs/zip")
def billing_zip(body: ZipIn, db: DbDep, actor: ApiActor) -> Response:
    """The PDFs of these invoices in one ZIP."""
    content = pdf.invoices_zip(db.uow(), actor, body.invoice_ids)
    return file_response(content, "請求書.zip", "application/zip")

# ---------------------------------------------------------------- bank and receivables


@router.post("/bank-imports", response_model=ImportOut, status_code=201,
             openapi_extra={"requestBody": {"content": {
                 "text/csv": {"schema": {"type": "string"}},
                 "multipart/form-data": {"schema": {"type": "object",
                                                    "properties": {"file": {"type": "string", "format": "binary"}}}},
             }}})
async def bank_import(request: Request, db: DbDep, actor: ApiActor) -> ImportOut:
    """A bank statement CSV (the bank's Japanese layout, Shift_JIS/cp932 or UTF-8; or the generic one), as the
    raw request body or as the ``file`` of a multipart form. A file with any bad row imports nothing."""
    stream = await uploads.read_upload(request)  # capped (413), spooled and parsed off the event loop
    if stream is None or not stream.read(1):
        raise Invalid("error.required", field="file")
    stream.seek(0)
    result = await run_in_threadpool(receivables.import_bank_csv, db.uow(), actor, stream, None,
                                     uploads.rows_allowed(request, "bank_csv"))
    return ImportOut(batch=result.batch, imported=result.imported, duplicates=result.duplicates,
                     skipped=result.skipped)


@router.get("/receivables/proposals", response_model=list[ProposalOut])
def proposals(db: DbDep, actor: ApiActor,
              limit: int = Query(500, ge=1, le=10_000, description="Oldest unmatched deposits first.")
              ) -> list[ProposalOut]:
    """消込 proposals for the unmatched deposits against the open invoices."""
    return [ProposalOut(deposit_id=p.deposit_id, value_date=p.value_date, payer_name=p.payer_name, amount=p.amount,
                        kind=p.kind, partner_id=p.partner_id, partner_name=p.partner_name,
                        allocations=[AllocationOut(invoice_id=i, invoice_number=n, amount=a)
                                     for i, n, a in p.allocations],
                        fee=p.fee, unassigned=p.unassigned, name_matched=p.name_matched)
            for p in receivables.propose(db.uow(), actor, limit)]


@router.post("/receivables/matches", response_model=MatchedOut)
def confirm_matches(body: MatchesIn, db: DbDep, actor: ApiActor) -> MatchedOut:
    """Confirm matches (proposed or chosen by hand): posts 普通預金 (+ the fee as 売上値引 or 支払手数料) / 売掛金
    (+ 前受金 for ``to_credit``) and reduces what the invoices owe."""
    n = receivables.confirm_matches(db.uow(), actor, [
        receivables.MatchInput(m.deposit_id, tuple((a.invoice_id, a.amount) for a in m.allocations), m.fee,
                               m.to_credit, m.partner_id)
        for m in body.matches])
    return MatchedOut(matched=n)


@router.post("/receivables/auto-match", response_model=MatchedOut)
def auto_match(db: DbDep, actor: ApiActor) -> MatchedOut:
    """Confirm every certain proposal (the payer named the customer and the amounts add up)."""
    return MatchedOut(matched=receivables.auto_match(db.uow(), actor))

@router.get("/receivables/check", response_model=ArCheckOut)
def ar_check(db: DbDep, actor: ApiActor,
             partner: int | None = Query(None, description="Also give this customer's open amount.")
             ) -> ArCheckOut:
    """売掛金台帳 against the ledger's 売掛金: ``ok`` when they are equal."""
    check = receivables.ar_check(db.uow(), actor)
    partner_open = None if partner is None else queries.open_receivables(db.uow(), actor, partner)
    return ArCheckOut(subledger=check.subledger, ledger=check.ledger, difference=check.difference, ok=check.ok,
                      partner_id=partner, partner_subledger=partner_open)
