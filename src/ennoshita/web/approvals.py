"""稟議 screens for every logged-in user: 承認待ち (the requests the user may decide now, with 承認 / 却下 /
差戻し inline), 自分の申請 (where each of the user's requests stands, with 取下げ) and 代理承認の設定.

Thin adapters over ``ennoshita.approvals.services``: the services check who may decide (segregation of
duties included); the routes read the form and show what the service says. The approval panel shown on the
purchasing documents (steps, who decided, comments, history) is built here too (:func:`approval_panel`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import or_, select

from ennoshita.actor import Actor
from ennoshita.approvals import services as approvals
from ennoshita.approvals.models import DelegationRow
from ennoshita.dates import today_tokyo
from ennoshita.db import Database
from ennoshita.errors import DomainError, Invalid, Problem
from ennoshita.identity.models import User
from ennoshita.web import nav
from ennoshita.web.deps import ActorDep, DbDep
from ennoshita.web.forms import field_errors, form_data, parse_date, parse_id, translator
from ennoshita.web.home import WORK_PROVIDERS, WorkItem
from ennoshita.web.render import render

router = APIRouter(prefix="/approvals")

# Every logged-in user has a queue and submissions ("desk.view" is held by every role).
nav.register(nav.NavItem("desk", "nav.approvals.queue", "/approvals", "desk.view", 1))
nav.register(nav.NavItem("desk", "nav.approvals.mine", "/approvals/mine", "desk.view", 2))

DECISIONS = ("approve", "reject", "send_back")
# Where each document type is shown (the documents of other domains have no screen link yet).
DOCUMENT_LINKS = {"purchase_order": "/purchasing/orders/{id}", "supplier_bill": "/purchasing/bills/{id}",
                  "payment_run": "/purchasing/payments/{id}", "journal_entry": "/ledger/entries/{id}",
                  "expense_claim": "/expenses/{id}", "contract": "/contracts/{id}",
                  "hr_leave": "/hr/requests/leave/{id}", "hr_leave_hr": "/hr/requests/leave/{id}",
                  "hr_attendance": "/hr/requests/attendance/{id}", "hr_attendance_hr": "/hr/requests/attendance/{id}",
                  "payroll_run": "/payroll/runs/{id}"}


def user_names(db: Database) -> dict[int, str]:
    with db.uow() as uow:
        return {int(i): str(n) for i, n in uow.session.execute(select(User.id, User.display_name))}


def document_link(view: approvals.RequestView) -> str | None:
    pattern = DOCUMENT_LINKS.get(view.document_type)
    return pattern.format(id=view.document_id) if pattern else None


@dataclass(frozen=True)
class StepRow:
    no: int
    label: str
    decision: str | None
    decided_by: str
    delegated_from: str
    decided_on: dt.date | None
    comment: str
    current: bool


@dataclass(frozen=True)
class HistoryRow:
    action: str
    actor: str
    on_behalf_of: str
    step_label: str
    comment: str
    on: dt.date | None


@dataclass(frozen=True)
class Panel:
    """One request as shown on a document: its status, its steps and its history."""

    view: approvals.RequestView
    steps: tuple[StepRow, ...]
    history: tuple[HistoryRow, ...]
    submitted_by: str
    current_label: str


def panel_of(view: approvals.RequestView, names: dict[int, str]) -> Panel:
    st = view.state

    def name(uid: int | None) -> str:
        return names.get(uid, f"#{uid}") if uid is not None else ""

    steps = tuple(StepRow(i + 1, s.spec.label, s.decision, name(s.decided_by), name(s.delegated_from), s.decided_on,
                          s.comment, st.status == "pending" and i == st.current_step)
                  for i, s in enumerate(st.steps))
    labels = [s.spec.label for s in st.steps]
    history = tuple(HistoryRow(h.action, name(h.actor_id), name(h.on_behalf_of),
                               labels[h.step] if h.step is not None and 0 <= h.step < len(labels) else "",
                               h.comment, h.on) for h in st.history)
    current = labels[st.current_step] if st.status == "pending" and 0 <= st.current_step < len(labels) else ""
    return Panel(view, steps, history, name(view.submitted_by), current)


def approval_panel(db: Database, document_type: str, document_id: int) -> Panel | None:
    """The latest 稟議 of a document, ready for ``approvals/_panel.html``; None when never submitted."""
    view = approvals.status_of(db.uow(), document_type, document_id)
    return panel_of(view, user_names(db)) if view is not None else None


# ---------------------------------------------------------------- 承認待ち


def _queue_page(request: Request, db: Database, actor: Actor, status: int = 200, errors: dict[int, dict[str, str]]
                | None = None, general: list[str] | None = None, form: dict[str, str] | None = None) -> Response:
    names = user_names(db)
    rows = [(panel_of(v, names), document_link(v)) for v in approvals.waiting_for_me(db.uow(), actor)]
    return render(request, "approvals/queue.html", {
        "rows": rows, "errors": errors or {}, "general": general or [], "form": form or {},
        "done": request.query_params.get("done")}, status_code=status)


@router.get("")
def queue(request: Request, db: DbDep, actor: ActorDep) -> Response:
    return _queue_page(request, db, actor)


@router.post("/{request_id}/decide")
async def decide(request: Request, request_id: int, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)
    decision = str(data.get("decision", ""))
    comment = str(data.get("comment", "")).strip()
    try:
        if decision not in DECISIONS:
            raise Invalid("approvals.error.decision", field="decision", decision=decision)
        if decision in ("reject", "send_back") and not comment:
            raise Invalid(problems=[Problem("approvals.error.comment_required", "comment")])
        approvals.decide(db.uow(), actor, request_id, decision, comment)
    except DomainError as exc:
        if exc.status == 404:
            raise
        fields, general = field_errors(exc, translator(actor))
        row_errors = {"comment": fields.pop("comment")} if "comment" in fields else {}
        row_errors["general"] = " ".join(general + list(fields.values()))
        return _queue_page(request, db, actor, exc.status, {request_id: row_errors},
                           form={"request_id": str(request_id), "comment": comment})
    done = {"approve": "approved", "reject": "rejected", "send_back": "sent_back"}[decision]
    if data.get("back"):
        back = str(data["back"])
        if back.startswith("/") and not back.startswith("//"):
            return RedirectResponse(f"{back}?done={done}", status_code=303)
    return RedirectResponse(f"/approvals?done={done}", status_code=303)


# ---------------------------------------------------------------- 自分の申請 and 代理承認


def _mine_page(request: Request, db: Database, actor: Actor, status: int = 200, errors: dict[str, str] | None = None,
               general: list[str] | None = None, form: dict[str, str] | None = None) -> Response:
    names = user_names(db)
    rows = [(panel_of(v, names), document_link(v)) for v in approvals.my_submissions(db.uow(), actor)]
    with db.uow() as uow:
        delegations = list(uow.session.scalars(select(DelegationRow).where(or_(
            DelegationRow.from_user == actor.user_id, DelegationRow.to_user == actor.user_id))
            .order_by(DelegationRow.start.desc()).limit(50)))
        users = [(int(u.id), str(u.display_name), u.department or "") for u in uow.session.scalars(
            select(User).where(User.active.is_(True), User.id != actor.user_id).order_by(User.id))]
        uow.session.expunge_all()
    today = today_tokyo()
    return render(request, "approvals/mine.html", {
        "rows": rows, "delegations": delegations, "names": names, "users": users, "errors": errors or {},
        "general": general or [], "done": request.query_params.get("done"), "today": today,
        "form": form or {"start": today.isoformat(), "end": (today + dt.timedelta(days=7)).isoformat()}},
        status_code=status)


@router.get("/mine")
def mine(request: Request, db: DbDep, actor: ActorDep) -> Response:
    return _mine_page(request, db, actor)


@router.post("/{request_id}/withdraw")
async def withdraw(request: Request, request_id: int, db: DbDep, actor: ActorDep) -> Response:
    try:
        approvals.decide(db.uow(), actor, request_id, "withdraw")
    except DomainError as exc:
        if exc.status == 404:
            raise
        fields, general = field_errors(exc, translator(actor))
        return _mine_page(request, db, actor, exc.status, general=general + list(fields.values()))
    return RedirectResponse("/approvals/mine?done=withdrawn", status_code=303)


@router.post("/delegations")
async def delegation_add(request: Request, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)
    form = {k: str(data.get(k, "")).strip() for k in ("to_user", "start", "end")}
    try:
        problems: list[Problem] = []
        to_user = parse_id(form["to_user"])
        start, end = parse_date(form["start"]), parse_date(form["end"])
        if to_user is None:
            problems.append(Problem("error.required", "to_user"))
        if start is None:
            problems.append(Problem("purchasing_ui.error.date", "start"))
        if end is None:
            problems.append(Problem("purchasing_ui.error.date", "end"))
        if problems or to_user is None or start is None or end is None:
            raise Invalid(problems=problems)
        approvals.add_delegation(db.uow(), actor, to_user, start, end)
    except DomainError as exc:
        if exc.status == 404:
            raise
        errors, general = field_errors(exc, translator(actor))
        if not any(k in errors for k in form):  # a rule about the dates as a whole: show it by the form
            general = general + list(errors.values())
        return _mine_page(request, db, actor, exc.status, errors, general, form)
    return RedirectResponse("/approvals/mine?done=delegated#delegation", status_code=303)


def _approval_work(db: Database, actor: Actor) -> list[WorkItem]:
    """承認待ち on the home page: what waits for this person's decision."""
    if actor.user_id is None:
        return []
    return [WorkItem("home.kind.approval", f"{v.document_number} {v.title_in(actor.language)}".strip(),
                     document_link(v) or "/approvals") for v in approvals.waiting_for_me(db.uow(), actor, limit=20)]


WORK_PROVIDERS.append(_approval_work)
