"""CLI for 総務: ``assets schedule`` (a depreciation schedule without storing anything), ``assets run`` (preview or
post a monthly/yearly run) and ``assets list``."""

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
    parse_date,
    with_context,
)
from ennoshita.errors import Invalid

assets_app = typer.Typer(help="固定資産 (fixed assets): schedule, run, list.", no_args_is_help=True)


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
    from ennoshita.assets.queries import METHOD_NAMES

    table = RichTable(title=f"{cost:,}円 {life}年 {METHOD_NAMES.get(resolved, resolved)}")
    for col in ("年度", "月数", "期首帳簿価額", "償却額", "期末帳簿価額", "根拠"):
        table.add_column(col, justify="right" if col not in ("年度", "根拠") else "left")
    for y in years:
        table.add_row(f"{y.year_start:%Y}年度", str(y.months), yen(y.opening), yen(y.depreciation),
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
        console.print(f"{line.number} {line.name} {line.debit_account}/{line.credit_account} {yen(line.amount)}")
    word = "計上" if post else "試算"
    console.print(f"{word}: {result.period_start}〜{result.period_end} {len(result.lines)}件 合計 {yen(result.total)}")


@assets_app.command("list")
@with_context
def list_cmd(cx: CommandContext) -> None:
    """The register (固定資産台帳)."""
    from ennoshita.assets import queries

    rows, total = queries.register_page(cx.uow(), cx.actor, page=1, per_page=500)
    for a in rows:
        method = queries.METHOD_NAMES.get(a.method, a.method)  # as the register screen names it
        console.print(f"{a.number} {a.name} {a.acquired_on} {yen(a.cost)} {method} {a.life}年 "
                      f"簿価 {yen(a.book_value)}", soft_wrap=True)
    console.print(f"{total}件")


def register(app: typer.Typer) -> None:
    app.add_typer(assets_app, name="assets")
