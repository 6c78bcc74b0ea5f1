"""Journal import and export: 弥生会計 仕訳日記帳 (Shift_JIS), the generic UTF-8 CSV, and hledger out.

Import streams the file: vouchers are parsed, checked and written in batches, so memory does not grow
with the file. The whole file is one transaction: if any line has a problem (unknown account, unbalanced
voucher, bad date, locked month), every problem is reported with its line number and nothing is kept.
Tax amounts given by the file are kept exactly (the source system rounded them); a blank tax amount is
computed with the company's rounding rule.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ennoshita import audit
from ennoshita.actor import Actor
from ennoshita.bulk import db_timestamp, insert_rows, reserve_ids
from ennoshita.dates import fiscal_year_of, now_utc
from ennoshita.db import UnitOfWork
from ennoshita.errors import Invalid, Problem
from ennoshita.identity import require
from ennoshita.ledger import chart, csvformat, taxes, yayoi
from ennoshita.ledger.models import Account, Department, JournalEntry, JournalLine, SubAccount
from ennoshita.ledger.posting import (
    ChartIndex,
    Deltas,
    PostingContext,
    ResolvedLine,
    date_problems,
    ensure_fiscal_year,
    reserve_numbers,
)
from ennoshita.ledger.rules import entry_number
from ennoshita.money import Rounding

FORMATS = ("yayoi", "csv")
ENTRY_COLUMNS = ("id", "fiscal_year", "number", "entry_date", "description", "counterparty", "status", "source",
                 "source_ref", "total", "created_by", "created_at", "posted_by", "posted_at")
LINE_COLUMNS = ("entry_id", "line_no", "entry_date", "account_id", "sub_account_id", "department_id", "tax_category",
                "debit", "credit", "memo", "source_row")
EXPORT_FORMATS = ("yayoi", "csv", "hledger")
BATCH = 5000
MAX_PROBLEMS = 1000
ANALYZE_AFTER_LINES = 10_000


@dataclass(frozen=True)
class ImportResult:
    entries: int
    lines: int
    sha256: str
    first_entry: str
    last_entry: str


class _HashingReader(io.RawIOBase):
    """Wraps the uploaded stream: hashes and counts bytes as the parser reads them (for progress and audit)."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.digest = hashlib.sha256()
        self.done = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.digest.update(data)
        self.done += n
        return n


def _split(amount: int, tax: int | None, category: str | None, rule: Rounding, exclusive: bool,
           day: dt.date | None = None) -> tuple[int, int]:
    """(net, tax) of a tax-inclusive amount: the file's tax when given, else computed by the company rule
    (for a 経過措置 purchase, only the deductible share of the tax, as the posting path does)."""
    if not exclusive or not category:
        return amount, 0
    cat = taxes.CATEGORIES.get(category)
    if cat is None or not cat.rate:
        return amount, 0
    if tax is None:
        net, tax = taxes.split_inclusive(amount, cat, rule)
        if cat.transitional and day is not None and day >= taxes.TRANSITIONAL_DEDUCTION[0][0]:
            tax = taxes.deductible_input_tax(tax, day, rule)
            net = amount - tax
        return net, tax
    return amount - tax, tax


def import_journal(uow: UnitOfWork, actor: Actor, stream: IO[bytes], fmt: str,
                   progress: Callable[[int], None] | None = None) -> ImportResult:
    require(actor, "ledger.edit")
    if fmt not in FORMATS:
        raise Invalid("ledger.error.format", field="format", value=fmt)
    reader = _HashingReader(stream)
    buffered = io.BufferedReader(reader, buffer_size=1 << 20)
    with uow:
        s = uow.session
        ctx = PostingContext.load(s)
        index = ChartIndex.load(s)
        exclusive = ctx.tax_accounting == "exclusive"
        out_tax = index.accounts[chart.CODE_OUTPUT_TAX][0]
        in_tax = index.accounts[chart.CODE_INPUT_TAX][0]
        problems: list[Problem] = []
        deltas = Deltas()
        pending_entries: list[dict[str, object]] = []
        pending_lines: list[list[ResolvedLine]] = []
        entries = lines_total = 0
        first_no = last_no = ""
        now_text = db_timestamp(s, now_utc())
        source = yayoi.parse_yayoi(buffered) if fmt == "yayoi" else csvformat.parse_csv(buffered)

        def flush() -> None:
            nonlocal first_no, last_no
            if not pending_entries:
                return
            by_fy: dict[int, int] = {}
            for e in pending_entries:
                fy = int(e["fiscal_year"])  # type: ignore[call-overload]
                by_fy[fy] = by_fy.get(fy, 0) + 1
            next_number: dict[int, int] = {}
            for fy, count in sorted(by_fy.items()):
                ensure_fiscal_year(s, fy, ctx.start_month)
                next_number[fy] = reserve_numbers(s, fy, count)
            for e in pending_entries:
                fy = int(e["fiscal_year"])  # type: ignore[call-overload]
                e["number"] = next_number[fy]
                next_number[fy] += 1
            ids = reserve_ids(s, "journal_entries", len(pending_entries))
            insert_rows(s, "journal_entries", ENTRY_COLUMNS,
                        [(entry_id, *(e[c] for c in ENTRY_COLUMNS[1:])) for entry_id, e in zip(ids, pending_entries,
                                                                                               strict=True)],
                        convert=False)
            rows = []
            for entry_id, e, lines in zip(ids, pending_entries, pending_lines, strict=True):
                day = e["entry_date"]
                for n, line in enumerate(lines, start=1):
                    rows.append((entry_id, n, day, line.account_id, line.sub_account_id, line.department_id,
                                 line.tax_category, line.debit, line.credit, line.memo, line.row))
            insert_rows(s, "journal_lines", LINE_COLUMNS, rows, convert=False)
            first = pending_entries[0]
            last = pending_entries[-1]
            if not first_no:
                first_no = entry_number(int(first["fiscal_year"]), int(first["number"]))  # type: ignore[call-overload]
            last_no = entry_number(int(last["fiscal_year"]), int(last["number"]))  # type: ignore[call-overload]
            pending_entries.clear()
            pending_lines.clear()
            if progress:
                progress(reader.done)

        for item in source:
            if isinstance(item, list):
                problems.extend(item)
                if len(problems) >= MAX_PROBLEMS:
                    break
                continue
            voucher = item
            resolved, vproblems = _resolve_voucher(voucher, index, ctx, exclusive, out_tax, in_tax)
            if vproblems:
                problems.extend(vproblems)
                if len(problems) >= MAX_PROBLEMS:
                    break
                continue
            if problems:
                continue  # keep checking the rest of the file, write nothing more
            fy = fiscal_year_of(voucher.date, ctx.start_month)
            total = sum(line.debit for line in resolved)
            pending_entries.append({
                "fiscal_year": fy, "number": 0, "entry_date": voucher.date.isoformat(),
                "description": voucher.description, "counterparty": voucher.counterparty, "status": "posted",
                "source": f"import_{fmt}", "source_ref": voucher.ref, "total": total, "created_by": actor.user_id,
                "created_at": now_text, "posted_by": actor.user_id, "posted_at": now_text})
            pending_lines.append(resolved)
            deltas.add(resolved, voucher.date)
            entries += 1
            lines_total += len(resolved)
            if len(pending_entries) >= BATCH:
                flush()
        if problems:
            raise Invalid("ledger.error.import_failed", problems=problems, count=len(problems))
        flush()
        deltas.flush(s)
        digest = reader.digest.hexdigest()
        audit.record(s, actor, "journal_import", digest[:16], "import", after={
            "format": fmt, "sha256": digest, "bytes": reader.done, "entries": entries, "lines": lines_total,
            "first_entry": first_no, "last_entry": last_no})
        uow.commit()
        if s.get_bind().dialect.name == "postgresql" and lines_total >= ANALYZE_AFTER_LINES:
            # Fresh statistics after a bulk load, or the planner guesses the tables are small and picks
            # scans that make the first page of a ledger ten times slower until autovacuum catches up.
            s.execute(text("ANALYZE journal_lines, journal_entries, ledger_balances"))
            s.commit()
        return ImportResult(entries, lines_total, digest, first_no, last_no)


def _resolve_voucher(voucher: yayoi.ParsedVoucher, index: ChartIndex, ctx: PostingContext, exclusive: bool,
                     out_tax: int, in_tax: int) -> tuple[list[ResolvedLine], list[Problem]]:
    problems: list[Problem] = list(date_problems(voucher.date, ctx.start_month, ctx.locked, ctx.closed,
                                                 field="date", line=voucher.line))
    resolved: list[ResolvedLine] = []
    debit_sum = sum(pl.debit for pl in voucher.lines)
    credit_sum = sum(pl.credit for pl in voucher.lines)
    for pl in voucher.lines:
        acc = index.accounts.get(pl.account)
        if acc is None:
            problems.append(Problem("ledger.error.unknown_account", "account", {"account": pl.account}, pl.line))
            continue
        sub_id = None
        if pl.sub_account:
            sub_id = index.subs.get((acc[0], pl.sub_account))
            if sub_id is None:
                problems.append(Problem("ledger.error.unknown_sub_account", "sub_account",
                                        {"account": pl.account, "sub": pl.sub_account}, pl.line))
        dep_id = None
        if pl.department:
            dep_id = index.departments.get(pl.department)
            if dep_id is None:
                problems.append(Problem("ledger.error.unknown_department", "department",
                                        {"department": pl.department}, pl.line))
        amount = pl.debit or pl.credit
        net, tax = _split(amount, pl.tax_amount, pl.tax_category, ctx.rounding, exclusive and pl.split,
                          voucher.date)
        if pl.debit:
            resolved.append(ResolvedLine(acc[0], sub_id, dep_id, pl.tax_category, net, 0, pl.memo, pl.row))
            if tax:
                resolved.append(ResolvedLine(in_tax if _is_purchase(pl.tax_category) else out_tax, None, None,
                                             pl.tax_category, tax, 0, pl.memo, pl.row))
        else:
            resolved.append(ResolvedLine(acc[0], sub_id, dep_id, pl.tax_category, 0, net, pl.memo, pl.row))
            if tax:
                resolved.append(ResolvedLine(in_tax if _is_purchase(pl.tax_category) else out_tax, None, None,
                                             pl.tax_category, 0, tax, pl.memo, pl.row))
    if debit_sum != credit_sum:
        problems.append(Problem("ledger.error.unbalanced_voucher", "amount",
                                {"debit": debit_sum, "credit": credit_sum}, voucher.line))
    return resolved, problems


def _is_purchase(category: str | None) -> bool:
    cat = taxes.CATEGORIES.get(category or "")
    return cat is not None and cat.direction == "purchase"


# ---------------------------------------------------------------- export


def export_journal(uow: UnitOfWork, actor: Actor, fmt: str, date_from: dt.date | None = None,
                   date_to: dt.date | None = None) -> Iterator[bytes]:
    """Stream posted entries as a file in ``fmt``: yayoi (cp932), csv (UTF-8) or hledger."""
    require(actor, "ledger.view")
    if fmt not in EXPORT_FORMATS:
        raise Invalid("ledger.error.format", field="format", value=fmt)
    with uow:
        vouchers = _export_vouchers(uow.session, date_from, date_to, merge_tax=fmt == "yayoi")
        if fmt == "yayoi":
            yield from yayoi.write_yayoi(vouchers)
        elif fmt == "csv":
            yield from csvformat.write_csv(vouchers)
        else:
            for text in yayoi.write_hledger(vouchers):
                yield text.encode("utf-8")


def _export_vouchers(session: Session, date_from: dt.date | None, date_to: dt.date | None,
                     merge_tax: bool) -> Iterator[yayoi.ParsedVoucher]:
    names = {a.id: a.name for a in session.execute(select(Account.id, Account.name))}
    subs = {r.id: r.name for r in session.execute(select(SubAccount.id, SubAccount.name))}
    deps = {r.id: r.name for r in session.execute(select(Department.id, Department.name))}
    stmt = (select(JournalEntry.id, JournalEntry.fiscal_year, JournalEntry.number, JournalEntry.entry_date,
                   JournalEntry.description, JournalEntry.counterparty, JournalEntry.source, JournalEntry.source_ref,
                   JournalLine.account_id,
                   JournalLine.sub_account_id, JournalLine.department_id, JournalLine.tax_category,
                   JournalLine.debit, JournalLine.credit, JournalLine.memo, JournalLine.source_row)
            .join(JournalLine, JournalLine.entry_id == JournalEntry.id)
            .where(JournalEntry.status == "posted"))
    if date_from:
        stmt = stmt.where(JournalEntry.entry_date >= date_from)
    if date_to:
        stmt = stmt.where(JournalEntry.entry_date <= date_to)
    stmt = stmt.order_by(JournalEntry.entry_date, JournalEntry.id, JournalLine.line_no)
    tax_accounts = frozenset(session.scalars(select(Account.id).where(
        Account.code.in_((chart.CODE_INPUT_TAX, chart.CODE_OUTPUT_TAX))))) if merge_tax else frozenset()
    return yayoi.vouchers_from_rows(session.execute(stmt.execution_options(yield_per=5000)), names, subs, deps,
                                    tax_accounts)
