"""Ledger API, continued: journal import (multipart: a 弥生 仕訳日記帳 or the generic CSV, all or nothing with every
bad line listed) and export (streamed), and renaming / deactivating an account."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from ennoshita.api.deps import ApiActor, DbDep
from ennoshita.api.views import ViewModel
from ennoshita.errors import Invalid
from ennoshita.identity import require
from ennoshita.ledger import importer, services
from ennoshita.security import uploads
from ennoshita.security.files import content_disposition

router = APIRouter(tags=["ledger"])

MEDIA = {"yayoi": "text/csv; charset=shift_jis", "csv": "text/csv; charset=utf-8",
         "hledger": "text/plain; charset=utf-8"}


class ImportOut(ViewModel, view=importer.ImportResult):
    pass


class AccountPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    name_kana: str | None = None
    name_en: str | None = None
    active: bool | None = None


class AccountChanged(BaseModel):
    id: int
    code: str
    name: str
    active: bool


@router.post("/journal-entries/import", response_model=ImportOut, status_code=201,
             openapi_extra={"requestBody": {"content": {"multipart/form-data": {"schema": {
                 "type": "object", "required": ["file"], "properties": {
                     "file": {"type": "string", "format": "binary"},
                     "format": {"type": "string", "enum": ["yayoi", "csv"], "default": "yayoi"}}}}}}})
async def import_journal(request: Request, db: DbDep, actor: ApiActor) -> ImportOut:
    """Import a whole file in one transaction; a file with any bad line imports nothing (422 lists every line)."""
    require(actor, "ledger.edit")
    form = await uploads.read_form(request)  # capped (413), spooled and parsed off the event loop
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise Invalid("attachment.error.missing", field="file")
    result = await run_in_threadpool(importer.import_journal, db.uow(), actor, upload.file,  # off the event loop
                                     str(form.get("format") or "yayoi"), None, False,
                                     uploads.rows_allowed(request, "journal"))
    return ImportOut.model_validate(result, from_attributes=True)


@router.get("/journal-entries/export")
def export_journal(db: DbDep, actor: ApiActor, format: Literal["yayoi", "csv", "hledger"] = "yayoi",  # noqa: A002
                   date_from: dt.date | None = Query(None, alias="from"),
                   date_to: dt.date | None = Query(None, alias="to")) -> StreamingResponse:
    """Posted entries as a 弥生 仕訳日記帳 (Shift_JIS), the generic CSV or an hledger journal, streamed."""
    require(actor, "ledger.view")
    ext = "journal" if format == "hledger" else "csv"
    return StreamingResponse(importer.export_journal(db.uow(), actor, format, date_from, date_to),
                             media_type=MEDIA[format],
                             headers={"Content-Disposition": content_disposition(f"journal-{format}.{ext}")})


@router.patch("/accounts/{account_id}", response_model=AccountChanged)
def change_account(account_id: int, body: AccountPatch, db: DbDep, actor: ApiActor) -> AccountChanged:
    """Rename an account and/or (de)activate it. An account is never deleted (it may have postings)."""
    summary = None
    if body.name is not None:
        summary = services.rename_account(db.uow(), actor, account_id, body.name, body.name_kana, body.name_en)
    if body.active is not None:
        summary = services.set_account_active(db.uow(), actor, account_id, body.active)
    if summary is None:
        raise Invalid("error.required", field="name")
    return AccountChanged(id=summary.id, code=summary.code, name=summary.name, active=summary.active)
