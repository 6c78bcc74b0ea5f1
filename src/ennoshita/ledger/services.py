"""Ledger use cases: drafts, posting, 訂正 (reversal + corrected entry), month locks, year-end close,
accounts, sub-accounts, departments, recurring entries. One transaction each, audited.

A manual entry whose total reaches the company's amount for 手動仕訳 in the approval route table
(document type ``journal_entry``) is not posted but submitted for 承認 (status ``pending``, no number
yet); the approval posts it in the deciding transaction with the next number, a rejection, 差戻し or
取下げ returns it to ``draft``. Imports, recurring entries and other domains' postings are not affected."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ennoshita import audit, events
from ennoshita.actor import Actor
from ennoshita.approvals import services as approvals
from ennoshita.audit import checkpoints
from ennoshita.audit.checkpoints import Checkpoint
from ennoshita.dates import add_months, end_of_month, fiscal_year_bounds, fiscal_year_of, now_utc
from ennoshita.db import UnitOfWork
from ennoshita.errors import Conflict, Invalid, InvalidTransition, NotFound, Problem
from ennoshita.identity import load_company, require
from ennoshita.ledger import chart, consumption_tax, ctax_settlement, owners
from ennoshita.ledger.models import (
    Account,
    Balance,
    Department,
    FiscalYear,
    JournalEntry,
    JournalLine,
    PeriodLock,
    RecurringEntry,
    SubAccount,
)
from ennoshita.ledger.posting import (
    ChartIndex,
    PostedEntry,
    PostingContext,
    date_problems,
    period_of,
    post_in,
    prepare,
)
from ennoshita.ledger.rules import EntryDraft, LineDraft, entry_number, reversal_of

DOCUMENT_TYPE = "journal_entry"  # in the approval route table
PENDING = "pending"  # a manual entry waiting for 承認


@dataclass(frozen=True)
class SubmittedEntry:
    """A manual entry submitted for 承認 instead of posted."""

    id: int
    entry_date: dt.date
    total: int
    approval_request_id: int


@dataclass(frozen=True)
class DraftSummary:
    id: int
    entry_date: dt.date
    description: str
    counterparty: str
    lines: tuple[LineDraft, ...]


def _lines_json(lines: tuple[LineDraft, ...] | list[LineDraft]) -> str:
    return json.dumps([asdict(line) for line in lines], ensure_ascii=False)


def _lines_from_json(text: str | None) -> tuple[LineDraft, ...]:
    return tuple(LineDraft(**item) for item in json.loads(text or "[]"))


def check_entry(uow: UnitOfWork, actor: Actor, draft: EntryDraft) -> list[Problem]:
    """Every problem a posting of ``draft`` would meet, without saving anything (the entry form shows them all)."""
    require(actor, "ledger.edit")
    with uow:
        s = uow.session
        return prepare(s, PostingContext.load(s), ChartIndex.load(s), draft)[1]


def _check_draft(session: Session, draft: EntryDraft) -> None:
    ctx = PostingContext.load(session)
    _lines, problems = prepare(session, ctx, ChartIndex.load(session), draft)
    if problems:
        raise Invalid(problems=problems)


# ---------------------------------------------------------------- drafts and posting


def _new_draft(s: Session, actor: Actor, draft: EntryDraft, fiscal_year: int) -> JournalEntry:
    entry = JournalEntry(fiscal_year=fiscal_year, entry_date=draft.date, description=draft.description,
                         counterparty=draft.counterparty, status="draft", source="manual",
                         draft_lines=_lines_json(draft.lines), created_by=actor.user_id,
                         created_at=now_utc(), total=sum(line.debit for line in draft.lines))
    s.add(entry)
    s.flush()
    return entry


def _audit_draft(s: Session, actor: Actor, entry: JournalEntry, before: dict[str, Any] | None) -> None:
    audit.record(s, actor, "journal_entry", entry.id, "create" if before is None else "update", before,
                 {"date": entry.entry_date.isoformat(), "description": entry.description,
                  "counterparty": entry.counterparty, "lines": json.loads(entry.draft_lines or "[]")})


def _require_draft(entry: JournalEntry) -> None:
    if entry.status == PENDING:
        raise InvalidTransition("ledger.error.pending_approval", field="entry_id")
    if entry.status != "draft":
        raise InvalidTransition("ledger.error.posted_immutable", field="entry_id")


def save_draft(uow: UnitOfWork, actor: Actor, draft: EntryDraft, entry_id: int | None = None) -> DraftSummary:
    """Create or replace a draft. Drafts are checked as a posting would be, so a saved draft can be posted."""
    require(actor, "ledger.edit")
    with uow:
        s = uow.session
        _check_draft(s, draft)
        company = load_company(uow)
        fy = fiscal_year_of(draft.date, company.fiscal_year_start_month)
        if entry_id is None:
            entry = _new_draft(s, actor, draft, fy)
            before = None
        else:
            found = s.get(JournalEntry, entry_id)
            if found is None:
                raise NotFound("ledger.error.entry_not_found", field="entry_id")
            _require_draft(found)
            entry = found
            before = {"date": entry.entry_date.isoformat(), "lines": json.loads(entry.draft_lines or "[]")}
            entry.fiscal_year, entry.entry_date = fy, draft.date
            entry.description, entry.counterparty = draft.description, draft.counterparty
            entry.draft_lines = _lines_json(draft.lines)
            entry.total = sum(line.debit for line in draft.lines)
        _audit_draft(s, actor, entry, before)
        result = DraftSummary(entry.id, entry.entry_date, entry.description, entry.counterparty,
                              _lines_from_json(entry.draft_lines))
        uow.commit()
        return result


def get_draft(uow: UnitOfWork, actor: Actor, entry_id: int) -> DraftSummary:
    require(actor, "ledger.view")
    with uow:
        entry = uow.session.get(JournalEntry, entry_id)
        if entry is None or entry.status != "draft":
            raise NotFound("ledger.error.entry_not_found", field="entry_id")
        return DraftSummary(entry.id, entry.entry_date, entry.description, entry.counterparty,
                            _lines_from_json(entry.draft_lines))


def delete_draft(uow: UnitOfWork, actor: Actor, entry_id: int) -> None:
    require(actor, "ledger.edit")
    with uow:
        entry = uow.session.get(JournalEntry, entry_id)
        if entry is None:
            raise NotFound("ledger.error.entry_not_found", field="entry_id")
        _require_draft(entry)
        audit.record(uow.session, actor, "journal_entry", entry.id, "delete_draft",
                     {"lines": json.loads(entry.draft_lines or "[]")})
        uow.session.delete(entry)
        uow.commit()


def _draft_of(entry: JournalEntry) -> EntryDraft:
    return EntryDraft(entry.entry_date, entry.description, entry.counterparty, _lines_from_json(entry.draft_lines))


def needs_approval(session: Session, total: int) -> bool:
    """Whether a manual entry of ``total`` needs 承認 (the company's route table for ``journal_entry``)."""
    return approvals.needs_approval(session, DOCUMENT_TYPE, None, total)


def _post_or_submit(session: Session, actor: Actor, entry: JournalEntry) -> PostedEntry | SubmittedEntry:
    draft = _draft_of(entry)
    if entry.source != "manual" or not needs_approval(session, entry.total):
        return post_in(session, actor, draft, entry_id=entry.id)
    _check_draft(session, draft)  # a draft that could not be posted is not submitted either
    entry.status = PENDING
    view = approvals.submit_in(session, actor, document_type=DOCUMENT_TYPE, document_id=entry.id,
                               number=f"#{entry.id}", title=(entry.description or entry.counterparty)[:200],
                               amount=entry.total, department=None)
    audit.record(session, actor, "journal_entry", entry.id, "submit", before={"status": "draft"},
                 after={"status": PENDING, "approval_request": view.id, "total": entry.total})
    return SubmittedEntry(entry.id, entry.entry_date, entry.total, view.id)


def post_draft(uow: UnitOfWork, actor: Actor, entry_id: int) -> PostedEntry | SubmittedEntry:
    """Post a draft, or (a manual entry at or above the company's amount) submit it for 承認."""
    require(actor, "ledger.edit")
    with uow:
        entry = uow.session.get(JournalEntry, entry_id)
        if entry is None:
            raise NotFound("ledger.error.entry_not_found", field="entry_id")
        if entry.status == "posted":
            raise InvalidTransition("ledger.error.already_posted", field="entry_id")
        _require_draft(entry)
        result = _post_or_submit(uow.session, actor, entry)
        uow.commit()
        return result


def post_entry(uow: UnitOfWork, actor: Actor, draft: EntryDraft) -> PostedEntry:
    """Post a new entry directly, never submitted for 承認 (the demo's history, tests). The entry screen uses
    :func:`enter_entry`, which submits what needs 承認."""
    require(actor, "ledger.edit")
    with uow:
        posted = post_in(uow.session, actor, draft)
        uow.commit()
        return posted


def enter_entry(uow: UnitOfWork, actor: Actor, draft: EntryDraft) -> PostedEntry | SubmittedEntry:
    """The entry screen's 登録して計上: posted at once, or kept and submitted for 承認 when its total needs it."""
    require(actor, "ledger.edit")
    with uow:
        s = uow.session
        result: PostedEntry | SubmittedEntry
        if needs_approval(s, sum(line.debit for line in draft.lines)):
            _check_draft(s, draft)
            entry = _new_draft(s, actor, draft, fiscal_year_of(draft.date, load_company(uow).fiscal_year_start_month))
            _audit_draft(s, actor, entry, None)
            result = _post_or_submit(s, actor, entry)
        else:
            result = post_in(s, actor, draft)
        uow.commit()
        return result


def _on_outcome(outcome: str) -> events.Handler:
    """承認 posts the pending entry with the next number (as the approver, in the deciding transaction);
    却下 / 差戻し / 取下げ return it to the drafts."""

    def handler(session: Session, actor: Actor, data: dict[str, Any]) -> None:
        if data.get("document_type") != DOCUMENT_TYPE:
            return
        entry = session.get(JournalEntry, int(data["document_id"]))
        if entry is None or entry.status != PENDING:
            return
        if outcome == "approved":
            post_in(session, actor, _draft_of(entry), entry_id=entry.id)
            return
        entry.status = "draft"
        audit.record(session, actor, "journal_entry", entry.id, f"approval_{outcome}",
                     before={"status": PENDING}, after={"status": "draft"})

    return handler


for _outcome in ("approved", "rejected", "sent_back", "withdrawn"):
    events.subscribe(f"approvals.{_outcome}", _on_outcome(_outcome))


def _posted_draft(session: Session, entry_id: int) -> tuple[JournalEntry, EntryDraft]:
    entry = session.get(JournalEntry, entry_id)
    if entry is None:
        raise NotFound("ledger.error.entry_not_found", field="entry_id")
    if entry.status != "posted":
        raise InvalidTransition("ledger.error.not_posted", field="entry_id")
    rows = session.execute(
        select(JournalLine, Account.code, SubAccount.code, Department.code)
        .join(Account, Account.id == JournalLine.account_id)
        .outerjoin(SubAccount, SubAccount.id == JournalLine.sub_account_id)
        .outerjoin(Department, Department.id == JournalLine.department_id)
        .where(JournalLine.entry_id == entry_id).order_by(JournalLine.line_no)
    ).all()
    # Lines as posted (tax already split), each with its tax category: a 取消 posts them ``as_posted`` (never
    # split again), so the 消費税集計表 nets to zero for a reversed entry.
    lines = tuple(LineDraft(account_code=acc, debit=line.debit, credit=line.credit,
                            tax_category=line.tax_category, sub_account=sub, department=dep, memo=line.memo)
                  for line, acc, sub, dep in rows)
    return entry, EntryDraft(entry.entry_date, entry.description, entry.counterparty, lines)


def _already_reversed(session: Session, entry_id: int) -> bool:
    return session.scalar(select(func.count()).select_from(JournalEntry)
                          .where(JournalEntry.reverses_id == entry_id)) != 0


def reverse_entry(uow: UnitOfWork, actor: Actor, entry_id: int, reversal_date: dt.date | None = None,
                  reason: str = "") -> PostedEntry:
    """取消: a new entry with debits and credits swapped, linked to the original, which stays as it was."""
    require(actor, "ledger.edit")
    with uow:
        s = uow.session
        entry, original = _posted_draft(s, entry_id)
        if _already_reversed(s, entry_id):
            raise Conflict("ledger.error.already_reversed", field="entry_id")
        refused = owners.refusal(s, entry)
        if refused is not None:  # a module's entry is undone in that module (its sub-ledger follows)
            raise refused
        day = reversal_date or entry.entry_date
        label = entry_number(entry.fiscal_year, entry.number or 0)
        draft = EntryDraft(day, f"取消: {label} {original.description} {reason}".strip(), original.counterparty,
                           tuple(reversal_of(list(original.lines))))
        posted = post_in(s, actor, draft, source="reversal", reverses_id=entry_id, as_posted=True)
        uow.commit()
        return posted


def reversed_among(session: Session, entry_ids: list[int]) -> set[int]:
    """The entries among ``entry_ids`` that a 取消 (an entry with ``reverses_id``) has taken back: a module whose
    state follows its standing entries (a 納付 paid, a claim's postings) asks this rather than its own copy."""
    if not entry_ids:
        return set()
    return set(session.scalars(select(JournalEntry.reverses_id).where(JournalEntry.reverses_id.in_(entry_ids))))


def reverse_in(session: Session, actor: Actor, entry_id: int, reason: str = "",
               reversal_date: dt.date | None = None, fallback_date: dt.date | None = None) -> PostedEntry:
    """取消 inside the caller's transaction (another domain undoing its own posting, e.g. 消込取消): the
    reversing entry is dated ``reversal_date``, else the original's date, unless that month is locked or its
    year closed, in which case ``fallback_date`` (the caller's today). The permission is the caller's."""
    entry, original = _posted_draft(session, entry_id)
    if _already_reversed(session, entry_id):
        raise Conflict("ledger.error.already_reversed", field="entry_id")
    day = reversal_date or entry.entry_date
    if reversal_date is None and fallback_date is not None:
        ctx = PostingContext.load(session)
        if date_problems(day, ctx.start_month, ctx.locked, ctx.closed, years=ctx.years):
            day = fallback_date
    label = entry_number(entry.fiscal_year, entry.number or 0)
    draft = EntryDraft(day, f"取消: {label} {original.description} {reason}".strip()[:200], original.counterparty,
                       tuple(reversal_of(list(original.lines))))
    return post_in(session, actor, draft, source="reversal", reverses_id=entry_id, as_posted=True)


def correct_entry(uow: UnitOfWork, actor: Actor, entry_id: int, corrected: EntryDraft,
                  reversal_date: dt.date | None = None) -> tuple[PostedEntry, PostedEntry]:
    """訂正: a reversing entry linked to the original plus the corrected entry, in one transaction."""
    require(actor, "ledger.edit")
    with uow:
        s = uow.session
        entry, original = _posted_draft(s, entry_id)
        if _already_reversed(s, entry_id):
            raise Conflict("ledger.error.already_reversed", field="entry_id")
        refused = owners.refusal(s, entry, correcting=True)
        if refused is not None:
            raise refused
        if needs_approval(s, sum(line.debit for line in corrected.lines)):
            # A corrected entry above the approval amount would post unapproved: 取消 the original, then enter
            # the corrected entry as a new one, which goes through 承認 like any other.
            raise Invalid("ledger.error.correction_needs_approval", field="lines")
        label = entry_number(entry.fiscal_year, entry.number or 0)
        rev = EntryDraft(reversal_date or entry.entry_date, f"訂正取消: {label} {original.description}".strip(),
                         original.counterparty, tuple(reversal_of(list(original.lines))))
        reversal = post_in(s, actor, rev, source="reversal", reverses_id=entry_id, as_posted=True)
        new = post_in(s, actor, corrected, source="correction", corrects_id=entry_id)
        uow.commit()
        return reversal, new


# ---------------------------------------------------------------- months and years


def _period(text: str) -> int:
    try:
        year, month = (int(p) for p in text.split("-"))
        dt.date(year, month, 1)
    except (ValueError, TypeError):
        raise Invalid("ledger.error.month_format", field="month", value=text) from None
    return year * 100 + month


def lock_month(uow: UnitOfWork, actor: Actor, month: str) -> Checkpoint:
    """月次締め: no posting into this month until it is unlocked. The audit chain is anchored at its new head (a
    checkpoint signed with the audit key, kept in the database and next to the key), returned for the close
    report."""
    require(actor, "ledger.edit")
    period = _period(month)
    with uow:
        if uow.session.get(PeriodLock, period) is not None:
            raise Conflict("ledger.error.already_locked", field="month", month=month)
        uow.session.add(PeriodLock(period=period, locked_at=now_utc(), locked_by=actor.user_id))
        audit.record(uow.session, actor, "period", month, "lock")
        cp = checkpoints.take(uow.session, "close", month)
        uow.commit()
    checkpoints.publish(cp)
    return cp


def unlock_month(uow: UnitOfWork, actor: Actor, month: str, reason: str = "") -> None:
    require(actor, "ledger.edit")
    period = _period(month)
    with uow:
        row = uow.session.get(PeriodLock, period)
        if row is None:
            raise Conflict("ledger.error.not_locked", field="month", month=month)
        uow.session.delete(row)
        audit.record(uow.session, actor, "period", month, "unlock", after={"reason": reason})
        uow.commit()


def locked_months(uow: UnitOfWork, actor: Actor) -> list[str]:
    require(actor, "ledger.view")
    with uow:
        return [f"{p // 100}-{p % 100:02d}" for p in uow.session.scalars(select(PeriodLock.period)
                                                                          .order_by(PeriodLock.period))]


@dataclass(frozen=True)
class CloseResult:
    fiscal_year: int
    net_income: int
    closing_entry: PostedEntry | None
    checkpoint: Checkpoint | None = None


def close_year(uow: UnitOfWork, actor: Actor, fiscal_year: int) -> CloseResult:
    """決算締め: settle the year's 消費税 on its current figures (仮受/仮払消費税 against 未払消費税等,
    :func:`ennoshita.ledger.ctax_settlement.settlement_plan`: posted when missing; one posted on other figures, as
    after a 決算締めの解除 and a correction, is taken back by a 取消 and posted anew), carry the year's net
    income to 繰越利益剰余金 with a closing entry dated the last day, lock every month of the year and mark it
    closed (which locks every earlier date too). The next year's balance sheet opens from the cumulative
    balances."""
    require(actor, "ledger.edit")
    with uow:
        s = uow.session
        company = load_company(uow)
        start, end = fiscal_year_bounds(fiscal_year, company.fiscal_year_start_month)
        fy = s.get(FiscalYear, fiscal_year)
        if fy is not None and fy.closed:
            raise Conflict("ledger.error.year_closed", field="fiscal_year", year=fiscal_year)
        ctax_settlement.post_settlement_in(s, actor, fiscal_year)
        s.flush()
        rows = s.execute(
            select(Account.code, func.sum(Balance.debit), func.sum(Balance.credit))
            .join(Account, Account.id == Balance.account_id)
            .where(Balance.period >= period_of(start), Balance.period <= period_of(end),
                   Balance.is_closing.is_(False), Account.category.in_(("revenue", "expense")))
            .group_by(Account.code).order_by(Account.code)
        ).all()
        lines: list[LineDraft] = []
        net = 0
        for code, debit, credit in rows:
            balance = int(debit or 0) - int(credit or 0)  # debit-positive
            net -= balance
            if balance > 0:
                lines.append(LineDraft(code, 0, balance, None, None, None, "損益振替"))
            elif balance < 0:
                lines.append(LineDraft(code, -balance, 0, None, None, None, "損益振替"))
        if net > 0:
            lines.append(LineDraft(chart.CODE_RETAINED_EARNINGS, 0, net, None, None, None, "当期純利益"))
        elif net < 0:
            lines.append(LineDraft(chart.CODE_RETAINED_EARNINGS, -net, 0, None, None, None, "当期純損失"))
        posted = None
        if lines:
            posted = post_in(s, actor, EntryDraft(end, f"{fiscal_year}年度 決算振替（損益→繰越利益剰余金）", "",
                                                  tuple(lines)), source="closing", closing=True)
        fy = s.get(FiscalYear, fiscal_year)
        assert fy is not None or posted is None
        if fy is None:
            fy = FiscalYear(year=fiscal_year, start_date=start, end_date=end)
            s.add(fy)
        fy.closed, fy.closed_at = True, now_utc()
        fy.closing_entry_id = posted.id if posted else None
        fixed = consumption_tax.fix_year_calc(s, fy)  # the year's 割戻し/積上げ no longer follows the company's
        y, m = start.year, start.month
        for _ in range(12):
            if s.get(PeriodLock, y * 100 + m) is None:
                s.add(PeriodLock(period=y * 100 + m, locked_at=now_utc(), locked_by=actor.user_id))
            y, m = add_months(y, m, 1)
        audit.record(s, actor, "fiscal_year", fiscal_year, "close", after={"net_income": net, "consumption_tax": fixed})
        cp = checkpoints.take(s, "year_close", str(fiscal_year))
        uow.commit()
    checkpoints.publish(cp)
    return CloseResult(fiscal_year, net, posted, cp)


def reopen_year(uow: UnitOfWork, actor: Actor, fiscal_year: int, reason: str) -> PostedEntry | None:
    """決算締めの解除: only the latest closed year can be reopened (an earlier year stays locked by the later
    close). The closing entry is reversed (a 取消 linked to it, dated like it), the year's months are unlocked
    and the year marked open, audited with the reason. Posting into an earlier year needs the later one
    reopened first. The 消費税 settlement stays: closing again settles on the figures then, replacing it (取消 and
    a new one) only when they changed."""
    require(actor, "ledger.edit")
    if not reason.strip():
        raise Invalid("error.required", field="reason")
    with uow:
        s = uow.session
        fy = s.get(FiscalYear, fiscal_year)
        if fy is None or not fy.closed:
            raise Conflict("ledger.error.year_not_closed", field="fiscal_year", year=fiscal_year)
        later = s.scalar(select(func.max(FiscalYear.year)).where(FiscalYear.closed.is_(True)))
        if later is not None and later > fiscal_year:
            raise Conflict("ledger.error.reopen_later_first", field="fiscal_year", year=fiscal_year, later=later)
        fy.closed, fy.closed_at = False, None
        unlocked = []
        y, m = fy.start_date.year, fy.start_date.month
        for _ in range(12):
            row = s.get(PeriodLock, y * 100 + m)
            if row is not None:
                s.delete(row)
                unlocked.append(f"{y}-{m:02d}")
            y, m = add_months(y, m, 1)
        s.flush()
        posted = None
        if fy.closing_entry_id is not None and not _already_reversed(s, fy.closing_entry_id):
            entry, original = _posted_draft(s, fy.closing_entry_id)
            label = entry_number(entry.fiscal_year, entry.number or 0)
            draft = EntryDraft(entry.entry_date, f"取消: {label} 決算締めの解除 {reason}".strip()[:200], "",
                               tuple(reversal_of(list(original.lines))))
            posted = post_in(s, actor, draft, source="closing", reverses_id=entry.id, closing=True, as_posted=True)
        fy.closing_entry_id = None
        audit.record(s, actor, "fiscal_year", fiscal_year, "reopen", before={"closed": True},
                     after={"closed": False, "reason": reason, "unlocked": unlocked,
                            "reversal": posted.entry_no if posted else None})
        uow.commit()
        return posted


# ---------------------------------------------------------------- accounts, sub-accounts, departments


@dataclass(frozen=True)
class AccountSummary:
    id: int
    code: str
    name: str
    name_kana: str
    category: str
    section: str
    normal_side: str
    default_tax_category: str | None
    active: bool
    name_en: str = ""  # the name an English reader sees (empty: the Japanese name)


def _account(a: Account) -> AccountSummary:
    return AccountSummary(a.id, a.code, a.name, a.name_kana, a.category, a.section, a.normal_side,
                          a.default_tax_category, a.active, a.name_en or "")


def list_accounts(uow: UnitOfWork, actor: Actor, include_inactive: bool = False) -> list[AccountSummary]:
    require(actor, "ledger.view")
    with uow:
        stmt = select(Account).order_by(Account.code)
        if not include_inactive:
            stmt = stmt.where(Account.active.is_(True))
        return [_account(a) for a in uow.session.scalars(stmt)]


@dataclass(frozen=True)
class AccountInput:
    code: str
    name: str
    category: str
    section: str
    name_kana: str = ""
    default_tax_category: str | None = None
    name_en: str = ""


def add_account(uow: UnitOfWork, actor: Actor, cmd: AccountInput) -> AccountSummary:
    require(actor, "ledger.edit")
    problems: list[Problem] = []
    if not cmd.code.strip():
        problems.append(Problem("error.required", "code"))
    if not cmd.name.strip():
        problems.append(Problem("error.required", "name"))
    if cmd.section not in chart.SECTION_CATEGORY:
        problems.append(Problem("ledger.error.section", "section", {"section": cmd.section}))
    elif chart.SECTION_CATEGORY[cmd.section] != cmd.category:
        problems.append(Problem("ledger.error.category", "category", {"category": cmd.category}))
    if problems:
        raise Invalid(problems=problems)
    with uow:
        s = uow.session
        if s.scalar(select(Account.id).where((Account.code == cmd.code) | (Account.name == cmd.name))):
            raise Conflict("ledger.error.account_exists", field="code", code=cmd.code)
        side = "debit" if cmd.category in ("asset", "expense") else "credit"
        acc = Account(code=cmd.code.strip(), name=cmd.name.strip(), name_kana=cmd.name_kana,
                      name_en=" ".join(cmd.name_en.split()),
                      category=cmd.category, section=cmd.section, normal_side=side,
                      default_tax_category=cmd.default_tax_category, active=True)
        s.add(acc)
        s.flush()
        audit.record(s, actor, "account", acc.id, "create", after=asdict(_account(acc)))
        result = _account(acc)
        uow.commit()
        return result


def rename_account(uow: UnitOfWork, actor: Actor, account_id: int, name: str, name_kana: str | None = None,
                   name_en: str | None = None) -> AccountSummary:
    """A new name (and カナ, and English name when given: the name English screens and files show)."""
    require(actor, "ledger.edit")
    if not name.strip():
        raise Invalid("error.required", field="name")
    with uow:
        acc = uow.session.get(Account, account_id)
        if acc is None:
            raise NotFound("ledger.error.account_not_found", field="account_id")
        before = asdict(_account(acc))
        acc.name = name.strip()
        if name_kana is not None:
            acc.name_kana = name_kana
        if name_en is not None:
            acc.name_en = " ".join(name_en.split())
        audit.record(uow.session, actor, "account", acc.id, "update", before, asdict(_account(acc)))
        result = _account(acc)
        uow.commit()
        return result


def set_account_active(uow: UnitOfWork, actor: Actor, account_id: int, active: bool) -> AccountSummary:
    """Accounts are deactivated, never deleted: one with postings must stay for its history."""
    require(actor, "ledger.edit")
    with uow:
        acc = uow.session.get(Account, account_id)
        if acc is None:
            raise NotFound("ledger.error.account_not_found", field="account_id")
        before = asdict(_account(acc))
        acc.active = active
        audit.record(uow.session, actor, "account", acc.id, "reactivate" if active else "deactivate", before,
                     asdict(_account(acc)))
        result = _account(acc)
        uow.commit()
        return result


def ensure_sub_account(session: Session, actor: Actor, account_code: str, code: str, name: str,
                       name_kana: str = "", partner_id: int | None = None) -> int:
    """The sub-account ``code`` under an account, created on first use (partners under 売掛金/買掛金)."""
    account_id = session.scalar(select(Account.id).where(or_(Account.code == account_code,
                                                             Account.name == account_code)))
    if account_id is None:
        raise NotFound("ledger.error.unknown_account", field="account", account=account_code)
    found = session.scalar(select(SubAccount.id).where(SubAccount.account_id == account_id,
                                                       SubAccount.code == code))
    if found is not None:
        return int(found)
    name_taken = session.scalar(select(SubAccount.id).where(SubAccount.account_id == account_id,
                                                            SubAccount.name == name))
    sub = SubAccount(account_id=account_id, code=code, name=name if name_taken is None else f"{name} ({code})",
                     name_kana=name_kana, partner_id=partner_id, active=True)
    session.add(sub)
    session.flush()
    audit.record(session, actor, "sub_account", sub.id, "create",
                 after={"account": account_code, "code": code, "name": sub.name, "partner_id": partner_id})
    return sub.id


def add_sub_account(uow: UnitOfWork, actor: Actor, account_code: str, code: str, name: str,
                    name_kana: str = "") -> int:
    require(actor, "ledger.edit")
    if not code.strip() or not name.strip():
        raise Invalid(problems=[Problem("error.required", f) for f, v in (("code", code), ("name", name))
                                if not v.strip()])
    with uow:
        sub_id = ensure_sub_account(uow.session, actor, account_code, code.strip(), name.strip(), name_kana)
        uow.commit()
        return sub_id


def add_department(uow: UnitOfWork, actor: Actor, code: str, name: str) -> int:
    require(actor, "ledger.edit")
    if not code.strip() or not name.strip():
        raise Invalid(problems=[Problem("error.required", f) for f, v in (("code", code), ("name", name))
                                if not v.strip()])
    with uow:
        s = uow.session
        if s.scalar(select(Department.id).where((Department.code == code) | (Department.name == name))):
            raise Conflict("ledger.error.department_exists", field="code", code=code)
        dep = Department(code=code.strip(), name=name.strip(), active=True)
        s.add(dep)
        s.flush()
        audit.record(s, actor, "department", dep.id, "create", after={"code": dep.code, "name": dep.name})
        uow.commit()
        return dep.id


# ---------------------------------------------------------------- recurring entries


@dataclass(frozen=True)
class RecurringInput:
    name: str
    description: str
    counterparty: str
    every_months: int
    day_of_month: int
    start_date: dt.date
    end_date: dt.date | None
    lines: tuple[LineDraft, ...]


def _recur_date(year: int, month: int, day: int) -> dt.date:
    last = end_of_month(year, month)
    return last if day >= last.day else dt.date(year, month, day)


def add_recurring(uow: UnitOfWork, actor: Actor, cmd: RecurringInput) -> int:
    require(actor, "ledger.edit")
    problems: list[Problem] = []
    if not cmd.name.strip():
        problems.append(Problem("error.required", "name"))
    if not 1 <= cmd.every_months <= 12:
        problems.append(Problem("ledger.error.every_months", "every_months"))
    if not 1 <= cmd.day_of_month <= 31:
        problems.append(Problem("ledger.error.day_of_month", "day_of_month"))
    if problems:
        raise Invalid(problems=problems)
    with uow:
        s = uow.session
        first = _recur_date(cmd.start_date.year, cmd.start_date.month, cmd.day_of_month)
        if first < cmd.start_date:
            y, m = add_months(first.year, first.month, 1)
            first = _recur_date(y, m, cmd.day_of_month)
        _check_draft(s, EntryDraft(first, cmd.description, cmd.counterparty, cmd.lines))
        rec = RecurringEntry(name=cmd.name, description=cmd.description, counterparty=cmd.counterparty,
                             every_months=cmd.every_months, day_of_month=cmd.day_of_month, next_date=first,
                             end_date=cmd.end_date, lines_json=_lines_json(cmd.lines), active=True,
                             created_by=actor.user_id)
        s.add(rec)
        s.flush()
        audit.record(s, actor, "recurring_entry", rec.id, "create",
                     after={"name": cmd.name, "next_date": first.isoformat(), "lines": json.loads(rec.lines_json)})
        uow.commit()
        return rec.id


def run_recurring(uow: UnitOfWork, actor: Actor, until: dt.date) -> list[PostedEntry]:
    """Post every scheduled entry due on or before ``until``; each schedule moves to its next date."""
    require(actor, "ledger.edit")
    posted: list[PostedEntry] = []
    with uow:
        s = uow.session
        for rec in s.scalars(select(RecurringEntry).where(RecurringEntry.active.is_(True),
                                                          RecurringEntry.next_date <= until)
                             .order_by(RecurringEntry.id)):
            while rec.next_date <= until and (rec.end_date is None or rec.next_date <= rec.end_date):
                draft = EntryDraft(rec.next_date, rec.description, rec.counterparty, _lines_from_json(rec.lines_json))
                posted.append(post_in(s, actor, draft, source="recurring", source_ref=str(rec.id)))
                y, m = add_months(rec.next_date.year, rec.next_date.month, rec.every_months)
                rec.next_date = _recur_date(y, m, rec.day_of_month)
            if rec.end_date is not None and rec.next_date > rec.end_date:
                rec.active = False
        uow.commit()
    return posted
