"""法人番号 / 登録番号: the check digit is the leading digit (法人番号の指定等に関する省令 第2条)."""

from __future__ import annotations

import pytest

from ennoshita.identity.rules import registration_problem

# 7000012050002 is 国税庁's own published 法人番号. The helper-written test_registration.py adds more
# published numbers; here the others are checked against the formula computed by hand below.
REAL = ["7000012050002"]


def _check_digit_by_hand(base12: str) -> int:
    # 9 - (Σ Pn × Qn mod 9), Pn the n-th digit from the right of the 12 digits, Qn = 1 for odd n, 2 for even n.
    total = sum(int(d) * (1 if n % 2 else 2) for n, d in enumerate(reversed(base12), start=1))
    return 9 - total % 9


@pytest.mark.parametrize("number", REAL)
def test_published_numbers_have_the_check_digit_the_formula_gives(number: str) -> None:
    assert int(number[0]) == _check_digit_by_hand(number[1:])


@pytest.mark.parametrize("number", REAL)
def test_published_numbers_are_accepted_with_t(number: str) -> None:
    assert registration_problem("T" + number, "registration_number") == ("T" + number, None)


def test_full_width_and_hyphens_are_normalised() -> None:
    assert registration_problem("Ｔ７０００－０１２０－５０００２", "f")[0] == "T7000012050002"


def test_every_single_digit_change_of_the_nta_number_is_refused() -> None:
    number = "7000012050002"
    for pos in range(13):
        for digit in "0123456789":
            if digit == number[pos]:
                continue
            altered = number[:pos] + digit + number[pos + 1:]
            normalized, problem = registration_problem("T" + altered, "registration_number")
            # Changing one digit changes Σ by a non-multiple of 9 except for 0<->9 swaps of weight-1 digits.
            if _check_digit_by_hand(altered[1:]) == int(altered[0]):
                assert problem is None
            else:
                assert normalized is None
                assert problem is not None and problem.field == "registration_number"


@pytest.mark.parametrize("text", ["T700001205000", "T70000120500021", "X7000012050002", "T70000120500O2", ""])
def test_malformed_numbers_are_refused_naming_the_field(text: str) -> None:
    normalized, problem = registration_problem(text, "registration_number")
    assert normalized is None
    assert problem is not None and problem.key == "company.error.registration_number"
