"""稟議 tables: the company's route table, department heads, delegations (代理承認), and approval requests
with their state (the pure :class:`~ennoshita.approvals.rules.ApprovalState`, kept as JSON) and an
append-only history of every action."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Date, DateTime, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ennoshita.db import Base


class ApprovalRoute(Base):
    __tablename__ = "approval_routes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_type: Mapped[str] = mapped_column(String(30), index=True)
    department: Mapped[str | None] = mapped_column(String(60))
    min_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    max_amount: Mapped[int | None] = mapped_column(BigInteger)
    steps: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    name: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class DepartmentHead(Base):
    __tablename__ = "approval_department_heads"

    department: Mapped[str] = mapped_column(String(60), primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer)


class DelegationRow(Base):
    __tablename__ = "approval_delegations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    from_user: Mapped[int] = mapped_column(Integer, index=True)
    to_user: Mapped[int] = mapped_column(Integer, index=True)
    start: Mapped[dt.date] = mapped_column(Date)
    end: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class ApprovalRequest(Base):
    """One document's 稟議. ``state`` is the serialised rules state; the columns beside it are for queries."""

    __tablename__ = "approval_requests"
    __table_args__ = (UniqueConstraint("document_type", "document_id", "round"),
                      Index("ix_approval_requests_status", "status", "id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_type: Mapped[str] = mapped_column(String(30))
    document_id: Mapped[int] = mapped_column(Integer)
    round: Mapped[int] = mapped_column(Integer, default=1)
    document_number: Mapped[str] = mapped_column(String(40), default="")
    title: Mapped[str] = mapped_column(String(200), default="")
    amount: Mapped[int] = mapped_column(BigInteger, default=0)
    department: Mapped[str | None] = mapped_column(String(60))
    route_name: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(12))
    current_step: Mapped[int] = mapped_column(Integer, default=0)
    submitted_by: Mapped[int] = mapped_column(Integer, index=True)
    payer_id: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class ApprovalAction(Base):
    """Every 申請・承認・却下・差戻し・取下げ, append-only (database trigger)."""

    __tablename__ = "approval_actions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(Integer, index=True)
    action: Mapped[str] = mapped_column(String(20))
    step: Mapped[int | None] = mapped_column(Integer)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    on_behalf_of: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
