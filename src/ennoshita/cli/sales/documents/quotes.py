"""``ennoshita sales quote``: 見積 (create, revise, status, accept → 受注, list)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import typer

from ennoshita.cli.common import CommandContext, console, label, with_context
from ennoshita.cli.sales.documents.shared import (
    LineOpt,
    PriceEntryOpt,
    _cli_lines,
    _date,
    _lines,
    _partner_id,
    _print_doc,
    _quote_id,
    _say,
    _subject,
    _table,
    _today,
)
from ennoshita.db import Database
from ennoshita.money import format_yen
from ennoshita.sales import flow, queries, queries_docs

quote_app = typer.Typer(help="見積: create, revise, status, accept (→ 受注), list.", no_args_is_help=True)


# ---------------------------------------------------------------- quotes


@quote_app.command("create")
@with_context
def quote_create(
    cx: CommandContext,
    partner: Annotated[str, typer.Option("--partner", help="Customer code or id.")],
    line: LineOpt = None,
    subject: Annotated[str | None, typer.Option("--subject", help="件名 (default: the first line).")] = None,
    issue_date: Annotated[str | None, typer.Option("--issue-date", help="YYYY-MM-DD (default: today).")] = None,
    valid_until: Annotated[str | None, typer.Option("--valid-until", help="有効期限 (default: 30 days).")] = None,
    price_entry: PriceEntryOpt = "exclusive",
    notes: Annotated[str, typer.Option("--notes")] = "",
) -> None:
    """見積書 (revision 1, draft)."""
    with _cli_lines():
        lines = _lines(line)
        day = _today(issue_date, "issue_date")
        until = _date(valid_until, "valid_until") if valid_until else day + dt.timedelta(days=30)
        doc = flow.create_quote(cx.uow(), cx.actor, flow.QuoteInput(
            _partner_id(cx.db, partner), day, until, _subject(subject, lines), lines, price_entry, notes=notes))
    _print_doc(doc)


@quote_app.command("revise")
@with_context
def quote_revise(
    cx: CommandContext,
    quote: Annotated[str, typer.Argument(help="The quote's number or id.")],
    line: LineOpt = None,
    subject: Annotated[str | None, typer.Option("--subject", help="件名 (default: unchanged).")] = None,
    issue_date: Annotated[str | None, typer.Option("--issue-date", help="YYYY-MM-DD (default: today).")] = None,
    valid_until: Annotated[str | None, typer.Option("--valid-until", help="Default: unchanged, or 30 days.")] = None,
    price_entry: Annotated[str | None, typer.Option("--price-entry", help="Default: unchanged.")] = None,
) -> None:
    """A new revision with the same number (new lines); the previous one is kept as superseded."""
    with _cli_lines():
        quote_id = _quote_id(cx.db, cx.actor, quote)
        old = queries_docs.quote_detail(cx.uow(), cx.actor, quote_id).doc
        day = _today(issue_date, "issue_date")
        until = (_date(valid_until, "valid_until") if valid_until
                 else max(old.valid_until, day + dt.timedelta(days=30)) if old.valid_until < day else old.valid_until)
        doc = flow.revise_quote(cx.uow(), cx.actor, quote_id, flow.QuoteInput(
            old.partner_id, day, until, subject or old.subject, _lines(line), price_entry or old.price_entry,
            old.delivery_terms, old.notes))
    _print_doc(doc)


def _accept(db: Database, actor: Any, quote_id: int, order_date: str | None, customer_po: str,
            delivery_due: str | None) -> flow.DocSummary:
    return flow.accept_quote(db.uow(), actor, quote_id, _date(order_date, "order_date") if order_date else None,
                             customer_po, _date(delivery_due, "delivery_due") if delivery_due else None)


@quote_app.command("status")
@with_context
def quote_status(
    cx: CommandContext,
    quote: Annotated[str, typer.Argument(help="The quote's number or id.")],
    to: Annotated[str, typer.Option("--to", help="sent (送付済), lost (失注) or accepted (受注: makes the order).")],
) -> None:
    """Move a quote to sent, lost or accepted."""
    quote_id = _quote_id(cx.db, cx.actor, quote)
    if to == "accepted":
        order = _accept(cx.db, cx.actor, quote_id, None, "", None)
        doc = queries_docs.quote_detail(cx.uow(), cx.actor, quote_id).doc
        console.print(_say("quote", number=doc.number, revision=doc.revision,
                           status=label("sales_ui.quote.", doc.status),
                           gross=format_yen(doc.gross), net=format_yen(doc.net), tax=format_yen(doc.tax)))
        _print_doc(order)
        return
    _print_doc(flow.set_quote_status(cx.uow(), cx.actor, quote_id, to))


@quote_app.command("accept")
@with_context
def quote_accept(
    cx: CommandContext,
    quote: Annotated[str, typer.Argument(help="The quote's number or id.")],
    order_date: Annotated[str | None, typer.Option("--order-date", help="Default: the quote's date.")] = None,
    customer_po: Annotated[str, typer.Option("--customer-po", help="The customer's 注文番号.")] = "",
    delivery_due: Annotated[str | None, typer.Option("--delivery-due", help="納期 (YYYY-MM-DD).")] = None,
) -> None:
    """受注: the quote becomes a sales order with the same lines."""
    _print_doc(_accept(cx.db, cx.actor, _quote_id(cx.db, cx.actor, quote), order_date, customer_po, delivery_due))


@quote_app.command("list")
@with_context
def quote_list(
    cx: CommandContext,
    q: Annotated[str, typer.Option("--q", help="Number, subject, customer name or code.")] = "",
    status: Annotated[str, typer.Option("--status", help="draft, sent, accepted, lost or superseded.")] = "",
    page: Annotated[int, typer.Option("--page")] = 1,
) -> None:
    """見積, newest first."""
    result = queries.list_quotes(cx.uow(), cx.actor, queries.QuoteFilter(q, status),
                                 queries.PageRequest(max(page, 1), 100))
    table = _table(_say("number"), _say("revision"), _say("status"), _say("partner"), _say("date"),
                      _say("subject"), _say("gross"))
    for r in result.rows:
        table.add_row(r.number, str(r.revision), label("sales_ui.quote.", r.status),
                      r.partner_name, r.issue_date.isoformat(), r.subject,
                      format_yen(r.gross))
    console.print(table)
    console.print(_say("total", count=len(result.rows), total=result.total))
