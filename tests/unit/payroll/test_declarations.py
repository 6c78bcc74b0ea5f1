"""扶養親族等の数 from a 扶養控除等申告書 (令和8年分 源泉徴収税額表の使い方), counted by hand; 組合 rate checks."""

from __future__ import annotations

from ennoshita.payroll import declarations, unions


def _person(birth: str, income: int = 0, disability: str = "") -> dict[str, object]:
    return {"name": "x", "birth_date": birth, "income": income, "disability": disability}


def test_a_spouse_within_95man_and_a_child_of_16_count_a_child_of_15_does_not() -> None:
    d = {"spouse": _person("1990-01-01", 950_000),
         "dependants": [_person("2010-12-31"), _person("2011-01-01")]}  # 16 and 15 on 31 December 2026
    assert declarations.dependents_count(d, 2026) == 2


def test_a_spouse_over_95man_does_not_count_but_a_disabled_spouse_still_adds_one() -> None:
    assert declarations.dependents_count({"spouse": _person("1990-01-01", 950_001)}, 2026) == 0
    assert declarations.dependents_count({"spouse": _person("1990-01-01", 950_001, "general")}, 2026) == 1


def test_a_specified_relative_of_19_to_22_counts_up_to_100man_others_up_to_58man() -> None:
    assert declarations.dependents_count({"dependants": [_person("2006-06-01", 1_000_000)]}, 2026) == 1  # 20
    assert declarations.dependents_count({"dependants": [_person("2000-06-01", 1_000_000)]}, 2026) == 0  # 26
    assert declarations.dependents_count({"dependants": [_person("2000-06-01", 580_000)]}, 2026) == 1


def test_a_disabled_child_under_16_adds_one_and_each_own_status_adds_one() -> None:
    d = {"dependants": [_person("2020-01-01", 0, "special_living_with")], "self_disability": "general",
         "single_parent": True, "working_student": True}
    assert declarations.dependents_count(d, 2026) == 4


def test_union_rates_are_percentages_with_the_share_not_above_the_rate() -> None:
    ok = {"health_rate": "9.5", "health_employee_rate": "4.35", "care_rate": "1.9", "care_employee_rate": "0.95"}
    assert unions.rate_problems(ok) == []
    bad = unions.rate_problems({**ok, "health_rate": "abc", "care_employee_rate": "2", "health_employee_rate": "31"})
    assert sorted(p.field or "" for p in bad) == ["care_employee_rate", "health_employee_rate", "health_rate"]
