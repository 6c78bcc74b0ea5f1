"""Text length limits, one rule for every form: a text longer than its column is refused in the service with a
message naming the field and the limit (SQLite would store it and break the layout; PostgreSQL would fail the
transaction with a 500), and the same limits go to the forms as ``maxlength`` (issue 13 item 10)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String

from ennoshita.errors import Problem

TOO_LONG = "error.too_long"


def limits(model: type[Any]) -> dict[str, int]:
    """Column name -> the longest text it holds, for every ``String(n)`` column of the model."""
    return {c.name: int(c.type.length) for c in model.__table__.columns
            if isinstance(c.type, String) and c.type.length}


def length_problems(model: type[Any], values: dict[str, Any], prefix: str = "") -> list[Problem]:
    """A problem for every text in ``values`` longer than its column allows (counted in characters)."""
    table = limits(model)
    problems = []
    for name, value in values.items():
        limit = table.get(name)
        if limit is not None and isinstance(value, str) and len(value) > limit:
            problems.append(Problem(TOO_LONG, prefix + name, {"max": limit, "length": len(value)}))
    return problems


REASON_MAX = 200  # a 取消's reason: it goes into the reversing entry's description (200 characters) and the audit


def cancel_reason(text: str | None, missing_key: str, field: str = "reason") -> str:
    """The reason given for a 取消, stripped: refused when blank (``missing_key``, the module's message) or longer
    than :data:`REASON_MAX`, never cut silently."""
    from ennoshita.errors import Invalid

    reason = (text or "").strip()
    if not reason:
        raise Invalid(missing_key, field=field)
    if len(reason) > REASON_MAX:
        raise Invalid(problems=[Problem(TOO_LONG, field, {"max": REASON_MAX, "length": len(reason)})])
    return reason
