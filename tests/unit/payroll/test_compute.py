"""One payslip from plain values: 割増賃金 classes, 欠勤控除, 日給/時給, 通勤手当 non-taxable limit, the pay period
and pay date of the company rule. Figures by hand in the comments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest

from ennoshita.errors import Invalid
from ennoshita.payroll import compute, social
from ennoshita.payroll.models import PayrollSettings
from ennoshita.payroll.services import pay_period


def _amounts(lines: list[compute.Line]) -> dict[str, int]:
    return {x.code: x.amount for x in lines}


def test_overtime_classes_and_absence() -> None:
    # (240,000 + 16,000) / 160 = 1,600 an hour; 時間外 20 h (of which 0 over 60) x 1.25 = 40,000;
    # 休日 8 h x 1.35 = 17,280; 深夜 4 h x 0.25 = 1,600; 欠勤 2 of 20 days: 240,000 x 2 / 20 = 24,000
    setup = compute.Setup("monthly", 240_000, (compute.Allowance("役職手当", 16_000),))
    att = compute.Attendance(scheduled_days=20, worked_days=18, absence_days=2, overtime_minutes=1_200,
                             legal_holiday_minutes=480, night_minutes=240)
    lines, nontaxable = compute.earnings(setup, att, 160)
    assert _amounts(lines) == {"base": 240_000, "absence": -24_000, "allowance": 16_000, "overtime": 40_000,
                               "holiday": 17_280, "night": 1_600}
    assert nontaxable == 0


def test_overtime_beyond_60_hours_is_paid_at_150_percent() -> None:
    # 1,000 an hour (160,000 / 160): 70 h overtime = 60 h x 1.25 (75,000) + 10 h x 1.5 (15,000)
    att = compute.Attendance(overtime_minutes=4_200, overtime_over60_minutes=600)
    lines, _ = compute.earnings(compute.Setup("monthly", 160_000), att, 160)
    assert _amounts(lines)["overtime"] == 75_000 and _amounts(lines)["overtime60"] == 15_000


def test_daily_and_hourly_pay_and_commute_limit() -> None:
    # 日給 12,000 x 15 days = 180,000; hourly base 12,000 / 8 = 1,500; 2 h overtime x 1.25 = 3,750
    lines, _ = compute.earnings(compute.Setup("daily", 12_000), compute.Attendance(worked_days=15,
                                                                                   overtime_minutes=120), 160)
    assert _amounts(lines) == {"base": 180_000, "overtime": 3_750}
    # 時給 1,111 x 83.5 h = 92,768.5 → 92,769 (四捨五入); 通勤手当 160,000 → 150,000 non-taxable
    lines, nontaxable = compute.earnings(compute.Setup("hourly", 1_111, commute=160_000),
                                         compute.Attendance(actual_minutes=5_010), 160)
    assert _amounts(lines)["base"] == 92_769 and nontaxable == 150_000


def test_monthly_slip_without_social_insurance_in_otsu() -> None:
    fig = compute.monthly_slip(compute.Setup("hourly", 1_200, otsu=True, health_member=False,
                                             pension_member=False, employment_insured=False),
                               compute.Attendance(actual_minutes=4_800), pay_date=dt.date(2026, 6, 25),
                               period_end=dt.date(2026, 5, 31), premium_month=dt.date(2026, 5, 1),
                               rates=social.kyokai_rates(dt.date(2026, 5, 1), 13), resident_tax=0, monthly_hours=160)
    # 96,000 x 3.063% = 2,940.48 → 2,940
    assert (fig.gross, fig.income_tax, fig.net) == (96_000, 2_940, 93_060)


def test_pay_period_and_pay_date() -> None:
    rule = PayrollSettings(closing_day=31, pay_month_offset=1, pay_day=25)
    # 月末締め翌月25日払い: October 2026 paid on 25 November (a Wednesday)
    assert pay_period(rule, 2026, 10) == (dt.date(2026, 10, 1), dt.date(2026, 10, 31), dt.date(2026, 11, 25))
    # September paid 25 October 2026, a Sunday → Friday 23 October
    assert pay_period(rule, 2026, 9)[2] == dt.date(2026, 10, 23)
    # 20日締め当月末払い: 21 September - 20 October, paid 30 October 2026 (31st is a Saturday)
    rule = PayrollSettings(closing_day=20, pay_month_offset=0, pay_day=31)
    assert pay_period(rule, 2026, 10) == (dt.date(2026, 9, 21), dt.date(2026, 10, 20), dt.date(2026, 10, 30))


# --- 通勤手当の非課税限度額 (所得税法施行令 20条の2; 国税庁 「通勤手当の非課税限度額の改正について」 令和7年) --


@pytest.mark.parametrize(("km", "limit"), [
    ("0", 0), ("1.9", 0),  # 片道2km未満: 全額課税
    ("2", 4_200), ("9.9", 4_200),  # 2km以上10km未満 4,200
    ("10", 7_300), ("14.9", 7_300),  # 10km以上15km未満 7,300 (改正前 7,100)
    ("15", 13_500), ("24.9", 13_500),  # 15-25km 13,500 (12,900)
    ("25", 19_700), ("34.9", 19_700),  # 25-35km 19,700 (18,700)
    ("35", 25_900), ("44.9", 25_900),  # 35-45km 25,900 (24,400)
    ("45", 32_300), ("54.9", 32_300),  # 45-55km 32,300 (28,000)
    ("55", 38_700), ("120", 38_700),  # 55km以上 38,700 (31,600)
])
def test_vehicle_commute_limits_from_2025_04(km: str, limit: int) -> None:
    assert compute.commute_limit(dt.date(2026, 6, 25), "vehicle", Fraction(Decimal(km))) == limit


@pytest.mark.parametrize(("km", "limit"), [("9.9", 4_200), ("10", 7_100), ("45", 28_000), ("55", 31_600)])
def test_vehicle_commute_limits_before_the_2025_revision(km: str, limit: int) -> None:
    # due before 2025-04-01: the 平成26年 bands
    assert compute.commute_limit(dt.date(2025, 3, 25), "vehicle", Fraction(Decimal(km))) == limit


def test_transit_limit_and_override() -> None:
    assert compute.commute_limit(dt.date(2026, 6, 25), "transit", None) == 150_000
    assert compute.commute_limit(dt.date(2026, 6, 25), "transit", None, 100_000) == 100_000  # own lower limit
    assert compute.commute_limit(dt.date(2026, 6, 25), "vehicle", Fraction(30), 150_000) == 19_700  # never raises it
    with pytest.raises(Invalid):
        compute.commute_limit(dt.date(2026, 6, 25), "vehicle", None)
    with pytest.raises(Invalid):
        compute.commute_limit(dt.date(2026, 6, 25), "bicycle", Fraction(3))


def test_taxable_excess_of_a_car_allowance_goes_into_taxable_pay() -> None:
    # 20 km by car, allowance 20,000: limit 13,500, so 6,500 is taxable with the base pay
    setup = compute.Setup(pay_type="monthly", base_amount=250_000, commute=20_000, commute_limit=13_500,
                          health_member=False, pension_member=False, employment_insured=False)
    lines, nontaxable = compute.earnings(setup, compute.Attendance(), 160)
    assert nontaxable == 13_500
    assert sum(x.amount for x in lines) - nontaxable == 256_500
