"""API dependencies: bearer-token authentication and the database."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from ennoshita.actor import Actor
from ennoshita.db import Database, UnitOfWork
from ennoshita.errors import Unauthenticated
from ennoshita.identity import services as identity


def get_database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def get_uow(request: Request) -> UnitOfWork:
    return get_database(request).uow()


def api_actor(request: Request) -> Actor:
    cached: Actor | None = getattr(request.state, "api_actor", None)
    if cached is not None:
        return cached
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("identity.error.token_missing")
    actor = identity.authenticate_token(get_database(request).uow(), token.strip())
    request.state.actor = actor
    request.state.api_actor = actor
    return actor


DbDep = Annotated[Database, Depends(get_database)]
UowDep = Annotated[UnitOfWork, Depends(get_uow)]
ApiActor = Annotated[Actor, Depends(api_actor)]
