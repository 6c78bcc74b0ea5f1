"""Dated rate tables for payroll, each with its source. A law change is a new row here, not new code.

Every table is keyed by the date it takes effect, on the basis the law uses: 健康保険 by 月分 (the premium
month; a new fiscal-year rate starts with 3月分), 子ども・子育て支援金 from 令和8年4月分, 雇用保険 by fiscal year
(April), 厚生年金 grades by the month of the grade change (the ceiling rises each September 2027-2029), income tax
by calendar year. ``in_force(table, day)`` returns the row in force on ``day``.

The large 源泉徴収税額表 (月額表, 賞与の算出率の表) are CSV files in ``payroll/data/`` with their sources in
their headers.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import cache
from importlib import resources
from typing import TypeVar

from ennoshita.errors import Invalid

T = TypeVar("T")

D = Decimal


def pct(text: str) -> Fraction:
    """A percentage written as in the source ("9.85") as an exact fraction (0.0985)."""
    return Fraction(D(text)) / 100


def permille(text: str) -> Fraction:
    return Fraction(D(text)) / 1000


def in_force(table: Sequence[tuple[dt.date, T]], day: dt.date, what: str) -> T:
    """The row of a dated table (ascending by effective date) in force on ``day``."""
    found: T | None = None
    for since, row in table:
        if since <= day:
            found = row
        else:
            break
    if found is None:
        raise Invalid("payroll.error.no_table", field="date", table=what, date=day)
    return found


# --- 都道府県 (JIS X 0401 codes) -------------------------------------------------------------------

PREFECTURES: tuple[str, ...] = (
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県",
    "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県",
    "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県",
    "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県", "香川県", "愛媛県", "高知県", "福岡県",
    "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
)


def prefecture_name(code: int) -> str:
    if not 1 <= code <= 47:
        raise Invalid("payroll.error.prefecture", field="prefecture", value=code)
    return PREFECTURES[code - 1]


# --- 協会けんぽ 健康保険料率 (一般保険料率, 都道府県単位) ----------------------------------------------
# 令和8年度, from 令和8年3月分 (April payment). Source: 全国健康保険協会 「令和8年度の協会けんぽの保険料率」
# https://www.kyoukaikenpo.or.jp/about/business/insurance_rate/rate_prefectures/r08/index.html (decided by the
# 運営委員会 on 2026-01-29); the list as reprinted in https://office-mori.biz/?p=10257 and cross-checked with
# https://www.oikawa-genkisj.com/announce2_94229.html (東京 9.85, 千葉 9.73, 埼玉 9.67, 神奈川 9.92, 茨城 9.52)
# and https://kumazawa-hr.com/2026insurance (大阪 10.13). Seven prefectures unchanged from 令和7年度 (青森, 秋田,
# 山形, 栃木, 神奈川, 島根, 沖縄), forty lowered: https://workinnovation.co.jp/column/20260219.
_KYOKAI_R08 = (
    "10.28 9.85 9.51 10.10 10.01 9.75 9.50 9.52 9.82 9.68 "  # 北海道..群馬
    "9.67 9.73 9.85 9.92 9.21 9.59 9.70 9.71 9.55 9.63 "  # 埼玉..長野
    "9.80 9.61 9.93 9.77 9.88 9.89 10.13 10.12 9.91 10.06 "  # 岐阜..和歌山
    "9.86 9.94 10.05 9.78 10.15 10.24 10.02 9.98 10.05 10.11 "  # 鳥取..福岡
    "10.55 10.06 10.08 10.08 9.77 10.13 9.44"  # 佐賀..沖縄
)

# 令和7年度 (from 令和7年3月分), the previous column of the same list (office-mori.biz), cross-checked with
# https://limo.media/articles/-/79028 (佐賀 10.78, 徳島 10.47, 長崎 10.41, 沖縄 9.44, 新潟 9.55, 岩手・福島 9.62).
_KYOKAI_R07 = (
    "10.31 9.85 9.62 10.11 10.01 9.75 9.62 9.67 9.82 9.77 "
    "9.76 9.79 9.91 9.92 9.55 9.65 9.88 9.94 9.89 9.69 "
    "9.93 9.80 10.03 9.99 9.97 10.03 10.24 10.16 10.02 10.19 "
    "9.93 9.94 10.17 9.97 10.36 10.47 10.21 10.18 10.13 10.31 "
    "10.78 10.41 10.12 10.25 10.09 10.31 9.44"
)

KYOKAI_HEALTH_RATES: tuple[tuple[dt.date, dict[int, Fraction]], ...] = (
    (dt.date(2025, 3, 1), {i + 1: pct(v) for i, v in enumerate(_KYOKAI_R07.split())}),
    (dt.date(2026, 3, 1), {i + 1: pct(v) for i, v in enumerate(_KYOKAI_R08.split())}),
)

# 介護保険料率 (第2号被保険者, ages 40-64), nationwide. 令和8年3月分から 1.62% (令和7年度 1.59%).
# Source: 協会けんぽ 令和8年度保険料率 (above); https://www.oikawa-genkisj.com/announce2_94229.html.
CARE_RATES: tuple[tuple[dt.date, Fraction], ...] = (
    (dt.date(2025, 3, 1), pct("1.59")),
    (dt.date(2026, 3, 1), pct("1.62")),
)

# 子ども・子育て支援金率: 0.23% from 令和8年4月分 (deducted from May pay when premiums are collected in arrears),
# split half and half. Source: こども家庭庁 / 協会けんぽ 令和8年度保険料率; the MHLW Q&A of 2026-02-12 says the
# employee share is computed on 一般保険料率 + 支援金率 together, halved and rounded once
# (https://www.psrn.jp/topics/detail.php?id=39832).
SUPPORT_RATES: tuple[tuple[dt.date, Fraction], ...] = (
    (dt.date(2000, 1, 1), Fraction(0)),
    (dt.date(2026, 4, 1), pct("0.23")),
)

# 厚生年金保険料率 18.300% (fixed since 平成29年9月分). Source: 日本年金機構 「厚生年金保険料額表」
# https://www.nenkin.go.jp/service/kounen/hokenryo/ryogaku/ryogakuhyo/index.html
PENSION_RATES: tuple[tuple[dt.date, Fraction], ...] = ((dt.date(2017, 9, 1), pct("18.3")),)

# 子ども・子育て拠出金 (子ども・子育て支援法 71条, employer only, on the 厚生年金 標準報酬月額・標準賞与額): 0.36%
# from 令和2年4月分 (https://www.fukushita.com/article/14342192.html), unchanged in 令和3-4年度
# (https://fwin.jp/category/payroll) and for 令和8年度 (https://workinnovation.co.jp/column/20260219 ポイント3).
# Primary sources: the 日本年金機構 notice 「令和8年度 子ども・子育て拠出金率」 (R08kikinryougaku.pdf, nenkin.go.jp)
# and the 協会けんぽ 令和8年3月分からの保険料額表 (r8ippan3.xlsx, R8_13tokyo.pdf; its 注記: 子ども・子育て拠出金 0.36%,
# 事業主のみ負担, on the 厚生年金 basis with its 150万 標準賞与額 cap). Neither file is readable here (checked again
# 2026-12-06); the 額表's 注記 is read through a public transcription of the 47 workbook sheets made on 2026-09-30
# (its figures agree with our 額表 rows), which gives 0.36% for 令和8年度, the rate in force since 令和2年4月分, so no
# change. Only that reading and the secondary pages above confirm it: a direct reading of either file is still to do.
# The 拠出金 is distinct from the 子ども・子育て支援金 (0.23% from 令和8年4月分, above), which is split with the
# employee and deducted from pay; the 拠出金 is never deducted.
CHILD_CONTRIBUTION_RATES: tuple[tuple[dt.date, Fraction], ...] = ((dt.date(2020, 4, 1), pct("0.36")),)


# --- 標準報酬月額 grades ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Grade:
    grade: int
    amount: int  # 標準報酬月額
    lower: int  # 報酬月額 from (inclusive); 0 for the first grade


# 健康保険 50 grades (健康保険法 40条, since 平成28年4月). Source: 協会けんぽ 令和8年度 保険料額表 (東京都)
# https://www.kyoukaikenpo.or.jp/ (R8_13tokyo.pdf); same list in renjaku/opendata
# public/v1/jp/health-insurance/standard-monthly-remuneration-tables/2016-04-01.yaml.
_HEALTH_GRADES = (
    (58_000, 0), (68_000, 63_000), (78_000, 73_000), (88_000, 83_000), (98_000, 93_000),
    (104_000, 101_000), (110_000, 107_000), (118_000, 114_000), (126_000, 122_000), (134_000, 130_000),
    (142_000, 138_000), (150_000, 146_000), (160_000, 155_000), (170_000, 165_000), (180_000, 175_000),
    (190_000, 185_000), (200_000, 195_000), (220_000, 210_000), (240_000, 230_000), (260_000, 250_000),
    (280_000, 270_000), (300_000, 290_000), (320_000, 310_000), (340_000, 330_000), (360_000, 350_000),
    (380_000, 370_000), (410_000, 395_000), (440_000, 425_000), (470_000, 455_000), (500_000, 485_000),
    (530_000, 515_000), (560_000, 545_000), (590_000, 575_000), (620_000, 605_000), (650_000, 635_000),
    (680_000, 665_000), (710_000, 695_000), (750_000, 730_000), (790_000, 770_000), (830_000, 810_000),
    (880_000, 855_000), (930_000, 905_000), (980_000, 955_000), (1_030_000, 1_005_000), (1_090_000, 1_055_000),
    (1_150_000, 1_115_000), (1_210_000, 1_175_000), (1_270_000, 1_235_000), (1_330_000, 1_295_000),
    (1_390_000, 1_355_000),
)

HEALTH_GRADES: tuple[tuple[dt.date, tuple[Grade, ...]], ...] = (
    (dt.date(2016, 4, 1), tuple(Grade(i + 1, a, lo) for i, (a, lo) in enumerate(_HEALTH_GRADES))),
)


def _pension_grades(top_health_grade: int) -> tuple[Grade, ...]:
    """厚生年金 grades are 健康保険 grades 4.. up to the ceiling, renumbered from 1; the first starts at 0."""
    rows = _HEALTH_GRADES[3:top_health_grade]
    return tuple(Grade(i + 1, a, 0 if i == 0 else lo) for i, (a, lo) in enumerate(rows))


# 厚生年金 grades (厚生年金保険法 20条): 32 grades 88,000-650,000 since 令和2年9月. The 2025 pension reform
# (年金制度改正法, 令和7年法律第74号) raises the ceiling: 68万 (33 grades) from 2027-09, 71万 (34) from 2028-09,
# 75万 (35) from 2029-09. Sources: 日本年金機構 保険料額表; https://fujita-human.com/2025/09/19/
# gradual-increase-in-the-earnings-cap-for-employees-pension-insurance-from-september-2027
PENSION_GRADES: tuple[tuple[dt.date, tuple[Grade, ...]], ...] = (
    (dt.date(2020, 9, 1), _pension_grades(35)),
    (dt.date(2027, 9, 1), _pension_grades(36)),
    (dt.date(2028, 9, 1), _pension_grades(37)),
    (dt.date(2029, 9, 1), _pension_grades(38)),
)

# 標準賞与額 caps: 健康保険 5,730,000 per fiscal year (April-March, 健保法 45条), 厚生年金 1,500,000 per payment
# month (厚年法 24条の4). Source: 日本年金機構 「賞与支払届」 https://www.nenkin.go.jp/service/kounen/jigyosho-hiho/shoyo/
HEALTH_BONUS_CAP_PER_YEAR = 5_730_000
PENSION_BONUS_CAP_PER_MONTH = 1_500_000


# --- 通勤手当の非課税限度額 (所得税法 9条①五, 所得税法施行令 20条の2) ------------------------------------


@dataclass(frozen=True)
class CommuteLimits:
    transit: int  # 交通機関又は有料道路: 1か月当たりの合理的な運賃等の額, up to this
    vehicle: tuple[tuple[Fraction, int], ...]  # 交通用具 (自動車・自転車等): (片道 km from, inclusive; monthly limit)


COMMUTE_MEANS = ("transit", "vehicle")  # 交通機関 (定期券等) / 交通用具 (マイカー・自転車等)

# Keyed by the date the allowance is due to be paid (支払われるべき日). Sources: 国税庁 タックスアンサー No.2582
# 「電車・バス通勤者の通勤手当」/ No.2585 「マイカー・自転車通勤者の通勤手当」
# https://www.nta.go.jp/taxes/shiraberu/taxanswer/gensen/2585.htm;
# 令和7年改正: 所得税法施行令の一部を改正する政令 (令和7年11月19日公布, 11月20日施行), 令和7年4月1日以後に支払われるべき
# 通勤手当に適用 (国税庁 「通勤手当の非課税限度額の改正について」 https://www.nta.go.jp/users/gensen/2025tsukin/index.htm;
# band values as reprinted in https://www.e-romushi.com/archives/2251 and https://tax-kyoto.com/topics/ ). Amounts paid
# under the old limits between 2025-04-01 and 2025-11-19 are settled at the 令和7年分 年末調整. Under 2 km: no
# exemption (全額課税). The 令和8年度税制改正大綱 bands beyond 65 km (45,700 / 52,700 / 59,600 / 66,400) and the
# parking add-on are not loaded: no 政令 or effective date is available here.
COMMUTE_LIMITS: tuple[tuple[dt.date, CommuteLimits], ...] = (
    (dt.date(2016, 1, 1), CommuteLimits(150_000, (
        (Fraction(0), 0), (Fraction(2), 4_200), (Fraction(10), 7_100), (Fraction(15), 12_900),
        (Fraction(25), 18_700), (Fraction(35), 24_400), (Fraction(45), 28_000), (Fraction(55), 31_600)))),
    (dt.date(2025, 4, 1), CommuteLimits(150_000, (
        (Fraction(0), 0), (Fraction(2), 4_200), (Fraction(10), 7_300), (Fraction(15), 13_500),
        (Fraction(25), 19_700), (Fraction(35), 25_900), (Fraction(45), 32_300), (Fraction(55), 38_700)))),
)


# --- 雇用保険 (雇用保険法 68条; 労働保険徴収法 12条) ----------------------------------------------------


@dataclass(frozen=True)
class EmploymentRates:
    employee: Fraction
    employer: Fraction


EMPLOYMENT_BUSINESS_TYPES = ("general", "agriculture", "construction")  # 一般 / 農林水産・清酒製造 / 建設

# FY2025 (令和7年4月1日-令和8年3月31日): 厚生労働省 「令和7(2025)年度 雇用保険料率のご案内」, as reprinted in
# https://jigyou-support.com/2025/03/31/ and https://sr-keyaki.jp/?p=1793: 一般 5.5 + 9 = 14.5/1000; 農林水産・清酒製造
# 6.5 + 10 = 16.5/1000; 建設 6.5 + 11 = 17.5/1000 (the employer's 10.5 and 11.5 were the 令和6年度 figures, with 7/1000
# for the employee: 17.5 and 18.5 in all).
# FY2026 (令和8年4月1日-令和9年3月31日): 厚生労働省 「令和8年度の雇用保険料率について」
# https://www.mhlw.go.jp/content/001692566.pdf (also cited as https://www.mhlw.go.jp/content/001672589.pdf by
# https://tetra-sr.jp/ 【令和8年度】雇用保険料率が改定されます; 東京労働局
# https://jsite.mhlw.go.jp/tokyo-roudoukyoku/newpage_01674.html): 一般 5 + 8.5 = 13.5/1000; 農林水産・清酒製造
# 6 + 9.5 = 15.5/1000; 建設 6 + 10.5 = 16.5/1000.
EMPLOYMENT_RATES: tuple[tuple[dt.date, dict[str, EmploymentRates]], ...] = (
    (dt.date(2025, 4, 1), {
        "general": EmploymentRates(permille("5.5"), permille("9")),  # 14.5/1000
        "agriculture": EmploymentRates(permille("6.5"), permille("10")),  # 16.5/1000
        "construction": EmploymentRates(permille("6.5"), permille("11")),  # 17.5/1000
    }),
    (dt.date(2026, 4, 1), {
        "general": EmploymentRates(permille("5"), permille("8.5")),
        "agriculture": EmploymentRates(permille("6"), permille("9.5")),
        "construction": EmploymentRates(permille("6"), permille("10.5")),
    }),
)


# --- 源泉所得税: 電算機計算の特例 (月額表の甲欄) ---------------------------------------------------------


@dataclass(frozen=True)
class ComputerMethod:
    """One year's 「月額表の甲欄を適用する給与等に対する源泉徴収税額の電算機計算の特例」 (財務省告示)."""

    salary_deduction_floor_upto: int  # A up to this → the fixed minimum below
    salary_deduction_floor: int
    # (A up to, rate, add): 給与所得控除 = A x rate + add (円未満切上げ), then a fixed maximum
    salary_deduction_bands: tuple[tuple[int, Fraction, int], ...]
    salary_deduction_max: int
    per_dependent: int
    basic_bands: tuple[tuple[int | None, int], ...]  # (A up to, 基礎控除); None = no upper bound
    tax_bands: tuple[tuple[int | None, Fraction, int], ...]  # (B up to, rate incl. 2.1% surtax, minus)


_SALARY_BANDS = ((299_999, pct("30"), 6_667), (549_999, pct("20"), 36_667), (708_330, pct("10"), 91_667))
_TAX_BANDS: tuple[tuple[int | None, Fraction, int], ...] = (
    (162_500, pct("5.105"), 0), (275_000, pct("10.21"), 8_296), (579_166, pct("20.42"), 36_374),
    (750_000, pct("23.483"), 54_113), (1_500_000, pct("33.693"), 130_688), (3_333_333, pct("40.84"), 237_893),
    (None, pct("45.945"), 408_061),
)

# 令和8年分: 国税庁 「令和8年分 源泉徴収税額表」 電算機計算の特例 (令和7年4月30日 財務省告示第115号改正)
# https://www.nta.go.jp/publication/pamph/gensen/zeigakuhyo2026/data/denshi_01.pdf (worked examples p.3:
# 175,000/2人 → 210, 446,000/8人 → 940, 775,200/3人 → 59,470).
# 令和9年分: 令和8年4月30日 財務省告示第128号, https://www.nta.go.jp/publication/pamph/gensen/zeigakuhyo2027/data/18.pdf
# (給与所得控除 minimum 69万/12 = 57,500; 基礎控除 62万/12 = 51,667 in the top band).
COMPUTER_METHOD: tuple[tuple[dt.date, ComputerMethod], ...] = (
    (dt.date(2026, 1, 1), ComputerMethod(
        158_333, 54_167, _SALARY_BANDS, 162_500, 31_667,
        ((2_120_833, 48_334), (2_162_499, 40_000), (2_204_166, 26_667), (2_245_833, 13_334), (None, 0)),
        _TAX_BANDS)),
    (dt.date(2027, 1, 1), ComputerMethod(
        169_444, 57_500, _SALARY_BANDS, 162_500, 31_667,
        ((2_120_833, 51_667), (2_162_499, 40_000), (2_204_166, 26_667), (2_245_833, 13_334), (None, 0)),
        _TAX_BANDS)),
)


# --- 源泉所得税: 月額表 and 賞与の算出率の表 (CSV data files) -------------------------------------------


@dataclass(frozen=True)
class MonthlyRow:
    lower: int
    amounts: tuple[int, ...]
    rate: Fraction | None


def _data_lines(name: str) -> list[list[str]]:
    text = resources.files("ennoshita.payroll").joinpath("data", name).read_text(encoding="utf-8")
    rows = list(csv.reader(line for line in text.splitlines() if line and not line.startswith("#")))
    return rows[1:]


def _rate(text: str) -> Fraction | None:
    return Fraction(D(text)) if text else None


@cache
def monthly_kou_table(year: int) -> tuple[MonthlyRow, ...]:
    if year not in MONTHLY_TABLE_YEARS:
        raise Invalid("payroll.error.no_table", field="date", table="月額表", date=str(year))
    return tuple(MonthlyRow(int(r[0]), tuple(int(x) for x in r[1:9]), _rate(r[9]))
                 for r in _data_lines(f"monthly_kou_{year}.csv"))


@cache
def monthly_otsu_table(year: int) -> tuple[MonthlyRow, ...]:
    if year not in MONTHLY_TABLE_YEARS:
        raise Invalid("payroll.error.no_table", field="date", table="月額表(乙欄)", date=str(year))
    return tuple(MonthlyRow(int(r[0]), (int(r[1]),), _rate(r[2])) for r in _data_lines(f"monthly_otsu_{year}.csv"))


# The 月額表 (甲欄 and 乙欄) is loaded for 令和8年分 and 令和9年分 (each file names its NTA source). The 令和9年分
# 賞与に対する源泉徴収税額の算出率の表 (所得税法 別表第四; NTA zeigakuhyo2027, published in 2026) is not loaded:
# searched for again on 2026-12-06, no copy of it was readable here — not the NTA PDF or its index page (01.htm, with
# the statement of what changed for 令和9年分), and no public transcription (the one that gave us the 2027 月額表,
# ryota0320/groovy-shift-system database/data/income-tax, holds the 月額表 workbook 01-07.xlsx only; the bonus-table
# transcriptions found, kishida-devil/jp-payroll-mcp bonus-r8.json and others, stop at 令和8年分, one noting that
# 令和9年分 is published and still to be copied). It cannot be taken to equal 令和8年分: the 算出率の表 moves with
# the 給与所得控除 and 基礎控除 behind the 月額表 (the 令和5年分 first 甲欄 bounds 68/94/133 千円 became 82/107/143 in
# 令和8年分 with the 令和7年度 reform), and 令和9年分 changes them again (月額 57,500 and 51,667 instead of 54,167 and
# 48,334: the 2027 月額表's first taxable 甲欄 row moved from 105,000 to 111,000). It is not defined by a published
# formula either (the 電算機計算の特例 covers 甲欄 monthly pay only), so bonuses paid in 2027 are refused with
# payroll.error.no_table until bonus_rates_2027.csv is added from the NTA's table.
MONTHLY_TABLE_YEARS = frozenset({2026, 2027})
BONUS_TABLE_YEARS = frozenset({2026})


@dataclass(frozen=True)
class BonusRateTable:
    rates: tuple[Fraction, ...]
    kou_lowers: tuple[tuple[int, ...], ...]  # per 扶養親族等の数 0..7: lower bound (yen) of each rate
    otsu: tuple[tuple[int, Fraction], ...]


@cache
def bonus_rate_table(year: int) -> BonusRateTable:
    if year not in BONUS_TABLE_YEARS:
        raise Invalid("payroll.error.no_table", field="date", table="賞与の算出率の表", date=str(year))
    rows = _data_lines(f"bonus_rates_{year}.csv")
    kou = [r for r in rows if r[0] == "kou"]
    otsu = [r for r in rows if r[0] == "otsu"]
    rates = tuple(pct(r[1]) for r in kou)
    lowers = tuple(tuple(int(r[2 + n]) * 1000 for r in kou) for n in range(8))
    return BonusRateTable(rates, lowers, tuple((int(r[2]) * 1000, pct(r[1])) for r in otsu))
