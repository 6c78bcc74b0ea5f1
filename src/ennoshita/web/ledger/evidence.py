"""証憑: the upload form on 仕訳詳細, the download of any stored file, and 証憑検索 (電子帳簿保存法: 取引日,
金額 and 取引先, combinable) over every stored file.

Thin adapters over ``ennoshita.ledger.evidence``, which checks the capability (ledger.edit to add,
ledger.view to read and search) and the file.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from ennoshita.attachments.queries import OWNER_TYPES
from ennoshita.attachments.services import DEFAULT_MAX_BYTES, NewAttachment
from ennoshita.errors import DomainError, Invalid, NotFound, Problem
from ennoshita.identity.company import SEAL_OWNER
from ennoshita.ledger import evidence, queries, queries_ui
from ennoshita.security.files import content_disposition
from ennoshita.web import nav
from ennoshita.web.deps import ActorDep, DbDep
from ennoshita.web.forms import field_errors, parse_date, parse_id, parse_int, query_without_page, translator
from ennoshita.web.ledger.common import viewer
from ennoshita.web.ledger.entries import detail_page
from ennoshita.web.render import render

router = APIRouter(prefix="/ledger")

# Next to 仕訳一覧 (20) and 仕訳帳 (30).
nav.register(nav.NavItem("accounting", "nav.ledger.evidence", "/ledger/evidence", "ledger.view", 25))

PER_PAGE = 50
FORM_FIELDS = ("transaction_date", "amount", "counterparty")


def _max_bytes(request: Request) -> int:
    settings = getattr(request.app.state, "settings", None)
    return int(getattr(settings, "upload_max_bytes", DEFAULT_MAX_BYTES))


def download(content: bytes, name: str, content_type: str) -> Response:
    """The stored bytes as they came, with the Japanese file name (RFC 5987) and an ASCII fallback."""
    return Response(content, media_type=content_type or "application/octet-stream", headers={
        "Content-Disposition": content_disposition(name, "inline"),
        "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"})


# ---------------------------------------------------------------- upload on 仕訳詳細


def _read_upload(form: dict[str, Any], upload: Any, content: bytes) -> NewAttachment:
    """The form as a file with its fields; what cannot be read is refused naming its field."""
    problems: list[Problem] = []
    if not isinstance(upload, UploadFile) or not upload.filename:
        problems.append(Problem("attachment.error.missing", "file"))
    day_text = form["transaction_date"]
    day = parse_date(day_text)
    if day_text and day is None:
        problems.append(Problem("ledger_ui.error.date", "transaction_date"))
    amount = None
    try:
        amount = parse_int(form["amount"])
    except ValueError:
        problems.append(Problem("ledger_ui.error.amount", "amount"))
    if problems:
        raise Invalid(problems=problems)
    assert isinstance(upload, UploadFile)
    return NewAttachment(upload.filename or "file", upload.content_type or "", content, day, amount,
                         form["counterparty"] or None)


@router.post("/entries/{entry_id}/attachments")
async def entry_attach(request: Request, entry_id: int, db: DbDep, actor: ActorDep) -> Response:
    raw = await request.form()
    form = {k: str(raw.get(k) or "").strip() for k in FORM_FIELDS}
    upload = raw.get("file")
    content = await upload.read() if isinstance(upload, UploadFile) else b""
    try:
        new = _read_upload(form, upload, content)
        evidence.attach_to_entry(db.uow(), actor, entry_id, new, _max_bytes(request))
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        errors, general = field_errors(exc, translator(actor))
        general += [m for k, m in errors.items() if k not in ("file", *FORM_FIELDS)]
        with db.uow() as uow:
            entry = queries.get_entry(uow.session, entry_id, actor.language)
            links = queries_ui.entry_links(uow.session, entry_id)
        if entry is None:
            raise NotFound("ledger.error.entry_not_found", field="entry_id") from None
        return detail_page(request, db, actor, entry, links, status=exc.status, evidence_errors=errors,
                           general=general, evidence_form=form)
    return RedirectResponse(f"/ledger/entries/{entry_id}?done=attached#evidence", status_code=303)


# ---------------------------------------------------------------- download


@router.get("/evidence/{attachment_id}")
def evidence_file(attachment_id: int, db: DbDep, actor: ActorDep) -> Response:
    summary, content = evidence.evidence_content(db.uow(), actor, attachment_id)
    return download(content, summary.filename or f"evidence-{attachment_id}", summary.content_type)


# ---------------------------------------------------------------- 証憑検索


def _criteria(request: Request) -> tuple[evidence.EvidenceSearch, dict[str, str]]:
    """The search as typed; a value that cannot be read is named (and left out of the search)."""
    q = request.query_params
    bad: dict[str, str] = {}
    days = {}
    for name in ("from", "to"):
        days[name] = parse_date(q.get(name))
        if q.get(name, "").strip() and days[name] is None:
            bad[name] = "ledger_ui.error.date"
    amounts: dict[str, int | None] = {}
    for name in ("amount_min", "amount_max"):
        try:
            amounts[name] = parse_int(q.get(name))
        except ValueError:
            amounts[name] = None
            bad[name] = "ledger_ui.error.amount"
    kind = q.get("type", "")
    return evidence.EvidenceSearch(
        date_from=days["from"], date_to=days["to"], amount_min=amounts["amount_min"],
        amount_max=amounts["amount_max"], counterparty=q.get("counterparty", "").strip() or None,
        owner_type=kind if kind in OWNER_TYPES else None), bad


# The service names the fields as the API does; the screen's inputs are ``from`` and ``to``.
SCREEN_FIELD = {"date_from": "from", "date_to": "to"}


@router.get("/evidence")
def evidence_search(request: Request, db: DbDep, actor: ActorDep) -> Response:
    viewer(actor)
    t = translator(actor)
    criteria, bad = _criteria(request)
    errors = {k: t(v) for k, v in bad.items()}
    status = 422 if errors else 200
    page = evidence.EvidencePage([], 0, 1, PER_PAGE)
    if not errors:
        try:
            page = evidence.search_evidence(db.uow(), actor, criteria, page=parse_id(request.query_params.get(
                "page")) or 1, per_page=PER_PAGE)
        except Invalid as exc:
            fields, _general = field_errors(exc, t)
            errors = {SCREEN_FIELD.get(k, k): m for k, m in fields.items()}
            status = exc.status
    return render(request, "ledger/evidence.html", {
        "page": page, "q": request.query_params, "errors": errors, "owner_types": OWNER_TYPES,
        "owner_labels": (*OWNER_TYPES, SEAL_OWNER),  # the 社印: the company's attachment, no filter of its own
        "query": query_without_page(request)}, status_code=status)
