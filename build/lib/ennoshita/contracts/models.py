"""法務 tables: the 契約台帳 (contract register).

``term_end`` and ``notice_deadline`` hold the running term's end and its 更新拒絶期限 as of the last roll-forward
(:func:`ennoshita.contracts.services.roll_forward`), indexed so the renewal dashboard reads a range. The files live
in the shared attachments table (owner ``contract``) with their 電帳法 search fields (締結日, 取引金額, 取引先).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, Date, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ennoshita.db import Base


class Contract(Base):
    """review (審査中) → signed (締結済) → renewed (更新) … → ended (終了)."""

    __tablename__ = "contracts"
    __table_args__ = (
        Index("ix_contracts_due", "due_on", "id", "status"),
        Index("ix_contracts_term_end", "term_end"),
        Index("ix_contracts_partner", "partner_id", "id"),
        Index("ix_contracts_type", "contract_type", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    contract_type: Mapped[str] = mapped_column(String(20))  # rules.TYPES
    partner_id: Mapped[int | None] = mapped_column(Integer)
    counterparty: Mapped[str] = mapped_column(String(200))  # the partner's name as signed
    status: Mapped[str] = mapped_column(String(10), default="review")
    signed_on: Mapped[dt.date | None] = mapped_column(Date)
    start_on: Mapped[dt.date] = mapped_column(Date)
    end_on: Mapped[dt.date | None] = mapped_column(Date)  # end of the initial term
    amount: Mapped[int | None] = mapped_column(BigInteger)  # 契約金額 (記載金額)
    auto_renew: Mapped[bool] = mapped_column(Boolean, default=False)
    renewal_months: Mapped[int] = mapped_column(Integer, default=12)
    notice_months: Mapped[int] = mapped_column(Integer, default=0)
    notice_days: Mapped[int] = mapped_column(Integer, default=0)
    term_end: Mapped[dt.date | None] = mapped_column(Date)  # running term's end (rolled forward)
    notice_deadline: Mapped[dt.date | None] = mapped_column(Date)  # 更新拒絶期限 of the running term
    renewals: Mapped[int] = mapped_column(Integer, default=0)
    # what the dashboard sorts by: the 更新拒絶期限 of an auto-renewing contract, else the term's end
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    owner_id: Mapped[int | None] = mapped_column(Integer)
    department: Mapped[str] = mapped_column(String(60), default="")
    related_id: Mapped[int | None] = mapped_column(Integer)  # e.g. an NDA → its master agreement
    electronic: Mapped[bool] = mapped_column(Boolean, default=False)
    stamp_document: Mapped[str | None] = mapped_column(String(4))  # 1 / 2 / 7 / 17
    stamp_subject: Mapped[str] = mapped_column(String(20), default="other")
    stamp_duty: Mapped[int] = mapped_column(BigInteger, default=0)
    stamp_basis: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    approval_request_id: Mapped[int | None] = mapped_column(Integer)
    desk_request_id: Mapped[int | None] = mapped_column(Integer)  # the 法務 review request from the desk
    alerted_deadline: Mapped[dt.date | None] = mapped_column(Date)  # the deadline last alerted
    alerted_end: Mapped[dt.date | None] = mapped_column(Date)  # the end date last alerted
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
