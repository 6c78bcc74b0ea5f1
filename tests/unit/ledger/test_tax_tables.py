"""The dated tax tables and the one 税抜経理 split rule, against the law's figures and hand computations
(issue 11 items 2, 8 and 9)."""

from __future__ import annotations

import datetime as dt

import pytest

from ennoshita.ledger.taxes import CATEGORIES, non_registered_annual_cap, split_line
from ennoshita.ledger.yayoi import tax_from_yayoi, tax_to_yayoi
from ennoshita.money import Rounding

P10T = CATEGORIES["purchase_10_transitional"]


@pytest.mark.parametrize(("start", "cap"), [
    (dt.date(2024, 4, 1), None),                 # 課税期間 beginning before 2024-10-01: no cap
    (dt.date(2024, 9, 30), None),
    (dt.date(2024, 10, 1), 1_000_000_000),       # 令和6年度改正: 10億円 (国税庁「適格請求書等保存方式の概要」)
    (dt.date(2025, 4, 1), 1_000_000_000),
    (dt.date(2026, 4, 1), 1_000_000_000),        # the 令和8年 figure applies only from 2026-10-01 starts
    (dt.date(2026, 10, 1), 100_000_000),         # 令和8年度改正: 1億円
    (dt.date(2027, 4, 1), 100_000_000),
])
def test_the_per_supplier_cap_is_dated_by_the_start_of_the_tax_period(start: dt.date, cap: int | None) -> None:
    assert non_registered_annual_cap(start) == cap


@pytest.mark.parametrize(("day", "given", "net", "tax"), [
    # 22,000 税込 at 10%: whole tax 22,000 x 10/110 = 2,000
    (dt.date(2023, 9, 30), None, 20_000, 2_000),     # before the invoice system: 100% deductible
    (dt.date(2023, 9, 30), 2_000, 20_000, 2_000),
    (dt.date(2025, 6, 1), None, 20_400, 1_600),      # 80% of 2,000
    (dt.date(2027, 6, 1), None, 20_600, 1_400),      # 70% of 2,000
    (dt.date(2027, 6, 1), 2_000, 20_600, 1_400),     # the file's 2,000 is capped at the 1,400 deductible
    (dt.date(2027, 6, 1), 1_400, 20_600, 1_400),     # a file stating the deductible part: kept
    (dt.date(2027, 6, 1), 1_000, 21_000, 1_000),     # less than the cap: kept as given
    (dt.date(2031, 10, 1), 2_000, 22_000, 0),        # after the transition nothing is deductible
])
def test_a_transitional_purchase_books_at_most_its_deductible_share(day: dt.date, given: int | None, net: int,
                                                                    tax: int) -> None:
    assert split_line(22_000, P10T, day, Rounding.FLOOR, given) == (net, tax)


def test_an_ordinary_purchase_keeps_the_stated_tax() -> None:
    # 770 at 10%: 770 x 10/110 = 70 -> 700 + 70
    assert split_line(770, CATEGORIES["purchase_10"], dt.date(2026, 6, 30), Rounding.FLOOR) == (700, 70)
    assert split_line(1_106, CATEGORIES["purchase_10"], None, Rounding.FLOOR, 101) == (1_005, 101)
    assert split_line(5_000, CATEGORIES["sales_export"], None, Rounding.FLOOR) == (5_000, 0)


@pytest.mark.parametrize(("name", "code"), [
    ("課対仕入内10%適格", "purchase_10:taxable"),          # freee's 弥生-format names (内 = tax-inclusive)
    ("課対仕入内軽減8%適格", "purchase_8r:taxable"),
    ("課対仕入内8%(軽)適格", "purchase_8r:taxable"),
    ("課対仕入込10%控不", "out_of_scope"),          # 控除不可: no credit, the whole amount is cost
    ("課対仕入内10%区分80%", "purchase_10_transitional:taxable"),
    ("課対仕入込軽減8%区分70%", "purchase_8r_transitional:taxable"),
    ("課税売上内10%", "sales_10"),
    ("課税売上内軽減8%", "sales_8r"),
    ("輸出売上", "sales_export"),
    ("非課売上", "sales_exempt"),
    ("課対仕入込１０％適格", "purchase_10:taxable"),  # full-width digits
    # 用途区分 (個別対応方式): 課対 課税売上対応, 非対 非課税売上対応, 共対 共通対応, as 弥生会計 and freee name them
    ("共対仕入込10%適格", "purchase_10:common"),
    ("非対仕入内軽減8%適格", "purchase_8r:non_taxable"),
    ("共対仕入内10%区分80%", "purchase_10_transitional:common"),
])
def test_tax_names_other_systems_write_in_yayoi_format(name: str, code: str) -> None:
    assert tax_from_yayoi(name) == code


@pytest.mark.parametrize(("day", "name"), [
    (dt.date(2023, 9, 30), "課対仕入込10%"),           # 区分記載請求書等保存方式: an ordinary 課税仕入れ
    (dt.date(2023, 10, 1), "課対仕入込10%区分80%"),
    (dt.date(2026, 10, 1), "課対仕入込10%区分70%"),
    (dt.date(2028, 10, 1), "課対仕入込10%区分50%"),
    (dt.date(2030, 10, 1), "課対仕入込10%区分30%"),
    (dt.date(2031, 10, 1), "対象外"),                  # no credit left
])
def test_the_yayoi_export_names_a_real_category_for_every_date(day: dt.date, name: str) -> None:
    assert tax_to_yayoi("purchase_10_transitional", day) == name
    assert "区分0%" not in tax_to_yayoi("purchase_8r_transitional", day)
    assert tax_from_yayoi(tax_to_yayoi("purchase_10_transitional", day)) is not None
