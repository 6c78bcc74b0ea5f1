"""Depreciation rules against published worked examples and hand-computed figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ennoshita.assets import rules, tables
from ennoshita.errors import Invalid

D = dt.date


def amounts(years: list[rules.ScheduleYear]) -> list[int]:
    return [y.depreciation for y in years]


def test_200_percent_declining_worked_example_switches_to_revised_rate_and_leaves_one_yen() -> None:
    # 国税庁 No.2106 / 償却率表: ¥1,000,000, 5 years, 200% 定率法 (償却率 0.400, 改定 0.500, 保証率 0.10800)
    # y1 1,000,000 × 0.4 = 400,000; y2 600,000 × 0.4 = 240,000; y3 360,000 × 0.4 = 144,000;
    # y4 216,000 × 0.4 = 86,400 < 償却保証額 108,000 → 216,000 × 0.5 = 108,000; y5 108,000 capped at 107,999 (¥1 left)
    years = rules.schedule(1_000_000, 5, "declining", D(2024, 4, 1), 4)
    assert amounts(years) == [400_000, 240_000, 144_000, 108_000, 107_999]
    assert years[-1].closing == 1
    assert years[3].basis.startswith("改定償却率")


def test_200_percent_mid_year_car_cuts_each_year_below_one_yen_and_switches_at_the_guarantee() -> None:
    # 普通自動車 ¥3,150,000, 6 years (別表第十: 償却率 0.333, 改定 0.334, 保証率 0.09911), in use from 2023-07-10,
    # year April-March. 償却保証額 3,150,000 × 0.09911 = 312,196.5.
    # y1 Jul..Mar 9 months: 3,150,000 × 0.333 × 9/12 = 786,712.5 → 786,712
    # y2 2,363,288 × 0.333 = 786,974.9 → 786,974;  y3 1,576,314 × 0.333 = 524,912.5 → 524,912
    # y4 1,051,402 × 0.333 = 350,116.8 ≥ 312,196.5 → 350,116
    # y5 701,286 × 0.333 = 233,528.2 < 312,196.5 → 改定取得価額 701,286 × 0.334 = 234,229.5 → 234,229; y6 the same
    # y7 701,286 − 2 × 234,229 = 232,828 → 232,827 (¥1 left)
    years = rules.schedule(3_150_000, 6, "declining", D(2023, 7, 10), 4)
    assert amounts(years) == [786_712, 786_974, 524_912, 350_116, 234_229, 234_229, 232_827]
    assert [y.basis.startswith("改定償却率") for y in years] == [False] * 4 + [True] * 3
    assert years[-1].closing == 1


def test_straight_line_mid_year_counts_months_in_use_part_month_as_whole() -> None:
    # ¥1,200,000 PC, 4 years 定額法 (0.250), in use from 2024-10-15, year April–March:
    # Oct..Mar = 6 months → 300,000 × 6/12 = 150,000; then 300,000 a year; last year 150,000 − 1 = 149,999
    years = rules.schedule(1_200_000, 4, "straight", D(2024, 10, 15), 4)
    assert [y.months for y in years][:2] == [6, 12]
    assert amounts(years) == [150_000, 300_000, 300_000, 300_000, 149_999]
    assert years[0].year_start == D(2024, 4, 1) and years[0].year_end == D(2025, 3, 31)


def test_a_part_month_counts_as_a_whole_month_on_the_last_day() -> None:
    # acquired 2025-03-31, year from April: 1 month in use → 1,200,000 × 0.250 × 1/12 = 25,000
    assert rules.schedule(1_200_000, 4, "straight", D(2025, 3, 31), 4)[0].depreciation == 25_000


def test_table_split_2012_03_31_is_250_percent_and_2012_04_01_is_200_percent() -> None:
    assert rules.resolve_method("declining", D(2012, 3, 31)) == rules.DECLINING_250
    assert rules.resolve_method("declining", D(2012, 4, 1)) == rules.DECLINING_200
    # ¥1,000,000, 5 years, full first year (calendar fiscal year acquired in January):
    # 250%: 1,000,000 × 0.500 = 500,000; 200%: × 0.400 = 400,000
    assert rules.schedule(1_000_000, 5, "declining", D(2012, 1, 1), 1)[0].depreciation == 500_000
    assert rules.schedule(1_000_000, 5, "declining", D(2013, 1, 1), 1)[0].depreciation == 400_000


def test_250_percent_switch_to_revised_rate() -> None:
    # 250%, 5 years: 償却率 0.500, 改定 1.000, 保証率 0.06249 → 償却保証額 62,490 on ¥1,000,000
    # y1 500,000 (bv 500,000); y2 250,000 (bv 250,000); y3 125,000 (bv 125,000);
    # y4 62,500 ≥ 62,490 → 62,500 (bv 62,500); y5 31,250 < 62,490 → 62,500 × 1.000 capped at 62,499
    years = rules.schedule(1_000_000, 5, "declining", D(2011, 4, 1), 4)
    assert amounts(years) == [500_000, 250_000, 125_000, 62_500, 62_499]


def test_buildings_fixtures_and_structures_are_forced_to_straight_line_by_date() -> None:
    assert rules.resolve_method("declining", D(1998, 4, 1), "building") == rules.STRAIGHT
    assert rules.resolve_method("declining", D(2016, 3, 31), "building_fixture") == rules.DECLINING_200
    assert rules.resolve_method("declining", D(2016, 4, 1), "building_fixture") == rules.STRAIGHT
    assert rules.resolve_method("declining", D(2016, 4, 1), "structure") == rules.STRAIGHT
    assert rules.resolve_method("declining", D(2024, 1, 1), "intangible") == rules.STRAIGHT


def test_rates_are_the_published_table_values_not_two_over_years() -> None:
    # 別表第十: 6 years 0.333 (2 ÷ 6 = 0.3333...), 9 years 0.222, 50 years 0.040 with 改定 0.042
    assert tables.DECLINING_200[6].rate == Decimal("0.333")
    assert tables.DECLINING_200[9].rate == Decimal("0.222")
    assert tables.DECLINING_200[50].revised_rate == Decimal("0.042")
    assert tables.DECLINING_200[22].guarantee_rate == Decimal("0.03182")
    assert tables.STRAIGHT_LINE[3] == Decimal("0.334")
    assert tables.DECLINING_250[5].guarantee_rate == Decimal("0.06249")


def test_useful_lives_of_the_register_rows() -> None:
    lives = {k.code: k.life for k in tables.KINDS}
    assert (lives["pc"], lives["server"], lives["car"], lives["desk_metal"], lives["building_rc_office"]) == (
        4, 5, 6, 15, 50)


def test_life_not_in_the_table_and_zero_cost_are_refused() -> None:
    with pytest.raises(Invalid) as err:
        rules.schedule(100_000, 1, "straight", D(2024, 4, 1))
    assert err.value.problems[0].field == "life"
    with pytest.raises(Invalid) as err:
        rules.schedule(0, 5, "straight", D(2024, 4, 1))
    assert err.value.problems[0].field == "cost"


def test_small_asset_thresholds_by_acquisition_date() -> None:
    # ¥350,000 on 2026-03-31: over the ¥300,000 limit → no 少額減価償却資産; from 2026-04-01 under ¥400,000 → allowed
    assert rules.SME_SMALL not in rules.allowed_treatments(350_000, D(2026, 3, 31), sme=True)
    assert rules.SME_SMALL in rules.allowed_treatments(350_000, D(2026, 4, 1), sme=True)
    assert rules.SME_SMALL in rules.allowed_treatments(299_999, D(2026, 3, 31), sme=True)
    assert rules.SME_SMALL not in rules.allowed_treatments(300_000, D(2026, 3, 31), sme=True)
    assert rules.SME_SMALL not in rules.allowed_treatments(400_000, D(2026, 4, 1), sme=True)
    assert rules.SME_SMALL not in rules.allowed_treatments(200_000, D(2026, 4, 1), sme=False)
    assert rules.allowed_treatments(99_999, D(2026, 4, 1), sme=True) == (rules.EXPENSED,)
    assert rules.allowed_treatments(100_000, D(2026, 4, 1), sme=True)[0] == rules.LUMP_SUM
    assert rules.LUMP_SUM not in rules.allowed_treatments(200_000, D(2026, 4, 1), sme=True)


def test_sme_annual_cap_of_three_million() -> None:
    rules.check_sme_cap(2_700_000, 300_000, D(2026, 5, 1))  # exactly ¥3,000,000: allowed
    with pytest.raises(Invalid):
        rules.check_sme_cap(2_700_001, 300_000, D(2026, 5, 1))


def test_lump_sum_asset_over_36_months_whatever_the_month() -> None:
    # ¥150,000 bought in March (last month of an April year): still 150,000 × 12/36 = 50,000 a year, 3 years
    years = rules.schedule(150_000, 0, "lump_sum", D(2025, 3, 20), 4)
    assert amounts(years) == [50_000, 50_000, 50_000]
    # ¥199,999: 66,666 / 66,666 (133,332 cumulative = ⌊199,999 × 24/36⌋) / 66,667
    assert amounts(rules.schedule(199_999, 0, "lump_sum", D(2025, 4, 1), 4)) == [66_666, 66_666, 66_667]
    # 36 monthly shares add up to the cost
    total = sum(rules.monthly_share(y.depreciation, 12, n) for y in years for n in range(1, 13))
    assert total == 150_000


def test_monthly_shares_add_up_to_the_year() -> None:
    years = rules.schedule(1_000_000, 5, "declining", D(2024, 7, 10), 4)
    # first year: 9 months (Jul..Mar) → 400,000 × 9/12 = 300,000
    assert years[0].depreciation == 300_000
    months = [rules.month_amount(years, rules.add_months(D(2024, 4, 1), i))[0] for i in range(12)]
    assert months[:3] == [0, 0, 0] and sum(months) == 300_000


@given(cost=st.integers(min_value=1, max_value=10**10), life=st.sampled_from(sorted(tables.STRAIGHT_LINE)),
       method=st.sampled_from(["straight", "declining"]),
       acquired=st.dates(min_value=D(2007, 4, 1), max_value=D(2035, 12, 31)),
       start_month=st.integers(min_value=1, max_value=12))
def test_every_schedule_ends_at_the_memo_value_and_never_goes_negative(
        cost: int, life: int, method: str, acquired: dt.date, start_month: int) -> None:
    years = rules.schedule(cost, life, method, acquired, start_month)
    assert all(y.depreciation >= 0 and y.closing == y.opening - y.depreciation for y in years)
    assert (years[-1].closing if years else cost) == 1


def test_disposal_gain_and_loss() -> None:
    assert rules.disposal(100_000, 150_000).gain == 50_000
    assert rules.disposal(100_000, 0).gain == -100_000


def test_lump_sum_bought_in_march_is_charged_its_third_in_march_by_monthly_runs() -> None:
    # ¥150,000 on 2025-03-20, April year: the whole 50,000 of that year falls in March, the only month in use
    years = rules.schedule(150_000, 0, "lump_sum", D(2025, 3, 20), 4)
    assert rules.month_amount(years, D(2025, 3, 1))[0] == 50_000
    assert rules.month_amount(years, D(2025, 4, 1))[0] == 50_000 // 12  # 4,166 in April of the next year


def test_sme_small_asset_is_written_off_in_its_month() -> None:
    years = rules.schedule(280_000, 0, "sme_small", D(2025, 9, 10), 4)
    assert rules.month_amount(years, D(2025, 9, 1))[0] == 280_000
    assert rules.month_amount(years, D(2025, 10, 1))[0] == 0


def test_an_intangible_asset_is_depreciated_to_nothing_a_tangible_one_to_one_yen() -> None:
    # 法人税法施行令61条1項: 有形 down to ¥1 (1号), 無形 the whole cost (2号). ソフトウェア ¥600,000, 5 years 定額法
    # 0.200: 120,000 a year for five years, nothing left; a PC ¥400,000, 4 years 0.250: 100,000 a year, the fourth
    # year 99,999 (¥1 left)
    software = rules.schedule(600_000, 5, "straight", D(2026, 4, 1), 4, "intangible")
    assert amounts(software) == [120_000] * 5 and software[-1].closing == 0
    pc = rules.schedule(400_000, 4, "straight", D(2026, 4, 1), 4, "tools")
    assert amounts(pc) == [100_000, 100_000, 100_000, 99_999] and pc[-1].closing == 1


def test_only_tangible_assets_go_to_accumulated_depreciation_in_the_indirect_style() -> None:
    assert rules.against_accumulated(True, "straight", "tools")
    assert not rules.against_accumulated(True, "straight", "intangible")  # 財務諸表等規則第30条: always direct
    assert not rules.against_accumulated(True, "lump_sum", "tools")
    assert not rules.against_accumulated(False, "straight", "tools")
