"""Spreadsheet cells that cannot become formulas: the one place every CSV and XLSX export writes its cells.

A text cell beginning with ``=``, ``+``, ``-``, ``@``, tab or carriage return is run as a formula by Excel and
LibreOffice (a partner named ``=HYPERLINK(...)`` becomes a live link in the aging list). Following the OWASP CSV
injection guidance such a cell is written with a leading apostrophe, so it shows as the text it is; a signed
number (``-1200``, ``+3.5``) stays a number. :func:`writer` is ``csv.writer`` with that rule on every row;
:func:`xlsx_value` gives a cell value for openpyxl (text never typed as a formula, and without the control
characters an XLSX cannot hold).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any

from ennoshita.security.text import strip_control

__all__ = ["safe_cell", "safe_text", "strip_control", "unguarded", "writer", "xlsx_value"]

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?\d[\d,]*(\.\d+)?")


def safe_text(value: str) -> str:
    """``value`` as a spreadsheet shows it as text: a leading apostrophe before a formula trigger."""
    if value.startswith(TRIGGERS) and not NUMBER.fullmatch(value):
        return "'" + value
    return value


def unguarded(value: str) -> str:
    """A cell of an exported CSV read back (an import): the text :func:`safe_text` guarded, without its apostrophe."""
    if value.startswith("'") and value[1:].startswith(TRIGGERS) and not NUMBER.fullmatch(value[1:]):
        return value[1:]
    return value


def safe_cell(value: Any) -> Any:
    return safe_text(value) if isinstance(value, str) else value


class _SafeWriter:
    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._inner.writerow([safe_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(buf: Any, **kwargs: Any) -> _SafeWriter:
    """``csv.writer(buf, **kwargs)`` whose rows never start a cell with a formula."""
    return _SafeWriter(csv.writer(buf, **kwargs))


def xlsx_value(value: Any) -> Any:
    """A value for an openpyxl cell: text without illegal control characters, never a formula."""
    if isinstance(value, str):
        return safe_text(strip_control(value))
    return value
