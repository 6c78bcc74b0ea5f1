"""Journal import and export: 弥生会計 仕訳日記帳 (Shift_JIS), the generic UTF-8 CSV, and hledger out.

Import streams the file: vouchers are parsed, checked and written in batches, so memory does not grow
with the file. A large file is parsed and checked in a forked child process while this one writes the
batches the child has finished (the database inserts and the parsing take about as long as each other).
The whole file is one transaction: if any line has a problem (unknown account, unbalanced
voucher, bad date, locked month), every problem is reported with its line number and nothing is kept.
Tax amounts given by the file are kept exactly (the source system rounded them); a blank tax amount is
computed with the company's rounding rule.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import io
import marshal
import multiprocessing
import operator
import pickle
from collections import Counter
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from itertools import chain
from typing import IO, Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ennoshita import audit, textfiles
from ennoshita.actor import Actor
from ennoshita.approvals import rules as approval_rules
from ennoshita.approvals import services as approvals
from ennoshita.audit import keys as audit_keys
from ennoshita.bulk import db_timestamp, insert_rows, reserve_ids
from ennoshita.dates import fiscal_year_of, now_utc
from ennoshita.db import BULK_LOAD, UnitOfWork
from ennoshita.errors import Invalid, Problem
from ennoshita.identity import require
from ennoshita.identity.roles import can
from ennoshita.ledger import chart, csvformat, taxes, yayoi
from ennoshita.ledger.integrity import line_text
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

FORMATS = ("yayoi", "csv")
ENTRY_COLUMNS = ("id", "fiscal_year", "number", "entry_date", "description", "counterparty", "status", "source",
                 "source_ref", "total", "created_by", "created_at", "posted_by", "posted_at")
LINE_COLUMNS = ("entry_id", "line_no", "entry_date", "account_id", "sub_account_id", "department_id", "tax_category",
                "debit", "credit", "memo", "source_row")
EXPORT_FORMATS = ("yayoi", "csv", "hledger")
BATCH = 5000
MAX_PROBLEMS = 1000
ANALYZE_AFTER_LINES = 10_000
# Files from this size are parsed in a child process while this one writes (None: never).
PARALLEL_MIN_BYTES: int | None = 4 << 20
# Files from this size are loaded into a small SQLite journal with its indexes built at the end (None: never).
DEFER_INDEXES_MIN_BYTES: int | None = 4 << 20


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


def in_columns(fmt: str, problem: Problem) -> Problem:
    """The problem of an imported file's line, its field the file's column (``yayoi.debit_account``: 借方勘定科目;
    ``csv.date``), which the catalogs name (``field.<format>.<column>``) in the reader's language."""
    if problem.field in (None, "row", "file", "header"):
        return problem
    return Problem(problem.key, f"{fmt}.{problem.field}", problem.params, problem.line)


def import_journal(uow: UnitOfWork, actor: Actor, stream: IO[bytes], fmt: str,
                   progress: Callable[[int], None] | None = None, parallel: bool = False,
                   max_rows: int | None = None) -> ImportResult:
    """Import a whole file in one transaction. ``parallel``: a large file is parsed and checked in a forked
    child process while this one writes (the CLI asks for it; a server with worker threads should not fork).
    ``max_rows``: a file with more journal lines than that is refused (422 naming the limit), nothing saved."""
    require(actor, "ledger.edit")
    if fmt not in FORMATS:
        raise Invalid("ledger.error.format", field="format", value=fmt)
    audit_keys.load_key()  # the import's audit record needs it: say so before reading the file, not after
    with uow:
        s = uow.session
        # Every reference a row holds is checked here, in this transaction: accounts, sub-accounts and
        # departments against the chart loaded below, entry ids reserved by the writer.
        s.connection(execution_options={BULK_LOAD: True})
        ctx = PostingContext.load(s)
        checker = _Checker(_HashingReader(stream), fmt, _Resolver(ChartIndex.load(s), ctx), max_rows)
        size = _stream_size(stream)  # before the child starts reading the stream (it shares the file offset)
        in_child = parallel and _worth_a_child(stream)
        batches = _in_child(checker) if in_child else checker.batches()
        refused: list[Problem] = []
        # While the child parses, this process only unmarshals batches and writes them: its collector's passes
        # over the batches' young tuples (freed by reference counting anyway) are time taken from writing.
        collecting = in_child and gc.isenabled()
        if collecting:
            gc.disable()
        try:
            deferred = _defer_indexes(s, size)
            writer = _Writer(s, ctx.start_month, (f"import_{fmt}", actor.user_id, db_timestamp(s, now_utc())))
            # The approval policy of every posting path (issue 14): an entry at or above the company's 承認
            # amount, which goes to 承認 when typed by hand, is imported only by a role allowed to post without it.
            over = _over_threshold(s, actor)
            for heads, lines, done in batches:
                if over is not None:
                    refused += [Problem("ledger.error.import_needs_approval", "amount", {
                        "date": h[3], "description": h[4][:40], "amount": f"{h[7]:,}"}) for h in heads if over(h[7])]
                writer.write(heads, lines)
                if progress:
                    progress(done)
        finally:
            batches.close()  # if writing failed: stop the child now, not when the traceback is collected
            if collecting:
                gc.enable()
        whole = next((p for p in checker.problems if textfiles.is_undecodable(p)), None)
        if whole is not None:  # no line of the file could be read: the file's own error, not "1 problem"
            raise textfiles.undecodable(whole.field or "file")
        if checker.problems or refused:
            problems = [in_columns(fmt, p) for p in checker.problems + refused]
            raise Invalid("ledger.error.import_failed", problems=problems, count=len(problems))
        if not checker.entries:  # an empty file, or one of blank rows: say so rather than "0 entries imported"
            raise Invalid("import.error.empty", field="file")
        for sql in deferred:  # the indexes dropped for the load, built once in the same transaction
            s.execute(text(sql))
        checker.deltas.flush(s)
        entries, lines_total = checker.entries, checker.lines
        audit.record(s, actor, "journal_import", checker.digest[:16], "import", after={
            "format": fmt, "sha256": checker.digest, "bytes": checker.done, "entries": entries,
            "lines": lines_total, "first_entry": writer.first_no, "last_entry": writer.last_no,
            "entry_ids": writer.ranges, "lines_sha256": checker.lines_digest})
        uow.commit()
        if s.get_bind().dialect.name == "postgresql" and lines_total >= ANALYZE_AFTER_LINES:
            # Fresh statistics after a bulk load, or the planner guesses the tables are small and picks
            # scans that make the first page of a ledger ten times slower until autovacuum catches up.
            s.execute(text("ANALYZE journal_lines, journal_entries, ledger_balances"))
            s.commit()
        return ImportResult(entries, lines_total, checker.digest, writer.first_no, writer.last_no)


def _over_threshold(s: Session, actor: Actor) -> Callable[[int], bool] | None:
    """Whether an imported entry of that total needs 承認 this actor may not skip (``ledger.import_approved``:
    the administrator, who migrates past books, and the CLI's local administrator); None: none does."""
    if can(actor, "ledger.import_approved"):
        return None
    table = approvals.route_table(s)
    return lambda total: approval_rules.needs_approval(table, "journal_entry", None, total)


# (index in its batch, fiscal year, index in its batch again, entry date ISO, description, counterparty, source_ref,
# total) of an entry waiting to be written: on SQLite the writer passes it as it is, the statement adding the first
# id and the first number of the batch to the two indexes (see _Writer.write)
_Head = tuple[int, int, int, str, str, str, str | None, int]
# A journal_lines row whose entry id is still the entry's index in its batch: (index, line_no, date ISO,
# *ResolvedLine). The writer adds the batch's first entry id (SQLite: in the INSERT itself).
_Row = tuple[Any, ...]
_Batch = tuple[list[_Head], list[_Row], int]  # entries, their lines, bytes read so far


class _Checker:
    """Reads, parses and checks the whole file, yielding batches of entries to write while no problem has
    been found; afterwards ``problems``, ``deltas`` (the maintained balances to add), the counts and the
    file's sha256 are set. Pure computation over the stream: it may run in a child process."""

    def __init__(self, reader: _HashingReader, fmt: str, resolver: _Resolver, max_rows: int | None = None) -> None:
        self.reader = reader
        self.max_rows = max_rows
        self.fmt = fmt
        self.resolver = resolver
        self.problems: list[Problem] = []
        self.deltas = Deltas()
        self.entries = self.lines = self.done = 0
        self.digest = ""
        # one SHA-256 over every line written, in order (ledger.integrity.lines_digest recomputes it from the
        # database): computed here, so in the child process while the parent writes
        self.lines_digest = ""

    def batches(self) -> Generator[_Batch, None, None]:
        buffered = io.BufferedReader(self.reader, buffer_size=1 << 20)
        fast: _FastYayoi | None = None
        source: Iterator[Any]
        if self.fmt == "yayoi":
            fast = _FastYayoi(self.resolver)
            source = yayoi.voucher_rows(buffered)
        else:
            source = csvformat.parse_csv(buffered)
        problems = self.problems
        resolver = self.resolver
        resolve = resolver.resolve
        add = self.deltas.add
        heads: list[_Head] = []
        lines: list[_Row] = []
        texts: list[str] = []  # the lines as the digest spells them (ledger.integrity.line_text)
        entries = lines_total = 0
        lines_hash = hashlib.sha256()
        max_rows = self.max_rows
        item: Any
        for item in source:
            if fast is not None and not isinstance(item[0], Problem):
                # a voucher's rows: the fast path writes its lines straight into the batch, or (an unusual or
                # faulty voucher) leaves them for the general path below, which finds the same lines or says why
                if not problems:
                    added = fast.add(item, heads, lines, texts)
                    if added:
                        entries += 1
                        lines_total += added
                        if max_rows is not None and lines_total > max_rows:
                            problems.append(Problem("upload.error.too_many_rows", "file", {"max": f"{max_rows:,}"}))
                            break
                        if len(heads) >= BATCH:
                            lines_hash.update("".join(texts).encode("utf-8"))
                            yield heads, lines, self.reader.done
                            heads, lines, texts = [], [], []
                        continue
                item = yayoi.voucher(item)
            if isinstance(item, list):
                problems.extend(item)
                if len(problems) >= MAX_PROBLEMS:
                    break
                continue
            resolved, vproblems = resolve(item)
            if vproblems:
                problems.extend(vproblems)
                if len(problems) >= MAX_PROBLEMS:
                    break
                continue
            if problems:
                continue  # keep checking the rest of the file, write nothing more
            day = item.date
            fy, iso = resolver.day(day)
            total = 0
            for line in resolved:
                total += line.debit
            k = len(heads)
            heads.append((k, fy, k, iso, item.description, item.counterparty, item.ref, total))
            n = 0
            for line in resolved:
                n += 1
                lines.append((k, n, iso, *line))
                texts.append(line_text(n, line[:7]))
            add(resolved, day)
            entries += 1
            lines_total += len(resolved)
            if max_rows is not None and lines_total > max_rows:
                problems.append(Problem("upload.error.too_many_rows", "file", {"max": f"{max_rows:,}"}))
                break
            if len(heads) >= BATCH:
                lines_hash.update("".join(texts).encode("utf-8"))
                yield heads, lines, self.reader.done
                heads, lines, texts = [], [], []
        if heads and not problems:
            lines_hash.update("".join(texts).encode("utf-8"))
        if fast is not None:
            fast.add_to(self.deltas)
        self.entries, self.lines = entries, lines_total
        self.done = self.reader.done
        self.digest = self.reader.digest.hexdigest()
        self.lines_digest = lines_hash.hexdigest()
        if heads and not problems:
            yield heads, lines, self.done


# What the fast path knows of one side of a 弥生 row, by its four cells (account, sub-account, department, 税区分):
# None: no posting (blank or 諸口); False: something to report (the general path says what); else the account id,
# its tax account (None: no split) and TaxCategory, whether a stated tax is kept as given, the digest's spelling of
# the line and of its tax line between line_no and the amounts, the two lines' keys in ``_FastYayoi.sums`` (each
# a (account, sub-account, department, category) of the maintained balances), and the sub-account, department
# and category ids of the line.
_SideInfo = tuple[int, int | None, Any, bool, str, str, int, int, int | None, int | None, str | None]


class _FastYayoi:
    """The import's hot path for 弥生 vouchers: from a voucher's rows straight to the batch's entry and line rows,
    the maintained balances and the digest's text, with every lookup that depends only on a cell's text (account,
    税区分, date) done once per import. It handles the vouchers that have no problem and need nothing unusual;
    for any other it adds nothing and returns 0, and the general path (``yayoi.voucher`` then
    ``_Resolver.resolve``) parses the voucher again, finding the same lines or the problems to report. The
    tests compare both paths line by line."""

    def __init__(self, resolver: _Resolver) -> None:
        self.resolver = resolver
        self.rounding = resolver.ctx.rounding
        self.sides: dict[tuple[str, str, str, str], Any] = {}
        self.days: dict[str, tuple[dt.date, int, str, int] | None] = {}
        # debit, credit, line count by (balance key number, period): added to ``Deltas`` by ``add_to``
        self.sums: dict[tuple[int, int], list[int]] = {}
        self.keys: list[tuple[int, int | None, int | None, str | None]] = []
        self._key_numbers: dict[tuple[int, int | None, int | None, str | None], int] = {}

    def _day(self, text: str) -> tuple[dt.date, int, str, int] | None:
        try:
            day = yayoi.parse_date(text)
        except ValueError:
            info = None
        else:
            fy, iso, bad = self.resolver._day(day)
            info = None if bad else (day, fy, iso, day.year * 100 + day.month)
        self.days[text] = info
        return info

    def _key(self, key: tuple[int, int | None, int | None, str | None]) -> int:
        number = self._key_numbers.get(key)
        if number is None:
            number = self._key_numbers[key] = len(self.keys)
            self.keys.append(key)
        return number

    def _side(self, key: tuple[str, str, str, str]) -> _SideInfo | bool | None:
        account_text, sub_text, department_text, tax_text = key
        info: _SideInfo | bool | None
        account = account_text.strip()
        if not account or account == "諸口":
            info = None
        else:
            info = False
            index = self.resolver.index
            acc = index.accounts.get(account)
            try:
                category = yayoi.tax_from_yayoi(tax_text)
            except KeyError:
                acc = None
            sub = sub_text.strip()
            department = department_text.strip()
            sub_id = index.subs.get((acc[0], sub)) if acc is not None and sub else None
            dep_id = index.departments.get(department) if department else None
            if acc is not None and (sub_id is not None or not sub) and (dep_id is not None or not department):
                category = taxes.tagged_or_default(category, self.resolver.ctx.default_purpose)
                tax_account = self.resolver._tax_account(category) if category else None
                cat = taxes.CATEGORIES[category or ""] if tax_account is not None else None
                given = cat is not None and bool(cat.taxable and cat.rate and cat.direction != "none"
                                                  and not cat.transitional)
                info = (acc[0], tax_account, cat, given,
                        f", {acc[0]!r}, {sub_id!r}, {dep_id!r}, {category!r}, ",
                        f", {tax_account!r}, None, None, {category!r}, ",
                        self._key((acc[0], sub_id, dep_id, category)),
                        self._key((tax_account, None, None, category)) if tax_account is not None else 0,
                        sub_id, dep_id, category)
        self.sides[key] = info
        return info

    def add_to(self, deltas: Deltas) -> None:
        """Add the sums of the vouchers added so far to ``deltas`` (as ``Deltas.add`` would have, line by line)."""
        balances, tax_balances, keys = deltas.balances, deltas.taxes, self.keys
        for (number, period), (debit, credit, count) in self.sums.items():
            acc, sub, dep, category = keys[number]
            bkey = (acc, sub or 0, dep or 0, period, False)
            slot = balances.get(bkey)
            if slot is None:
                balances[bkey] = [debit, credit, count]
            else:
                slot[0] += debit
                slot[1] += credit
                slot[2] += count
            if category:
                tkey = (period, category, acc)
                tslot = tax_balances.get(tkey)
                if tslot is None:
                    tax_balances[tkey] = [debit, credit]
                else:
                    tslot[0] += debit
                    tslot[1] += credit
        self.sums.clear()

    def _stated(self, text: str) -> int | None:
        """A stated tax amount as ``yayoi._side`` reads it (raises ValueError)."""
        text = text.strip()
        return yayoi._amount(text) if text else None

    def add(self, rows: yayoi.VoucherRows, heads: list[_Head], lines: list[_Row], texts: list[str]) -> int:
        """Add the voucher to the batch; the number of lines added (0: left to the general path)."""
        first = rows[0][1]
        text = first[3]
        days = self.days
        dinfo = days[text] if text in days else self._day(text)
        if dinfo is None:
            return 0
        day, fy, iso, period = dinfo
        sides = self.sides
        k = len(heads)
        out: list[_Row] = []
        spelled_lines: list[str] = []
        sums: list[tuple[int, int, int]] = []  # (balance key number, debit, credit) of each line
        debit_sum = credit_sum = 0
        n = row_no = 0
        # The debit side (cells 5-10) and the credit side (11-16) of each row, written out twice: this loop runs
        # for every row of every file, and a loop over the two sides costs a sixth of the import's parsing.
        for _line, row in rows:
            row_no += 1
            memo = row[16].strip()
            memo_spelled = repr(memo)
            info = sides.get((row[4], row[5], row[6], row[7]), False)
            if info is False:
                info = self._side((row[4], row[5], row[6], row[7]))
                if info is False:
                    return 0
            if info is not None:
                text = row[8]
                try:
                    amount = int(text) if text.isdigit() and text.isascii() and len(text) <= 12 else yayoi._amount(text)
                    text = row[9]  # read (and refused when bad) whether or not a tax is split
                    stated = (None if not text else int(text) if text.isdigit() and text.isascii()
                              and len(text) <= 12 else self._stated(text))
                except ValueError:
                    return 0
                if amount <= 0:
                    return 0
                debit_sum += amount
                acc, tax_account, cat, given, spelled, tax_spelled, key, tax_key, sub, dep, category = info
                n += 1
                if tax_account is None:
                    out.append((k, n, iso, acc, sub, dep, category, amount, 0, memo, row_no))
                    spelled_lines.append(f"({n}{spelled}{amount}, 0, {memo_spelled})")
                    sums.append((key, amount, 0))
                else:
                    if stated is not None and given:
                        net, tax = amount - stated, stated
                    else:
                        net, tax = taxes.split_line(amount, cat, day, self.rounding, stated)
                    out.append((k, n, iso, acc, sub, dep, category, net, 0, memo, row_no))
                    spelled_lines.append(f"({n}{spelled}{net}, 0, {memo_spelled})")
                    sums.append((key, net, 0))
                    if tax:
                        n += 1
                        out.append((k, n, iso, tax_account, None, None, category, tax, 0, memo, row_no))
                        spelled_lines.append(f"({n}{tax_spelled}{tax}, 0, {memo_spelled})")
                        sums.append((tax_key, tax, 0))
            info = sides.get((row[10], row[11], row[12], row[13]), False)
            if info is False:
                info = self._side((row[10], row[11], row[12], row[13]))
                if info is False:
                    return 0
            if info is not None:
                text = row[14]
                try:
                    amount = int(text) if text.isdigit() and text.isascii() and len(text) <= 12 else yayoi._amount(text)
                    text = row[15]  # read (and refused when bad) whether or not a tax is split
                    stated = (None if not text else int(text) if text.isdigit() and text.isascii()
                              and len(text) <= 12 else self._stated(text))
                except ValueError:
                    return 0
                if amount <= 0:
                    return 0
                credit_sum += amount
                acc, tax_account, cat, given, spelled, tax_spelled, key, tax_key, sub, dep, category = info
                n += 1
                if tax_account is None:
                    out.append((k, n, iso, acc, sub, dep, category, 0, amount, memo, row_no))
                    spelled_lines.append(f"({n}{spelled}0, {amount}, {memo_spelled})")
                    sums.append((key, 0, amount))
                else:
                    if stated is not None and given:
                        net, tax = amount - stated, stated
                    else:
                        net, tax = taxes.split_line(amount, cat, day, self.rounding, stated)
                    out.append((k, n, iso, acc, sub, dep, category, 0, net, memo, row_no))
                    spelled_lines.append(f"({n}{spelled}0, {net}, {memo_spelled})")
                    sums.append((key, 0, net))
                    if tax:
                        n += 1
                        out.append((k, n, iso, tax_account, None, None, category, 0, tax, memo, row_no))
                        spelled_lines.append(f"({n}{tax_spelled}0, {tax}, {memo_spelled})")
                        sums.append((tax_key, 0, tax))
        if not n or debit_sum != credit_sum:
            return 0
        # every line is good: add them to the batch and to the balances
        lines += out
        texts += spelled_lines
        totals = self.sums
        total = 0
        for key, debit, credit in sums:
            total += debit
            slot = totals.get((key, period))
            if slot is None:
                totals[(key, period)] = [debit, credit, 1]
            else:
                slot[0] += debit
                slot[1] += credit
                slot[2] += 1
        heads.append((k, fy, k, iso, first[16].strip(), "", first[1].strip() or None, total))
        return n


def _stream_size(stream: IO[bytes]) -> int | None:
    """The bytes left to read in ``stream``, or None when it cannot seek."""
    try:
        here = stream.tell()
        size = stream.seek(0, io.SEEK_END) - here
        stream.seek(here)
    except (AttributeError, OSError, ValueError):
        return None
    return size


def _defer_indexes(s: Session, size: int | None) -> list[str]:
    """SQLite, a large file into a journal that is small beside it: drop the journal tables' secondary indexes
    now and return their CREATE statements, run again once every row is in (same transaction: a failed import
    rolls them back with the rows). One sorted build costs about half of as many B-tree insertions, the largest
    part of writing an import. The unique (fiscal year, number) index stays, checking as the rows go in."""
    if (DEFER_INDEXES_MIN_BYTES is None or size is None or size < DEFER_INDEXES_MIN_BYTES
            or s.get_bind().dialect.name != "sqlite"):
        return []
    existing = int(s.execute(text("SELECT COALESCE(MAX(id), 0) FROM journal_lines")).scalar_one())
    if existing > size // 40:  # a 弥生 row is about 100 bytes and makes two or three lines
        return []
    found = s.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                           "AND tbl_name IN ('journal_lines', 'journal_entries') ORDER BY name")).all()
    for name, _sql in found:
        s.execute(text(f'DROP INDEX "{name}"'))
    return [str(sql) for _name, sql in found]


def _worth_a_child(stream: IO[bytes]) -> bool:
    """Whether to parse in a forked child process while this one writes: for large files (the machine
    does both at once) where ``fork`` exists."""
    if PARALLEL_MIN_BYTES is None or "fork" not in multiprocessing.get_all_start_methods():
        return False
    try:
        here = stream.tell()
        size = stream.seek(0, io.SEEK_END) - here
        stream.seek(here)
    except (AttributeError, OSError, ValueError):
        return False
    return size >= PARALLEL_MIN_BYTES


def _in_child(checker: _Checker) -> Generator[_Batch, None, None]:
    """The checker's batches, computed in a forked child while the caller writes the previous one. The child
    only reads the stream (this process no longer does) and computes; it never touches the database
    connection it inherits. At the end it sends the checker's results, which are copied into ``checker``.
    The child is started now, so it parses while the caller gets ready to write; closing the generator ends
    it, whether or not a batch was taken."""
    batches = _child_batches(checker)
    next(batches)
    return batches  # type: ignore[return-value]  # every item after the first (None, taken above) is a batch


def _child_batches(checker: _Checker) -> Generator[_Batch | None, None, None]:
    mp = multiprocessing.get_context("fork")
    receiver, sender = mp.Pipe(duplex=False)
    child = mp.Process(target=_child_main, args=(checker, sender), name="journal-import-check")
    child.start()
    sender.close()
    try:
        yield None  # started
        while True:
            try:
                data = receiver.recv_bytes()
            except EOFError:
                raise RuntimeError("the journal import's checking process ended unexpectedly") from None
            if data[:1] == _MARSHALLED:
                yield marshal.loads(memoryview(data)[1:])
                continue
            message = pickle.loads(data)
            if message[0] == "batch":
                yield message[1], message[2], message[3]
            elif message[0] == "end":
                (checker.problems, checker.deltas, checker.entries, checker.lines, checker.done,
                 checker.digest, checker.lines_digest) = message[1:]
                return
            else:
                raise message[1]
    finally:
        receiver.close()
        child.join(timeout=5)
        if child.is_alive():
            child.kill()
            child.join()


# A batch goes through the pipe marshalled (its rows are tuples of ints, strings and None), behind this byte:
# marshal writes and reads such rows in less time than pickle (0.07 s against 0.16 s, and 0.18 s against 0.20 s
# for 200,000 entries), in the child, which is the slower side. Other messages are pickled (they start with 0x80).
_MARSHALLED = b"M"


def _child_main(checker: _Checker, sender: Any) -> None:
    # The child only parses, then ends: no cycle it makes needs collecting before then, and the collector's
    # passes over the batches' millions of young tuples are a few per cent of the parsing.
    gc.disable()
    try:
        for heads, lines, done in checker.batches():
            try:
                data = marshal.dumps((heads, lines, done))
            except ValueError:  # a value marshal does not know (none is expected): pickled instead
                sender.send(("batch", heads, lines, done))
            else:
                sender.send_bytes(_MARSHALLED + data)
        sender.send(("end", checker.problems, checker.deltas, checker.entries, checker.lines, checker.done,
                     checker.digest, checker.lines_digest))
    except BrokenPipeError:
        pass  # the parent gave up
    except Exception as exc:  # noqa: BLE001 - handed to the parent, which raises it
        try:
            sender.send(("error", exc))
        except Exception:  # noqa: BLE001 - not picklable: send its text
            sender.send(("error", RuntimeError(repr(exc))))
    finally:
        sender.close()


class _Writer:
    """Writes batches of checked entries: numbers (gapless per fiscal year), ids, entry and line rows."""

    def __init__(self, session: Session, start_month: int, constants: tuple[str, int | None, str]) -> None:
        self.session = session
        self.start_month = start_month
        self.source, self.user_id, self.now_text = constants
        self.first_no = self.last_no = ""
        self.known_years: set[int] = set()
        # What the import's audit record chains about the entries written (issue 14 item 16): their ids, as ranges
        # (the checker hashes their lines)
        self.ranges: list[list[int]] = []

    def write(self, heads: list[_Head], lines: list[_Row]) -> None:
        if not heads:
            return
        s = self.session
        next_number: dict[int, int] = {}
        for fy, count in sorted(Counter(map(_FISCAL_YEAR, heads)).items()):
            if fy not in self.known_years:
                ensure_fiscal_year(s, fy, self.start_month)
                self.known_years.add(fy)
            next_number[fy] = reserve_numbers(s, fy, count)
        ids = sorted(reserve_ids(s, "journal_entries", len(heads)))  # ascending: the lines digest follows id order
        first_id = ids[0]
        # always on SQLite; on PostgreSQL unless another session took an id from the sequence meanwhile
        contiguous = ids[-1] - first_id + 1 == len(ids)
        if contiguous and len(next_number) == 1 and s.get_bind().dialect.name == "sqlite":
            # one fiscal year (a batch of a file in date order): the rows go in as the checker made them, the
            # statements adding the first id and number to each entry's index (no row is copied in Python)
            ((fy, first_no),) = next_number.items()
            self._sqlite_insert(heads, lines, first_id, first_no)
            numbers = [(fy, first_no), (fy, first_no + len(heads) - 1)]
        else:
            source, user_id, now_text = self.source, self.user_id, self.now_text
            entry_rows = []
            for entry_id, (_k, fy, _k2, iso, description, counterparty, ref, total) in zip(ids, heads, strict=True):
                number = next_number[fy]
                next_number[fy] = number + 1
                entry_rows.append((entry_id, fy, number, iso, description, counterparty, "posted", source, ref,
                                   total, user_id, now_text, user_id, now_text))
            insert_rows(s, "journal_entries", ENTRY_COLUMNS, entry_rows, convert=False)
            if contiguous:
                insert_rows(s, "journal_lines", LINE_COLUMNS, lines, convert=False, first_offset=first_id)
            else:
                insert_rows(s, "journal_lines", LINE_COLUMNS, [(ids[r[0]], *r[1:]) for r in lines], convert=False)
            numbers = [(entry_rows[0][1], entry_rows[0][2]), (entry_rows[-1][1], entry_rows[-1][2])]
        if contiguous:
            if self.ranges and self.ranges[-1][1] + 1 == first_id:
                self.ranges[-1][1] = ids[-1]
            else:
                self.ranges.append([first_id, ids[-1]])
        else:
            for entry_id in ids:
                if self.ranges and self.ranges[-1][1] + 1 == entry_id:
                    self.ranges[-1][1] = entry_id
                else:
                    self.ranges.append([entry_id, entry_id])
        if not self.first_no:
            self.first_no = entry_number(*numbers[0])
        self.last_no = entry_number(*numbers[1])

    def _sqlite_insert(self, heads: list[_Head], lines: list[_Row], first_id: int, first_no: int) -> None:
        raw = self.session.connection().connection.dbapi_connection
        assert raw is not None
        user, now = _sql_literal(self.user_id), _sql_literal(self.now_text)
        cur = raw.cursor()
        try:
            _insert_many(cur, f"INSERT INTO journal_entries ({', '.join(ENTRY_COLUMNS)}) VALUES ",
                         f"(? + {int(first_id)}, ?, ? + {int(first_no)}, ?, ?, ?, 'posted', "
                         f"{_sql_literal(self.source)}, ?, ?, {user}, {now}, {user}, {now})", heads)
            _insert_many(cur, f"INSERT INTO journal_lines ({', '.join(LINE_COLUMNS)}) VALUES ",
                         f"(? + {int(first_id)}{', ?' * (len(LINE_COLUMNS) - 1)})", lines)
        finally:
            cur.close()


# Rows per INSERT statement on SQLite's fast path (at most 999 parameters, the oldest SQLite's limit, at 14 a row)
ROWS_PER_STATEMENT = 64


def _insert_many(cur: Any, head: str, one: str, rows: list[Any]) -> None:
    """INSERT ``rows`` (tuples of one width) with ``head`` + ``one`` (the VALUES group of one row), ROWS_PER_STATEMENT
    rows to a statement (VALUES (...), (...), ...): the same rows in the same order, but SQLite steps and resets a
    statement once for 64 rows instead of once a row, about a quarter less of the writer's time than one-row
    statements. The rows' values are flattened and cut into the statements' parameter lists."""
    if not rows:
        return
    width = len(rows[0])
    flat = list(chain.from_iterable(rows))
    step = ROWS_PER_STATEMENT * width
    whole = len(rows) // ROWS_PER_STATEMENT * step
    if whole:
        cur.executemany(head + ", ".join([one] * ROWS_PER_STATEMENT),
                        [flat[i:i + step] for i in range(0, whole, step)])
    if whole < len(flat):
        cur.execute(head + ", ".join([one] * ((len(flat) - whole) // width)), flat[whole:])


_FISCAL_YEAR = operator.itemgetter(1)


def _sql_literal(value: str | int | None) -> str:
    """A constant of the import (source, user id, timestamp: never file content) spelled in SQL."""
    if value is None:
        return "NULL"
    if isinstance(value, int):
        return str(int(value))
    return "'" + value.replace("'", "''") + "'"


class _Resolver:
    """Maps a parsed voucher to the lines to post (ids, tax split) or its problems. What depends only on a
    date or a tax category is worked out once per import."""

    def __init__(self, index: ChartIndex, ctx: PostingContext) -> None:
        self.index = index
        self.ctx = ctx
        self.exclusive = ctx.tax_accounting == "exclusive"
        self.out_tax = index.accounts[chart.CODE_OUTPUT_TAX][0]
        self.in_tax = index.accounts[chart.CODE_INPUT_TAX][0]
        self._days: dict[dt.date, tuple[int, str, bool]] = {}
        self._cats: dict[str | None, int | None] = {}  # category -> its tax account, None if it splits no tax

    def day(self, day: dt.date) -> tuple[int, str]:
        info = self._day(day)
        return info[0], info[1]

    def _day(self, day: dt.date) -> tuple[int, str, bool]:
        info = self._days.get(day)
        if info is None:
            ctx = self.ctx
            bad = bool(date_problems(day, ctx.start_month, ctx.locked, ctx.closed, years=ctx.years))
            info = self._days[day] = (fiscal_year_of(day, ctx.start_month), day.isoformat(), bad)
        return info

    def _tax_account(self, category: str | None) -> int | None:
        if category in self._cats:
            return self._cats[category]
        cat = taxes.CATEGORIES.get(category) if category else None
        account = None
        if self.exclusive and cat is not None and cat.rate:
            account = self.in_tax if cat.direction == "purchase" else self.out_tax
        self._cats[category] = account
        return account

    def resolve(self, voucher: yayoi.ParsedVoucher) -> tuple[list[ResolvedLine], list[Problem] | None]:
        problems: list[Problem] | None = None
        day = voucher.date
        if self._day(day)[2]:
            ctx = self.ctx
            problems = date_problems(day, ctx.start_month, ctx.locked, ctx.closed, field="date", line=voucher.line,
                                     years=ctx.years)
        index = self.index
        accounts = index.accounts
        resolved: list[ResolvedLine] = []
        debit_sum = credit_sum = 0
        for pl in voucher.lines:
            debit = pl.debit
            credit = pl.credit
            debit_sum += debit
            credit_sum += credit
            acc = accounts.get(pl.account)
            side = "debit" if debit else "credit"  # the file's column: 借方勘定科目 / 貸方勘定科目 ...
            if acc is None:
                problems = problems or []
                problems.append(Problem("ledger.error.unknown_account", f"{side}_account", {"account": pl.account},
                                        pl.line))
                continue
            sub_id = None
            if pl.sub_account:
                sub_id = index.subs.get((acc[0], pl.sub_account))
                if sub_id is None:
                    problems = problems or []
                    problems.append(Problem("ledger.error.unknown_sub_account", f"{side}_sub_account",
                                            {"account": pl.account, "sub": pl.sub_account}, pl.line))
            dep_id = None
            if pl.department:
                dep_id = index.departments.get(pl.department)
                if dep_id is None:
                    problems = problems or []
                    problems.append(Problem("ledger.error.unknown_department", f"{side}_department",
                                            {"department": pl.department}, pl.line))
            category = taxes.tagged_or_default(pl.tax_category, self.ctx.default_purpose)
            tax_account = self._tax_account(category) if category and pl.split else None
            if tax_account is None:
                resolved.append(ResolvedLine(acc[0], sub_id, dep_id, category, debit, credit, pl.memo, pl.row))
                continue
            amount = debit or credit
            # the one split rule of every posting path: the file's tax kept as given, except that a 経過措置
            # purchase (区分80% / 70% ...) books at most the deductible share of its tax (the rest stays in
            # the cost), whether the file states the whole tax or the deductible part
            net, tax = taxes.split_line(amount, taxes.CATEGORIES[category or ""], day, self.ctx.rounding,
                                        pl.tax_amount)
            if debit:
                resolved.append(ResolvedLine(acc[0], sub_id, dep_id, category, net, 0, pl.memo, pl.row))
                if tax:
                    resolved.append(ResolvedLine(tax_account, None, None, category, tax, 0, pl.memo, pl.row))
            else:
                resolved.append(ResolvedLine(acc[0], sub_id, dep_id, category, 0, net, pl.memo, pl.row))
                if tax:
                    resolved.append(ResolvedLine(tax_account, None, None, category, 0, tax, pl.memo, pl.row))
        if debit_sum != credit_sum:
            problems = problems or []
            problems.append(Problem("ledger.error.unbalanced_voucher", "amount",
                                    {"debit": debit_sum, "credit": credit_sum}, voucher.line))
        return resolved, problems


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
