"""Full input-tax credit without a qualified invoice: the cases the law allows, as pure rules shared by supplier
bills and expense claims.

* 少額特例 (平成28年改正法附則53条の2, 平成30年改正令附則24条の2): a business whose 基準期間 taxable sales were
  ¥100,000,000 or less (or, failing that, whose 特定期間 taxable sales were ¥50,000,000 or less) may credit a
  purchase of less than ¥10,000 税込 (one transaction) made from 2023-10-01 to 2029-09-30 on the books alone.
  A company setting with the 基準期間 figure (the user enters the figure that qualifies it).
* 帳簿のみの保存で仕入税額控除が認められるもの (消費税法施行令49条1項1号, 消費税法施行規則15条の4; 国税庁
  インボイスQ&A 問109-問111): 公共交通機関 (船舶・バス・鉄道) fares under ¥30,000 税込, goods and services bought
  from 自動販売機・自動サービス機 under ¥30,000, and 入場券等 collected by the machine at the entrance (no
  amount limit).
"""

from __future__ import annotations

import datetime as dt

from ennoshita.ledger.taxes import (  # the ledger checks the same rule on a journal entry's 少額特例 category
    SMALL_AMOUNT_BASE_PERIOD_LIMIT as BASE_PERIOD_LIMIT,
)
from ennoshita.ledger.taxes import SMALL_AMOUNT_FROM, SMALL_AMOUNT_LIMIT, SMALL_AMOUNT_UNTIL, small_amount_company

# reason → the amount a single purchase must stay below (None: no limit)
__all__ = ["BASE_PERIOD_LIMIT", "NO_INVOICE_REASONS", "SMALL_AMOUNT_FROM", "SMALL_AMOUNT_LIMIT", "SMALL_AMOUNT_UNTIL",
           "company_qualifies", "no_invoice_reason_ok", "small_amount_applies"]

NO_INVOICE_REASONS: dict[str, int | None] = {
    "public_transport": 30_000,  # 公共交通機関特例
    "vending_machine": 30_000,  # 自動販売機・自動サービス機
    "admission_ticket": None,  # 入場券等で使用の際に回収されるもの
}


def company_qualifies(enabled: bool, base_period_sales: int | None) -> bool:
    """The company chose the 少額特例 and its 基準期間 taxable sales were at most ¥100,000,000."""
    return small_amount_company(enabled, base_period_sales)


def small_amount_applies(qualifies: bool, day: dt.date, gross: int) -> bool:
    """少額特例 for one purchase: a qualifying company, the purchase dated within the period, under ¥10,000."""
    return qualifies and SMALL_AMOUNT_FROM <= day <= SMALL_AMOUNT_UNTIL and 0 < gross < SMALL_AMOUNT_LIMIT


def no_invoice_reason_ok(reason: str, gross: int) -> bool:
    """A receipt of this kind needs no qualified invoice (within its amount limit)."""
    if reason not in NO_INVOICE_REASONS:
        return False
    limit = NO_INVOICE_REASONS[reason]
    return limit is None or gross < limit
