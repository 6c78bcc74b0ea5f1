"""Read models for the ledger's screens and API: the choices an entry form offers (accounts with カナ,
sub-accounts, departments), the links between an entry and its reversal or correction, a posted entry
turned back into the lines a person typed (for 訂正), recurring schedules and fiscal years.

Plain SELECTs that return frozen dataclasses; nothing here writes.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ennoshita.ledger import chart
from ennoshita.ledger.models import (
    Account,
    Department,
    FiscalYear,
    JournalEntry,
    JournalLine,
    PeriodLock,
    RecurringEntry,
    SubAccount,
)
from ennoshita.ledger.rules import EntryDraft, LineDraft, entry_number


@dataclass(frozen=True)
class AccountChoice:
    id: int
    code: str
    name: str
    name_kana: str
    category: str
    section: str
    default_tax_category: str | None
    active: bool
    name_ja: str = ""  # the books' own name, which an English reader may still type
    name_en: str = ""  # as entered on 勘定科目 (empty: none)

    @property
    def label(self) -> str:
        """What an account cell shows: ``1110 現金``."""
        return f"{self.code} {self.name}"


def account_choices(session: Session, include_inactive: bool = False, lang: str = "ja") -> list[AccountChoice]:
    """The accounts to pick from, named in ``lang`` (:func:`ennoshita.ledger.models.account_name`)."""
    stmt = select(Account).order_by(Account.code)
    if not include_inactive:
        stmt = stmt.where(Account.active.is_(True))
    return [AccountChoice(a.id, a.code, chart.account_name(lang, a.name, a.name_en), a.name_kana, a.category, a.section,
                          a.default_tax_category, a.active, a.name, a.name_en or "") for a in session.scalars(stmt)]


def _norm(text: str) -> str:
    """Full-width digits and letters to half-width, half-width カナ to full-width, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def match_account(choices: list[AccountChoice], text: str) -> AccountChoice | None:
    """The account an entry cell means: its code, its name, ``code name`` as the list shows it, or its カナ
    (exactly, or as the only account whose カナ starts with it)."""
    value = _norm(text)
    if not value:
        return None
    head = value.split(" ")[0]
    for c in choices:
        if value in (c.code, c.name, c.label, c.name_ja) or head == c.code:
            return c
    kana = [c for c in choices if c.name_kana and _norm(c.name_kana) == value]
    if len(kana) == 1:
        return kana[0]
    prefix = [c for c in choices if c.name_kana and _norm(c.name_kana).startswith(value)]
    return prefix[0] if len(prefix) == 1 else None


def search_accounts(choices: list[AccountChoice], text: str, limit: int = 20) -> list[AccountChoice]:
    """Accounts whose code, name or カナ contains ``text`` (codes first by prefix)."""
    value = _norm(text)
    if not value:
        return choices[:limit]
    hits = [c for c in choices if value in c.code or value in c.name or value in c.name_ja
            or value in _norm(c.name_kana)]
    hits.sort(key=lambda c: (not c.code.startswith(value), c.code))
    return hits[:limit]


@dataclass(frozen=True)
class SubAccountRow:
    id: int
    account_id: int
    account_code: str
    account_name: str
    code: str
    name: str
    name_kana: str
    partner_id: int | None
    active: bool


def sub_accounts(session: Session, account_id: int | None = None, lang: str = "ja") -> list[SubAccountRow]:
    stmt = (select(SubAccount, Account.code, Account.name_in(lang)).join(Account, Account.id == SubAccount.account_id)
            .order_by(Account.code, SubAccount.code))
    if account_id is not None:
        stmt = stmt.where(SubAccount.account_id == account_id)
    return [SubAccountRow(s.id, s.account_id, code, name, s.code, s.name, s.name_kana, s.partner_id, s.active)
            for s, code, name in session.execute(stmt)]


@dataclass(frozen=True)
class DepartmentRow:
    id: int
    code: str
    name: str
    active: bool


def departments(session: Session) -> list[DepartmentRow]:
    return [DepartmentRow(d.id, d.code, d.name, d.active)
            for d in session.scalars(select(Department).order_by(Department.code))]


@dataclass(frozen=True)
class EntryRef:
    id: int
    entry_no: str
    entry_date: dt.date
    source: str


@dataclass(frozen=True)
class EntryLinks:
    """An entry's relatives: what it reverses or corrects, and what reversed or corrected it."""

    reverses: EntryRef | None
    corrects: EntryRef | None
    reversed_by: list[EntryRef]
    corrected_by: list[EntryRef]


def _ref(e: JournalEntry) -> EntryRef:
    return EntryRef(e.id, entry_number(e.fiscal_year, e.number) if e.number else "", e.entry_date, e.source)


def entry_links(session: Session, entry_id: int) -> EntryLinks:
    entry = session.get(JournalEntry, entry_id)
    if entry is None:
        return EntryLinks(None, None, [], [])
    reverses = session.get(JournalEntry, entry.reverses_id) if entry.reverses_id else None
    corrects = session.get(JournalEntry, entry.corrects_id) if entry.corrects_id else None
    rev = list(session.scalars(select(JournalEntry).where(JournalEntry.reverses_id == entry_id)
                               .order_by(JournalEntry.id)))
    cor = list(session.scalars(select(JournalEntry).where(JournalEntry.corrects_id == entry_id)
                               .order_by(JournalEntry.id)))
    return EntryLinks(_ref(reverses) if reverses else None, _ref(corrects) if corrects else None,
                      [_ref(e) for e in rev], [_ref(e) for e in cor])


def posted_as_entered(session: Session, entry_id: int) -> EntryDraft | None:
    """A posted entry as a person would type it again: under 税抜経理 posting split each taxable line into
    its net amount and a 仮受/仮払消費税 line of the same category on the same side; here each such pair is
    joined back into the tax-inclusive line, so that posting the result (with the split) gives the same
    lines. Sub-accounts and departments come back as their codes."""
    entry = session.get(JournalEntry, entry_id)
    if entry is None or entry.status != "posted":
        return None
    rows = session.execute(
        select(JournalLine, Account.code, SubAccount.code, Department.code)
        .join(Account, Account.id == JournalLine.account_id)
        .outerjoin(SubAccount, SubAccount.id == JournalLine.sub_account_id)
        .outerjoin(Department, Department.id == JournalLine.department_id)
        .where(JournalLine.entry_id == entry_id).order_by(JournalLine.line_no)).all()
    tax_accounts = {chart.CODE_INPUT_TAX, chart.CODE_OUTPUT_TAX}
    lines: list[LineDraft] = []
    for line, code, sub, dep in rows:
        prev = lines[-1] if lines else None
        if (prev is not None and code in tax_accounts and line.tax_category
                and prev.tax_category == line.tax_category and prev.account_code not in tax_accounts
                and bool(line.debit) == bool(prev.debit) and not line.memo):
            lines[-1] = LineDraft(prev.account_code, prev.debit + line.debit, prev.credit + line.credit,
                                  prev.tax_category, prev.sub_account, prev.department, prev.memo)
            continue
        lines.append(LineDraft(code, line.debit, line.credit, line.tax_category, sub, dep, line.memo))
    return EntryDraft(entry.entry_date, entry.description, entry.counterparty, tuple(lines))


@dataclass(frozen=True)
class RecurringRow:
    id: int
    name: str
    description: str
    counterparty: str
    every_months: int
    day_of_month: int
    next_date: dt.date
    end_date: dt.date | None
    active: bool
    amount: int
    lines: tuple[LineDraft, ...]


def recurring_entries(session: Session) -> list[RecurringRow]:
    out = []
    for r in session.scalars(select(RecurringEntry).order_by(RecurringEntry.active.desc(), RecurringEntry.next_date,
                                                             RecurringEntry.id)):
        lines = tuple(LineDraft(**item) for item in json.loads(r.lines_json or "[]"))
        out.append(RecurringRow(r.id, r.name, r.description, r.counterparty, r.every_months, r.day_of_month,
                                r.next_date, r.end_date, r.active, sum(line.debit for line in lines), lines))
    return out


def recurring_due(session: Session, until: dt.date) -> int:
    """How many scheduled entries are due on or before ``until``."""
    return int(session.scalar(select(func.count()).select_from(RecurringEntry)
                              .where(RecurringEntry.active.is_(True), RecurringEntry.next_date <= until)) or 0)


@dataclass(frozen=True)
class FiscalYearRow:
    year: int
    start_date: dt.date
    end_date: dt.date
    closed: bool
    closed_at: dt.datetime | None
    closing_entry_id: int | None


def fiscal_years(session: Session) -> list[FiscalYearRow]:
    return [FiscalYearRow(f.year, f.start_date, f.end_date, f.closed, f.closed_at, f.closing_entry_id)
            for f in session.scalars(select(FiscalYear).order_by(FiscalYear.year))]


@dataclass(frozen=True)
class MonthLock:
    month: str  # YYYY-MM
    locked: bool
    locked_at: dt.datetime | None


def month_locks(session: Session, start: dt.date) -> list[MonthLock]:
    """The twelve months of the fiscal year starting at ``start`` with their lock state."""
    periods = []
    y, m = start.year, start.month
    for _ in range(12):
        periods.append(y * 100 + m)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    locks = {p.period: p for p in session.scalars(select(PeriodLock).where(PeriodLock.period.in_(periods)))}
    return [MonthLock(f"{p // 100}-{p % 100:02d}", p in locks, locks[p].locked_at if p in locks else None)
            for p in periods]


def draft_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(JournalEntry)
                              .where(JournalEntry.status == "draft")) or 0)
