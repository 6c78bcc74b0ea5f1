"""The user's own page: language, password, personal API tokens."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ennoshita.errors import DomainError, Invalid
from ennoshita.i18n import Translator
from ennoshita.identity import services as identity
from ennoshita.web.deps import SESSION_COOKIE, ActorDep, DbDep
from ennoshita.web.forms import field_errors, form_data
from ennoshita.web.render import render

router = APIRouter(prefix="/me")


def _page(request: Request, db: DbDep, actor: ActorDep, status: int = 200, **extra: Any) -> Response:
    assert actor.user_id is not None
    user = identity.get_user(db.uow(), actor, actor.user_id)
    tokens = identity.list_api_tokens(db.uow(), actor)
    ctx: dict[str, Any] = {"user": user, "tokens": tokens, "errors": {}, "general": []}
    ctx.update(extra)
    return render(request, "me/me.html", ctx, status_code=status)


@router.get("")
def me(request: Request, db: DbDep, actor: ActorDep) -> Response:
    return _page(request, db, actor, saved=request.query_params.get("saved"))


@router.post("/password")
async def change_password(request: Request, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)
    try:
        if data.get("new_password") != data.get("new_password_confirm"):
            raise Invalid("identity.error.password_mismatch", field="new_password_confirm")
        identity.change_own_password(db.uow(), actor, str(data.get("current_password", "")),
                                     str(data.get("new_password", "")), request.cookies.get(SESSION_COOKIE))
    except DomainError as exc:
        errors, general = field_errors(exc, Translator(actor.language))
        return _page(request, db, actor, status=exc.status, errors=errors, general=general)
    return RedirectResponse("/me?saved=password", status_code=303)


@router.post("/tokens")
async def create_token(request: Request, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)
    days_text = str(data.get("expires_days", "")).strip()
    try:
        days = int(days_text) if days_text else None
    except ValueError:
        days = -1
    try:
        plain, _summary = identity.create_api_token(db.uow(), actor, str(data.get("name", "")),
                                                    expires_days=days)
    except DomainError as exc:
        errors, general = field_errors(exc, Translator(actor.language))
        return _page(request, db, actor, status=exc.status, errors=errors, general=general)
    return _page(request, db, actor, new_token=plain)


@router.post("/tokens/{token_id}/revoke")
def revoke_token(token_id: int, db: DbDep, actor: ActorDep) -> Response:
    identity.revoke_api_token(db.uow(), actor, token_id)
    return RedirectResponse("/me?saved=revoked", status_code=303)
