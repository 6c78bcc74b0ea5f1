"""稟議・承認 rules: route choice, every transition (allowed and refused), 代理承認 and segregation of duties."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ennoshita.actor import Actor
from ennoshita.approvals.rules import (
    DEFAULT_RULES,
    TRANSITIONS,
    ApprovalContext,
    ApprovalState,
    Delegation,
    RouteRule,
    StepSpec,
    approve,
    can_act,
    choose_route,
    default_rules,
    delegate,
    needs_approval,
    new_request,
    reject,
    send_back,
    submit,
    waiting_for,
    withdraw,
)
from ennoshita.errors import DomainError, Forbidden, Invalid, InvalidTransition

TODAY = dt.date(2026, 4, 15)

# Users: 1 sales clerk (submitter), 2 sales head, 3 accounting manager, 4 director, 5 another accountant,
# 6 deputy of the sales head.
CLERK = Actor(1, "clerk", frozenset({"sales_admin"}), department="sales")
HEAD = Actor(2, "head", frozenset({"sales_admin"}), department="sales")
ACCOUNTING = Actor(3, "keiri", frozenset({"accounting"}), department="accounting")
DIRECTOR = Actor(4, "director", frozenset({"admin"}))
ACCOUNTING2 = Actor(5, "keiri2", frozenset({"accounting"}), department="accounting")
DEPUTY = Actor(6, "deputy", frozenset(), department="sales")

CTX = ApprovalContext(today=TODAY, department_heads={"sales": 2, "accounting": 3},
                      role_holders={"accounting": frozenset({3, 5}), "admin": frozenset({4})})


def po(amount: int, submitter: int = 1, department: str = "sales") -> ApprovalState:
    return new_request(choose_route(DEFAULT_RULES, "purchase_order", department, amount), submitter, department)


def pending(amount: int = 500_000, submitter: Actor = CLERK) -> ApprovalState:
    return submit(po(amount, submitter.user_id or 0, submitter.department or "sales"), submitter, CTX)


# --- routes ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("amount", "kinds"), [
    (0, ["department_head"]),
    (100_000, ["department_head"]),
    (100_001, ["department_head", "accounting"]),
    (1_000_000, ["department_head", "accounting"]),
    (1_000_001, ["department_head", "accounting", "admin"]),
    (50_000_000, ["department_head", "accounting", "admin"]),
])
def test_purchase_order_bands_include_both_ends(amount: int, kinds: list[str]) -> None:
    route = choose_route(DEFAULT_RULES, "purchase_order", "sales", amount)
    assert [s.role or s.kind for s in route.steps] == kinds


def test_department_rule_beats_any_department() -> None:
    it_rule = RouteRule("purchase_order", "it", 0, 100_000, (StepSpec("user", user_id=9, label="CIO"),), "IT")
    rules = (*DEFAULT_RULES, it_rule)
    assert choose_route(rules, "purchase_order", "it", 100_000) is it_rule
    assert choose_route(rules, "purchase_order", "sales", 100_000).name == "発注（10万円以下）"
    # Outside the department rule's band, the general rule applies.
    assert choose_route(rules, "purchase_order", "it", 100_001).name == "発注（100万円以下）"


def test_narrower_band_wins_among_same_reach() -> None:
    wide = RouteRule("expense_claim", None, 0, None, (StepSpec("role", role="accounting"),), "wide")
    narrow = RouteRule("expense_claim", None, 10_000, 20_000, (StepSpec("role", role="admin"),), "narrow")
    assert choose_route((wide, narrow), "expense_claim", None, 15_000) is narrow
    assert choose_route((wide, narrow), "expense_claim", None, 25_000) is wide


def test_no_route_names_the_field() -> None:
    with pytest.raises(Invalid) as unknown:
        choose_route(DEFAULT_RULES, "wedding_gift", "sales", 1)
    assert unknown.value.key == "approvals.error.no_route_for_type"
    assert unknown.value.problems[0].field == "document_type"
    with pytest.raises(Invalid) as small:
        choose_route(DEFAULT_RULES, "supplier_bill", "sales", 300_000)
    assert small.value.key == "approvals.error.no_route_for_amount"
    assert small.value.problems[0].field == "amount"
    with pytest.raises(Invalid) as negative:
        choose_route(DEFAULT_RULES, "purchase_order", "sales", -1)
    assert negative.value.problems[0].field == "amount"


def test_thresholds_of_the_default_table() -> None:
    assert not needs_approval(DEFAULT_RULES, "supplier_bill", "sales", 300_000)
    assert needs_approval(DEFAULT_RULES, "supplier_bill", "sales", 300_001)
    assert not needs_approval(DEFAULT_RULES, "journal_entry", None, 1_000_000)
    assert needs_approval(DEFAULT_RULES, "journal_entry", None, 1_000_001)
    assert not needs_approval(default_rules(journal_threshold=50_000), "journal_entry", None, 50_000)
    assert [s.role for s in choose_route(DEFAULT_RULES, "payment_run", None, 1).steps] == ["accounting", "admin"]
    assert [s.kind for s in choose_route(DEFAULT_RULES, "expense_claim", "sales", 1).steps] == [
        "department_head", "role"]


def test_bad_rules_are_refused() -> None:
    with pytest.raises(Invalid, match="approvals.error.no_steps"):
        RouteRule("x", None, 0, None, (), "empty")
    with pytest.raises(Invalid, match="approvals.error.band"):
        RouteRule("x", None, 10, 9, (StepSpec("department_head"),), "band")
    with pytest.raises(Invalid, match="approvals.error.step_role_missing"):
        StepSpec("role")
    with pytest.raises(Invalid, match="approvals.error.step_user_missing"):
        StepSpec("user")


# --- transitions -------------------------------------------------------------------------------------------


def test_transition_table_finals() -> None:
    assert TRANSITIONS["approved"] == TRANSITIONS["rejected"] == TRANSITIONS["withdrawn"] == frozenset()
    assert "pending" in TRANSITIONS["sent_back"]


def test_submit_by_submitter_only() -> None:
    draft = po(500_000)
    with pytest.raises(Forbidden, match="approvals.error.not_submitter"):
        submit(draft, HEAD)
    state = submit(draft, CLERK, CTX)
    assert draft.status == "draft"  # not mutated
    assert (state.status, state.current_step) == ("pending", 0)
    assert state.steps[0].assignees == frozenset({2})
    assert state.steps[1].assignees == frozenset({3, 5})
    with pytest.raises(InvalidTransition, match="approvals.error.transition"):
        submit(state, CLERK)


def test_full_approval_walks_the_route() -> None:
    state = pending(2_000_000)
    state = approve(state, HEAD, "ok", CTX)
    assert (state.status, state.current_step) == ("pending", 1)
    state = approve(state, ACCOUNTING, "", CTX)
    assert (state.status, state.current_step) == ("pending", 2)
    state = approve(state, DIRECTOR, "承認します", CTX)
    assert state.status == "approved"
    assert [s.decided_by for s in state.steps] == [2, 3, 4]
    assert all(s.decision == "approved" and s.decided_on == TODAY for s in state.steps)
    assert [h.action for h in state.history] == ["submit", "approved", "approved", "approved"]
    with pytest.raises(InvalidTransition):
        approve(state, DIRECTOR, "", CTX)


def test_approve_refused_to_non_assignee_and_out_of_order() -> None:
    state = pending()
    with pytest.raises(Forbidden, match="approvals.error.not_assignee"):
        approve(state, ACCOUNTING, "", CTX)  # step 0 is the department head's
    with pytest.raises(Forbidden, match="approvals.error.not_assignee"):
        approve(state, DEPUTY, "", CTX)
    with pytest.raises(Forbidden, match="approvals.error.no_user"):
        approve(state, Actor.system(), "", CTX)
    with pytest.raises(InvalidTransition):
        approve(po(500_000), HEAD, "", CTX)  # still a draft


def test_department_head_is_looked_up_live() -> None:
    state = pending()
    assert not can_act(state.step, HEAD, ApprovalContext(today=TODAY, department_heads={"sales": 7}))
    assert can_act(state.step, HEAD, CTX)


def test_reject_needs_a_reason_and_is_final() -> None:
    state = pending()
    with pytest.raises(Invalid, match="approvals.error.comment_required") as err:
        reject(state, HEAD, "  ", CTX)
    assert err.value.problems[0].field == "comment"
    with pytest.raises(Forbidden):
        reject(state, ACCOUNTING, "no", CTX)
    done = reject(state, HEAD, "予算超過", CTX)
    assert done.status == "rejected"
    assert (done.steps[0].decision, done.steps[0].comment) == ("rejected", "予算超過")
    with pytest.raises(InvalidTransition):
        submit(done, CLERK)
    with pytest.raises(InvalidTransition):
        withdraw(done, CLERK)
    with pytest.raises(InvalidTransition):
        approve(done, HEAD, "", CTX)
    with pytest.raises(InvalidTransition):
        send_back(done, HEAD, "x", CTX)


def test_send_back_then_resubmit_starts_again() -> None:
    state = approve(pending(), HEAD, "", CTX)
    with pytest.raises(Invalid, match="approvals.error.comment_required"):
        send_back(state, ACCOUNTING, "", CTX)
    with pytest.raises(Forbidden):
        send_back(state, HEAD, "again", CTX)  # step 1 is not the head's
    back = send_back(state, ACCOUNTING, "見積書を添付してください", CTX)
    assert (back.status, back.current_step) == ("sent_back", 0)
    with pytest.raises(InvalidTransition):
        approve(back, HEAD, "", CTX)
    with pytest.raises(Forbidden, match="approvals.error.not_submitter"):
        submit(back, HEAD)
    again = submit(back, CLERK, CTX)
    assert (again.status, again.current_step) == ("pending", 0)
    assert all(s.decision is None and s.decided_by is None for s in again.steps)
    assert [h.action for h in again.history] == ["submit", "approved", "sent_back", "resubmit"]
    # The earlier round does not count: the head approves step 0 again.
    again = approve(again, HEAD, "", CTX)
    assert approve(again, ACCOUNTING, "", CTX).status == "approved"


def test_withdraw_submitter_only_while_pending_or_sent_back() -> None:
    state = pending()
    with pytest.raises(Forbidden, match="approvals.error.not_submitter"):
        withdraw(state, HEAD)
    assert withdraw(state, CLERK).status == "withdrawn"
    back = send_back(state, HEAD, "直して", CTX)
    assert withdraw(back, CLERK, TODAY).status == "withdrawn"
    with pytest.raises(InvalidTransition):
        withdraw(po(500_000), CLERK)  # a draft is not withdrawn
    with pytest.raises(InvalidTransition):
        withdraw(withdraw(state, CLERK), CLERK)
    approved = approve(approve(state, HEAD, "", CTX), ACCOUNTING, "", CTX)
    with pytest.raises(InvalidTransition):
        withdraw(approved, CLERK)


# --- 代理承認 ----------------------------------------------------------------------------------------------


def test_deputy_acts_within_dates_and_decision_records_both() -> None:
    away = delegate(HEAD, 6, dt.date(2026, 4, 10), dt.date(2026, 4, 20))
    ctx = ApprovalContext(today=TODAY, department_heads={"sales": 2}, delegations=(away,))
    state = pending(50_000)
    assert can_act(state.step, DEPUTY, ctx)
    done = approve(state, DEPUTY, "代理で承認", ctx)
    assert done.status == "approved"
    assert (done.steps[0].decided_by, done.steps[0].delegated_from) == (6, 2)
    assert done.history[-1].on_behalf_of == 2


@pytest.mark.parametrize("today", [dt.date(2026, 4, 9), dt.date(2026, 4, 21)])
def test_delegation_outside_its_dates_is_refused(today: dt.date) -> None:
    away = Delegation(2, 6, dt.date(2026, 4, 10), dt.date(2026, 4, 20))
    ctx = ApprovalContext(today=today, department_heads={"sales": 2}, delegations=(away,))
    state = pending(50_000)
    assert not can_act(state.step, DEPUTY, ctx)
    with pytest.raises(Forbidden, match="approvals.error.delegation_inactive"):
        approve(state, DEPUTY, "", ctx)
    assert waiting_for([state], DEPUTY, ctx) == []


def test_delegation_edges_are_inclusive_and_role_deputies_work() -> None:
    away = Delegation(3, 6, TODAY, TODAY)
    ctx = ApprovalContext(today=TODAY, department_heads={"sales": 2}, delegations=(away,),
                          role_holders={"accounting": frozenset({3})})
    state = approve(pending(), HEAD, "", ctx)
    assert approve(state, DEPUTY, "", ctx).steps[1].delegated_from == 3


def test_delegate_validates() -> None:
    with pytest.raises(Invalid, match="approvals.error.delegate_self"):
        delegate(HEAD, 2, TODAY, TODAY)
    with pytest.raises(Invalid, match="approvals.error.delegation_dates"):
        delegate(HEAD, 6, TODAY, TODAY - dt.timedelta(days=1))
    with pytest.raises(Forbidden):
        delegate(Actor.system(), 6, TODAY, TODAY)


# --- segregation of duties ---------------------------------------------------------------------------------


def test_submitter_cannot_approve_own_request_even_holding_the_role() -> None:
    # The accounting manager submits an expense claim; step 2 is the accounting role they hold.
    state = submit(new_request(choose_route(DEFAULT_RULES, "expense_claim", "accounting", 10_000), 3, "accounting"),
                   ACCOUNTING, CTX)
    with pytest.raises(Forbidden, match="approvals.error.sod_own_request"):
        approve(state, ACCOUNTING, "", CTX)  # they are also the department head
    with pytest.raises(Forbidden, match="approvals.error.sod_own_request"):
        reject(state, ACCOUNTING, "x", CTX)
    assert waiting_for([state], ACCOUNTING, CTX) == []


def test_submitter_cannot_approve_as_someone_elses_deputy() -> None:
    ctx = ApprovalContext(today=TODAY, department_heads={"sales": 2}, delegations=(Delegation(2, 1, TODAY, TODAY),))
    with pytest.raises(Forbidden, match="approvals.error.sod_own_request"):
        approve(pending(), CLERK, "", ctx)


def test_deputy_of_the_submitter_cannot_approve_for_them() -> None:
    # The sales head submits a request whose only step is the head's; the head's deputy may not approve it.
    rule = RouteRule("purchase_order", "sales", 0, None, (StepSpec("department_head"),), "head only")
    ctx = ApprovalContext(today=TODAY, department_heads={"sales": 2}, delegations=(Delegation(2, 6, TODAY, TODAY),))
    state = submit(new_request(rule, 2, "sales"), HEAD)
    with pytest.raises(Forbidden, match="approvals.error.sod_delegate_of_submitter"):
        approve(state, DEPUTY, "", ctx)
    assert waiting_for([state], DEPUTY, ctx) == []


def test_same_person_may_not_approve_two_steps() -> None:
    # Someone holding both accounting and admin roles.
    both = Actor(8, "both", frozenset({"accounting", "admin"}))
    state = approve(pending(2_000_000), HEAD, "", CTX)
    state = approve(state, both, "", CTX)
    with pytest.raises(Forbidden, match="approvals.error.sod_same_approver"):
        approve(state, both, "", CTX)
    relaxed = ApprovalContext(today=TODAY, department_heads={"sales": 2}, one_step_per_person=False)
    assert approve(state, both, "", relaxed).status == "approved"


def test_deputy_for_an_earlier_approver_counts_as_that_approver() -> None:
    # User 8 approved step 1 in person; 8's deputy may not approve step 2 on 8's behalf.
    both = Actor(8, "both", frozenset({"accounting", "admin"}))
    ctx = ApprovalContext(today=TODAY, department_heads={"sales": 2}, delegations=(Delegation(8, 6, TODAY, TODAY),),
                          role_holders={"admin": frozenset({4, 8})})
    state = approve(approve(pending(2_000_000), HEAD, "", ctx), both, "", ctx)
    with pytest.raises(Forbidden, match="approvals.error.sod_same_approver"):
        approve(state, DEPUTY, "", ctx)


def _payment_run(submitter: Actor = ACCOUNTING2) -> ApprovalState:
    route = choose_route(DEFAULT_RULES, "payment_run", None, 3_000_000)
    return submit(new_request(route, submitter.user_id or 0, submitter.department), submitter)


def test_payer_cannot_be_the_only_approver_of_a_payment_run() -> None:
    payer = Actor(8, "payer", frozenset({"accounting", "admin"}))
    ctx = ApprovalContext(today=TODAY, payer_id=8, one_step_per_person=False)
    state = approve(_payment_run(), payer, "", ctx)
    with pytest.raises(Forbidden, match="approvals.error.sod_payer_sole_approver"):
        approve(state, payer, "", ctx)
    assert waiting_for([state], payer, ctx) == []
    # Another approver completes it.
    assert approve(state, DIRECTOR, "", ctx).status == "approved"


def test_payer_may_approve_alongside_another_approver() -> None:
    payer = Actor(8, "payer", frozenset({"admin"}))
    ctx = ApprovalContext(today=TODAY, payer_id=8)
    state = approve(_payment_run(), ACCOUNTING, "", ctx)
    assert approve(state, payer, "", ctx).status == "approved"


def test_payer_sole_step_route_is_refused() -> None:
    rule = RouteRule("payment_run", None, 0, None, (StepSpec("role", role="admin"),), "one step")
    state = submit(new_request(rule, 1, None), CLERK)
    with pytest.raises(Forbidden, match="approvals.error.sod_payer_sole_approver"):
        approve(state, DIRECTOR, "", ApprovalContext(today=TODAY, payer_id=4))
    assert approve(state, DIRECTOR, "", ApprovalContext(today=TODAY, payer_id=3)).status == "approved"


# --- queues ------------------------------------------------------------------------------------------------


def test_waiting_for_lists_what_waits_for_the_approver_now() -> None:
    states = [pending(50_000), approve(pending(), HEAD, "", CTX), po(50_000), pending(2_000_000),
              reject(pending(), HEAD, "no", CTX)]
    assert waiting_for(states, HEAD, CTX) == [0, 3]
    assert waiting_for(states, ACCOUNTING, CTX) == [1]
    assert waiting_for(states, ACCOUNTING2, CTX) == [1]
    assert waiting_for(states, CLERK, CTX) == []


# --- property ----------------------------------------------------------------------------------------------

USERS = tuple(range(1, 7))
ROLE_SETS: tuple[frozenset[str], ...] = (
    frozenset(), frozenset({"accounting"}), frozenset({"admin"}), frozenset({"accounting", "admin"}))


@st.composite
def worlds(draw: st.DrawFn) -> tuple[ApprovalState, ApprovalContext, list[Actor], list[tuple[str, int]]]:
    roles = {u: draw(st.sampled_from(ROLE_SETS)) for u in USERS}
    actors = [Actor(u, f"u{u}", roles[u], department="sales") for u in USERS]
    holders = {r: frozenset(u for u in USERS if r in roles[u]) for r in ("accounting", "admin")}
    delegations = tuple(
        Delegation(a, b, TODAY - dt.timedelta(days=s), TODAY + dt.timedelta(days=e))
        for a, b, s, e in draw(st.lists(st.tuples(st.sampled_from(USERS), st.sampled_from(USERS),
                                                  st.integers(-2, 2), st.integers(-2, 2)), max_size=4))
        if a != b)
    ctx = ApprovalContext(today=TODAY, department_heads={"sales": draw(st.sampled_from(USERS))},
                          delegations=delegations, role_holders=holders,
                          payer_id=draw(st.none() | st.sampled_from(USERS)),
                          one_step_per_person=draw(st.booleans()))
    doc = draw(st.sampled_from(["purchase_order", "payment_run", "expense_claim"]))
    route = choose_route(DEFAULT_RULES, doc, "sales", draw(st.sampled_from([1, 100_001, 5_000_000])))
    submitter = actors[draw(st.sampled_from(range(len(USERS))))]
    state = new_request(route, submitter.user_id or 0, "sales")
    if draw(st.booleans()):
        state = submit(state, submitter, ctx)
    # Approvals weigh more, so that many runs get to the end of their route.
    kinds = ["approve"] * 5 + ["submit", "reject", "send_back", "withdraw"]
    actions = draw(st.lists(st.tuples(st.sampled_from(kinds), st.sampled_from(range(len(USERS)))), max_size=30))
    return state, ctx, actors, actions


@settings(max_examples=300, deadline=None)
@given(worlds())
def test_no_request_is_approved_by_its_submitter_or_with_a_step_undecided(
        world: tuple[ApprovalState, ApprovalContext, list[Actor], list[tuple[str, int]]]) -> None:
    state, ctx, actors, actions = world
    for action, who in actions:
        actor = actors[who]
        try:
            if action == "submit":
                state = submit(state, actor, ctx)
            elif action == "approve":
                state = approve(state, actor, "", ctx)
            elif action == "reject":
                state = reject(state, actor, "理由", ctx)
            elif action == "send_back":
                state = send_back(state, actor, "理由", ctx)
            else:
                state = withdraw(state, actor)
        except DomainError:
            continue
        submitter = state.submitted_by
        for step in state.steps:
            assert submitter not in (step.decided_by, step.delegated_from)
        if state.status == "approved":
            assert all(s.decision == "approved" and s.decided_by is not None for s in state.steps)
            if ctx.one_step_per_person:
                deciders = [s.decided_by for s in state.steps]
                assert len(set(deciders)) == len(deciders)
            if state.document_type == "payment_run" and ctx.payer_id is not None:
                assert any(s.decided_by != ctx.payer_id for s in state.steps)
