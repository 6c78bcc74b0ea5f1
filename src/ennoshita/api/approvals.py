"""稟議 API: my queue (承認待ち), my submissions, one request with its steps, and the decisions (承認 / 却下 /
差戻し, 取下げ by the submitter). A thin adapter over :mod:`ennoshita.approvals.services`; the rules (who may
decide which step, segregation of duties) answer 403 problem+json when they refuse.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from ennoshita.api.deps import ApiActor, DbDep
from ennoshita.api.views import ViewModel
from ennoshita.approvals import services as approvals
from ennoshita.errors import NotFound, Unauthenticated

router = APIRouter(tags=["approvals"])

DECISIONS: dict[str, str] = {"approve": "approve", "reject": "reject", "send-back": "send_back",
                             "withdraw": "withdraw"}


class StepOut(BaseModel):
    label: str
    kind: str
    role: str | None
    department: str | None
    assignees: list[int]
    decided_by: int | None
    decision: str | None
    comment: str
    delegated_from: int | None
    decided_on: dt.date | None


class RequestOut(ViewModel, view=approvals.RequestView, exclude=("state",)):
    document_type: str = Field(description="purchase_order, supplier_bill, payment_run, journal_entry, ...")
    status: str = Field(description="pending, approved, rejected, sent_back or withdrawn.")
    steps: list[StepOut]


class RequestList(BaseModel):
    items: list[RequestOut]


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    comment: str = ""


def request_out(v: approvals.RequestView, lang: str = "ja") -> RequestOut:
    """The request for the API, its title in the caller's language."""
    steps = [StepOut(label=st.spec.label, kind=st.spec.kind, role=st.spec.role, department=st.department,
                     assignees=sorted(st.assignees), decided_by=st.decided_by, decision=st.decision,
                     comment=st.comment, delegated_from=st.delegated_from, decided_on=st.decided_on)
             for st in v.state.steps]
    fields = {k: getattr(v, k) for k in RequestOut.model_fields if k != "steps"}
    return RequestOut(**(fields | {"title": v.title_in(lang)}), steps=steps)


@router.get("/approvals/waiting", response_model=RequestList)
def waiting(db: DbDep, actor: ApiActor, limit: int = Query(200, ge=1, le=500)) -> RequestList:
    """承認待ち: the pending requests I may decide now (oldest first)."""
    return RequestList(items=[request_out(v, actor.language) for v in approvals.waiting_for_me(db.uow(), actor, limit)])


@router.get("/approvals/mine", response_model=RequestList)
def mine(db: DbDep, actor: ApiActor, limit: int = Query(100, ge=1, le=500)) -> RequestList:
    """My submissions, newest first."""
    if actor.user_id is None:
        raise Unauthenticated("approvals.error.no_user")
    return RequestList(items=[request_out(v, actor.language) for v in approvals.my_submissions(db.uow(), actor, limit)])


@router.get("/approvals/of/{document_type}/{document_id}", response_model=RequestOut)
def of_document(document_type: str, document_id: int, db: DbDep, actor: ApiActor) -> RequestOut:
    """The latest request of a document, for whoever may read the document (or submitted it, or decides it)."""
    found = approvals.status_for(db.uow(), actor, document_type, document_id)
    if found is None:
        raise NotFound("approvals.error.not_found", field="document_id", id=document_id)
    return request_out(found, actor.language)


@router.post("/approvals/{request_id}/{decision}", response_model=RequestOut)
def decide(request_id: int, decision: Literal["approve", "reject", "send-back", "withdraw"], db: DbDep,
           actor: ApiActor, body: DecisionIn | None = None) -> RequestOut:
    """承認 / 却下 / 差戻し of the current step, or 取下げ by the submitter; ``{"comment": "..."}``."""
    body = body or DecisionIn()
    return request_out(approvals.decide(db.uow(), actor, request_id, DECISIONS[decision], body.comment),
                       actor.language)
