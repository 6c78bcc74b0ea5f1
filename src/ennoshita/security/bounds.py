"""Input bounds at the boundary of every route: integer path and query parameters fit the database's BIGINT.

:func:`check_int_params` runs in the route-permission dependency (:mod:`ennoshita.security.access`) of every web
and API route: a declared ``int`` parameter (an id, ``page``, ``per_page``, an amount filter) above 2⁶³-1 answers
422 naming it, instead of an OverflowError or NumericValueOutOfRange in the database. :func:`last_resort` maps
what still escapes (a body id beyond BIGINT, a duplicate key, undecodable bytes) to a 4xx problem, never a 500.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from fastapi import Request

from ennoshita.errors import Conflict, DomainError, Invalid, Problem

INT64_MAX = 2**63 - 1
_INT_PARAMS: dict[int, list[tuple[str, str]]] = {}  # id(route) -> [(where, alias)] of its int parameters


def _is_int(annotation: Any) -> bool:
    if annotation is int:
        return True
    origin = typing.get_origin(annotation)
    if origin is typing.Union or origin is types.UnionType:
        return any(a is int for a in typing.get_args(annotation))
    return False


def _int_params(route: Any) -> list[tuple[str, str]]:
    found = _INT_PARAMS.get(id(route))
    if found is None:
        found = []
        stack = [route.dependant]
        while stack:
            dep = stack.pop()
            found += [("path", f.alias) for f in dep.path_params if _is_int(f.field_info.annotation)]
            found += [("query", f.alias) for f in dep.query_params if _is_int(f.field_info.annotation)]
            stack.extend(dep.dependencies)
        _INT_PARAMS[id(route)] = found
    return found


def check_int_params(request: Request) -> None:
    """Refuse (422) a declared integer path or query parameter outside ±(2⁶³-1)."""
    route = request.scope.get("route")
    if route is None or getattr(route, "dependant", None) is None:
        return
    problems = []
    for where, alias in _int_params(route):
        raw = (request.path_params if where == "path" else request.query_params).get(alias)
        if raw is None:
            continue
        text = str(raw).strip()
        digits = text.lstrip("+-")
        if digits.isdigit() and (len(digits) > 19 or not -INT64_MAX <= int(text) <= INT64_MAX):
            problems.append(Problem("error.number_range", alias, {"max": f"{INT64_MAX:,}"}))
    if problems:
        raise Invalid(problems=problems)


def last_resort(exc: Exception) -> DomainError:
    """The domain error for a database or decoding failure that input checks did not catch first."""
    from sqlalchemy.exc import DataError, IntegrityError

    if isinstance(exc, IntegrityError):
        return Conflict("error.conflict")
    if isinstance(exc, UnicodeDecodeError):
        return Invalid("error.encoding", field="file")
    if isinstance(exc, OverflowError | DataError):
        return Invalid("error.number_range", max=f"{INT64_MAX:,}")
    return Invalid("error.invalid")


def server_fault(exc: Exception) -> DomainError:
    """The error shown for an exception nothing else handled (a 500): what it means for the user, never its text.
    The traceback is logged by the server (Starlette re-raises it after the page or problem is sent)."""
    from ennoshita.audit.keys import AuditKeyMissing
    from ennoshita.errors import ServerFault

    if isinstance(exc, AuditKeyMissing):
        return ServerFault("error.audit_key_missing")
    return ServerFault("error.internal")


LAST_RESORT: tuple[type[Exception], ...] = (OverflowError, UnicodeDecodeError)


def last_resort_types() -> tuple[type[Exception], ...]:
    from sqlalchemy.exc import DataError, IntegrityError

    return (*LAST_RESORT, DataError, IntegrityError)
