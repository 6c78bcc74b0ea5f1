"""仕訳のインポート・エクスポート on screen: a 弥生会計 仕訳日記帳 (Shift_JIS) or generic CSV file checked as a
whole and imported all or nothing (every bad line listed with its number and reason), and the books downloaded
as 弥生, CSV or hledger. The same services as ``ennoshita journal import|export``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from ennoshita.errors import DomainError, Invalid, Problem
from ennoshita.identity import require
from ennoshita.ledger import importer
from ennoshita.security import uploads
from ennoshita.security.files import content_disposition
from ennoshita.web import nav
from ennoshita.web.deps import ActorDep, DbDep
from ennoshita.web.forms import parse_date, translator
from ennoshita.web.render import render

router = APIRouter(prefix="/ledger")

nav.register(nav.NavItem("accounting", "nav.ledger.import", "/ledger/import", "ledger.edit", 135))

EXPORT_TYPES = {"yayoi": ("text/csv; charset=shift_jis", "csv"), "csv": ("text/csv; charset=utf-8", "csv"),
                "hledger": ("text/plain; charset=utf-8", "journal")}


def _page(request: Request, actor: Any, status: int = 200, **extra: Any) -> Response:
    t = translator(actor)
    labels = {"yayoi": t("ledger_ui.format.yayoi"), "csv": t("ledger_ui.format.csv"),
              "hledger": t("ledger_ui.format.hledger")}
    ctx: dict[str, Any] = {"problems": [], "general": [], "result": None, "form": {"format": "yayoi"},
                           "formats": [(f, labels[f]) for f in importer.FORMATS],
                           "export_formats": [(f, labels[f]) for f in importer.EXPORT_FORMATS],
                           "done": request.query_params}
    ctx.update(extra)
    return render(request, "ledger/import.html", ctx, status_code=status)


@router.get("/import")
def import_form(request: Request, actor: ActorDep) -> Response:
    require(actor, "ledger.edit")
    return _page(request, actor)


@router.post("/import")
async def import_file(request: Request, db: DbDep, actor: ActorDep) -> Response:
    require(actor, "ledger.edit")
    raw = await request.form()
    fmt = str(raw.get("format") or "yayoi")
    upload = raw.get("file")
    t = translator(actor)
    try:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise Invalid("attachment.error.missing", field="file")
        # The upload is spooled to disk by the server; the importer streams it (memory does not grow with it).
        result = await run_in_threadpool(importer.import_journal, db.uow(), actor, upload.file, fmt,  # off the loop
                                         None, False, uploads.rows_allowed(request, "journal"))
    except DomainError as exc:
        if exc.status in (401, 403):
            raise
        if exc.key != "ledger.error.import_failed":  # the file's own error (none given, its bytes unreadable,
            general = [t(p.key, **p.params) for p in exc.problems or [Problem(exc.key, exc.field, exc.params)]]
            return _page(request, actor, exc.status, general=general, form={"format": fmt})  # empty): no line
        lines: list[tuple[int | None, str]] = []
        for p in exc.problems or [Problem(exc.key, exc.field, exc.params)]:
            column = t.field(p.field)  # the file's column, as its format names it (借方勘定科目 / Debit account)
            lines.append((p.line, f"{column}: {t(p.key, **p.params)}" if column else t(p.key, **p.params)))
        return _page(request, actor, exc.status, problems=lines, form={"format": fmt},
                     count=int(exc.params.get("count", len(lines))))
    return RedirectResponse(
        f"/ledger/import?entries={result.entries}&lines={result.lines}&first={quote(result.first_entry)}"
        f"&last={quote(result.last_entry)}&sha256={result.sha256[:16]}", status_code=303)


@router.get("/export")
def export_file(request: Request, db: DbDep, actor: ActorDep) -> Response:
    require(actor, "ledger.view")
    q = request.query_params
    fmt = q.get("format", "yayoi")
    if fmt not in EXPORT_TYPES:
        raise Invalid("ledger.error.format", field="format", value=fmt)
    day_from, day_to = parse_date(q.get("from", "")), parse_date(q.get("to", ""))
    media, ext = EXPORT_TYPES[fmt]
    span = "_".join(d.isoformat() for d in (day_from, day_to) if d is not None)
    name = f"仕訳_{fmt}{'_' + span if span else ''}.{ext}"
    return StreamingResponse(importer.export_journal(db.uow(), actor, fmt, day_from, day_to), media_type=media,
                             headers={"Content-Disposition": content_disposition(name)})
