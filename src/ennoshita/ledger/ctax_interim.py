"""消費税の中間申告・中間納付 (前年実績による予定申告): the schedule of a fiscal year's 中間申告, its payment and what
the year's final return deducts.

Rules (消費税法42条; 国税庁 タックスアンサー No.6609 「中間申告の方法」):

- the number of 中間申告 follows the previous 課税期間's 確定消費税額 (国税 only, the 7.8% part: the 差引税額 of its
  final return, before any 中間納付 is deducted): over ¥48,000,000 11 a year (一月中間申告, 42条①), over
  ¥4,000,000 up to ¥48,000,000 3 (三月中間申告, 42条④), over ¥480,000 up to ¥4,000,000 1 (六月中間申告, 42条⑥),
  ¥480,000 or less none (任意の中間申告, 42条⑧, is not modelled);
- each 中間納付税額 = 確定消費税額 x the period's months / 12 (the previous year is a 12-month year), 100円未満切捨て
  (国税通則法119条①); its 地方消費税 (中間納付譲渡割額, 地方税法72条の87) = that x 22/78, 100円未満切捨て;
- each is filed and paid within two months after its period's end (42条). 法人 paying monthly: the first month's
  is due with the second's (the previous year's return is itself due two months after the year's end: タックス
  アンサー No.6609 図1). A 期限 on a Saturday, Sunday, 祝日 or 12/29-1/3 moves to the next day that is none of them
  (国税通則法10条②, 施行令2条②);
- a 中間申告 not filed is deemed filed with the 前年実績 amount (消費税法44条 みなし中間申告), so the year's final
  return deducts every scheduled amount (申告書 第一表 ⑩ 中間納付税額, ⑳ 中間納付譲渡割額) whether paid or not; the
  unpaid ones are shown as such.

The previous year's 確定消費税額 is its return as :mod:`ennoshita.ledger.consumption_tax` computes it, once that
year is closed (before, nothing is 確定 and no schedule is made).

Paying a period posts Dr 仮払税金 (:data:`CODE_PREPAID_TAX`) / Cr 普通預金 (or the account given), source
:data:`INTERIM_SOURCE` and ``source_ref`` ``"{fiscal_year}-{number}"``; the period is paid while that entry stands,
so a 取消 (reversal) of it makes the period unpaid again. The year's settlement entry clears the 仮払税金 paid in the
year and books only the rest to 未払消費税等 (:func:`paid_in_year`). A period paid after its year's end (the monthly
11th, or a late one) debits 未払消費税等 instead: the settlement books every period unpaid at the end there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from ennoshita import audit
from ennoshita.actor import Actor
from ennoshita.dates import add_months, end_of_month, fiscal_year_bounds, format_date, tax_deadline
from ennoshita.db import UnitOfWork
from ennoshita.errors import Conflict, Invalid
from ennoshita.identity import load_company, require
from ennoshita.ledger import chart
from ennoshita.ledger.models import FiscalYear, JournalEntry, JournalLine
from ennoshita.ledger.posting import post_in
from ennoshita.ledger.rules import EntryDraft, LineDraft, entry_number

MONTHLY_OVER = 48_000_000  # 消費税法42条①: 一月中間申告
QUARTERLY_OVER = 4_000_000  # 42条④: 三月中間申告
HALF_YEAR_OVER = 480_000  # 42条⑥: 六月中間申告
LOCAL_SHARE = Fraction(22, 78)  # 地方税法72条の83・72条の87
INTERIM_SOURCE = "ctax_interim"
CODE_PREPAID_TAX = chart.CODE_PREPAID_TAX  # 仮払税金
CODE_TAX_PAYABLE = "2180"  # 未払消費税等


# ---------------------------------------------------------------- the pure rules


def interim_count(previous_national: int) -> int:
    """How many 中間申告 a year has from the previous year's 確定消費税額 (国税): 11, 3, 1 or 0."""
    if previous_national > MONTHLY_OVER:
        return 11
    if previous_national > QUARTERLY_OVER:
        return 3
    if previous_national > HALF_YEAR_OVER:
        return 1
    return 0


def _floor_100(value: Fraction | int) -> int:
    return int(Fraction(value) // 100) * 100


@dataclass(frozen=True)
class InterimPeriod:
    """One 中間申告対象期間: its number (1..), first and last day, 納期限 and the 前年実績 amounts."""

    number: int
    start: dt.date
    end: dt.date
    due: dt.date
    national: int  # 中間納付税額 (国税)
    local: int  # 中間納付譲渡割額 (地方消費税)

    @property
    def total(self) -> int:
        return self.national + self.local


def interim_periods(previous_national: int, year_start: dt.date, corporation: bool = True) -> tuple[InterimPeriod, ...]:
    """The 中間申告 of the 課税期間 starting ``year_start`` (12 months) from the previous year's 確定消費税額."""
    count = interim_count(previous_national)
    if not count:
        return ()
    months = 12 // (count + 1)  # 11 -> 1, 3 -> 3, 1 -> 6
    national = _floor_100(Fraction(previous_national * months, 12))
    local = _floor_100(national * LOCAL_SHARE)
    out: list[InterimPeriod] = []
    for n in range(1, count + 1):
        y, m = add_months(year_start.year, year_start.month, months * (n - 1))
        start = dt.date(y, m, 1)
        ey, em = add_months(y, m, months - 1)
        end = end_of_month(ey, em)
        if count == 11 and corporation and n == 1:  # 法人: the first month's is due with the second's
            ey, em = add_months(ey, em, 1)
        dy, dm = add_months(ey, em, 2)
        due = tax_deadline(end_of_month(dy, dm))
        out.append(InterimPeriod(n, start, end, due, national, local))
    return tuple(out)


# ---------------------------------------------------------------- from the books


@dataclass(frozen=True)
class InterimView:
    """A period of the schedule and whether it was paid (the date and the entry), for the screens."""

    number: int
    start: dt.date
    end: dt.date
    due: dt.date
    national: int
    local: int
    total: int
    paid_date: dt.date | None
    journal_entry_id: int | None
    entry_no: str | None

    @property
    def paid(self) -> bool:
        return self.paid_date is not None


@dataclass(frozen=True)
class InterimSchedule:
    fiscal_year: int
    previous_national: int | None  # the previous year's 確定消費税額 (国税); None: that year is not closed
    count: int
    periods: tuple[InterimView, ...]
    computed_national: int | None = None  # the previous year's return from the books, when a filed figure is used
    has_previous: bool = True  # False: the books have no previous year at all (a company's first year here)

    @property
    def national(self) -> int:
        return sum(p.national for p in self.periods)

    @property
    def local(self) -> int:
        return sum(p.local for p in self.periods)

    @property
    def unpaid(self) -> tuple[int, ...]:
        return tuple(p.number for p in self.periods if not p.paid)


def previous_national(session: Session, fiscal_year: int) -> int | None:
    """The 確定消費税額 (国税: 差引税額, a refund counts as 0) of the year before ``fiscal_year``: the figure filed when
    one is recorded (:func:`set_filed_national`), else its return from the books; None unless that year is closed
    (its return is 確定)."""
    from ennoshita.ledger.consumption_tax import base_return

    fy = session.get(FiscalYear, fiscal_year - 1)
    if fy is None or not fy.closed:
        return None
    if fy.filed_national_tax is not None:
        return max(int(fy.filed_national_tax), 0)
    return max(base_return(session, fiscal_year - 1).national_due, 0)


def set_filed_national(uow: UnitOfWork, actor: Actor, fiscal_year: int, amount: int | None) -> InterimSchedule:
    """Record the 確定消費税額 (国税) ``fiscal_year`` was filed (or corrected: 修正申告・更正) with, when it
    differs from the books' return; None goes back to the return. The next year's 中間申告 follow it; refused
    once one of them is paid (取消 it first) or that year is closed. Audited; returns the next year's schedule."""
    require(actor, "ledger.edit")
    if amount is not None and amount < 0:
        raise Invalid("ledger.error.ctax_filed_negative", field="national", value=amount)
    with uow:
        s = uow.session
        fy = s.get(FiscalYear, fiscal_year)
        if fy is None or not fy.closed:
            raise Conflict("ledger.error.year_not_closed", field="fiscal_year", year=fiscal_year)
        following = s.get(FiscalYear, fiscal_year + 1)
        if following is not None and following.closed:  # its return deducted the 中間申告 already
            raise Conflict("ledger.error.ctax_filed_next_closed", field="fiscal_year", year=fiscal_year + 1)
        if any(p.paid for p in schedule_in(s, fiscal_year + 1).periods):
            raise Conflict("ledger.error.ctax_interim_paid_already", field="national", year=fiscal_year + 1)
        before = fy.filed_national_tax
        fy.filed_national_tax = amount
        audit.record(s, actor, "fiscal_year", fiscal_year, "tax_filed", {"filed_national_tax": before},
                     {"filed_national_tax": amount})
        s.flush()
        result = schedule_in(s, fiscal_year + 1)
        uow.commit()
    return result


def _ref(fiscal_year: int, number: int) -> str:
    return f"{fiscal_year}-{number:02d}"


def _payments(session: Session, fiscal_year: int) -> dict[str, tuple[int, dt.date, int, int]]:
    """The standing (not reversed) payment entries of the year's periods: ref -> (entry id, date, fy, number)."""
    reversal = aliased(JournalEntry)
    rows = session.execute(
        select(JournalEntry.source_ref, JournalEntry.id, JournalEntry.entry_date, JournalEntry.fiscal_year,
               JournalEntry.number)
        .where(JournalEntry.source == INTERIM_SOURCE, JournalEntry.status == "posted",
               JournalEntry.source_ref.like(f"{fiscal_year}-%"),
               ~select(reversal.id).where(reversal.reverses_id == JournalEntry.id).exists())).all()
    return {str(ref): (int(i), d, int(fy), int(no or 0)) for ref, i, d, fy, no in rows}


def schedule_in(session: Session, fiscal_year: int) -> InterimSchedule:
    company = load_company(_Bound(session))
    start, _end = fiscal_year_bounds(fiscal_year, company.fiscal_year_start_month)
    previous = previous_national(session, fiscal_year)
    before = session.get(FiscalYear, fiscal_year - 1)
    computed = None
    if previous is not None and before is not None and before.filed_national_tax is not None:
        from ennoshita.ledger.consumption_tax import base_return

        computed = max(base_return(session, fiscal_year - 1).national_due, 0)
    periods = interim_periods(previous or 0, start)
    paid = _payments(session, fiscal_year)
    views = []
    for p in periods:
        done = paid.get(_ref(fiscal_year, p.number))
        views.append(InterimView(p.number, p.start, p.end, p.due, p.national, p.local, p.total,
                                 done[1] if done else None, done[0] if done else None,
                                 entry_number(done[2], done[3]) if done else None))
    return InterimSchedule(fiscal_year, previous, len(periods), tuple(views), computed, before is not None)


def paid_in_year(session: Session, fiscal_year: int) -> int:
    """What the standing 中間納付 entries of ``fiscal_year``'s periods debited to 仮払税金 up to the year's end (the
    settlement clears it)."""
    company = load_company(_Bound(session))
    _start, end = fiscal_year_bounds(fiscal_year, company.fiscal_year_start_month)
    ids = [v[0] for v in _payments(session, fiscal_year).values() if v[1] <= end]
    if not ids:
        return 0
    from ennoshita.ledger.models import Account

    return int(session.scalar(
        select(func.coalesce(func.sum(JournalLine.debit - JournalLine.credit), 0))
        .join(Account, Account.id == JournalLine.account_id)
        .where(JournalLine.entry_id.in_(ids), Account.code == CODE_PREPAID_TAX)) or 0)


def interim_schedule(uow: UnitOfWork, actor: Actor, fiscal_year: int) -> InterimSchedule:
    """The fiscal year's 中間申告: periods, amounts, 納期限 and 納付済 / 未納付."""
    require(actor, "ledger.view")
    with uow:
        return schedule_in(uow.session, fiscal_year)


def pay_interim(uow: UnitOfWork, actor: Actor, fiscal_year: int, number: int, paid_date: dt.date | None = None,
                account: str = chart.CODE_ORDINARY_DEPOSIT, sub_account: str | None = None) -> InterimView:
    """納付: the period ``number`` of ``fiscal_year``'s 中間申告 paid on ``paid_date`` (its 納期限 unless given) from
    ``account`` (普通預金 unless given): Dr 仮払税金 (国税, 地方消費税) / Cr the bank, one entry, audited. Refused for a
    period not in the schedule and for one already paid (a 取消 of its entry makes it unpaid again)."""
    require(actor, "ledger.edit")
    with uow:
        s = uow.session
        # two payments of one period at once: the second waits here (PostgreSQL; SQLite writers are serialised by
        # BEGIN IMMEDIATE), then finds the first
        s.execute(select(FiscalYear.year).where(FiscalYear.year == fiscal_year - 1).with_for_update())
        schedule = schedule_in(s, fiscal_year)
        period = next((p for p in schedule.periods if p.number == number), None)
        if period is None:
            raise Invalid("ledger.error.ctax_interim_no_period", field="number", year=fiscal_year, number=number,
                          count=schedule.count)
        if period.paid_date is not None:
            raise Conflict("ledger.error.ctax_interim_paid", field="number", year=fiscal_year, number=number,
                           start=period.start, end=period.end,
                           date=period.paid_date, entry=period.entry_no or "")
        day = paid_date or period.due
        if day <= period.end:
            raise Invalid("ledger.error.ctax_interim_before_end", field="paid_date", number=number,
                          end=period.end)
        company = load_company(uow)
        _start, year_end = fiscal_year_bounds(fiscal_year, company.fiscal_year_start_month)
        # paid after the year's end: the settlement books it (unpaid at the end) in 未払消費税等, which this clears
        debit = CODE_TAX_PAYABLE if day > year_end else CODE_PREPAID_TAX
        # the books are kept in Japanese: dates as the journal writes them
        label = (f"{fiscal_year}年度 消費税 中間申告 第{number}期"
                 f"（{format_date(period.start, 'ja')}〜{format_date(period.end, 'ja')}）")
        memo = f"{label} 納期限 {format_date(period.due, 'ja')}"
        lines = (LineDraft(debit, period.national, 0, memo=f"中間納付税額（国税）第{number}期"),
                 LineDraft(debit, period.local, 0, memo=f"中間納付譲渡割額（地方消費税）第{number}期"),
                 LineDraft(account, 0, period.total, sub_account=sub_account, memo=memo))
        posted = post_in(s, actor, EntryDraft(day, f"消費税及び地方消費税 中間納付 {label}", "税務署",
                                              tuple(ln for ln in lines if ln.debit or ln.credit)),
                         source=INTERIM_SOURCE, source_ref=_ref(fiscal_year, number), split_tax=False)
        audit.record(s, actor, "consumption_tax_interim", _ref(fiscal_year, number), "pay", after={
            "fiscal_year": fiscal_year, "number": number, "paid_date": day.isoformat(), "national": period.national,
            "local": period.local, "account": account, "journal_entry": posted.entry_no})
        result = InterimView(period.number, period.start, period.end, period.due, period.national, period.local,
                             period.total, day, posted.id, posted.entry_no)
        uow.commit()
    return result


class _Bound(UnitOfWork):
    def __init__(self, s: Session) -> None:
        self._session = s
