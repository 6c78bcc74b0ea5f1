"""Text hygiene where text is stored: no control characters other than tab, newline and carriage return.

A control character in a stored name or description breaks every format that cannot hold it (openpyxl refuses
the cell, so the XLSX of that period would stay broken: posted entries never change). :func:`control_problem`
is the rule; a ``before_flush`` listener on every session applies it to each string column an insert or update
sets, and raises :class:`~ennoshita.errors.Invalid` naming the column (422 on the API, a form error on screens),
so no door and no domain can store one.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import String, event, inspect
from sqlalchemy.orm import Session

from ennoshita.errors import Invalid, Problem

# C0 controls but tab (09), newline (0A) and carriage return (0D); DEL; C1 controls; non-characters
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def has_control(text: str) -> bool:
    return CONTROL.search(text) is not None


def strip_control(text: str) -> str:
    """The text without the characters :data:`CONTROL` matches (for writing data stored before the rule)."""
    return CONTROL.sub("", text)


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
    return problems


@event.listens_for(Session, "before_flush")
def _refuse_control_characters(session: Session, _context: Any, _instances: Any) -> None:
    problems = [p for obj in session.new for p in _problems(obj, True)]
    problems += [p for obj in session.dirty if session.is_modified(obj) for p in _problems(obj, False)]
    if problems:
        raise Invalid(problems=problems)


def like_escape(text: str) -> str:
    """``text`` for a LIKE pattern with ``escape="\\\\"``: ``%`` and ``_`` match themselves (``q=%`` lists what
    contains a percent sign, not everything)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains(text: str) -> str:
    """The LIKE pattern (``escape="\\\\"``) of values containing ``text``."""
    return f"%{like_escape(text)}%"
