"""証憑: the files behind a journal entry, kept with their 電子帳簿保存法 search fields, and the search over
every stored file (仕訳, 経費精算, 依頼, 請求書受領).

Evidence is its own append-only record in the shared attachments store (owner ``journal_entry``): adding a
file to a posted entry changes neither the entry nor its lines. 経理 and 管理者 add files (``ledger.edit``);
whoever reads the books (経理, 管理者, 監査) reads every stored file and searches them (``ledger.view``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from ennoshita.actor import Actor
from ennoshita.attachments import queries as attachment_queries
from ennoshita.attachments import services as attachments
from ennoshita.attachments.queries import EvidenceRow
from ennoshita.attachments.services import DEFAULT_MAX_BYTES, AttachmentSummary, NewAttachment
from ennoshita.db import UnitOfWork
from ennoshita.errors import Forbidden, Invalid, NotFound, Problem
from ennoshita.identity import require
from ennoshita.identity.roles import can
from ennoshita.ledger.models import JournalEntry

OWNER = "journal_entry"
COUNTERPARTY_MAX = 200


@dataclass(frozen=True)
class EvidenceSearch:
    """取引日 (from, to), 金額 (min, max), 取引先 (a part of the name) and the kind of record; all optional."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    amount_min: int | None = None
    amount_max: int | None = None
    counterparty: str | None = None
    owner_type: str | None = None


@dataclass(frozen=True)
class EvidencePage:
    rows: list[EvidenceRow]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _entry(uow: UnitOfWork, entry_id: int) -> JournalEntry:
    entry = uow.session.get(JournalEntry, entry_id)
    if entry is None:
        raise NotFound("ledger.error.entry_not_found", field="entry_id")
    return entry


def with_entry_defaults(new: NewAttachment, entry_date: dt.date, total: int, counterparty: str) -> NewAttachment:
    """The 電帳法 fields not given are the entry's: its date, its total and its counterparty."""
    return replace(new, transaction_date=new.transaction_date or entry_date,
                   amount=new.amount if new.amount is not None else total,
                   counterparty=(new.counterparty or "").strip() or counterparty or None)


def check(new: NewAttachment, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Problem]:
    """Every problem with a file and its fields, each named by its form field (file, amount, counterparty)."""
    problems = [Problem(p.key, "amount", p.params) if p.key == "attachment.error.amount" else p
                for p in attachments.check(new, "file", max_bytes)]
    if new.counterparty and len(new.counterparty) > COUNTERPARTY_MAX:
        problems.append(Problem("attachment.error.counterparty_length", "counterparty", {"max": COUNTERPARTY_MAX}))
    return problems


def attach_to_entry(uow: UnitOfWork, actor: Actor, entry_id: int, new: NewAttachment,
                    max_bytes: int = DEFAULT_MAX_BYTES) -> AttachmentSummary:
    """Add a file to a draft, pending or posted entry, in one transaction with its audit record."""
    require(actor, "ledger.edit")
    with uow:
        entry = _entry(uow, entry_id)
        filled = with_entry_defaults(new, entry.entry_date, entry.total, entry.counterparty)
        problems = check(filled, max_bytes)
        if problems:
            raise Invalid(problems=problems)
        summary = attachments.add_attachment(uow.session, actor, OWNER, entry.id, filled, max_bytes, field="file")
        uow.commit()
        return summary


def entry_attachments(uow: UnitOfWork, actor: Actor, entry_id: int) -> list[AttachmentSummary]:
    require(actor, "ledger.view")
    with uow:
        _entry(uow, entry_id)
        return attachments.list_for(uow.session, OWNER, entry_id)


def evidence_content(uow: UnitOfWork, actor: Actor, attachment_id: int) -> tuple[AttachmentSummary, bytes]:
    """Any stored file, whatever it belongs to: the books' readers see all evidence; anyone else a file whose
    document they may read (their own receipt, a request of their team; see attachments.register_reader)."""
    with uow:
        summary, content = attachments.get_content(uow.session, attachment_id)
        if not can(actor, "ledger.view") and not attachments.may_read(uow.session, actor, summary.owner_type,
                                                                       summary.owner_id):
            raise Forbidden("error.forbidden", capability="ledger.view")
        return summary, content


def search_evidence(uow: UnitOfWork, actor: Actor, criteria: EvidenceSearch, page: int = 1,
                    per_page: int = 50) -> EvidencePage:
    require(actor, "ledger.view")
    page = max(1, page)
    per_page = max(1, min(per_page, attachment_queries.MAX_LIMIT))
    with uow:
        rows, total = attachment_queries.search(
            uow.session, date_from=criteria.date_from, date_to=criteria.date_to, amount_min=criteria.amount_min,
            amount_max=criteria.amount_max, counterparty=criteria.counterparty, owner_type=criteria.owner_type,
            limit=per_page, offset=(page - 1) * per_page)
    return EvidencePage(rows, total, page, per_page)
