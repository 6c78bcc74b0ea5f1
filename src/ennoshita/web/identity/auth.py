"""Login, logout and the language switch."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ennoshita.errors import DomainError
from ennoshita.i18n import LANGUAGES, Translator
from ennoshita.identity import services as identity
from ennoshita.web.deps import PRELOGIN_COOKIE, SESSION_COOKIE, DbDep
from ennoshita.web.forms import form_data
from ennoshita.web.render import render

router = APIRouter()


def _secure(request: Request) -> bool:
    return bool(request.app.state.settings.secure_cookies) or request.url.scheme == "https"


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


def _login_page(request: Request, next_url: str, error: str | None = None, email: str = "",
                status: int = 200) -> Response:
    token = request.cookies.get(PRELOGIN_COOKIE) or secrets.token_urlsafe(32)
    request.state.csrf_token = token
    response = render(request, "auth/login.html",
                      {"next": next_url, "error": error, "email": email}, status_code=status)
    response.set_cookie(PRELOGIN_COOKIE, token, httponly=True, samesite="lax", secure=_secure(request))
    return response


@router.get("/login")
def login_form(request: Request, db: DbDep, next: str = "/") -> Response:
    if request.state.actor is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    from ennoshita.identity.setup import needs_setup

    if needs_setup(db):  # a new database: 会社情報の登録 first
        return RedirectResponse("/setup", status_code=303)
    return _login_page(request, _safe_next(next))


@router.post("/login")
async def login_submit(request: Request, db: DbDep) -> Response:
    data = await form_data(request)
    email = str(data.get("email", ""))
    next_url = _safe_next(str(data.get("next", "/")))
    settings = request.app.state.settings
    try:
        result = await run_in_threadpool(  # argon2 and the database, off the event loop
            identity.login, db.uow(), email, str(data.get("password", "")), "web",
            throttle_after=settings.login_throttle_after, throttle_seconds=settings.login_throttle_seconds,
            session_hours=settings.session_hours, client=request.client.host if request.client else "",
        )
    except DomainError as exc:
        t = Translator(request.state.lang)
        return _login_page(request, next_url, t(exc.key, **exc.params), email, status=exc.status)
    response = RedirectResponse(next_url, status_code=303)
    response.set_cookie(SESSION_COOKIE, result.session_token, httponly=True, samesite="lax",
                        secure=_secure(request), max_age=settings.session_hours * 3600)
    response.delete_cookie(PRELOGIN_COOKIE)
    return response


@router.post("/logout")
def logout(request: Request, db: DbDep) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        identity.logout(db.uow(), token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.post("/language")
async def switch_language(request: Request, db: DbDep) -> Response:
    data = await form_data(request)
    lang = str(data.get("language", ""))
    back = _safe_next(str(data.get("next", "/")))
    response = RedirectResponse(back, status_code=303)
    if lang not in LANGUAGES:
        return response
    actor = request.state.actor
    if actor is not None:
        identity.set_own_language(db.uow(), actor, lang)
    response.set_cookie("ens_lang", lang, samesite="lax", secure=_secure(request), max_age=365 * 86400)
    return response
