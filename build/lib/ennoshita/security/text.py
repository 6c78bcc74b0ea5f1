"""Text hygiene where text is stored: no control characters other than tab, newline and carriage return.

A control character in a stored name or description breaks every format that cannot hold it (openpyxl refuses
the cell, so the XLSX of that period would stay broken: posted entries never change). :func:`control_problem`
is the rule; a ``before_flush`` listener on every session (:mod:`ennoshita.security.stored_text`, installed by
:mod:`ennoshita.db`) applies it to each string column an insert or update
sets, and raises :class:`~ennoshita.errors.Invalid` naming the column (422 on the API, a form error on screens),
so no door and no domain can store one.
"""

from __future__ import annotations

import re

# C0 controls but tab (09), newline (0A) and carriage return (0D); DEL; C1 controls; non-characters
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def has_control(text: str) -> bool:
    return CONTROL.search(text) is not None


def strip_control(text: str) -> str:
    """The text without the characters :data:`CONTROL` matches (for writing data stored before the rule)."""
    return CONTROL.sub("", text)


def like_escape(text: str) -> str:
    """``text`` for a LIKE pattern with ``escape="\\\\"``: ``%`` and ``_`` match themselves (``q=%`` lists what
    contains a percent sign, not everything)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains(text: str) -> str:
    """The LIKE pattern (``escape="\\\\"``) of values containing ``text``."""
    return f"%{like_escape(text)}%"
