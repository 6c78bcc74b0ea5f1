"""``ennoshita sales order``: 受注 (create, deliver part or all → 納品, list, show)."""

from __future__ import annotations

from typing import Annotated

import typer

from ennoshita.cli.common import CommandContext, console, label, with_context
from ennoshita.cli.sales.documents.shared import (
    LineOpt,
    PriceEntryOpt,
    _cli_lines,
    _date,
    _lines,
    _order_id,
    _partner_id,
    _print_doc,
    _qty,
    _rates_table,
    _say,
    _subject,
    _table,
    _today,
)
from ennoshita.errors import Invalid, Problem
from ennoshita.money import format_yen
from ennoshita.sales import flow, queries, queries_docs

order_app = typer.Typer(help="受注: create, deliver (納品, partial or all), list, show.", no_args_is_help=True)


# ---------------------------------------------------------------- orders


@order_app.command("create")
@with_context
def order_create(
    cx: CommandContext,
    partner: Annotated[str, typer.Option("--partner", help="Customer code or id.")],
    line: LineOpt = None,
    subject: Annotated[str | None, typer.Option("--subject", help="件名 (default: the first line).")] = None,
    order_date: Annotated[str | None, typer.Option("--order-date", help="YYYY-MM-DD (default: today).")] = None,
    customer_po: Annotated[str, typer.Option("--customer-po", help="The customer's 注文番号.")] = "",
    delivery_due: Annotated[str | None, typer.Option("--delivery-due", help="納期 (YYYY-MM-DD).")] = None,
    price_entry: PriceEntryOpt = "exclusive",
) -> None:
    """受注 entered directly (a customer's 注文書 without a quote)."""
    with _cli_lines():
        lines = _lines(line)
        doc = flow.create_order(cx.uow(), cx.actor, flow.OrderInput(
            _partner_id(cx.db, partner), _today(order_date, "order_date"), _subject(subject, lines), lines, price_entry,
            customer_po, _date(delivery_due, "delivery_due") if delivery_due else None))
    _print_doc(doc)


@order_app.command("deliver")
@with_context
def order_deliver(
    cx: CommandContext,
    order: Annotated[str, typer.Argument(help="The order's number or id.")],
    line: Annotated[list[str] | None, typer.Option(
        "--line", help='"N:quantity": deliver this much of the order\'s line N (repeat). '
                       "Without --line: everything still open.")] = None,
    date: Annotated[str | None, typer.Option("--date", help="納品日 (default: today).")] = None,
    place: Annotated[str, typer.Option("--place", help="納品場所 (default: the order's).")] = "",
) -> None:
    """納品: deliver part or all of an order; more than is still open is refused."""
    with _cli_lines():
        order_id = _order_id(cx.db, cx.actor, order)
        detail = queries_docs.order_detail(cx.uow(), cx.actor, order_id)
        by_no = {ln.line_no: ln.id for ln in detail.lines}
        quantities: list[tuple[int, str]] = []
        problems: list[Problem] = []
        for i, text in enumerate(line or []):
            no, _, qty = text.partition(":")
            if not no.strip().isdigit() or int(no) not in by_no:
                problems.append(Problem("sales.error.order_line", f"lines[{i}].line", {"id": no.strip()}))
                continue
            quantities.append((by_no[int(no)], qty.strip() or "0"))
        if problems:
            raise Invalid(problems=problems)
        doc = flow.create_delivery(cx.uow(), cx.actor, flow.DeliveryInput(
            order_id, _today(date, "date"), tuple(quantities), place))
        after = queries_docs.order_detail(cx.uow(), cx.actor, order_id).doc
    console.print(_say("delivery", number=doc.number, gross=format_yen(doc.gross), net=format_yen(doc.net),
                       tax=format_yen(doc.tax), order=after.number, status=label("sales_ui.order.", after.status)))


@order_app.command("list")
@with_context
def order_list(
    cx: CommandContext,
    q: Annotated[str, typer.Option("--q", help="Number, subject, customer name or code.")] = "",
    status: Annotated[list[str] | None, typer.Option("--status", help="open, partial, delivered, cancelled.")]
    = None,
    page: Annotated[int, typer.Option("--page")] = 1,
) -> None:
    """受注, newest first."""
    result = queries.list_orders(cx.uow(), cx.actor,
                                 queries.OrderFilter(q, tuple(status or ())),
                                 queries.PageRequest(max(page, 1), 100))
    table = _table(_say("number"), _say("status"), _say("partner"), _say("date"), _say("subject"), _say("gross"))
    for r in result.rows:
        table.add_row(r.number, label("sales_ui.order.", r.status),
                      r.partner_name, r.order_date.isoformat(), r.subject, format_yen(r.gross))
    console.print(table)
    console.print(_say("total", count=len(result.rows), total=result.total))


@order_app.command("show")
@with_context
def order_show(
    cx: CommandContext,
    order: Annotated[str, typer.Argument(help="The order's number or id.")],
) -> None:
    """An order's lines with what is delivered, and its totals per rate."""
    d = queries_docs.order_detail(cx.uow(), cx.actor, _order_id(cx.db, cx.actor, order))
    _print_doc(flow.DocSummary("order", d.doc.id, d.doc.number, d.doc.status, d.doc.partner_id, d.doc.net,
                               d.doc.tax, d.doc.gross))
    table = _table(_say("no"), _say("description"), _say("quantity"), _say("delivered"), _say("unit_price"),
                      _say("rate"), _say("amount"))
    for ln in d.lines:
        table.add_row(str(ln.line_no), ln.description, _qty(ln.quantity), _qty(ln.delivered or 0),
                      f"{ln.unit_price:,}", f"{ln.tax_rate}%", format_yen(ln.amount))
    console.print(table)
    console.print(_rates_table(d.rates))
