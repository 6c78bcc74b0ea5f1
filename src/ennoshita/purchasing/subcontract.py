"""中小受託取引適正化法 (取適法: 製造委託等に係る中小受託事業者に対する代金の支払の遅延等の防止に関する法律,
in force from 2026-01-01, formerly 下請法) as it bears on paying a 中小受託事業者. Pure rules.

* 先方負担 of the transfer fee is prohibited: the 公正取引委員会's 取適法運用基準 第4の3(1)カ names as a
  prohibited 減額 "中小受託事業者との合意の有無にかかわらず、代金を中小受託事業者の銀行口座へ振り込む際の手数料を
  中小受託事業者に負担させ、代金から差し引くこと" (公正取引委員会, 取適法運用基準, 2025-10-01,
  https://www.jftc.go.jp/houdou/pressrelease/2025/oct/251001_toriteki1-4.pdf; under the old 下請法
  運用基準 4の3(1)キ it was allowed with a written agreement). A partner flagged 中小受託事業者 cannot be
  set to 先方負担, and a payment run bears the fee for it whatever the partner says.
* 支払期日 (取適法3条1項): within 60 days of the day the goods or service were received (受領日, counted as day 1:
  the 60th day is 受領日 + 59), whether or not they are inspected (検収). The 運用基準 reads "60日以内" as
  "2か月以内" for monthly closing terms (月単位の締切制度: 毎月末日締切・翌月末日支払 is lawful), so a due date
  is within the limit when it is no later than ``receipt + 59 days`` or the day before the same date two months
  later (whichever is later). The limit is checked on the nominal due date (before a 土日祝 shift).

The size test (資本金 or, new in 取適法, 常時使用する従業員数) depends on both parties and the kind of
transaction; the partner keeps the flag and the basis the user judged it on (資本金・従業員数), as text.
"""

from __future__ import annotations

import datetime as dt

from ennoshita.dates import add_months, end_of_month
from ennoshita.errors import Problem
from ennoshita.partners.terms import day_in_month

LAW = "中小受託取引適正化法(取適法)"
MAX_DAYS = 60
SAMPLE_YEAR = 2027  # terms are checked for every receipt day of a (non-leap) year


def latest_due(receipt: dt.date) -> dt.date:
    """The last lawful 支払期日 for goods received on ``receipt``."""
    by_days = receipt + dt.timedelta(days=MAX_DAYS - 1)
    year, month = add_months(receipt.year, receipt.month, 2)
    same_day = dt.date(year, month, min(receipt.day, end_of_month(year, month).day))
    by_months = same_day - dt.timedelta(days=1) if same_day.day == receipt.day else same_day
    return max(by_days, by_months)


def nominal_due(receipt: dt.date, closing_day: int, months_after: int, pay_day: int) -> dt.date:
    """The unshifted due date of a receipt under 締日/支払日 terms (closing_day 0: per delivery)."""
    if closing_day == 0:
        closing = receipt
    else:
        closing = day_in_month(receipt.year, receipt.month, closing_day)
        if receipt > closing:
            y, m = add_months(receipt.year, receipt.month, 1)
            closing = day_in_month(y, m, closing_day)
    y, m = add_months(closing.year, closing.month, months_after)
    return day_in_month(y, m, pay_day)


def terms_problem(closing_day: int, months_after: int, pay_day: int, field: str = "months_after"
                  ) -> Problem | None:
    """A Problem when some receipt under these terms would be paid later than 取適法3条 allows."""
    day = dt.date(SAMPLE_YEAR, 1, 1)
    while day.year == SAMPLE_YEAR:
        due = nominal_due(day, closing_day, months_after, pay_day)
        if due > latest_due(day):
            return Problem("purchasing.error.sme_payment_term", field, {
                "law": LAW, "receipt": day, "due": due, "days": MAX_DAYS})
        day += dt.timedelta(days=1)
    return None


def due_problem(receipt: dt.date, due: dt.date, field: str = "due_date") -> Problem | None:
    """A Problem when a bill's 支払期日 is later than 60 days after its 検収 (受領) date."""
    if due > latest_due(receipt):
        return Problem("purchasing.error.sme_payment_term", field, {
            "law": LAW, "receipt": receipt, "due": due, "days": MAX_DAYS})
    return None


def fee_bearer_problem(fee_bearer: str, field: str = "fee_bearer") -> Problem | None:
    """先方負担 (payee) is refused for a 中小受託事業者 (取適法運用基準 第4の3(1)カ)."""
    if fee_bearer == "payee":
        return Problem("purchasing.error.sme_fee_bearer", field, {"law": LAW})
    return None
