"""The JSON API under /api/v1, with its OpenAPI document at /api/v1/openapi.json."""

from __future__ import annotations

from fastapi import Depends, FastAPI
from fastapi.exceptions import RequestValidationError

from ennoshita.api import core, registry
from ennoshita.api.problems import (
    domain_error_handler,
    last_resort_handler,
    server_fault_handler,
    validation_error_handler,
)
from ennoshita.db import Database
from ennoshita.errors import DomainError
from ennoshita.security.access import api_access
from ennoshita.security.bounds import last_resort_types
from ennoshita.web import offloop


def create_api(db: Database) -> FastAPI:
    api = FastAPI(
        title="ennoshita API", version="1", openapi_url="/openapi.json", docs_url="/docs", redoc_url=None,
        description="Back office API. Authenticate with a personal token: `Authorization: Bearer ens_...`. "
        "Errors are RFC 9457 application/problem+json with an `errors` list naming each field.",
    )
    api.state.db = db
    api.add_exception_handler(DomainError, domain_error_handler)
    api.add_exception_handler(RequestValidationError, validation_error_handler)
    for kind in last_resort_types():
        api.add_exception_handler(kind, last_resort_handler)
    api.add_exception_handler(Exception, server_fault_handler)  # a 500 is a problem too, in the user's language
    access = [Depends(api_access)]  # the declared route-permission table, before every handler
    api.include_router(core.router, dependencies=access)
    for router in registry.routers():
        api.include_router(router, dependencies=access)
    offloop.move_off_loop(api)  # async handlers wait on the database in the thread pool, not on the loop
    return api
