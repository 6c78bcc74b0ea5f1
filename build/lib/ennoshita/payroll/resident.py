"""住民税 特別徴収: the statutory split of a yearly amount into June-May monthly amounts.

The municipality's 特別徴収税額決定通知書 gives the monthly amounts and those are stored as given; this split is
what the municipality does (地方税法 321条の5: the yearly tax ÷ 12, with the under-100-yen remainder in June) and
serves to check or pre-fill them.
"""

from __future__ import annotations

from ennoshita.errors import Invalid

# June first: the municipal year runs June to the following May.
MONTHS_JUNE_TO_MAY = (6, 7, 8, 9, 10, 11, 12, 1, 2, 3, 4, 5)


def split_yearly(total: int) -> dict[int, int]:
    """Month number → amount: July to May each floor(total / 12) to 100 yen, June the rest."""
    if total < 0:
        raise Invalid("payroll.error.negative", field="resident_tax")
    monthly = total // 12 // 100 * 100
    return {m: (total - 11 * monthly if m == 6 else monthly) for m in MONTHS_JUNE_TO_MAY}
