"""Business dates: Japan's calendar, business days, fiscal periods, display in ja/en.

Business dates are ``datetime.date`` in Japan time. Timestamps are timezone-aware, stored in UTC,
shown in Asia/Tokyo.
"""

from __future__ import annotations

import datetime as dt
import enum
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    import holidays

TOKYO = ZoneInfo("Asia/Tokyo")


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def today_tokyo() -> dt.date:
    return dt.datetime.now(TOKYO).date()


@lru_cache(maxsize=64)
def _japan_holidays(year: int) -> holidays.HolidayBase:
    import holidays  # on first use: importing it costs every CLI command ~50 ms

    return holidays.country_holidays("JP", years=year, language="ja")


def is_holiday(day: dt.date) -> bool:
    """祝日 (national holiday) on Japan's calendar."""
    return day in _japan_holidays(day.year)


def holiday_name(day: dt.date) -> str | None:
    name = _japan_holidays(day.year).get(day)
    return str(name) if name else None


def is_bank_holiday(day: dt.date) -> bool:
    """Banks close on 土日祝 and on 12/31-1/3 (年末年始)."""
    if day.weekday() >= 5 or is_holiday(day):
        return True
    return (day.month == 12 and day.day == 31) or (day.month == 1 and day.day <= 3)


def is_tax_holiday(day: dt.date) -> bool:
    """国税通則法10条②: 日曜日, 祝日 and 一般の休日 (1/1-1/3), 土曜日 and 12/29-12/31 (施行令2条②)."""
    return (day.weekday() >= 5 or is_holiday(day) or (day.month == 12 and day.day >= 29)
            or (day.month == 1 and day.day <= 3))


def tax_deadline(day: dt.date) -> dt.date:
    """A 期限 falling on a day of :func:`is_tax_holiday` moves to the next day that is not one."""
    while is_tax_holiday(day):
        day += dt.timedelta(days=1)
    return day


def is_business_day(day: dt.date) -> bool:
    return not is_bank_holiday(day)


class HolidayShift(enum.StrEnum):
    """What to do when a due date falls on 土日祝."""

    PREVIOUS = "previous"  # 前営業日
    NEXT = "next"  # 翌営業日
    NONE = "none"  # そのまま


def shift_to_business_day(day: dt.date, shift: HolidayShift) -> dt.date:
    if shift is HolidayShift.NONE:
        return day
    step = dt.timedelta(days=-1 if shift is HolidayShift.PREVIOUS else 1)
    while is_bank_holiday(day):
        day += step
    return day


def add_business_days(day: dt.date, n: int) -> dt.date:
    step = dt.timedelta(days=1 if n >= 0 else -1)
    remaining = abs(n)
    while remaining:
        day += step
        if is_business_day(day):
            remaining -= 1
    return day


def end_of_month(year: int, month: int) -> dt.date:
    if month == 12:
        return dt.date(year, 12, 31)
    return dt.date(year, month + 1, 1) - dt.timedelta(days=1)


def add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def fiscal_year_of(day: dt.date, start_month: int) -> int:
    """The fiscal year a date belongs to, named by the calendar year in which it starts."""
    return day.year if day.month >= start_month else day.year - 1


MIN_YEAR, MAX_YEAR = 1900, 2999  # the years a business date, a fiscal year or a report may name


def check_year(year: int, field: str = "year") -> None:
    """Refuse (Invalid, naming ``field``) a calendar or fiscal year outside :data:`MIN_YEAR`..:data:`MAX_YEAR`."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        from ennoshita.errors import Invalid

        raise Invalid("error.year_range", field=field, min=MIN_YEAR, max=MAX_YEAR)


def fiscal_year_bounds(fiscal_year: int, start_month: int) -> tuple[dt.date, dt.date]:
    if not MIN_YEAR <= fiscal_year <= MAX_YEAR:
        from ennoshita.errors import Invalid

        raise Invalid("error.year_range", field="fiscal_year", min=MIN_YEAR, max=MAX_YEAR)
    start = dt.date(fiscal_year, start_month, 1)
    end_year, end_month = add_months(fiscal_year, start_month, 11)
    return start, end_of_month(end_year, end_month)


_ERAS = (
    (dt.date(2019, 5, 1), "令和", "R"),
    (dt.date(1989, 1, 8), "平成", "H"),
    (dt.date(1926, 12, 25), "昭和", "S"),
)


_ERA_LETTERS = {"令和": "R", "平成": "H", "昭和": "S"}


def wareki_date(era: str, year: int, month: int, day: int) -> dt.date:
    """The date of 和暦 ``era`` (R/H/S or 令和/平成/昭和) year ``year`` (1 for 元年): ValueError when that date does
    not exist in the era (平成31年5月1日 is 令和元年5月1日; 昭和64年1月8日 is 平成元年1月8日)."""
    letter = _ERA_LETTERS.get(era, era)
    for i, (start, _name, code) in enumerate(_ERAS):
        if code == letter:
            if not 1 <= year <= 99:
                raise ValueError(f"{era}{year}")
            date = dt.date(start.year + year - 1, month, day)
            end = _ERAS[i - 1][0] if i > 0 else None
            if date < start or (end is not None and date >= end):
                raise ValueError(f"{era}{year}/{month}/{day}")
            return date
    raise ValueError(era)


def to_wareki(day: dt.date) -> str:
    """和暦 display: 令和8年11月24日 (元年 for the first year)."""
    for start, name, _ in _ERAS:
        if day >= start:
            year = day.year - start.year + 1
            label = "元" if year == 1 else str(year)
            return f"{name}{label}年{day.month}月{day.day}日"
    return format_date(day, "ja")


def format_date(day: dt.date | None, locale: str) -> str:
    """``2026年11月24日`` in Japanese, ISO ``2026-11-24`` in English."""
    if day is None:
        return ""
    if locale == "ja":
        return f"{day.year}年{day.month}月{day.day}日"
    return day.isoformat()


def format_month(day: dt.date | None, locale: str) -> str:
    """The month holding ``day``: ``2026年11月`` in Japanese, ``2026-11`` in English."""
    if day is None:
        return ""
    return f"{day.year}年{day.month}月" if locale == "ja" else f"{day:%Y-%m}"


def format_datetime(moment: dt.datetime | None, locale: str) -> str:
    """A timestamp shown in Asia/Tokyo."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    local = moment.astimezone(TOKYO)
    if locale == "ja":
        return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M:%S}"
    return local.strftime("%Y-%m-%d %H:%M:%S")


def as_utc(moment: dt.datetime) -> dt.datetime:
    """A stored timestamp as an aware UTC datetime (SQLite gives it back naive)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)
