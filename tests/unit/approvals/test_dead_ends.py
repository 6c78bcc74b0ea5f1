"""Issue 14 item 5, pure rules: who is eligible once the submitter is removed, and dead ends at 申請."""

from __future__ import annotations

import datetime as dt

import pytest

from ennoshita.approvals.rules import (
    ApprovalContext,
    Delegation,
    RouteRule,
    StepSpec,
    eligible_approvers,
    fallback_step,
    new_request,
    resolve_dead_ends,
)
from ennoshita.errors import Invalid

TODAY = dt.date(2026, 12, 6)
HEAD = StepSpec("department_head", label="部門長")
ACCOUNTING = StepSpec("role", role="accounting", label="経理")
ROUTE = RouteRule("expense_claim", None, 0, None, (HEAD, ACCOUNTING), "経費精算")
ADMIN, KEIRI, SHACHO, DEPUTY = 1, 2, 3, 4


def _ctx(**kw: object) -> ApprovalContext:
    base: dict[str, object] = {"today": TODAY, "role_holders": {"accounting": frozenset({KEIRI}),
                                                                "admin": frozenset({ADMIN})}}
    base.update(kw)
    return ApprovalContext(**base)  # type: ignore[arg-type]


def test_submitter_and_their_deputy_are_not_eligible() -> None:
    state = new_request(ROUTE, ADMIN, "購買部")
    ctx = _ctx(department_heads={"購買部": ADMIN}, delegations=(Delegation(ADMIN, DEPUTY, TODAY, TODAY),))
    assert eligible_approvers(state.steps[0], ADMIN, ctx) == frozenset()
    assert eligible_approvers(state.steps[1], ADMIN, ctx) == {KEIRI}


@pytest.mark.parametrize("heads", [{}, {"購買部": ADMIN}])  # no head at all; the submitter is the head
def test_dead_end_refused_naming_the_step_without_fallback(heads: dict[str, int]) -> None:
    with pytest.raises(Invalid) as caught:
        resolve_dead_ends(new_request(ROUTE, ADMIN, "購買部"), _ctx(department_heads=heads))
    assert caught.value.key == "approvals.error.no_eligible_approver"
    assert caught.value.params == {"step": "部門長", "number": 1}


def test_fallback_takes_only_the_dead_step() -> None:
    state = resolve_dead_ends(new_request(ROUTE, ADMIN, "購買部"), _ctx(), fallback_step(None, SHACHO))
    assert state.steps[0].spec == StepSpec("user", user_id=SHACHO, label="部門長→代替承認者")
    assert state.steps[1].spec == ACCOUNTING


def test_a_live_route_is_unchanged() -> None:
    state = new_request(ROUTE, KEIRI + 10, "購買部")
    assert resolve_dead_ends(state, _ctx(department_heads={"購買部": ADMIN}), fallback_step("admin", None)) == state


def test_fallback_user_beats_role_and_none_is_none() -> None:
    assert fallback_step("admin", SHACHO) == StepSpec("user", user_id=SHACHO, label="代替承認者")
    assert fallback_step("admin", None) == StepSpec("role", role="admin", label="代替承認者")
    assert fallback_step(None, None) is None and fallback_step("", None) is None
