"""人事 rules as pure functions: 年次有給休暇 (grant tables, 基準日, 8割出勤, expiry, use order, 年5日取得義務),
working-time classification (法定時間外 per day and week, 法定休日労働, 深夜, 60h超), and the 36協定 limits.

Sources (see /work/shared/reference/hr-assets-contracts-facts.md):
* 労働基準法39条 and the MHLW table (mhlw.go.jp/mobile/m/job/0112.html): 0.5y → 10 days … 6.5y → 20 days;
  比例付与 (労基則24条の3) for ≤ 4 days a week and < 30 hours; 2-year expiry (労基法115条).
* 労基法32条 (8h/day, 40h/week), 35条 (法定休日), 37条 (premiums; 60h超 50%), 36条 (上限規制:
  45h/360h, 42h/320h under 1年単位変形; 特別条項 720h/year, < 100h/month, 2-6 month averages ≤ 80h,
  45h exceeded in at most 6 months).
* 労働安全衛生法66条の8 (医師による面接指導), 66条の8の3 (労働時間の状況の把握, 管理監督者 included) and
  安衛則52条の2 (the 80h figure, the notice of the hours): see :func:`interview_indicated`.
* The week runs Sunday to Saturday unless the 就業規則 says otherwise (昭63.1.1基発1号); a shift that crosses
  midnight is one 勤務 of the day it starts; work on a 法定休日 is counted by calendar day (0:00-24:00).

Times are naive Japan wall-clock ``datetime`` values here; services convert from stored UTC.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from ennoshita.errors import Invalid, Problem

# --- premiums as data (労基法37条, 割増賃金令) -----------------------------------------------------------------

PREMIUM_PERCENT: dict[str, int] = {
    "overtime": 25,  # 法定時間外
    "overtime_over60": 50,  # the part of a month's overtime beyond 60h
    "legal_holiday": 35,  # 法定休日労働
    "night": 25,  # 深夜 22:00-5:00, added to the above
}

DAY_LIMIT = 8 * 60
WEEK_LIMIT = 40 * 60
OVER60 = 60 * 60
NIGHT_START = dt.time(22, 0)
NIGHT_END = dt.time(5, 0)

# --- 年次有給休暇 tables (労基法39条, 労基則24条の3) -----------------------------------------------------------

FULL_TABLE: tuple[int, ...] = (10, 11, 12, 14, 16, 18, 20)  # after 0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5+ years
PROPORTIONAL_TABLE: dict[int, tuple[int, ...]] = {
    4: (7, 8, 9, 10, 12, 13, 15),
    3: (5, 6, 6, 8, 9, 10, 11),
    2: (3, 4, 4, 5, 6, 6, 7),
    1: (1, 2, 2, 2, 3, 3, 3),
}
# 年間所定労働日数 bands for employees whose days are set per year rather than per week
ANNUAL_DAY_BANDS: tuple[tuple[int, int, int], ...] = ((169, 216, 4), (121, 168, 3), (73, 120, 2), (48, 72, 1))


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, clamped to the month's end (08-31 + 6 months → 02-28 or 02-29)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = index // 12, index % 12 + 1
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def grant_date(hire_date: dt.date, step: int) -> dt.date:
    """基準日 of the ``step``-th grant (0 = after 6 months), counted from the hire date each time so that a
    month-end hire keeps its month end (hired 2003-08-31 → 2004-02-29, 2005-02-28, 2008-02-29)."""
    return add_months(hire_date, 6 + 12 * step)


def grant_dates(hire_date: dt.date, until: dt.date) -> list[dt.date]:
    out: list[dt.date] = []
    step = 0
    while (day := grant_date(hire_date, step)) <= until:
        out.append(day)
        step += 1
    return out


def grant_period(hire_date: dt.date, step: int) -> tuple[dt.date, dt.date]:
    """The attendance period behind the ``step``-th grant: hire → day before the first 基準日, then each
    year between two 基準日."""
    start = hire_date if step == 0 else grant_date(hire_date, step - 1)
    return start, grant_date(hire_date, step) - dt.timedelta(days=1)


def statutory_leave_applies(employment_type: str) -> bool:
    """年次有給休暇 (労基法39条) is a right of a 労働者 (労基法9条: one employed and paid 賃金). A 役員 paid
    役員報酬 (employment type ``officer``; payroll books it as 役員報酬 and outside 雇用保険) is not one: no
    statutory grant, hence no 年5日取得義務. A 使用人兼務役員 is recorded with the type of their employee part."""
    return employment_type != "officer"


def working_time_limits_apply(employment_type: str, is_manager: bool) -> bool:
    """The 36協定 limits (労基法36条: 45h/360h, 特別条項 100h/720h/2-6か月平均80h) bound the 時間外・休日労働 of a
    労働者 under 32条 and 35条. A 管理監督者 (``is_manager``, 労基法41条2号) is outside 労働時間・休憩・休日 (only
    深夜割増, 37条4項, and 年次有給休暇 still apply), and a 役員 (``officer``) is no 労働者 at all (労基法9条):
    neither is checked against them. Their hours and 深夜 are still recorded."""
    return statutory_leave_applies(employment_type) and not is_manager


def uses_full_table(weekly_days: int, weekly_minutes: int, annual_days: int | None = None) -> bool:
    """Full table when 30 hours or more a week, or 5 days or more a week (217 days or more a year)."""
    if weekly_minutes >= 30 * 60:
        return True
    if annual_days is not None and weekly_days == 0:
        return annual_days >= 217
    return weekly_days >= 5


def grant_days(step: int, weekly_days: int, weekly_minutes: int, annual_days: int | None = None) -> int:
    """Days granted at the ``step``-th 基準日 (0 = 6 months), by the full or the 比例付与 table."""
    if step < 0:
        raise Invalid("hr.error.grant_step", field="step", step=step)
    column = min(step, 6)
    if uses_full_table(weekly_days, weekly_minutes, annual_days):
        return FULL_TABLE[column]
    days = weekly_days
    if weekly_days == 0 and annual_days is not None:
        days = next((d for low, high, d in ANNUAL_DAY_BANDS if low <= annual_days <= high), 0)
    row = PROPORTIONAL_TABLE.get(days)
    return row[column] if row else 0


def attendance_rate(attended_days: int, scheduled_days: int) -> Fraction:
    if scheduled_days <= 0:
        return Fraction(0)
    return Fraction(attended_days, scheduled_days)


def attendance_eligible(attended_days: int, scheduled_days: int) -> bool:
    """出勤率 8割以上 (exactly 80% qualifies). 年休 taken counts as attended (the caller adds it)."""
    return scheduled_days > 0 and attendance_rate(attended_days, scheduled_days) >= Fraction(8, 10)


def expires_on(granted: dt.date) -> dt.date:
    """Last day the grant can be used: two years (労基法115条), so granted 2025-04-01 → 2027-03-31."""
    return add_months(granted, 24) - dt.timedelta(days=1)


def hours_per_day(daily_minutes: int) -> int:
    """時間単位年休: one day is the daily scheduled time, part hours rounded up (7h30m → 8 hours)."""
    return max(1, -(-daily_minutes // 60))


# --- the periods before the employee's records begin (導入時残高) -------------------------------------------
# A company that starts with ennoshita registers its staff with their real 入社日, years back: the system holds no
# attendance for the time before. The grant still falls due on the statutory 基準日 by the years of 継続勤務
# (労基法39条1項・2項), and the 出勤率 of a period is judged on the records where they exist: the scheduled days
# before the records begin are counted as attended (導入前の期間は出勤率を満たすものとして付与), as 39条10項
# counts days the law cannot hold against the employee. A period wholly covered by records uses the records
# alone. Grants made before the 導入日 are not computed: 人事 enters what is left of each (導入時残高) with its
# grant date, so the 2-year 時効 (労基法115条) runs from that date.


@dataclass(frozen=True)
class Assessment:
    scheduled: int  # scheduled days of the period
    attended: int  # days worked or on leave, with the assumed days
    assumed: int  # scheduled days before the records begin, counted as attended

    @property
    def judged(self) -> bool:
        """Whether any day of the period is covered by records."""
        return self.assumed < self.scheduled

    @property
    def rate(self) -> Fraction | None:
        return attendance_rate(self.attended, self.scheduled) if self.judged else None

    @property
    def eligible(self) -> bool:
        return not self.judged or attendance_eligible(self.attended, self.scheduled)


def assess_period(scheduled_days: Iterable[dt.date], attended_days: Iterable[dt.date],
                  records_from: dt.date | None) -> Assessment:
    """出勤率 of a grant period whose records begin on ``records_from`` (None: no records at all). Days before
    it count as attended; from it on, a scheduled day counts when it is in ``attended_days``."""
    days = list(scheduled_days)
    present = set(attended_days)
    assumed = sum(1 for d in days if records_from is None or d < records_from)
    seen = sum(1 for d in days if records_from is not None and d >= records_from and d in present)
    return Assessment(len(days), assumed + seen, assumed)


def due_grant_steps(hire_date: dt.date, until: dt.date, records_from: dt.date | None = None) -> list[int]:
    """The steps whose 基準日 falls on or before ``until`` and is computed by the system: all of them, or
    with a 導入日 ``records_from`` those on or after it (the grants before it come from the 導入時残高)."""
    return [i for i, day in enumerate(grant_dates(hire_date, until)) if records_from is None or day >= records_from]


@dataclass(frozen=True)
class OpeningRow:
    grant_date: dt.date
    days: Fraction  # what is left of that grant on the 導入日, in whole and half days


def check_opening(hire_date: dt.date, as_of: dt.date, rows: Sequence[OpeningRow]) -> list[Problem]:
    """Every problem of a 導入時残高: the 導入日 not before the hire; each grant after the hire, before the 導入日
    and not yet lapsed on it (2 years, 労基法115条); 0.5 to 40 days in half days (the most two years' grants
    can leave, 20 + 20); one row per grant date."""
    problems: list[Problem] = []
    if as_of < hire_date:
        problems.append(Problem("hr.error.opening_before_hire", "as_of", {"hire_date": hire_date}))
    seen: set[dt.date] = set()
    for i, r in enumerate(rows, start=1):
        where = f"opening.{i}.grant_date"
        if r.grant_date < hire_date or r.grant_date >= as_of:
            problems.append(Problem("hr.error.opening_grant_date", where, {"date": r.grant_date}))
        elif expires_on(r.grant_date) < as_of:
            problems.append(Problem("hr.error.opening_lapsed", where, {
                "date": r.grant_date, "expired": expires_on(r.grant_date)}))
        if r.grant_date in seen:
            problems.append(Problem("hr.error.opening_duplicate", where, {"date": r.grant_date}))
        seen.add(r.grant_date)
        if not (0 < r.days <= 40) or (r.days * 2).denominator != 1:
            problems.append(Problem("hr.error.opening_days", f"opening.{i}.days"))
    return problems


# --- balances ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Grant:
    grant_date: dt.date
    days: Fraction
    expires_on: dt.date


@dataclass(frozen=True)
class Taken:
    leave_date: dt.date
    days: Fraction  # a day 1, a half 1/2, hours h/hours_per_day
    hourly: bool = False


@dataclass(frozen=True)
class GrantBalance:
    grant_date: dt.date
    days: Fraction
    expires_on: dt.date
    used: Fraction
    remaining: Fraction  # 0 once expired
    expired: bool


@dataclass(frozen=True)
class Balance:
    grants: tuple[GrantBalance, ...]
    balance: Fraction
    unallocated: Fraction  # taken with no grant to cover it (should stay 0: requests are checked)


def balance(grants: Iterable[Grant], taken: Iterable[Taken], on: dt.date, newest_first: bool = False) -> Balance:
    """Each grant's use and remainder on ``on``. A day taken uses the oldest grant valid that day (the
    carried-over days, as presumed when the 就業規則 says nothing), or the newest with ``newest_first``.
    Leave approved for a later date is already counted (the remainder is what may still be asked for); it
    uses the grants made by ``on`` that are still valid on its date."""
    ordered = sorted((g for g in grants if g.grant_date <= on), key=lambda g: g.grant_date)
    used = [Fraction(0)] * len(ordered)
    unallocated = Fraction(0)
    for t in sorted(taken, key=lambda x: x.leave_date):
        need = t.days
        valid = [i for i, g in enumerate(ordered) if g.grant_date <= t.leave_date <= g.expires_on]
        if newest_first:
            valid.reverse()
        for i in valid:
            if need <= 0:
                break
            take = min(need, ordered[i].days - used[i])
            if take > 0:
                used[i] += take
                need -= take
        unallocated += need
    out = []
    for i, g in enumerate(ordered):
        expired = g.expires_on < on
        out.append(GrantBalance(g.grant_date, g.days, g.expires_on, used[i],
                                Fraction(0) if expired else g.days - used[i], expired))
    return Balance(tuple(out), sum((b.remaining for b in out), Fraction(0)), unallocated)


def check_request(available: Fraction, pending: Fraction, asked: Fraction) -> None:
    """A request may not go beyond the balance left after the requests still waiting for approval."""
    if asked > available - pending:
        raise Invalid("hr.error.leave_beyond_balance", field="leave_date",
                      balance=format_days(available - pending), asked=format_days(asked))


def hourly_allowed(hours_this_year: int, asked_hours: int, per_day: int, max_days: int = 5) -> bool:
    """時間単位年休 up to ``max_days`` days a year (労基法39条4項)."""
    return hours_this_year + asked_hours <= max_days * per_day


def format_days(days: Fraction) -> str:
    whole = int(days)
    rest = days - whole
    if rest == 0:
        return f"{whole}"
    if rest == Fraction(1, 2):
        return f"{whole}.5"
    return f"{Decimal(days.numerator) / Decimal(days.denominator):.2f}"


# --- 年5日の取得義務 ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Obligation:
    grant_date: dt.date
    due_by: dt.date
    taken: Fraction  # full and half days on or before ``on`` (hourly leave does not count)
    planned: Fraction  # approved days later in the window
    at_risk: bool
    overdue: bool

    @property
    def still_needed(self) -> Fraction:
        return max(Fraction(0), Fraction(5) - self.taken - self.planned)


def five_day_obligation(grants: Iterable[Grant], taken: Iterable[Taken], on: dt.date,
                        warn_days: int = 90) -> Obligation | None:
    """For the latest grant of 10 days or more made on or before ``on``: 5 days must be taken within one
    year of its 基準日. ``at_risk`` when the taken and planned days fall short and ``warn_days`` or fewer
    remain; ``overdue`` when the year ended short."""
    eligible = [g for g in grants if g.days >= 10 and g.grant_date <= on]
    if not eligible:
        return None
    g = max(eligible, key=lambda x: x.grant_date)
    due = add_months(g.grant_date, 12) - dt.timedelta(days=1)
    window = [t for t in taken if not t.hourly and g.grant_date <= t.leave_date <= due]
    done = sum((t.days for t in window if t.leave_date <= on), Fraction(0))
    planned = sum((t.days for t in window if t.leave_date > on), Fraction(0))
    short = done + planned < 5
    overdue = on > due and done < 5
    at_risk = short and not overdue and (due - on).days <= warn_days
    return Obligation(g.grant_date, due, done, planned, at_risk, overdue)


# --- working time ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shift:
    """One 勤務: the date it starts, its times (wall clock), its breaks."""

    work_date: dt.date
    start: dt.datetime
    end: dt.datetime
    break_minutes: int = 0
    breaks: tuple[tuple[dt.datetime, dt.datetime], ...] = ()  # with times, when known (they sum to the above)


@dataclass(frozen=True)
class DayFigures:
    work_date: dt.date
    actual: int
    overtime: int  # 法定時間外 (daily + weekly)
    legal_holiday: int
    night: int


def _minutes(a: dt.datetime, b: dt.datetime) -> int:
    return max(0, int((b - a).total_seconds() // 60))


minutes_between = _minutes


def _overlap(a0: dt.datetime, a1: dt.datetime, b0: dt.datetime, b1: dt.datetime) -> int:
    return _minutes(max(a0, b0), min(a1, b1))


def check_shift(shift: Shift) -> None:
    if shift.end < shift.start:  # the same minute (a punch corrected at once) is a shift of no time
        raise Invalid("hr.error.clock_out_before_in", field="clock_out", date=shift.work_date)
    if shift.start.date() != shift.work_date:
        raise Invalid("hr.error.shift_date", field="clock_in", date=shift.work_date)
    if shift.end - shift.start > dt.timedelta(hours=24):
        raise Invalid("hr.error.shift_too_long", field="clock_out", date=shift.work_date)
    if shift.break_minutes < 0 or (shift.break_minutes > 0 and shift.break_minutes >= _minutes(shift.start,
                                                                                                shift.end)):
        raise Invalid("hr.error.break_minutes", field="break_minutes", date=shift.work_date)


def check_no_overlap(shifts: Sequence[Shift]) -> None:
    """Two shifts of one employee may not overlap (a night shift ending after the next one starts)."""
    ordered = sorted(shifts, key=lambda s: s.start)
    for a, b in zip(ordered, ordered[1:], strict=False):
        if b.start < a.end:
            raise Invalid("hr.error.overlapping_shifts", field="clock_in", date=b.work_date,
                          other=a.work_date)


def night_minutes(start: dt.datetime, end: dt.datetime,
                  breaks: Sequence[tuple[dt.datetime, dt.datetime]] = ()) -> int:
    """Minutes between 22:00 and 5:00, less breaks with known times inside that window."""
    total = 0
    day = start.date() - dt.timedelta(days=1)
    while day <= end.date():
        w0 = dt.datetime.combine(day, NIGHT_START)
        w1 = dt.datetime.combine(day + dt.timedelta(days=1), NIGHT_END)
        total += _overlap(start, end, w0, w1) - sum(_overlap(b0, b1, w0, w1) for b0, b1 in breaks)
        day += dt.timedelta(days=1)
    return max(0, total)


def _holiday_minutes(shift: Shift, legal_holidays: frozenset[dt.date]) -> tuple[int, int]:
    """(gross minutes on 法定休日 calendar days, their break minutes)."""
    gross = brk = 0
    day = shift.start.date()
    while day <= shift.end.date():
        if day in legal_holidays:
            d0 = dt.datetime.combine(day, dt.time(0))
            d1 = d0 + dt.timedelta(days=1)
            gross += _overlap(shift.start, shift.end, d0, d1)
            brk += sum(_overlap(b0, b1, d0, d1) for b0, b1 in shift.breaks)
        day += dt.timedelta(days=1)
    if not shift.breaks and shift.work_date in legal_holidays:
        brk = min(gross, shift.break_minutes)  # breaks without times: taken in the part where the shift starts
    elif not shift.breaks:
        brk = max(0, shift.break_minutes - (_minutes(shift.start, shift.end) - gross))
    return gross, brk


def week_start_of(day: dt.date, week_start: int = 7) -> dt.date:
    """First day of the week holding ``day``; ``week_start`` is an ISO weekday (7 = Sunday)."""
    return day - dt.timedelta(days=(day.isoweekday() - week_start) % 7)


def classify(shifts: Iterable[Shift], legal_holidays: Iterable[dt.date], week_start: int = 7) -> list[DayFigures]:
    """Per shift: actual minutes, 法定時間外 (beyond 8h in the 勤務, then beyond 40h in the week counting
    only time not already over 8h), 法定休日労働 (time on a 法定休日 calendar day, never overtime), 深夜.

    Give whole weeks: the weekly count starts on the first shift given in each week."""
    holidays = frozenset(legal_holidays)
    week_total: dict[dt.date, int] = {}
    out = []
    for s in sorted(shifts, key=lambda x: x.start):
        check_shift(s)
        worked = _minutes(s.start, s.end) - s.break_minutes
        gross_h, brk_h = _holiday_minutes(s, holidays)
        holiday = max(0, gross_h - brk_h)
        regular = worked - holiday
        daily = max(0, regular - DAY_LIMIT)
        week = week_start_of(s.work_date, week_start)
        before = week_total.get(week, 0)
        after = before + regular - daily
        week_total[week] = after
        weekly = max(0, after - WEEK_LIMIT) - max(0, before - WEEK_LIMIT)
        out.append(DayFigures(s.work_date, worked, daily + weekly, holiday, night_minutes(s.start, s.end, s.breaks)))
    return out


@dataclass(frozen=True)
class MonthFigures:
    worked_days: int
    actual: int
    overtime: int
    overtime_over60: int
    legal_holiday: int
    night: int


def month_figures(days: Iterable[DayFigures], first: dt.date, last: dt.date) -> MonthFigures:
    """The month's totals from its days (days outside ``first..last`` only fed the weekly count)."""
    inside = [d for d in days if first <= d.work_date <= last]
    overtime = sum(d.overtime for d in inside)
    return MonthFigures(len(inside), sum(d.actual for d in inside), overtime, max(0, overtime - OVER60),
                        sum(d.legal_holiday for d in inside), sum(d.night for d in inside))


# --- 36協定 ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgreementTerms:
    monthly_limit: int = 45 * 60
    yearly_limit: int = 360 * 60
    special_clause: bool = False
    special_monthly: int = 0  # 時間外 + 休日労働 in one month (36条5項, 様式第9号の2), under 100h
    special_yearly: int = 0  # at most 720h
    special_months: int = 6


def agreement_terms(variable_hours: bool = False, special_clause: bool = False, special_monthly: int = 0,
                    special_yearly: int = 0, special_months: int = 6) -> AgreementTerms:
    """The ordinary limits follow the scheme: 45h/360h, or 42h/320h under 1年単位の変形労働時間制."""
    if special_clause:
        if not 0 < special_monthly < 100 * 60:
            raise Invalid("hr.error.special_monthly", field="special_monthly_minutes")
        if not 0 < special_yearly <= 720 * 60:
            raise Invalid("hr.error.special_yearly", field="special_yearly_minutes")
        if not 0 <= special_months <= 6:
            raise Invalid("hr.error.special_months", field="special_months")
    monthly, yearly = (42 * 60, 320 * 60) if variable_hours else (45 * 60, 360 * 60)
    return AgreementTerms(monthly, yearly, special_clause, special_monthly, special_yearly, special_months)


@dataclass(frozen=True)
class MonthLoad:
    month: dt.date  # first day
    overtime: int
    holiday: int
    exempt: bool = False  # a 管理監督者's or a 役員's month (:func:`working_time_limits_apply`): outside 36条

    @property
    def total(self) -> int:
        return self.overtime + self.holiday


@dataclass(frozen=True)
class LimitStatus:
    month: dt.date
    overtime: int
    holiday: int
    year_overtime: int
    months_over_monthly: int
    averages: dict[int, Fraction]  # 2..6 months → average of 時間外+休日労働, where that many months exist
    flags: tuple[str, ...]  # broken limits
    warnings: tuple[str, ...] = field(default=())  # close to a limit


FLAG_KEYS = ("over_monthly", "months_over", "over_yearly", "over_720", "over_100", "avg_80")


def limit_flags(overtime: int, holiday: int, totals: Sequence[int], year_overtime: int, months_over: int,
                terms: AgreementTerms, warn_ratio: Fraction = Fraction(8, 10)
                ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(flags, warnings) from plain integers: this month's overtime and holiday work, ``totals`` = 時間外+休日
    of this month and the months before it (newest first, up to 6), the agreement year's overtime so far and
    how many of its months went over the monthly limit. Integer comparisons only (fast for a dashboard)."""
    flags: list[str] = []
    warnings: list[str] = []
    wn, wd = warn_ratio.numerator, warn_ratio.denominator
    if overtime > terms.monthly_limit:
        flags.append("over_monthly")
    elif overtime * wd >= terms.monthly_limit * wn:
        warnings.append("over_monthly")
    if terms.special_clause and overtime + holiday > terms.special_monthly:  # 36条5項: 時間外 and 休日 together
        flags.append("over_special_monthly")
    allowed = terms.special_months if terms.special_clause else 0
    if months_over > allowed:
        flags.append("months_over")
    elif terms.special_clause and months_over == allowed and overtime * wd >= terms.monthly_limit * wn:
        warnings.append("months_over")
    yearly_cap = terms.special_yearly if terms.special_clause else terms.yearly_limit
    if year_overtime > yearly_cap:
        flags.append("over_yearly")
    elif year_overtime * wd >= yearly_cap * wn:
        warnings.append("over_yearly")
    if year_overtime > 720 * 60:
        flags.append("over_720")
    total = overtime + holiday
    if total >= 100 * 60:
        flags.append("over_100")
    elif total * wd >= 100 * 60 * wn:
        warnings.append("over_100")
    over_avg = near_avg = False
    running = totals[0] if totals else total
    for n in range(2, min(len(totals), 6) + 1):
        running += totals[n - 1]
        if running > 80 * 60 * n:
            over_avg = True
        elif running * wd >= 80 * 60 * n * wn:
            near_avg = True
    if over_avg:
        flags.append("avg_80")
    elif near_avg:
        warnings.append("avg_80")
    return tuple(flags), tuple(warnings)


def ordinary_run(history: Sequence[MonthLoad]) -> list[MonthLoad]:
    """The months that enter the 2-6 month averages of the last month of ``history`` (consecutive months, oldest
    first): that month and the ones just before it, newest first, up to 6, stopping at the first month the
    employee was exempt (a 管理監督者's or a 役員's). Empty when the last month itself is exempt.

    Reading of 労基法36条6項3号: the averages are of 「労働時間を延長して労働させ、及び休日において労働させた時間」
    over the month and 「直前の1箇月、2箇月、3箇月、4箇月及び5箇月の期間」: time worked under 36条, which a month
    outside 32条, 35条 and 36条 (41条2号; a 役員 is no 労働者, 9条) does not hold. Counting such a month as 0 would
    lower the average; jumping over it would join months that are not consecutive. So an average is taken only
    over a run of consecutive ordinary months, as 厚生労働省 does for the months before the 上限規制 applied
    (「改正労働基準法に関するQ&A」 2019: the 2〜6か月平均 leaves out the time before 施行 and during the
    経過措置; ⚠ the Q&A number was not checked here). Someone 管理監督者 April-June and ordinary from July has no
    average in July, the 2-month one in August, the 2- and 3-month ones in September."""
    run: list[MonthLoad] = []
    for m in reversed(history):
        if m.exempt or len(run) == 6:
            break
        run.append(m)
    return run


def check_limits(history: Sequence[MonthLoad], year_months: Sequence[MonthLoad], terms: AgreementTerms,
                 warn_ratio: Fraction = Fraction(8, 10)) -> LimitStatus:
    """Flags for the last month of ``history`` (consecutive months, oldest first, the months before may lie
    in the previous agreement year: the 100h and 80h rules hold at all times). ``year_months`` are the months
    of the agreement year up to and including that month.

    The one rule behind every figure of the limits (the dashboard's kept position, the API detail): the months
    in which the employee was exempt (:attr:`MonthLoad.exempt`) are left out of the year's 時間外 (年360/720時間),
    of the count of months over the monthly limit (年6回) and of the 2-6 month averages (:func:`ordinary_run`):
    their hours are not 時間外労働 in the sense of 36条. An exempt month itself is never flagged."""
    if not history:
        raise Invalid("hr.error.no_months", field="month")
    cur = history[-1]
    counted = [m for m in year_months if not m.exempt]
    over_months = sum(1 for m in counted if m.overtime > terms.monthly_limit)
    year = sum(m.overtime for m in counted)
    totals = [m.total for m in ordinary_run(history)]
    flags: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    if not cur.exempt:
        flags, warnings = limit_flags(cur.overtime, cur.holiday, totals, year, over_months, terms, warn_ratio)
    averages = {n: Fraction(sum(totals[:n]), n) for n in range(2, len(totals) + 1)}
    return LimitStatus(cur.month, cur.overtime, cur.holiday, year, over_months, averages, flags, warnings)


def agreement_year_start(month: dt.date, start: dt.date) -> dt.date:
    """First month of the agreement year (起算日 ``start``) holding ``month``."""
    first = dt.date(month.year, start.month, 1)
    return first if first <= month else dt.date(month.year - 1, start.month, 1)


def months_back(month: dt.date, n: int) -> list[dt.date]:
    """``n`` month starts ending with ``month``, oldest first."""
    return [add_months(month, -k) for k in range(n - 1, -1, -1)]


# --- 医師による面接指導 (労働安全衛生法66条の8, 安衛則52条の2) -------------------------------------------------

INTERVIEW_MINUTES = 80 * 60
"""安衛則52条の2第1項: the 面接指導 is for a 労働者 whose time worked beyond 40 hours a week (休憩を除く), 時間外
and 休日労働 together, exceeds 80 hours in a month and who shows fatigue, on their request (安衛法66条の8第1項,
安衛則52条の3); the employer tells everyone over it their hours promptly (52条の2第3項). For 研究開発業務
(66条の8の2) and 高度プロフェッショナル (66条の8の4) it is due without request over 100 hours: ennoshita records
neither kind of work, so that figure is not applied."""


def interview_threshold(days_in_month: int) -> int:
    """The month's worked minutes above which the 面接指導 figure exceeds 80 hours. 厚生労働省 computes the
    安衛則52条の2 figure as 1か月の総労働時間数 − 計算期間の総暦日数 ÷ 7 × 40 (平成18年2月24日基発第0224003号):
    a 30-day month allows 171h25m before the count starts (28 days: 160h), so over 80 hours means worked minutes
    × 7 > (80h × 7 + 40h × days). Whole minutes: the largest number of minutes not over it."""
    return (7 * INTERVIEW_MINUTES + WEEK_LIMIT * days_in_month) // 7


def beyond_week_limit(actual_minutes: int, days_in_month: int) -> int:
    """The 安衛則52条の2 figure in whole minutes (rounded down, never below 0): the month's worked minutes less
    40 hours for each 7 calendar days (see :func:`interview_threshold`)."""
    return max(0, (7 * actual_minutes - WEEK_LIMIT * days_in_month) // 7)


def interview_applies(employment_type: str) -> bool:
    """The 面接指導 is a 労働者's (安衛法2条2号: the 労働者 of 労基法9条), a 管理監督者 included: 66条の8 knows no
    exception for 労基法41条, and 66条の8の3 has the employer ascertain the 労働時間の状況 of every 労働者 but
    a 高度プロフェッショナル, 管理監督者 among them (厚生労働省 平成30年12月28日基発1228第16号; ⚠ not opened here).
    A 役員 (``officer``) is no 労働者 and is not indicated."""
    return statutory_leave_applies(employment_type)


def interview_indicated(actual_minutes: int, days_in_month: int, worker: bool = True) -> bool:
    """「面接指導の対象（80時間超）」: a 労働者 whose month's 安衛則52条の2 figure exceeds :data:`INTERVIEW_MINUTES`
    (80 hours exactly is not over). The month's figures are the worked minutes of the 月次勤務表 (休憩を除く,
    法定休日 and 所定休日 work included), the calendar month being the 算定期日 (52条の2第2項)."""
    return worker and actual_minutes > interview_threshold(days_in_month)
