"""取適法 (中小受託取引適正化法) 3条 60日 and 運用基準 第4の3(1)カ: hand-checked dates."""

from __future__ import annotations

import datetime as dt

from ennoshita.purchasing import subcontract


def test_the_sixtieth_day_counts_the_receipt_day() -> None:
    # received 2027-01-10: day 1 is 1/10, day 60 is 3/10 (21 days of January + 28 of February + 11 of March)
    assert subcontract.latest_due(dt.date(2027, 1, 10)) == dt.date(2027, 3, 10)
    assert subcontract.due_problem(dt.date(2027, 1, 10), dt.date(2027, 3, 10)) is None
    problem = subcontract.due_problem(dt.date(2027, 1, 10), dt.date(2027, 3, 11))
    assert problem is not None and problem.params["law"] == "中小受託取引適正化法(取適法)"


def test_month_end_closing_paid_at_the_next_month_end_is_lawful() -> None:
    # 月末締め翌月末払い: received 7/1, paid 8/31 = 62nd day, lawful as "2か月以内" (運用基準)
    assert subcontract.terms_problem(31, 1, 31) is None
    assert subcontract.latest_due(dt.date(2027, 7, 1)) == dt.date(2027, 8, 31)


def test_longer_terms_are_refused() -> None:
    # 月末締め翌々月10日払い: received 7/1 → closed 7/31 → paid 9/10, past 8/31
    assert subcontract.terms_problem(31, 2, 10) is not None
    # 20日締め翌月末払い: received 6/21 → closed 7/20 → paid 8/31, past 8/20
    assert subcontract.terms_problem(20, 1, 31) is not None
    assert subcontract.terms_problem(20, 1, 20) is None


def test_the_supplier_never_bears_the_fee() -> None:
    assert subcontract.fee_bearer_problem("payee") is not None
    assert subcontract.fee_bearer_problem("payer") is None
