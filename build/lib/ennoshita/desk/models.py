"""依頼 tables: requests with their fields, comments, thanks, and in-app notifications (with their e-mail
delivery state). Attachments of a request live in the shared attachments table (owner ``desk_request``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ennoshita.db import Base


class DeskRequest(Base):
    """A request from the front office to a back-office team."""

    __tablename__ = "desk_requests"
    __table_args__ = (
        # id last: the queue's and "my requests" order ties are broken by id, so pages come from the index
        Index("ix_desk_requests_queue", "team", "status", "sla_due_at", "id"),
        Index("ix_desk_requests_done", "completed_at", "team"),
        Index("ix_desk_requests_requester", "requester_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    type: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(200))
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    team: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(12), default="received")
    requester_id: Mapped[int | None] = mapped_column(Integer)
    requester_department: Mapped[str] = mapped_column(String(60), default="")
    assignee_id: Mapped[int | None] = mapped_column(Integer, index=True)
    due_date: Mapped[dt.date | None] = mapped_column()
    sla_due_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    lead_minutes: Mapped[int | None] = mapped_column(Integer)  # business minutes, set on completion
    on_time: Mapped[bool | None] = mapped_column(Boolean)
    document_kind: Mapped[str | None] = mapped_column(String(20))  # quote / sales_order / purchase_order
    document_id: Mapped[int | None] = mapped_column(Integer)
    document_number: Mapped[str | None] = mapped_column(String(30))
    overdue_notified: Mapped[bool] = mapped_column(Boolean, default=False)


class DeskComment(Base):
    __tablename__ = "desk_comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(Integer, index=True)
    author_id: Mapped[int | None] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    mentions: Mapped[list[int]] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class Thanks(Base):
    """ありがとう: to the person who handled a request, or freely to a person or a team."""

    __tablename__ = "desk_thanks"
    __table_args__ = (Index("ix_desk_thanks_to", "to_user_id", "created_at"),
                      Index("ix_desk_thanks_team", "to_team", "created_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int | None] = mapped_column(Integer, index=True)
    from_user_id: Mapped[int | None] = mapped_column(Integer)
    to_user_id: Mapped[int | None] = mapped_column(Integer)
    to_team: Mapped[str | None] = mapped_column(String(20))
    message: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class Notification(Base):
    """One in-app notification; ``emailed_at`` is set once the e-mail went out (or ``email_error``)."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user", "user_id", "read_at", "id"),
                      Index("ix_notifications_mail", "emailed_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))  # assigned / status / mention / overdue / thanks / comment
    request_id: Mapped[int | None] = mapped_column(Integer)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    read_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    emailed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    email_error: Mapped[str | None] = mapped_column(String(200))


class DeskSequence(Base):
    """The last request number per calendar year (``REQ-2026-000123``): gapless, never reused."""

    __tablename__ = "desk_sequences"

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    fiscal_year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)  # the calendar year
    last_number: Mapped[int] = mapped_column(Integer, default=0)
