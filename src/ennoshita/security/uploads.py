"""Uploads: one size cap per route, counted before and while the body arrives, and multipart parsing off the loop.

Every request body goes through :class:`BodyLimit` (an ASGI middleware on the whole app, web and API):

- the route's cap is looked up in :data:`ROUTES` by URL (an import names its kind there; every other request
  gets ``request_max_bytes``);
- a ``Content-Length`` above the cap answers **413** at once, before a byte of the body is read;
- the body is counted while it arrives, so a missing or lying ``Content-Length`` is stopped at the cap too
  (413; whatever the application was about to answer is replaced).

Import routes read their form with :func:`read_form` instead of ``request.form()``: the raw body is spooled to a
temporary file (written in the thread pool) and the multipart parsing runs in a worker thread, so a 200 MB
弥生 file never holds the event loop. The parsed form is cached on the request, so a later ``request.form()``
(the CSRF check, the route) returns it without reading again. Files stay on disk (``UploadFile.file``).

Row caps: an importer calls :func:`check_rows` while it streams; more rows than the kind allows is a 422 naming
the limit, and nothing is imported. The limits come from settings (``ENNOSHITA_*``) and are documented in the
README (Deploy).
"""

from __future__ import annotations

import asyncio
import re
import tempfile
from collections.abc import AsyncGenerator, Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import IO, Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, Headers
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request

from ennoshita.errors import DomainError, Invalid
from ennoshita.settings import Settings, get_settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MB = 1024 * 1024
SPOOL_IN_MEMORY = MB  # bodies above this go to a temporary file
_WRITE_BATCH = MB  # bytes gathered before one write in the thread pool
SETTINGS_KEY = "ennoshita.settings"  # the app's settings, put in the scope by BodyLimit (the API is mounted)
_FORM_OVERHEAD = 64 * 1024  # multipart boundaries, the CSRF token and the small fields around the file


class PayloadTooLarge(DomainError):
    """The request body is larger than the route allows (413)."""

    status = 413
    default_key = "upload.error.too_large"


@dataclass(frozen=True)
class UploadKind:
    name: str
    max_bytes: int
    max_rows: int | None


def kinds(settings: Settings) -> dict[str, UploadKind]:
    """Every kind of upload with its limits from settings."""
    return {
        "request": UploadKind("request", settings.request_max_bytes, None),
        "bank_csv": UploadKind("bank_csv", settings.bank_csv_max_bytes, settings.bank_csv_max_rows),
        "journal": UploadKind("journal", settings.journal_import_max_bytes, settings.journal_import_max_rows),
        "partners": UploadKind("partners", settings.partner_csv_max_bytes, settings.partner_csv_max_rows),
        "attendance": UploadKind("attendance", settings.attendance_csv_max_bytes, settings.attendance_csv_max_rows),
    }


# URL (web and API) -> kind of upload. Routes not listed get the general ``request`` cap.
ROUTES: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), k) for p, k in (
    (r"^/sales/receipts/import$", "bank_csv"),
    (r"^/api/v1/bank-imports$", "bank_csv"),
    (r"^/ledger/import$", "journal"),
    (r"^/api/v1/journal-entries/import$", "journal"),
    (r"^/sales/partners/import$", "partners"),
    (r"^/hr/attendance/import$", "attendance"),
    (r"^/api/v1/attendance/import$", "attendance"),
))


def kind_for(path: str, settings: Settings | None = None) -> UploadKind:
    table = kinds(settings or get_settings())
    for pattern, name in ROUTES:
        if pattern.match(path):
            return table[name]
    return table["request"]


def body_cap(kind: UploadKind) -> int:
    """The bytes a request may carry: the file's limit plus room for the form around it."""
    return kind.max_bytes + (_FORM_OVERHEAD if kind.name != "request" else 0)


def too_large(kind: UploadKind) -> PayloadTooLarge:
    return PayloadTooLarge(field="file", max_mb=_mb(kind.max_bytes), max_bytes=kind.max_bytes)


def _mb(n: int) -> str:
    return f"{n / MB:g}"


def check_rows(count: int, kind_name: str, settings: Settings | None = None) -> None:
    """Raise 422 (``upload.error.too_many_rows``, naming the limit) once ``count`` passes the kind's row cap."""
    cap = kinds(settings or get_settings())[kind_name].max_rows
    if cap is not None and count > cap:
        raise Invalid("upload.error.too_many_rows", field="file", max=f"{cap:,}")


def row_cap(kind_name: str, settings: Settings | None = None) -> int | None:
    return kinds(settings or get_settings())[kind_name].max_rows


def rows_allowed(request: Request, kind_name: str) -> int | None:
    """The row cap of an import, from the serving app's settings."""
    return row_cap(kind_name, request.scope.get(SETTINGS_KEY))


# ---------------------------------------------------------------- reading a form off the loop


async def read_form(request: Request, settings: Settings | None = None) -> FormData:
    """The request's form, parsed in a worker thread from a spooled copy of the body (see the module text).

    Raises :class:`PayloadTooLarge` at the route's cap and :class:`Invalid` for a malformed multipart body.
    """
    cached: FormData | None = getattr(request, "_form", None)
    if cached is not None:
        return cached
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        return await request.form()
    kind = kind_for(request.url.path, settings or request.scope.get(SETTINGS_KEY))
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115  closed below
    try:
        await _spool(request, spool, kind)
        form = await run_in_threadpool(_parse_spooled, request.headers, spool)
    finally:
        spool.close()
    request._form = form  # Starlette's own cache: request.form() answers this from now on
    return form


async def read_upload(request: Request, field: str = "file", settings: Settings | None = None) -> IO[bytes] | None:
    """The uploaded file as a seekable binary stream on disk (or in memory under 1 MB): the multipart part
    ``field``, or the raw body for any other content type (``text/csv``). None when nothing was sent, and when
    the body was already read as a form without that file part (a web form posted url-encoded: the CSRF check
    read its fields, and the body is no file)."""
    parsed = getattr(request, "_form", None) is not None
    if parsed or request.headers.get("content-type", "").startswith("multipart/form-data"):
        upload = (await read_form(request, settings)).get(field)
        if upload is None or isinstance(upload, str):
            return None
        upload.file.seek(0)
        return upload.file
    kind = kind_for(request.url.path, settings or request.scope.get(SETTINGS_KEY))
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115  the caller's
    try:
        await _spool(request, spool, kind)
    except BaseException:
        spool.close()
        raise
    if spool.tell() == 0:
        spool.close()
        return None
    spool.seek(0)
    return spool


async def _spool(request: Request, spool: IO[bytes], kind: UploadKind) -> None:
    cap = body_cap(kind)
    total = 0
    pending: list[bytes] = []
    pending_size = 0
    async for chunk in request.stream():
        total += len(chunk)
        if total > cap:
            raise too_large(kind)
        pending.append(chunk)
        pending_size += len(chunk)
        if pending_size >= _WRITE_BATCH:
            await run_in_threadpool(spool.write, b"".join(pending))
            pending, pending_size = [], 0
    if pending:
        await run_in_threadpool(spool.write, b"".join(pending))


def _parse_spooled(headers: Headers, spool: IO[bytes]) -> FormData:
    """Starlette's multipart parser (its limits and semantics), run in this worker thread on its own loop."""
    spool.seek(0)

    async def chunks() -> AsyncGenerator[bytes, None]:
        while chunk := spool.read(64 * 1024):
            yield chunk
        yield b""

    parser = MultiPartParser(headers, chunks(), max_part_size=MB)
    try:
        return asyncio.run(parser.parse())
    except MultiPartException as exc:
        raise Invalid("upload.error.malformed", field="file") from exc


# ---------------------------------------------------------------- the body cap for every request


class BodyLimit:
    """ASGI middleware: the route's cap on the request body, from ``Content-Length`` and while counting."""

    def __init__(self, app: ASGIApp, settings: Settings | None = None) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.settings is not None:
            scope[SETTINGS_KEY] = self.settings
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        kind = kind_for(scope["path"], self.settings)
        cap = body_cap(kind)
        length = Headers(scope=scope).get("content-length", "")
        if length.strip().isdigit() and int(length) > cap:
            await _send_too_large(scope, send, kind)
            return
        seen = 0
        exceeded = False
        started = False

        async def counted() -> Message:
            nonlocal seen, exceeded
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > cap:
                    exceeded = True
                    raise too_large(kind)
            return message

        async def guarded(message: Message) -> None:
            nonlocal started
            if exceeded:  # the app answered something else after the cap: the answer is 413
                if message["type"] == "http.response.start" and not started:
                    started = True
                    await _send_too_large(scope, send, kind)
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, guarded)
        except Exception:
            if not exceeded:
                raise
            if not started:
                await _send_too_large(scope, send, kind)


async def _send_too_large(scope: Scope, send: Send, kind: UploadKind) -> None:
    from ennoshita.api.problems import problem_response

    request = Request(scope)
    exc = too_large(kind)
    if scope["path"].startswith("/api/"):
        response = problem_response(request, 413, exc.key, exc.params, [])
    else:
        response = _html_response(request, exc)
    response.headers["Connection"] = "close"  # the rest of the body is not read
    await response(scope, _no_body, send)


async def _no_body() -> Message:
    return {"type": "http.disconnect"}


def _html_response(request: Request, exc: PayloadTooLarge) -> Any:
    from html import escape

    from starlette.responses import HTMLResponse

    from ennoshita.api.problems import request_language
    from ennoshita.i18n import Translator

    lang = request.cookies.get("ens_lang") or request_language(request)
    lang = lang if lang in ("ja", "en") else "ja"
    text = escape(Translator(lang)(exc.key, **exc.params))
    body = (f'<!doctype html><html lang="{lang}"><meta charset="utf-8"><title>{text}</title>'
            f'<p>{text}</p><p><a href="/">ennoshita</a></p></html>')
    return HTMLResponse(body, status_code=413)
