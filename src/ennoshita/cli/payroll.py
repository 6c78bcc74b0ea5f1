"""CLI for payroll (給与): the pure calculators (``withholding``, ``social-insurance``) need no database."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer

from ennoshita.cli.common import (
    CommandContext,
    cli_language,
    console,
    domain_errors,
    label,
    say,
    with_context,
)
from ennoshita.money import format_yen
from ennoshita.payroll import remittances as payroll_remittances
from ennoshita.payroll import services, social, tables, withholding

payroll_app = typer.Typer(help="給与 (payroll): withholding tax, social insurance, pay runs.", no_args_is_help=True)

_TEXT = "cli.payroll"  # its lines: i18n/{ja,en}/cli.po, keys cli.payroll.*


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter("YYYY-MM-DD") from exc


@payroll_app.command("withholding")
def withholding_cmd(
    date: Annotated[str, typer.Option("--date", help="Pay date, YYYY-MM-DD (selects the year's tables).")],
    pay: Annotated[int, typer.Option("--pay", help="The month's pay after social insurance (yen).")],
    dependents: Annotated[int, typer.Option("--dependents", help="扶養親族等の数.")] = 0,
    otsu: Annotated[bool, typer.Option("--otsu", help="乙欄 (no 扶養控除等申告書 filed).")] = False,
    table: Annotated[bool, typer.Option("--table", help="Use the 月額表 instead of the 電算機計算の特例.")] = False,
) -> None:
    """Monthly 源泉所得税 (甲欄 by the 電算機計算の特例 unless --table; --otsu for 乙欄)."""
    day = _date(date)
    method = withholding.Method.TABLE if table else withholding.Method.COMPUTER
    with domain_errors():
        tax = withholding.monthly_tax(withholding.WithholdingInput(day, pay, dependents, otsu, method))
    column = say(_TEXT, "otsu") if otsu else say(_TEXT, "kou", n=dependents)
    name = say(_TEXT, "table") if (table or otsu) else say(_TEXT, "computer")
    console.print(say(_TEXT, "withholding", method=name, column=column, tax=format_yen(tax)))


@payroll_app.command("social-insurance")
def social_insurance_cmd(
    date: Annotated[str, typer.Option("--date", help="A day in the premium month (月分), YYYY-MM-DD.")],
    prefecture: Annotated[int, typer.Option("--prefecture", help="Prefecture code 1-47 (13 = 東京都).")],
    pay: Annotated[int, typer.Option("--pay", help="報酬月額 (yen).")],
    age: Annotated[int, typer.Option("--age", help="Age in that month (40-64: 介護保険).")],
    business_type: Annotated[str, typer.Option("--business-type", help="雇用保険: general, agriculture, "
                                               "construction.")] = "general",
) -> None:
    """標準報酬月額 grade and each employee share (協会けんぽ, 厚生年金, 雇用保険 on the same pay)."""
    day = _date(date)
    care = social.care_applies_at_age(age)
    with domain_errors():
        name = tables.prefecture_name(prefecture)
        h = social.health_grade(day, pay)
        p = social.pension_grade(day, pay)
        prem = social.monthly_premiums(day, prefecture, pay, care=care)
        emp = social.employment_premium(day, pay, business_type)
    console.print(say(_TEXT, "grade", prefecture=name, month=day.strftime("%Y-%m"), pay=format_yen(pay)))
    console.print(say(_TEXT, "health_grade", grade=h.grade, amount=format_yen(h.amount)))
    console.print(say(_TEXT, "pension_grade", grade=p.grade, amount=format_yen(p.amount)))
    care_note = say(_TEXT, "with_care") if care else ""
    console.print(say(_TEXT, "health", care=care_note, amount=format_yen(prem.health)))
    console.print(say(_TEXT, "support", amount=format_yen(prem.support)))
    console.print(say(_TEXT, "pension", amount=format_yen(prem.pension)))
    console.print(say(_TEXT, "employment", type=say(_TEXT, business_type), amount=format_yen(emp.employee)))
    console.print(say(_TEXT, "total", amount=format_yen(prem.employee_total + emp.employee)))
    console.print(say(_TEXT, "employer", amount=format_yen(prem.employer_total + emp.employer)))


def register(app: typer.Typer) -> None:
    app.add_typer(payroll_app, name="payroll")


# --- runs (database) ---------------------------------------------------------------------------------------

_RUN_TEXT = "cli.payroll.run"  # its lines: i18n/{ja,en}/cli.po, keys cli.payroll.run.*


def _print_run(v: services.RunView) -> None:
    console.print(say(_RUN_TEXT, "run", number=v.number, title=v.name(cli_language()),
                      pay_date=v.pay_date.isoformat(),
                      status=label("payroll_ui.status.", v.status), count=v.employee_count,
                      gross=format_yen(v.gross_total),
                      net=format_yen(v.net_total)))


run_app = typer.Typer(help="Pay runs: create, compute, check, approve, list, zengin.", no_args_is_help=True)
payroll_app.add_typer(run_app, name="run")


@run_app.command("create")
@with_context
def run_create(
    cx: CommandContext,
    month: Annotated[str, typer.Option("--month", help="Period month YYYY-MM (monthly) or pay month (bonus).")],
    bonus: Annotated[list[str] | None, typer.Option("--bonus", help="EMPLOYEE_ID=AMOUNT (a bonus run).")] = None,
    pay_date: Annotated[str | None, typer.Option("--pay-date", help="YYYY-MM-DD (bonus; else by the rule).")] = None,
    corrects: Annotated[int | None, typer.Option("--corrects", help="Id of the fixed run this corrects.")] = None,
    year_end: Annotated[bool, typer.Option("--year-end", help="Settle the 年末調整 (December pay).")] = False,
) -> None:
    """Create a draft run."""
    try:
        year, mon = (int(x) for x in month.split("-"))
        amounts = {int(k): int(v) for k, v in (b.split("=") for b in bonus or [])}
    except ValueError as exc:
        raise typer.BadParameter("--month YYYY-MM, --bonus ID=AMOUNT") from exc
    view = services.create_run(cx.uow(), cx.actor, kind="bonus" if amounts else "monthly", year=year, month=mon,
                               pay_date=_date(pay_date) if pay_date else None, bonus_amounts=amounts or None,
                               corrects_id=corrects, year_end=year_end)
    _print_run(view)


def _step(name: str, fn: Any) -> None:
    @run_app.command(name)
    @with_context
    def command(cx: CommandContext, run_id: Annotated[int, typer.Argument(help="Run id.")]) -> None:
        view = fn(cx.uow(), cx.actor, run_id)
        _print_run(view)

    command.__doc__ = {"compute": "Compute every employee's slip (lists every problem, writes nothing then).",
                       "check": "人事 checked the run: it goes to approval.",
                       "approve": "Approve and fix the run (not its preparer), posting it to the ledger."}[name]


for _name, _fn in (("compute", services.compute_run), ("check", services.check_run),
                   ("approve", services.approve_run)):
    _step(_name, _fn)


@run_app.command("list")
@with_context
def run_list(cx: CommandContext) -> None:
    """The latest runs."""
    rows, _total = services.list_runs(cx.uow(), cx.actor)
    if not rows:
        console.print(say(_RUN_TEXT, "none"))
    for v in rows:
        _print_run(v)


@run_app.command("zengin")
@with_context
def run_zengin(cx: CommandContext, run_id: Annotated[int, typer.Argument(help="Run id.")],
               output: Annotated[Path, typer.Option("--output", "-o", help="File to write.")]) -> None:
    """Write the 全銀 給与振込 file of a fixed run."""
    content = services.export_zengin(cx.uow(), cx.actor, run_id)
    output.write_bytes(content)
    console.print(say(_RUN_TEXT, "written", path=str(output), bytes=len(content)))


@run_app.command("paid")
@with_context
def run_paid(cx: CommandContext, run_id: Annotated[int, typer.Argument(help="Run id.")],
             paid_date: Annotated[str | None, typer.Option("--date", help="YYYY-MM-DD (default: the pay date).")]
             = None) -> None:
    """支払済: the fixed run's net pay left the bank; posts 未払金 / 普通預金 (a correction: the difference)."""
    view = services.mark_run_paid(cx.uow(), cx.actor, run_id, _date(paid_date) if paid_date else None)
    _print_run(view)
    console.print(say(_RUN_TEXT, "paid", date=str(view.paid_date), amount=format_yen(view.paid_amount or 0)))


_REMIT_TEXT = "cli.payroll.remit"  # its lines: i18n/{ja,en}/cli.po, keys cli.payroll.remit.*


def _print_remittance(r: payroll_remittances.RemittanceView) -> None:
    paid = say(_REMIT_TEXT, "paid", date=r.paid_date.isoformat()) if r.paid_date else say(_REMIT_TEXT, "open")
    period = say(_REMIT_TEXT, "year", year=r.month) if r.kind == payroll_remittances.LABOUR_INSURANCE else r.month
    console.print(say(_REMIT_TEXT, "row", month=period, kind=say(_REMIT_TEXT, r.kind),
                      withheld=format_yen(r.withheld), employer=format_yen(r.employer), total=format_yen(r.total),
                      due=r.due.isoformat(), paid=paid))


@payroll_app.command("remittances")
@with_context
def remittance_list(cx: CommandContext,
                    year: Annotated[int, typer.Option("--year", help="Calendar year of the pay dates.")]) -> None:
    """納付一覧: per pay month and kind what was withheld (and the employer's share), the 納期限, paid or not; the
    労働保険料 (雇用保険分) per 労働保険年度 (April-March), due at the 年度更新 (10 July of the next year)."""
    rows = payroll_remittances.remittances(cx.uow(), cx.actor, year)
    if not rows:
        console.print(say(_REMIT_TEXT, "none"))
    for r in rows:
        _print_remittance(r)


@payroll_app.command("remit")
@with_context
def remit(cx: CommandContext,
          month: Annotated[str, typer.Option("--month", help="Pay month YYYY-MM; for labour_insurance the 労働保険年度 "
                                                              "YYYY (April YYYY to March YYYY+1).")],
          kind: Annotated[str, typer.Option("--kind", help="income_tax, resident_tax, social_insurance or "
                                                          "labour_insurance (雇用保険料, yearly).")],
          paid_date: Annotated[str | None, typer.Option("--date", help="YYYY-MM-DD (default: the 納期限).")]
          = None) -> None:
    """納付済: posts 預り金 (and 未払費用 for the employer's 社会保険料 or 雇用保険料) / 普通預金."""
    _print_remittance(payroll_remittances.pay_remittance(cx.uow(), cx.actor, month, kind,
                                              _date(paid_date) if paid_date else None))


# --- 月額変更届 (database) -----------------------------------------------------------------------------

_ZUIJI_TEXT = "cli.payroll.zuiji"  # its lines: i18n/{ja,en}/cli.po, keys cli.payroll.zuiji.*


@payroll_app.command("zuiji")
@with_context
def zuiji_cmd(cx: CommandContext,
              year: Annotated[int, typer.Option("--year", help="Year of the fixed-wage changes (適用開始).")],
              candidates_only: Annotated[bool, typer.Option("--candidates", help="Only the candidates.")]
              = False) -> None:
    """月額変更届 対象者一覧: each fixed-wage change of the year, its three pay months and the judgement."""
    from ennoshita.payroll import wages

    rows = wages.zuiji_list(cx.uow(), cx.actor, year)
    rows = [r for r in rows if r.status == "candidate"] if candidates_only else rows
    if not rows:
        console.print(say(_ZUIJI_TEXT, "none"))
    for r in rows:
        console.print(say(_ZUIJI_TEXT, "row", number=r.employee_number, name=r.name, start=r.effective_from.isoformat(),
                          before=format_yen(r.before), after=format_yen(r.after),
                          months=" / ".join(f"{m} {format_yen(p)} ({d})" for m, p, d in r.months),
                          average=format_yen(r.average) if r.average is not None else "-", current=r.current_grade,
                          new=r.new_grade or "-", applies=r.applies_from.isoformat() if r.applies_from else "-",
                          status=say(_ZUIJI_TEXT, r.status)))
