"""Posting many entries in one transaction (a billing run, a payment run) without reloading the chart for
each: the accounts, sub-accounts and company settings are read once, and sub-accounts created on the way
are added to the same index."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from ennoshita.actor import Actor
from ennoshita.bulk import db_timestamp, insert_rows, reserve_ids
from ennoshita.dates import fiscal_year_of, now_utc
from ennoshita.errors import Invalid, Problem
from ennoshita.ledger.models import Account
from ennoshita.ledger.posting import (
    ChartIndex,
    Deltas,
    PostedEntry,
    PostingContext,
    ResolvedLine,
    ensure_fiscal_year,
    post_in,
    prepare,
    reserve_numbers,
)
from ennoshita.ledger.rules import EntryDraft, entry_number
from ennoshita.ledger.services import ensure_sub_account

ENTRY_COLUMNS = ("id", "fiscal_year", "number", "entry_date", "description", "counterparty", "status", "source",
                 "source_ref", "total", "created_by", "created_at", "posted_by", "posted_at")
LINE_COLUMNS = ("entry_id", "line_no", "entry_date", "account_id", "sub_account_id", "department_id", "tax_category",
                "debit", "credit", "memo", "source_row")


class PostingBatch:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.ctx = PostingContext.load(session)
        self.index = ChartIndex.load(session)

    def post(self, actor: Actor, draft: EntryDraft, *, source: str, source_ref: str | None = None,
             reverses_id: int | None = None, split_tax: bool = False) -> PostedEntry:
        return post_in(self.session, actor, draft, source=source, source_ref=source_ref, reverses_id=reverses_id,
                       split_tax=split_tax, ctx=self.ctx, index=self.index)

    def sub_account(self, actor: Actor, account_code: str, code: str, name: str, name_kana: str = "",
                    partner_id: int | None = None) -> str:
        """The partner's 補助科目 under ``account_code`` (created on first use); returns the code to post with."""
        acc = self.index.accounts.get(account_code)
        if acc is not None and (acc[0], code) in self.index.subs:
            return code
        sub_id = ensure_sub_account(self.session, actor, account_code, code, name, name_kana, partner_id)
        account_id = acc[0] if acc else int(self.session.scalar(select(Account.id).where(
            Account.code == account_code)) or 0)
        self.index.subs[(account_id, code)] = sub_id
        return code


def post_many(session: Session, actor: Actor, drafts: Sequence[EntryDraft], *, source: str,
              source_refs: Sequence[str], index: ChartIndex | None = None, ctx: PostingContext | None = None,
              split_tax: bool = False) -> list[PostedEntry]:
    """Post many entries at once in the caller's transaction (a billing run, a payment run): every draft is
    checked first (any problem refuses them all, naming ``entries[i].lines[j]``), numbers are taken in one
    step per fiscal year, rows are written in bulk and the maintained balances updated once. The caller
    writes one audit record for the whole run, naming the entries; this one writes a ``journal_batch`` / ``post``
    record chaining the entries' ids and one SHA-256 over their lines, which ``ledger.integrity`` compares with
    the database (issue 14 item 16)."""
    if not drafts:
        return []
    ctx = ctx or PostingContext.load(session)
    index = index or ChartIndex.load(session)
    problems: list[Problem] = []
    prepared: list[list[ResolvedLine]] = []
    for i, draft in enumerate(drafts):
        lines, found = prepare(session, ctx, index, draft, split_tax=split_tax)
        problems += [Problem(p.key, f"entries[{i}].{p.field}" if p.field else f"entries[{i}]", p.params, p.line)
                     for p in found]
        prepared.append(lines)
    if problems:
        raise Invalid(problems=problems)
    fiscal = [fiscal_year_of(d.date, ctx.start_month) for d in drafts]
    next_no: dict[int, int] = {}
    for fy in sorted(set(fiscal)):
        ensure_fiscal_year(session, fy, ctx.start_month)
        next_no[fy] = reserve_numbers(session, fy, fiscal.count(fy))
    ids = sorted(reserve_ids(session, "journal_entries", len(drafts)))  # ascending: the digest follows id order
    now = db_timestamp(session, now_utc())
    entries: list[tuple[object, ...]] = []
    rows: list[tuple[object, ...]] = []
    posted: list[PostedEntry] = []
    deltas = Deltas()
    for entry_id, fy, draft, lines, ref in zip(ids, fiscal, drafts, prepared, source_refs, strict=True):
        number = next_no[fy]
        next_no[fy] += 1
        total = sum(line.debit for line in lines)
        day = draft.date.isoformat()
        entries.append((entry_id, fy, number, day, draft.description, draft.counterparty, "posted", source, ref,
                        total, actor.user_id, now, actor.user_id, now))
        rows.extend((entry_id, n, day, line.account_id, line.sub_account_id, line.department_id, line.tax_category,
                     line.debit, line.credit, line.memo, None) for n, line in enumerate(lines, start=1))
        deltas.add(lines, draft.date)
        posted.append(PostedEntry(entry_id, fy, number, entry_number(fy, number), draft.date, total))
    insert_rows(session, "journal_entries", ENTRY_COLUMNS, entries, convert=False)
    insert_rows(session, "journal_lines", LINE_COLUMNS, rows, convert=False)
    deltas.flush(session)
    from ennoshita import audit
    from ennoshita.ledger.integrity import id_ranges

    digest = hashlib.sha256("".join([repr((r[1], *r[3:10])) for r in rows]).encode("utf-8")).hexdigest()
    audit.record(session, actor, "journal_batch", f"{source}:{ids[0]}", "post", after={
        "source": source, "entries": len(ids), "lines": len(rows), "entry_ids": id_ranges(ids),
        "lines_sha256": digest})
    return posted


def ensure_sub_accounts(session: Session, actor: Actor, index: ChartIndex, account_code: str,
                        subs: Sequence[tuple[str, str, str, int | None]]) -> None:
    """Create, in bulk, the 補助科目 ``(code, name, カナ, partner id)`` missing under ``account_code`` and add
    them to ``index``; one audit record names every sub-account created."""
    from ennoshita import audit
    from ennoshita.ledger.models import SubAccount

    acc = index.accounts.get(account_code)
    if acc is None:
        raise Invalid("ledger.error.unknown_account", field="account", account=account_code)
    account_id = acc[0]
    missing = [s for s in dict.fromkeys(subs) if (account_id, s[0]) not in index.subs]
    if not missing:
        return
    names = set(session.scalars(select(SubAccount.name).where(SubAccount.account_id == account_id)))
    ids = reserve_ids(session, "sub_accounts", len(missing))
    rows: list[tuple[int, int, str, str, str, int | None, bool]] = []
    for sub_id, (code, name, kana, partner_id) in zip(ids, missing, strict=True):
        unique = name if name not in names else f"{name} ({code})"
        names.add(unique)
        rows.append((sub_id, account_id, code, unique, kana, partner_id, True))
        index.subs[(account_id, code)] = sub_id
        index.subs[(account_id, unique)] = sub_id
    insert_rows(session, "sub_accounts", ("id", "account_id", "code", "name", "name_kana", "partner_id", "active"),
                rows)
    audit.record(session, actor, "sub_account", f"{account_code}:bulk", "create",
                 after={"account": account_code, "created": [[r[2], r[3], r[5]] for r in rows]})
