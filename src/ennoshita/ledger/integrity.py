"""Posted journal entries against their audit records (issue 14 item 16).

Every posting goes through :func:`ennoshita.ledger.posting.post_in`, which writes a ``journal_entry`` / ``post``
audit record holding the entry's lines (account, sub-account, department, tax category, debit, credit, memo) in
the same transaction. The audit table is hash-chained, so a posted line edited directly in the database (with its
balance row, so that ``check_balances`` still agrees) no longer matches its audit record: :func:`mismatches`
finds it. ``ennoshita audit verify`` and ``ennoshita ledger check`` both run it.

A journal import writes its entries in bulk and one ``journal_import`` / ``import`` audit record for the file; that
record chains the imported entry ids (as ranges) and one SHA-256 over all their lines in id order
(:func:`lines_digest`), which :func:`import_mismatches` recomputes from the database.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ennoshita.audit.models import AuditRecord
from ennoshita.audit.rules import canonical_json
from ennoshita.ledger.models import JournalEntry, JournalLine

if TYPE_CHECKING:
    from ennoshita.i18n import Translator


@dataclass(frozen=True)
class EntryMismatch:
    entry_id: int
    reason: str  # "lines" (differ from the audit record) or "no_lines" (the posted lines are gone)

    def describe(self, t: Translator) -> str:
        """One line in ``t``'s language (``audit verify``, ``ledger check``)."""
        return t(f"ledger.integrity.entry_{self.reason}", id=self.entry_id)


def content_hash(lines: list[list[Any]]) -> str:
    """SHA-256 of the lines as the audit record holds them (canonical JSON)."""
    return hashlib.sha256(canonical_json(lines).encode("utf-8")).hexdigest()


def _audited(session: Session) -> dict[int, str]:
    out: dict[int, str] = {}
    stmt = (select(AuditRecord.entity_id, AuditRecord.after)
            .where(AuditRecord.entity_type == "journal_entry", AuditRecord.action == "post")
            .order_by(AuditRecord.id).execution_options(yield_per=2000))
    for entity_id, after in session.execute(stmt):
        data = json.loads(after or "{}")
        if isinstance(data, dict) and isinstance(data.get("lines"), list):
            out[int(entity_id)] = content_hash(data["lines"])
    return out


def mismatches(session: Session, limit: int = 50) -> list[EntryMismatch]:
    """Posted entries whose lines differ from their ``post`` audit record, or whose lines are gone (at most
    ``limit``). Entries without a ``post`` record (bulk imports) are not compared."""
    audited = _audited(session)
    found: list[EntryMismatch] = []
    current: int | None = None
    rows: list[list[Any]] = []

    def close(entry_id: int, lines: list[list[Any]]) -> None:
        expected = audited.pop(entry_id, None)
        # Entries a bulk import wrote carry one audit record for the batch, not a ``post`` record each: they are
        # not compared (yet).
        if expected is not None and expected != content_hash(lines):
            found.append(EntryMismatch(entry_id, "lines"))

    stmt = (select(JournalLine.entry_id, JournalLine.account_id, JournalLine.sub_account_id,
                   JournalLine.department_id, JournalLine.tax_category, JournalLine.debit, JournalLine.credit,
                   JournalLine.memo)
            .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
            .where(JournalEntry.status.notin_(("draft", "pending")))
            .order_by(JournalLine.entry_id, JournalLine.line_no).execution_options(yield_per=5000))
    for entry_id, *line in session.execute(stmt):
        if entry_id != current:
            if current is not None:
                close(current, rows)
                if len(found) >= limit:
                    return found
            current, rows = entry_id, []
        rows.append([int(v) if isinstance(v, int) else v for v in line])
    if current is not None:
        close(current, rows)
    # posted and audited, but its lines are gone
    found.extend(EntryMismatch(entry_id, "no_lines") for entry_id in sorted(audited))
    return found[:limit]


@dataclass(frozen=True)
class ImportMismatch:
    audit_id: int
    first_id: int
    last_id: int

    def describe(self, t: Translator) -> str:
        """One line in ``t``'s language (``audit verify``, ``ledger check``)."""
        return t("ledger.integrity.import_lines", audit_id=self.audit_id, first=self.first_id, last=self.last_id)


def line_text(line_no: int, line: Sequence[Any]) -> str:
    """One line as an import hashes it: (line_no, account, sub-account, department, tax category, debit, credit,
    memo), spelled by ``repr`` (unambiguous, and as fast as the import needs)."""
    return repr((line_no, *line))


def lines_digest(session: Session, ranges: Sequence[Sequence[int]]) -> str:
    digest = hashlib.sha256()
    for first, last in ranges:
        stmt = (select(JournalLine.line_no, JournalLine.account_id, JournalLine.sub_account_id,
                       JournalLine.department_id, JournalLine.tax_category, JournalLine.debit, JournalLine.credit,
                       JournalLine.memo)
                .where(JournalLine.entry_id >= first, JournalLine.entry_id <= last)
                .order_by(JournalLine.entry_id, JournalLine.line_no).execution_options(yield_per=10000))
        for part in session.execute(stmt).partitions():
            digest.update("".join([line_text(int(r[0]), tuple(r[1:])) for r in part]).encode("utf-8"))
    return digest.hexdigest()


def id_ranges(ids: Sequence[int]) -> list[list[int]]:
    """Ascending ids as [first, last] runs."""
    out: list[list[int]] = []
    for entry_id in ids:
        if out and out[-1][1] + 1 == entry_id:
            out[-1][1] = entry_id
        else:
            out.append([entry_id, entry_id])
    return out


def import_mismatches(session: Session, limit: int = 50) -> list[ImportMismatch]:
    """Imports (and bulk postings, ``journal_batch``) whose entries' lines differ from the digest their audit
    record chains (those recorded before the digest existed are not compared)."""
    found: list[ImportMismatch] = []
    stmt = (select(AuditRecord.id, AuditRecord.after)
            .where(((AuditRecord.entity_type == "journal_import") & (AuditRecord.action == "import"))
                   | ((AuditRecord.entity_type == "journal_batch") & (AuditRecord.action == "post")))
            .order_by(AuditRecord.id))
    for audit_id, after in session.execute(stmt).all():
        data = json.loads(after or "{}")
        if not isinstance(data, dict) or "lines_sha256" not in data:
            continue
        ranges = [(int(a), int(b)) for a, b in data.get("entry_ids") or []]
        if lines_digest(session, ranges) != data["lines_sha256"]:
            found.append(ImportMismatch(int(audit_id), ranges[0][0] if ranges else 0,
                                        ranges[-1][1] if ranges else 0))
            if len(found) >= limit:
                break
    return found
