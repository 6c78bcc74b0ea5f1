"""与信限度額: exposure = open receivables + undelivered part of open orders + unbilled deliveries; over the
limit is a warning, a limit of 0 means none. Figures worked by hand."""

from __future__ import annotations

from ennoshita.sales.rules import (
    CREDIT_LIMIT_WARNING,
    CreditWarning,
    credit_exposure,
    credit_limit_warning,
    order_backlog,
)


def test_an_order_counts_what_is_not_yet_delivered() -> None:
    assert order_backlog(110_000, 0) == 110_000
    assert order_backlog(110_000, 44_000) == 66_000
    assert order_backlog(110_000, 110_001) == 0  # a delivery rounded a yen the other way: never negative


def test_exposure_adds_receivables_open_orders_and_unbilled_deliveries() -> None:
    # 売掛金 330,000 open; order A 550,000 with 220,000 delivered; order B 110,000 untouched;
    # a delivery of 220,000 not yet invoiced → 330,000 + 330,000 + 110,000 + 220,000 = 990,000
    exposure = credit_exposure(330_000, [(550_000, 220_000), (110_000, 0)], 220_000)
    assert (exposure.open_receivables, exposure.open_orders, exposure.unbilled_deliveries) == (330_000, 440_000,
                                                                                               220_000)
    assert exposure.total == 990_000


def test_over_the_limit_is_a_warning_with_the_figures() -> None:
    warning = credit_limit_warning(1_000_000, 1_100_000)
    assert warning == CreditWarning(limit=1_000_000, exposure=1_100_000)
    assert warning.code == CREDIT_LIMIT_WARNING == "sales.warning.credit_limit"
    assert warning.excess == 100_000


def test_at_the_limit_or_without_a_limit_there_is_no_warning() -> None:
    assert credit_limit_warning(1_000_000, 1_000_000) is None  # reaching the limit is still within it
    assert credit_limit_warning(1_000_000, 999_999) is None
    assert credit_limit_warning(0, 50_000_000) is None  # 0: no limit
    assert credit_limit_warning(-1, 1) is None
