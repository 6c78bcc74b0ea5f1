"""CLI for 人事: ``hr employee add/list/show/transfer/leave``, ``hr attendance import/close/limits``, ``hr leave
balance/grant/ledger/record/opening``. Errors are one line per problem (with the CSV line) and exit 1."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table as RichTable

from ennoshita.cli.common import (
    CommandContext,
    cli_language,
    console,
    label,
    parse_date,
    say,
    text,
    with_context,
)
from ennoshita.errors import Invalid, NotFound
from ennoshita.hr import queries, rules, services
from ennoshita.hr.employees import EmployeeInput, by_number
from ennoshita.i18n import Translator

hr_app = typer.Typer(help="人事: employees, attendance, 36協定 limits, paid leave.", no_args_is_help=True)
employee_app = typer.Typer(help="社員名簿: add, list, show, transfer, leave.", no_args_is_help=True)
attendance_app = typer.Typer(help="勤怠: CSV import, month close, 36協定 limits.", no_args_is_help=True)
leave_app = typer.Typer(help="年次有給休暇: balance, grants, 管理簿, record.", no_args_is_help=True)
hr_app.add_typer(employee_app, name="employee")
hr_app.add_typer(attendance_app, name="attendance")
hr_app.add_typer(leave_app, name="leave")

_TEXT = "cli.hr"  # its lines: i18n/{ja,en}/cli.po, keys cli.hr.*


def _say(key: str, **params: Any) -> str:
    return say(_TEXT, key, **params)


def _month(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(f"{text}-01" if len(text) == 7 else text).replace(day=1)
    except ValueError:
        raise Invalid("hr.error.month_format", field="--month", value=text) from None


def _employee_id(db: Any, number: str) -> int:
    with db.uow() as uow:
        e = by_number(uow.session, number)
        if e is None:
            raise NotFound("hr.error.employee_not_found", field="employee_number", id=number)
        return e.id


@employee_app.command("add")
@with_context
def employee_add(cx: CommandContext, number: str, name: str, kana: Annotated[str, typer.Option("--kana")],
                 birth: Annotated[str, typer.Option("--birth", help="YYYY-MM-DD")],
                 hired: Annotated[str, typer.Option("--hired", help="YYYY-MM-DD")],
                 department: Annotated[str, typer.Option("--department")],
                 employment_type: Annotated[str, typer.Option("--type", help="regular/contract/part_time/officer")]
                 = "regular",
                 weekly_days: Annotated[int, typer.Option("--days")] = 5,
                 weekly_hours: Annotated[str, typer.Option("--hours")] = "40",
                 position: Annotated[str, typer.Option("--position")] = "") -> None:
    """入社: register an employee (opens the 入社 checklist)."""
    minutes = int(Decimal(weekly_hours) * 60)
    services.hire(cx.uow(), cx.actor, EmployeeInput(
        number, name, kana, parse_date(birth, "--birth"), parse_date(hired, "--hired"), employment_type,
        department, weekly_days, minutes, position=position))
    console.print(_say("added", number=number, name=name))


@employee_app.command("list")
@with_context
def employee_list(cx: CommandContext, department: Annotated[str | None, typer.Option("--department")] = None,
                  search: Annotated[str, typer.Option("--search")] = "", page: int = 1) -> None:
    """社員名簿 (50 a page)."""
    rows, total = queries.list_employees(cx.uow(), cx.actor, dt.date.today(),
                                         department=department, search=search, page=page)
    table = RichTable(*(text(f"hr_ui.col.{c}") for c in ("number", "name", "department", "position", "type",
                                                          "weekly", "hire_date")))
    for r in rows:
        table.add_row(r.employee_number, r.name, r.department, r.position, label("hr_ui.type.", r.employment_type),
                      text("hr_ui.weekly", days=r.weekly_days, hours=_hm(r.weekly_minutes)), r.hire_date.isoformat())
    console.print(table)
    console.print(_say("total", total=total, shown=len(rows)))


@employee_app.command("transfer")
@with_context
def employee_transfer(cx: CommandContext, number: str, department: str, date: Annotated[str, typer.Option("--from")],
                      position: Annotated[str, typer.Option("--position")] = "") -> None:
    """異動: a new assignment from a date (never before the hire date)."""
    day = parse_date(date, "--from")
    services.transfer(cx.uow(), cx.actor, _employee_id(cx.db, number),
                      services.TransferInput(day, department, position))
    console.print(_say("moved", number=number, department=department, date=day))


@employee_app.command("leave")
@with_context
def employee_leave(cx: CommandContext, number: str, last_day: Annotated[str, typer.Option("--last-day")],
                   reason: Annotated[str, typer.Option("--reason")]) -> None:
    """退社: last day and reason; prints the final leave balance."""
    data = services.leave(cx.uow(), cx.actor, _employee_id(cx.db, number),
                          parse_date(last_day, "--last-day"), reason)
    console.print(_say("left", number=number, days=data["final_leave_days"]))


@attendance_app.command("import")
@with_context
def attendance_import(cx: CommandContext, file: Path) -> None:
    """Time-clock CSV: employee_number,date,clock_in,clock_out,break_minutes (UTF-8 or Shift_JIS)."""
    from ennoshita import textfiles

    content, _ = textfiles.decode(file.read_bytes())  # as every import reads a file (BOM, UTF-8, cp932)
    r = services.import_csv(cx.uow(), cx.actor, content)
    console.print(_say("imported", rows=r.rows, employees=r.employees))


@attendance_app.command("close")
@with_context
def attendance_close(cx: CommandContext, month: Annotated[str, typer.Option("--month", help="YYYY-MM")]) -> None:
    """月次締め of every employee's 勤務表."""
    r = services.close_month(cx.uow(), cx.actor, _month(month))
    console.print(_say("closed", month=month, closed=r.closed, already=r.already_closed))
    for p in r.problems:
        console.print(_say("open", **p.params))
    if r.problems:
        raise typer.Exit(1)


@attendance_app.command("limits")
@with_context
def attendance_limits(cx: CommandContext, month: Annotated[str, typer.Option("--month", help="YYYY-MM")],
                      flagged: Annotated[bool, typer.Option("--flagged")] = False,
                      interview: Annotated[bool, typer.Option("--interview")] = False) -> None:
    """36協定: each employee's overtime, holiday work and flags (flagged first), and 面接指導の対象 (80時間超)."""
    board = services.dashboard(cx.uow(), cx.actor, _month(month), per_page=200,
                               only_flagged=flagged, only_interview=interview)
    table = RichTable(text("hr_ui.col.number"), text("hr_ui.col.name"), text("hr_ui.col.overtime"),
                      text("hr_ui.col.holiday"), text("hr_ui.limits.year"), text("hr_ui.limits.months_over"),
                      text("hr_ui.limits.avg_max"), text("hr_ui.limits.flags"), text("hr_ui.limits.beyond_40"),
                      text("hr_ui.limits.interview"))
    for r in board.rows:
        table.add_row(r.employee_number, r.name, _hm(r.overtime), _hm(r.holiday), _hm(r.year_overtime),
                      str(r.months_over), _hm(int(max(r.averages.values()))) if r.averages else "—",
                      " ".join(label("hr_ui.flag.", f) for f in r.flags)
                      or ("(" + " ".join(label("hr_ui.flag.", w) for w in r.warnings) + ")" if r.warnings else ""),
                      _hm(r.beyond_40), text("hr_ui.limits.interview") if r.interview else "")
    console.print(table)
    console.print(_say("total", total=board.total, shown=len(board.rows)))
    console.print(text("hr_ui.limits.interview_count", count=board.interview))


def _hm(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


@leave_app.command("grant")
@with_context
def leave_grant(cx: CommandContext, on: Annotated[str | None, typer.Option("--on")] = None) -> None:
    """付与処理: every grant due up to the date (today), for cron."""
    n = services.run_grants(cx.uow(), cx.actor, parse_date(on, "--on") if on else None)
    console.print(_say("granted", count=n))


@leave_app.command("balance")
@with_context
def leave_balance(cx: CommandContext, number: str, on: Annotated[str | None, typer.Option("--on")] = None) -> None:
    """One employee's grants, used, remaining and the 年5日 obligation."""
    st = services.leave_status(cx.uow(), cx.actor, _employee_id(cx.db, number),
                               parse_date(on, "--on") if on else None)
    table = RichTable(*(text(f"hr_ui.col.{c}") for c in ("grant_date", "granted", "used", "balance", "expires_on")))
    for g in st.grants:
        table.add_row(g.grant_date.isoformat(), rules.format_days(g.days), rules.format_days(g.used),
                      rules.format_days(g.remaining), g.expires_on.isoformat())
    console.print(table)
    console.print(_say("balance", number=st.employee_number, name=st.name, balance=rules.format_days(st.balance),
                       on=st.on))
    if st.obligation:
        ob = st.obligation
        console.print(_say("obligation", taken=rules.format_days(ob.taken), due=ob.due_by)
                      + (" ⚠" if ob.at_risk else ""))


@leave_app.command("record")
@with_context
def leave_record(cx: CommandContext, number: str, date: str,
                 unit: Annotated[str, typer.Option("--unit")] = "day") -> None:
    """人事 records agreed leave (approved at once)."""
    day = parse_date(date, "date")
    row = services.request_leave(cx.uow(), cx.actor, services.LeaveInput(day, unit),
                                 _employee_id(cx.db, number), record=True)
    console.print(_say("recorded", date=day, status=label("hr_ui.status.", row.status)))


@leave_app.command("opening")
@with_context
def leave_opening(cx: CommandContext, number: str,
                  as_of: Annotated[str, typer.Option("--as-of", help="Start date: the first day of the records")],
                  grant: Annotated[list[str] | None, typer.Option(
                      "--grant", help="GRANT_DATE=DAYS left on the start date, e.g. 2025-10-01=12.5")] = None,
                  ) -> None:
    """Opening balance: the start date and the days left of each grant made before it."""
    rows = []
    for i, item in enumerate(grant or [], start=1):
        day, _, days = item.partition("=")
        try:
            rows.append(rules.OpeningRow(parse_date(day.strip(), "--grant"), Fraction(Decimal(days.strip()))))
        except (ArithmeticError, ValueError) as exc:
            raise Invalid("hr.error.opening_days", field=f"opening.{i}.days") from exc
    emp_id = _employee_id(cx.db, number)
    services.set_opening(cx.uow(), cx.actor, emp_id, services.OpeningInput(parse_date(as_of, "--as-of"), tuple(rows)))
    st = services.leave_status(cx.uow(), cx.actor, emp_id)
    console.print(_say("opening", number=st.employee_number, date=as_of, balance=rules.format_days(st.balance),
                       on=st.on))


@leave_app.command("ledger")
@with_context
def leave_ledger(cx: CommandContext, out: Annotated[Path, typer.Option("--out", help="CSV file")],
                 on: Annotated[str | None, typer.Option("--on")] = None) -> None:
    """年次有給休暇管理簿 as CSV (every employee, including those who left)."""
    day = parse_date(on, "--on") if on else dt.date.today()
    with out.open("w", encoding="utf-8", newline="") as f:
        for chunk in queries.leave_ledger_csv(cx.uow(), cx.actor, day):
            f.write(chunk)
    console.print(str(out))


_BOOLS = {"true": True, "yes": True, "on": True, "1": True, "false": False, "no": False, "off": False, "0": False}


def _setting_value(key: str, raw: str) -> object:
    """The text of ``--set key=value`` as the setting's type; a value that does not convert is passed on as
    text, so the service refuses it naming the field."""
    if key in ("half_day", "hourly", "newest_first"):
        return _BOOLS.get(raw.strip().lower(), raw)
    return int(raw) if raw.strip().lstrip("-").isdigit() else raw


@hr_app.command("settings")
@with_context
def hr_settings_command(
        cx: CommandContext,
        set_: Annotated[list[str] | None, typer.Option("--set", help="key=value (repeatable): week_start, "
                                                       "legal_holiday_weekday (1=Mon..7=Sun), half_day, hourly, "
                                                       "newest_first (true/false), hourly_max_days (0-5)")]
        = None) -> None:
    """人事設定: show the company's 人事 settings, or change them with --set (audited)."""
    from ennoshita.hr import settings as hr_settings

    if set_:
        changes: dict[str, object] = {}
        for item in set_:
            key, sep, value = item.partition("=")
            if not sep:
                raise Invalid("hr.error.settings_unknown", field=item)
            changes[key.strip()] = _setting_value(key.strip(), value)
        current = hr_settings.update_settings(cx.uow(), cx.actor, **changes)
    else:
        current = hr_settings.get_settings(cx.uow(), cx.actor)
    _print_settings(current)


def _print_settings(current: object) -> None:
    """One line per setting as the 人事設定 screen names it, its value in words (a weekday, 可/不可), then what
    --set takes for it: ``週の起算日: 日曜日（week_start=7）`` / ``Week starts on: Sunday (week_start=7)``."""
    from ennoshita.hr import settings as hr_settings

    t = Translator(cli_language())
    for key in hr_settings.FIELDS:
        value = getattr(current, key)
        raw = str(value).lower() if isinstance(value, bool) else str(value)
        if isinstance(value, bool):
            shown = t("hr_ui.settings.allow" if value else "hr_ui.settings.deny")
        elif key in ("week_start", "legal_holiday_weekday"):
            shown = t(f"hr_ui.weekday.{value}")
        else:
            shown = str(value)
        console.print(f"{t('hr_ui.settings.' + key)}: {shown}{t('text.paren', text=f'{key}={raw}')}",
                      highlight=False, markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(hr_app, name="hr")
