"""契約台帳 screens: search (取引先, 種類, 状態, text, date and amount ranges, 更新拒絶期限) with CSV export, the
registration form (stamp duty and 更新拒絶期限 computed by the service), one contract with its files and status."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from ennoshita.contracts import queries, rules
from ennoshita.contracts import services as contracts
from ennoshita.errors import DomainError, Invalid, Problem
from ennoshita.identity import can, require
from ennoshita.web import nav
from ennoshita.web.deps import ActorDep, DbDep
from ennoshita.web.forms import (
    checked_date,
    checked_int,
    field_errors,
    form_data,
    page_count,
    request_translator,
    text_form,
)
from ennoshita.web.render import render

router = APIRouter(prefix="/contracts")

nav.register(nav.NavItem("legal", "nav.contracts", "/contracts", "legal.view", 10))

PER_PAGE = 50
SEARCH_FIELDS = ("counterparty", "contract_type", "status", "q", "start_from", "start_to", "end_from", "end_to",
                 "amount_min", "amount_max", "deadline_to")


def _search(params: dict[str, str], problems: list[Problem]) -> contracts.Search:
    d = {k: checked_date(params.get(k, ""), k, problems) for k in ("start_from", "start_to", "end_from", "end_to",
                                                            "deadline_to")}
    return contracts.Search(params.get("counterparty", ""), params.get("contract_type", ""), params.get("status", ""),
                            params.get("q", ""), d["start_from"], d["start_to"], d["end_from"], d["end_to"],
                            checked_int(params.get("amount_min", ""), "amount_min", problems),
                            checked_int(params.get("amount_max", ""), "amount_max", problems), d["deadline_to"])


@router.get("")
def register_list(request: Request, db: DbDep, actor: ActorDep, page: int = 1) -> Response:
    params = {k: request.query_params.get(k, "").strip() for k in SEARCH_FIELDS}
    problems: list[Problem] = []
    q = _search(params, problems)
    errors: dict[str, str] = {}
    rows: list[contracts.ContractView] = []
    total = 0
    try:
        if problems:
            raise Invalid(problems=problems)
        rows, total = contracts.search(db.uow(), actor, q, max(page, 1), PER_PAGE)
    except Invalid as exc:
        errors, _general = field_errors(exc, request_translator(request))
    pages = page_count(total, PER_PAGE)
    query = "&".join(f"{k}={v}" for k, v in params.items() if v)
    return render(request, "contracts/list.html", {
        "rows": rows, "total": total, "page": page, "pages": pages, "params": params, "errors": errors,
        "query": query, "types": rules.TYPES, "statuses": rules.STATUSES, "can_edit": can(actor, "legal.edit")})


@router.get("/export.csv")
def export_csv(request: Request, db: DbDep, actor: ActorDep) -> Response:
    params = {k: request.query_params.get(k, "").strip() for k in SEARCH_FIELDS}
    problems: list[Problem] = []
    q = _search(params, problems)
    if problems:
        raise Invalid(problems=problems)
    return Response(queries.register_csv(db.uow(), actor, q), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="contracts.csv"'})


def _form_page(request: Request, form: dict[str, Any], errors: dict[str, str], general: list[str],
               status: int = 200) -> Response:
    return render(request, "contracts/form.html", {"form": form, "errors": errors, "general": general,
                                                    "types": rules.TYPES},
                  status_code=status)


@router.get("/new")
def new_form(request: Request, actor: ActorDep) -> Response:
    """The form; from a 法務審査依頼 (``request_id``) it comes pre-filled and saving links the two."""
    require(actor, "legal.edit")  # a read-only role (監査人) gets no form to fill before a 403 on save
    q = request.query_params
    return _form_page(request, {"start_on": dt.date.today().isoformat(), "renewal_months": "12",
                                "notice_months": "3", "contract_type": "outsourcing",
                                "request_id": q.get("request_id", ""), "title": q.get("subject", ""),
                                "counterparty": q.get("counterparty", ""), "description": q.get("description", "")},
                      {}, [])


@router.post("/new")
async def create(request: Request, db: DbDep, actor: ActorDep) -> Response:
    form = await text_form(request)
    problems: list[Problem] = []
    start = checked_date(form.get("start_on", ""), "start_on", problems)
    end = checked_date(form.get("end_on", ""), "end_date", problems)
    signed = checked_date(form.get("signed_on", ""), "signed_on", problems)
    amount = checked_int(form.get("amount", ""), "amount", problems)
    renewal = checked_int(form.get("renewal_months", "") or "12", "renewal_months", problems)
    notice = checked_int(form.get("notice_months", "") or "0", "notice_months", problems)
    if start is None and not any(p.field == "start_on" for p in problems):
        problems.append(Problem("assets_ui.error.date", "start_on"))
    try:
        if problems:
            raise Invalid(problems=problems)
        assert start is not None
        view = contracts.register(db.uow(), actor, contracts.NewContract(
            form.get("title", ""), form.get("contract_type", ""), form.get("counterparty", ""), start, end, signed,
            amount=amount, auto_renew=form.get("auto_renew") == "1", renewal_months=renewal or 12,
            notice_months=notice or 0, department=form.get("department", ""),
            electronic=form.get("electronic") == "1", stamp_document=form.get("stamp_document") or None,
            stamp_subject=form.get("stamp_subject", "other") or "other",
            status="signed" if form.get("signed") == "1" else "review", description=form.get("description", ""),
            desk_request_id=int(form["request_id"]) if form.get("request_id", "").isdigit() else None),
            today=dt.date.today())
    except DomainError as exc:
        errors, general = field_errors(exc, request_translator(request))
        return _form_page(request, form, errors, general, 422)
    return RedirectResponse(f"/contracts/{view.id}", status_code=303)


def _detail(request: Request, db: DbDep, actor: ActorDep, contract_id: int, file_errors: list[str] | None = None,
            status: int = 200) -> Response:
    c = contracts.get_contract(db.uow(), actor, contract_id)
    return render(request, "contracts/detail.html", {
        "c": c, "files": contracts.files(db.uow(), actor, contract_id),
        "next": contracts.TRANSITIONS.get(c.status, ()), "general": [], "can_edit": can(actor, "legal.edit"),
        "file_errors": file_errors or []}, status_code=status)


@router.get("/{contract_id}")
def detail(request: Request, contract_id: int, db: DbDep, actor: ActorDep) -> Response:
    return _detail(request, db, actor, contract_id)


@router.post("/{contract_id}/status")
async def set_status(request: Request, contract_id: int, db: DbDep, actor: ActorDep) -> Response:
    form = await form_data(request)
    contracts.set_status(db.uow(), actor, contract_id, str(form.get("status", "")))
    return RedirectResponse(f"/contracts/{contract_id}", status_code=303)


@router.post("/{contract_id}/signing")
async def request_signing(request: Request, contract_id: int, db: DbDep, actor: ActorDep) -> Response:
    contracts.request_signing(db.uow(), actor, contract_id)
    return RedirectResponse(f"/contracts/{contract_id}", status_code=303)


@router.post("/{contract_id}/files")
async def add_file(request: Request, contract_id: int, db: DbDep, actor: ActorDep) -> Response:
    raw = await request.form()
    upload = raw.get("file")
    try:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise Invalid("attachment.error.missing", field="file")
        contracts.add_file(db.uow(), actor, contract_id, upload.filename, upload.content_type or "application/pdf",
                           await upload.read())
    except Invalid as exc:  # answered on the contract's page, beside the file field
        errors, general = field_errors(exc, request_translator(request))
        return _detail(request, db, actor, contract_id, general + list(errors.values()), 422)
    return RedirectResponse(f"/contracts/{contract_id}", status_code=303)


@router.get("/{contract_id}/files/{attachment_id}")
def file_content(contract_id: int, attachment_id: int, db: DbDep, actor: ActorDep) -> Response:
    from ennoshita.web.ledger.evidence import download

    summary, content = contracts.file_content(db.uow(), actor, contract_id, attachment_id)
    return download(content, summary.filename or "contract.pdf", summary.content_type)
