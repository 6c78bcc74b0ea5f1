"""The ``before_flush`` listener that applies :func:`ennoshita.security.text.has_control` to every string column
an insert or update sets, and refuses a text longer than its ``String(n)`` column (imported by
:mod:`ennoshita.db`; kept apart so that the text rules import no SQLAlchemy, for the CLI's start-up).

The length check is the net under every service: a service names its own fields with
:func:`ennoshita.lengths.length_problems` so that the whole form is answered at once, and a text no service
checked is still refused here with the same message (SQLite would store it and break the layout; PostgreSQL
would fail the transaction with a 500)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, event, inspect
from sqlalchemy.orm import Session

from ennoshita.errors import Invalid, Problem
from ennoshita.lengths import TOO_LONG
from ennoshita.security.text import has_control


def _problems(obj: Any, new: bool) -> list[Problem]:
    state = inspect(obj)
    problems = []
    for column in state.mapper.columns:
        if not isinstance(column.type, String):
            continue
        key = state.mapper.get_property_by_column(column).key
        if new:
            value = getattr(obj, key, None)
            values = [value] if isinstance(value, str) else []
        else:
            values = [v for v in state.attrs[key].history.added if isinstance(v, str)]
        if any(has_control(v) for v in values):
            problems.append(Problem("error.control_characters", key))
        limit = column.type.length
        longest = max((len(v) for v in values), default=0)
        if limit and longest > limit:
            problems.append(Problem(TOO_LONG, key, {"max": limit, "length": longest}))
    return problems


@event.listens_for(Session, "before_flush")
def _refuse_control_characters(session: Session, _context: Any, _instances: Any) -> None:
    problems = [p for obj in session.new for p in _problems(obj, True)]
    problems += [p for obj in session.dirty if session.is_modified(obj) for p in _problems(obj, False)]
    if problems:
        raise Invalid(problems=problems)
