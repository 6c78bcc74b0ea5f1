"""Core API: health, company settings, users, audit trail."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict

from fastapi import APIRouter, Query, Request
from starlette.datastructures import UploadFile

from ennoshita import audit
from ennoshita.api.deps import ApiActor, DbDep
from ennoshita.api.schemas import (
    AuditOut,
    AuditPage,
    CompanyOut,
    CompanyPatch,
    Health,
    UserIn,
    UserOut,
)
from ennoshita.api.views import ViewModel
from ennoshita.errors import Invalid
from ennoshita.identity import company as company_service
from ennoshita.identity import require
from ennoshita.identity import services as identity
from ennoshita.identity.company import CompanyData
from ennoshita.migrations import current_revision

router = APIRouter()


@router.get("/health", response_model=Health, tags=["core"])
def health(db: DbDep) -> Health:
    return Health(status="ok", database=db.dialect, schema_revision=current_revision(db.engine))


def _company_out(c: CompanyData) -> CompanyOut:
    return CompanyOut.model_validate(c, from_attributes=True)


@router.get("/company", response_model=CompanyOut, tags=["core"])
def get_company(db: DbDep, actor: ApiActor) -> CompanyOut:
    return _company_out(company_service.get_company(db.uow(), actor))


@router.patch("/company", response_model=CompanyOut, tags=["core"])
def patch_company(body: CompanyPatch, db: DbDep, actor: ApiActor) -> CompanyOut:
    values = body.model_dump(exclude_unset=True)
    return _company_out(company_service.update_company(db.uow(), actor, values))


class SealOut(ViewModel, view=company_service.SealData):
    pass


SEAL_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["seal"],
    "properties": {"seal": {"type": "string", "format": "binary",
                            "description": "PNG or JPEG, at most 2 MB, roughly square."}}}}}}}


@router.put("/company/seal", response_model=SealOut, tags=["core"], openapi_extra=SEAL_BODY)
async def put_company_seal(request: Request, db: DbDep, actor: ApiActor) -> SealOut:
    """社印 (角印): upload the image printed on quotes, delivery notes and invoices (multipart part ``seal``);
    it replaces the previous one for documents rendered from now on."""
    upload = None
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        upload = (await request.form()).get("seal")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise Invalid("attachment.error.missing", field="seal")
    seal = company_service.upload_seal(db.uow(), actor, upload.filename, upload.content_type or "",
                                       await upload.read())
    return SealOut(**asdict(seal))


def _user_out(u: identity.UserSummary) -> UserOut:
    return UserOut.model_validate(u, from_attributes=True)


@router.get("/users", response_model=list[UserOut], tags=["core"])
def list_users(db: DbDep, actor: ApiActor) -> list[UserOut]:
    return [_user_out(u) for u in identity.list_users(db.uow(), actor)]


@router.post("/users", response_model=UserOut, status_code=201, tags=["core"])
def create_user(body: UserIn, db: DbDep, actor: ApiActor) -> UserOut:
    cmd = identity.NewUser(email=body.email, display_name=body.display_name, roles=tuple(body.roles),
                           password=body.password, language=body.language, department=body.department)
    return _user_out(identity.create_user(db.uow(), actor, cmd))


@router.get("/audit", response_model=AuditPage, tags=["core"])
def audit_trail(
    db: DbDep,
    actor: ApiActor,
    date_from: dt.date | None = Query(None, alias="from"),
    date_to: dt.date | None = Query(None, alias="to"),
    user: int | None = None,
    entity_type: str | None = None,
    entity_id: str | None = None,
    action: str | None = None,
    page: int = Query(1, ge=1),
    per_page: int = Query(50, ge=1, le=500),
) -> AuditPage:
    require(actor, "audit.view")
    f = audit.AuditFilter(date_from, date_to, user, entity_type, entity_id, action)
    with db.uow() as uow:
        result = audit.search(uow.session, f, page=page, per_page=per_page)
    return AuditPage(items=[AuditOut.model_validate(r, from_attributes=True) for r in result.rows], total=result.total,
                     page=result.page, per_page=result.per_page)
