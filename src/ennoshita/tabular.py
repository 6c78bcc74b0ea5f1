"""Report tables and their export formats: CSV (UTF-8 with BOM), XLSX, PDF (A4, IPAex fonts) and JSON.

A report builds one :class:`Table` (a title, typed columns, rows, and optional emphasised rows for
subtotals); every format is written from it, so screen, CSV, XLSX, PDF and JSON always agree.

A report that may be long (仕訳帳, 総勘定元帳) is never cut short: CSV and JSON are streamed from an iterator of
rows (:func:`stream`), so memory stays flat whatever the range; XLSX and PDF are built in memory, so they are
written only up to :data:`ROW_LIMITS` rows and refused above it (:func:`check_rows`, an
:class:`~ennoshita.errors.Invalid` naming the limit and suggesting CSV or a shorter period).
"""

from __future__ import annotations

import datetime as dt
import html
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ennoshita.errors import Invalid
from ennoshita.money import XLSX_STATEMENT_FORMAT, format_yen, format_yen_statement
from ennoshita.security import cells

IPAEX_GOTHIC = "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"
IPAEX_MINCHO = "/usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"  # text / yen / date / int


@dataclass
class Table:
    title: str
    subtitle: str
    columns: list[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)
    emphasis: set[int] = field(default_factory=set)  # indexes of subtotal/total rows
    headings: set[int] = field(default_factory=set)  # indexes of heading rows (a statement's 資産の部, 流動資産 ...)
    filename: str = "report"
    # how yen amounts are written: "yen" (¥1,234, -¥1,234) or "statement" (a Japanese 決算書: 1,234, △1,234)
    amounts: str = "yen"

    def add(self, row: dict[str, Any], emphasis: bool = False, heading: bool = False) -> None:
        if emphasis:
            self.emphasis.add(len(self.rows))
        if heading:
            self.headings.add(len(self.rows))
        self.rows.append(row)


def format_amount(value: int, style: str) -> str:
    """A yen amount as a table of ``style`` (:attr:`Table.amounts`) shows it."""
    return format_yen_statement(value) if style == "statement" else format_yen(value)


def _cell(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == "date" and isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


STREAM_BATCH = 500  # rows per chunk of a streamed CSV or JSON

# The most rows an in-memory format is written with; a longer report is refused (never cut short): CSV and
# JSON have no limit. PDF is the lower one because WeasyPrint lays out every page in memory (10,000 rows are
# roughly 250 A4 pages).
ROW_LIMITS = {"xlsx": 100_000, "pdf": 10_000}


def check_rows(fmt: str, rows: int) -> None:
    """Refuse (422) an XLSX or PDF of more than ``ROW_LIMITS[fmt]`` rows, rather than write a truncated file."""
    limit = ROW_LIMITS.get(fmt)
    if limit is not None and rows > limit:
        raise Invalid("ledger_ui.error.file_too_long", format=fmt.upper(), rows=f"{rows:,}", limit=f"{limit:,}")


def stream_csv(table: Table, more: Iterable[dict[str, Any]] = ()) -> Iterator[bytes]:
    """The table's CSV (UTF-8 with BOM, CRLF), ``table.rows`` then ``more``, a batch of rows at a time."""
    buf = io.StringIO()
    writer = cells.writer(buf, lineterminator="\r\n")  # no cell becomes a formula
    buf.write("\ufeff")
    writer.writerow([c.label for c in table.columns])
    count = 0
    for row in _all_rows(table, more):
        writer.writerow([_cell(row.get(c.key), c.kind) for c in table.columns])
        count += 1
        if count % STREAM_BATCH == 0:
            yield buf.getvalue().encode("utf-8")
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue().encode("utf-8")


def to_csv(table: Table) -> bytes:
    return b"".join(stream_csv(table))


def _plain(v: Any) -> Any:
    return v.isoformat() if isinstance(v, dt.date) else v


def stream_json(table: Table, more: Iterable[dict[str, Any]] = ()) -> Iterator[bytes]:
    """The table as a JSON array of objects (the bytes of ``json.dumps(rows, indent=1)``), written as it goes."""
    parts: list[str] = []
    first = True
    for row in _all_rows(table, more):
        item = json.dumps({c.key: _plain(row.get(c.key)) for c in table.columns}, ensure_ascii=False, indent=1)
        parts.append(("[\n" if first else ",\n") + "\n".join(" " + line for line in item.split("\n")))
        first = False
        if len(parts) >= STREAM_BATCH:
            yield "".join(parts).encode("utf-8")
            parts = []
    parts.append("[]" if first else "\n]")
    yield "".join(parts).encode("utf-8")


def to_json(table: Table) -> bytes:
    return b"".join(stream_json(table))


def _all_rows(table: Table, more: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    yield from table.rows
    yield from more


def to_xlsx(table: Table) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = cells.strip_control(table.title)[:31].translate(str.maketrans("", "", "[]:*?/\\")) or "report"
    ws.append([cells.xlsx_value(table.title)])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([cells.xlsx_value(table.subtitle)])
    ws.append([cells.xlsx_value(c.label) for c in table.columns])
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for i, row in enumerate(table.rows):
        values = []
        for c in table.columns:
            v = row.get(c.key)
            values.append(v if c.kind in ("yen", "int", "date") or v is None else cells.xlsx_value(str(v)))
        ws.append(values)
        if i in table.emphasis or i in table.headings:
            for cell in ws[ws.max_row]:
                cell.font = Font(bold=True)
    for idx, c in enumerate(table.columns, start=1):
        letter = ws.cell(row=3, column=idx).column_letter
        ws.column_dimensions[letter].width = 16 if c.kind in ("yen", "date") else 24
        if c.kind == "yen":
            for (cell,) in ws.iter_rows(min_row=4, min_col=idx, max_col=idx):
                cell.number_format = XLSX_STATEMENT_FORMAT if table.amounts == "statement" else "#,##0;-#,##0"
                cell.alignment = Alignment(horizontal="right")
        if c.kind == "date":
            for (cell,) in ws.iter_rows(min_row=4, min_col=idx, max_col=idx):
                cell.number_format = "yyyy/mm/dd"
    ws.freeze_panes = "A4"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def to_html(table: Table) -> str:
    head = "".join(f'<th class="{c.kind}">{html.escape(c.label)}</th>' for c in table.columns)
    body = []
    for i, row in enumerate(table.rows):
        cells = []
        for c in table.columns:
            v = row.get(c.key)
            text = format_amount(v, table.amounts) if c.kind == "yen" and isinstance(v, int) else _cell(v, c.kind)
            cells.append(f'<td class="{c.kind}">{html.escape(text)}</td>')
        cls = ' class="total"' if i in table.emphasis else ' class="heading"' if i in table.headings else ""
        body.append(f"<tr{cls}>{''.join(cells)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


_PDF_CSS = """
@font-face { font-family: "IPAexGothic"; src: url("file://%(gothic)s"); }
@font-face { font-family: "IPAexMincho"; src: url("file://%(mincho)s"); }
@page { size: A4 %(orientation)s; margin: 14mm 12mm;
        @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt; } }
body { font-family: "IPAexGothic"; font-size: 8.5pt; color: #222; }
h1 { font-family: "IPAexMincho"; font-size: 15pt; margin: 0 0 2mm; }
.sub { color: #555; margin-bottom: 4mm; }
table { width: 100%%; border-collapse: collapse; }
thead { display: table-header-group; }
th { background: #e9edf3; border-bottom: 1px solid #889; padding: 1.2mm 1.5mm; text-align: left; }
td { border-bottom: 0.3pt solid #ccd; padding: 1mm 1.5mm; }
th.yen, td.yen, th.int, td.int { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.date { white-space: nowrap; }
tr.total td { font-weight: bold; border-top: 0.8pt solid #333; }
tr.heading td { font-weight: bold; }
"""


def to_pdf(table: Table, landscape: bool | None = None) -> bytes:
    from weasyprint import HTML

    wide = landscape if landscape is not None else len(table.columns) > 8
    css = _PDF_CSS % {"gothic": IPAEX_GOTHIC, "mincho": IPAEX_MINCHO,
                      "orientation": "landscape" if wide else "portrait"}
    doc = (f'<!doctype html><html lang="ja"><head><meta charset="utf-8"><style>{css}</style></head><body>'
           f"<h1>{html.escape(table.title)}</h1><div class=\"sub\">{html.escape(table.subtitle)}</div>"
           f"{to_html(table)}</body></html>")
    result: bytes = HTML(string=doc, base_url=str(Path.cwd())).write_pdf()
    return result


FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv", to_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", to_xlsx),
    "pdf": ("application/pdf", "pdf", to_pdf),
    "json": ("application/json", "json", to_json),
}


def export(table: Table, fmt: str) -> tuple[bytes, str, str]:
    """(content, media type, file name) of the table in ``fmt``."""
    media, ext, writer = FORMATS[fmt]
    return writer(table), media, f"{table.filename}.{ext}"


STREAMED = ("csv", "json")


def stream(table: Table, fmt: str, more: Iterable[dict[str, Any]] = ()) -> tuple[Iterator[bytes], str, str]:
    """(chunks, media type, file name) of a CSV or JSON of ``table.rows`` followed by ``more``, never held whole."""
    media, ext, _writer = FORMATS[fmt]
    chunks = stream_csv(table, more) if fmt == "csv" else stream_json(table, more)
    return chunks, media, f"{table.filename}.{ext}"


def columns(*specs: Sequence[str]) -> list[Column]:
    return [Column(*spec) for spec in specs]
