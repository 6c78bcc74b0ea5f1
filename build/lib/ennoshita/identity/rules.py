"""Identity rules as pure functions: password policy, e-mail shape, login throttling, company fields."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from ennoshita.errors import Problem

MIN_PASSWORD_LENGTH = 12
LANGUAGES = ("ja", "en")
TAX_ACCOUNTING = ("exclusive", "inclusive")
TAX_ROUNDING = ("floor", "half_up", "ceil")
ACCOUNT_TYPES = ("普通", "当座", "貯蓄")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_MAX_LOCK = dt.timedelta(minutes=15)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def normalize_email(email: str) -> str:
    return email.strip().lower()


def email_problem(email: str, field: str = "email") -> Problem | None:
    if not _EMAIL.match(email):
        return Problem("identity.error.email", field)
    return None


def password_problem(password: str, field: str = "password") -> Problem | None:
    if len(password) < MIN_PASSWORD_LENGTH:
        return Problem("identity.error.password_short", field, {"min": MIN_PASSWORD_LENGTH})
    return None


def lock_duration(failed_logins: int, after: int, base_seconds: int) -> dt.timedelta | None:
    """How long to slow an account down after ``failed_logins`` consecutive failures.

    Nothing until ``after`` failures; then ``base_seconds``, doubling with each further failure,
    capped at 15 minutes. The account is never locked for good: an attacker must not be able to
    lock a colleague out, only to make guessing slow.
    """
    if failed_logins < after:
        return None
    seconds = base_seconds * 2 ** (failed_logins - after)
    return min(dt.timedelta(seconds=seconds), _MAX_LOCK)


def registration_problem(text: str, field: str) -> tuple[str | None, Problem | None]:
    """適格請求書発行事業者登録番号 as (normalised ``T`` + 13 digits, None) or (None, the problem)."""
    from ennoshita.errors import Invalid
    from ennoshita.registration import normalize_registration_number

    try:
        return normalize_registration_number(text, field), None
    except Invalid as exc:
        return None, exc.problems[0] if exc.problems else Problem(exc.key, field)
