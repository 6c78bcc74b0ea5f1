"""Contract term rules as pure functions: the 更新拒絶期限 (non-renewal deadline) of an auto-renewing contract,
rolled forward each cycle, and the alert days.

A clause reads "期間満了の3ヶ月前までに書面による申出がない限り、同一条件でさらに1年間更新し、以後も同様とする":
the deadline is the term end moved back by the notice period; once it passes without notice the contract runs for
one more renewal term, and the next deadline is that term's end moved back again. Month arithmetic keeps month
ends: a term ending on 2026-02-28 with 3 months' notice has its deadline on 2025-11-30.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ennoshita.errors import Problem

TYPES = ("master", "outsourcing", "nda", "sale", "contracting", "lease", "license", "other")
STATUSES = ("review", "signed", "renewed", "ended")  # 審査中 / 締結済 / 更新 / 終了
DEFAULT_ALERT_DAYS = 60


def _last_day(year: int, month: int) -> int:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return (nxt - dt.timedelta(days=1)).day


def shift_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months``; a month end stays a month end, other days are clamped."""
    index = day.year * 12 + day.month - 1 + months
    year, month0 = divmod(index, 12)
    month = month0 + 1
    last = _last_day(year, month)
    if day.day == _last_day(day.year, day.month):
        return dt.date(year, month, last)
    return dt.date(year, month, min(day.day, last))


def period_end(start: dt.date, months: int) -> dt.date:
    """Last day of a period of ``months`` from ``start`` (民法143条): the day before the same day number that many
    months on, or that month's last day when it has no such day (from 01-31, three months end on 04-30)."""
    index = start.year * 12 + start.month - 1 + months
    year, month0 = divmod(index, 12)
    last = _last_day(year, month0 + 1)
    if start.day > last:
        return dt.date(year, month0 + 1, last)
    return dt.date(year, month0 + 1, start.day) - dt.timedelta(days=1)


def term_months(start: dt.date, end: dt.date) -> int:
    """The contract period in months, a part month counting as a whole one: 2026-04-15..2026-07-14 is 3 months,
    2026-04-15..2026-07-15 is 4 (3 months and a day). The 第7号 exclusion (印紙税法施行令26条: 契約期間が3月以内)
    reads this figure."""
    months = 1
    while period_end(start, months) < end:
        months += 1
    return months


@dataclass(frozen=True)
class Terms:
    start: dt.date
    end: dt.date | None
    auto_renew: bool = False
    renewal_months: int = 12
    notice_months: int = 0
    notice_days: int = 0


def validate(terms: Terms, signed: dt.date | None = None) -> list[Problem]:
    problems: list[Problem] = []
    if terms.end is not None and terms.end < terms.start:
        problems.append(Problem("contracts.error.end_before_start", "end_date"))
    if terms.auto_renew:
        if terms.end is None:
            problems.append(Problem("contracts.error.renewal_needs_end", "end_date"))
        if terms.renewal_months <= 0:
            problems.append(Problem("contracts.error.renewal_term", "renewal_months"))
        if terms.notice_months < 0 or terms.notice_days < 0:
            problems.append(Problem("contracts.error.notice", "notice_months"))
        elif terms.end is not None and terms.renewal_months > 0:
            initial = notice_deadline(terms.end, terms.notice_months, terms.notice_days)
            renewal_span = shift_months(terms.end, terms.renewal_months)
            if (initial < terms.start
                    or notice_deadline(renewal_span, terms.notice_months, terms.notice_days) <= terms.end):
                problems.append(Problem("contracts.error.notice_longer_than_term", "notice_months"))
    return problems


def notice_deadline(term_end: dt.date, notice_months: int, notice_days: int = 0) -> dt.date:
    """The last day to give notice of non-renewal for a term ending on ``term_end``."""
    return shift_months(term_end, -notice_months) - dt.timedelta(days=notice_days)


@dataclass(frozen=True)
class Position:
    """Where a contract stands on a day."""

    term_end: dt.date | None  # end of the term running on that day (None: open-ended)
    deadline: dt.date | None  # 更新拒絶期限 of that term (None: no auto-renewal)
    cycles: int  # renewals that have happened by that day
    expired: bool  # ended without renewal


def position(terms: Terms, as_of: dt.date) -> Position:
    """The running term and its 更新拒絶期限 on ``as_of``, rolled forward over every cycle whose deadline has passed."""
    if terms.end is None:
        return Position(None, None, 0, False)
    if not terms.auto_renew:
        return Position(terms.end, None, 0, as_of > terms.end)
    end = terms.end
    cycles = 0
    while notice_deadline(end, terms.notice_months, terms.notice_days) < as_of:
        cycles += 1
        end = shift_months(terms.end, terms.renewal_months * cycles)
    return Position(end, notice_deadline(end, terms.notice_months, terms.notice_days), cycles, False)


def alert_day(deadline: dt.date, lead_days: int = DEFAULT_ALERT_DAYS) -> dt.date:
    """The day the alert for ``deadline`` goes out."""
    return deadline - dt.timedelta(days=lead_days)


def due_for_alert(deadline: dt.date | None, today: dt.date, lead_days: int = DEFAULT_ALERT_DAYS) -> bool:
    return deadline is not None and today <= deadline <= today + dt.timedelta(days=lead_days)
