"""Typed dependencies for web routes: the database, the logged-in actor, CSRF protection."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Depends, Request

from ennoshita.actor import Actor
from ennoshita.db import Database, UnitOfWork
from ennoshita.errors import Forbidden
from ennoshita.security.uploads import read_form

SESSION_COOKIE = "ens_session"
PRELOGIN_COOKIE = "ens_prelogin"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


class LoginRequired(Exception):
    """Raised by :func:`current_actor` for an anonymous visitor; the app redirects to the login page."""


def get_database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def get_uow(request: Request) -> UnitOfWork:
    return get_database(request).uow()


def current_actor(request: Request) -> Actor:
    actor: Actor | None = getattr(request.state, "actor", None)
    if actor is None:
        raise LoginRequired()
    return actor


async def verify_csrf(request: Request) -> None:
    """Every unsafe request of the web app carries the session's CSRF token (form field or header)."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    expected = getattr(request.state, "csrf_token", None) or request.cookies.get(PRELOGIN_COOKIE)
    sent = request.headers.get(CSRF_HEADER)
    if not sent:
        form = await read_form(request)  # a multipart upload is spooled and parsed off the event loop
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not expected or not sent or not secrets.compare_digest(expected, sent):
        raise Forbidden("error.csrf")


DbDep = Annotated[Database, Depends(get_database)]
UowDep = Annotated[UnitOfWork, Depends(get_uow)]
ActorDep = Annotated[Actor, Depends(current_actor)]
