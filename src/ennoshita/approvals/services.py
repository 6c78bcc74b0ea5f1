"""稟議 use cases, for every domain: a document is submitted on the route the company's table chooses
(document type, department, amount), approvers decide step by step, and the domain hears the outcome
through events (``approvals.approved`` / ``approvals.rejected`` / ``approvals.sent_back`` /
``approvals.withdrawn``, with ``document_type`` and ``document_id``) in the same transaction.

The decision rules, including segregation of duties, are the pure functions of :mod:`rules`; this module
loads the organisation (department heads, role holders, delegations), persists the state and the history,
and writes the audit trail.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ennoshita import audit, events
from ennoshita.actor import Actor
from ennoshita.approvals import rules
from ennoshita.approvals.models import ApprovalAction, ApprovalRequest, ApprovalRoute, DelegationRow, DepartmentHead
from ennoshita.dates import now_utc, today_tokyo
from ennoshita.db import UnitOfWork
from ennoshita.errors import Forbidden, NotFound
from ennoshita.identity.models import User, UserRole
from ennoshita.identity.roles import can

# --- (de)serialising the pure state ----------------------------------------------------------------------


def _spec_dict(spec: rules.StepSpec) -> dict[str, Any]:
    return {"kind": spec.kind, "role": spec.role, "user_id": spec.user_id, "label": spec.label}


def _spec(d: dict[str, Any]) -> rules.StepSpec:
    return rules.StepSpec(d["kind"], d.get("role"), d.get("user_id"), d.get("label", ""))


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def dump_state(state: rules.ApprovalState) -> dict[str, Any]:
    return {
        "status": state.status, "current_step": state.current_step, "submitted_by": state.submitted_by,
        "document_type": state.document_type, "department": state.department,
        "steps": [{"spec": _spec_dict(s.spec), "department": s.department, "assignees": sorted(s.assignees),
                   "decided_by": s.decided_by, "decision": s.decision, "comment": s.comment,
                   "delegated_from": s.delegated_from, "decided_on": s.decided_on.isoformat() if s.decided_on else None}
                  for s in state.steps],
        "history": [{"action": h.action, "actor_id": h.actor_id, "step": h.step, "comment": h.comment,
                     "on_behalf_of": h.on_behalf_of, "on": h.on.isoformat() if h.on else None}
                    for h in state.history],
    }


def load_state(d: dict[str, Any]) -> rules.ApprovalState:
    steps = tuple(rules.StepState(_spec(s["spec"]), s.get("department"), frozenset(s.get("assignees", ())),
                                  s.get("decided_by"), s.get("decision"), s.get("comment", ""),
                                  s.get("delegated_from"), _date(s.get("decided_on"))) for s in d["steps"])
    history = tuple(rules.HistoryEntry(h["action"], h.get("actor_id"), h.get("step"), h.get("comment", ""),
                                       h.get("on_behalf_of"), _date(h.get("on"))) for h in d.get("history", ()))
    return rules.ApprovalState(d["status"], d["current_step"], d["submitted_by"], steps, history,
                               d.get("document_type", ""), d.get("department"))


# --- the organisation ------------------------------------------------------------------------------------


def route_table(s: Session) -> tuple[rules.RouteRule, ...]:
    rows = s.scalars(select(ApprovalRoute).where(ApprovalRoute.active.is_(True)).order_by(ApprovalRoute.id))
    return tuple(rules.RouteRule(r.document_type, r.department, r.min_amount, r.max_amount,
                                 tuple(_spec(x) for x in r.steps), r.name) for r in rows)


def context(s: Session, payer_id: int | None = None, today: dt.date | None = None) -> rules.ApprovalContext:
    day = today or today_tokyo()
    heads = {h.department: h.user_id for h in s.scalars(select(DepartmentHead))}
    holders: dict[str, set[int]] = {}
    for uid, role in s.execute(select(UserRole.user_id, UserRole.role).join(User, User.id == UserRole.user_id)
                               .where(User.active.is_(True))):
        holders.setdefault(role, set()).add(int(uid))
    delegations = tuple(rules.Delegation(d.from_user, d.to_user, d.start, d.end) for d in s.scalars(
        select(DelegationRow).where(DelegationRow.start <= day, DelegationRow.end >= day)))
    return rules.ApprovalContext(day, heads, delegations, {k: frozenset(v) for k, v in holders.items()}, payer_id)


def fallback_approver(s: Session) -> rules.StepSpec | None:
    """The company's 代替承認者 (a named user, else a role), who takes a step nobody else may decide."""
    from ennoshita.identity.models import Company

    c = s.get(Company, 1)
    if c is None:
        return None
    return rules.fallback_step(c.approval_fallback_role, c.approval_fallback_user_id)


def set_fallback_approver(uow: UnitOfWork, actor: Actor, *, role: str | None = None,
                          user_id: int | None = None) -> None:
    """Sets (or, with neither, clears) the company's 代替承認者: a role from the role table or an active user."""
    from ennoshita.errors import Invalid
    from ennoshita.identity.models import Company
    from ennoshita.identity.roles import ALL_ROLES, require

    require(actor, "company.edit")
    role = (role or "").strip() or None
    if role is not None and role not in ALL_ROLES:
        raise Invalid("approvals.error.fallback_role", field="approval_fallback_role", role=role)
    with uow:
        s = uow.session
        if user_id is not None:
            user = s.get(User, user_id)
            if user is None or not user.active:
                raise Invalid("approvals.error.fallback_user", field="approval_fallback_user_id", id=user_id)
        c = s.get(Company, 1)
        if c is None:
            raise NotFound("approvals.error.not_found", field="company", id=1)
        before = {"role": c.approval_fallback_role, "user_id": c.approval_fallback_user_id}
        c.approval_fallback_role, c.approval_fallback_user_id = role, user_id
        audit.record(s, actor, "company", 1, "update", before={"approval_fallback": before},
                     after={"approval_fallback": {"role": role, "user_id": user_id}})
        uow.commit()


def seed_routes(s: Session, table: Sequence[rules.RouteRule] = rules.DEFAULT_RULES) -> None:
    """The example route table, when the company has none yet."""
    if s.scalar(select(ApprovalRoute.id).limit(1)) is not None:
        return
    for r in table:
        s.add(ApprovalRoute(document_type=r.document_type, department=r.department, min_amount=r.min_amount,
                            max_amount=r.max_amount, steps=[_spec_dict(x) for x in r.steps], name=r.name,
                            active=True))


def set_department_head(uow: UnitOfWork, actor: Actor, department: str, user_id: int) -> None:
    from ennoshita.identity.roles import require

    require(actor, "users.manage")
    with uow:
        s = uow.session
        row = s.get(DepartmentHead, department)
        before = row.user_id if row else None
        if row is None:
            s.add(DepartmentHead(department=department, user_id=user_id))
        else:
            row.user_id = user_id
        audit.record(s, actor, "department_head", department, "update", before={"user_id": before},
                     after={"user_id": user_id})
        uow.commit()


def add_delegation(uow: UnitOfWork, actor: Actor, to_user: int, start: dt.date, end: dt.date) -> int:
    """代理承認: the actor names a deputy for the days of their absence."""
    d = rules.delegate(actor, to_user, start, end)
    with uow:
        s = uow.session
        row = DelegationRow(from_user=d.from_user, to_user=d.to_user, start=d.start, end=d.end, created_at=now_utc())
        s.add(row)
        s.flush()
        audit.record(s, actor, "delegation", row.id, "create", after={
            "from_user": d.from_user, "to_user": d.to_user, "start": start.isoformat(), "end": end.isoformat()})
        uow.commit()
        return row.id


# --- requests ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestView:
    id: int
    document_type: str
    document_id: int
    document_number: str
    title: str
    amount: int
    route_name: str
    status: str
    current_step: int
    submitted_by: int
    state: rules.ApprovalState

    def title_in(self, lang: str) -> str:
        """The title as a reader in ``lang`` sees it (:func:`ennoshita.approvals.titles.title_in`)."""
        from ennoshita.approvals.titles import title_in

        return title_in(lang, self.document_type, self.title)


def _view(r: ApprovalRequest) -> RequestView:
    return RequestView(r.id, r.document_type, r.document_id, r.document_number, r.title, r.amount, r.route_name,
                       r.status, r.current_step, r.submitted_by, load_state(r.state))


def needs_approval(s: Session, document_type: str, department: str | None, amount: int) -> bool:
    return rules.needs_approval(route_table(s), document_type, department, amount)


def submit_in(s: Session, actor: Actor, *, document_type: str, document_id: int, number: str, title: str,
              amount: int, department: str | None, payer_id: int | None = None) -> RequestView:
    """申請, in the caller's transaction (a domain submits its document as part of its own use case)."""
    if actor.user_id is None:
        raise Forbidden("approvals.error.no_user")
    route = rules.choose_route(route_table(s), document_type, department, amount)
    ctx = context(s, payer_id)
    previous = s.scalar(select(ApprovalRequest).where(ApprovalRequest.document_type == document_type,
                                                      ApprovalRequest.document_id == document_id)
                        .order_by(ApprovalRequest.round.desc()).limit(1))
    fb = fallback_approver(s)
    if previous is not None and previous.status == "sent_back":
        state = rules.submit(rules.resolve_dead_ends(load_state(previous.state), ctx, fb), actor, ctx)
        row = previous
    else:
        draft = rules.resolve_dead_ends(rules.new_request(route, actor.user_id, department), ctx, fb)
        state = rules.submit(draft, actor, ctx)
        row = ApprovalRequest(document_type=document_type, document_id=document_id,
                              round=(previous.round + 1) if previous is not None else 1, route_name=route.name,
                              submitted_by=actor.user_id, payer_id=payer_id, created_at=now_utc(), status="pending",
                              state={})
        s.add(row)
    row.document_number, row.title, row.amount, row.department = number, title, amount, department
    _save(s, actor, row, state, "submit")
    return _view(row)


def _save(s: Session, actor: Actor, row: ApprovalRequest, state: rules.ApprovalState, action: str,
          comment: str = "", on_behalf: int | None = None) -> None:
    step = row.current_step if row.id else 0
    row.state = dump_state(state)
    row.status = state.status
    row.current_step = state.current_step
    if state.status in ("approved", "rejected", "withdrawn"):
        row.decided_at = now_utc()
    s.flush()
    s.add(ApprovalAction(request_id=row.id, action=action, step=step, actor_id=actor.user_id,
                         on_behalf_of=on_behalf, comment=comment, at=now_utc()))
    audit.record(s, actor, "approval", row.id, action, after={
        "document_type": row.document_type, "document": row.document_number, "status": state.status,
        "step": step, "comment": comment, "on_behalf_of": on_behalf})
    if state.status in ("approved", "rejected", "sent_back", "withdrawn") and action != "submit":
        events.publish(s, actor, f"approvals.{state.status}", document_type=row.document_type,
                       document_id=row.document_id, request_id=row.id, comment=comment)


def _load(s: Session, request_id: int) -> ApprovalRequest:
    row = s.get(ApprovalRequest, request_id)
    if row is None:
        raise NotFound("approvals.error.not_found", field="request_id", id=request_id)
    return row


def decide(uow: UnitOfWork, actor: Actor, request_id: int, decision: str, comment: str = "") -> RequestView:
    """承認 / 却下 / 差戻し of the current step, or 取下げ by the submitter."""
    with uow:
        s = uow.session
        row = _load(s, request_id)
        state = load_state(row.state)
        ctx = context(s, row.payer_id)
        on_behalf = None
        if decision == "withdraw":
            new = rules.withdraw(state, actor, ctx.today)
        else:
            on_behalf = rules.acting_for(state.step, actor, ctx) if state.status == "pending" else None
            if decision == "approve":
                new = rules.approve(state, actor, comment, ctx)
            elif decision == "reject":
                new = rules.reject(state, actor, comment, ctx)
            elif decision == "send_back":
                new = rules.send_back(state, actor, comment, ctx)
            else:
                from ennoshita.errors import Invalid

                raise Invalid("approvals.error.decision", field="decision", decision=decision)
        _save(s, actor, row, new, decision, comment.strip(), on_behalf)
        result = _view(row)
        uow.commit()
    return result


def waiting_for_me(uow: UnitOfWork, actor: Actor, limit: int = 200) -> list[RequestView]:
    """承認待ち: pending requests the actor may decide now (oldest first)."""
    with uow:
        s = uow.session
        ctx = context(s)
        rows = list(s.scalars(select(ApprovalRequest).where(ApprovalRequest.status == "pending")
                              .order_by(ApprovalRequest.id).limit(5000)))
        out = []
        for row in rows:
            state = load_state(row.state)
            payer_ctx = dataclasses.replace(ctx, payer_id=row.payer_id)
            if rules.may_approve(state, actor, payer_ctx):
                out.append(_view(row))
                if len(out) >= limit:
                    break
        return out


def my_submissions(uow: UnitOfWork, actor: Actor, limit: int = 100) -> list[RequestView]:
    with uow:
        rows = uow.session.scalars(select(ApprovalRequest).where(ApprovalRequest.submitted_by == actor.user_id)
                                   .order_by(ApprovalRequest.id.desc()).limit(limit))
        return [_view(r) for r in rows]


def status_of(uow: UnitOfWork, document_type: str, document_id: int) -> RequestView | None:
    with uow:
        return status_of_in(uow.session, document_type, document_id)


# The capability that reads each kind of document; a domain adding a document type registers it here. A request
# of an unregistered type is read only by its submitter and its approvers.
READ_CAPABILITIES: dict[str, tuple[str, ...]] = {
    "purchase_order": ("purchasing.view",), "supplier_bill": ("purchasing.view", "payments.edit"),
    "payment_run": ("purchasing.view", "payments.edit"), "journal_entry": ("ledger.view",),
    "expense_claim": ("expenses.view",),
    "hr_leave": ("hr.view",), "hr_leave_hr": ("hr.view",), "hr_attendance": ("hr.view",),
    "hr_attendance_hr": ("hr.view",), "payroll_run": ("payroll.view",), "contract": ("legal.view",),
}


def status_for(uow: UnitOfWork, actor: Actor, document_type: str, document_id: int) -> RequestView | None:
    """The document's latest request, for a reader who may read the document (its type's read capability), or
    who submitted it or acts on it; anyone else is refused (403), whether or not the document exists."""
    with uow:
        s = uow.session
        view = status_of_in(s, document_type, document_id)
        if any(can(actor, c) for c in READ_CAPABILITIES.get(document_type, ())):
            return view
        if view is not None and actor.user_id is not None and (
                view.submitted_by == actor.user_id or involved(s, actor, document_type, document_id)):
            return view
        raise Forbidden("error.forbidden", capability=" / ".join(READ_CAPABILITIES.get(document_type, ("?",))))


def status_of_in(s: Session, document_type: str, document_id: int) -> RequestView | None:
    """The document's latest approval request, in the caller's transaction."""
    row = s.scalar(select(ApprovalRequest).where(ApprovalRequest.document_type == document_type,
                                                 ApprovalRequest.document_id == document_id)
                   .order_by(ApprovalRequest.round.desc()).limit(1))
    return _view(row) if row is not None else None


def involved(s: Session, actor: Actor, document_type: str, document_id: int) -> bool:
    """Whether the actor may decide the document's pending request now, or has acted on one of its requests
    (so an approver may read the document it decides without the domain's view right)."""
    if actor.user_id is None:
        return False
    rows = list(s.scalars(select(ApprovalRequest).where(ApprovalRequest.document_type == document_type,
                                                        ApprovalRequest.document_id == document_id)))
    if not rows:
        return False
    if s.scalar(select(ApprovalAction.id).where(ApprovalAction.request_id.in_([r.id for r in rows]),
                                                ApprovalAction.actor_id == actor.user_id).limit(1)) is not None:
        return True
    ctx = context(s)
    return any(r.status == "pending" and rules.may_approve(load_state(r.state), actor,
                                                           dataclasses.replace(ctx, payer_id=r.payer_id))
               for r in rows)
