"""An attached file, kept byte for byte with its SHA-256. Append-only: triggers refuse UPDATE and DELETE."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Date, DateTime, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from ennoshita.db import Base


class Attachment(Base):
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_type: Mapped[str] = mapped_column(String(30))
    owner_id: Mapped[str] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    # 電子帳簿保存法: 取引年月日・取引金額・取引先 must be searchable.
    transaction_date: Mapped[dt.date | None] = mapped_column(Date)
    amount: Mapped[int | None] = mapped_column(BigInteger)
    counterparty: Mapped[str | None] = mapped_column(String(200))
    uploaded_by: Mapped[int | None] = mapped_column(Integer)
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        Index("ix_attachments_owner", "owner_type", "owner_id"),
        # the 証憑検索 (queries.search): its order (transaction_date desc, id desc) and every column it filters
        # on, so the count and the page's ids come from this index alone, never from the rows and their content
        Index("ix_attachments_search", "transaction_date", "id", "amount", "counterparty", "owner_type"),
    )
