"""法人税等の見積り against hand computations at the standard rates (see ennoshita.ledger.corporate_tax)."""

from __future__ import annotations

from ennoshita.ledger.corporate_tax import estimate


def test_income_above_the_reduced_band() -> None:
    # 所得 12,429,294 → 12,429,000
    # 法人税 8,000,000 x 15% + 4,429,000 x 23.2% = 1,200,000 + 1,027,528 = 2,227,528 → 2,227,500
    # 地方法人税 2,227,000 x 10.3% = 229,381 → 229,300; 法人税割 2,227,000 x 7% = 155,890 → 155,800
    # 事業税 4,000,000 x 3.5% + 4,000,000 x 5.3% + 4,429,000 x 7% = 140,000 + 212,000 + 310,030 → 662,000
    # 特別法人事業税 662,000 x 37% = 244,940 → 244,900
    taxes = estimate(12_429_294, 70_000)
    assert (taxes.income, taxes.corporate, taxes.local_corporate, taxes.inhabitant_levy, taxes.inhabitant_flat,
            taxes.enterprise, taxes.special_enterprise) == (
        12_429_000, 2_227_500, 229_300, 155_800, 70_000, 662_000, 244_900)
    assert taxes.total == 3_589_500


def test_income_within_the_first_bands() -> None:
    # 3,000,000: 法人税 450,000; 地方法人税 46,350 → 46,300; 法人税割 31,500; 事業税 105,000; 特別 38,850 → 38,800
    taxes = estimate(3_000_999, 70_000)
    assert (taxes.corporate, taxes.local_corporate, taxes.inhabitant_levy, taxes.enterprise,
            taxes.special_enterprise) == (450_000, 46_300, 31_500, 105_000, 38_800)
    assert taxes.total == 741_600


def test_a_loss_pays_the_flat_levy_only() -> None:
    taxes = estimate(-500_000, 70_000)
    assert taxes.total == 70_000
    assert taxes.income == taxes.corporate == taxes.enterprise == 0
