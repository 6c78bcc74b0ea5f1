"""ennoshita.registration: 法人番号 and 登録番号 against published numbers and single-digit typos."""

from __future__ import annotations

import pytest

from ennoshita.errors import Invalid
from ennoshita.registration import (
    is_valid_corporate_number,
    is_valid_registration_number,
    normalize_corporate_number,
    normalize_registration_number,
)

# Published 法人番号:
#   7000012050002  国税庁 (shown with its own number on JIPDEC's page of the 国税庁 法人番号 talk)
#   7010705000725  日本税理士会連合会 (Wikipedia's comparison of 会社法人等番号 / 法人番号 / 登録番号)
#   4011001098993  株式会社FoundingBase (given with its check-digit computation on Qiita)
PUBLISHED = ["7000012050002", "7010705000725", "4011001098993"]


def test_the_nta_check_digit_by_hand() -> None:
    # Base 000012050002; digits from the right with weights 1,2,1,2...:
    # 2x1 + 0x2 + 0x1 + 0x2 + 5x1 + 0x2 + 2x1 + 1x2 + 0 ... = 11; 11 mod 9 = 2; 9 - 2 = 7, the leading digit.
    assert is_valid_corporate_number("7000012050002")


def test_the_ministry_ordinance_worked_example() -> None:
    # 7123456789012: Σ = 74 (2+2+0+18+8+14+6+10+4+6+2+2), 74 mod 9 = 2, 9 - 2 = 7.
    assert is_valid_corporate_number("7123456789012")
    assert not is_valid_corporate_number("6123456789012")


@pytest.mark.parametrize("number", PUBLISHED)
def test_published_numbers_are_valid(number: str) -> None:
    assert is_valid_corporate_number(number)
    assert normalize_corporate_number(number) == number
    assert normalize_registration_number("T" + number) == "T" + number


@pytest.mark.parametrize("number", PUBLISHED)
def test_each_single_digit_change_is_caught_except_a_zero_nine_swap(number: str) -> None:
    for pos in range(13):
        original = int(number[pos])
        for digit in range(10):
            if digit == original:
                continue
            altered = number[:pos] + str(digit) + number[pos + 1:]
            # A change of d in a weight-1 or weight-2 digit moves the sum by d or 2d; only d = ±9
            # (0 <-> 9) leaves it unchanged mod 9, which no check digit of this kind can see.
            undetectable = pos > 0 and {original, digit} == {0, 9}
            assert is_valid_corporate_number(altered) is undetectable, altered
            assert is_valid_registration_number("T" + altered) is undetectable, altered


def test_the_zero_nine_blind_spot_is_real() -> None:
    # 7000012050002 with its second digit (0, weight 2) changed to 9: the sum grows by 18, still 2 mod 9.
    assert is_valid_corporate_number("7900012050002")


@pytest.mark.parametrize("text", [
    "T7000012050002",
    "t7000012050002",
    "7000012050002",
    "Ｔ７００００１２０５０００２",
    "T7000-0120-50002",
    "Ｔ７０００－０１２０－５０００２",
    " T 7000 0120 50002 ",
])
def test_registration_numbers_are_normalised_to_t_and_13_ascii_digits(text: str) -> None:
    assert normalize_registration_number(text) == "T7000012050002"


@pytest.mark.parametrize("text", [
    "T7000012050003",  # wrong check digit
    "T700001205000",  # 12 digits
    "T70000120500021",  # 14 digits
    "X7000012050002",
    "TT7000012050002",
    "T70000120500O2",  # letter O
    "",
])
def test_bad_registration_numbers_raise_invalid_with_the_callers_field(text: str) -> None:
    with pytest.raises(Invalid) as caught:
        normalize_registration_number(text, field="partner.registration_number")
    assert caught.value.key == "company.error.registration_number"
    assert caught.value.problems[0].field == "partner.registration_number"


def test_a_corporate_number_is_not_a_registration_number_with_t() -> None:
    assert not is_valid_corporate_number("T7000012050002")
    with pytest.raises(Invalid) as caught:
        normalize_corporate_number("7000012050003", field="corporate_number")
    assert caught.value.key == "company.error.corporate_number"
    assert normalize_corporate_number("７０００－０１２０－５０００２") == "7000012050002"
