"""証憑 API: a journal entry's files (add, list), the 電子帳簿保存法 search over every stored file, and a file's
bytes.

A thin adapter over :mod:`ennoshita.ledger.evidence`, which checks the capability (``ledger.edit`` to add,
``ledger.view`` to read and search) and the file. Errors are ``application/problem+json`` naming the field
(``file``, ``amount``, ``date_from`` ...). A file, once added, never changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Literal

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel

from ennoshita.api.deps import ApiActor, DbDep
from ennoshita.api.views import ViewModel
from ennoshita.attachments.queries import owner_href
from ennoshita.attachments.services import DEFAULT_MAX_BYTES, AttachmentSummary, NewAttachment
from ennoshita.ledger import evidence
from ennoshita.security.files import content_disposition

router = APIRouter(tags=["evidence"])

OwnerType = Literal["journal_entry", "expense_claim", "desk_request", "supplier_bill"]


class AttachmentOut(ViewModel, view=AttachmentSummary):
    sha256: str | None = None
    owner_url: str | None
    content_url: str


class AttachmentPage(BaseModel):
    items: list[AttachmentOut]
    total: int
    page: int
    per_page: int


def _out(a: AttachmentSummary) -> AttachmentOut:
    return AttachmentOut(**asdict(a), owner_url=owner_href(a.owner_type, a.owner_id),
                         content_url=f"/api/v1/attachments/{a.id}/content")


def download(content: bytes, name: str, content_type: str) -> Response:
    return Response(content, media_type=content_type or "application/octet-stream", headers={
        "Content-Disposition": content_disposition(name),
        "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"})


def _max_bytes(request: Request) -> int:
    settings = getattr(request.app.state, "settings", None)
    return int(getattr(settings, "upload_max_bytes", DEFAULT_MAX_BYTES))


@router.post("/journal-entries/{entry_id}/attachments", response_model=AttachmentOut, status_code=201)
async def attach(entry_id: int, request: Request, db: DbDep, actor: ApiActor,
                 file: UploadFile = File(..., description="The file: a PDF, an image, a spreadsheet ..."),
                 transaction_date: dt.date | None = Form(None, description="取引年月日; the entry's date if left out."),
                 amount: int | None = Form(None, description="取引金額 (yen); the entry's total if left out."),
                 counterparty: str | None = Form(None, description="取引先; the entry's if left out."),
                 ) -> AttachmentOut:
    """証憑を添付: to a draft, pending or posted entry (the entry itself does not change)."""
    content = await file.read()
    added = evidence.attach_to_entry(db.uow(), actor, entry_id, NewAttachment(
        file.filename or "file", file.content_type or "", content, transaction_date, amount,
        (counterparty or "").strip() or None), _max_bytes(request))
    return _out(added)


@router.get("/journal-entries/{entry_id}/attachments", response_model=list[AttachmentOut])
def entry_attachments(entry_id: int, db: DbDep, actor: ApiActor) -> list[AttachmentOut]:
    return [_out(a) for a in evidence.entry_attachments(db.uow(), actor, entry_id)]


@router.get("/attachments", response_model=AttachmentPage)
def search_attachments(
    db: DbDep,
    actor: ApiActor,
    date_from: dt.date | None = Query(None, description="取引日 from (inclusive)."),
    date_to: dt.date | None = Query(None, description="取引日 to (inclusive)."),
    amount_min: int | None = None,
    amount_max: int | None = None,
    counterparty: str | None = Query(None, description="A part of the counterparty's name."),
    owner_type: OwnerType | None = None,
    page: int = Query(1, ge=1),
    per_page: int = Query(50, ge=1, le=500),
) -> AttachmentPage:
    """The 電子帳簿保存法 search over every stored file; criteria combine. Newest 取引日 first."""
    found = evidence.search_evidence(db.uow(), actor, evidence.EvidenceSearch(
        date_from, date_to, amount_min, amount_max, counterparty, owner_type), page=page, per_page=per_page)
    return AttachmentPage(items=[AttachmentOut(
        id=r.id, owner_type=r.owner_type, owner_id=r.owner_id, filename=r.filename, content_type=r.content_type,
        size=r.size, transaction_date=r.transaction_date, amount=r.amount, counterparty=r.counterparty,
        uploaded_at=r.uploaded_at, owner_url=r.owner_href, content_url=f"/api/v1/attachments/{r.id}/content")
        for r in found.rows], total=found.total, page=found.page, per_page=found.per_page)


@router.get("/attachments/{attachment_id}/content", response_class=Response,
            responses={200: {"content": {"application/octet-stream": {}}}})
def attachment_content(attachment_id: int, db: DbDep, actor: ApiActor) -> Response:
    summary, content = evidence.evidence_content(db.uow(), actor, attachment_id)
    return download(content, summary.filename or f"attachment-{attachment_id}", summary.content_type)
