"""少額特例 and the receipts that need no qualified invoice: dates and amounts from the law's text."""

from __future__ import annotations

import datetime as dt

from ennoshita.purchasing import credit_basis


def test_the_company_qualifies_by_its_base_period_sales() -> None:
    assert credit_basis.company_qualifies(True, 100_000_000)  # ≤ ¥100M
    assert not credit_basis.company_qualifies(True, 100_000_001)
    assert not credit_basis.company_qualifies(True, None)
    assert not credit_basis.company_qualifies(False, 50_000_000)


def test_the_small_amount_exception_runs_from_2023_10_to_2029_09() -> None:
    assert credit_basis.small_amount_applies(True, dt.date(2029, 9, 30), 9_999)
    assert not credit_basis.small_amount_applies(True, dt.date(2029, 10, 1), 9_999)
    assert not credit_basis.small_amount_applies(True, dt.date(2023, 9, 30), 9_999)
    assert not credit_basis.small_amount_applies(True, dt.date(2027, 1, 1), 10_000)  # "1万円未満"


def test_receipts_without_an_invoice_stay_under_thirty_thousand_yen() -> None:
    assert credit_basis.no_invoice_reason_ok("public_transport", 29_999)
    assert not credit_basis.no_invoice_reason_ok("public_transport", 30_000)
    assert credit_basis.no_invoice_reason_ok("admission_ticket", 1_000_000)
    assert not credit_basis.no_invoice_reason_ok("taxi", 1_000)
