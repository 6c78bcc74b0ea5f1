"""印紙税 at every bracket boundary and the 更新拒絶期限 roll-forward."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ennoshita.contracts import rules
from ennoshita.contracts.stamp_duty import stamp_duty
from ennoshita.errors import Invalid

D = dt.date
DAY = D(2026, 6, 1)

# 国税庁 No.7140 (第2号 請負): boundaries (amount → tax), each bracket's top and the yen after it
NO2 = [(9_999, 0), (10_000, 200), (1_000_000, 200), (1_000_001, 400), (2_000_000, 400), (2_000_001, 1_000),
       (3_000_000, 1_000), (3_000_001, 2_000), (5_000_000, 2_000), (5_000_001, 10_000), (10_000_000, 10_000),
       (10_000_001, 20_000), (50_000_000, 20_000), (50_000_001, 60_000), (100_000_000, 60_000),
       (100_000_001, 100_000), (500_000_000, 100_000), (500_000_001, 200_000), (1_000_000_000, 200_000),
       (1_000_000_001, 400_000), (5_000_000_000, 400_000), (5_000_000_001, 600_000)]
# 第1号 (消費貸借 etc., no reduction)
NO1 = [(9_999, 0), (10_000, 200), (100_000, 200), (100_001, 400), (500_000, 400), (500_001, 1_000),
       (1_000_000, 1_000), (1_000_001, 2_000), (5_000_000, 2_000), (5_000_001, 10_000), (10_000_000, 10_000),
       (10_000_001, 20_000), (50_000_000, 20_000), (50_000_001, 60_000), (100_000_000, 60_000),
       (100_000_001, 100_000), (500_000_000, 100_000), (500_000_001, 200_000), (1_000_000_000, 200_000),
       (1_000_000_001, 400_000), (5_000_000_000, 400_000), (5_000_000_001, 600_000)]
# 措法91条 建設工事請負 (2014-04-01..2027-03-31; 国税庁 No.7108)
CONSTRUCTION = [(1_000_000, 200), (1_000_001, 200), (2_000_000, 200), (2_000_001, 500), (3_000_000, 500),
                (3_000_001, 1_000), (5_000_000, 1_000), (5_000_001, 5_000), (10_000_000, 5_000),
                (10_000_001, 10_000), (50_000_000, 10_000), (50_000_001, 30_000), (100_000_000, 30_000),
                (100_000_001, 60_000), (500_000_000, 60_000), (500_000_001, 160_000), (1_000_000_000, 160_000),
                (1_000_000_001, 320_000), (5_000_000_000, 320_000), (5_000_000_001, 480_000)]
# 措法91条 不動産譲渡
REAL_ESTATE = [(100_000, 200), (100_001, 200), (500_000, 200), (500_001, 500), (1_000_000, 500),
               (1_000_001, 1_000), (5_000_000, 1_000), (5_000_001, 5_000), (10_000_000, 5_000),
               (10_000_001, 10_000), (50_000_000, 10_000), (50_000_001, 30_000)]
# 第17号 売上代金の受取書 (国税庁 No.7105)
NO17 = [(49_999, 0), (50_000, 200), (1_000_000, 200), (1_000_001, 400), (2_000_000, 400), (2_000_001, 600),
        (3_000_000, 600), (3_000_001, 1_000), (5_000_000, 1_000), (5_000_001, 2_000), (10_000_000, 2_000),
        (10_000_001, 4_000), (20_000_000, 4_000), (20_000_001, 6_000), (30_000_000, 6_000), (30_000_001, 10_000),
        (50_000_000, 10_000), (50_000_001, 20_000), (100_000_000, 20_000), (100_000_001, 40_000),
        (200_000_000, 40_000), (200_000_001, 60_000), (300_000_000, 60_000), (300_000_001, 100_000),
        (500_000_000, 100_000), (500_000_001, 150_000), (1_000_000_000, 150_000), (1_000_000_001, 200_000)]


@pytest.mark.parametrize(("amount", "tax"), NO2)
def test_no2_brackets(amount: int, tax: int) -> None:
    assert stamp_duty("2", amount, DAY).tax == tax


@pytest.mark.parametrize(("amount", "tax"), NO1)
def test_no1_brackets(amount: int, tax: int) -> None:
    assert stamp_duty("1", amount, DAY).tax == tax


@pytest.mark.parametrize(("amount", "tax"), CONSTRUCTION)
def test_construction_reduced_brackets(amount: int, tax: int) -> None:
    assert stamp_duty("2", amount, DAY, subject="construction").tax == tax


@pytest.mark.parametrize(("amount", "tax"), REAL_ESTATE)
def test_real_estate_reduced_brackets(amount: int, tax: int) -> None:
    assert stamp_duty("1", amount, DAY, subject="real_estate").tax == tax


@pytest.mark.parametrize(("amount", "tax"), NO17)
def test_no17_receipts(amount: int, tax: int) -> None:
    assert stamp_duty("17", amount, DAY).tax == tax


def test_reduced_rate_period_ends_on_2027_03_31() -> None:
    # 建設工事 ¥5,000,000: reduced 1,000 through 2027-03-31, the standard 2,000 from 2027-04-01
    assert stamp_duty("2", 5_000_000, D(2027, 3, 31), subject="construction").tax == 1_000
    assert stamp_duty("2", 5_000_000, D(2027, 3, 31), subject="construction").reduced
    assert stamp_duty("2", 5_000_000, D(2027, 4, 1), subject="construction").tax == 2_000
    # 不動産 ¥10,000,000: 5,000 → 10,000; before 2014-04-01 the old reduction only above ¥10,000,000
    assert stamp_duty("1", 10_000_000, D(2027, 4, 1), subject="real_estate").tax == 10_000
    assert stamp_duty("1", 10_000_000, D(2014, 3, 31), subject="real_estate").tax == 10_000
    assert stamp_duty("1", 50_000_000, D(2014, 3, 31), subject="real_estate").tax == 15_000


def test_no_amount_no7_and_electronic() -> None:
    assert stamp_duty("2", None, DAY).tax == 200
    assert stamp_duty("7", None, DAY).tax == 4_000
    assert stamp_duty("7", None, DAY, term_months=3, renewal=False).tax == 0
    assert stamp_duty("7", None, DAY, term_months=3, renewal=True).tax == 4_000
    electronic = stamp_duty("2", 5_000_000, DAY, electronic=True)
    assert electronic.tax == 0 and "電子契約" in electronic.basis
    with pytest.raises(Invalid):
        stamp_duty("3", 1, DAY)


def test_no17_threshold_was_30000_before_2014_04() -> None:
    assert stamp_duty("17", 40_000, D(2014, 3, 31)).tax == 200
    assert stamp_duty("17", 40_000, D(2014, 4, 1)).tax == 0


def test_notice_deadline_keeps_month_ends() -> None:
    assert rules.notice_deadline(D(2026, 3, 31), 3) == D(2025, 12, 31)
    assert rules.notice_deadline(D(2026, 2, 28), 3) == D(2025, 11, 30)
    assert rules.notice_deadline(D(2026, 5, 31), 3) == D(2026, 2, 28)
    assert rules.notice_deadline(D(2026, 5, 15), 3) == D(2026, 2, 15)
    assert rules.notice_deadline(D(2026, 3, 31), 1, 10) == D(2026, 2, 18)


def test_renewal_deadline_rolls_forward_across_cycles_and_month_ends() -> None:
    # a lease 2024-03-01..2025-02-28, 1-year renewals, 3 months' notice:
    # deadlines 2024-11-30, 2025-11-30 (term to 2026-02-28), 2026-11-30 (term to 2027-02-28),
    # 2027-11-30 (term to 2028-02-29: leap year month end)
    terms = rules.Terms(D(2024, 3, 1), D(2025, 2, 28), auto_renew=True, renewal_months=12, notice_months=3)
    assert rules.position(terms, D(2024, 11, 30)) == rules.Position(D(2025, 2, 28), D(2024, 11, 30), 0, False)
    assert rules.position(terms, D(2024, 12, 1)) == rules.Position(D(2026, 2, 28), D(2025, 11, 30), 1, False)
    assert rules.position(terms, D(2026, 12, 1)).deadline == D(2027, 11, 30)
    assert rules.position(terms, D(2026, 12, 1)).term_end == D(2028, 2, 29)
    assert rules.position(terms, D(2026, 12, 1)).cycles == 3


def test_six_month_renewals_from_a_31st() -> None:
    # ends 2025-08-31, 6-month renewals, 1 month notice: 2025-07-31, 2026-01-31 (end 2026-02-28), 2026-07-31
    terms = rules.Terms(D(2025, 3, 1), D(2025, 8, 31), auto_renew=True, renewal_months=6, notice_months=1)
    assert rules.position(terms, D(2025, 8, 1)).deadline == D(2026, 1, 31)
    assert rules.position(terms, D(2025, 8, 1)).term_end == D(2026, 2, 28)
    assert rules.position(terms, D(2026, 2, 1)).deadline == D(2026, 7, 31)


def test_alert_goes_out_60_days_before() -> None:
    assert rules.alert_day(D(2026, 12, 31)) == D(2026, 11, 1)
    assert rules.due_for_alert(D(2026, 12, 31), D(2026, 11, 1))
    assert not rules.due_for_alert(D(2026, 12, 31), D(2026, 10, 31))


def test_bad_terms_are_named() -> None:
    bad = rules.validate(rules.Terms(D(2026, 4, 1), D(2026, 3, 31)))
    assert [p.field for p in bad] == ["end_date"]
    longer = rules.validate(rules.Terms(D(2026, 4, 1), D(2027, 3, 31), auto_renew=True, renewal_months=3,
                                        notice_months=6))
    assert [p.key for p in longer] == ["contracts.error.notice_longer_than_term"]
    assert rules.validate(rules.Terms(D(2026, 4, 1), D(2027, 3, 31), auto_renew=True, renewal_months=12,
                                      notice_months=3)) == []


@given(a=st.integers(min_value=0, max_value=10**11), b=st.integers(min_value=0, max_value=10**11),
       doc=st.sampled_from(["1", "2", "17"]), day=st.dates(min_value=D(2014, 4, 1), max_value=D(2030, 12, 31)))
def test_stamp_duty_never_falls_as_the_amount_rises(a: int, b: int, doc: str, day: dt.date) -> None:
    low, high = sorted((a, b))
    assert stamp_duty(doc, low, day).tax <= stamp_duty(doc, high, day).tax
    subject = {"1": "real_estate", "2": "construction"}.get(doc, "other")
    assert stamp_duty(doc, high, day, subject=subject).tax <= stamp_duty(doc, high, day).tax


def test_term_months_count_a_part_month_as_whole_and_end_on_the_day_before() -> None:
    # 民法143条: a period of n months from day d ends on the day before day d n months on, or on that month's end
    # when it has no day d: from 01-31, three months end on 04-30.
    assert rules.term_months(dt.date(2026, 4, 15), dt.date(2026, 7, 14)) == 3
    assert rules.term_months(dt.date(2026, 4, 15), dt.date(2026, 7, 15)) == 4
    assert rules.term_months(dt.date(2026, 4, 1), dt.date(2026, 6, 30)) == 3
    assert rules.term_months(dt.date(2026, 1, 31), dt.date(2026, 4, 30)) == 3
    assert rules.term_months(dt.date(2026, 1, 31), dt.date(2026, 5, 1)) == 4
    assert rules.term_months(dt.date(2025, 4, 1), dt.date(2026, 3, 31)) == 12
