"""CLI for the ledger: journal import/export, reports, month locks, balance check, recurring entries."""

from __future__ import annotations

import datetime as dt
import gc
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable
from sqlalchemy.orm import Session

from ennoshita.cli.common import (
    CommandContext,
    cli_language,
    console,
    err_console,
    with_context,
)
from ennoshita.db import Database
from ennoshita.errors import Invalid
from ennoshita.i18n import Translator
from ennoshita.identity import load_company, require
from ennoshita.money import format_yen

if TYPE_CHECKING:
    from ennoshita.tabular import Table


journal_app = typer.Typer(help="Journal entries: import and export (弥生会計, CSV, hledger).", no_args_is_help=True)
report_app = typer.Typer(help="Reports: trial-balance, pl, bs, gl, journal, monthly, tax.", no_args_is_help=True)
period_app = typer.Typer(help="月次締め: lock or unlock a month (YYYY-MM).", no_args_is_help=True)
ledger_app = typer.Typer(help="Ledger maintenance: balance check, recurring entries, year-end close.",
                         no_args_is_help=True)

Fmt = Annotated[str, typer.Option("--format", help="table, csv, json, xlsx or pdf.")]
Out = Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file instead of standard output.")]

# The 仕訳帳 and 総勘定元帳 as ``table`` on screen show one page of CLI_PAGE (and say which page of how many);
# as a file (csv, json, xlsx, pdf) they always hold the whole range: CSV and JSON are streamed, XLSX and PDF are
# refused above ennoshita.tabular.ROW_LIMITS rows (one line, exit 1), never cut short.
CLI_PAGE = 100
FILE_FORMATS = ("csv", "json", "xlsx", "pdf")
Page = Annotated[int | None, typer.Option(help="Page of the on-screen table (100 each); files hold the whole range.")]


def _t() -> Translator:
    return Translator(cli_language())


def _date(text: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise Invalid("ledger.error.date_format", field=field, value=text) from None


def _emit(table: Table, fmt: str, output: Path | None) -> None:
    from ennoshita.tabular import export, format_amount

    if fmt == "table":
        rich = RichTable(title=f"{table.title}  {table.subtitle}")
        for c in table.columns:
            rich.add_column(c.label, justify="right" if c.kind in ("yen", "int") else "left")
        for i, row in enumerate(table.rows):
            cells = []
            for c in table.columns:
                v = row.get(c.key)
                cells.append(format_amount(v, table.amounts) if c.kind == "yen" and isinstance(v, int)
                             else ("" if v is None else str(v)))
            rich.add_row(*cells, style="bold" if i in table.emphasis or i in table.headings else None)
        console.print(rich)
        return
    if fmt not in ("csv", "json", "xlsx", "pdf"):
        raise Invalid("ledger.error.format", field="format", value=fmt)
    content, _media, _name = export(table, fmt)
    if output is not None:
        output.write_bytes(content)
    elif fmt in ("xlsx", "pdf"):
        raise Invalid("ledger.error.binary_needs_output", field="output", format=fmt)
    else:
        sys.stdout.buffer.write(content)
        sys.stdout.buffer.flush()


def _check_file_format(fmt: str, output: Path | None) -> None:
    from ennoshita.tabular import STREAMED

    if fmt not in FILE_FORMATS:
        raise Invalid("ledger.error.format", field="format", value=fmt)
    if fmt not in STREAMED and output is None:
        raise Invalid("ledger.error.binary_needs_output", field="output", format=fmt)


def _write_chunks(chunks: Iterable[bytes], output: Path | None) -> None:
    """Write a streamed file to standard output, or to ``output`` through a ``.part`` file renamed when complete
    (a failed run never leaves a file that looks whole)."""
    if output is None:
        for chunk in chunks:
            sys.stdout.buffer.write(chunk)
        sys.stdout.buffer.flush()
        return
    part = output.with_name(output.name + ".part")
    try:
        with part.open("wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
        part.replace(output)
    except BaseException:
        part.unlink(missing_ok=True)
        raise


@contextmanager
def _cli_row_limit() -> Iterator[None]:
    """The row-limit refusal worded for the command line (the web's message says "Download CSV")."""
    try:
        yield
    except Invalid as exc:
        if exc.key != "ledger_ui.error.file_too_long":
            raise
        raise Invalid("ledger.error.file_too_long", field="format", **exc.params) from None


def _whole_file(db: Database, fmt: str, output: Path | None, page: int | None,
                chunks: Callable[[Session], Iterator[bytes]], whole_table: Callable[[Session], Table]) -> None:
    """A long report (仕訳帳, 総勘定元帳) as a file of the whole range: streamed (CSV, JSON) or built whole after the
    row limit allowed it (XLSX, PDF)."""
    from ennoshita.tabular import STREAMED, export

    _check_file_format(fmt, output)
    if page is not None:
        err_console.print(_t()("ledger.report.page_ignored"), highlight=False)
    if fmt in STREAMED:
        with db.uow() as uow:
            _write_chunks(chunks(uow.session), output)
        return
    with _cli_row_limit(), db.uow() as uow:
        table = whole_table(uow.session)
    content, _media, _name = export(table, fmt)
    assert output is not None  # _check_file_format
    _write_chunks([content], output)


def _page_note(page: int, pages: int, total: int) -> None:
    console.print(_t()("ledger.report.page_of", page=page, pages=pages, total=f"{total:,}"), highlight=False)


@journal_app.command("import")
@with_context(every_domain=False)
def journal_import(
    cx: CommandContext,
    file: Path,
    fmt: Annotated[str, typer.Option("--format", help="yayoi (弥生会計 仕訳日記帳, Shift_JIS) or csv (UTF-8).")],
) -> None:
    """Import a journal file: the whole file is checked first and imported all or nothing."""
    from ennoshita.ledger import importer


    t = _t()
    if fmt not in importer.FORMATS:
        raise Invalid("ledger.error.format", field="format", value=fmt)
    if not file.exists():
        raise Invalid("cli.error_no_file", field="file", path=str(file))
    size = file.stat().st_size
    with file.open("rb") as fh, Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                                         console=console, transient=True) as progress:
        task = progress.add_task(t("ledger.import.progress"), total=size)
        result = importer.import_journal(cx.uow(), cx.actor, fh, fmt,
                                         progress=lambda done: progress.update(task, completed=done),
                                         parallel=True)
    console.print(t("ledger.import.done", entries=f"{result.entries:,}", lines=f"{result.lines:,}"))
    # The import is committed and said: the process ends now. Close the database here (SQLite removes the
    # checkpointed WAL), then keep the interpreter's last collection at exit from walking every object still
    # alive (SQLAlchemy's, the modules'): 0.1-0.3 s of a whole-process import otherwise.
    cx.db.dispose()
    gc.freeze()


@journal_app.command("export")
@with_context
def journal_export(
    cx: CommandContext,
    fmt: Annotated[str, typer.Option("--format", help="yayoi, csv or hledger.")],
    date_from: Annotated[str | None, typer.Option("--from", help="First date (YYYY-MM-DD).")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Last date (YYYY-MM-DD).")] = None,
    output: Out = None,
) -> None:
    """Export posted entries (streaming: memory does not grow with the ledger)."""
    from ennoshita.ledger import importer


    if fmt not in importer.EXPORT_FORMATS:
        raise Invalid("ledger.error.format", field="format", value=fmt)
    start = _date(date_from, "from") if date_from else None
    end = _date(date_to, "to") if date_to else None
    sink = output.open("wb") if output else sys.stdout.buffer
    try:
        for chunk in importer.export_journal(cx.uow(), cx.actor, fmt, start, end):
            sink.write(chunk)
    finally:
        if output:
            sink.close()
        else:
            sink.flush()


def _company_start(cx: CommandContext, capability: str = "ledger.view") -> int:
    require(cx.actor, capability)
    with cx.uow() as uow:
        return load_company(uow).fiscal_year_start_month


@report_app.command("trial-balance")
@with_context(every_domain=False)  # reports read the ledger only: no other domain to import
def report_trial_balance(
    cx: CommandContext,
    date_from: Annotated[str, typer.Option("--from", help="First date (YYYY-MM-DD).")],
    date_to: Annotated[str, typer.Option("--to", help="Last date (YYYY-MM-DD).")],
    fmt: Fmt = "table",
    output: Out = None,
) -> None:
    """残高試算表 for any date range. JSON: account_code, account_name, opening, debit, credit, closing
    (closing signed debit-positive)."""
    from ennoshita.ledger import reports

    start = _company_start(cx)
    with cx.uow() as uow:
        table, tb = reports.trial_balance_table(uow.session, _t(), _date(date_from, "from"), _date(date_to, "to"),
                                                start)
    if fmt == "json":
        import json

        rows = [{"account_code": r.account_code, "account_name": r.account_name, "opening": r.opening,
                 "debit": r.debit, "credit": r.credit, "closing": r.closing} for r in tb.rows]
        content = json.dumps(rows, ensure_ascii=False, indent=1).encode()
        (output.write_bytes(content) if output else sys.stdout.buffer.write(content + b"\n"))
        return
    _emit(table, fmt, output)


@report_app.command("pl")
@with_context(every_domain=False)  # reports read the ledger only: no other domain to import
def report_pl(
    cx: CommandContext,
    date_from: Annotated[str, typer.Option("--from")],
    date_to: Annotated[str, typer.Option("--to")],
    fmt: Fmt = "table", output: Out = None,
) -> None:
    """損益計算書."""
    from ennoshita.ledger import reports

    _start = _company_start(cx)
    with cx.uow() as uow:
        table, _ = reports.income_statement_table(uow.session, _t(), _date(date_from, "from"), _date(date_to, "to"))
    _emit(table, fmt, output)


@report_app.command("bs")
@with_context(every_domain=False)  # reports read the ledger only: no other domain to import
def report_bs(
    cx: CommandContext,
    as_of: Annotated[str, typer.Option("--as-of", help="Balance sheet date (YYYY-MM-DD).")],
    fmt: Fmt = "table", output: Out = None,
) -> None:
    """貸借対照表."""
    from ennoshita.ledger import reports

    start = _company_start(cx)
    with cx.uow() as uow:
        table, _ = reports.balance_sheet_table(uow.session, _t(), _date(as_of, "as_of"), start)
    _emit(table, fmt, output)


@report_app.command("monthly")
@with_context(every_domain=False)  # reports read the ledger only: no other domain to import
def report_monthly(
    cx: CommandContext,
    fiscal_year: Annotated[int, typer.Option("--fiscal-year", help="Fiscal year (the calendar year it starts in).")],
    fmt: Fmt = "table", output: Out = None,
) -> None:
    """月次推移表 (12 months)."""
    from ennoshita.ledger import reports

    start = _company_start(cx)
    with cx.uow() as uow:
        table = reports.monthly_table(uow.session, _t(), fiscal_year, start)
    _emit(table, fmt, output)


@report_app.command("gl")
@with_context(every_domain=False)  # reports read the ledger only: no other domain to import
def report_gl(
    cx: CommandContext,
    account: Annotated[str, typer.Option("--account", help="Account code or name.")],
    date_from: Annotated[str, typer.Option("--from")],
    date_to: Annotated[str, typer.Option("--to")],
    sub_account: Annotated[str | None, typer.Option("--sub-account", help="Only this 補助科目 (code or name).")]
    = None,
    department: Annotated[str | None, typer.Option("--department", help="Only this 部門 (code or name).")] = None,
    page: Page = None,
    fmt: Fmt = "table", output: Out = None,
) -> None:
    """総勘定元帳 with running balance, optionally of one 補助科目 and/or one 部門. On screen one page at a time;
    as a file (csv, json, xlsx, pdf) every line of the range."""
    from ennoshita.ledger import queries, queries_ui, reports

    start = _company_start(cx)
    with cx.uow() as uow:
        acc = next((a for a in queries.accounts(uow.session).values() if account in (a.code, a.name)), None)
        acc = acc or next((a for a in queries.accounts(uow.session, "en").values() if account == a.name), None)
        if acc is None:
            raise Invalid("ledger.error.unknown_account", field="account", account=account)
        sub_id = dep_id = None
        if sub_account:
            sub_id = next((s.id for s in queries_ui.sub_accounts(uow.session, acc.id)
                           if sub_account in (s.code, s.name)), None)
            if sub_id is None:
                raise Invalid("ledger.error.unknown_sub_account", field="sub_account", account=account,
                              sub=sub_account)
        if department:
            dep_id = next((d.id for d in queries_ui.departments(uow.session) if department in (d.code, d.name)),
                          None)
            if dep_id is None:
                raise Invalid("ledger.error.unknown_department", field="department", department=department)
        d1, d2 = _date(date_from, "from"), _date(date_to, "to")
        dim = queries.Dimension(sub_id, dep_id)
        acc_id = acc.id
        if fmt == "table":
            gl = queries.general_ledger(uow.session, acc_id, d1, d2, start, dim, page=page or 1,
                                        per_page=CLI_PAGE, lang=cli_language())
            table = reports.general_ledger_table(gl, _t())
    if fmt == "table":
        _emit(table, fmt, output)
        _page_note(gl.page, gl.pages, gl.total)
        return
    t = _t()
    _whole_file(cx.db, fmt, output, page,
                lambda session: reports.general_ledger_chunks(session, t, acc_id, d1, d2, start, dim, fmt),
                lambda session: reports.general_ledger_file_table(session, t, acc_id, d1, d2, start, dim, fmt))


@report_app.command("journal")
@with_context(every_domain=False)  # reports read the ledger only: no other domain to import
def report_journal(
    cx: CommandContext,
    date_from: Annotated[str, typer.Option("--from")],
    date_to: Annotated[str, typer.Option("--to")],
    page: Page = None,
    fmt: Fmt = "table", output: Out = None,
) -> None:
    """仕訳帳. On screen one page of entries at a time; as a file (csv, json, xlsx, pdf) every entry of the range."""
    from ennoshita.ledger import queries, reports

    _start = _company_start(cx)
    d1, d2 = _date(date_from, "from"), _date(date_to, "to")
    t = _t()
    if fmt != "table":
        _whole_file(cx.db, fmt, output, page,
                    lambda session: reports.journal_chunks(session, t, d1, d2, fmt),
                    lambda session: reports.journal_file_table(session, t, d1, d2, fmt))
        return
    with cx.uow() as uow:
        found = queries.journal(uow.session, d1, d2, page=page or 1, per_page=CLI_PAGE, lang=t.lang)
    _emit(reports.journal_table(found, t, d1, d2), fmt, output)
    _page_note(found.page, found.pages, found.total)


@report_app.command("tax")
@with_context(every_domain=False)  # reports read the ledger only: no other domain to import
def report_tax(
    cx: CommandContext,
    date_from: Annotated[str, typer.Option("--from")],
    date_to: Annotated[str, typer.Option("--to")],
    fmt: Fmt = "table", output: Out = None,
) -> None:
    """消費税集計表 by tax category."""
    from ennoshita.ledger import reports

    _start = _company_start(cx)
    with cx.uow() as uow:
        table = reports.tax_summary_table(uow.session, _t(), _date(date_from, "from"), _date(date_to, "to"))
    _emit(table, fmt, output)


@period_app.command("lock")
@with_context
def period_lock(cx: CommandContext, month: str) -> None:
    """Lock a month (YYYY-MM) against posting."""
    from ennoshita.ledger import services

    cp = services.lock_month(cx.uow(), cx.actor, month)
    console.print(_t()("ledger.locked", month=month))
    print(cp.describe(_t()))  # the close report's anchor of the audit chain


@period_app.command("unlock")
@with_context
def period_unlock(cx: CommandContext, month: str,
                  reason: Annotated[str, typer.Option(help="Why (kept in the audit trail).")] = "") -> None:
    """Unlock a month (the unlock is audited)."""
    from ennoshita.ledger import services

    services.unlock_month(cx.uow(), cx.actor, month, reason)
    console.print(_t()("ledger.unlocked", month=month))


@ledger_app.command("check")
@with_context(actor=False)
def ledger_check(cx: CommandContext) -> None:
    """Recompute the maintained balances from the postings and report any difference (exit 1)."""
    from ennoshita.ledger import integrity, queries

    with cx.uow() as uow:
        diffs = queries.check_balances(uow.session)
        # posted lines against their hash-chained audit record: an edit of a line and its balance row together
        entries = integrity.mismatches(uow.session)
        imports = integrity.import_mismatches(uow.session)
    t = _t()
    if not diffs and not entries and not imports:
        print(t("ledger.check_ok"))
        return
    for line in [*(d.describe(t) for d in diffs[:50]), *(m.describe(t) for m in entries),
                 *(im.describe(t) for im in imports)]:
        print(line)
    raise typer.Exit(1)


@ledger_app.command("recurring")
@with_context
def ledger_recurring(
    cx: CommandContext,
    until: Annotated[str, typer.Option(help="Post every scheduled entry due up to this date (YYYY-MM-DD).")],
) -> None:
    """Post the recurring entries (rent, leases) that are due."""
    from ennoshita.ledger import services

    posted = services.run_recurring(cx.uow(), cx.actor, _date(until, "until"))
    console.print(_t()("ledger.recurring_done", count=len(posted)))


@ledger_app.command("close-year")
@with_context
def ledger_close_year(cx: CommandContext, fiscal_year: int) -> None:
    """決算締め: carry the year's net income to 繰越利益剰余金 and lock the year."""
    from ennoshita.ledger import services

    result = services.close_year(cx.uow(), cx.actor, fiscal_year)
    console.print(_t()("ledger.year_closed", year=fiscal_year, net=format_yen(result.net_income)))
    if result.checkpoint is not None:
        print(result.checkpoint.describe(_t()))


@report_app.command("consumption-tax")
@with_context(every_domain=False)  # reports read the ledger only: no other domain to import
def report_consumption_tax(
    cx: CommandContext,
    fiscal_year: Annotated[int, typer.Option("--fiscal-year", help="The fiscal year (課税期間) YYYY.")],
    fmt: Fmt = "table", output: Out = None,
) -> None:
    """消費税申告書の計算表: 課税標準額, 消費税額, 課税売上割合, 控除対象仕入税額, 納付税額 (and the settlement)."""
    from ennoshita.ledger import consumption_tax, ctax_settlement, reports

    ret = consumption_tax.consumption_tax_return(cx.uow(), cx.actor, fiscal_year)
    draft = ctax_settlement.propose_settlement(cx.uow(), cx.actor, fiscal_year)
    _emit(reports.consumption_tax_table(_t(), ret, fiscal_year), fmt, output)
    if fmt == "table" and output is None and draft is not None:
        t = _t()
        console.print(t("ctax.settlement"))
        for line in draft.lines:
            console.print(f"  {line.account_code}  {format_yen(line.debit) if line.debit else '':>14}"
                          f"  {format_yen(line.credit) if line.credit else '':>14}  {line.memo}")


@ledger_app.command("tax-settings")
@with_context
def ledger_tax_settings(
    cx: CommandContext,
    method: Annotated[str | None, typer.Option(help="general, simplified or twenty_percent.")] = None,
    output_calc: Annotated[str | None, typer.Option(help="Output tax: proportional (割戻し) or stacked.")] = None,
    input_calc: Annotated[str | None, typer.Option(help="Input tax: stacked (積上げ) or proportional.")] = None,
    credit_method: Annotated[str | None, typer.Option(help="individual (個別対応) or lump_sum (一括比例).")] = None,
    simplified_type: Annotated[int | None, typer.Option(help="簡易課税の事業区分 1..6.")] = None,
    default_purpose: Annotated[str | None, typer.Option(
        help="用途区分 of an untagged 課税仕入: taxable, non_taxable or common.")] = None,
    fiscal_year: Annotated[int | None, typer.Option(
        help="Set output/input calc and credit method for this open fiscal year only.")] = None,
) -> None:
    """消費税の設定: show, or change the options given (with --fiscal-year: that year's own calculation)."""
    from ennoshita.ledger import consumption_tax

    given: tuple[tuple[str, object], ...] = (
        ("method", method), ("output_calc", output_calc), ("input_calc", input_calc),
        ("credit_method", credit_method), ("simplified_type", simplified_type), ("default_purpose", default_purpose))
    changes = {k: v for k, v in given if v is not None}
    if fiscal_year is not None:
        year_changes = {k: str(v) for k, v in changes.items()}
        current = (consumption_tax.set_year_calc(cx.uow(), cx.actor, fiscal_year, year_changes) if year_changes
                   else consumption_tax.consumption_tax_return(cx.uow(), cx.actor, fiscal_year).settings)
    else:
        current = (consumption_tax.update_settings(cx.uow(), cx.actor, changes) if changes
                   else consumption_tax.get_settings(cx.uow(), cx.actor))
    _print_tax_settings(current)


def _print_tax_settings(current: object) -> None:
    """One line per setting as the 消費税 screen names it and its value, then what the option takes:
    ``計算方式: 一般課税（--method general）`` / ``Method: General (--method general)``."""
    from ennoshita.ledger import ctax_rules
    from ennoshita.ledger.taxes import PURPOSES

    t = _t()
    lang = cli_language()
    for key, value in current.__dict__.items():
        if key == "method":
            shown = t(f"ctax.method.{value}")
        elif key == "credit_method":
            shown = t(f"ctax.credit.{value}")
        elif key in ("output_calc", "input_calc"):
            shown = t(f"ctax.calc.{value}")
        elif key == "simplified_type":
            shown = t("ctax.type", type=value, rate=int(ctax_rules.DEEMED_RATES[int(value)] * 100))
        elif key == "default_purpose":
            shown = next((ja if lang == "ja" else en for code, ja, en in PURPOSES if code == value), str(value))
        else:
            shown = str(value)
        option = "--" + key.replace("_", "-")
        console.print(f"{t('ctax.setting.' + key)}: {shown}{t('text.paren', text=f'{option} {value}')}",
                      highlight=False, markup=False)


@ledger_app.command("settle-tax")
@with_context
def ledger_settle_tax(cx: CommandContext, fiscal_year: int) -> None:
    """Post the year's 消費税 settlement entry (the year-end close posts it when missing)."""
    from ennoshita.ledger import ctax_settlement

    posted = ctax_settlement.post_settlement(cx.uow(), cx.actor, fiscal_year)
    t = _t()
    console.print(t("ctax.settlement_posted", entry=posted.entry_no) if posted else t("ctax.settlement_none"))


@ledger_app.command("tax-interim")
@with_context
def ledger_tax_interim(cx: CommandContext, fiscal_year: int, fmt: Fmt = "table", output: Out = None) -> None:
    """消費税の中間申告: each period of the year with its amounts, 納期限 and whether it is paid."""
    from ennoshita.ledger import ctax_interim, reports

    schedule = ctax_interim.interim_schedule(cx.uow(), cx.actor, fiscal_year)
    t = _t()
    if fmt == "table" and output is None:
        if schedule.previous_national is None:
            if schedule.has_previous:
                console.print(t("ctax.interim.not_closed", year=fiscal_year - 1))
            return
        if not schedule.periods:
            console.print(t("ctax.interim.none", year=fiscal_year - 1, amount=format_yen(schedule.previous_national)))
            return
        console.print(t("ctax.interim.basis", year=fiscal_year - 1, amount=format_yen(schedule.previous_national),
                        count=schedule.count))
    _emit(reports.interim_table(t, schedule), fmt, output)


@ledger_app.command("tax-filed")
@with_context
def ledger_tax_filed(
    cx: CommandContext, fiscal_year: int,
    national: Annotated[int | None, typer.Option(help="確定消費税額 (国税) as filed, in yen.")] = None,
    clear: Annotated[bool, typer.Option(help="Use the return computed from the books again.")] = False,
) -> None:
    """Record a closed year's 確定消費税額 as filed (修正申告・更正): the next year's 中間申告 follow it."""
    from ennoshita.ledger import ctax_interim

    if national is None and not clear:
        raise Invalid("error.required", field="national")
    schedule = ctax_interim.set_filed_national(cx.uow(), cx.actor, fiscal_year, None if clear else national)
    t = _t()
    console.print(t("ctax.interim.filed_saved"))
    if schedule.periods:
        console.print(t("ctax.interim.basis", year=fiscal_year, amount=format_yen(schedule.previous_national or 0),
                        count=schedule.count))
    else:
        console.print(t("ctax.interim.none", year=fiscal_year, amount=format_yen(schedule.previous_national or 0)))


@ledger_app.command("pay-tax-interim")
@with_context
def ledger_pay_tax_interim(
    cx: CommandContext, fiscal_year: int, number: int,
    paid_date: Annotated[str | None, typer.Option(help="Payment date YYYY-MM-DD (default: the 納期限).")] = None,
    account: Annotated[str, typer.Option(help="Account code paid from.")] = "1140",
    sub_account: Annotated[str | None, typer.Option(help="Sub-account code (the bank account) paid from.")] = None,
) -> None:
    """Record a 消費税 中間納付 (仮払税金 / 普通預金), once per period."""
    from ennoshita.ledger import ctax_interim

    paid = ctax_interim.pay_interim(cx.uow(), cx.actor, fiscal_year, number,
                                    _date(paid_date, "paid_date") if paid_date else None, account, sub_account)
    console.print(_t()("ctax.interim.posted", number=number, entry=paid.entry_no))


@ledger_app.command("reopen-year")
@with_context
def ledger_reopen_year(
    cx: CommandContext,
    fiscal_year: int, reason: Annotated[str, typer.Option(help="Why the closed year is reopened (audited).")],
) -> None:
    """決算締めの解除: reopen the latest closed year (its closing entry is reversed)."""
    from ennoshita.ledger import services

    services.reopen_year(cx.uow(), cx.actor, fiscal_year, reason)
    console.print(_t()("ledger.year_reopened", year=fiscal_year))


def register(app: typer.Typer) -> None:
    app.add_typer(journal_app, name="journal")
    app.add_typer(report_app, name="report")
    app.add_typer(period_app, name="period")
    app.add_typer(ledger_app, name="ledger")
