"""印紙税 (stamp duty) for a paper contract: the tables of 印紙税法 別表第一 and the 措法91条 reduced rates, as data.

Sources
-------
- 第1号 (不動産の譲渡, 消費貸借, 運送 ...) and 第2号 (請負): 国税庁 タックスアンサー No.7140 印紙税額の一覧表
  (その1); brackets cross-checked on tanaka-cpa-office.jp tax-rate-table/89 and by the boundary cases of the public
  tests in sakurataxsys/tax-pocket (tests/inshizei.test.js: ¥1,000,000 → 200, ¥1,000,001 → 400 for 第2号).
- 措法91条 軽減措置 (不動産譲渡契約書 over ¥100,000 and 建設工事請負契約書 over ¥1,000,000): 国税庁 タックスアンサー
  No.7108; the table from 2014-04-01 (dowa-ecoj.jp benri/2014/20140101; ys-consul.com 2014 report), extended to
  2027-03-31 (令和6年度改正; tax-com.sakura.ne.jp 2022-04-06 for the earlier extension). The 1997-04-01..2014-03-31
  table (only over ¥10,000,000 reduced) from maps-keiri.gr.jp zei/innsi/z-38.
- 第7号 (継続的取引の基本となる契約書) ¥4,000; a contract of 3 months or less without renewal is not 第7号
  (印紙税法施行令26条; inshizeiacchi2.com go10).
- 第17号 (売上代金の受取書): 国税庁 タックスアンサー No.7105 (under ¥50,000 非課税 from 2014-04-01, under ¥30,000
  before).
- An electronic contract is not "作成" of a document: 印紙税法基本通達44条; 国税庁 文書回答 "請負契約に係る注文請書を
  電磁的記録に変換して電子メールで送信した場合の印紙税の課税関係について".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ennoshita.errors import Invalid

_M = 10_000  # 万円

# (upper bound inclusive or None for "over", tax)
_NO1: tuple[tuple[int | None, int], ...] = (
    (10 * _M, 200), (50 * _M, 400), (100 * _M, 1_000), (500 * _M, 2_000), (1_000 * _M, 10_000),
    (5_000 * _M, 20_000), (10_000 * _M, 60_000), (50_000 * _M, 100_000), (100_000 * _M, 200_000),
    (500_000 * _M, 400_000), (None, 600_000))
_NO2: tuple[tuple[int | None, int], ...] = (
    (100 * _M, 200), (200 * _M, 400), (300 * _M, 1_000), (500 * _M, 2_000), (1_000 * _M, 10_000),
    (5_000 * _M, 20_000), (10_000 * _M, 60_000), (50_000 * _M, 100_000), (100_000 * _M, 200_000),
    (500_000 * _M, 400_000), (None, 600_000))
_NO17: tuple[tuple[int | None, int], ...] = (
    (100 * _M, 200), (200 * _M, 400), (300 * _M, 600), (500 * _M, 1_000), (1_000 * _M, 2_000),
    (2_000 * _M, 4_000), (3_000 * _M, 6_000), (5_000 * _M, 10_000), (10_000 * _M, 20_000), (20_000 * _M, 40_000),
    (30_000 * _M, 60_000), (50_000 * _M, 100_000), (100_000 * _M, 150_000), (None, 200_000))

# 措法91条: the reduced table from 2014-04-01 (不動産譲渡 over 10万円 / 建設工事 over 100万円)
_REDUCED_2014_REAL_ESTATE: tuple[tuple[int | None, int], ...] = (
    (50 * _M, 200), (100 * _M, 500), (500 * _M, 1_000), (1_000 * _M, 5_000), (5_000 * _M, 10_000),
    (10_000 * _M, 30_000), (50_000 * _M, 60_000), (100_000 * _M, 160_000), (500_000 * _M, 320_000), (None, 480_000))
_REDUCED_2014_CONSTRUCTION: tuple[tuple[int | None, int], ...] = (
    (200 * _M, 200), (300 * _M, 500), (500 * _M, 1_000), (1_000 * _M, 5_000), (5_000 * _M, 10_000),
    (10_000 * _M, 30_000), (50_000 * _M, 60_000), (100_000 * _M, 160_000), (500_000 * _M, 320_000), (None, 480_000))
_REDUCED_1997: tuple[tuple[int | None, int], ...] = (
    (5_000 * _M, 15_000), (10_000 * _M, 45_000), (50_000 * _M, 80_000), (100_000 * _M, 180_000),
    (500_000 * _M, 360_000), (None, 540_000))


@dataclass(frozen=True)
class ReducedPeriod:
    start: dt.date
    end: dt.date
    real_estate_over: int  # reduced only above this stated amount
    construction_over: int
    real_estate: tuple[tuple[int | None, int], ...]
    construction: tuple[tuple[int | None, int], ...]


REDUCED_PERIODS: tuple[ReducedPeriod, ...] = (
    ReducedPeriod(dt.date(1997, 4, 1), dt.date(2014, 3, 31), 1_000 * _M, 1_000 * _M, _REDUCED_1997, _REDUCED_1997),
    ReducedPeriod(dt.date(2014, 4, 1), dt.date(2027, 3, 31), 10 * _M, 100 * _M, _REDUCED_2014_REAL_ESTATE,
                  _REDUCED_2014_CONSTRUCTION),
)

DOCUMENTS = ("1", "2", "7", "17")
SUBJECTS = ("other", "real_estate", "construction")  # 不動産の譲渡 (第1号の1) / 建設工事の請負 (第2号)
NO_AMOUNT_TAX = 200  # 契約金額の記載のないもの (第1号, 第2号) / 受取金額の記載のないもの (第17号)
NO7_TAX = 4_000


@dataclass(frozen=True)
class StampDuty:
    tax: int  # yen; 0 when not taxable
    taxable: bool
    basis: str  # the law and the bracket, in Japanese
    reduced: bool = False


def _bracket(table: tuple[tuple[int | None, int], ...], amount: int) -> tuple[int, str]:
    lower = 0
    for upper, tax in table:
        if upper is None or amount <= upper:
            label = f"{lower:,}円超 {upper:,}円以下" if upper is not None else f"{lower:,}円超"
            return tax, label
        lower = upper
    raise AssertionError("the last bracket is open")  # pragma: no cover


def stamp_duty(document: str, amount: int | None, day: dt.date, *, electronic: bool = False,
               subject: str = "other", term_months: int | None = None, renewal: bool = True) -> StampDuty:
    """The stamp a paper ``document`` (第1号, 第2号, 第7号, 第17号) needs for its stated ``amount`` on ``day``.

    ``amount`` None: no amount stated. ``subject``: ``real_estate`` (不動産の譲渡, 第1号の1) or ``construction``
    (建設工事の請負, 第2号) for the 措法91条 reduced rates. ``term_months``/``renewal`` decide whether a basic
    contract is 第7号 at all."""
    if document not in DOCUMENTS:
        raise Invalid("contracts.error.document", field="document", document=document)
    if subject not in SUBJECTS:
        raise Invalid("contracts.error.subject", field="subject")
    if amount is not None and amount < 0:
        raise Invalid("contracts.error.amount", field="amount")
    if electronic:
        return StampDuty(0, False, "電子契約（電磁的記録）: 課税文書の作成に当たらない（印紙税法基本通達44条）")
    if document == "7":
        if term_months is not None and term_months <= 3 and not renewal:
            return StampDuty(0, False, "契約期間3ヶ月以内で更新の定めがない: 第7号文書に当たらない"
                                       "（印紙税法施行令26条）")
        return StampDuty(NO7_TAX, True, "第7号文書（継続的取引の基本となる契約書） 1通 4,000円")
    name = {"1": "第1号文書", "2": "第2号文書", "17": "第17号文書（売上代金の受取書）"}[document]
    if amount is None:
        return StampDuty(NO_AMOUNT_TAX, True, f"{name} 記載金額のないもの 200円")
    if document == "17":
        free_below = 5 * _M if day >= dt.date(2014, 4, 1) else 3 * _M
        if amount < free_below:
            return StampDuty(0, False, f"{name} 受取金額 {free_below:,}円未満: 非課税")
        tax, label = _bracket(_NO17, amount)
        return StampDuty(tax, True, f"{name} {label}")
    if amount < _M:
        return StampDuty(0, False, f"{name} 記載金額 1万円未満: 非課税")
    if (document, subject) in (("1", "real_estate"), ("2", "construction")):
        for period in REDUCED_PERIODS:
            over = period.real_estate_over if document == "1" else period.construction_over
            if period.start <= day <= period.end and amount > over:
                table = period.real_estate if document == "1" else period.construction
                tax, label = _bracket(table, amount)
                return StampDuty(tax, True, f"{name} {label}（租税特別措置法91条 軽減税率 "
                                            f"{period.start:%Y-%m-%d}〜{period.end:%Y-%m-%d}）", reduced=True)
    tax, label = _bracket(_NO1 if document == "1" else _NO2, amount)
    if document == "2" and label.startswith("0円超"):
        label = "1万円以上 1,000,000円以下"
    elif document == "1" and label.startswith("0円超"):
        label = "1万円以上 100,000円以下"
    return StampDuty(tax, True, f"{name} {label}")
