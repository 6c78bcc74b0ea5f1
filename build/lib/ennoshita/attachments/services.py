"""Adding and reading attachments. Only documents and images are accepted, up to a size limit."""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ennoshita import audit
from ennoshita.actor import Actor
from ennoshita.attachments.models import Attachment
from ennoshita.dates import as_utc, now_utc
from ennoshita.errors import Invalid, NotFound, Problem
from ennoshita.security.files import safe_filename

ALLOWED_TYPES = {
    "application/pdf": b"%PDF",
    "image/png": b"\x89PNG",
    "image/jpeg": b"\xff\xd8\xff",
    "image/gif": b"GIF8",
    "image/webp": b"RIFF",
    "image/heic": b"",
    "text/csv": b"",
    "text/plain": b"",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": b"PK",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": b"PK",
    "application/vnd.ms-excel": b"",
    "application/msword": b"",
}
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class NewAttachment:
    filename: str
    content_type: str
    content: bytes
    transaction_date: dt.date | None = None
    amount: int | None = None
    counterparty: str | None = None


@dataclass(frozen=True)
class AttachmentSummary:
    id: int
    owner_type: str
    owner_id: str
    filename: str
    content_type: str
    size: int
    sha256: str
    transaction_date: dt.date | None
    amount: int | None
    counterparty: str | None
    uploaded_at: dt.datetime


def check(new: NewAttachment, field: str = "attachment", max_bytes: int = DEFAULT_MAX_BYTES) -> list[Problem]:
    """Every problem with a file: type not a document or image, content not matching it, too large."""
    problems: list[Problem] = []
    ctype = new.content_type.split(";")[0].strip().lower()
    magic = ALLOWED_TYPES.get(ctype)
    if magic is None:
        problems.append(Problem("attachment.error.type", field, {"type": ctype or "-", "name": new.filename}))
    elif magic and not new.content.startswith(magic):
        problems.append(Problem("attachment.error.content", field, {"type": ctype, "name": new.filename}))
    if len(new.content) > max_bytes:
        problems.append(Problem("attachment.error.size", field,
                                {"name": new.filename, "max_mb": max_bytes // (1024 * 1024)}))
    if not new.content:
        problems.append(Problem("attachment.error.empty", field, {"name": new.filename}))
    if new.amount is not None and new.amount < 0:
        problems.append(Problem("attachment.error.amount", field))
    return problems


def _summary(a: Attachment) -> AttachmentSummary:
    return AttachmentSummary(a.id, a.owner_type, a.owner_id, a.filename, a.content_type, a.size, a.sha256,
                             a.transaction_date, a.amount, a.counterparty, as_utc(a.uploaded_at))


def add_attachment(session: Session, actor: Actor, owner_type: str, owner_id: object, new: NewAttachment,
                   max_bytes: int = DEFAULT_MAX_BYTES, field: str = "attachment") -> AttachmentSummary:
    """Store a file in the caller's transaction (the caller checked permission on the owner)."""
    problems = check(new, field, max_bytes)
    if problems:
        raise Invalid(problems=problems)
    row = Attachment(
        owner_type=owner_type, owner_id=str(owner_id),
        filename=safe_filename(new.filename),  # no CR/LF/NUL or path: every download can name it
        content_type=new.content_type.split(";")[0].strip().lower(), size=len(new.content),
        sha256=hashlib.sha256(new.content).hexdigest(), content=new.content,
        transaction_date=new.transaction_date, amount=new.amount,
        counterparty=unicodedata.normalize("NFC", new.counterparty) if new.counterparty else None,
        uploaded_by=actor.user_id, uploaded_at=now_utc(),
    )
    session.add(row)
    session.flush()
    summary = _summary(row)
    audit.record(session, actor, "attachment", row.id, "create", after={
        "owner_type": owner_type, "owner_id": str(owner_id), "filename": row.filename, "sha256": row.sha256,
        "size": row.size, "transaction_date": str(new.transaction_date) if new.transaction_date else None,
        "amount": new.amount, "counterparty": row.counterparty})
    return summary


def list_for(session: Session, owner_type: str, owner_id: object) -> list[AttachmentSummary]:
    rows = session.scalars(select(Attachment).where(Attachment.owner_type == owner_type,
                                                    Attachment.owner_id == str(owner_id))
                           .order_by(Attachment.id))
    return [_summary(a) for a in rows]


# Who may read a stored file besides the books' readers: each owning domain registers the read rule of its
# documents (the file follows its document: my receipt, a request of my team, a supplier bill).
Reader = Callable[[Session, Actor, str], bool]
READERS: dict[str, Reader] = {}


def register_reader(owner_type: str, reader: Reader) -> None:
    READERS[owner_type] = reader


def may_read(session: Session, actor: Actor, owner_type: str, owner_id: str) -> bool:
    reader = READERS.get(owner_type)
    return reader is not None and reader(session, actor, owner_id)


def get_content(session: Session, attachment_id: int) -> tuple[AttachmentSummary, bytes]:
    row = session.get(Attachment, attachment_id)
    if row is None:
        raise NotFound("attachment.error.not_found", field="attachment_id")
    return _summary(row), row.content
