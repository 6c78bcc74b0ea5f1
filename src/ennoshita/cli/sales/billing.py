"""CLI for sales: partner import, 締め請求 runs, invoice PDFs, bank statement import with 消込, and the
receivables check (売掛金台帳 against the ledger's 売掛金)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table as RichTable
from sqlalchemy import select
from sqlalchemy.orm import Session

from ennoshita.cli.common import CommandContext, cli_language, console, label, parse_date, say, with_context
from ennoshita.errors import Invalid, NotFound
from ennoshita.i18n import Translator
from ennoshita.money import format_yen
from ennoshita.partners.models import Partner
from ennoshita.sales import billing, customer_credit, partner_import, pdf, receivables
from ennoshita.sales import settings as sales_settings
from ennoshita.sales.models import Invoice

sales_app = typer.Typer(help="Sales: partner import, billing runs, invoice PDFs, bank import, AR check.",
                        no_args_is_help=True)
partners_app = typer.Typer(help="取引先: import from CSV.", no_args_is_help=True)
sales_app.add_typer(partners_app, name="partners")

# Plain CLI sentences (the error lines come from the message catalogs).
_TEXT = "cli.sales.billing"  # its lines: i18n/{ja,en}/cli.po, keys cli.sales.billing.*


def _say(key: str, **params: Any) -> str:
    return say(_TEXT, key, **params)


_date = parse_date


def _read(path: Path) -> bytes:
    if not path.exists():
        raise Invalid("cli.error_no_file", field="file", path=str(path))
    return path.read_bytes()


# ---------------------------------------------------------------- partners import


@partners_app.command("import")
@with_context
def partners_import(cx: CommandContext, file: Path) -> None:
    """Import partners from a CSV (UTF-8 or Shift_JIS; header code,name,name_kana,registration_number,
    closing_day,months_after,pay_day,...). All or nothing: one line per problem, naming the CSV line."""
    count = partner_import.import_partners(cx.uow(), cx.actor, _read(file))
    console.print(_say("imported", count=count))


# ---------------------------------------------------------------- billing


@sales_app.command("billing-run")
@with_context
def billing_run(
    cx: CommandContext,
    closing_date: Annotated[str, typer.Option("--closing-date", help="締め日 (YYYY-MM-DD).")],
    issue_date: Annotated[str | None, typer.Option("--issue-date", help="Issue date (default: the closing date).")]
    = None,
    zip_path: Annotated[Path | None, typer.Option("--zip", help="Also write every invoice PDF into this ZIP.")]
    = None,
    early: Annotated[bool, typer.Option("--early", help="Confirm a run before the closing date has come.")] = False,
) -> None:
    """締め請求: invoice every customer whose closing falls on the date (and the 都度 customers). A closing date
    still to come is refused unless --early confirms it."""
    closing = _date(closing_date, "closing_date")
    issue = _date(issue_date, "issue_date") if issue_date else None
    result = billing.billing_run(cx.uow(), cx.actor, closing, issue, early=early)
    with cx.uow() as uow:
        names = _partner_names(uow.session, {i.partner_id for i in result.invoices})
    table = RichTable(_say("number"), _say("partner"), _say("gross"), _say("due"))
    for inv in result.invoices:
        table.add_row(inv.number, names.get(inv.partner_id, ""), format_yen(inv.gross), inv.due_date.isoformat())
    console.print(table)
    console.print(_say("run", date=closing, count=len(result.invoices),
                       total=format_yen(result.total_billed)))
    if zip_path is not None and result.invoices:
        zip_path.write_bytes(pdf.invoices_zip(cx.uow(), cx.actor, [i.id for i in result.invoices]))
        console.print(_say("zip", path=str(zip_path), count=len(result.invoices)))


_ACCRUE_TEXT = "cli.sales.billing.accrue"  # its lines: i18n/{ja,en}/cli.po, keys cli.sales.billing.accrue.*


@sales_app.command("accrue")
@with_context
def accrue(
    cx: CommandContext,
    month: Annotated[str, typer.Option("--month", help="The month to close (YYYY-MM).")],
) -> None:
    """未請求売上 (請求基準 only): accrue the deliveries not billed by the month end, reversed on the 1st of the
    next month. Once per month."""
    from ennoshita.sales import accrual

    result = accrual.accrue_month(cx.uow(), cx.actor, accrual.parse_month(month))
    if result.entry_id is None:
        console.print(say(_ACCRUE_TEXT, "none", month=result.month))
    else:
        console.print(say(_ACCRUE_TEXT, "accrued", month=result.month, count=len(result.deliveries),
                          gross=format_yen(result.gross), net=format_yen(result.net),
                          tax=format_yen(result.tax), end=result.month_end.isoformat()))


def _partner_names(s: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {int(i): str(n) for i, n in s.execute(select(Partner.id, Partner.name).where(Partner.id.in_(ids)))}


@sales_app.command("invoice-pdf")
@with_context
def invoice_pdf(
    cx: CommandContext,
    number: str,
    output: Annotated[Path, typer.Option("--output", "-o", help="The PDF file to write.")],
) -> None:
    """Write the PDF of an issued invoice or credit note (by its number, e.g. INV-2026-000001)."""
    with cx.uow() as uow:
        found = uow.session.scalar(select(Invoice.id).where(Invoice.number == number.strip()))
    if found is None:
        raise NotFound("sales.error.invoice_not_found", field="number", id=number)
    content, _name = pdf.invoice_pdf(cx.uow(), cx.actor, int(found))
    output.write_bytes(content)
    console.print(_say("pdf", number=number, path=str(output)))


# ---------------------------------------------------------------- bank and receivables


@sales_app.command("bank-import")
@with_context
def bank_import(
    cx: CommandContext,
    file: Path,
    auto_match: Annotated[bool, typer.Option("--auto-match", help="Then confirm every certain match.")] = False,
) -> None:
    """Import a bank statement CSV (the bank's Japanese layout or the generic one); all or nothing."""
    result = receivables.import_bank_csv(cx.uow(), cx.actor, _read(file))
    console.print(_say("bank", imported=result.imported, duplicates=result.duplicates, skipped=result.skipped))
    if auto_match:
        console.print(_say("matched", count=receivables.auto_match(cx.uow(), cx.actor)))


@sales_app.command("ar-check")
@with_context
def ar_check(cx: CommandContext) -> None:
    """売掛金台帳 against the ledger's 売掛金 (exit 1 when they differ)."""
    check = receivables.ar_check(cx.uow(), cx.actor)
    print(f"{_say('sub')}: {format_yen(check.subledger)}")
    print(f"{_say('ledger')}: {format_yen(check.ledger)}")
    print(f"{_say('diff')}: {format_yen(check.difference)}")
    print(_say("ok") if check.ok else _say("ng"))
    if not check.ok:
        raise typer.Exit(1)


# ---------------------------------------------------------------- settings and customer credits

credit_app = typer.Typer(help="預り残高: customers' credit balances (前受金), refunds.", no_args_is_help=True)
sales_app.add_typer(credit_app, name="credit")


@sales_app.command("settings")
@with_context
def settings_cmd(
    cx: CommandContext,
    fee_treatment: Annotated[str | None, typer.Option(
        "--fee-treatment", help="Deducted transfer fees: sales_discount (売上値引, default) or transfer_fee "
                                "(支払手数料).")] = None,
    revenue_recognition: Annotated[str | None, typer.Option(
        "--revenue-recognition", help="delivery (出荷基準, default) or invoice.")] = None,
) -> None:
    """Show (or change) the sales settings."""
    current = sales_settings.update_settings(cx.uow(), cx.actor, fee_treatment, revenue_recognition) \
        if fee_treatment or revenue_recognition else sales_settings.get_settings(cx.uow(), cx.actor)
    # as the 入金 and 締め請求 screens name them, then what the option takes:
    # 先方差引の振込手数料: 売上値引（--fee-treatment sales_discount）
    t = Translator(cli_language())
    for option, label_key, value_key, value in (
            ("--fee-treatment", "sales_ui.settings.fee_treatment", "sales_ui.fee.", current.fee_treatment),
            ("--revenue-recognition", "sales_ui.settings.recognition", "sales_ui.recognition.",
             current.revenue_recognition)):
        print(f"{t(label_key)}: {t(value_key + value)}{t('text.paren', text=f'{option} {value}')}")


@credit_app.command("show")
@with_context
def credit_show(
    cx: CommandContext,
    partner_id: Annotated[int | None, typer.Argument(help="A customer's id; without: every balance.")] = None,
) -> None:
    """Every customer's credit balance, or one customer's movements."""
    if partner_id is None:
        for row in customer_credit.credit_list(cx.uow(), cx.actor):
            print(f"{row.partner_id}\t{row.code}\t{row.name}\t{format_yen(row.balance)}")
        return
    found = customer_credit.credit_of(cx.uow(), cx.actor, partner_id)
    print(f"{format_yen(found.balance)}")
    for m in found.movements:
        kind = label("sales_ui.credits.kind.", m.kind)  # as the 預り残高 screen names it
        print(f"{m.entry_date.isoformat()}\t{kind}\t{m.invoice_number}\t{format_yen(m.amount)}\t{m.memo}")


@credit_app.command("refund")
@with_context
def credit_refund(
    cx: CommandContext,
    partner_id: Annotated[int, typer.Argument(help="The customer's id.")],
    amount: Annotated[int, typer.Option("--amount", help="Yen refunded.")],
    date: Annotated[str, typer.Option("--date", help="Refund date (YYYY-MM-DD).")],
    memo: Annotated[str, typer.Option("--memo")] = "",
) -> None:
    """返金: pay the customer's credit back (前受金 / 普通預金)."""
    entry = customer_credit.refund_credit(cx.uow(), cx.actor, partner_id, amount,
                                          _date(date, "date"), memo)
    print(entry)


def register(app: typer.Typer) -> None:
    app.add_typer(sales_app, name="sales")
