"""The published tables depreciation reads: 償却率, 改定償却率, 保証率, 耐用年数 and the small-asset thresholds.

Every figure here is copied from the law, never derived (2 ÷ years rounds differently from table to table).

Sources
-------
- 別表第八 (定額法の償却率, acquisitions from 2007-04-01), 別表第九 (250% 定率法, 2007-04-01..2012-03-31) and
  別表第十 (200% 定率法, from 2012-04-01) of 減価償却資産の耐用年数等に関する省令 (昭和40年大蔵省令第15号,
  e-Gov law 340M50000040015, last amended by 令和8年財務省令第29号):
  https://laws.e-gov.go.jp/law/340M50000040015 . 別表第八 read on iuris.jp (its 別表第八 page); 別表第九 checked
  row by row against cac.sakura.ne.jp/body/body016rate.html; both tables cross-checked with the e-Gov extract in
  the public repository sakurataxsys/tax-pocket (data/shokyakuritsu.json). The worked example ¥1,000,000 / 5 years
  → 400,000 / 240,000 / 144,000 / 108,000 / 107,999 (国税庁 No.2106 and the 償却率表's own note) pins row 5.
- 耐用年数 (別表第一, 第二 and 第三 of the same 省令): パソコン 4, サーバー等 5, 普通自動車 6, 小型車 4, 金属製事務机
  15, RC 事務所 50, RC 住宅 47, 木造事務所 24, 建物附属設備 電気設備 15 (iuris.jp 別表第一; taira-tax.com qa
  0203_36; zeirishisakai.com archives/1030).
- Small assets: 法人税法施行令133条 (under ¥100,000 expensed), 133条の2 (¥100,000 to under ¥200,000 一括償却資産,
  36 months; 国税庁 確定申告書等作成コーナー 一括償却資産), 租税特別措置法67条の5 (中小企業者等の少額減価償却資産:
  under ¥300,000 for acquisitions to 2026-03-31, ¥3,000,000 a year; 国税庁 タックスアンサー No.5408) and the
  令和8年度 reform (大綱 2025-12-26; 令和8年法律第12号 附則): under ¥400,000 for acquisitions from 2026-04-01 to
  2029-03-31, the ¥3,000,000 cap unchanged (taxtanaka.jp 2026/01/05 taikou_r8_1; fp-soken.or.jp no546-2).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

# years: 定額法 (別表第八) | 200% 償却率 改定償却率 保証率 (別表第十) | 250% 償却率 改定償却率 保証率 (別表第九)
_RATES = """
2  0.500 1.000 -     -       1.000 -     -
3  0.334 0.667 1.000 0.11089 0.833 1.000 0.02789
4  0.250 0.500 1.000 0.12499 0.625 1.000 0.05274
5  0.200 0.400 0.500 0.10800 0.500 1.000 0.06249
6  0.167 0.333 0.334 0.09911 0.417 0.500 0.05776
7  0.143 0.286 0.334 0.08680 0.357 0.500 0.05496
8  0.125 0.250 0.334 0.07909 0.313 0.334 0.05111
9  0.112 0.222 0.250 0.07126 0.278 0.334 0.04731
10 0.100 0.200 0.250 0.06552 0.250 0.334 0.04448
11 0.091 0.182 0.200 0.05992 0.227 0.250 0.04123
12 0.084 0.167 0.200 0.05566 0.208 0.250 0.03870
13 0.077 0.154 0.167 0.05180 0.192 0.200 0.03633
14 0.072 0.143 0.167 0.04854 0.179 0.200 0.03389
15 0.067 0.133 0.143 0.04565 0.167 0.200 0.03217
16 0.063 0.125 0.143 0.04294 0.156 0.167 0.03063
17 0.059 0.118 0.125 0.04038 0.147 0.167 0.02905
18 0.056 0.111 0.112 0.03884 0.139 0.143 0.02757
19 0.053 0.105 0.112 0.03693 0.132 0.143 0.02616
20 0.050 0.100 0.112 0.03486 0.125 0.143 0.02517
21 0.048 0.095 0.100 0.03335 0.119 0.125 0.02408
22 0.046 0.091 0.100 0.03182 0.114 0.125 0.02296
23 0.044 0.087 0.091 0.03052 0.109 0.112 0.02226
24 0.042 0.083 0.084 0.02969 0.104 0.112 0.02157
25 0.040 0.080 0.084 0.02841 0.100 0.112 0.02058
26 0.039 0.077 0.084 0.02716 0.096 0.100 0.01989
27 0.038 0.074 0.077 0.02624 0.093 0.100 0.01902
28 0.036 0.071 0.072 0.02568 0.089 0.091 0.01866
29 0.035 0.069 0.072 0.02463 0.086 0.091 0.01803
30 0.034 0.067 0.072 0.02366 0.083 0.084 0.01766
31 0.033 0.065 0.067 0.02286 0.081 0.084 0.01688
32 0.032 0.063 0.067 0.02216 0.078 0.084 0.01655
33 0.031 0.061 0.063 0.02161 0.076 0.077 0.01585
34 0.030 0.059 0.063 0.02097 0.074 0.077 0.01532
35 0.029 0.057 0.059 0.02051 0.071 0.072 0.01532
36 0.028 0.056 0.059 0.01974 0.069 0.072 0.01494
37 0.028 0.054 0.056 0.01950 0.068 0.072 0.01425
38 0.027 0.053 0.056 0.01882 0.066 0.067 0.01393
39 0.026 0.051 0.053 0.01860 0.064 0.067 0.01370
40 0.025 0.050 0.053 0.01791 0.063 0.067 0.01317
41 0.025 0.049 0.050 0.01741 0.061 0.063 0.01306
42 0.024 0.048 0.050 0.01694 0.060 0.063 0.01261
43 0.024 0.047 0.048 0.01664 0.058 0.059 0.01248
44 0.023 0.045 0.046 0.01664 0.057 0.059 0.01210
45 0.023 0.044 0.046 0.01634 0.056 0.059 0.01175
46 0.022 0.043 0.044 0.01601 0.054 0.056 0.01175
47 0.022 0.043 0.044 0.01532 0.053 0.056 0.01153
48 0.021 0.042 0.044 0.01499 0.052 0.053 0.01126
49 0.021 0.041 0.042 0.01475 0.051 0.053 0.01102
50 0.020 0.040 0.042 0.01440 0.050 0.053 0.01072
"""


@dataclass(frozen=True)
class DecliningRates:
    """One row of 別表第九 or 別表第十."""

    rate: Decimal  # 償却率
    revised_rate: Decimal | None  # 改定償却率 (none for a 2-year life)
    guarantee_rate: Decimal | None  # 保証率


def _dec(text: str) -> Decimal | None:
    return None if text == "-" else Decimal(text)


STRAIGHT_LINE: dict[int, Decimal] = {}  # 別表第八
DECLINING_200: dict[int, DecliningRates] = {}  # 別表第十
DECLINING_250: dict[int, DecliningRates] = {}  # 別表第九
for _line in _RATES.strip().splitlines():
    _y, _sl, _r2, _v2, _g2, _r5, _v5, _g5 = _line.split()
    STRAIGHT_LINE[int(_y)] = Decimal(_sl)
    DECLINING_200[int(_y)] = DecliningRates(Decimal(_r2), _dec(_v2), _dec(_g2))
    DECLINING_250[int(_y)] = DecliningRates(Decimal(_r5), _dec(_v5), _dec(_g5))

DECLINING_200_FROM = dt.date(2012, 4, 1)  # 別表第十 applies to acquisitions from this day
DECLINING_250_FROM = dt.date(2007, 4, 1)  # 別表第九: 2007-04-01 .. 2012-03-31
BUILDING_STRAIGHT_FROM = dt.date(1998, 4, 1)  # 建物: 定額法 only (法令48条の2①一イ)
FIXTURE_STRAIGHT_FROM = dt.date(2016, 4, 1)  # 建物附属設備・構築物: 定額法 only (平成28年度改正)


@dataclass(frozen=True)
class AssetKind:
    """A row of 別表第一/第三 the register offers, with its ledger account and its 償却資産申告 class."""

    code: str
    name: str
    name_en: str
    life: int  # 耐用年数
    account_code: str  # the balance-sheet account (工具器具備品 ...)
    family: str  # building / building_fixture / structure / machinery / vehicle / tools / intangible
    declared_class: int | None  # 種類別明細書: 1 構築物, 2 機械及び装置, 5 車両及び運搬具, 6 工具器具備品


KINDS: tuple[AssetKind, ...] = (
    AssetKind("pc", "パソコン（サーバー用を除く）", "Personal computer", 4, "1550", "tools", 6),
    AssetKind("server", "サーバー・電子計算機（その他）", "Server / other computer", 5, "1550", "tools", 6),
    AssetKind("copier", "複写機・その他の事務機器", "Copier / office machine", 5, "1550", "tools", 6),
    AssetKind("phone_system", "電話設備その他の通信機器", "Telephone / communication equipment", 10, "1550", "tools",
              6),
    AssetKind("desk_metal", "事務机・いす・キャビネット（金属製）", "Office desk, chair, cabinet (metal)", 15, "1550",
              "tools", 6),
    AssetKind("desk_other", "事務机・いす・キャビネット（その他）", "Office desk, chair, cabinet (other)", 8, "1550",
              "tools", 6),
    AssetKind("reception_set", "応接セット（その他）", "Reception set", 8, "1550", "tools", 6),
    AssetKind("appliance", "電気冷蔵庫・エアコン等の家庭用電気機器", "Household electric appliance", 6, "1550", "tools",
              6),
    AssetKind("car", "普通自動車", "Passenger car", 6, "1540", "vehicle", None),
    AssetKind("small_car", "小型車（総排気量0.66L以下）", "Kei car", 4, "1540", "vehicle", None),
    AssetKind("truck", "貨物自動車（その他）", "Truck", 5, "1540", "vehicle", None),
    AssetKind("forklift", "フォークリフト", "Forklift", 4, "1540", "vehicle", 5),
    AssetKind("machine_general", "機械装置（その他の設備）", "Machinery (other)", 10, "1530", "machinery", 2),
    AssetKind("building_rc_office", "建物 鉄筋コンクリート造 事務所用", "Building, RC office", 50, "1510", "building",
              None),
    AssetKind("building_rc_housing", "建物 鉄筋コンクリート造 住宅用", "Building, RC housing", 47, "1510", "building",
              None),
    AssetKind("building_wood_office", "建物 木造 事務所用", "Building, wooden office", 24, "1510", "building", None),
    AssetKind("fixture_electric", "建物附属設備 電気設備（その他）", "Building fixture, electrical", 15, "1520",
              "building_fixture", 1),
    AssetKind("fixture_hvac", "建物附属設備 冷暖房設備（22kW以下）", "Building fixture, air conditioning ≤22kW", 13,
              "1520", "building_fixture", 1),
    AssetKind("fixture_interior", "建物附属設備 内装造作（その他）", "Building fixture, interior works", 15, "1520",
              "building_fixture", 1),
    AssetKind("structure_paving", "構築物 舗装路面（アスファルト）", "Structure, asphalt paving", 10, "1520",
              "structure", 1),
    AssetKind("software", "ソフトウェア（その他）", "Software (other)", 5, "1610", "intangible", None),
)
KIND_BY_CODE: dict[str, AssetKind] = {k.code: k for k in KINDS}

DECLARED_CLASS_NAMES: dict[int, str] = {1: "構築物", 2: "機械及び装置", 3: "船舶", 4: "航空機",
                                        5: "車両及び運搬具", 6: "工具、器具及び備品"}

# Small assets (法令133条, 133条の2)
EXPENSE_BELOW = 100_000  # under this: 少額の減価償却資産, expensed at once
LUMP_SUM_BELOW = 200_000  # 100,000 .. under 200,000: 一括償却資産 (36 months)
LUMP_SUM_MONTHS = 36


@dataclass(frozen=True)
class SmeThreshold:
    """措法67条の5 中小企業者等の少額減価償却資産: a dated version of the rule."""

    start: dt.date
    end: dt.date
    below: int  # 取得価額 under this amount
    annual_cap: int  # 合計 per 事業年度 (12 months; prorated for a shorter year)
    basis: str


SME_THRESHOLDS: tuple[SmeThreshold, ...] = (
    SmeThreshold(dt.date(2006, 4, 1), dt.date(2026, 3, 31), 300_000, 3_000_000, "措法67条の5（取得価額30万円未満）"),
    SmeThreshold(dt.date(2026, 4, 1), dt.date(2029, 3, 31), 400_000, 3_000_000,
                 "措法67条の5（令和8年度改正：取得価額40万円未満）"),
)
