"""住民税 特別徴収: the statutory split of a yearly amount into June-May monthly amounts.

The municipality's 特別徴収税額決定通知書 gives the monthly amounts and those are stored as given; this split is
what the municipality does (地方税法 321条の5: the yearly tax ÷ 12, with the under-100-yen remainder in June) and
serves to check or pre-fill them. A leaver's remaining months are collected at the final pay or switched to 普通徴収
(``leaver_collection``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from ennoshita.errors import Invalid

# June first: the municipal year runs June to the following May.
MONTHS_JUNE_TO_MAY = (6, 7, 8, 9, 10, 11, 12, 1, 2, 3, 4, 5)


def split_yearly(total: int) -> dict[int, int]:
    """Month number → amount: July to May each floor(total / 12) to 100 yen, June the rest."""
    if total < 0:
        raise Invalid("payroll.error.negative", field="resident_tax")
    monthly = total // 12 // 100 * 100
    return {m: (total - 11 * monthly if m == 6 else monthly) for m in MONTHS_JUNE_TO_MAY}


# --- 退職者 (地方税法 321条の5②) ------------------------------------------------------------------------

LEAVER_CHOICES = ("", "lump_sum", "ordinary")  # law's default / 一括徴収 on request / 普通徴収


@dataclass(frozen=True)
class LeaverCollection:
    remaining: int  # 未徴収税額: the amounts of the months after the final pay month, up to May
    lump_sum: int  # deducted from the final pay (一括徴収); 0 when the rest goes to 普通徴収
    mode: str  # "none" (nothing left), "lump_sum" or "ordinary" (普通徴収 via the 異動届)
    mandatory: bool  # left between 1 January and 30 April: 一括徴収 is required by the law


def remaining_months(pay_month: dt.date) -> list[str]:
    """The ``YYYY-MM`` keys after the pay month up to May of its municipal year (June to the following May)."""
    last_year = pay_month.year + 1 if pay_month.month >= 6 else pay_month.year
    keys: list[str] = []
    y, m = pay_month.year, pay_month.month
    while True:
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        if (y, m) > (last_year, 5):
            return keys
        keys.append(f"{y:04d}-{m:02d}")


def leaver_collection(leave_date: dt.date, pay_month: dt.date, schedule: Mapping[str, int], choice: str,
                      pay_available: int) -> LeaverCollection:
    """How the rest of a leaver's 特別徴収 is collected at the final pay (地方税法 321条の5②).

    Left between 1 January and 30 April: the rest (to May) is collected in one sum from the final pay, unless that pay
    (``pay_available``: the net pay before this sum) is smaller than it; then 普通徴収. Left between 1 June and
    31 December (and in May): 普通徴収 unless the employee asks for 一括徴収 (``choice == "lump_sum"``), which the pay
    must also cover. The month's own amount is deducted as usual and is not part of ``remaining``."""
    if choice not in LEAVER_CHOICES:
        raise Invalid("payroll.error.leaver_choice", field="resident_leaver_choice", value=choice)
    remaining = sum(int(schedule.get(k, 0)) for k in remaining_months(pay_month))
    mandatory = 1 <= leave_date.month <= 4
    if remaining <= 0:
        return LeaverCollection(0, 0, "none", mandatory)
    wanted = mandatory or choice == "lump_sum"
    if wanted and pay_available >= remaining:
        return LeaverCollection(remaining, remaining, "lump_sum", mandatory)
    return LeaverCollection(remaining, 0, "ordinary", mandatory)
