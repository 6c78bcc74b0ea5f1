"""``ennoshita withholding``: the 源泉所得税 納付 list, 納付 and its 取消, and the 支払調書 of a year (table or
CSV/PDF file)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table as RichTable

from ennoshita.cli.common import CommandContext, console, label, parse_date, say, text, with_context
from ennoshita.errors import NotFound
from ennoshita.money import format_yen
from ennoshita.tabular import export
from ennoshita.withholding import reports
from ennoshita.withholding import services as withholding

withholding_app = typer.Typer(help="源泉所得税: 納付 list, 納付, 支払調書.", no_args_is_help=True)

_TEXT = "cli.withholding"  # its lines: i18n/{ja,en}/cli.po, keys cli.withholding.*


@withholding_app.command("list")
@with_context
def list_due(cx: CommandContext,
             year: Annotated[int | None, typer.Option(help="Only 納期限 in this year.")] = None) -> None:
    """納付 list: per 納期限 and category, 人員 / 支給額 / 税額 (所得税徴収高計算書)."""
    groups = withholding.remittance_list(cx.uow(), cx.actor, year)
    table = RichTable(*(text(f"withholding_ui.col.{c}") for c in ("due_date", "category", "people", "amount", "tax",
                                                                   "paid_date")))
    for g in groups:
        for c in g.categories:
            table.add_row(g.due_date.isoformat(), label("withholding.category.", c.category), str(c.people),
                          format_yen(c.amount), format_yen(c.tax), g.paid_date.isoformat() if g.paid_date else "")
    console.print(table)


@withholding_app.command("pay")
@with_context
def pay(cx: CommandContext, due_date: Annotated[str, typer.Option(help="納期限 (YYYY-MM-DD).")],
        paid_date: Annotated[str, typer.Option(help="納付日 (YYYY-MM-DD).")]) -> None:
    """納付: posts 預り金(源泉所得税) / 普通預金 for everything due on the date."""
    r = withholding.pay_remittance(cx.uow(), cx.actor, parse_date(due_date, "due_date"),
                                   parse_date(paid_date, "paid_date"))
    console.print(say(_TEXT, "paid", due=r.due_date.isoformat(), total=format_yen(r.total), entry=r.entry_no))


@withholding_app.command("cancel")
@with_context
def cancel(cx: CommandContext,
           due_date: Annotated[str, typer.Option(help="Due date of the payment to cancel (YYYY-MM-DD).")],
           reason: Annotated[str, typer.Option(
               help="Why (kept in the audit trail and the reversal's description).")] = "") -> None:
    """Cancel a payment: its entry reversed, the withheld tax unpaid again."""
    due = parse_date(due_date, "due_date")
    group = next((g for g in withholding.remittance_list(cx.uow(), cx.actor, due.year)
                  if g.due_date == due and g.remittance_id), None)
    if group is None or group.remittance_id is None:
        raise NotFound("withholding.error.no_remittance", date=due)
    r = withholding.cancel_remittance(cx.uow(), cx.actor, group.remittance_id, reason)
    console.print(say(_TEXT, "cancelled", due=r.due_date.isoformat(), total=format_yen(r.total), items=r.items,
                      entry=r.reversal_entry_no))


@withholding_app.command("statements")
@with_context
def statements(cx: CommandContext, year: Annotated[int, typer.Option(help="Calendar year.")],
               output: Annotated[Path | None, typer.Option(help="Write a .csv, .xlsx or .pdf file.")] = None) -> None:
    """報酬、料金、契約金及び賞金の支払調書 and the 法定調書合計表 figures of a year."""
    rows, totals = withholding.payee_statements(cx.uow(), cx.actor, year)
    table = reports.statements_table(year, rows, totals)
    if output is not None:
        fmt = output.suffix.lstrip(".").lower() or "csv"
        content, _media, _name = export(table, fmt if fmt in ("csv", "xlsx", "pdf") else "csv")
        output.write_bytes(content)
        console.print(say(_TEXT, "written", path=str(output)))
        return
    shown = RichTable(*[c.label for c in table.columns])
    for row in table.rows:
        shown.add_row(*[format_yen(v) if c.kind == "yen" and isinstance(v, int) else str(v if v is not None else "")
                        for c in table.columns for v in [row.get(c.key)]])
    console.print(shown)


def register(app: typer.Typer) -> None:
    app.add_typer(withholding_app, name="withholding")
