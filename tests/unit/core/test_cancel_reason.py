"""The one rule for a 取消's reason (ennoshita.lengths.cancel_reason): required, stripped, at most 200 characters
(the reversing entry's description holds 200), refused with the limit named rather than cut silently (purchasing
cut it at 500 characters without a word before)."""

from __future__ import annotations

import pytest

from ennoshita.errors import Invalid
from ennoshita.lengths import TOO_LONG, cancel_reason


def test_a_reason_is_stripped_and_kept_up_to_200_characters() -> None:
    assert cancel_reason("  単価誤り ", "purchasing.error.cancel_reason") == "単価誤り"
    assert cancel_reason("あ" * 200, "expenses.error.cancel_reason") == "あ" * 200


def test_a_blank_reason_is_refused_with_the_modules_message() -> None:
    with pytest.raises(Invalid) as blank:
        cancel_reason("   ", "purchasing.error.cancel_reason")
    assert [(p.key, p.field) for p in blank.value.problems] == [("purchasing.error.cancel_reason", "reason")]


def test_a_reason_over_200_characters_is_refused_naming_the_limit() -> None:
    with pytest.raises(Invalid) as long:
        cancel_reason("あ" * 201, "expenses.error.cancel_reason")
    assert [(p.key, p.field, p.params) for p in long.value.problems] == [
        (TOO_LONG, "reason", {"max": 200, "length": 201})]
