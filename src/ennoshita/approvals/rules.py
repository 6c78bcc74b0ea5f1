"""稟議・承認ルート: which route a request follows, who may act on each step, and how a request moves.

A request (申請) follows a route chosen once, at creation, from a table of :class:`RouteRule`: the
document type, the department (a rule naming the department beats a rule for any department) and the
amount band (both ends included, in yen). Each step of the route is approved by

* ``role``: any user holding the role (経理 = ``accounting``, 役員/管理者 = ``admin``);
* ``department_head``: the head of the request's department (部門長), looked up when the step is acted
  on, so a change of head applies to waiting requests;
* ``user``: one named user.

An approver who is away may be replaced by a deputy for a period (代理承認, :class:`Delegation`); the
decision then records both the deputy (``decided_by``) and the absent approver (``delegated_from``).

States and moves (:data:`TRANSITIONS`): ``draft`` → ``pending`` (申請); while pending, each 承認 moves
to the next step and the last one makes the request ``approved``; 却下 (``rejected``) ends it; 差戻し
(``sent_back``) returns it to the submitter, who may correct and resubmit it (the route starts again
at step 0, earlier approvals no longer count) or withdraw it; 取下げ (``withdrawn``) is the
submitter's, while the request is pending or sent back. Approved, rejected and withdrawn are final.

Segregation of duties (職務分掌), checked on every decision:

* nobody decides on a request they submitted, even holding the step's role, even as someone's deputy,
  and no deputy acts for the submitter;
* one person decides at most one step of a request, in person or as a deputy (``one_step_per_person``,
  on by default);
* on a payment run (支払実行), the person who executes the payment (``payer_id``) cannot be the only
  approver: the approval that would complete a run approved by the payer alone is refused.

Every function returns a new state and never mutates its argument; refusals raise
:class:`~ennoshita.errors.InvalidTransition` (the status does not allow the move),
:class:`~ennoshita.errors.Forbidden` (the actor may not) or :class:`~ennoshita.errors.Invalid` (the
input is wrong), with ``approvals.error.*`` message keys.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from ennoshita.actor import Actor
from ennoshita.errors import Forbidden, Invalid, InvalidTransition

StepKind = Literal["role", "department_head", "user"]
Status = Literal["draft", "pending", "approved", "rejected", "sent_back", "withdrawn"]
Decision = Literal["approved", "rejected", "sent_back"]

PAYMENT_RUN = "payment_run"

TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"pending"}),
    # An approval that leaves steps to go keeps the request pending: not a change of status.
    "pending": frozenset({"approved", "rejected", "sent_back", "withdrawn"}),
    "sent_back": frozenset({"pending", "withdrawn"}),
    "approved": frozenset(),
    "rejected": frozenset(),
    "withdrawn": frozenset(),
}


# --- routes -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepSpec:
    """Who approves one step: a role, the department head, or one user. ``label`` is shown on screens."""

    kind: StepKind
    role: str | None = None
    user_id: int | None = None
    label: str = ""

    def __post_init__(self) -> None:
        if self.kind not in ("role", "department_head", "user"):
            raise Invalid("approvals.error.step_kind", field="kind", kind=str(self.kind))
        if self.kind == "role" and not self.role:
            raise Invalid("approvals.error.step_role_missing", field="role")
        if self.kind == "user" and self.user_id is None:
            raise Invalid("approvals.error.step_user_missing", field="user_id")


@dataclass(frozen=True)
class RouteRule:
    """A route for one document type, one department (``None`` = any) and one amount band.

    The band includes both ends: ``min_amount <= amount <= max_amount`` (``max_amount=None``: no
    upper limit). Bands of the same type and department should not overlap; when they do, the
    narrower band wins.
    """

    document_type: str
    department: str | None
    min_amount: int
    max_amount: int | None
    steps: tuple[StepSpec, ...]
    name: str

    def __post_init__(self) -> None:
        if not self.steps:
            raise Invalid("approvals.error.no_steps", field="steps", name=self.name)
        if self.max_amount is not None and self.max_amount < self.min_amount:
            raise Invalid("approvals.error.band", field="max_amount", min=self.min_amount, max=self.max_amount)

    def covers(self, amount: int) -> bool:
        return self.min_amount <= amount and (self.max_amount is None or amount <= self.max_amount)

    def applies_to(self, document_type: str, department: str | None, amount: int) -> bool:
        return (self.document_type == document_type
                and (self.department is None or self.department == department)
                and self.covers(amount))


def _specificity(rule: RouteRule) -> tuple[int, int, int]:
    # Department-specific first, then the narrowest band (highest floor, lowest ceiling).
    ceiling = rule.max_amount if rule.max_amount is not None else 2**63
    return (0 if rule.department is not None else 1, -rule.min_amount, ceiling)


def matching_rules(rules: Iterable[RouteRule], document_type: str, department: str | None,
                   amount: int) -> list[RouteRule]:
    """Every rule that applies, the most specific first."""
    return sorted((r for r in rules if r.applies_to(document_type, department, amount)), key=_specificity)


def needs_approval(rules: Iterable[RouteRule], document_type: str, department: str | None, amount: int) -> bool:
    """Whether a document needs 承認 at all (a supplier bill under the threshold does not)."""
    return bool(matching_rules(rules, document_type, department, amount))


def choose_route(rules: Iterable[RouteRule], document_type: str, department: str | None,
                 amount: int) -> RouteRule:
    """The route a request follows: the most specific rule that applies.

    A rule for the request's department beats a rule for any department; among rules of the same
    reach, the one whose amount band contains the amount (the narrowest if several do). Raises
    :class:`Invalid` on ``document_type`` when no rule knows the type, on ``amount`` when the amount
    is negative or falls in no band.
    """
    rules = tuple(rules)
    if amount < 0:
        raise Invalid("approvals.error.amount_negative", field="amount", amount=amount)
    if not any(r.document_type == document_type for r in rules):
        raise Invalid("approvals.error.no_route_for_type", field="document_type", document_type=document_type)
    found = matching_rules(rules, document_type, department, amount)
    if not found:
        raise Invalid("approvals.error.no_route_for_amount", field="amount", document_type=document_type,
                      amount=amount)
    return found[0]


def _head(label: str = "部門長") -> StepSpec:
    return StepSpec("department_head", label=label)


def _role(role: str, label: str) -> StepSpec:
    return StepSpec("role", role=role, label=label)


def default_rules(*, supplier_bill_threshold: int = 300_000,
                  journal_threshold: int = 1_000_000) -> tuple[RouteRule, ...]:
    """An example route table the demo can seed; every company sets its own.

    * 発注 (purchase_order): up to ¥100,000 the department head; up to ¥1,000,000 also the 経理
      manager; above, also a director (admin).
    * 仕入請求書 (supplier_bill): only above ``supplier_bill_threshold``: department head, then 経理.
    * 支払実行 (payment_run): 経理, then admin.
    * 手動仕訳 (journal_entry): manual entries above ``journal_threshold``: the 経理 manager.
    * 経費精算 (expense_claim): department head, then 経理.
    """
    head, accounting, director = _head(), _role("accounting", "経理責任者"), _role("admin", "役員")
    return (
        RouteRule("purchase_order", None, 0, 100_000, (head,), "発注（10万円以下）"),
        RouteRule("purchase_order", None, 100_001, 1_000_000, (head, accounting), "発注（100万円以下）"),
        RouteRule("purchase_order", None, 1_000_001, None, (head, accounting, director), "発注（100万円超）"),
        RouteRule("supplier_bill", None, supplier_bill_threshold + 1, None, (head, accounting), "仕入請求書"),
        RouteRule("payment_run", None, 0, None, (_role("accounting", "経理"), director), "支払実行"),
        RouteRule("journal_entry", None, journal_threshold + 1, None, (accounting,), "手動仕訳"),
        RouteRule("expense_claim", None, 0, None, (head, _role("accounting", "経理")), "経費精算"),
    )


DEFAULT_RULES: tuple[RouteRule, ...] = default_rules()


# --- who may act ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Delegation:
    """代理承認: ``to_user`` may act for ``from_user`` from ``start`` to ``end`` (both days included)."""

    from_user: int
    to_user: int
    start: dt.date
    end: dt.date

    def active_on(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def delegate(actor: Actor, to_user: int, start: dt.date, end: dt.date) -> Delegation:
    """Name a deputy for the actor's absence. A user cannot deputise for themself; ``end >= start``."""
    if actor.user_id is None:
        raise Forbidden("approvals.error.no_user")
    if to_user == actor.user_id:
        raise Invalid("approvals.error.delegate_self", field="to_user")
    if end < start:
        raise Invalid("approvals.error.delegation_dates", field="end", start=start, end=end)
    return Delegation(actor.user_id, to_user, start, end)


@dataclass(frozen=True)
class ApprovalContext:
    """What the rules need to know about the organisation today.

    ``department_heads``: department → user id of its head. ``role_holders``: role → user ids holding
    it (only needed to let a deputy act for a role holder). ``delegations``: the 代理承認 table (the
    rules keep the ones active ``today``). ``payer_id``: who executes a payment run.
    """

    today: dt.date
    department_heads: Mapping[str, int] = field(default_factory=dict)
    delegations: tuple[Delegation, ...] = ()
    role_holders: Mapping[str, frozenset[int]] = field(default_factory=dict)
    payer_id: int | None = None
    one_step_per_person: bool = True

    def active_delegations(self) -> tuple[Delegation, ...]:
        return tuple(d for d in self.delegations if d.active_on(self.today))


@dataclass(frozen=True)
class StepState:
    """One step of a request and its decision.

    ``department`` is the request's department (whose head a ``department_head`` step needs).
    ``assignees`` is a snapshot, taken at 申請 when a context is given, of who could act (for queues
    and notices only: authority is always checked against the live context). ``delegated_from`` is
    the absent approver a deputy acted for.
    """

    spec: StepSpec
    department: str | None = None
    assignees: frozenset[int] = frozenset()
    decided_by: int | None = None
    decision: Decision | None = None
    comment: str = ""
    delegated_from: int | None = None
    decided_on: dt.date | None = None

    def reset(self) -> StepState:
        return StepState(self.spec, self.department, self.assignees)


def _holds_step(step: StepState, user_id: int, context: ApprovalContext, roles: frozenset[str] | None) -> bool:
    """Whether ``user_id`` has the step's authority in person. ``roles``: the user's roles if known."""
    spec = step.spec
    if spec.kind == "user":
        return spec.user_id == user_id
    if spec.kind == "department_head":
        return step.department is not None and context.department_heads.get(step.department) == user_id
    assert spec.role is not None
    if roles is not None and spec.role in roles:
        return True
    return user_id in context.role_holders.get(spec.role, frozenset())


def acting_for(step: StepState, actor: Actor, context: ApprovalContext) -> int | None:
    """Whom the actor acts for on the step: ``None`` in their own right, else the absent approver.

    Raises :class:`Forbidden` when the actor has no authority today (``delegation_inactive`` when
    only a delegation outside its dates would have given it).
    """
    if actor.user_id is None:
        raise Forbidden("approvals.error.no_user")
    if _holds_step(step, actor.user_id, context, actor.roles):
        return None
    mine = [d for d in context.delegations
            if d.to_user == actor.user_id and _holds_step(step, d.from_user, context, None)]
    for d in mine:
        if d.active_on(context.today):
            return d.from_user
    if mine:
        d = mine[0]
        raise Forbidden("approvals.error.delegation_inactive", start=d.start, end=d.end)
    raise Forbidden("approvals.error.not_assignee", step=step.spec.label)


def can_act(step: StepState, actor: Actor, context: ApprovalContext) -> bool:
    """Whether the actor may decide the step today, in person or as an active deputy."""
    try:
        acting_for(step, actor, context)
    except Forbidden:
        return False
    return True


def assignees_of(step: StepState, context: ApprovalContext) -> frozenset[int]:
    """Who can act on the step today, as far as the context knows (deputies included)."""
    spec = step.spec
    if spec.kind == "user":
        people: frozenset[int] = frozenset({spec.user_id}) if spec.user_id is not None else frozenset()
    elif spec.kind == "department_head":
        head = context.department_heads.get(step.department) if step.department is not None else None
        people = frozenset({head}) if head is not None else frozenset()
    else:
        people = context.role_holders.get(spec.role or "", frozenset())
    deputies = {d.to_user for d in context.active_delegations() if d.from_user in people}
    return people | deputies


# --- requests ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryEntry:
    """One line of a request's history (申請, 承認, 却下, 差戻し, 取下げ)."""

    action: str
    actor_id: int | None
    step: int | None = None
    comment: str = ""
    on_behalf_of: int | None = None
    on: dt.date | None = None


@dataclass(frozen=True)
class ApprovalState:
    """A request (申請) on its route. ``current_step`` indexes ``steps`` while pending."""

    status: Status
    current_step: int
    submitted_by: int
    steps: tuple[StepState, ...]
    history: tuple[HistoryEntry, ...] = ()
    document_type: str = ""
    department: str | None = None

    @property
    def step(self) -> StepState:
        return self.steps[self.current_step]


def new_request(route: RouteRule, submitted_by: int, department: str | None) -> ApprovalState:
    """A draft request on ``route`` by ``submitted_by`` for ``department``."""
    steps = tuple(StepState(spec, department) for spec in route.steps)
    return ApprovalState("draft", 0, submitted_by, steps, document_type=route.document_type, department=department)


def _move(state: ApprovalState, target: Status, **changes: object) -> ApprovalState:
    if target not in TRANSITIONS.get(state.status, frozenset()):
        raise InvalidTransition("approvals.error.transition", field="status", current=state.status, target=target)
    return dataclasses.replace(state, status=target, **changes)  # type: ignore[arg-type]


def _require_submitter(state: ApprovalState, actor: Actor) -> int:
    if actor.user_id is None or actor.user_id != state.submitted_by:
        raise Forbidden("approvals.error.not_submitter")
    return actor.user_id


def _log(state: ApprovalState, entry: HistoryEntry) -> tuple[HistoryEntry, ...]:
    return (*state.history, entry)


def submit(state: ApprovalState, actor: Actor, context: ApprovalContext | None = None) -> ApprovalState:
    """申請 (or 再申請 after 差戻し): the submitter sends the request; the route starts at step 0.

    Decisions of an earlier round are cleared (they stay in the history). With a ``context``, each
    step records who could act on it today.
    """
    user_id = _require_submitter(state, actor)
    steps = tuple(s.reset() for s in state.steps)
    if context is not None:
        steps = tuple(dataclasses.replace(s, assignees=assignees_of(s, context)) for s in steps)
    action = "resubmit" if state.status == "sent_back" else "submit"
    entry = HistoryEntry(action, user_id, on=context.today if context is not None else None)
    return _move(state, "pending", current_step=0, steps=steps, history=_log(state, entry))


def withdraw(state: ApprovalState, actor: Actor, today: dt.date | None = None) -> ApprovalState:
    """取下げ: only the submitter, while the request is pending or sent back."""
    user_id = _require_submitter(state, actor)
    return _move(state, "withdrawn", history=_log(state, HistoryEntry("withdraw", user_id, on=today)))


def _decider(state: ApprovalState, actor: Actor, context: ApprovalContext, target: Status) -> tuple[int, int | None]:
    """Checks common to every decision on the current step; returns (actor id, absent approver)."""
    if state.status != "pending" or target not in TRANSITIONS["pending"] | {"pending"}:
        raise InvalidTransition("approvals.error.transition", field="status", current=state.status, target=target)
    if actor.user_id is None:
        raise Forbidden("approvals.error.no_user")
    if actor.user_id == state.submitted_by:
        raise Forbidden("approvals.error.sod_own_request")
    step = state.step
    on_behalf = acting_for(step, actor, context)
    if on_behalf is not None and on_behalf == state.submitted_by:
        raise Forbidden("approvals.error.sod_delegate_of_submitter")
    if context.one_step_per_person:
        people = {actor.user_id} | ({on_behalf} if on_behalf is not None else set())
        for i, other in enumerate(state.steps):
            involved = {other.decided_by, other.delegated_from} - {None}
            if i != state.current_step and other.decision is not None and involved & people:
                raise Forbidden("approvals.error.sod_same_approver", step=other.spec.label)
    return actor.user_id, on_behalf


def _decided(state: ApprovalState, user_id: int, on_behalf: int | None, decision: Decision, comment: str,
             context: ApprovalContext) -> tuple[tuple[StepState, ...], tuple[HistoryEntry, ...]]:
    index = state.current_step
    step = dataclasses.replace(state.step, decided_by=user_id, decision=decision, comment=comment,
                               delegated_from=on_behalf, decided_on=context.today)
    steps = (*state.steps[:index], step, *state.steps[index + 1:])
    entry = HistoryEntry(decision, user_id, index, comment, on_behalf, context.today)
    return steps, _log(state, entry)


def approve(state: ApprovalState, actor: Actor, comment: str, context: ApprovalContext) -> ApprovalState:
    """承認 of the current step; the last approval makes the request ``approved``.

    On a payment run, the approval that would complete a run whose every step was approved by the
    payer (``context.payer_id``) is refused: the payer may not be the only approver.
    """
    last = state.status == "pending" and state.current_step == len(state.steps) - 1
    target: Status = "approved" if last else "pending"
    user_id, on_behalf = _decider(state, actor, context, target)
    if last and state.document_type == PAYMENT_RUN and context.payer_id is not None and user_id == context.payer_id:
        if all(s.decided_by == context.payer_id for s in state.steps[:-1]):
            raise Forbidden("approvals.error.sod_payer_sole_approver")
    steps, history = _decided(state, user_id, on_behalf, "approved", comment.strip(), context)
    if last:
        return _move(state, "approved", steps=steps, history=history)
    return dataclasses.replace(state, current_step=state.current_step + 1, steps=steps, history=history)


def _reason(comment: str) -> str:
    reason = comment.strip()
    if not reason:
        raise Invalid("approvals.error.comment_required", field="comment")
    return reason


def reject(state: ApprovalState, actor: Actor, comment: str, context: ApprovalContext) -> ApprovalState:
    """却下: the approver of the current step ends the request. A reason is required."""
    user_id, on_behalf = _decider(state, actor, context, "rejected")
    steps, history = _decided(state, user_id, on_behalf, "rejected", _reason(comment), context)
    return _move(state, "rejected", steps=steps, history=history)


def send_back(state: ApprovalState, actor: Actor, comment: str, context: ApprovalContext) -> ApprovalState:
    """差戻し: the approver of the current step returns the request to the submitter, with a reason.

    The submitter may correct and resubmit (the route starts again at step 0) or withdraw it.
    """
    user_id, on_behalf = _decider(state, actor, context, "sent_back")
    steps, history = _decided(state, user_id, on_behalf, "sent_back", _reason(comment), context)
    return _move(state, "sent_back", current_step=0, steps=steps, history=history)


def may_approve(state: ApprovalState, actor: Actor, context: ApprovalContext) -> bool:
    """Whether :func:`approve` would accept the actor's approval now."""
    try:
        approve(state, actor, "", context)
    except (Forbidden, InvalidTransition):
        return False
    return True


def waiting_for(states: Sequence[ApprovalState], actor: Actor, context: ApprovalContext) -> list[int]:
    """Indexes of the requests waiting for the actor's decision now (承認待ち), in the given order."""
    return [i for i, state in enumerate(states) if state.status == "pending" and may_approve(state, actor, context)]


# --- dead ends (issue 14 item 5) -------------------------------------------------------------------------


def eligible_approvers(step: StepState, submitted_by: int, context: ApprovalContext) -> frozenset[int]:
    """Who could decide the step today once segregation of duties removes the submitter: the step's holders
    other than the submitter, and the active deputies of those holders (a deputy never acts for the
    submitter, and the submitter never acts as anyone's deputy)."""
    spec = step.spec
    if spec.kind == "user":
        people: frozenset[int] = frozenset({spec.user_id}) if spec.user_id is not None else frozenset()
    elif spec.kind == "department_head":
        head = context.department_heads.get(step.department) if step.department is not None else None
        people = frozenset({head}) if head is not None else frozenset()
    else:
        people = context.role_holders.get(spec.role or "", frozenset())
    people = people - {submitted_by}
    deputies = {d.to_user for d in context.active_delegations() if d.from_user in people}
    return (people | deputies) - {submitted_by}


def fallback_step(role: str | None, user_id: int | None) -> StepSpec | None:
    """The company's 代替承認者 as a step: a named user beats a role; ``None`` when neither is set."""
    if user_id is not None:
        return StepSpec("user", user_id=user_id, label="代替承認者")
    if role:
        return StepSpec("role", role=role, label="代替承認者")
    return None


def resolve_dead_ends(state: ApprovalState, context: ApprovalContext,
                      fallback: StepSpec | None = None) -> ApprovalState:
    """Every step of the route must have someone eligible to decide it (:func:`eligible_approvers`); a step
    with nobody is given to the ``fallback`` approver (its label keeps the original step's name), and when
    there is no fallback, or the fallback is nobody eligible either, the request is refused at 申請 with
    :class:`Invalid` naming the step (``approvals.error.no_eligible_approver``) rather than waiting forever.
    """
    steps = list(state.steps)
    for i, step in enumerate(steps):
        if eligible_approvers(step, state.submitted_by, context):
            continue
        if fallback is not None:
            label = f"{step.spec.label}→{fallback.label}" if step.spec.label else fallback.label
            replaced = dataclasses.replace(step, spec=dataclasses.replace(fallback, label=label))
            if eligible_approvers(replaced, state.submitted_by, context):
                steps[i] = replaced
                continue
        raise Invalid("approvals.error.no_eligible_approver", field="route", step=step.spec.label or str(i + 1),
                      number=i + 1)
    return dataclasses.replace(state, steps=tuple(steps))
