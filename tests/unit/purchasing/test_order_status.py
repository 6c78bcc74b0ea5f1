"""An order's state from its lines' (ordered, received) quantities: what 検収 and 検収取消 move it to."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from ennoshita.purchasing.rules import order_status_after_receipts


@pytest.mark.parametrize(("lines", "expected"), [
    ([(D(100), D(0))], "sent"),  # the only receipt cancelled: as sent, to be received again
    ([(D(100), D(0)), (D(10), D(0))], "sent"),
    ([(D(100), D(60)), (D(10), D(0))], "partial"),  # one receipt of two cancelled
    ([(D(100), D("99.5")), (D(10), D(10))], "partial"),
    ([(D(100), D(100)), (D(10), D(10))], "received"),
    ([(D("2.5"), D("2.5"))], "received"),
])
def test_order_status_after_receipts(lines: list[tuple[D, D]], expected: str) -> None:
    assert order_status_after_receipts(lines) == expected
