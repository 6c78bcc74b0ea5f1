"""法人税、住民税及び事業税 of a small company's year, estimated from its 所得 at the standard rates, for the year-end
accrual (決算整理: 法人税、住民税及び事業税 / 未払法人税等). Plain rules: no database.

The 所得 is taken as given (the books' 税引前当期純利益 when no 申告調整 applies). What it covers, for a 中小法人
(資本金1億円以下) that is not a 外形標準課税 company, with offices in fewer than three prefectures:

* 法人税 (法人税法66条, 租税特別措置法42条の3の2): 15% of the first ¥8,000,000 a year, 23.2% above;
* 地方法人税 (地方法人税法10条): 10.3% of the 法人税;
* 法人住民税 法人税割 (地方税法51条, 314条の4): 7.0% of the 法人税 (道府県民税 1.0% + 市町村民税 6.0%, standard
  rates; 東京都特別区 the same for such a company), and the 均等割 the caller gives (特別区: ¥70,000 for 資本金等
  ¥10,000,000 or less and 50 employees or fewer);
* 事業税 所得割 (地方税法72条の24の7, 軽減税率適用法人): 3.5% up to ¥4,000,000, 5.3% up to ¥8,000,000, 7.0% above;
* 特別法人事業税 (特別法人事業税及び特別法人事業譲与税に関する法律9条): 37% of the 事業税 所得割.

Rounding, each a named rule: every 課税標準 drops what is below ¥1,000 and every tax what is below ¥100
(国税通則法118条・119条, 地方税法20条の4の2), all applied by :func:`_floor`.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

CORPORATE_REDUCED_BAND = 8_000_000  # 年800万円以下の部分 (a 12-month year)
CORPORATE_REDUCED_RATE = Fraction(15, 100)
CORPORATE_RATE = Fraction(232, 1000)
LOCAL_CORPORATE_RATE = Fraction(103, 1000)
INHABITANT_RATE = Fraction(70, 1000)
ENTERPRISE_BANDS = ((4_000_000, Fraction(35, 1000)), (8_000_000, Fraction(53, 1000)), (None, Fraction(70, 1000)))
SPECIAL_ENTERPRISE_RATE = Fraction(37, 100)
BASE_UNIT = 1_000  # 課税標準の1,000円未満切捨て
TAX_UNIT = 100  # 確定金額の100円未満切捨て


@dataclass(frozen=True)
class CorporateTaxes:
    income: int  # 所得 (its 1,000円未満 dropped)
    corporate: int  # 法人税
    local_corporate: int  # 地方法人税
    inhabitant_levy: int  # 法人住民税 法人税割
    inhabitant_flat: int  # 法人住民税 均等割
    enterprise: int  # 事業税 所得割
    special_enterprise: int  # 特別法人事業税

    @property
    def total(self) -> int:
        return (self.corporate + self.local_corporate + self.inhabitant_levy + self.inhabitant_flat
                + self.enterprise + self.special_enterprise)


def _floor(amount: Fraction | int, unit: int) -> int:
    """Round down to a multiple of ``unit`` (課税標準 ¥1,000, 税額 ¥100)."""
    return int(amount) // unit * unit


def estimate(income: int, flat_levy: int) -> CorporateTaxes:
    """The year's taxes on ``income`` (a loss or nothing: only the 均等割 ``flat_levy``)."""
    base = _floor(max(income, 0), BASE_UNIT)
    reduced = min(base, CORPORATE_REDUCED_BAND)
    corporate = _floor(reduced * CORPORATE_REDUCED_RATE + (base - reduced) * CORPORATE_RATE, TAX_UNIT)
    corporate_base = _floor(corporate, BASE_UNIT)
    local_corporate = _floor(corporate_base * LOCAL_CORPORATE_RATE, TAX_UNIT)
    inhabitant_levy = _floor(corporate_base * INHABITANT_RATE, TAX_UNIT)
    enterprise_exact = Fraction(0)
    lower = 0
    for upper, rate in ENTERPRISE_BANDS:
        part = (base if upper is None else min(base, upper)) - lower
        if part <= 0:
            break
        enterprise_exact += part * rate
        lower = upper or base
    enterprise = _floor(enterprise_exact, TAX_UNIT)
    special = _floor(enterprise * SPECIAL_ENTERPRISE_RATE, TAX_UNIT)
    return CorporateTaxes(base, corporate, local_corporate, inhabitant_levy, flat_levy, enterprise, special)
