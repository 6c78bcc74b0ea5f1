"""源泉徴収 on 報酬・料金 paid to individuals: the tax, the 納付 due date, the 支払調書 threshold. Pure rules.

The tax (所得税法204条1項, 205条1号; 復興特別所得税 2.1% on top, 復興財源確保法28条, so 10% x 1.021 = 10.21%):

* one payment of ¥1,000,000 or less: payment x 10.21%;
* above ¥1,000,000: (payment - 1,000,000) x 20.42% + 102,100;
* 1円未満切り捨て (:attr:`Rounding.FLOOR`).

国税庁 タックスアンサー No.2795 (原稿料や講演料等を支払ったとき) and No.2798 (弁護士や税理士等に報酬を
支払ったとき), https://www.nta.go.jp/taxes/shiraberu/taxanswer/gensen/2795.htm and .../2798.htm: the
same formula; when the invoice shows the consumption tax separately (請求書等において報酬・料金等の額と消費税等
の額が明確に区分されている場合), the fee alone is the base; otherwise the tax-inclusive amount. No.2798's worked
example: a fee of ¥1,500,000 → (1,500,000 - 1,000,000) x 20.42% + 102,100 = 204,200.

Categories (所得税法204条1項): 1号 原稿料・デザイン料・講演料 …; 2号 弁護士・税理士・社会保険労務士・公認会計士
・弁理士・建築士 … (司法書士・土地家屋調査士 deduct ¥10,000 per payment first, 所得税法205条2号: not offered here).

納付 (所得税法216条 for the special rule, 220条 otherwise): the 10th of the month after the month of payment.
Under 納期の特例 (所得税法216条), a company with fewer than 10 employees that chose it pays what it withheld in
January-June by 7/10 and in July-December by 1/20 of the next year; the rule covers 給与 and the 2号 fees only
(税理士・弁護士等), not 1号 fees (原稿料・デザイン料・講演料 stay due on the 10th of the next month; 国税庁
No.2505). A due date on 土日祝 moves to the next business day (国税通則法10条2項).

支払調書 (所得税法225条1項3号, 所得税法施行規則84条): one per payee and calendar year, submitted when the year's
payments to the payee exceed ¥50,000 for the categories offered here (the ¥500,000 / ¥750,000 thresholds of
外交員, ホステス, 馬主 … are for categories we do not offer).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from ennoshita.dates import add_months, tax_deadline
from ennoshita.errors import Invalid
from ennoshita.money import Rounding, round_yen

RATE = Fraction(1021, 10_000)  # 10.21%
RATE_ABOVE = Fraction(2042, 10_000)  # 20.42%
BRACKET = 1_000_000
SUBMISSION_THRESHOLD = 50_000  # 支払調書: more than ¥50,000 in the year

# code → (所得税法204条1項 号, Japanese label, English label, 納期の特例 applies)
CATEGORIES: dict[str, tuple[int, str, str, bool]] = {
    "professional": (2, "税理士・弁護士・社労士等の報酬", "Fees of tax accountants, lawyers, labour consultants …",
                     True),
    "design": (1, "デザイン料", "Design fees", False),
    "manuscript": (1, "原稿料", "Manuscript fees", False),
    "lecture": (1, "講演料", "Lecture fees", False),
}
SALARY = "salary"  # payroll feeds the same 納付 list (給与: 納期の特例 applies)


def is_category(code: str) -> bool:
    return code in CATEGORIES


def withholding_tax(payment: int) -> int:
    """源泉所得税 on one payment of 報酬・料金 (1号/2号, not 司法書士): 10.21%, 20.42% above ¥1,000,000, floored."""
    if isinstance(payment, bool) or not isinstance(payment, int) or payment < 0:
        raise Invalid("withholding.error.payment", field="payment")
    if payment <= BRACKET:
        return round_yen(payment * RATE, Rounding.FLOOR)
    return round_yen(BRACKET * RATE + (payment - BRACKET) * RATE_ABOVE, Rounding.FLOOR)


@dataclass(frozen=True)
class Withholding:
    """The computation shown on the bill: the base (fee, without the tax shown separately), the tax."""

    category: str
    base: int
    tax: int
    above_bracket: int  # the part of the base above ¥1,000,000 (taxed at 20.42%)


def for_bill(category: str, net: int, gross: int, tax_shown_separately: bool = True) -> Withholding:
    """A bill's 源泉: the fee without consumption tax when the invoice shows the tax separately (a qualified
    invoice always does), else its tax-inclusive amount."""
    if not is_category(category):
        raise Invalid("withholding.error.category", field="withholding_category", value=category)
    base = net if tax_shown_separately else gross
    return Withholding(category, base, withholding_tax(base), max(0, base - BRACKET))


def special_rule_applies(category: str) -> bool:
    """納期の特例 covers 給与 and the 2号 fees (税理士等), not 原稿料・デザイン料・講演料."""
    return category == SALARY or CATEGORIES.get(category, (0, "", "", False))[3]


def due_date(paid: dt.date, category: str, special: bool) -> dt.date:
    """納期限 of tax withheld on ``paid``: the 10th of the next month, or (納期の特例) 7/10 for January-June and
    1/20 of the next year for July-December; a holiday moves it to the next business day."""
    if special and special_rule_applies(category):
        nominal = dt.date(paid.year, 7, 10) if paid.month <= 6 else dt.date(paid.year + 1, 1, 20)
    else:
        year, month = add_months(paid.year, paid.month, 1)
        nominal = dt.date(year, month, 10)
    return tax_deadline(nominal)


def must_submit(category: str, year_total: int) -> bool:
    """支払調書 to the tax office when the year's payments to the payee exceed the threshold."""
    return year_total > SUBMISSION_THRESHOLD
