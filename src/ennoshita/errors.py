"""The few error types every layer shares.

Rules and services raise subclasses of :class:`DomainError`. Each carries a message key from the
i18n catalogs and its parameters, never a ready-made sentence, so every adapter can speak the
user's language: the web re-renders the form, the API answers ``application/problem+json``, the
CLI prints one line per problem and exits 1.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One problem with the input: which field (or line), which message key, with what parameters."""

    key: str
    field: str | None = None
    params: dict[str, Any] = dataclasses.field(default_factory=dict)
    line: int | None = None


class DomainError(Exception):
    """Base of every error a user may see."""

    status = 400
    default_key = "error.domain"

    def __init__(
        self,
        key: str | None = None,
        *,
        field: str | None = None,
        problems: list[Problem] | None = None,
        **params: Any,
    ) -> None:
        self.key = key or self.default_key
        self.params = params
        self.field = field
        self.problems: list[Problem] = list(problems or [])
        if not self.problems and field is not None:
            self.problems = [Problem(self.key, field, params)]
        super().__init__(self.key)


class Invalid(DomainError):
    """The input breaks a rule (422)."""

    status = 422
    default_key = "error.invalid"


class Unauthenticated(DomainError):
    """No valid login or token (401)."""

    status = 401
    default_key = "error.unauthenticated"


class Forbidden(DomainError):
    """The actor's roles do not allow this (403)."""

    status = 403
    default_key = "error.forbidden"


class NotFound(DomainError):
    status = 404
    default_key = "error.not_found"


class ServerFault(DomainError):
    """Something failed that the user's input did not cause (500): a missing audit key, a bug. Said in the user's
    language, as a page or a problem; the traceback goes to the server's log only."""

    status = 500
    default_key = "error.internal"


class Conflict(DomainError):
    """The data changed or already exists (409)."""

    status = 409
    default_key = "error.conflict"


class InvalidTransition(Conflict):
    """A document was asked to move to a state its transition table does not allow."""

    default_key = "error.invalid_transition"


class TooManyAttempts(DomainError):
    status = 429
    default_key = "error.too_many_attempts"
