"""Consumption tax categories (税区分) and the dated transitional deduction table (経過措置).

Rates: 10% standard, 8% reduced (軽減税率: 飲食料品, 新聞). Under 税抜経理 a tax-inclusive amount is split
into net + tax with the company's rounding rule (:func:`split_inclusive`).

Purchases from a supplier that is not a registered qualified-invoice issuer (免税事業者等) may deduct only
part of the input tax, by the date of the 課税仕入れ. The table below is data, so a law change is a data change.
Sources (checked 2026-12; no nta.go.jp page, 財務省 text or law text is readable from this machine, so each
figure is taken from a quotation of the 国税庁 text, never from this code):
- as enacted in 2023 (平成28年改正法附則52条・53条): 80% from 2023-10-01 to 2026-09-30, 50% from 2026-10-01 to
  2029-09-30 (国税庁「インボイス制度に関するQ&A」問113, 「適格請求書等保存方式の概要」);
- as amended by the 令和8年度税制改正 (所得税法等の一部を改正する法律, enacted 2026-03-31 according to the tool
  description at https://glama.ai/mcp/connectors/com.cyclixagents/jimu/tools/jp_tax_invoice_transitional_credit;
  the 大綱 was adopted by the Cabinet on 令和7年12月26日): 80% to 2026-09-30, 70% 2026-10-01..2028-09-30, 50%
  2028-10-01..2030-09-30, 30% 2030-10-01..2031-09-30, none after. These are the figures of 国税庁「令和８年度税制改正
  特集」 (https://www.nta.go.jp/taxes/shiraberu/zeimokubetsu/shohi/keigenzeiritsu/invoice-review/index.htm) as
  tabulated, "checked 2026-08-17", in the PHP library foovar/jp-invoice (src/TransitionalMeasure.php: "令和8年10月1日
  から2年間 70%", "令和10年10月1日から2年間 50%", "令和12年10月1日から1年間 30%", "令和13年10月1日以降は控除不可"),
  and the same periods in freee's developer notices for the 令和8年 change
  (https://developer.freee.co.jp/accounting/accounting-improvement/8133: 80% to 2026-09, 70% 2026-10..2028-09,
  50% 2028-10..2030-09, 30% 2030-10..2031-09, 0% from 2031-10; https://developer.freee.co.jp/invoice/
  invoice-improvement/8067, announced 2026-06-19). Before 2023-10-01 (区分記載請求書等保存方式) a purchase from a
  免税事業者 was a 課税仕入れ like any other: 100% deductible.

The per-supplier annual cap on that transitional credit (:data:`NON_REGISTERED_CAPS`) is a table dated by
the first day of the 課税期間 (a company's fiscal year), see :func:`non_registered_annual_cap`.

Sales categories for the 課税売上割合 (消費税法30条⑥, 施行令48条): ``ratio_class`` says where a sales line
counts: ``taxable`` (課税売上: numerator and denominator), ``zero_rated`` (輸出免税売上, 消費税法7条:
numerator and denominator), ``non_taxable`` (非課税売上, 消費税法6条: denominator only); ``""`` (不課税,
purchases) does not count.

用途区分 (消費税法30条②一, 基本通達11-2-18..20): under 個別対応方式 each 課税仕入れ is one of 課税売上対応
(``taxable``: used only for taxable sales, fully creditable), 非課税売上対応 (``non_taxable``: used only for
non-taxable sales, not creditable) or 共通対応 (``common``: credited x 課税売上割合). The tag rides on the
ledger line's 税区分 code as a suffix (``purchase_10:common``), so every path that carries a category (posting,
取消, import, export, the maintained per-category totals) carries the tag too: :func:`with_purpose`,
:data:`CATEGORIES` holds the tagged variants. An untagged 課税仕入 gets the company's default (共通対応) when
it is posted.

簡易課税の事業区分 (消費税法施行令57条, 第一種事業（卸売業） … 第六種事業（不動産業）) rides the same way on a
課税売上 or 輸出免税売上 code: ``sales_10:t2`` (:func:`with_business_type`, :func:`business_type_of`). An untagged
sales line is left untagged when posted: the return counts it as the company's ``simplified_type``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from ennoshita.money import Rounding, round_yen

RATE_10 = Fraction(10, 100)
RATE_8 = Fraction(8, 100)
ZERO = Fraction(0)


@dataclass(frozen=True)
class TaxCategory:
    code: str
    name_ja: str
    name_en: str
    direction: str  # sales / purchase / none
    rate: Fraction
    taxable: bool
    transitional: bool = False  # purchase from a non-registered supplier (経過措置)
    reduced: bool = False
    ratio_class: str = ""  # taxable / zero_rated / non_taxable: where a sales line counts in 課税売上割合
    small_amount: bool = False  # 少額特例: full credit without a qualified invoice (checked when posted)
    purpose: str = ""  # 用途区分 of a tagged 課税仕入 variant: taxable / non_taxable / common ("" untagged)
    base: str = ""  # the untagged category code of a tagged variant ("" for an untagged category)
    business_type: int = 0  # 簡易課税の事業区分 1..6 of a tagged 課税売上 variant (0 untagged: the company's default)

    @property
    def takes_purpose(self) -> bool:
        """A 課税仕入 category: its lines carry a 用途区分 (個別対応方式)."""
        return self.direction == "purchase" and self.taxable

    @property
    def takes_business_type(self) -> bool:
        """A 課税売上 or 輸出免税売上 category (課税資産の譲渡等, 施行令57条③): its lines carry a 事業区分."""
        return self.direction == "sales" and self.ratio_class in ("taxable", "zero_rated")


CATEGORY_LIST: tuple[TaxCategory, ...] = (
    TaxCategory("sales_10", "課税売上10%", "Taxable sales 10%", "sales", RATE_10, True, ratio_class="taxable"),
    TaxCategory("sales_8r", "課税売上8%(軽減)", "Taxable sales 8% (reduced)", "sales", RATE_8, True, reduced=True,
                ratio_class="taxable"),
    TaxCategory("sales_exempt", "非課税売上", "Non-taxable sales", "sales", ZERO, False, ratio_class="non_taxable"),
    TaxCategory("sales_export", "輸出免税売上", "Export (zero-rated) sales", "sales", ZERO, False,
                ratio_class="zero_rated"),
    TaxCategory("purchase_10", "課税仕入10%", "Taxable purchases 10%", "purchase", RATE_10, True),
    TaxCategory("purchase_8r", "課税仕入8%(軽減)", "Taxable purchases 8% (reduced)", "purchase", RATE_8, True,
                reduced=True),
    TaxCategory("purchase_10_transitional", "課税仕入10%(経過措置・適格請求書なし)",
                "Taxable purchases 10% (no qualified invoice, transitional)", "purchase", RATE_10, True, True),
    TaxCategory("purchase_8r_transitional", "課税仕入8%(軽減・経過措置・適格請求書なし)",
                "Taxable purchases 8% reduced (no qualified invoice, transitional)", "purchase", RATE_8, True, True,
                True),
    # 少額特例 (平成28年改正法附則53条の2): a purchase under ¥10,000 税込 from 2023-10-01 to 2029-09-30, credited in
    # full without a qualified invoice by a company whose 基準期間 taxable sales were ≤ ¥100,000,000; the
    # category records the basis on the line, and posting refuses it when the conditions do not hold
    TaxCategory("purchase_10_small", "課税仕入10%(少額特例)", "Taxable purchases 10% (small-amount exception)",
                "purchase", RATE_10, True, small_amount=True),
    TaxCategory("purchase_8r_small", "課税仕入8%(軽減・少額特例)",
                "Taxable purchases 8% reduced (small-amount exception)", "purchase", RATE_8, True, reduced=True,
                small_amount=True),
    TaxCategory("purchase_exempt", "非課税仕入", "Non-taxable purchases", "purchase", ZERO, False),
    TaxCategory("out_of_scope", "対象外/不課税", "Out of scope", "none", ZERO, False),
)

# 用途区分 (個別対応方式, 消費税法30条②一): code, Japanese label, English label
PURPOSE_TAXABLE, PURPOSE_NON_TAXABLE, PURPOSE_COMMON = "taxable", "non_taxable", "common"
PURPOSES: tuple[tuple[str, str, str], ...] = (
    (PURPOSE_TAXABLE, "課税売上対応", "for taxable sales"),
    (PURPOSE_NON_TAXABLE, "非課税売上対応", "for non-taxable sales"),
    (PURPOSE_COMMON, "共通対応", "common to both"),
)
PURPOSE_CODES = tuple(p[0] for p in PURPOSES)
DEFAULT_PURPOSE = PURPOSE_COMMON
PURPOSE_SEPARATOR = ":"


def _tagged(c: TaxCategory) -> tuple[TaxCategory, ...]:
    from dataclasses import replace

    return tuple(replace(c, code=f"{c.code}{PURPOSE_SEPARATOR}{code}", name_ja=f"{c.name_ja}・{ja}",
                         name_en=f"{c.name_en}, {en}", purpose=code, base=c.code)
                 for code, ja, en in PURPOSES)


# 簡易課税の事業区分 (消費税法施行令57条⑤⑥, 国税庁 タックスアンサー No.6509): number, Japanese label, English label.
# The tag on a 課税売上 code is ``t`` + the number (``sales_10:t2``); see :func:`with_business_type`.
BUSINESS_TYPES: tuple[tuple[int, str, str], ...] = (
    (1, "第一種事業（卸売業）", "type 1 (wholesale)"),
    (2, "第二種事業（小売業）", "type 2 (retail)"),
    (3, "第三種事業（製造業等）", "type 3 (manufacturing etc.)"),
    (4, "第四種事業（その他）", "type 4 (other)"),
    (5, "第五種事業（サービス業等）", "type 5 (services etc.)"),
    (6, "第六種事業（不動産業）", "type 6 (real estate)"),
)
BUSINESS_TYPE_CODES = tuple(b[0] for b in BUSINESS_TYPES)
BUSINESS_TAG = "t"


def business_tag(business_type: int) -> str:
    return f"{BUSINESS_TAG}{business_type}"


def _typed(c: TaxCategory) -> tuple[TaxCategory, ...]:
    from dataclasses import replace

    return tuple(replace(c, code=f"{c.code}{PURPOSE_SEPARATOR}{business_tag(n)}", name_ja=f"{c.name_ja}・{ja}",
                         name_en=f"{c.name_en}, {en}", business_type=n, base=c.code)
                 for n, ja, en in BUSINESS_TYPES)


def _variants(c: TaxCategory) -> tuple[TaxCategory, ...]:
    if c.takes_purpose:
        return (c, *_tagged(c))
    if c.takes_business_type:
        return (c, *_typed(c))
    return (c,)


# every category, the 課税仕入 ones also with each 用途区分 and the 課税売上 / 輸出免税売上 ones with each 事業区分
# (CATEGORY_LIST: the untagged ones, in order)
TAGGED_LIST: tuple[TaxCategory, ...] = tuple(v for c in CATEGORY_LIST for v in _variants(c))
CATEGORIES: dict[str, TaxCategory] = {c.code: c for c in TAGGED_LIST}


def business_type_of(code: str | None) -> int:
    """The 事業区分 (1..6) a 課税売上 code is tagged with; 0 when untagged (or not a sales code)."""
    cat = CATEGORIES.get(code or "")
    return cat.business_type if cat is not None else 0


def with_business_type(code: str | None, business_type: int | None) -> str | None:
    """The 課税売上 / 輸出免税売上 code tagged with ``business_type`` (1..6, replacing any tag it had); any other
    code, or ``business_type`` None / 0, unchanged. An unknown number gives an unknown code (refused when posted)."""
    base, _current = split_purpose(code)
    if not base or not business_type:
        return code
    cat = CATEGORIES.get(base)
    if cat is None or not cat.takes_business_type:
        return code
    return f"{base}{PURPOSE_SEPARATOR}{business_tag(business_type)}"


def split_purpose(code: str | None) -> tuple[str | None, str]:
    """(untagged code, its tag or "") of a category code: the 用途区分 of a 課税仕入, ``t1``..``t6`` of a 課税売上."""
    if code and PURPOSE_SEPARATOR in code:
        base, purpose = code.split(PURPOSE_SEPARATOR, 1)
        return base, purpose
    return code, ""


def with_purpose(code: str | None, purpose: str | None) -> str | None:
    """The code tagged with ``purpose`` when the category is a 課税仕入 (else the untagged code as it is);
    ``purpose`` None or "": the code unchanged."""
    base, current = split_purpose(code)
    if not base or not purpose:
        return code
    cat = CATEGORIES.get(base)
    if cat is None or not cat.takes_purpose:
        return code if cat is not None and cat.takes_business_type else base  # a 事業区分 stays
    return f"{base}{PURPOSE_SEPARATOR}{purpose}"


def tagged_or_default(code: str | None, default: str) -> str | None:
    """A 課税仕入 code with no 用途区分 gets ``default`` (the company's); any other code is unchanged."""
    if not code or PURPOSE_SEPARATOR in code:
        return code
    cat = CATEGORIES.get(code)
    if cat is None or not cat.takes_purpose:
        return code
    return f"{code}{PURPOSE_SEPARATOR}{default}"

# The codes other domains post with (sales lines at rate 0 choose one of the last three).
SALES_10, SALES_8R = "sales_10", "sales_8r"
SALES_EXPORT = "sales_export"  # 輸出免税売上 (免税, 消費税法7条)
SALES_NON_TAXABLE = "sales_exempt"  # 非課税売上 (消費税法6条)
OUT_OF_SCOPE = "out_of_scope"  # 不課税 / 対象外

INVOICE_ERA = dt.date(2023, 10, 1)  # 適格請求書等保存方式 from this day
FULL = Fraction(1)

# (first day, last day, deductible share of the input tax)
TRANSITIONAL_DEDUCTION: tuple[tuple[dt.date, dt.date, Fraction], ...] = (
    (dt.date(2023, 10, 1), dt.date(2026, 9, 30), Fraction(80, 100)),
    (dt.date(2026, 10, 1), dt.date(2028, 9, 30), Fraction(70, 100)),
    (dt.date(2028, 10, 1), dt.date(2030, 9, 30), Fraction(50, 100)),
    (dt.date(2030, 10, 1), dt.date(2031, 9, 30), Fraction(30, 100)),
)


def transitional_deduction_ratio(day: dt.date) -> Fraction:
    """Share of the input tax deductible on a purchase from a non-registered supplier on ``day``: all of it
    before the invoice system (2023-10-01), the dated share during the transition, nothing after."""
    if day < INVOICE_ERA:
        return FULL
    for first, last, ratio in TRANSITIONAL_DEDUCTION:
        if first <= day <= last:
            return ratio
    return ZERO


# The per-supplier annual cap on the transitional credit, by the first day of the 課税期間 it applies to:
# (課税期間 starting on or after, cap in yen 税込 per 一の免税事業者等 per 課税期間). Sources (checked 2026-12):
# - 10億円, 令和6年度税制改正 (平成28年改正法附則52条・53条 as amended), from 国税庁 wording:
#   国税庁「適格請求書等保存方式の概要 －インボイス制度の理解のために－」(令和6年改訂), 経過措置 page:
#   "令和6年10月1日以後に開始する課税期間においては、一の免税事業者等から行う当該経過措置の対象となる課税仕入れの
#   額の合計額がその年又はその事業年度で税込み10億円を超える場合には、その超えた部分の課税仕入れについて、本経過
#   措置は適用できません。" (the pamphlet as reproduced at https://zeirisi.hiho.jp/?p=24192; the same wording at
#   https://www.zeikei.net/news/news/news_topic/24news_1003.html).
# - 1億円, 令和8年度税制改正 (enacted; see the module docstring), from 国税庁「令和８年度税制改正特集」
#   (https://www.nta.go.jp/taxes/shiraberu/zeimokubetsu/shohi/keigenzeiritsu/invoice-review/index.htm), whose
#   sentence is quoted word for word by foovar/jp-invoice: "一のインボイス発行事業者以外の者からの課税仕入れの
#   合計額（税込み）が、その年又は事業年度で1億円（改正前：10億円）を超える場合には、その超えた部分の課税仕入れに
#   ついて適用できません。", 令和8年10月1日以後に開始する課税期間から (foovar/jp-invoice src/TransitionalMeasure.php
#   and its guide page /guide/transitional/, "出典: 国税庁「令和８年度税制改正特集」（2026年8月17日確認）"; a
#   second, unrelated repository's notes cite the same page and インボイスQ&A 問113 (令和8年4月改訂) for 1億円). The
#   大綱 summary by 経済産業省 (令和7年12月, quoted at https://www.fps-net.com/knowledge/tax/2026/4_3.html) says
#   the same. NOT read here: the nta.go.jp page itself and the law's text (neither is in the library); replace
#   these quotations with the Q&A 問113 wording when it can be read.
# Before 2024-10-01 there is no cap (None).
NON_REGISTERED_CAPS: tuple[tuple[dt.date, int], ...] = (
    (dt.date(2024, 10, 1), 1_000_000_000),
    (dt.date(2026, 10, 1), 100_000_000),
)


# 少額特例 (平成28年改正法附則53条の2, 平成30年改正令附則24条の2): a business whose 基準期間 taxable sales were at most
# ¥100,000,000 may credit a purchase under ¥10,000 税込 made from 2023-10-01 to 2029-09-30 on the books alone.
SMALL_AMOUNT_LIMIT = 10_000  # less than ¥10,000 税込
SMALL_AMOUNT_FROM = dt.date(2023, 10, 1)
SMALL_AMOUNT_UNTIL = dt.date(2029, 9, 30)
SMALL_AMOUNT_BASE_PERIOD_LIMIT = 100_000_000


def small_amount_company(enabled: bool, base_period_sales: int | None) -> bool:
    """The company chose the 少額特例 and its 基準期間 taxable sales were at most ¥100,000,000."""
    return enabled and base_period_sales is not None and 0 <= base_period_sales <= SMALL_AMOUNT_BASE_PERIOD_LIMIT


def non_registered_annual_cap(period_start: dt.date) -> int | None:
    """The cap for the 課税期間 (fiscal year) beginning on ``period_start``; None when there is none."""
    cap: int | None = None
    for first, amount in NON_REGISTERED_CAPS:
        if period_start >= first:
            cap = amount
    return cap


def split_inclusive(gross: int, category: TaxCategory, rule: Rounding) -> tuple[int, int]:
    """(net, tax) of a tax-inclusive amount: tax = round(gross x rate / (1 + rate))."""
    if not category.taxable or not category.rate:
        return gross, 0
    tax = round_yen(Fraction(gross) * category.rate / (1 + category.rate), rule)
    return gross - tax, tax


def deductible_input_tax(tax: int, day: dt.date, rule: Rounding) -> int:
    """The deductible part of ``tax`` on a purchase from a non-registered supplier (経過措置)."""
    return round_yen(Fraction(tax) * transitional_deduction_ratio(day), rule)


def split_line(amount: int, category: TaxCategory, day: dt.date | None, rule: Rounding,
               given_tax: int | None = None) -> tuple[int, int]:
    """THE 税抜経理 split rule, used by every posting path (entry, import, documents, payment runs):
    (net, tax to 仮受/仮払消費税) of a tax-inclusive ``amount``.

    The tax is ``given_tax`` when the source states it (an imported file), else computed with the company's
    rounding. A 経過措置 purchase books only the deductible share of the tax, by the transaction ``day``; a
    stated tax larger than that share is capped at it (the rest stays in the cost)."""
    if not category.taxable or not category.rate or category.direction == "none":
        return amount, 0
    if given_tax is not None and not (category.transitional and day is not None):
        return amount - given_tax, given_tax  # the stated tax, kept as given (no computed share to cap it)
    _net, full = split_inclusive(amount, category, rule)
    tax = full if given_tax is None else given_tax
    if category.transitional and day is not None:
        limit = deductible_input_tax(full, day, rule)
        tax = limit if given_tax is None else min(given_tax, limit)
    return amount - tax, tax
