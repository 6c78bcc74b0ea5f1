"""CLI for 総務: ``assets schedule`` (a depreciation schedule without storing anything), ``assets run`` (preview or
post a monthly/yearly run), ``assets runs`` (the posted runs), ``assets cancel-run`` (減価償却の取消),
``assets cancel-disposal`` (除却・売却の取消) and ``assets list``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table as RichTable

from ennoshita.assets import rules
from ennoshita.assets import services as assets
from ennoshita.cli.common import (
    CommandContext,
    console,
    domain_errors,
    label,
    parse_date,
    say,
    with_context,
)
from ennoshita.errors import Invalid, NotFound

assets_app = typer.Typer(help="固定資産 (fixed assets): schedule, run, list.", no_args_is_help=True)

_TEXT = "cli.assets"  # its lines: i18n/{ja,en}/cli.po, keys cli.assets.*


REASON_HELP = "Why (kept in the audit trail and the reversal's description)"


def _say(key: str, **params: object) -> str:
    return say(_TEXT, key, **params)


def yen(n: int) -> str:
    return f"¥{n:,}"


@assets_app.command("schedule")
def schedule_cmd(
    cost: Annotated[int, typer.Option("--cost", help="取得価額 (yen)")],
    life: Annotated[int, typer.Option("--life", help="耐用年数 (years)")],
    method: Annotated[str, typer.Option("--method", help="straight (定額法) | declining (定率法)")],
    acquired: Annotated[str, typer.Option("--acquired", help="取得・事業供用日 YYYY-MM-DD")],
    fiscal_year_start_month: Annotated[int, typer.Option("--fiscal-year-start-month")] = 4,
) -> None:
    """Print each fiscal year's depreciation and closing book value (nothing is stored)."""
    with domain_errors():
        if method not in ("straight", "declining"):
            raise Invalid("assets.error.method", field="method", method=method)
        day = parse_date(acquired, "acquired")
        years = rules.schedule(cost, life, method, day, fiscal_year_start_month)
        resolved = rules.resolve_method(method, day)
    table = RichTable(title=_say("schedule_title", cost=f"{cost:,}", life=life,
                                 method=label("assets_ui.methods.", resolved)))
    for col in ("fy", "months", "opening", "depreciation", "closing", "basis"):
        table.add_column(_say(col), justify="left" if col in ("fy", "basis") else "right")
    for y in years:
        table.add_row(_say("year", year=f"{y.year_start:%Y}"), str(y.months), yen(y.opening), yen(y.depreciation),
                      yen(y.closing), y.basis)
    console.print(table)


@assets_app.command("run")
@with_context
def run_cmd(
    cx: CommandContext,
    month: Annotated[str, typer.Option("--month", help="YYYY-MM (a day of the period)")],
    kind: Annotated[str, typer.Option("--kind", help="monthly | yearly")] = "monthly",
    post: Annotated[bool, typer.Option("--post/--preview", help="post to the ledger, or only show")] = False,
) -> None:
    """Preview (default) or post the depreciation run of a month or fiscal year."""
    day = parse_date(month + "-01" if len(month) == 7 else month, "month")
    result = (assets.post_run if post else assets.preview_run)(cx.uow(), cx.actor, kind, day)
    for line in result.lines[:50]:
        console.print(_say("line", number=line.number, name=line.name, debit=line.debit_account,
                           credit=line.credit_account, amount=yen(line.amount)), soft_wrap=True)
    console.print(_say("run", word=_say("posted" if post else "preview"), start=result.period_start,
                       end=result.period_end, count=len(result.lines), total=yen(result.total)))


@assets_app.command("runs")
@with_context
def runs_cmd(cx: CommandContext) -> None:
    """The posted depreciation runs (cancelled ones too), the latest period first."""
    from ennoshita.assets import undo

    for r in undo.list_runs(cx.uow(), cx.actor):
        console.print(_say("run_row", id=r.id, period=r.label, kind=label("assets_ui.run.", r.kind),
                           count=r.asset_count, total=yen(r.total),
                           state=label("assets_ui.runs.", "standing" if r.status == "posted" else "cancelled")),
                      soft_wrap=True)


@assets_app.command("cancel-run")
@with_context
def cancel_run_cmd(
    cx: CommandContext,
    month: Annotated[str, typer.Option("--month", help="YYYY-MM: a month of the run's period")],
    reason: Annotated[str, typer.Option("--reason", help=REASON_HELP)] = "",
) -> None:
    """Cancel a depreciation run: its entry reversed, the register as before the run (the latest run only)."""
    from ennoshita.assets import undo

    day = parse_date(month + "-01" if len(month) == 7 else month, "month")
    run = next((r for r in undo.list_runs(cx.uow(), cx.actor, limit=1000)
                if r.status == "posted" and r.period_start <= day <= r.period_end), None)
    if run is None:
        raise NotFound("cli.assets.no_run", month=f"{day:%Y-%m}")
    done = undo.cancel_run(cx.uow(), cx.actor, run.id, reason)
    console.print(_say("run_cancelled", period=done.label, entry=done.reversal_entry_id or "-"))


@assets_app.command("cancel-disposal")
@with_context
def cancel_disposal_cmd(
    cx: CommandContext,
    number: Annotated[str, typer.Option("--number", help="Asset number (FA-000001)")],
    reason: Annotated[str, typer.Option("--reason", help=REASON_HELP)] = "",
) -> None:
    """Cancel a disposal: its entry reversed, the asset back in service."""
    from ennoshita.assets import queries, undo

    rows, _total = queries.register_page(cx.uow(), cx.actor, text=number.strip(), per_page=50)
    found = next((a for a in rows if a.number == number.strip()), None)
    if found is None:
        raise NotFound("cli.assets.no_asset", number=number)
    view = undo.cancel_disposal(cx.uow(), cx.actor, found.id, reason)
    console.print(_say("disposal_cancelled", number=view.number, book=yen(view.book_value)))


@assets_app.command("list")
@with_context
def list_cmd(cx: CommandContext) -> None:
    """The register (固定資産台帳)."""
    from ennoshita.assets import queries

    rows, total = queries.register_page(cx.uow(), cx.actor, page=1, per_page=500)
    for a in rows:
        method = label("assets_ui.methods.", a.method)  # as the register screen names it
        console.print(_say("asset", number=a.number, name=a.name, acquired=a.acquired_on, cost=yen(a.cost),
                           method=method, life=a.life, book=yen(a.book_value)), soft_wrap=True)
    console.print(_say("total", total=total))


def register(app: typer.Typer) -> None:
    app.add_typer(assets_app, name="assets")
