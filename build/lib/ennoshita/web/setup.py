"""The first-run page (会社情報の登録): open only while the database has no company and no user."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ennoshita.errors import DomainError
from ennoshita.i18n import Translator
from ennoshita.identity import services as identity
from ennoshita.identity import setup
from ennoshita.web.deps import PRELOGIN_COOKIE, SESSION_COOKIE, DbDep
from ennoshita.web.forms import field_errors, form_data
from ennoshita.web.render import render

router = APIRouter()

COMPANY_FIELDS = ("name", "name_kana", "registration_number", "fiscal_year_start_month", "tax_accounting")


def _secure(request: Request) -> bool:
    return bool(request.app.state.settings.secure_cookies) or request.url.scheme == "https"


def _page(request: Request, form: dict[str, Any], errors: dict[str, str], general: list[str],
          status: int = 200) -> Response:
    token = request.cookies.get(PRELOGIN_COOKIE) or secrets.token_urlsafe(32)
    request.state.csrf_token = token
    response = render(request, "auth/setup.html", {"form": form, "errors": errors, "general": general},
                      status_code=status)
    response.set_cookie(PRELOGIN_COOKIE, token, httponly=True, samesite="lax", secure=_secure(request))
    return response


@router.get("/setup")
def setup_form(request: Request, db: DbDep) -> Response:
    if not setup.needs_setup(db):
        return RedirectResponse("/login", status_code=303)
    return _page(request, {"fiscal_year_start_month": "4", "tax_accounting": "exclusive"}, {}, [])


@router.post("/setup")
async def setup_submit(request: Request, db: DbDep) -> Response:
    if not setup.needs_setup(db):
        return RedirectResponse("/login", status_code=303)
    data = await form_data(request)
    form = {k: str(v) for k, v in data.items()}
    company = {k: form.get(k, "") for k in COMPANY_FIELDS}
    password = form.get("admin_password", "")
    admin = identity.NewUser(email=form.get("admin_email", ""), display_name=form.get("admin_display_name", ""),
                             roles=("admin",), password=password, language=request.state.lang)
    try:
        done = setup.start_company(db.uow(), company, admin, via="web")
    except DomainError as exc:
        errors, general = field_errors(exc, Translator(request.state.lang))
        form.pop("admin_password", None)
        return _page(request, form, errors, general, status=exc.status)
    settings = request.app.state.settings
    result = identity.login(db.uow(), done.admin.email, password, "web",
                            throttle_after=settings.login_throttle_after,
                            throttle_seconds=settings.login_throttle_seconds, session_hours=settings.session_hours)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(SESSION_COOKIE, result.session_token, httponly=True, samesite="lax",
                        secure=_secure(request), max_age=settings.session_hours * 3600)
    response.delete_cookie(PRELOGIN_COOKIE)
    return response
