"""支払実行: payment runs (list, creation over the open bills due by the payment date, grouped per supplier
with the transfer fee and the net transfer), detail with the transfers, 全銀ファイル export and download,
再出力のための取消 (void) and 支払済にする. A run is submitted for 承認 when it is created.

ASSUMPTION: ``ennoshita.purchasing`` has no list of runs nor of a run's files; :func:`run_list` and
:func:`run_files` read the tables here after checking payments.edit.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from ennoshita.actor import Actor
from ennoshita.dates import today_tokyo
from ennoshita.db import Database
from ennoshita.errors import DomainError, Invalid, Problem
from ennoshita.expenses import services as expenses
from ennoshita.identity import load_company, require
from ennoshita.identity.models import User, UserRole
from ennoshita.partners.models import Partner
from ennoshita.purchasing import payments, queries, rules
from ennoshita.purchasing.models import PaymentFile, PaymentFileVoid, PaymentRun
from ennoshita.security import access
from ennoshita.web.approvals import approval_panel
from ennoshita.web.deps import ActorDep, DbDep
from ennoshita.web.forms import (
    Page,
    as_list,
    errors_of,
    form_data,
    page_no,
    parse_date,
    parse_id,
    pdf_response,
    query_without_page,
    text,
)
from ennoshita.web.purchasing.orders import PER_PAGE, Slice, date_field, offset_of, supplier_choices
from ennoshita.web.render import render

router = APIRouter(prefix="/purchasing")

LINE_ENDINGS = ("crlf", "none")


def run_list(db: Database, actor: Actor, page: int) -> list[PaymentRun]:
    require(actor, "payments.edit")
    with db.uow() as uow:
        rows = list(uow.session.scalars(select(PaymentRun).order_by(PaymentRun.payment_date.desc(),
                                                                     PaymentRun.id.desc())
                                        .limit(PER_PAGE + 1).offset(offset_of(page))))
        uow.session.expunge_all()
        return rows


@dataclass(frozen=True)
class FileRow:
    id: int
    sha256: str
    line_ending: str
    record_count: int
    total: int
    created_at: dt.datetime
    voided: bool
    void_reason: str


def run_files(db: Database, actor: Actor, run_id: int) -> list[FileRow]:
    access.check(actor, "payments.edit|audit.view")  # the auditor reads the files too
    with db.uow() as uow:
        voids = {v.file_id: v.reason for v in uow.session.scalars(
            select(PaymentFileVoid).join(PaymentFile, PaymentFile.id == PaymentFileVoid.file_id)
            .where(PaymentFile.run_id == run_id))}
        return [FileRow(f.id, f.sha256, f.line_ending, f.record_count, f.total, f.created_at, f.id in voids,
                        voids.get(f.id, ""))
                for f in uow.session.scalars(select(PaymentFile).where(PaymentFile.run_id == run_id)
                                             .order_by(PaymentFile.id))]


def payer_choices(db: Database) -> list[tuple[int, str]]:
    with db.uow() as uow:
        return [(int(i), str(n)) for i, n in uow.session.execute(
            select(User.id, User.display_name).join(UserRole, UserRole.user_id == User.id)
            .where(User.active.is_(True), UserRole.role.in_(("accounting", "admin"))).distinct().order_by(User.id))]


@dataclass(frozen=True)
class SupplierGroup:
    supplier_id: int
    name: str
    bills: list[queries.OpenBill]  # the supplier's bills on this page
    total: int  # every open bill of the supplier due by the date, on this page or not
    count: int
    fee: int | None
    fee_bearer: str
    transfer: int | None


PAYABLE = ("open",)  # what a new run can take (a bill already in a run is not offered again)


@dataclass(frozen=True)
class RunChoice:
    """The new run screen's bills: one page of the open bills the filter matches (grouped per supplier, with
    the fee and net transfer if every bill of the supplier due by the date is paid), how many bills the filter
    matches in all, and what 「期日までをすべて支払う」 takes (every supplier, every page)."""

    groups: list[SupplierGroup]
    page: Page
    listed: queries.Totals
    due: queries.Totals


def _choice(db: Database, actor: Actor, due_by: dt.date, supplier_id: int | None, page: int) -> RunChoice:
    per_page = PER_PAGE
    listed = queries.open_bills_totals(db.uow(), actor, supplier_id=supplier_id, due_by=due_by, statuses=PAYABLE)
    due = (listed if supplier_id is None
           else queries.open_bills_totals(db.uow(), actor, due_by=due_by, statuses=PAYABLE))
    found = queries.open_bills(db.uow(), actor, supplier_id=supplier_id, due_by=due_by, statuses=PAYABLE,
                               limit=per_page, offset=offset_of(page, per_page))
    by_supplier: dict[int, list[queries.OpenBill]] = defaultdict(list)
    for b in found:
        by_supplier[b.supplier_id].append(b)
    with db.uow() as uow:
        company = load_company(uow)
        fee_table = payments.fee_table_of(company)
        try:
            bank = payments.default_bank(company)
        except Invalid:
            bank = None
        suppliers = {p.id: (p.bank_code, p.branch_code, p.fee_bearer) for p in uow.session.scalars(
            select(Partner).where(Partner.id.in_(list(by_supplier))))}
    out = []
    for sid, items in by_supplier.items():
        all_due = queries.open_bills_totals(db.uow(), actor, supplier_id=sid, due_by=due_by, statuses=PAYABLE)
        total = all_due.amount
        bank_code, branch_code, bearer_name = suppliers.get(sid, ("", "", "payer"))
        fee: int | None = None
        transfer: int | None = None
        if bank is not None:
            bearer = rules.FeeBearer.SUPPLIER if bearer_name == "payee" else rules.FeeBearer.US
            same_bank = bank_code == bank.bank_code
            try:
                fee = rules.fee_for_bill(total, bearer, same_bank, same_bank and branch_code == bank.branch_code,
                                         fee_table)
                transfer = rules.payable_after_fee(total, bearer, fee)[0]
            except Invalid:
                fee = transfer = None
        out.append(SupplierGroup(sid, items[0].supplier_name, items, total, all_due.count, fee, bearer_name,
                                 transfer))
    return RunChoice(sorted(out, key=lambda g: g.name), Page(found, listed.count, page, per_page), listed, due)


# ---------------------------------------------------------------- list and creation


@router.get("/payments")
def payment_list(request: Request, db: DbDep, actor: ActorDep) -> Response:
    page = page_no(request)
    return render(request, "purchasing/payments.html", {
        "page": Slice.of(run_list(db, actor, page), page), "query": query_without_page(request)})


def _new_page(request: Request, db: Database, actor: Actor, form: dict[str, Any], status: int = 200,
              errors: dict[str, str] | None = None, general: list[str] | None = None) -> Response:
    due_by = parse_date(form.get("due_by")) or parse_date(form.get("payment_date")) or today_tokyo()
    supplier_id = parse_id(form.get("supplier_id"))
    page = max(1, parse_id(form.get("page")) or 1)
    query = {k: str(form[k]) for k in ("payment_date", "due_by", "supplier_id") if form.get(k)}
    return render(request, "purchasing/payment_new.html", {
        "form": form, "choice": _choice(db, actor, due_by, supplier_id, page), "due_by": due_by,
        "suppliers": supplier_choices(db, actor), "query": query, "payers": payer_choices(db),
        "errors": errors or {}, "general": general or [], "ticked": set(form.get("bill_ids", [])),
        "fresh": "bill_ids" not in form, "claims": expenses.open_claims(db.uow(), actor),
        "ticked_claims": set(form.get("claim_ids", []))}, status_code=status)


@router.get("/payments/new")
def payment_new(request: Request, db: DbDep, actor: ActorDep) -> Response:
    require(actor, "payments.edit")
    q = request.query_params
    day = q.get("payment_date") or payments.default_payment_date(db.uow()).isoformat()
    form: dict[str, Any] = {"payment_date": day, "due_by": q.get("due_by") or day, "department": actor.department
                            or "", "payer_id": "", "supplier_id": q.get("supplier_id") or "",
                            "page": q.get("page") or ""}
    return _new_page(request, db, actor, form)


@router.post("/payments/new")
async def payment_create(request: Request, db: DbDep, actor: ActorDep) -> Response:
    """``mode=due_by`` (the default button): every open bill due by the date, of every supplier and every
    page, with every open 経費精算, chosen in SQL by the service; ``mode=selected``: only the ticked bills and
    claims (of the page shown). Without ``mode``, ticked items mean the selection."""
    data = await form_data(request)
    form: dict[str, Any] = {k: text(data, k) for k in ("payment_date", "due_by", "department", "payer_id",
                                                       "supplier_id", "page", "mode")}
    form["bill_ids"] = as_list(data.get("bill_ids[]"))
    form["claim_ids"] = as_list(data.get("claim_ids[]"))
    try:
        problems: list[Problem] = []
        day = date_field(data, "payment_date", problems)
        ids = tuple(i for i in (parse_id(x) for x in form["bill_ids"]) if i is not None)
        claims = tuple((expenses.DOCUMENT_TYPE, i) for i in (parse_id(x) for x in form["claim_ids"])
                       if i is not None)
        mode = form["mode"] or ("selected" if ids or claims else "due_by")
        due_by: dt.date | None = None
        if mode == "due_by":
            due_by = date_field(data, "due_by", problems) if form["due_by"] else day
            ids, claims = (), ()
        elif not ids and not claims:
            problems.append(Problem("purchasing.error.nothing_to_pay", "bill_ids"))
        if problems or day is None:
            raise Invalid(problems=problems)
        run = payments.create_payment_run(db.uow(), actor, payments.PaymentRunInput(
            day, ids, due_by, payer_id=parse_id(form["payer_id"]), department=form["department"] or None,
            other_items=claims))
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        general += [m for k, m in errors.items() if k not in ("payment_date", "due_by", "bill_ids")]
        return _new_page(request, db, actor, form, exc.status, errors, general)
    return RedirectResponse(f"/purchasing/payments/{run.id}?done=created", status_code=303)


# ---------------------------------------------------------------- detail and actions


def run_page(request: Request, db: Database, actor: Actor, run_id: int, status: int = 200,
              general: list[str] | None = None, errors: dict[str, str] | None = None) -> Response:
    require(actor, "payments.edit")
    run = payments.get_run(db.uow(), actor, run_id)
    with db.uow() as uow:
        bills = {b.id: b for b in payments.bills_of_run(uow.session, run_id)}
        uow.session.expunge_all()
    return render(request, "purchasing/payment_detail.html", {
        "run": run, "bills": bills, "claims": _claim_numbers(db, actor, run), "files": run_files(db, actor, run_id),
        "line_endings": LINE_ENDINGS, "early": run.payment_date > today_tokyo(),
        "approval": approval_panel(db, "payment_run", run_id), "done": request.query_params.get("done"),
        "general": general or [], "errors": errors or {}}, status_code=status)


def _claim_numbers(db: Database, actor: Actor, run: payments.RunSummary) -> dict[int, str]:
    """The 経費精算 numbers of the run's employee transfers (the id when the claim cannot be read)."""
    out: dict[int, str] = {}
    for t in run.transfers:
        if t.payee_kind != expenses.DOCUMENT_TYPE:
            continue
        for claim_id in t.item_ids:
            try:
                out[claim_id] = expenses.get_claim(db.uow(), actor, claim_id).number
            except DomainError:
                out[claim_id] = f"#{claim_id}"
    return out


@router.get("/payments/{run_id}")
def payment_show(request: Request, run_id: int, db: DbDep, actor: ActorDep) -> Response:
    return run_page(request, db, actor, run_id)


@router.post("/payments/{run_id}/export")
async def payment_export(request: Request, run_id: int, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)
    ending = text(data, "line_ending")
    try:
        if ending not in LINE_ENDINGS:
            raise Invalid("purchasing_ui.error.line_ending", field="line_ending")
        result = payments.export_zengin(db.uow(), actor, run_id, ending)  # type: ignore[arg-type]
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        return run_page(request, db, actor, run_id, exc.status, general + list(errors.values()))
    run = payments.get_run(db.uow(), actor, run_id)
    return pdf_response(result.content, f"zengin_{run.number}.txt", "text/plain; charset=shift_jis")


@router.get("/payments/{run_id}/files/{file_id}")
def payment_file(run_id: int, file_id: int, db: DbDep, actor: ActorDep) -> Response:
    files = {f.id for f in run_files(db, actor, run_id)}
    if file_id not in files:
        from ennoshita.errors import NotFound

        raise NotFound("purchasing.error.file_not_found", field="file_id", id=file_id)
    run = payments.get_run(db.uow(), actor, run_id)
    return pdf_response(payments.export_file(db.uow(), actor, file_id), f"zengin_{run.number}_{file_id}.txt",
                        "text/plain; charset=shift_jis")


@router.post("/payments/{run_id}/void")
async def payment_void(request: Request, run_id: int, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)
    try:
        payments.void_export(db.uow(), actor, run_id, text(data, "reason"))
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        return run_page(request, db, actor, run_id, exc.status, general, errors)
    return RedirectResponse(f"/purchasing/payments/{run_id}?done=voided", status_code=303)


@router.post("/payments/{run_id}/paid")
async def payment_paid(request: Request, run_id: int, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)
    try:
        payments.mark_paid(db.uow(), actor, run_id, confirm_early=bool(data.get("confirm_early")))
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        return run_page(request, db, actor, run_id, exc.status, general + list(errors.values()))
    return RedirectResponse(f"/purchasing/payments/{run_id}?done=paid", status_code=303)
