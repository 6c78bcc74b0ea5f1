"""経費精算 screens: my claims (and everyone's for 経理 / 監査), the claim form with its line grid and receipts,
the detail with the 稟議 and the journal entries, 申請, the receipt images, and the employee's 振込先口座.

Thin adapters over ``ennoshita.expenses.services``: every change is one service call, which checks the
capability (expenses.use / expenses.view) and the owner; the routes read the form and show what it says.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, fields
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from ennoshita import exports
from ennoshita.actor import Actor
from ennoshita.dates import TOKYO, as_utc, today_tokyo
from ennoshita.db import Database
from ennoshita.errors import DomainError, Forbidden, Invalid, Problem
from ennoshita.expenses import cancellation, rules, services
from ennoshita.identity import can, require
from ennoshita.ledger import chart
from ennoshita.purchasing.credit_basis import NO_INVOICE_REASONS
from ennoshita.security.files import content_disposition
from ennoshita.web import nav
from ennoshita.web.approvals import approval_panel
from ennoshita.web.deps import ActorDep, DbDep
from ennoshita.web.exports import csv_response, export_links, wants_export
from ennoshita.web.forms import (
    Page,
    errors_of,
    form_data,
    page_no,
    parse_date,
    parse_id,
    purpose_choices,
    query_without_page,
    tax_names,
    text,
    translator,
)
from ennoshita.web.render import render

router = APIRouter(prefix="/expenses")

nav.register(nav.NavItem("desk", "nav.expenses.mine", "/expenses", "expenses.use", 60))
nav.register(nav.NavItem("accounting", "nav.expenses.all", "/expenses/all", "expenses.view", 90))

PER_PAGE = 50
GRID_ROWS = 6
STATUSES = ("draft", "pending_approval", "approved", "sent_back", "rejected", "cancelled")
PAYMENT_STATUSES = ("unpaid", "in_run", "paid")
TAX_RATES = ("10", "8", "0", "none")
HEAD_FIELDS = ("title",)


@dataclass
class ExpenseRow:
    """One row of the claim form, as typed."""

    kind: str = "receipt"
    expense_date: str = ""
    payee: str = ""
    account_code: str = ""
    tax_rate: str = "10"
    registration_number: str = ""
    amount: str = ""
    purpose: str = ""
    route_from: str = ""
    route_to: str = ""
    round_trip: str = ""
    distance_km: str = ""
    rate_per_km: str = ""
    keep_receipt: str = ""  # an attachment of the claim kept on edit
    receipt_name: str = ""  # its file name, shown next to the file input
    uploaded: str = ""  # a file was chosen for this row (lost on a re-render: the browser must send it again)
    transport_scope: str = "domestic"  # 国内交通 / 国際交通 (免税)
    no_invoice_reason: str = ""  # 公共交通機関 / 自動販売機 / 入場券: no qualified invoice needed
    tax_purpose: str = ""  # 用途区分 ("": the company's default)


ROW_FIELDS = tuple(f.name for f in fields(ExpenseRow) if f.name not in ("receipt_name", "uploaded"))
FILLED = ("expense_date", "payee", "registration_number", "amount", "purpose", "route_from", "route_to",
          "distance_km")


def account_choices(lang: str) -> list[tuple[str, str]]:
    """The accounts an employee may charge, with their names from the standard chart."""
    out = []
    for code in rules.EXPENSE_ACCOUNTS:
        account = chart.BY_CODE.get(code)
        name = chart.account_name(lang, account.name, account.name_en) if account else code
        out.append((code, name))
    return out


def _index_of(key: str) -> int | None:
    if key.startswith("lines[") and "]" in key and key[6:key.index("]")].isdigit():
        return int(key[6:key.index("]")])
    return None


def _read_rows(data: dict[str, Any], uploads: dict[int, UploadFile]) -> list[ExpenseRow]:
    indexes = sorted({i for i in (_index_of(k) for k in data) if i is not None} | set(uploads))
    return [ExpenseRow(**{f: text(data, f"lines[{i}].{f}") for f in ROW_FIELDS},
                       receipt_name=text(data, f"lines[{i}].receipt_name"),
                       uploaded="1" if i in uploads else "") for i in indexes]


def _blank(row: ExpenseRow) -> bool:
    return not (any(getattr(row, f) for f in FILLED) or row.uploaded or row.keep_receipt)


def _pad(rows: list[ExpenseRow]) -> list[ExpenseRow]:
    return rows + [ExpenseRow() for _ in range(max(GRID_ROWS - len(rows), 1))]


def _number(raw: str) -> str:
    return unicodedata.normalize("NFKC", raw).replace(",", "").replace("¥", "").replace("円", "").strip()


def _int(raw: str, field: str, problems: list[Problem]) -> int | None:
    value = _number(raw)
    if not value:
        return None
    if not (value.isascii() and value.lstrip("-").isdigit()):
        problems.append(Problem("expenses_ui.error.number", field))
        return None
    return int(value)


def _decimal(raw: str, field: str, problems: list[Problem]) -> Decimal | None:
    value = _number(raw).replace("km", "").strip()
    if not value:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        problems.append(Problem("expenses_ui.error.number", field))
        return None
    if not number.is_finite():
        problems.append(Problem("expenses_ui.error.number", field))
        return None
    return number


def _claim_input(rows: list[ExpenseRow], title: str, files: list[UploadFile | None], contents: list[bytes],
                 copy_from: int | None = None) -> services.ClaimInput:
    """The rows (already without blanks) as the service's input; shape problems named like the service's."""
    problems: list[Problem] = []
    lines: list[rules.LineInput] = []
    receipts: list[services.Receipt | None] = []
    keep: list[int | None] = []
    for i, (r, upload, content) in enumerate(zip(rows, files, contents, strict=True)):
        where = f"lines[{i}]"
        day = parse_date(r.expense_date)
        if day is None and r.expense_date:
            problems.append(Problem("expenses_ui.error.date", f"{where}.expense_date"))
        amount = _int(r.amount, f"{where}.amount", problems)
        distance = _decimal(r.distance_km, f"{where}.distance_km", problems)
        rate = _decimal(r.rate_per_km, f"{where}.rate_per_km", problems)
        lines.append(rules.LineInput(
            kind=r.kind, expense_date=day, amount=amount, payee=r.payee, account_code=r.account_code,
            tax_rate=r.tax_rate or "10", registration_number=r.registration_number, purpose=r.purpose,
            route_from=r.route_from, route_to=r.route_to, round_trip=r.round_trip in ("1", "on", "true"),
            distance_km=distance, rate_per_km=rate,
            has_receipt=upload is not None or bool(r.keep_receipt),
            transport_scope=r.transport_scope or "domestic", no_invoice_reason=r.no_invoice_reason,
            tax_purpose=r.tax_purpose))
        receipts.append(services.Receipt(upload.filename or "receipt", upload.content_type or "", content)
                        if upload is not None else None)
        keep.append(parse_id(r.keep_receipt) if upload is None else None)
    if problems:
        raise Invalid(problems=problems)
    return services.ClaimInput(title, tuple(lines), tuple(receipts), tuple(keep), copy_from)


# ---------------------------------------------------------------- lists


def _list_page(request: Request, db: Database, actor: Actor, everyone: bool) -> Response:
    q = request.query_params
    status = q.get("status", "") if q.get("status") in STATUSES else ""
    payment_status = q.get("payment_status", "") if q.get("payment_status") in PAYMENT_STATUSES else ""
    if encoding := wants_export(request):
        return _claims_csv(db, actor, everyone, status or None, payment_status or None,
                           q.get("q") if everyone else None, encoding)
    page = page_no(request)
    rows, total = services.list_claims(db.uow(), actor, mine=not everyone, status=status or None,
                                       payment_status=payment_status or None,
                                       q=q.get("q") if everyone else None, limit=PER_PAGE,
                                       offset=(page - 1) * PER_PAGE)
    return render(request, "expenses/list.html", {
        "page": Page(rows, total, page, PER_PAGE), "q": q, "query": query_without_page(request),
        "everyone": everyone, "statuses": STATUSES, "payment_statuses": PAYMENT_STATUSES,
        "can_view_all": can(actor, "expenses.view"), "can_use": can(actor, "expenses.use"),
        "base": "/expenses/all" if everyone else "/expenses", "export_links": export_links(request)})


def _claims_csv(db: Database, actor: Actor, everyone: bool, status: str | None, payment_status: str | None,
                text_: str | None, encoding: str) -> Response:
    require(actor, "expenses.view" if everyone else "expenses.use")
    t = translator(actor)
    col = exports.ExportColumn
    columns = [col(t("expenses_ui.col.number"), lambda r: r.number),
               col(t("expenses_ui.col.created"), lambda r: as_utc(r.created_at).astimezone(TOKYO)),
               col(t("expenses_ui.col.employee"), lambda r: r.employee_name),
               col(t("expenses_ui.col.department"), lambda r: r.department),
               col(t("expenses_ui.col.title"), lambda r: r.title), col(t("expenses_ui.col.total"), lambda r: r.total),
               col(t("expenses_ui.col.status"), lambda r: t("expenses_ui.status." + r.status)),
               col(t("expenses_ui.col.payment"),
                   lambda r: t("expenses_ui.payment." + r.payment_status) if r.status == "approved" else "")]
    return csv_response(db, "expenses", columns, lambda s: services.export_claims(
        s, actor, mine=not everyone, status=status, payment_status=payment_status, q=text_), encoding)


@router.get("")
def claim_list(request: Request, db: DbDep, actor: ActorDep) -> Response:
    if not can(actor, "expenses.use") and can(actor, "expenses.view"):  # 監査: only everyone's
        return RedirectResponse("/expenses/all", status_code=303)
    return _list_page(request, db, actor, everyone=False)


@router.get("/all")
def claim_list_all(request: Request, db: DbDep, actor: ActorDep) -> Response:
    return _list_page(request, db, actor, everyone=True)


# ---------------------------------------------------------------- 振込先口座


def _bank_page(request: Request, form: dict[str, str], status: int = 200, errors: dict[str, str] | None = None,
               general: list[str] | None = None, done: str | None = None) -> Response:
    return render(request, "expenses/bank.html", {
        "form": form, "errors": errors or {}, "general": general or [], "done": done,
        "account_types": services.ACCOUNT_TYPES}, status_code=status)


BANK_FIELDS = ("bank_code", "branch_code", "account_type", "account_number", "holder_kana")


@router.get("/bank")
def bank_show(request: Request, db: DbDep, actor: ActorDep) -> Response:
    require(actor, "expenses.use")
    row = services.bank_account(db.uow(), actor, actor.user_id or 0)
    form = {f: str(getattr(row, f) or "") for f in BANK_FIELDS} if row else {"account_type": "ordinary"}
    return _bank_page(request, form, done=request.query_params.get("done"))


@router.post("/bank")
async def bank_save(request: Request, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)
    form = {f: text(data, f) for f in BANK_FIELDS}
    try:
        services.save_bank_account(db.uow(), actor, actor.user_id or 0, services.BankInput(**form))
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        general += [m for k, m in errors.items() if k not in BANK_FIELDS]
        return _bank_page(request, form, exc.status, errors, general)
    return RedirectResponse("/expenses/bank?done=saved", status_code=303)


# ---------------------------------------------------------------- the claim form


def _form_page(request: Request, actor: Actor, form: dict[str, Any], rows: list[ExpenseRow],
               claim: services.ClaimView | None = None, status: int = 200, errors: dict[str, str] | None = None,
               general: list[str] | None = None) -> Response:
    """The claim form; ``form["copy_from"]``/``form["copy_number"]``: a new claim copied from a cancelled one."""
    return render(request, "expenses/form.html", {
        "form": form, "rows": _pad(rows), "claim": claim, "errors": errors or {}, "general": general or [],
        "kinds": rules.KINDS, "accounts": account_choices(actor.language), "tax_rates": TAX_RATES,
        "purposes": purpose_choices(actor.language),
        "default_rate": f"{rules.DEFAULT_RATE_PER_KM:f}", "today": today_tokyo().isoformat(),
        "action": f"/expenses/{claim.id}/edit" if claim else "/expenses/new"}, status_code=status)


def _rows_of(claim: services.ClaimView) -> list[ExpenseRow]:
    def num(value: Decimal | None) -> str:
        return f"{value.normalize():f}" if value is not None else ""

    out = []
    for ln in claim.lines:
        one_way = ln.amount // 2 if ln.kind == "transport" and ln.round_trip else ln.amount
        out.append(ExpenseRow(
            ln.kind, ln.expense_date.isoformat(), ln.payee if ln.kind == "receipt" else "", ln.account_code,
            ln.tax_rate, ln.registration_number or "", "" if ln.kind == "mileage" else str(one_way), ln.purpose,
            ln.route_from, ln.route_to, "1" if ln.round_trip else "", num(ln.distance_km), num(ln.rate_per_km),
            str(ln.attachment_id or ""), ln.attachment_name or "",
            transport_scope="international" if ln.credit_basis == "international" else "domestic",
            no_invoice_reason=ln.credit_basis if ln.credit_basis in NO_INVOICE_REASONS else "",
            tax_purpose=ln.tax_purpose or ""))
    return out


def _own_editable(db: Database, actor: Actor, claim_id: int) -> services.ClaimView:
    claim = services.get_claim(db.uow(), actor, claim_id)
    if claim.employee_id != actor.user_id:
        raise Forbidden("expenses.error.not_owner")
    return claim


async def _save(request: Request, db: Database, actor: Actor, claim: services.ClaimView | None) -> Response:
    raw = await request.form()
    data: dict[str, Any] = {k: raw.get(k) for k in raw if k != "csrf_token"}
    uploads = {i: v for k, v in data.items() if isinstance(v, UploadFile) and v.filename
               and (i := _index_of(k)) is not None}
    data = {k: v for k, v in data.items() if isinstance(v, str)}
    form = {"title": text(data, "title"), "copy_from": text(data, "copy_from") if claim is None else "",
            "copy_number": text(data, "copy_number") if claim is None else ""}
    typed = _read_rows(data, uploads)
    kept = [(i, r) for i, r in enumerate(typed) if not _blank(r)]
    rows = [r for _i, r in kept]  # blank rows dropped: service line k is form row k
    files = [uploads.get(i) for i, _r in kept]
    contents = [await f.read() if f is not None else b"" for f in files]
    submit = text(data, "action") == "submit"
    try:
        cmd = _claim_input(rows, form["title"], files, contents, parse_id(form["copy_from"]))
        if claim is None:
            saved = services.create_claim(db.uow(), actor, cmd, submit=submit)
        else:
            saved = services.update_claim(db.uow(), actor, claim.id, cmd)
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        for key in list(errors):  # the attachment's own checks (type, size) belong by the file field
            if key in ("filename", "content_type", "content", "size"):
                general.append(errors.pop(key))
        general = _summary(errors, general, actor)
        if claim is not None:
            claim = services.get_claim(db.uow(), actor, claim.id)
            names = {str(ln.attachment_id): ln.attachment_name for ln in claim.lines if ln.attachment_id}
            for r in rows:
                r.receipt_name = names.get(r.keep_receipt, "") or ""
        return _form_page(request, actor, form, rows, claim, exc.status, errors, general)
    if claim is not None and submit:  # saved; 申請 may still be refused (shown on the detail page)
        return _submit_and_show(request, db, actor, saved.id)
    done = "submitted" if submit else "saved"
    return RedirectResponse(f"/expenses/{saved.id}?done={done}", status_code=303)


def _summary(errors: dict[str, str], general: list[str], actor: Actor) -> list[str]:
    """The messages on top: the ones without a field on the form, and one line per line with errors."""
    from ennoshita.web.forms import translator

    t = translator(actor)
    shown = {"title", "lines"}
    out = list(general)
    out += [m for k, m in errors.items() if k not in shown and _index_of(k) is None]
    bad = sorted({i for i in (_index_of(k) for k in errors) if i is not None})
    if bad:
        out.append(t("expenses_ui.error.lines", lines="、".join(str(i + 1) for i in bad)))
    return out


@router.get("/new")
def claim_new(request: Request, db: DbDep, actor: ActorDep,
              source_id: Annotated[int | None, Query(alias="from")] = None) -> Response:
    """A blank claim, or (``?from=``) one copied from the employee's cancelled claim, its receipts kept."""
    require(actor, "expenses.use")
    if source_id is None:
        return _form_page(request, actor, {"title": ""}, [])
    source = cancellation.refile_source(db.uow(), actor, source_id)
    return _form_page(request, actor, {"title": source.title, "copy_from": str(source.id),
                                       "copy_number": source.number}, _rows_of(source))


@router.post("/new")
async def claim_create(request: Request, db: DbDep, actor: ActorDep) -> Response:
    require(actor, "expenses.use")
    return await _save(request, db, actor, None)


@router.get("/{claim_id}/edit")
def claim_edit(request: Request, claim_id: int, db: DbDep, actor: ActorDep) -> Response:
    claim = _own_editable(db, actor, claim_id)
    if claim.status not in services.EDITABLE:
        return RedirectResponse(f"/expenses/{claim_id}", status_code=303)
    return _form_page(request, actor, {"title": claim.title}, _rows_of(claim), claim)


@router.post("/{claim_id}/edit")
async def claim_update(request: Request, claim_id: int, db: DbDep, actor: ActorDep) -> Response:
    claim = _own_editable(db, actor, claim_id)
    return await _save(request, db, actor, claim)


# ---------------------------------------------------------------- detail, 申請, receipts


def _detail_page(request: Request, db: Database, actor: Actor, claim: services.ClaimView, status: int = 200,
                 general: list[str] | None = None, reason: str = "") -> Response:
    return render(request, "expenses/detail.html", {
        "c": claim, "approval": approval_panel(db, services.DOCUMENT_TYPE, claim.id),
        "accounts": dict(account_choices(actor.language)), "tax_names": tax_names(actor.language),
        "purposes": dict(purpose_choices(actor.language)),
        "is_owner": claim.employee_id == actor.user_id, "editable": claim.status in services.EDITABLE,
        "can_ledger": can(actor, "ledger.view"), "can_payments": can(actor, "payments.edit"),
        "can_cancel": can(actor, "expenses.cancel"), "refilable": claim.status in cancellation.REFILABLE,
        "reason": reason, "done": request.query_params.get("done"), "general": general or []}, status_code=status)


@router.get("/{claim_id}")
def claim_show(request: Request, claim_id: int, db: DbDep, actor: ActorDep) -> Response:
    return _detail_page(request, db, actor, services.get_claim(db.uow(), actor, claim_id))


@router.post("/{claim_id}/submit")
def claim_submit(request: Request, claim_id: int, db: DbDep, actor: ActorDep) -> Response:
    return _submit_and_show(request, db, actor, claim_id)


@router.post("/{claim_id}/cancel")
async def claim_cancel(request: Request, claim_id: int, db: DbDep, actor: ActorDep) -> Response:
    """取消 of an approved claim (経理): the service reverses its entries; refused ones come back with the reason."""
    data = await form_data(request)
    reason = text(data, "reason")
    try:
        cancellation.cancel_claim(db.uow(), actor, claim_id, reason)
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        claim = services.get_claim(db.uow(), actor, claim_id)
        return _detail_page(request, db, actor, claim, exc.status, general + list(errors.values()), reason)
    return RedirectResponse(f"/expenses/{claim_id}?done=cancelled", status_code=303)


def _submit_and_show(request: Request, db: Database, actor: Actor, claim_id: int) -> Response:
    try:
        services.submit_claim(db.uow(), actor, claim_id)
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        claim = services.get_claim(db.uow(), actor, claim_id)
        return _detail_page(request, db, actor, claim, exc.status, general + _line_messages(errors, actor))
    return RedirectResponse(f"/expenses/{claim_id}?done=submitted", status_code=303)


def _line_messages(errors: dict[str, str], actor: Actor) -> list[str]:
    from ennoshita.web.forms import translator

    t = translator(actor)
    out = []
    for key, message in errors.items():
        i = _index_of(key)
        out.append(t("error.line_prefix", line=i + 1) + message if i is not None else message)
    return out


@router.get("/{claim_id}/receipts/{attachment_id}")
def claim_receipt(claim_id: int, attachment_id: int, db: DbDep, actor: ActorDep) -> Response:
    summary, content = services.receipt(db.uow(), actor, claim_id, attachment_id)
    name = summary.filename or f"receipt-{attachment_id}"
    return Response(content, media_type=summary.content_type or "application/octet-stream", headers={
        "Content-Disposition": content_disposition(name, "inline"),
        "Cache-Control": "private, no-store"})
