"""管理: company settings, bank accounts, users and roles."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from ennoshita.errors import DomainError, Forbidden, Invalid, NotFound
from ennoshita.i18n import Translator
from ennoshita.identity import ALL_ROLES, can, require
from ennoshita.identity import company as company_service
from ennoshita.identity import services as identity
from ennoshita.identity.rules import ACCOUNT_TYPES, LANGUAGES, TAX_ACCOUNTING, TAX_ROUNDING
from ennoshita.web.deps import ActorDep, DbDep
from ennoshita.web.forms import as_list, field_errors, form_data
from ennoshita.web.render import render

router = APIRouter(prefix="/admin")


def _company_page(request: Request, db: DbDep, actor: ActorDep, status: int = 200, **extra: Any) -> Response:
    company = company_service.get_company(db.uow(), actor)
    seal = company_service.current_seal(db.uow())
    ctx: dict[str, Any] = {
        "company": company, "form": None, "errors": {}, "general": [], "bank_form": None, "bank_errors": {},
        "seal": seal[0] if seal else None, "seal_errors": {},
        "can_edit": can(actor, "company.edit"), "tax_accounting": TAX_ACCOUNTING,
        "tax_rounding": TAX_ROUNDING, "account_types": ACCOUNT_TYPES,
        "saved": request.query_params.get("saved"),
    }
    ctx.update(extra)
    return render(request, "admin/company.html", ctx, status_code=status)


@router.get("/company")
def company_page(request: Request, db: DbDep, actor: ActorDep) -> Response:
    return _company_page(request, db, actor)


@router.post("/company")
async def company_save(request: Request, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)
    values = {k: data[k] for k in company_service.EDITABLE if k in data}  # a field left off the form keeps its value
    if "smtp_host" in data:  # an unticked checkbox sends nothing
        values["smtp_starttls"] = "smtp_starttls" in data
    if "base_period_taxable_sales" in data:  # purchasing's block: 納期の特例, 全銀 EDI, 少額特例
        for key in ("withholding_special_due", "zengin_edi", "small_amount_exception"):
            values[key] = key in data
    if "contract_alert_days" in data:  # 総務・法務's block: 中小企業者等
        values["sme"] = "sme" in data
    fee_keys = [k for k in data if k.startswith("fee_")]
    if fee_keys:  # the 振込手数料 table: all empty = the built-in example
        table = {k[4:]: data[k] for k in fee_keys}
        values["transfer_fee_table"] = None if not any(str(v).strip() for v in table.values()) else table
    try:
        company_service.update_company(db.uow(), actor, values)
    except DomainError as exc:
        errors, general = field_errors(exc, Translator(actor.language))
        return _company_page(request, db, actor, status=exc.status, form=values, errors=errors,
                             general=general)
    return RedirectResponse("/admin/company?saved=1", status_code=303)


@router.post("/company/banks")
async def bank_add(request: Request, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)
    try:
        bank = company_service.BankAccountData(
            bank_code=str(data.get("bank_code", "")), bank_name_kana=str(data.get("bank_name_kana", "")),
            branch_code=str(data.get("branch_code", "")),
            branch_name_kana=str(data.get("branch_name_kana", "")),
            account_type=str(data.get("account_type", "")),
            account_number=str(data.get("account_number", "")),
            holder_kana=str(data.get("holder_kana", "")),
            zengin_requester_code=str(data.get("zengin_requester_code", "")),
            is_default=data.get("is_default") == "on",
        )
        company_service.save_bank_account(db.uow(), actor, bank)
    except DomainError as exc:
        errors, general = field_errors(exc, Translator(actor.language))
        return _company_page(request, db, actor, status=exc.status, bank_form=data, bank_errors=errors,
                             general=general)
    return RedirectResponse("/admin/company?saved=bank", status_code=303)


@router.post("/company/banks/{bank_id}/remove")
def bank_remove(bank_id: int, db: DbDep, actor: ActorDep) -> Response:
    company_service.remove_bank_account(db.uow(), actor, bank_id)
    return RedirectResponse("/admin/company?saved=bank", status_code=303)


@router.post("/company/seal")
async def seal_upload(request: Request, db: DbDep, actor: ActorDep) -> Response:
    """社印 (角印): the image printed on the documents; a new upload replaces the previous one."""
    form = await request.form()
    upload = form.get("seal")
    try:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise Invalid("attachment.error.missing", field="seal")
        company_service.upload_seal(db.uow(), actor, upload.filename, upload.content_type or "", await upload.read())
    except DomainError as exc:
        if exc.status == 403:
            raise
        errors, general = field_errors(exc, Translator(actor.language))
        return _company_page(request, db, actor, status=exc.status, seal_errors=errors, general=general)
    return RedirectResponse("/admin/company?saved=seal#seal", status_code=303)


@router.get("/company/seal")
def seal_image(db: DbDep, actor: ActorDep) -> Response:
    require(actor, "company.view")
    found = company_service.current_seal(db.uow())
    if found is None:
        raise NotFound("company.error.seal_none")
    seal, content = found
    return Response(content, media_type=seal.content_type, headers={
        "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"})


@router.get("/users")
def users(request: Request, db: DbDep, actor: ActorDep) -> Response:
    rows = identity.list_users(db.uow(), actor)
    return render(request, "admin/users.html", {"users": rows, "can_manage": can(actor, "users.manage")})


def _new_user_page(request: Request, status: int = 200, **extra: Any) -> Response:
    ctx: dict[str, Any] = {"form": {}, "errors": {}, "general": [], "all_roles": ALL_ROLES,
                           "languages": LANGUAGES}
    ctx.update(extra)
    return render(request, "admin/user_new.html", ctx, status_code=status)


@router.get("/users/new")
def user_new(request: Request, actor: ActorDep) -> Response:
    if not can(actor, "users.manage"):
        raise Forbidden("error.forbidden")
    return _new_user_page(request)


@router.post("/users/new")
async def user_create(request: Request, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)
    roles = as_list(data.get("roles"))
    cmd = identity.NewUser(
        email=str(data.get("email", "")), display_name=str(data.get("display_name", "")),
        roles=tuple(roles), password=str(data.get("password", "")),
        language=str(data.get("language", "ja")), department=str(data.get("department", "")) or None,
    )
    try:
        user = identity.create_user(db.uow(), actor, cmd)
    except DomainError as exc:
        if exc.status == 403:
            raise
        errors, general = field_errors(exc, Translator(actor.language))
        form = dict(data)
        form["roles"] = roles
        return _new_user_page(request, status=exc.status, form=form, errors=errors, general=general)
    return RedirectResponse(f"/admin/users/{user.id}?saved=1", status_code=303)


@router.get("/users/{user_id}")
def user_detail(request: Request, user_id: int, db: DbDep, actor: ActorDep) -> Response:
    user = identity.get_user(db.uow(), actor, user_id)
    return render(request, "admin/user_detail.html", {
        "user": user, "all_roles": ALL_ROLES, "can_manage": can(actor, "users.manage"),
        "errors": {}, "general": [], "saved": request.query_params.get("saved"),
    })


@router.post("/users/{user_id}/roles")
async def user_roles(request: Request, user_id: int, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)
    try:
        identity.set_roles(db.uow(), actor, user_id, as_list(data.get("roles")))
    except DomainError as exc:
        if exc.status == 403:
            raise
        errors, general = field_errors(exc, Translator(actor.language))
        user = identity.get_user(db.uow(), actor, user_id)
        return render(request, "admin/user_detail.html", {
            "user": user, "all_roles": ALL_ROLES, "can_manage": True, "errors": errors, "general": general,
            "saved": None,
        }, status_code=exc.status)
    return RedirectResponse(f"/admin/users/{user_id}?saved=1", status_code=303)


@router.post("/users/{user_id}/deactivate")
def user_deactivate(user_id: int, db: DbDep, actor: ActorDep) -> Response:
    identity.deactivate_user(db.uow(), actor, user_id)
    return RedirectResponse(f"/admin/users/{user_id}?saved=1", status_code=303)


@router.post("/users/{user_id}/reactivate")
def user_reactivate(user_id: int, db: DbDep, actor: ActorDep) -> Response:
    identity.reactivate_user(db.uow(), actor, user_id)
    return RedirectResponse(f"/admin/users/{user_id}?saved=1", status_code=303)
