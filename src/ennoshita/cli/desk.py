"""CLI for the request desk (依頼): file a request, list a queue, change a status, the monthly dashboard
(table or CSV), and ``desk mail`` for cron (the overdue sweep, then every pending notification e-mail; the
other commands leave their notifications to it, so a slow mail server never holds them up)."""

from __future__ import annotations

import datetime as dt
import mimetypes
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table as RichTable

from ennoshita.actor import Actor
from ennoshita.attachments.services import NewAttachment
from ennoshita.cli.common import CommandContext, cli_language, console, say, with_context
from ennoshita.db import Database
from ennoshita.desk import mail, queries, rules, services
from ennoshita.errors import Invalid, NotFound, Problem
from ennoshita.i18n import gettext, stored_text
from ennoshita.tabular import export

desk_app = typer.Typer(help="依頼 (request desk): file, list, status, dashboard, mail.", no_args_is_help=True)

_TEXT = "cli.desk"  # its lines: i18n/{ja,en}/cli.po, keys cli.desk.*


def _say(key: str, **params: Any) -> str:
    return say(_TEXT, key, **params)


def _local(moment: dt.datetime) -> str:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(rules.TOKYO).strftime("%Y-%m-%d %H:%M")


def _fields(pairs: list[str], lines: list[str]) -> dict[str, Any]:
    """``--field name=value`` and ``--line 品名:数量`` as the request's fields."""
    fields: dict[str, Any] = {}
    problems: list[Problem] = []
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            problems.append(Problem("error.required", f"--field {pair}"))
            continue
        fields[name.strip()] = value
    if lines:
        parsed = []
        for text in lines:
            item, sep, qty = text.rpartition(":") if ":" in text else text.rpartition("：")
            parsed.append({"item": item.strip(), "quantity": qty.strip()} if sep else {"item": text.strip(),
                                                                                         "quantity": "1"})
        fields["lines"] = parsed
    if problems:
        raise Invalid(problems=problems)
    return fields


def _attachments(pairs: list[str]) -> tuple[tuple[str, NewAttachment], ...]:
    found = []
    for pair in pairs:
        name, sep, path_text = pair.partition("=")
        path = Path(path_text)
        if not sep or not path.is_file():
            raise Invalid("cli.error_no_file", field=f"--attach {pair}", path=path_text or pair)
        ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        found.append((name.strip(), NewAttachment(path.name, ctype, path.read_bytes())))
    return tuple(found)


def _by_number(db: Database, actor: Actor, number: str) -> int:
    """The id of the request with this number, among those the actor may see."""
    page = queries.queue(db.uow(), actor, text=number.strip(), per_page=200)
    for row in page.rows:
        if row.number == number.strip():
            return row.id
    raise NotFound("desk.error.not_found", field="number", id=number)


@desk_app.command("file")
@with_context
def file_request(
    cx: CommandContext,
    type_: Annotated[str, typer.Option("--type", help=", ".join(rules.REQUEST_TYPES))],
    title: Annotated[str, typer.Option(help="件名.")],
    field: Annotated[list[str] | None, typer.Option("--field", help="name=value; repeat.")] = None,
    line: Annotated[list[str] | None, typer.Option("--line", help="品名:数量 (the lines field); repeat.")] = None,
    attach: Annotated[list[str] | None, typer.Option("--attach", help="file field=path; repeat.")] = None,
    due_date: Annotated[str | None, typer.Option(help="希望納期 YYYY-MM-DD (default: the due_date field).")] = None,
) -> None:
    """依頼する: file a request; every missing or malformed field is named."""
    fields = _fields(field or [], line or [])
    due_text = due_date or (str(fields["due_date"]) if "due_date" in fields else "")
    try:
        due = dt.date.fromisoformat(due_text) if due_text else None
    except ValueError:
        raise Invalid("desk.error.date", field="due_date", value=due_text) from None
    r = services.file_request(cx.uow(), cx.actor, services.NewRequest(type_, title, fields, due,
                                                                   _attachments(attach or [])))
    console.print(_say("filed", number=r.number, team=gettext(cli_language(), f"desk.team.{r.team}"),
                       due=_local(r.sla_due_at)), highlight=False)


@desk_app.command("list")
@with_context
def list_requests(
    cx: CommandContext,
    team: Annotated[str | None, typer.Option(help=", ".join(rules.TEAMS))] = None,
    status: Annotated[list[str] | None, typer.Option(help="received, in_progress, waiting, done, withdrawn; "
                                                          "repeat.")] = None,
    mine: Annotated[bool, typer.Option(help="Only the requests I filed.")] = False,
    page: int = 1,
    per_page: int = 50,
) -> None:
    """A team's queue (open first, by SLA due time) or my requests."""
    lang = cli_language()
    for s in status or []:
        if s not in rules.STATUSES:
            raise Invalid("desk.error.status", field="status", status=s)
    found = queries.queue(cx.uow(), cx.actor, team=team, statuses=tuple(status or ()), mine=mine, page=page,
                          per_page=per_page)
    if not found.rows:
        console.print(_say("none"))
        return
    table = RichTable(*(_say(k) for k in ("number", "type", "title", "team", "state", "requester", "assignee",
                                          "sla", "remaining")))
    for r in found.rows:
        left = "" if r.remaining_minutes is None else f"{r.remaining_minutes / 60:.1f}h"
        table.add_row(r.number, gettext(lang, f"desk.type.{r.type}"), stored_text(lang, r.title),
                      gettext(lang, f"desk.team.{r.team}"),
                      gettext(lang, f"desk.status.{r.status}"), r.requester, r.assignee, _local(r.sla_due_at),
                      left, style="red" if r.overdue else None)
    console.print(table)
    console.print(_say("total", total=found.total, shown=len(found.rows)))


@desk_app.command("status")
@with_context
def set_status(
    cx: CommandContext,
    number: Annotated[str, typer.Argument(help="REQ-2026-000123")],
    status: Annotated[str, typer.Argument(help="in_progress, waiting, done or withdrawn")],
) -> None:
    """対応中 / 確認待ち / 完了 by the team; 取り下げ also by the requester."""
    r = services.set_status(cx.uow(), cx.actor, _by_number(cx.db, cx.actor, number), status)
    console.print(_say("status", number=r.number, status=gettext(cli_language(), f"desk.status.{r.status}")),
                  highlight=False)


@desk_app.command("dashboard")
@with_context
def dashboard(
    cx: CommandContext,
    month: Annotated[str | None, typer.Option(help="YYYY-MM (default: this month, Japan time).")] = None,
    csv: Annotated[Path | None, typer.Option("--csv", help="Write the table as CSV (UTF-8 BOM) to this file.")] = None,
) -> None:
    """The month's contribution per team and person: handled, median / p90 lead time, on-time rate, thanks."""
    lang = cli_language()
    d = queries.dashboard(cx.uow(), cx.actor, month or dt.datetime.now(rules.TOKYO).strftime("%Y-%m"))
    table = queries.dashboard_table(d, lang)
    if csv is not None:
        content, _media, _name = export(table, "csv")
        csv.write_bytes(content)
        console.print(_say("csv", path=str(csv)), highlight=False)
        return
    rich = RichTable(title=f"{table.title}  {table.subtitle}")
    for c in table.columns:
        rich.add_column(c.label, justify="right" if c.kind == "int" else "left")
    total = d.total
    rich.add_row("", "", str(total.handled), queries.hours(total.median_minutes), queries.hours(total.p90_minutes),
                 queries.percent(total.on_time_rate), str(d.thanks_total), style="bold")
    for row in table.rows:
        rich.add_row(*("" if row.get(c.key) is None else str(row.get(c.key)) for c in table.columns))
    console.print(rich)


@desk_app.command("mail")
@with_context
def deliver_mail(cx: CommandContext) -> None:
    """For cron: notify requests past their SLA (once each), then send every pending notification e-mail."""
    overdue = mail.sweep_overdue(cx.uow(), cx.actor)
    sent, failed = mail.deliver_pending(cx.db)
    console.print(_say("mail", overdue=overdue, sent=sent, failed=failed))
    if failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(desk_app, name="desk")
