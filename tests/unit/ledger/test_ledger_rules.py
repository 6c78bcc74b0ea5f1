"""Ledger rules against hand-computed examples: balancing, the tax split per rounding rule, the transitional
deduction table by date (boundary days included), numbering, reversal."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ennoshita.ledger.rules import LineDraft, check_balanced, entry_number, expand_tax, reversal_of
from ennoshita.ledger.taxes import CATEGORIES, split_inclusive, transitional_deduction_ratio
from ennoshita.money import Rounding


def L(account: str, debit: int = 0, credit: int = 0, tax: str | None = None) -> LineDraft:  # noqa: N802
    return LineDraft(account, debit, credit, tax)


def test_a_balanced_entry_has_no_problem() -> None:
    assert check_balanced([L("現金", 1000), L("売上高", credit=600), L("売上高", credit=400)]) == []


def test_an_unbalanced_entry_reports_the_difference() -> None:
    problems = check_balanced([L("現金", 1000), L("売上高", credit=999)])
    assert [(p.key, p.params["difference"]) for p in problems] == [("ledger.error.unbalanced", 1)]


def test_each_line_has_exactly_one_positive_side() -> None:
    problems = check_balanced([L("現金", 1000, 1000), L("売上高", 0, 0), L("売上高", -5, 0)])
    # Three bad lines, and the totals (995 debit vs 1,000 credit) do not balance either.
    assert [p.field for p in problems] == ["lines[0].debit", "lines[1].debit", "lines[2].debit", "lines"]


def test_one_line_is_not_an_entry() -> None:
    assert "ledger.error.too_few_lines" in {p.key for p in check_balanced([L("現金", 0)])}


@pytest.mark.parametrize(("gross", "code", "rule", "net", "tax"), [
    (11_000, "sales_10", Rounding.FLOOR, 10_000, 1_000),       # 11,000 x 10/110 = 1,000 exactly
    (1_080, "purchase_8r", Rounding.FLOOR, 1_000, 80),          # 1,080 x 8/108 = 80 exactly
    (1_000, "purchase_10", Rounding.FLOOR, 910, 90),            # 1,000 x 10/110 = 90.909... -> 90
    (1_000, "purchase_10", Rounding.HALF_UP, 909, 91),          # -> 91
    (1_000, "purchase_10", Rounding.CEIL, 909, 91),             # -> 91
    (1_005, "purchase_10", Rounding.FLOOR, 914, 91),            # 1,005 x 10/110 = 91.3636... -> 91
    (1_005, "purchase_10", Rounding.HALF_UP, 914, 91),          # -> 91 (0.36 rounds down)
    (1_005, "purchase_10", Rounding.CEIL, 913, 92),             # -> 92
    (1_234, "sales_8r", Rounding.FLOOR, 1_143, 91),             # 1,234 x 8/108 = 91.407... -> 91
    (1_234, "sales_8r", Rounding.CEIL, 1_142, 92),
    (5_000, "sales_exempt", Rounding.FLOOR, 5_000, 0),          # 非課税: no tax
])
def test_tax_inclusive_split(gross: int, code: str, rule: Rounding, net: int, tax: int) -> None:
    assert split_inclusive(gross, CATEGORIES[code], rule) == (net, tax)


@pytest.mark.parametrize(("day", "ratio"), [
    (dt.date(2023, 9, 30), Fraction(1)),       # before the invoice system: an ordinary 課税仕入れ, all deductible
    (dt.date(2023, 10, 1), Fraction(80, 100)),
    (dt.date(2026, 9, 30), Fraction(80, 100)),
    (dt.date(2026, 10, 1), Fraction(70, 100)),
    (dt.date(2028, 9, 30), Fraction(70, 100)),
    (dt.date(2028, 10, 1), Fraction(50, 100)),
    (dt.date(2030, 9, 30), Fraction(50, 100)),
    (dt.date(2030, 10, 1), Fraction(30, 100)),
    (dt.date(2031, 9, 30), Fraction(30, 100)),
    (dt.date(2031, 10, 1), Fraction(0)),
])
def test_transitional_deduction_by_transaction_date(day: dt.date, ratio: Fraction) -> None:
    assert transitional_deduction_ratio(day) == ratio


def test_expand_tax_under_tax_exclusive_bookkeeping() -> None:
    lines = expand_tax([L("普通預金", 11_000), L("売上高", credit=11_000, tax="sales_10")], "exclusive",
                       Rounding.FLOOR, "2220", "1460")
    assert [(x.account_code, x.debit, x.credit) for x in lines] == [
        ("普通預金", 11_000, 0), ("売上高", 0, 10_000), ("2220", 0, 1_000)]


def test_expand_tax_leaves_tax_inclusive_bookkeeping_alone() -> None:
    lines = [L("会議費", 1_080, tax="purchase_8r"), L("現金", credit=1_080)]
    assert expand_tax(lines, "inclusive", Rounding.FLOOR, "2220", "1460") == lines


amounts = st.integers(min_value=1, max_value=10_000_000)
categories = st.sampled_from([None, "sales_10", "sales_8r", "purchase_10", "purchase_8r", "sales_exempt",
                              "purchase_10_transitional", "out_of_scope"])


@given(st.lists(st.tuples(amounts, categories), min_size=1, max_size=8), st.sampled_from(list(Rounding)))
def test_any_balanced_entry_stays_balanced_after_the_tax_split(parts: list[tuple[int, str | None]],
                                                               rule: Rounding) -> None:
    total = sum(a for a, _ in parts)
    lines = [L("売上高", credit=a, tax=c) for a, c in parts] + [L("普通預金", total)]
    expanded = expand_tax(lines, "exclusive", rule, "2220", "1460")
    assert check_balanced(expanded) == []
    assert sum(x.debit for x in expanded) == total


@given(st.lists(st.tuples(amounts, st.booleans()), min_size=2, max_size=8))
def test_a_reversal_nets_every_account_to_zero(parts: list[tuple[int, bool]]) -> None:
    lines = [L(f"A{i}", a if d else 0, 0 if d else a) for i, (a, d) in enumerate(parts)]
    net: dict[str, int] = {}
    for x in [*lines, *reversal_of(lines)]:
        net[x.account_code] = net.get(x.account_code, 0) + x.debit - x.credit
    assert set(net.values()) == {0}


def test_entry_numbers() -> None:
    assert entry_number(2026, 123) == "JE-2026-000123"


@pytest.mark.parametrize(("day", "net", "tax"), [
    (dt.date(2023, 9, 30), 10_000, 1_000),   # before the invoice system: the whole tax is deductible
    (dt.date(2023, 10, 1), 10_200, 800),     # 80% of 1,000 in 仮払消費税, 200 stays in the cost
    (dt.date(2026, 9, 30), 10_200, 800),
    (dt.date(2026, 10, 1), 10_300, 700),     # 令和8年度改正: 70% from 2026-10-01
    (dt.date(2030, 10, 1), 10_700, 300),     # 30%
])
def test_a_purchase_without_a_qualified_invoice_books_only_the_deductible_tax(day: dt.date, net: int,
                                                                              tax: int) -> None:
    lines = expand_tax([L("消耗品費", 11_000, tax="purchase_10_transitional"), L("普通預金", credit=11_000)],
                       "exclusive", Rounding.FLOOR, "2220", "1460", day)
    assert [(ln.account_code, ln.debit) for ln in lines[:2]] == [("消耗品費", net), ("1460", tax)]


def test_after_the_transition_nothing_is_deductible() -> None:
    lines = expand_tax([L("消耗品費", 11_000, tax="purchase_10_transitional"), L("普通預金", credit=11_000)],
                       "exclusive", Rounding.FLOOR, "2220", "1460", dt.date(2031, 10, 1))
    assert [(ln.account_code, ln.debit) for ln in lines] == [("消耗品費", 11_000), ("普通預金", 0)]


def test_a_negative_amount_is_reported_beside_the_side_that_is_negative() -> None:
    """The first walk: 貸方 -500 on 仕訳入力 put 「金額にマイナスは使えません」 under the empty 借方 cell."""
    problems = check_balanced([LineDraft("6280", 500, 0), LineDraft("1110", 0, -500)])
    negative = [p.field for p in problems if p.key == "ledger.error.negative_amount"]
    assert negative == ["lines[1].credit"]
    problems = check_balanced([LineDraft("6280", -500, 0), LineDraft("1110", 0, 500)])
    assert [p.field for p in problems if p.key == "ledger.error.negative_amount"] == ["lines[0].debit"]
