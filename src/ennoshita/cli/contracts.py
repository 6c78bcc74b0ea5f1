"""CLI for 法務: ``contracts stamp-duty`` (the stamp of a paper document and its basis), ``contracts alerts`` (roll
the deadlines forward, alerts, and the digest on the 1st; for cron) and ``contracts list`` (or its CSV)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from ennoshita.cli.common import (
    CommandContext,
    console,
    domain_errors,
    label,
    parse_date,
    say,
    with_context,
)
from ennoshita.contracts import services as contracts
from ennoshita.contracts.stamp_duty import stamp_duty

contracts_app = typer.Typer(help="契約 (contracts): stamp-duty, alerts, list.", no_args_is_help=True)

_TEXT = "cli.contracts"  # its lines: i18n/{ja,en}/cli.po, keys cli.contracts.*


def _say(key: str, **params: object) -> str:
    return say(_TEXT, key, **params)


@contracts_app.command("stamp-duty")
def stamp_cmd(
    document: Annotated[str, typer.Option("--document", help="1 | 2 | 7 | 17 (印紙税法 別表第一)")],
    date: Annotated[str, typer.Option("--date", help="作成日 YYYY-MM-DD")],
    amount: Annotated[int | None, typer.Option("--amount", help="記載金額 (yen); omit when none is stated")] = None,
    electronic: Annotated[bool, typer.Option("--electronic", help="an electronic contract")] = False,
    subject: Annotated[str, typer.Option("--subject", help="other | real_estate | construction (措法91条)")] = "other",
) -> None:
    """Print the stamp duty of a paper document and its basis."""
    with domain_errors():
        duty = stamp_duty(document, amount, parse_date(date, "date"), electronic=electronic, subject=subject)
    console.print(_say("duty", tax=f"{duty.tax:,}"))
    console.print(duty.basis)


@contracts_app.command("alerts")
@with_context(actor=False)
def alerts_cmd(
    cx: CommandContext,
    today: Annotated[str | None, typer.Option("--today", help="YYYY-MM-DD (default: today)")] = None,
) -> None:
    """Roll the 更新拒絶期限 forward, notify owners of what falls due, and the digest on the 1st (for cron)."""
    from ennoshita.actor import Actor

    day = parse_date(today, "today") if today else dt.date.today()
    alerts = contracts.send_alerts(cx.uow(), Actor.system("cli"), day)
    digests = contracts.send_digest(cx.uow(), Actor.system("cli"), day) if day.day == 1 else 0
    console.print(_say("alerts", alerts=alerts, digests=digests))


@contracts_app.command("list")
@with_context
def contracts_list_cmd(
    cx: CommandContext,
    csv: Annotated[Path | None, typer.Option("--csv", help="write the register as CSV")] = None,
) -> None:
    """The register (契約台帳), or its CSV."""
    from ennoshita.contracts import queries

    if csv is not None:
        csv.write_bytes(queries.register_csv(cx.uow(), cx.actor, contracts.Search()))
        console.print(_say("written", path=csv))
        return
    rows, total = contracts.search(cx.uow(), cx.actor, contracts.Search(), per_page=500)
    for c in rows:
        status = label("contracts_ui.statuses.", c.status)  # as the register screen names it
        console.print(f"{c.number} {c.title} {c.counterparty} {status} {c.term_end or ''} {c.notice_deadline or ''}",
                      soft_wrap=True)
    console.print(_say("total", total=total))


def register(app: typer.Typer) -> None:
    app.add_typer(contracts_app, name="contracts")
