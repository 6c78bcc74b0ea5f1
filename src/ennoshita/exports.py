"""List exports: every row a list's filter matches, as a CSV a spreadsheet opens (one mechanism for all lists).

A list (取引先, 見積, 受注, 納品, 請求, 入金消込, 経費, 依頼, 監査ログ) exports what its filter shows, never one page:
the rows are read in keyset batches (``WHERE key > last ORDER BY key LIMIT n``, so the thousandth batch costs
what the first does and memory stays flat) and written as they are read. Two encodings: UTF-8 with BOM (Excel's
"CSV UTF-8") and cp932 (Shift_JIS as older Japanese software reads it; a character cp932 lacks becomes ``?``).
Every cell goes through :func:`ennoshita.security.cells.writer`, so no cell becomes a formula.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import InstrumentedAttribute, Session

from ennoshita.errors import Invalid
from ennoshita.security import cells

BATCH = 500  # rows per keyset batch and per streamed chunk
ENCODINGS = {"utf-8": "utf-8", "cp932": "cp932"}  # ?encoding= choices


@dataclass(frozen=True)
class ExportColumn:
    label: str  # already translated
    value: Callable[[Any], Any]  # the cell from one row


def check_encoding(encoding: str) -> str:
    enc = encoding or "utf-8"
    if enc not in ENCODINGS:
        raise Invalid("export.error.encoding", field="encoding", encoding=enc)
    return enc


def keyset(session: Session, query: Any, key: InstrumentedAttribute[Any], batch: int | None = None
           ) -> Iterator[Any]:
    """Every row of ``query`` in ``key`` order (a unique column), read ``batch`` (:data:`BATCH`) rows at a time."""
    batch = batch or BATCH
    last: Any = None
    while True:
        q = query if last is None else query.where(key > last)
        rows = list(session.execute(q.order_by(key).limit(batch)))
        for row in rows:
            yield row[0] if len(row) == 1 else row
        if len(rows) < batch:
            return
        last = _key_of(rows[-1], key)


def _key_of(row: Any, key: InstrumentedAttribute[Any]) -> Any:
    """The key of a result row: a labelled column (``select(Quote.id, ...)``) or the first entity's attribute."""
    mapping = row._mapping
    return mapping[key.key] if key.key in mapping else getattr(row[0], key.key)


def _text(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat(sep=" ", timespec="seconds") if isinstance(value, dt.datetime) else value.isoformat()
    return value


def stream_csv(columns: Sequence[ExportColumn], rows: Iterator[Any], encoding: str = "utf-8") -> Iterator[bytes]:
    """The CSV (CRLF, header row first) of ``rows``, a batch at a time, in ``encoding`` (UTF-8 gets a BOM)."""
    enc = check_encoding(encoding)
    buf = io.StringIO()
    writer = cells.writer(buf, lineterminator="\r\n")  # no cell becomes a formula

    def flush() -> bytes:
        text = buf.getvalue()
        buf.seek(0)
        buf.truncate()
        return text.encode(enc, errors="replace")

    if enc == "utf-8":
        buf.write("\ufeff")
    writer.writerow([c.label for c in columns])
    count = 0
    for row in rows:
        writer.writerow([_text(c.value(row)) for c in columns])
        count += 1
        if count % BATCH == 0:
            yield flush()
    yield flush()
