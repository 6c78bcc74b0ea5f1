"""The FastAPI application: web pages, the JSON API under /api/v1, static files."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import FileResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

import ennoshita.models  # noqa: F401  every domain's tables and event subscriptions
from ennoshita.db import READ_INTENT, Database
from ennoshita.errors import DomainError
from ennoshita.i18n import LANGUAGES
from ennoshita.identity import services as identity
from ennoshita.security import bounds, uploads
from ennoshita.security.access import web_access
from ennoshita.settings import Settings, get_settings
from ennoshita.web import nav, offloop
from ennoshita.web.deps import SESSION_COOKIE, LoginRequired, verify_csrf
from ennoshita.web.render import render

STATIC = Path(__file__).parent / "static"
# No inline script anywhere (behaviour lives in static/*.js); inline style attributes remain allowed.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    settings = settings or get_settings()
    db = database or Database(settings.database_url)
    app = FastAPI(title="ennoshita", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.db = db

    @app.middleware("http")
    async def load_session(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        request.state.actor = None
        request.state.csrf_token = ""
        request.state.nav = []
        request.state.lang = _browser_language(request, settings.default_language)
        # A request that only reads opens DEFERRED SQLite transactions (db.READ_INTENT): pages and health are
        # not queued behind a long import's write lock. The context var reaches the thread pool with the request.
        READ_INTENT.set(request.method in ("GET", "HEAD"))
        token = request.cookies.get(SESSION_COOKIE)
        if token and not request.url.path.startswith(("/static/", "/api/")):
            info = await run_in_threadpool(identity.resolve_session, db.uow(), token)  # the database, off the loop
            if info is not None:
                request.state.actor = info.actor
                request.state.csrf_token = info.csrf_token
                request.state.lang = info.actor.language
                request.state.nav = nav.for_actor(info.actor)
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if not request.url.path.startswith("/api/v1/docs"):  # Swagger UI brings its own inline script
            response.headers.setdefault("Content-Security-Policy", CSP)
        return response

    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, _exc: LoginRequired) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if request.headers.get("hx-request"):
            return Response(status_code=401, headers={"HX-Redirect": "/login"})
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> Response:
        return render(request, "core/error.html", {"error": exc}, status_code=exc.status)

    @app.exception_handler(StarletteHTTPException)
    async def not_found(request: Request, exc: StarletteHTTPException) -> Response:
        """An unknown URL is a page in the user's language, not ``{"detail":"Not Found"}``."""
        if exc.status_code == 404 and not request.url.path.startswith("/api/"):
            return render(request, "core/not_found.html", {}, status_code=404)
        return await http_exception_handler(request, exc)

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return FileResponse(STATIC / "logo.svg", media_type="image/svg+xml",
                            headers={"Cache-Control": "public, max-age=86400"})

    async def last_resort(request: Request, exc: Exception) -> Response:
        error = bounds.last_resort(exc)  # a database or decoding failure input checks missed: 4xx, never 500
        return render(request, "core/error.html", {"error": error}, status_code=error.status)

    for kind in bounds.last_resort_types():
        app.add_exception_handler(kind, last_resort)

    async def server_fault(request: Request, exc: Exception) -> Response:
        """A 500 is a page in the user's language (the traceback goes to the server's log), not plain text."""
        error = bounds.server_fault(exc)
        try:
            return render(request, "core/error.html", {"error": error}, status_code=error.status)
        except Exception:  # noqa: BLE001 - the page itself failed: the two languages' words, nothing more
            return PlainTextResponse("システムエラーが発生しました / A system error occurred", status_code=500)

    app.add_exception_handler(Exception, server_fault)

    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")

    from ennoshita.api.app import create_api

    csrf = [Depends(web_access), Depends(verify_csrf)]  # the declared route-permission table, then CSRF
    for router in web_routers():
        app.include_router(router, dependencies=csrf)
    offloop.move_off_loop(app)  # async handlers wait on the database in the thread pool, not on the loop
    app.mount("/api/v1", create_api(db))
    # Outermost: every request body (web and API) is capped before and while it is read (security/uploads.py).
    app.add_middleware(uploads.BodyLimit, settings=settings)
    return app


def web_routers() -> list[APIRouter]:
    """Every router of the web app: the core pages, then the domains'."""
    from ennoshita.web import audit, home
    from ennoshita.web import setup as first_run
    from ennoshita.web.identity import admin, auth, me

    core = [m.router for m in (auth, first_run, home, admin, me, audit)]
    return core + _domain_web_routers()


def _domain_web_routers() -> list[APIRouter]:
    """Domain routers register themselves in ennoshita.web.registry as they are added."""
    from ennoshita.web.registry import routers

    return routers()


def _browser_language(request: Request, default: str) -> str:
    """Before login: the language chosen on this browser (cookie), else the company default (Japanese)."""
    cookie = request.cookies.get("ens_lang")
    return cookie if cookie in LANGUAGES else default
