"""What the sales document commands share: their sentences, the --line option and its parsing, finding a partner or
a document by its code, number or id, and the tables they print."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from rich.table import Table as RichTable

from ennoshita.cli.common import console, label, parse_date, say
from ennoshita.db import Database
from ennoshita.errors import DomainError, Invalid, NotFound, Problem
from ennoshita.kernel.lines import LineInput
from ennoshita.kernel.tax import RateTotal
from ennoshita.money import format_yen
from ennoshita.partners import services as partners
from ennoshita.sales import flow, queries

_TEXT = "cli.sales.documents.shared"  # its lines: i18n/{ja,en}/cli.po, keys cli.sales.documents.shared.*


def _say(key: str, **params: Any) -> str:
    return say(_TEXT, key, **params)


_date = parse_date

LineOpt = Annotated[list[str] | None, typer.Option(
    "--line", help='A line "description:quantity:unit_price:rate" (repeat); "@ITEM:quantity" takes the 品目\'s '
                   "name, price and rate; a 0% line may end with ';kind=export' (免税), ';kind=exempt' (非課税) or "
                   "';kind=out_of_scope' (不課税), an invoice line with ';date=YYYY-MM-DD' (取引年月日).")]
PriceEntryOpt = Annotated[str, typer.Option("--price-entry", help="exclusive (税抜, default) or inclusive (税込).")]


# ---------------------------------------------------------------- shared


def _lines(values: list[str] | None) -> tuple[LineInput, ...]:
    """The --line options as service input. The service checks the values and names bad lines."""
    result: list[LineInput] = []
    problems: list[Problem] = []
    for i, whole in enumerate(values or []):
        text, kind, day = whole, "", None
        while ";" in text:  # trailing ;kind=… / ;date=… options
            head, _sep, option = text.rpartition(";")
            name, eq, value = option.partition("=")
            if not eq or name.strip() not in ("kind", "date"):
                break
            if name.strip() == "kind":
                kind = value.strip()
            else:
                try:
                    day = dt.date.fromisoformat(value.strip())
                except ValueError:
                    problems.append(Problem("ledger.error.date_format", f"lines[{i}].line_date",
                                            {"value": value.strip()}))
            text = head
        parts = text.split(":")
        if len(parts) > 4:  # a description with colons
            parts = [":".join(parts[:-3]), *parts[-3:]]
        description, quantity, price, rate = (parts + ["", "", "", ""])[:4]
        item = ""
        if description.startswith("@"):
            item, description = description[1:].strip(), ""
        result.append(LineInput(description.strip(), quantity.strip() or "1", price.strip(),
                                rate.strip().rstrip("%"), item_code=item, line_date=day, tax_kind=kind))
    if problems:
        raise Invalid(problems=problems)
    return tuple(result)


_LINE_FIELD = re.compile(r"^(?:lines|matches)\[(\d+)\]\.?(.*)$")


@contextmanager
def _cli_lines() -> Iterator[None]:
    """Name a service's ``lines[0].quantity`` as the CLI's ``--line 1 quantity``."""
    try:
        yield
    except DomainError as exc:
        renamed: list[Problem] = []
        for p in exc.problems:
            m = _LINE_FIELD.match(p.field or "")
            field = f"--line {int(m[1]) + 1} {m[2]}".strip() if m else p.field
            renamed.append(Problem(p.key, field, p.params, p.line))
        exc.problems = renamed
        raise


def _partner_id(db: Database, ref: str) -> int:
    """A partner by its code, or by its id."""
    ref = ref.strip()
    found = partners.find_partner_id(db.uow(), ref)
    if found is None and ref.isdigit():
        found = int(ref)
    if found is None:
        raise NotFound("sales.error.partner_not_found", field="partner", id=ref)
    return found


def _quote_id(db: Database, actor: Any, ref: str) -> int:
    """A quote by its number (the newest revision) or its id."""
    ref = ref.strip()
    rows = [r for r in queries.list_quotes(db.uow(), actor, queries.QuoteFilter(text=ref),
                                           queries.PageRequest(1, 200)).rows if r.number == ref]
    if rows:
        return max(rows, key=lambda r: r.revision).id
    if ref.isdigit():
        return int(ref)
    raise NotFound("sales.error.quote_not_found", field="quote", id=ref)


def _order_id(db: Database, actor: Any, ref: str) -> int:
    ref = ref.strip()
    rows = [r for r in queries.list_orders(db.uow(), actor, queries.OrderFilter(text=ref),
                                           queries.PageRequest(1, 200)).rows if r.number == ref]
    if rows:
        return rows[0].id
    if ref.isdigit():
        return int(ref)
    raise NotFound("sales.error.order_not_found", field="order", id=ref)


def _invoice_row(db: Database, actor: Any, ref: str, field: str = "invoice") -> queries.InvoiceRow:
    """An invoice or credit note by its number or its id."""
    ref = ref.strip()
    filters = queries.InvoiceFilter(number=ref)
    rows = queries.list_invoices(db.uow(), actor, filters).rows
    if not rows and ref.isdigit():
        rows = queries.list_invoices(db.uow(), actor, queries.InvoiceFilter(ids=(int(ref),))).rows
    if not rows:
        raise NotFound("sales.error.invoice_not_found", field=field, id=ref)
    return rows[0]


def _today(text: str | None, field: str) -> dt.date:
    return _date(text, field) if text else dt.date.today()


def _subject(subject: str | None, lines: tuple[LineInput, ...]) -> str:
    if subject:
        return subject
    return next((ln.description or ln.item_code for ln in lines), "")


def _table(*headers: str) -> RichTable:
    """A table whose first column (a code or a number) is never wrapped on a narrow terminal."""
    table = RichTable()
    for n, header in enumerate(headers):
        table.add_column(header, no_wrap=n == 0)
    return table


def _rates_table(rates: list[RateTotal]) -> RichTable:
    table = _table(_say("rate"), _say("net"), _say("tax"), _say("gross"))
    for r in rates:
        table.add_row(_say("rate_total", rate=r.rate), format_yen(r.net), format_yen(r.tax), format_yen(r.gross))
    return table


def _qty(value: Any) -> str:
    text = format(value.normalize(), "f") if hasattr(value, "normalize") else str(value)
    return text


def _print_doc(doc: flow.DocSummary) -> None:
    key = "quote" if doc.kind == "quote" else "order"
    status = label(f"sales_ui.{key}.", doc.status)
    console.print(_say(key, number=doc.number, revision=doc.revision, status=status, gross=format_yen(doc.gross),
                       net=format_yen(doc.net), tax=format_yen(doc.tax)))
