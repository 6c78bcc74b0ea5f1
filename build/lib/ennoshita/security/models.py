"""Tables of the security mechanisms: login throttling by account and client address."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ennoshita.db import Base


class LoginThrottle(Base):
    """Consecutive failed logins of one (e-mail, client address) pair, whether or not the e-mail exists: the
    key is SHA-256 of both, so the table tells nothing about who has an account."""

    __tablename__ = "login_throttles"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    refused: Mapped[int] = mapped_column(Integer, default=0)  # attempts refused while slowed down
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
