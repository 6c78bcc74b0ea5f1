"""One 年休申請 or 勤怠申請 as its approver sees it (linked from the approval queue): the employee, the dates,
the reason and, for leave, the balance; the approval panel with the route's steps below."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ennoshita.hr import approval
from ennoshita.hr.requests import request_detail
from ennoshita.web.approvals import approval_panel
from ennoshita.web.deps import ActorDep, DbDep
from ennoshita.web.hr import fmt_hm  # noqa: F401  registers the template helpers
from ennoshita.web.render import render

router = APIRouter(prefix="/hr/requests")


@router.get("/{kind}/{request_id}")
def show(request: Request, kind: str, request_id: int, db: DbDep, actor: ActorDep) -> Response:
    detail = request_detail(db.uow(), actor, kind, request_id)
    panel = None
    for doc_type in (approval.LEAVE_TYPES if kind == "leave" else approval.ATTENDANCE_TYPES):
        panel = panel or approval_panel(db, doc_type, request_id)
    return render(request, "hr/request.html", {"r": detail, "panel": panel})
