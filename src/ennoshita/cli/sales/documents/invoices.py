"""``ennoshita sales invoice``: 請求書 (list, show with the totals per rate, issue, 返還請求書,
修正した請求書)."""

from __future__ import annotations

from typing import Annotated

import typer

from ennoshita.cli.common import CommandContext, console, label, with_context
from ennoshita.cli.sales.documents.shared import (
    LineOpt,
    PriceEntryOpt,
    _cli_lines,
    _date,
    _invoice_row,
    _lines,
    _partner_id,
    _qty,
    _rates_table,
    _say,
    _table,
    _today,
)
from ennoshita.money import format_yen
from ennoshita.sales import billing, queries, queries_docs

invoice_app = typer.Typer(help="請求書: list, show, credit (返還請求書), replace.", no_args_is_help=True)


# ---------------------------------------------------------------- invoices


def _kind(kind: str) -> str:
    return _say("credit_note_kind" if kind == "credit_note" else "invoice_kind")


def _print_invoice(inv: billing.InvoiceSummary) -> None:
    console.print(_say("invoice", kind=_kind(inv.kind), number=inv.number, gross=format_yen(inv.gross),
                       net=format_yen(inv.net), tax=format_yen(inv.tax), due=inv.due_date,
                       entry=inv.entry_no))


@invoice_app.command("list")
@with_context
def invoice_list(
    cx: CommandContext,
    q: Annotated[str, typer.Option("--q", help="Number, subject, customer name or code.")] = "",
    partner: Annotated[str | None, typer.Option("--partner", help="Customer code or id.")] = None,
    kind: Annotated[str, typer.Option("--kind", help="invoice or credit_note (default: both).")] = "",
    status: Annotated[str, typer.Option("--status", help="open, paid, credited or replaced.")] = "",
    date_from: Annotated[str | None, typer.Option("--from", help="Issued on or after (YYYY-MM-DD).")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Issued on or before (YYYY-MM-DD).")] = None,
    page: Annotated[int, typer.Option("--page")] = 1,
) -> None:
    """請求書 and 返還請求書, newest first, with what each still owes."""
    filters = queries.InvoiceFilter(
        text=q, kind=kind, receivable_status=status,
        partner_id=_partner_id(cx.db, partner) if partner else None,
        date_from=_date(date_from, "from") if date_from else None,
        date_to=_date(date_to, "to") if date_to else None)
    result = queries.list_invoices(cx.uow(), cx.actor, filters, queries.PageRequest(max(page, 1), 100))
    table = _table(_say("number"), _say("kind"), _say("partner"), _say("issued"), _say("due"), _say("gross"),
                      _say("open"), _say("status"))
    for r in result.rows:
        table.add_row(r.number, _kind(r.kind), r.partner_name, r.issue_date.isoformat(), r.due_date.isoformat(),
                      format_yen(r.gross), format_yen(r.open_amount) if r.open_amount is not None else "",
                      label("sales_ui.payment.", queries.payment_state(r.receivable_status, r.paid_amount)))
    console.print(table)
    console.print(_say("total", count=len(result.rows), total=result.total))


@invoice_app.command("show")
@with_context
def invoice_show(
    cx: CommandContext,
    number: Annotated[str, typer.Argument(help="The invoice's number or id.")],
) -> None:
    """An invoice: its lines, its totals per rate (税率ごとの対価と消費税), its payment and related invoices."""
    d = queries_docs.invoice_detail(cx.uow(), cx.actor, _invoice_row(cx.db, cx.actor, number).id)
    doc = d.doc
    console.print(f"{_kind(doc.kind)} {doc.number}  {doc.recipient_name} {d.partner.honorific}")
    console.print(f"{_say('issued')}: {doc.issue_date.isoformat()}  {_say('due')}: {doc.due_date.isoformat()}  "
                  f"{_say('registration')}: {doc.issuer_registration_number}")
    if doc.subject:
        console.print(f"{_say('subject')}: {doc.subject}")
    table = _table(_say("no"), _say("date"), _say("description"), _say("quantity"), _say("unit_price"),
                      _say("rate"), _say("amount"))
    for ln in d.lines:
        table.add_row(str(ln.line_no), ln.line_date.isoformat() if ln.line_date else "", ln.description,
                      _qty(ln.quantity), f"{ln.unit_price:,}", f"{ln.tax_rate}%", format_yen(ln.amount))
    console.print(table)
    console.print(_rates_table(d.rates))
    console.print(f"{_say('net')}: {format_yen(doc.net)}  {_say('tax')}: {format_yen(doc.tax)}  "
                  f"{_say('gross')}: {format_yen(doc.gross)}  {_say('billed')}: {format_yen(doc.billed)}")
    if d.receivable is not None:
        console.print(_say("receivable", status=label("sales_ui.payment.", queries.payment_state(
            d.receivable.status, d.receivable.paid_amount)),
                           paid=format_yen(d.receivable.paid_amount), open=format_yen(d.receivable.open_amount)))
    for r in d.related:
        console.print(_say("related", kind=_kind(r.kind), number=r.number, date=r.issue_date,
                           gross=format_yen(r.gross)))


@invoice_app.command("credit")
@with_context
def invoice_credit(
    cx: CommandContext,
    number: Annotated[str, typer.Argument(help="The original invoice's number or id.")],
    line: LineOpt = None,
    date: Annotated[str | None, typer.Option("--date", help="Issue date (default: today).")] = None,
    reason: Annotated[str, typer.Option("--reason", help="返品、値引き ... (printed on the note).")] = "",
) -> None:
    """返還請求書 (credit note) against an issued invoice: what is returned or discounted, positive quantities."""
    with _cli_lines():
        original = _invoice_row(cx.db, cx.actor, number)
        _print_invoice(billing.issue_credit_note(cx.uow(), cx.actor, billing.CreditNoteInput(
            original.id, _today(date, "date"), _lines(line), reason)))


@invoice_app.command("issue")
@with_context
def invoice_issue(
    cx: CommandContext,
    partner: Annotated[str, typer.Option("--partner", help="Customer code or id.")],
    line: LineOpt = None,
    date: Annotated[str | None, typer.Option("--date", help="Issue date (default: today).")] = None,
    subject: Annotated[str, typer.Option("--subject")] = "",
    due_date: Annotated[str | None, typer.Option("--due-date", help="Default: from the customer's terms.")]
    = None,
    price_entry: PriceEntryOpt = "exclusive",
    notes: Annotated[str, typer.Option("--notes")] = "",
) -> None:
    """請求書 entered directly (no delivery): issued and posted now; each --line may carry its 取引年月日
    (';date=YYYY-MM-DD', default the issue date) and a 0% line its kind (';kind=export')."""
    with _cli_lines():
        _print_invoice(billing.issue_invoice(cx.uow(), cx.actor, billing.InvoiceInput(
            _partner_id(cx.db, partner), _today(date, "date"), _lines(line), subject, price_entry,
            _date(due_date, "due_date") if due_date else None, notes)))


@invoice_app.command("replace")
@with_context
def invoice_replace(
    cx: CommandContext,
    number: Annotated[str, typer.Argument(help="The unpaid invoice's number or id.")],
    line: LineOpt = None,
    date: Annotated[str | None, typer.Option("--date", help="Issue date (default: today).")] = None,
    subject: Annotated[str, typer.Option("--subject", help="Default: the original's.")] = "",
    due_date: Annotated[str | None, typer.Option("--due-date", help="Default: the original's.")] = None,
    price_entry: PriceEntryOpt = "exclusive",
    notes: Annotated[str, typer.Option("--notes")] = "",
) -> None:
    """修正した請求書: replace an unpaid invoice (its posting is reversed; the new one references it)."""
    with _cli_lines():
        original = _invoice_row(cx.db, cx.actor, number)
        _print_invoice(billing.replace_invoice(cx.uow(), cx.actor, original.id, billing.InvoiceInput(
            original.partner_id, _today(date, "date"), _lines(line), subject, price_entry,
            _date(due_date, "due_date") if due_date else None, notes)))
