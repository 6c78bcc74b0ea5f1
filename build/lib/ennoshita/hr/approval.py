"""人事's documents on the 稟議 routes: a leave request (年休申請) and an attendance request (勤怠修正・残業申請)
go to the head of the employee's department; when the employee is that head, or the department has none,
they go to 人事 instead (a document type of its own, so the route table stays a plain table)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ennoshita.actor import Actor
from ennoshita.approvals import services as approvals
from ennoshita.approvals.models import ApprovalRoute
from ennoshita.hr.team import head_of

DOC_LEAVE = "hr_leave"
DOC_LEAVE_HR = "hr_leave_hr"
DOC_ATTENDANCE = "hr_attendance"
DOC_ATTENDANCE_HR = "hr_attendance_hr"
LEAVE_TYPES = (DOC_LEAVE, DOC_LEAVE_HR)
ATTENDANCE_TYPES = (DOC_ATTENDANCE, DOC_ATTENDANCE_HR)

_ROUTES = {
    DOC_LEAVE: ({"kind": "department_head", "role": None, "user_id": None, "label": "部門長"}, "年次有給休暇"),
    DOC_LEAVE_HR: ({"kind": "role", "role": "hr", "user_id": None, "label": "人事"}, "年次有給休暇（人事）"),
    DOC_ATTENDANCE: ({"kind": "department_head", "role": None, "user_id": None, "label": "部門長"}, "勤怠申請"),
    DOC_ATTENDANCE_HR: ({"kind": "role", "role": "hr", "user_id": None, "label": "人事"}, "勤怠申請（人事）"),
}


def ensure_routes(s: Session) -> None:
    """The company's route table gets 人事's four routes when it has none for them."""
    have = {r.document_type for r in approvals.route_table(s)}
    for doc, (step, name) in _ROUTES.items():
        if doc not in have:
            s.add(ApprovalRoute(document_type=doc, department=None, min_amount=0, max_amount=None, steps=[step],
                                name=name, active=True))
    s.flush()


def submit_in(s: Session, actor: Actor, kind: str, document_id: int, number: str, title: str,
              department: str) -> approvals.RequestView:
    ensure_routes(s)
    head = head_of(s, department)
    by_hr = head is None or head == actor.user_id
    if kind == "leave":
        doc = DOC_LEAVE_HR if by_hr else DOC_LEAVE
    else:
        doc = DOC_ATTENDANCE_HR if by_hr else DOC_ATTENDANCE
    return approvals.submit_in(s, actor, document_type=doc, document_id=document_id, number=number, title=title,
                               amount=0, department=department)
