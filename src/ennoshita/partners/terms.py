"""Billing terms: which closing date (締日) covers a delivery, and when the money is due (支払日).

A partner is billed either per delivery (都度請求) or at a monthly closing day: 5, 10, 15, 20, 25
or the end of the month (末日). The end of the month is stored as 31: a closing or pay day larger
than the month is long means that month's last day (31 in a 30-day month is the 30th; 2月末 is the
28th, or the 29th in a leap year). Payment terms read "締め後 N か月目の D 日" — 翌月末 is
(1, 31), 翌々月10日 is (2, 10) — and a due date on 土日祝 or 年末年始 (12/31-1/3, banks closed)
moves to the previous or next business day by the partner's rule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ennoshita.dates import HolidayShift, add_months, end_of_month, shift_to_business_day
from ennoshita.errors import Invalid

END_OF_MONTH = 31  # 末日
PER_DELIVERY = 0  # 都度請求: the delivery date is its own closing date
STANDARD_CLOSING_DAYS = (5, 10, 15, 20, 25, END_OF_MONTH)
MAX_MONTHS_AFTER = 12


def _check_day(day: int, key: str, field: str, allow_zero: bool) -> None:
    if not ((allow_zero and day == 0) or 1 <= day <= 31):
        raise Invalid(key, field=field, day=day)


def day_in_month(year: int, month: int, day: int) -> dt.date:
    """Day ``day`` of the month, where a day past the month's end (e.g. 31 = 末日) is its last day."""
    last = end_of_month(year, month)
    return last if day >= last.day else dt.date(year, month, day)


def closing_date_for(delivery_date: dt.date, closing_day: int) -> dt.date:
    """The closing date whose billing covers ``delivery_date``.

    With a closing day of 20, deliveries of 11/21..12/20 close on 12/20; with 末日 (31), every delivery
    closes at its month's end; per delivery (0), the delivery closes on its own date.
    """
    _check_day(closing_day, "sales.error.closing_day", "closing_day", allow_zero=True)
    if closing_day == PER_DELIVERY:
        return delivery_date
    this_month = day_in_month(delivery_date.year, delivery_date.month, closing_day)
    if delivery_date <= this_month:
        return this_month
    year, month = add_months(delivery_date.year, delivery_date.month, 1)
    return day_in_month(year, month, closing_day)


def payment_due(closing_date: dt.date, months_after: int, pay_day: int, holiday_shift: HolidayShift) -> dt.date:
    """支払期日 for a closing date: day ``pay_day`` (31 = 末日) of the month ``months_after`` later,
    moved off 土日祝/年末年始 by ``holiday_shift`` (前営業日 / 翌営業日 / そのまま).

    The unshifted date must not fall before the closing date (当月10日 払い after a 20日 closing makes
    no sense).
    """
    _check_day(pay_day, "sales.error.pay_day", "pay_day", allow_zero=False)
    if not 0 <= months_after <= MAX_MONTHS_AFTER:
        raise Invalid("sales.error.months_after", field="months_after", max=MAX_MONTHS_AFTER)
    year, month = add_months(closing_date.year, closing_date.month, months_after)
    due = day_in_month(year, month, pay_day)
    if due < closing_date:
        raise Invalid("sales.error.payment_before_closing", field="pay_day",
                      closing_date=closing_date, due_date=due)
    return shift_to_business_day(due, holiday_shift)


@dataclass(frozen=True)
class PaymentTerms:
    """A partner's 締日/支払日 terms: e.g. 20日締め翌月末払い, 翌営業日."""

    closing_day: int  # 5/10/15/20/25/31 (末日) or 0 (都度)
    months_after: int  # 0 当月, 1 翌月, 2 翌々月
    pay_day: int  # 1..31, 31 = 末日
    holiday_shift: HolidayShift = HolidayShift.NEXT

    def closing_date_for(self, delivery_date: dt.date) -> dt.date:
        return closing_date_for(delivery_date, self.closing_day)

    def due_date_for(self, delivery_date: dt.date) -> dt.date:
        """支払期日 of a delivery: its closing date, then the payment rule."""
        return payment_due(self.closing_date_for(delivery_date), self.months_after, self.pay_day,
                           self.holiday_shift)
