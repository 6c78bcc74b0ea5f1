"""給与 納付: what the fixed pay runs withheld (預り金) and owe as employer (未払費用), paid over per period and kind
(納付済: 預り金・未払費用 / 普通預金), each sum taken by the database:

* per pay month: 源泉所得税 and 住民税 (the 10th of the next month) and 社会保険料, 健康保険・介護・
  子ども・子育て支援金・厚生年金 with the employer's 子ども・子育て拠出金, to the 年金事務所 (the end of the next
  month; 健康保険法 164条, 厚生年金保険法 83条);
* per 労働保険年度 (the runs with pay dates from April to March): the 労働保険料 (雇用保険分), the employee's 雇用保険料
  withheld and the employer's accrued, paid at the 年度更新 by 10 July of the next year (労働保険徴収法 15条, 19条).
  The 概算保険料 paid in advance, its 延納 and 労災保険 (employer-only; not computed here) are not modelled.

A 納期限 on a bank holiday moves to the next business day. A 納付 whose entry was reversed in the books (取消) is
unpaid again and may be paid again; its record then follows the new entry (the audit trail keeps both).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from ennoshita import audit, ledger
from ennoshita.actor import Actor
from ennoshita.dates import (
    HolidayShift,
    add_months,
    check_year,
    end_of_month,
    format_date,
    now_utc,
    shift_to_business_day,
)
from ennoshita.db import UnitOfWork
from ennoshita.errors import Conflict, Invalid
from ennoshita.identity.roles import require
from ennoshita.ledger import EntryDraft, LineDraft, chart
from ennoshita.payroll.models import PayrollRemittance, PayRun, Payslip

CODE_ACCRUED_EXPENSES = "2160"
SOCIAL_INSURANCE_NAME = "社会保険料 (健康保険・厚生年金)"
EMPLOYMENT_INSURANCE_NAME = "雇用保険料"
# per payslip: what it withheld (預り金) and owes as employer (未払費用), as _post books them and the 納付 clears them
SOCIAL_WITHHELD = Payslip.health + Payslip.support + Payslip.pension  # 健康保険 (with 介護) + 支援金 + 厚生年金
SOCIAL_EMPLOYER = Payslip.employer_health + Payslip.employer_pension + Payslip.employer_child
TAX_WITHHELD = Payslip.deduction_total - Payslip.social_total - Payslip.resident_tax - Payslip.other_deductions

MONTHLY_KINDS = ("income_tax", "resident_tax", "social_insurance")
LABOUR_INSURANCE = "labour_insurance"
REMITTANCE_KINDS = (*MONTHLY_KINDS, LABOUR_INSURANCE)


@dataclass(frozen=True)
class RemittanceView:
    """What the fixed runs withheld (``withheld``, in 預り金) and owe as employer (``employer``, in 未払費用) of one
    kind, for one period, its 納期限 and whether it was paid (納付済). ``month`` is the period: the pay month
    ("2026-11") of 源泉所得税, 住民税 and 社会保険料, the 労働保険年度 ("2026": pay dates 2026-04-01..2027-03-31)
    of the 労働保険料 (雇用保険分)."""

    month: str
    kind: str
    due: dt.date
    withheld: int
    employer: int
    total: int
    paid_date: dt.date | None
    journal_entry_id: int | None


def remittance_period(month: str, kind: str) -> str:
    """The period a 納付 pays, as the journal's description writes it (the books are kept in Japanese):
    ``2026年4月分`` for a month's withholding and premiums (``month`` "2026-04"), ``2026年度`` for the year of
    労働保険 (``month`` "2026")."""
    if kind == LABOUR_INSURANCE:
        return f"{int(month)}年度"
    year, number = month.split("-")
    return f"{int(year)}年{int(number)}月分"


def remittance_due(month: str, kind: str) -> dt.date:
    """源泉所得税 and 住民税: the 10th of the next month (所得税法 183条, 地方税法 321条の5); 社会保険料: the end of the
    next month (健康保険法 164条, 厚生年金保険法 83条); 労働保険料 of 労働保険年度 ``month`` ("2026"): 10 July of the
    next year, the end of the 年度更新 (労働保険徴収法 19条); a holiday moves it to the next business day."""
    if kind == LABOUR_INSURANCE:
        return shift_to_business_day(dt.date(int(month[:4]) + 1, 7, 10), HolidayShift.NEXT)
    y, m = add_months(int(month[:4]), int(month[5:7]), 1)
    day = end_of_month(y, m) if kind == "social_insurance" else dt.date(y, m, 10)
    return shift_to_business_day(day, HolidayShift.NEXT)


def _counted_runs() -> Any:
    """The fixed runs whose withholdings are owed: a corrected run counts through its correction."""
    corrected = select(PayRun.corrects_id).where(PayRun.status == "fixed", PayRun.corrects_id.is_not(None))
    return (PayRun.status == "fixed") & PayRun.id.not_in(corrected)


def _pay_month() -> Any:
    """The pay month of a run as the integer yyyymm, in SQL."""
    return func.extract("year", PayRun.pay_date) * 100 + func.extract("month", PayRun.pay_date)


def _monthly_figures(s: Session, first: dt.date, last: dt.date) -> dict[str, dict[str, tuple[int, int]]]:
    """Per pay month ("2026-11") from ``first`` to ``last`` and per monthly kind, (withheld, employer), summed by the
    database as :func:`_post` booked them. 雇用保険 is not here: it is the 労働保険料's (:func:`_labour_figures`)."""
    ym = _pay_month()
    rows = s.execute(select(ym, func.sum(TAX_WITHHELD), func.sum(Payslip.resident_tax), func.sum(SOCIAL_WITHHELD),
                            func.sum(SOCIAL_EMPLOYER))
                     .join(PayRun, PayRun.id == Payslip.run_id)
                     .where(_counted_runs(), PayRun.pay_date >= first, PayRun.pay_date <= last).group_by(ym)).all()
    out: dict[str, dict[str, tuple[int, int]]] = {}
    for key, tax, res, ins, employer in rows:
        month = f"{int(key) // 100:04d}-{int(key) % 100:02d}"
        out[month] = {"income_tax": (max(int(tax or 0), 0), 0), "resident_tax": (int(res or 0), 0),
                      "social_insurance": (int(ins or 0), int(employer or 0))}
    return out


def _labour_year_range(year: int) -> tuple[dt.date, dt.date]:
    """The 労働保険年度 ``year``: 1 April to 31 March (徴収法 2条4項)."""
    return dt.date(year, 4, 1), dt.date(year + 1, 3, 31)


def _labour_figures(s: Session, first_year: int, last_year: int) -> dict[str, tuple[int, int]]:
    """Per 労働保険年度 ("2026") from ``first_year`` to ``last_year``, the 雇用保険料 the runs paid in it withheld and
    accrued as employer, summed by the database. A pay month whose 社会保険料 was paid before migration 0036 (with
    雇用保険 in it, ``includes_employment``) is left out: that 納付 cleared it already."""
    settled = [int(m[:4]) * 100 + int(m[5:7]) for m in s.scalars(select(PayrollRemittance.month).where(
        PayrollRemittance.kind == "social_insurance", PayrollRemittance.includes_employment.is_(True)))]
    ym = _pay_month()
    fiscal = case((func.extract("month", PayRun.pay_date) >= 4, func.extract("year", PayRun.pay_date)),
                  else_=func.extract("year", PayRun.pay_date) - 1)
    first, _ = _labour_year_range(first_year)
    _, last = _labour_year_range(last_year)
    query = (select(fiscal, func.sum(Payslip.employment), func.sum(Payslip.employer_employment))
             .join(PayRun, PayRun.id == Payslip.run_id)
             .where(_counted_runs(), PayRun.pay_date >= first, PayRun.pay_date <= last).group_by(fiscal))
    if settled:
        query = query.where(ym.not_in(settled))
    return {f"{int(y):04d}": (int(w or 0), int(e or 0)) for y, w, e in s.execute(query)}


def remittances(uow: UnitOfWork, actor: Actor, year: int) -> list[RemittanceView]:
    """Every pay month of ``year`` with fixed runs: per kind what is due and when, and whether it was paid; then the
    労働保険料 (雇用保険分) of each 労働保険年度 with pay in ``year`` (the one that ended in March, paid in July, and
    the one under way)."""
    check_year(year)
    require(actor, "payroll.view")
    with uow:
        s = uow.session
        figures = _monthly_figures(s, dt.date(year, 1, 1), dt.date(year, 12, 31))
        labour = _labour_figures(s, year - 1, year)
        periods = [*figures, f"{year - 1:04d}", f"{year:04d}"]
        paid = {(r.month, r.kind): r for r in s.scalars(select(PayrollRemittance).where(
            PayrollRemittance.month.in_(periods)))}
        taken_back = ledger.reversed_among(s, [r.journal_entry_id for r in paid.values()])
        paid = {key: r for key, r in paid.items() if r.journal_entry_id not in taken_back}
        due_rows = [(month, kind, figures[month][kind]) for month in sorted(figures) for kind in MONTHLY_KINDS]
        due_rows += [(fy, LABOUR_INSURANCE, labour.get(fy, (0, 0))) for fy in periods[-2:]]
        out: list[RemittanceView] = []
        for month, kind, (withheld, employer) in due_rows:
            done = paid.get((month, kind))
            if done is not None:
                withheld, employer = done.withheld, done.employer
            if withheld or employer:
                out.append(RemittanceView(month, kind, remittance_due(month, kind), withheld, employer,
                                          withheld + employer, done.paid_date if done else None,
                                          done.journal_entry_id if done else None))
    return out


REMITTANCE_MEMO = {"income_tax": ("源泉所得税", "税務署"), "resident_tax": ("住民税 特別徴収", "市区町村"),
                   "social_insurance": (SOCIAL_INSURANCE_NAME, "年金事務所"),
                   LABOUR_INSURANCE: ("労働保険料 (雇用保険分)", "労働局")}


def _period(month: str, kind: str) -> tuple[dt.date, dt.date]:
    """The first and last pay dates of the period ``month`` of ``kind`` (a pay month, or a 労働保険年度 "2026"),
    refused when it is not one."""
    try:
        if kind == LABOUR_INSURANCE:
            if len(month) != 4 or not month.isdigit():
                raise ValueError
            check_year(int(month), "month")
            return _labour_year_range(int(month))
        if len(month) != 7 or month[4] != "-":
            raise ValueError
        first = dt.date(int(month[:4]), int(month[5:7]), 1)
    except ValueError:
        key = "payroll.error.labour_year_format" if kind == LABOUR_INSURANCE else "ledger.error.month_format"
        raise Invalid(key, field="month", value=month) from None
    check_year(first.year, "month")
    return first, end_of_month(first.year, first.month)


def pay_remittance(uow: UnitOfWork, actor: Actor, month: str, kind: str,
                   paid_date: dt.date | None = None) -> RemittanceView:
    """納付済: what the fixed runs paid in the period ``month`` withheld of ``kind`` (and, for 社会保険料 and the
    労働保険料, the employer's share) was paid over on ``paid_date`` (the 納期限 unless given); posts 預り金 (and
    未払費用) / 普通預金. ``month`` is the pay month ("2026-11"), or the 労働保険年度 ("2026") of the 労働保険料
    (雇用保険分), which can be paid only once that year is over. Refused twice and when nothing is due."""
    require(actor, "payroll.approve")
    if kind not in REMITTANCE_KINDS:
        raise Invalid("payroll.error.remittance_kind", field="kind")
    first, last = _period(month, kind)
    due = remittance_due(month, kind)
    with uow:
        s = uow.session
        done = s.scalar(select(PayrollRemittance).where(PayrollRemittance.month == month,
                                                        PayrollRemittance.kind == kind))
        if done is not None and not ledger.reversed_among(s, [done.journal_entry_id]):
            raise Conflict("payroll.error.already_remitted", field="month", month=month,
                           date=done.paid_date)
        if kind == LABOUR_INSURANCE:
            withheld, employer = _labour_figures(s, first.year, first.year).get(month, (0, 0))
        else:
            withheld, employer = _monthly_figures(s, first, last).get(month, {}).get(kind, (0, 0))
        if not withheld and not employer:
            raise Conflict("payroll.error.nothing_to_remit", field="month", month=month)
        day = paid_date or due
        if kind == LABOUR_INSURANCE and day <= last:
            raise Invalid("payroll.error.labour_year_open", field="paid_date", year=month,
                          date=(last + dt.timedelta(days=1)))
        if day < first:
            raise Invalid("payroll.error.remitted_before_month", field="paid_date", month=month)
        name, payee = REMITTANCE_MEMO[kind]
        memo = f"{name} 納付 {remittance_period(month, kind)}（納期限 {format_date(due, 'ja')}）"
        lines = [LineDraft(chart.CODE_WITHHOLDING, withheld, 0, memo=memo)] if withheld else []
        if employer:
            lines.append(LineDraft(CODE_ACCRUED_EXPENSES, employer, 0, memo=f"{memo} 事業主負担"))
        lines.append(LineDraft(chart.CODE_ORDINARY_DEPOSIT, 0, withheld + employer, memo=memo))
        posted = ledger.post_in(s, actor, EntryDraft(day, memo, payee, tuple(lines)), source="payroll",
                                source_ref=f"{kind}-{month}", split_tax=False)
        before = None
        if done is None:
            row = PayrollRemittance(month=month, kind=kind, due_date=due, paid_date=day, withheld=withheld,
                                    employer=employer, journal_entry_id=posted.id, created_by=actor.user_id,
                                    created_at=now_utc(), includes_employment=False)
            s.add(row)
        else:  # paid again after the earlier 納付's entry was reversed (取消): the record follows the new entry
            row = done
            before = {"paid_date": done.paid_date.isoformat(), "withheld": done.withheld, "employer": done.employer,
                      "journal_entry_id": done.journal_entry_id}
            row.due_date, row.paid_date, row.withheld, row.employer = due, day, withheld, employer
            row.journal_entry_id, row.includes_employment = posted.id, False
        s.flush()
        audit.record(s, actor, "payroll_remittance", row.id, "pay", before=before, after={
            "month": month, "kind": kind, "paid_date": day.isoformat(), "withheld": withheld, "employer": employer,
            "journal_entry": posted.entry_no})
        result = RemittanceView(month, kind, due, withheld, employer, withheld + employer, day, posted.id)
        uow.commit()
    return result
