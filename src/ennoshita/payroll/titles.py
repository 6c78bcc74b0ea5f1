"""The name of a pay run in the reader's language.

A run made without a name of its own stores no title: its name is written at display time from its kind and
its month (``2026年11月分 給与`` / ``November 2026 pay``), through the catalogs. A name someone gave the run
is shown as they wrote it. Runs made before this stored the Japanese default as their title; such a title is
recognised as the default it is and named the same way, so existing runs read right in English without a data
migration."""

from __future__ import annotations

import datetime as dt

from ennoshita.i18n import Word, gettext, stored

SUMMER, WINTER = (6, 7), (12,)  # the months of 夏季賞与 and 冬季賞与


def _key_and_month(kind: str, period_end: dt.date, pay_date: dt.date) -> tuple[str, dt.date]:
    if kind != "bonus":
        return "payroll.run_title.monthly", period_end
    if pay_date.month in WINTER:
        return "payroll.run_title.bonus_winter", pay_date
    if pay_date.month in SUMMER:
        return "payroll.run_title.bonus_summer", pay_date
    return "payroll.run_title.bonus", pay_date


def default_title(lang: str, kind: str, period_end: dt.date, pay_date: dt.date) -> str:
    """The name of a run nobody named: a monthly run by the month its pay period ends in, a bonus by the month
    it is paid in (冬季 in December, 夏季 in June and July)."""
    key, day = _key_and_month(kind, period_end, pay_date)
    return gettext(lang, key, year=day.year, month=day.month, month_name=gettext(lang, f"month.{day.month}"))


def default_message(kind: str, period_end: dt.date, pay_date: dt.date) -> str:
    """:func:`default_title` kept as a catalog key and parameters (:func:`ennoshita.i18n.stored`), for a record
    that names the run for readers of either language (its 稟議's title)."""
    key, day = _key_and_month(kind, period_end, pay_date)
    return stored(key, year=day.year, month=day.month, month_name=Word(f"month.{day.month}"))


def _legacy_defaults(kind: str, period_end: dt.date, pay_date: dt.date) -> set[str]:
    """The Japanese titles runs were stored with before (create_run's default, the demo's bonus names)."""
    if kind != "bonus":
        return {f"{period_end.year}年{period_end.month}月分 給与"}
    y, m = pay_date.year, pay_date.month
    return {f"{y}年 賞与", f"{y}年 冬季賞与", f"{y}年{m}月 賞与"}


def stored_title(title: str, kind: str, period_end: dt.date, pay_date: dt.date) -> str:
    """The run's own name, or "" when it has none (a stored default is no name of its own)."""
    title = (title or "").strip()
    return "" if title in _legacy_defaults(kind, period_end, pay_date) else title


def run_title(lang: str, title: str, kind: str, period_end: dt.date, pay_date: dt.date) -> str:
    """What a reader in ``lang`` sees as the run's name."""
    return stored_title(title, kind, period_end, pay_date) or default_title(lang, kind, period_end, pay_date)
