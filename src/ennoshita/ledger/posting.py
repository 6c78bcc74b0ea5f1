"""Posting: the one path by which lines reach the books.

Every posting, whether from the entry screen, an import, an invoice or a payment run, goes through
:func:`post_in`: resolve the accounts, check the entry balances, refuse locked months and closed years,
split tax under 税抜経理, take the next gapless number of the fiscal year, write the immutable lines, add
them to the maintained balances, and write the audit record, all in the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ennoshita import audit
from ennoshita.actor import Actor
from ennoshita.dates import fiscal_year_bounds, fiscal_year_of, now_utc, today_tokyo
from ennoshita.errors import Invalid, Problem
from ennoshita.identity import load_company
from ennoshita.ledger import chart
from ennoshita.ledger.models import (
    Account,
    Balance,
    Department,
    EntrySequence,
    FiscalYear,
    JournalEntry,
    JournalLine,
    PeriodLock,
    SubAccount,
    TaxBalance,
)
from ennoshita.ledger.rules import EntryDraft, LineDraft, check_balanced, entry_number, expand_tax
from ennoshita.ledger.taxes import (
    CATEGORIES,
    DEFAULT_PURPOSE,
    SMALL_AMOUNT_FROM,
    SMALL_AMOUNT_LIMIT,
    SMALL_AMOUNT_UNTIL,
    small_amount_company,
    tagged_or_default,
)
from ennoshita.lengths import length_problems
from ennoshita.money import Rounding


@dataclass(frozen=True)
class PostedEntry:
    id: int
    fiscal_year: int
    number: int
    entry_no: str
    entry_date: dt.date
    total: int


@dataclass
class ChartIndex:
    """Accounts, sub-accounts and departments by code and name, loaded once per transaction or import."""

    accounts: dict[str, tuple[int, str]]  # code or name -> (id, code)
    subs: dict[tuple[int, str], int]  # (account id, code or name) -> id
    departments: dict[str, int]  # code or name -> id
    active_accounts: set[int]

    @classmethod
    def load(cls, session: Session) -> ChartIndex:
        accounts: dict[str, tuple[int, str]] = {}
        active: set[int] = set()
        for acc in session.execute(select(Account.id, Account.code, Account.name, Account.active)):
            accounts[acc.code] = (acc.id, acc.code)
            accounts[acc.name] = (acc.id, acc.code)
            if acc.active:
                active.add(acc.id)
        subs: dict[tuple[int, str], int] = {}
        for sub in session.execute(select(SubAccount.id, SubAccount.account_id, SubAccount.code, SubAccount.name)):
            subs[(sub.account_id, sub.code)] = sub.id
            subs[(sub.account_id, sub.name)] = sub.id
        departments: dict[str, int] = {}
        for dep in session.execute(select(Department.id, Department.code, Department.name)):
            departments[dep.code] = dep.id
            departments[dep.name] = dep.id
        return cls(accounts, subs, departments, active)


@dataclass(frozen=True)
class DepartmentLookup:
    """The ledger's active 部門 by code and by name (NFC, outer spaces trimmed) → code: how another domain's
    department text (an asset's 管理部門 in the 固定資産台帳, an employee's 所属 in 人事) finds its 部門 when it
    posts an expense. A text that is neither a code nor a name gives ``None``: the line goes without 部門, the
    posting is never refused for it."""

    by_text: dict[str, str]

    @classmethod
    def load(cls, session: Session) -> DepartmentLookup:
        by_text: dict[str, str] = {}
        for dep in session.execute(select(Department.code, Department.name).where(Department.active.is_(True))
                                   .order_by(Department.code)):
            by_text.setdefault(_department_key(dep.name), dep.code)
            by_text[_department_key(dep.code)] = dep.code  # a code wins over another department's name
        return cls(by_text)

    def code_of(self, text: str | None) -> str | None:
        return self.by_text.get(_department_key(text)) if text and text.strip() else None


def _department_key(text: str | None) -> str:
    return unicodedata.normalize("NFC", text or "").strip()


class ResolvedLine(NamedTuple):
    """A line ready to write. Its fields are, in order, the journal_lines columns that follow entry_id, line_no
    and entry_date (a named tuple: an import creates millions of them and writes them as they are)."""

    account_id: int
    sub_account_id: int | None
    department_id: int | None
    tax_category: str | None
    debit: int
    credit: int
    memo: str
    row: int | None = None


def resolve(index: ChartIndex, lines: Sequence[LineDraft], field: str = "lines",
            line_offset: int | None = None) -> tuple[list[ResolvedLine], list[Problem]]:
    """Map codes/names to ids; unknown accounts are reported, never created."""
    out: list[ResolvedLine] = []
    problems: list[Problem] = []
    for i, line in enumerate(lines):
        where = f"{field}[{i}]"
        file_line = line_offset + i if line_offset is not None else None
        acc = index.accounts.get(line.account_code)
        if acc is None:
            problems.append(Problem("ledger.error.unknown_account", f"{where}.account", {"account": line.account_code},
                                    file_line))
            continue
        if acc[0] not in index.active_accounts:
            problems.append(Problem("ledger.error.inactive_account", f"{where}.account",
                                    {"account": line.account_code}, file_line))
        sub_id = None
        if line.sub_account:
            sub_id = index.subs.get((acc[0], line.sub_account))
            if sub_id is None:
                problems.append(Problem("ledger.error.unknown_sub_account", f"{where}.sub_account",
                                        {"account": line.account_code, "sub": line.sub_account}, file_line))
        dep_id = None
        if line.department:
            dep_id = index.departments.get(line.department)
            if dep_id is None:
                problems.append(Problem("ledger.error.unknown_department", f"{where}.department",
                                        {"department": line.department}, file_line))
        out.append(ResolvedLine(acc[0], sub_id, dep_id, line.tax_category, line.debit, line.credit, line.memo))
    return out, problems


def period_of(day: dt.date) -> int:
    return day.year * 100 + day.month


def locked_periods(session: Session) -> set[int]:
    return set(session.scalars(select(PeriodLock.period)))


def closed_years(session: Session) -> set[int]:
    return set(session.scalars(select(FiscalYear.year).where(FiscalYear.closed.is_(True))))


def date_problems(day: dt.date, start_month: int, locked: set[int], closed: set[int],
                  field: str = "entry_date", line: int | None = None,
                  years: tuple[int, int] | None = None) -> list[Problem]:
    """Every problem with a posting date: a locked month, a closed year, or (``years``: the first and last fiscal
    year a posting may fall in) a date outside the company's fiscal years."""
    problems = []
    if years is not None and not years[0] <= fiscal_year_of(day, start_month) <= years[1]:
        first, _ = fiscal_year_bounds(years[0], start_month)
        _, last = fiscal_year_bounds(years[1], start_month)
        problems.append(Problem("ledger.error.date_out_of_range", field,
                                {"first": first, "last": last}, line))
        return problems
    if period_of(day) in locked:
        problems.append(Problem("ledger.error.period_locked", field, {"month": f"{day.year}-{day.month:02d}"}, line))
    year = fiscal_year_of(day, start_month)
    if year in closed:
        problems.append(Problem("ledger.error.year_closed", field, {"year": year}, line))
    elif closed and year < max(closed):
        # closing a year locks every earlier date too: posting there would change the closed balance sheet
        problems.append(Problem("ledger.error.before_closed_year", field, {"year": year, "closed": max(closed)},
                                line))
    return problems


def reserve_numbers(session: Session, fiscal_year: int, count: int) -> int:
    """Take ``count`` consecutive numbers of the fiscal year; returns the first. The row lock (PostgreSQL)
    or the write transaction (SQLite) serialises concurrent posters, and a rollback gives the numbers back."""
    dialect = session.get_bind().dialect.name
    ins = (postgresql.insert(EntrySequence) if dialect == "postgresql" else sqlite.insert(EntrySequence))
    session.execute(ins.values(fiscal_year=fiscal_year, last_number=0).on_conflict_do_nothing())
    last = session.execute(
        update(EntrySequence).where(EntrySequence.fiscal_year == fiscal_year)
        .values(last_number=EntrySequence.last_number + count).returning(EntrySequence.last_number)
    ).scalar_one()
    return int(last) - count + 1


BalanceKey = tuple[int, int, int, int, bool]
TaxKey = tuple[int, str, int]


class Deltas:
    """Debit/credit totals to add to the maintained balances, gathered over one or many entries and
    written with one upsert per key: memory grows with the number of keys, not of lines."""

    def __init__(self) -> None:
        self.balances: dict[BalanceKey, list[int]] = {}
        self.taxes: dict[TaxKey, list[int]] = {}

    def add(self, lines: Iterable[ResolvedLine], day: dt.date, closing: bool = False) -> None:
        period = period_of(day)
        balances = self.balances
        taxes = self.taxes
        for account_id, sub_account_id, department_id, tax_category, debit, credit, _memo, _row in lines:
            key = (account_id, sub_account_id or 0, department_id or 0, period, closing)
            slot = balances.get(key)
            if slot is None:
                balances[key] = [debit, credit, 1]
            else:
                slot[0] += debit
                slot[1] += credit
                slot[2] += 1
            if tax_category and not closing:
                tkey = (period, tax_category, account_id)
                tslot = taxes.get(tkey)
                if tslot is None:
                    taxes[tkey] = [debit, credit]
                else:
                    tslot[0] += debit
                    tslot[1] += credit

    def flush(self, session: Session) -> None:
        _upsert(session, Balance, ["account_id", "sub_account_id", "department_id", "period", "is_closing"],
                [{"account_id": k[0], "sub_account_id": k[1], "department_id": k[2], "period": k[3],
                  "is_closing": k[4], "debit": v[0], "credit": v[1], "line_count": v[2]}
                 for k, v in self.balances.items()], counted=True)
        _upsert(session, TaxBalance, ["period", "tax_category", "account_id"],
                [{"period": k[0], "tax_category": k[1], "account_id": k[2], "debit": v[0], "credit": v[1]}
                 for k, v in self.taxes.items()])
        self.balances.clear()
        self.taxes.clear()


def _upsert(session: Session, model: type[Balance] | type[TaxBalance], keys: list[str],
            rows: list[dict[str, object]], counted: bool = False) -> None:
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    ins = postgresql.insert(model) if dialect == "postgresql" else sqlite.insert(model)
    updates = {"debit": model.debit + ins.excluded.debit, "credit": model.credit + ins.excluded.credit}
    if counted:
        updates["line_count"] = Balance.line_count + ins.excluded.line_count
    stmt = ins.on_conflict_do_update(index_elements=keys, set_=updates)
    for start in range(0, len(rows), 2000):
        session.execute(stmt, rows[start:start + 2000])


@dataclass(frozen=True)
class PostingContext:
    """What a posting needs to know about the company and the calendar, loaded once per transaction."""

    start_month: int
    tax_accounting: str
    rounding: Rounding
    locked: set[int]
    closed: set[int]
    years: tuple[int, int] | None = None  # the fiscal years a posting may fall in (see posting_years)
    small_amount: bool = False  # the company qualifies for the 少額特例 (its setting and 基準期間 sales)
    default_purpose: str = DEFAULT_PURPOSE  # 用途区分 an untagged 課税仕入 line is posted with

    @classmethod
    def load(cls, session: Session) -> PostingContext:
        from ennoshita.db import UnitOfWork

        class _Bound(UnitOfWork):
            def __init__(self, s: Session) -> None:
                self._session = s

        from ennoshita.ledger.models import ConsumptionTaxSettings

        company = load_company(_Bound(session))
        settings = session.get(ConsumptionTaxSettings, 1)
        return cls(company.fiscal_year_start_month, company.tax_accounting, company.rounding,
                   locked_periods(session), closed_years(session),
                   posting_years(session, company.fiscal_year_start_month),
                   small_amount_company(company.small_amount_exception, company.base_period_taxable_sales),
                   settings.default_purpose if settings is not None else DEFAULT_PURPOSE)


# With no setting and no data, postings may go this many fiscal years back (電子帳簿保存法 keeps 7 to 10 years).
YEARS_BACK_WITHOUT_DATA = 10


def posting_years(session: Session, start_month: int) -> tuple[int, int]:
    """The first and last fiscal year a posting date may fall in: from the company's ``first_fiscal_year``
    (empty: the first fiscal year with data) to one year after the current one."""
    from ennoshita.identity.models import Company

    current = fiscal_year_of(today_tokyo(), start_month)
    first = session.scalar(select(Company.first_fiscal_year).limit(1))
    if first is None:
        earliest = session.scalar(select(func.min(JournalEntry.entry_date)))
        first = fiscal_year_of(earliest, start_month) if earliest else current - YEARS_BACK_WITHOUT_DATA
    return min(first, current), current + 1


def prepare(session: Session, ctx: PostingContext, index: ChartIndex, draft: EntryDraft,
            line_offset: int | None = None, split_tax: bool = True, as_posted: bool = False
            ) -> tuple[list[ResolvedLine], list[Problem]]:
    """Every problem with a draft, or its resolved lines, tax-split under 税抜経理 by the one rule of
    :func:`~ennoshita.ledger.rules.expand_tax`, whatever the path. ``split_tax=False`` (a document that
    computed its tax: an invoice, a bill, a payment run) keeps only the categories whose 仮受/仮払消費税 line
    the document gives; any other taxable line is split all the same (a bank fee posted with
    ``split_tax=False`` used to escape the split: 770 stayed whole instead of 700 + 70). ``as_posted``: the
    lines are already as posted (a 取消 copies the original's lines, tax category and tax amount included)
    and are never split again. A 課税仕入 line without a 用途区分 is posted with the company's default
    (``ctx.default_purpose``), so that every posted purchase line carries one."""
    if not as_posted:
        draft = with_default_purpose(draft, ctx.default_purpose)
    problems = list(check_balanced(draft.lines))
    problems += date_problems(draft.date, ctx.start_month, ctx.locked, ctx.closed, line=line_offset,
                              years=ctx.years)
    # Resolve the lines as entered, so that ``lines[i]`` in a problem is the i-th line the person typed
    # (the tax split below inserts lines).
    resolved, unresolved = resolve(index, draft.lines, line_offset=line_offset)
    problems += unresolved
    problems += length_problems(JournalEntry, {"description": draft.description, "counterparty": draft.counterparty})
    for i, ln in enumerate(draft.lines):
        problems += length_problems(JournalLine, {"memo": ln.memo}, prefix=f"lines[{(line_offset or 0) + i}].")
    if problems:
        return [], problems
    if as_posted:
        return resolved, []
    problems += small_amount_problems(draft, ctx.small_amount, line_offset)
    if problems:
        return [], problems
    tax_ids = {index.accounts[code][0] for code in (chart.CODE_OUTPUT_TAX, chart.CODE_INPUT_TAX)
               if code in index.accounts}
    given = None if split_tax else {ln.tax_category for ln in resolved
                                    if ln.tax_category and ln.account_id in tax_ids}
    lines = expand_tax(list(draft.lines), ctx.tax_accounting, ctx.rounding, chart.CODE_OUTPUT_TAX,
                       chart.CODE_INPUT_TAX, draft.date, given)
    if len(lines) == len(draft.lines):
        return resolved, []
    return resolve(index, lines, line_offset=line_offset)


def with_default_purpose(draft: EntryDraft, default: str) -> EntryDraft:
    """The draft with each untagged 課税仕入 line (and its 仮払消費税 line) tagged with ``default``."""
    from dataclasses import replace

    lines = tuple(replace(ln, tax_category=tagged_or_default(ln.tax_category, default))
                  if ln.tax_category else ln for ln in draft.lines)
    return draft if lines == draft.lines else replace(draft, lines=lines)


def small_amount_problems(draft: EntryDraft, qualifies: bool, line_offset: int | None = None) -> list[Problem]:
    """A line in a 少額特例 category (full credit without a qualified invoice, 平成28年改正法附則53条の2) is refused
    when the company does not qualify, the entry is dated outside 2023-10-01..2029-09-30, or the purchase (the
    entry's lines in those categories, 税込) is ¥10,000 or more."""
    small = [(i, ln) for i, ln in enumerate(draft.lines)
             if ln.tax_category in CATEGORIES and CATEGORIES[ln.tax_category].small_amount]
    if not small:
        return []
    first = small[0][0] + (line_offset or 0)
    field = f"lines[{first}].tax_category"
    gross = abs(sum(ln.debit - ln.credit for _i, ln in small))
    if not qualifies:
        return [Problem("ledger.error.small_amount_company", field)]
    if not SMALL_AMOUNT_FROM <= draft.date <= SMALL_AMOUNT_UNTIL:
        return [Problem("ledger.error.small_amount_period", field, {
            "date": draft.date, "until": SMALL_AMOUNT_UNTIL})]
    if gross >= SMALL_AMOUNT_LIMIT:
        return [Problem("ledger.error.small_amount_limit", field, {"amount": gross, "limit": SMALL_AMOUNT_LIMIT})]
    return []


def post_in(session: Session, actor: Actor, draft: EntryDraft, *, source: str = "manual",
            source_ref: str | None = None, reverses_id: int | None = None, corrects_id: int | None = None,
            entry_id: int | None = None, closing: bool = False, split_tax: bool = True,
            ctx: PostingContext | None = None, index: ChartIndex | None = None,
            as_posted: bool = False) -> PostedEntry:
    """Post one entry inside the caller's transaction (no commit). Raises Invalid with every problem.

    Other domains call this (through ``ennoshita.ledger``) in their own use case's transaction: an invoice
    and its posting commit together or not at all."""
    ctx = ctx or PostingContext.load(session)
    index = index or ChartIndex.load(session)
    lines, problems = prepare(session, ctx, index, draft, split_tax=split_tax, as_posted=as_posted)
    if problems:
        raise Invalid(problems=problems)
    fy = fiscal_year_of(draft.date, ctx.start_month)
    ensure_fiscal_year(session, fy, ctx.start_month)
    number = reserve_numbers(session, fy, 1)
    total = sum(line.debit for line in lines)
    now = now_utc()
    if entry_id is None:
        entry = JournalEntry(fiscal_year=fy, number=number, entry_date=draft.date,
                             description=draft.description, counterparty=draft.counterparty, status="posted",
                             source=source, source_ref=source_ref, reverses_id=reverses_id,
                             corrects_id=corrects_id, total=total, created_by=actor.user_id, created_at=now,
                             posted_by=actor.user_id, posted_at=now)
        session.add(entry)
        session.flush()
        new_id = entry.id
    else:
        # a draft, or a manual entry whose 承認 posts it now
        session.execute(update(JournalEntry).where(JournalEntry.id == entry_id,
                                                   JournalEntry.status.in_(("draft", "pending")))
                        .values(fiscal_year=fy, number=number, status="posted", total=total, draft_lines=None,
                                entry_date=draft.date, description=draft.description,
                                counterparty=draft.counterparty, posted_by=actor.user_id, posted_at=now))
        new_id = entry_id
    session.execute(insert(JournalLine), [
        {"entry_id": new_id, "line_no": n, "entry_date": draft.date, "account_id": line.account_id,
         "sub_account_id": line.sub_account_id, "department_id": line.department_id,
         "tax_category": line.tax_category, "debit": line.debit, "credit": line.credit, "memo": line.memo}
        for n, line in enumerate(lines, start=1)
    ])
    deltas = Deltas()
    deltas.add(lines, draft.date, closing)
    deltas.flush(session)
    posted = PostedEntry(new_id, fy, number, entry_number(fy, number), draft.date, total)
    audit.record(session, actor, "journal_entry", new_id, "post", after={
        "entry_no": posted.entry_no, "date": draft.date.isoformat(), "description": draft.description,
        "counterparty": draft.counterparty, "source": source, "source_ref": source_ref,
        "reverses_id": reverses_id, "corrects_id": corrects_id,
        "lines": [[line.account_id, line.sub_account_id, line.department_id, line.tax_category, line.debit,
                   line.credit, line.memo] for line in lines]})
    return posted


def ensure_fiscal_year(session: Session, fy: int, start_month: int) -> None:
    if session.get(FiscalYear, fy) is None:
        start, end = fiscal_year_bounds(fy, start_month)
        dialect = session.get_bind().dialect.name
        ins = postgresql.insert(FiscalYear) if dialect == "postgresql" else sqlite.insert(FiscalYear)
        session.execute(ins.values(year=fy, start_date=start, end_date=end, closed=False).on_conflict_do_nothing())
