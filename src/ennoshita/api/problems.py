"""RFC 9457 problem details (``application/problem+json``) with a list of field errors."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from ennoshita.api.numbers import MESSAGE_KEYS
from ennoshita.errors import DomainError
from ennoshita.i18n import LANGUAGES, Translator

PROBLEM = "application/problem+json"


def request_language(request: Request) -> str:
    actor = getattr(request.state, "actor", None)
    if actor is not None:
        return str(actor.language)
    first = request.headers.get("accept-language", "").split(",")[0].split("-")[0].strip().lower()
    return first if first in LANGUAGES else "ja"


def problem_response(request: Request, status: int, key: str, params: dict[str, Any],
                     errors: list[dict[str, Any]]) -> JSONResponse:
    t = Translator(request_language(request))
    body: dict[str, Any] = {
        "type": f"urn:ennoshita:problem:{key}",
        "title": t(key, **params),
        "status": status,
        "detail": "; ".join(e["message"] for e in errors) if errors else t(key, **params),
        "instance": str(request.url.path),
        "errors": errors,
    }
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


async def domain_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    t = Translator(request_language(request))
    errors = [
        {"field": p.field, "line": p.line, "code": p.key, "message": t(p.key, **p.params)}
        for p in exc.problems
    ]
    return problem_response(request, exc.status, exc.key, exc.params, errors)


async def validation_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    t = Translator(request_language(request))
    errors = []
    for err in exc.errors():
        loc = [str(x) for x in err.get("loc", ()) if x not in ("body", "query", "path")]
        field = ".".join(loc) or None
        key = MESSAGE_KEYS.get(str(err.get("type", "")))  # our number types speak the user's language
        if key:
            errors.append({"field": field, "line": None, "code": key,
                           "message": t(key, field=field or "-", value=err.get("input", ""))})
            continue
        errors.append({"field": field, "line": None, "code": "error.schema",
                       "message": t("error.schema", field=field or "-", reason=err.get("msg", ""))})
    return problem_response(request, 422, "error.invalid", {}, errors)


async def last_resort_handler(request: Request, exc: Exception) -> JSONResponse:
    """A database or decoding failure the input checks did not catch: a 4xx problem, never a 500."""
    from ennoshita.security.bounds import last_resort

    return await domain_error_handler(request, last_resort(exc))


async def server_fault_handler(request: Request, exc: Exception) -> JSONResponse:
    """Anything else (a 500): a problem in the user's language instead of a text/plain "Internal Server Error"."""
    from ennoshita.security.bounds import server_fault

    return await domain_error_handler(request, server_fault(exc))
