"""取引先の一括登録: a partner CSV (UTF-8, UTF-8 with BOM or Shift_JIS, detected by :mod:`ennoshita.textfiles`)
imported all or nothing, the same for the CLI (``ennoshita sales partners import``) and the 取引先 screen.

Every problem is reported, each naming its CSV line and column, and nothing is saved when there is one.

The columns are :data:`COLUMNS` (the fields of ``PartnerInput``), and the 取引先 list's CSV export writes exactly
these, headed by their names in the user's language (``締日（closing_day）`` / ``Closing day (closing_day)``), so a
partner list exported, edited in Excel and imported comes back as it was. A header is read as the column's own
name, a name in parentheses at its end, or its label in either language (``締日``, ``Closing day``); a cell the
export guarded against formulas (``'=…``, ``'+81…``) is read without its apostrophe.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from types import TracebackType
from typing import Any

from sqlalchemy.orm import Session

from ennoshita.actor import Actor
from ennoshita.db import UnitOfWork
from ennoshita.errors import DomainError, Invalid, Problem
from ennoshita.identity.roles import require
from ennoshita.sales import partners
from ennoshita.security.cells import unguarded


class SharedTransaction(UnitOfWork):
    """Lends one open transaction to several service calls: their commits only flush, so the caller commits
    (or rolls back) everything at once. Used for all-or-nothing imports over per-record services."""

    def __init__(self, outer: UnitOfWork) -> None:
        self._outer = outer
        self.committed = False

    @property
    def session(self) -> Session:
        return self._outer.session

    def __enter__(self) -> UnitOfWork:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        return None

    def commit(self) -> None:
        self._outer.session.flush()


_INT_COLUMNS = ("closing_day", "months_after", "pay_day", "credit_limit")
_BOOL_COLUMNS = ("is_customer", "is_supplier", "small_subcontractor")
_TRISTATE_COLUMNS = ("is_qualified_issuer",)  # empty: follows the 登録番号
COLUMNS = tuple(f for f in partners.PartnerInput.__dataclass_fields__)
_COLUMNS = COLUMNS
_NAME_IN_PARENS = re.compile(r"\(([a-z_]+)\)\s*$")
_TRUE = {"1", "true", "yes", "y", "○", "はい"}
_FALSE = {"0", "false", "no", "n", "", "×", "いいえ"}


def decode(data: bytes) -> str:
    from ennoshita import textfiles

    return textfiles.decode(data)[0]


def column_label(lang: str, name: str) -> str:
    """The export's header of a column: its label and name in ``lang`` (``締日（closing_day）``)."""
    from ennoshita.i18n import gettext

    return gettext(lang, f"field.partners.{name}")


def _labels() -> dict[str, str]:
    """Each column's label in either language, without its name in parentheses (``締日`` → ``closing_day``)."""
    from ennoshita.i18n import LANGUAGES

    out: dict[str, str] = {}
    for lang in LANGUAGES:
        for name in COLUMNS:
            label = unicodedata.normalize("NFKC", column_label(lang, name))
            out[_NAME_IN_PARENS.sub("", label).strip().casefold()] = name
    return out


def column_of(header: str) -> str:
    """The column a header cell names (its name, a name in parentheses at its end, or a label), else the cell."""
    text = unicodedata.normalize("NFKC", header).strip()
    if text in COLUMNS:
        return text
    found = _NAME_IN_PARENS.search(text)
    if found and found.group(1) in COLUMNS:
        return found.group(1)
    return _labels().get(text.casefold(), header.strip())


def partner_rows(text: str) -> tuple[list[tuple[int, partners.PartnerInput]], list[Problem]]:
    """The CSV rows as service input (with their line numbers), and every problem of form found on the way."""
    reader = csv.reader(io.StringIO(text, newline=""))
    problems: list[Problem] = []
    header = [column_of(h) for h in next(reader, [])]
    for name in header:
        if name not in _COLUMNS:
            problems.append(Problem("error.unknown_field", name, line=1))
    for name in ("code", "name"):
        if name not in header:
            problems.append(Problem("error.required", name, line=1))
    if problems:
        return [], problems
    rows: list[tuple[int, partners.PartnerInput]] = []
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        values: dict[str, Any] = {}
        for name, cell in zip(header, cells, strict=False):
            cell = unguarded(cell.strip())
            if name in _INT_COLUMNS:
                if cell == "":
                    continue
                try:
                    values[name] = int(cell.replace(",", ""))
                except ValueError:
                    problems.append(Problem("sales.error.number", name, {"value": cell}, line=line))
            elif name in _BOOL_COLUMNS:
                if cell.lower() in _TRUE:
                    values[name] = True
                elif cell.lower() in _FALSE:
                    values[name] = cell == "" and name == "is_customer"
                else:
                    problems.append(Problem("error.schema", name, {"field": name, "reason": cell}, line=line))
            elif name in _TRISTATE_COLUMNS:
                if cell == "":
                    values[name] = None
                elif cell.lower() in _TRUE or cell.lower() in _FALSE:
                    values[name] = cell.lower() in _TRUE
                else:
                    problems.append(Problem("error.schema", name, {"field": name, "reason": cell}, line=line))
            else:
                values[name] = cell
        rows.append((line, partners.PartnerInput(**values)))
    return rows, problems


def import_partners(uow: UnitOfWork, actor: Actor, data: bytes, max_rows: int | None = None) -> int:
    """Register every partner of the CSV ``data`` in one transaction; the count, or :class:`Invalid` listing every
    bad row (line and column) with nothing saved. ``max_rows``: more rows than that is a 422 naming the limit."""
    require(actor, "sales.edit")
    rows, problems = partner_rows(decode(data))
    if max_rows is not None and len(rows) + len({p.line for p in problems}) > max_rows:
        raise Invalid("upload.error.too_many_rows", field="file", max=f"{max_rows:,}")
    count = 0
    with uow as outer:
        shared = SharedTransaction(outer)
        for line, cmd in rows:
            try:
                partners.create_partner(shared, actor, cmd)
                count += 1
            except DomainError as exc:
                if exc.status == 403 or not exc.problems:
                    raise
                problems += [Problem(p.key, p.field, p.params, line) for p in exc.problems]
        if problems:
            raise Invalid(problems=[in_columns(p) for p in problems])
        outer.commit()
    return count


def in_columns(problem: Problem) -> Problem:
    """A problem of a line, its field the file's column (``partners.registration_number``), which the catalogs name
    (``field.partners.<column>``: 登録番号（registration_number） / Registration number (registration_number)); a
    header the file should not have keeps its own name."""
    if problem.field not in _COLUMNS:
        return problem
    return Problem(problem.key, f"partners.{problem.field}", problem.params, problem.line)
