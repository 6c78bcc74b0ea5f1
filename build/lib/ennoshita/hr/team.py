"""Who manages whom: a department head (the approvals' 部門長 table) sees the employees of that department
and decides their leave and attendance requests through the 稟議 routes."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ennoshita.actor import Actor
from ennoshita.approvals.models import DepartmentHead


def heads_of(s: Session, actor: Actor) -> set[str]:
    """Departments whose head is the actor."""
    if actor.user_id is None:
        return set()
    return set(s.scalars(select(DepartmentHead.department).where(DepartmentHead.user_id == actor.user_id)))


def head_of(s: Session, department: str) -> int | None:
    row = s.get(DepartmentHead, department)
    return row.user_id if row is not None else None
