"""The generic journal CSV (UTF-8, with or without BOM), one row per posted line.

Header (required, in this order)::

    entry_no,date,description,counterparty,account,sub_account,department,tax_category,debit,credit,memo

- ``entry_no``: rows with the same value, one after another, form one entry (any text: your own voucher id).
- ``date``: ISO ``2026-04-01`` (``2026/04/01`` and 和暦 ``R08/4/1`` are accepted too).
- ``account``: account code (``1140``) or name (``普通預金``); ``sub_account`` / ``department``: code or name.
- ``tax_category``: one of our codes (``sales_10``, ``sales_8r``, ``purchase_10``, ``purchase_8r``,
  ``purchase_10_transitional``, ``purchase_8r_transitional``, ``sales_exempt``, ``sales_export``,
  ``purchase_exempt``, ``out_of_scope``) or empty.
- ``debit`` / ``credit``: whole yen, exactly one of them per row. Amounts are taken as they are: the tax lines
  (仮受消費税 / 仮払消費税) are rows of their own, so an export imports back to the same books.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import IO, cast

from ennoshita import textfiles
from ennoshita.errors import Invalid, Problem
from ennoshita.ledger.taxes import CATEGORIES
from ennoshita.ledger.yayoi import ParsedLine, ParsedVoucher, parse_date
from ennoshita.money import yen_in_range
from ennoshita.security import cells

HEADER = ["entry_no", "date", "description", "counterparty", "account", "sub_account", "department",
          "tax_category", "debit", "credit", "memo"]


def _int(text: str) -> int:
    text = text.strip().replace(",", "")
    if not text:
        return 0
    if len(text.lstrip("-")) > 15 or not yen_in_range(int(text)):
        raise ValueError(text)  # beyond ¥999,999,999,999 (the bound of every yen amount)
    return int(text)


def parse_csv(stream: IO[bytes] | Iterable[str]) -> Iterator[ParsedVoucher | list[Problem]]:
    if hasattr(stream, "read"):  # UTF-8 (BOM or not) or cp932: see ennoshita.textfiles
        try:
            text = textfiles.open_text(cast(IO[bytes], stream))
        except Invalid as exc:  # the whole file's encoding cannot be read (textfiles.undecodable): no line
            yield exc.problems
            return
        reader = csv.reader(text)
    else:
        reader = csv.reader(stream)
    undecodable: list[Problem] = []
    decoded = textfiles.rows(reader, undecodable.append)
    header = next(decoded, None)
    if header is None or [h.strip().lower() for h in header] != HEADER:
        if undecodable:
            yield undecodable
            return
        yield [Problem("ledger.error.csv_header", "header", {"expected": ",".join(HEADER)}, 1)]
        return
    key: str | None = None
    head: tuple[int, list[str]] | None = None
    lines: list[ParsedLine] = []
    problems: list[Problem] = []

    def emit() -> ParsedVoucher | list[Problem]:
        assert head is not None
        line_no, row = head
        if problems:
            return list(problems)
        try:
            day = parse_date(row[1])
        except ValueError:
            return [Problem("ledger.error.bad_date", "date", {"value": row[1]}, line_no)]
        return ParsedVoucher(line_no, day, row[2].strip(), row[3].strip(), row[0].strip() or None, tuple(lines))

    for row in decoded:
        line_no = reader.line_num
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) != len(HEADER):
            if head is not None and row[0].strip() != key:
                yield emit()
                head, lines, problems = None, [], []
            yield [Problem("ledger.error.csv_columns", "row", {"count": len(row), "expected": len(HEADER)}, line_no)]
            key = None
            continue
        if row[0].strip() != key or head is None:
            if head is not None:
                yield emit()
            key, head, lines, problems = row[0].strip(), (line_no, row), [], []
        category = row[7].strip() or None
        if category is not None and category not in CATEGORIES:
            problems.append(Problem("ledger.error.tax_category", "tax_category", {"category": category}, line_no))
        try:
            debit, credit = _int(row[8]), _int(row[9])
        except ValueError:
            problems.append(Problem("ledger.error.bad_amount", "amount", {"value": f"{row[8]}/{row[9]}"}, line_no))
            continue
        if debit < 0 or credit < 0 or (debit > 0) == (credit > 0):
            problems.append(Problem("ledger.error.one_side", "amount", {}, line_no))
            continue
        lines.append(ParsedLine(line_no, row[4].strip(), row[5].strip() or None, row[6].strip() or None, category,
                                debit, credit, None, row[10].strip(), split=False))
    if head is not None:
        yield emit()
    if undecodable:
        yield undecodable


def write_csv(vouchers: Iterable[ParsedVoucher]) -> Iterator[bytes]:
    buf = io.StringIO()
    writer = cells.writer(buf, lineterminator="\r\n")
    writer.writerow(HEADER)
    yield ("\ufeff" + buf.getvalue()).encode("utf-8")
    for v in vouchers:
        buf.seek(0)
        buf.truncate()
        for line in v.lines:
            writer.writerow([v.ref or "", v.date.isoformat(), v.description, v.counterparty, line.account,
                             line.sub_account or "", line.department or "", line.tax_category or "",
                             line.debit or "", line.credit or "", line.memo])
        yield buf.getvalue().encode("utf-8")
