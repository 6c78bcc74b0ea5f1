"""入金消込: bank deposits imported from the bank's CSV, matched to open invoices, posted to the ledger;
and the check that the receivables sub-ledger equals the ledger's 売掛金.

Confirming a match posts 普通預金 (cash received) + 支払手数料 (a fee the customer deducted) / 売掛金 with
the customer as 補助科目, records the allocations and reduces the invoices' open amounts, in one
transaction. 消込取消 (:func:`unmatch`) undoes one: the ledger's 取消 of that entry, the invoices reopened by
the amounts cleared, the (immutable) allocations offset by their negatives, and the deposit unmatched again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any, TypeVar

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from ennoshita import audit
from ennoshita.actor import Actor
from ennoshita.bulk import db_timestamp, insert_rows
from ennoshita.dates import now_utc, today_tokyo
from ennoshita.db import UnitOfWork
from ennoshita.errors import Conflict, Invalid, NotFound, Problem
from ennoshita.identity.roles import require
from ennoshita.ledger import EntryDraft, LineDraft, PostingBatch, chart, reverse_in
from ennoshita.sales import customer_credit
from ennoshita.sales import settings as sales_settings
from ennoshita.sales.bankcsv import BankDeposit as ParsedDeposit
from ennoshita.sales.bankcsv import open_bank_csv
from ennoshita.sales.kana import normalize_payer_kana
from ennoshita.sales.matching import Deposit, MatchKind, OpenInvoice, Proposal, propose_matches
from ennoshita.sales.models import (
    BankDeposit,
    CustomerCredit,
    Delivery,
    Invoice,
    Partner,
    ReceiptAllocation,
    Receivable,
)

_T = TypeVar("_T")

STANDARD_FEES = (110, 220, 330, 440, 550, 660, 770, 880)
CODE_SALES_DISCOUNT = "4120"  # 売上値引高
CODE_SUSPENSE_RECEIPTS = "2210"  # 仮受金
SMALL_RETURN_LIMIT = 10_000  # 少額な返還インボイスの交付義務免除: under 1万円 (税込), 消費税法57条の4③ / 令70条の9③二


@dataclass(frozen=True)
class ImportResult:
    batch: str
    imported: int
    duplicates: int
    skipped: int
    problems: tuple[Problem, ...]


IMPORT_BATCH = 1000  # deposits per round trip: one IN (...) of 1,000 parameters, far under PostgreSQL's 65,535


def import_bank_csv(uow: UnitOfWork, actor: Actor, data: bytes | IO[bytes], batch: str | None = None,
                    max_rows: int | None = None) -> ImportResult:
    """Read a bank statement CSV (the bank's Japanese layout or the generic one). A file with any bad row
    imports nothing and names every bad line (the first thousand); deposits already imported are skipped, not
    doubled. ``data`` may be a seekable binary stream (an upload spooled to disk): it is read twice, once to
    check every row and hash the file, once to write in batches, so memory does not grow with the file.
    ``max_rows``: more data rows than that is a 422 naming the limit."""
    require(actor, "sales.edit")
    stream: IO[bytes] = io.BytesIO(data) if isinstance(data, bytes) else data
    start = stream.tell()
    hashing = _Hashing(stream)
    checked = open_bank_csv(hashing, max_rows)
    bloom = _Bloom()
    repeated: set[bytes] = set()  # keys that may occur more than once in the file (true repeats + rare false hits)
    for dep in checked.deposits():
        short = _deposit_key(dep)
        if bloom.add(short):
            repeated.add(short)
    if checked.problems:
        raise Invalid(problems=checked.problems)
    while hashing.read(1 << 20):  # the rest of the bytes, for the file's hash
        pass
    digest = hashing.digest.hexdigest()
    batch = batch or digest[:16]
    stream.seek(start)
    reader = open_bank_csv(stream, max_rows)
    seen: Counter[bytes] = Counter()
    imported = total = 0
    with uow:
        s = uow.session
        now = db_timestamp(s, now_utc())
        if s.get_bind().dialect.name == "postgresql":
            # The table grows inside this transaction faster than its statistics: without this the planner scans
            # it whole for every batch's fingerprint check (10 MB took 105 s instead of a few).
            s.execute(text("SET LOCAL enable_seqscan = off"))
        for chunk in _chunks(reader.deposits(), IMPORT_BATCH):
            rows = []
            for dep in chunk:
                key = (dep.date.isoformat(), dep.amount, dep.payer_kana)
                short = _deposit_key(dep)
                occurrence = 1  # the n-th identical deposit of the file; only possible repeats are counted
                if short in repeated:
                    seen[short] += 1
                    occurrence = seen[short]
                fingerprint = hashlib.sha256("|".join((*map(str, key), str(occurrence))).encode()).hexdigest()
                rows.append((fingerprint, dep))
            existing = set(s.scalars(select(BankDeposit.fingerprint).where(
                BankDeposit.fingerprint.in_([f for f, _ in rows]))))
            new = [(batch, f, d.date, d.amount, d.payer_kana[:120], normalize_payer_kana(d.payer_kana)[:120],
                    "unmatched", now, "") for f, d in rows if f not in existing]
            insert_rows(s, "bank_deposits", _DEPOSIT_COLUMNS, new)
            imported += len(new)
            total += len(rows)
        audit.record(s, actor, "bank_import", batch, "import",
                     after={"deposits": imported, "duplicates": total - imported, "encoding": reader.encoding,
                            "layout": reader.layout.value, "sha256": digest})
        uow.commit()
    return ImportResult(batch, imported, total - imported, reader.skipped, ())


def _deposit_key(dep: ParsedDeposit) -> bytes:
    return hashlib.blake2b(f"{dep.date.isoformat()}|{dep.amount}|{dep.payer_kana}".encode(), digest_size=16).digest()


class _Bloom:
    """A fixed 8 MB Bloom filter: ``add`` answers whether the key may have been added before (never a false no),
    so memory does not grow with the number of deposits."""

    BITS = 1 << 26

    def __init__(self) -> None:
        self.bits = bytearray(self.BITS // 8)

    def add(self, key: bytes) -> bool:
        present = True
        for i in range(3):
            n = int.from_bytes(key[i * 4:i * 4 + 4], "little") % self.BITS
            byte, bit = n >> 3, 1 << (n & 7)
            if not self.bits[byte] & bit:
                present = False
                self.bits[byte] |= bit
        return present


_DEPOSIT_COLUMNS = ("batch", "fingerprint", "value_date", "amount", "payer_name", "payer_kana", "status",
                    "imported_at", "memo")


def _chunks(items: Iterator[_T], size: int) -> Iterator[list[_T]]:
    chunk: list[_T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class _Hashing(io.RawIOBase):
    """Hashes the bytes as the reader takes them."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.digest.update(data)
        return n


@dataclass(frozen=True)
class ProposalView:
    deposit_id: int
    value_date: dt.date
    payer_name: str
    amount: int
    kind: str
    partner_id: int | None
    partner_name: str
    allocations: tuple[tuple[int, str, int], ...]  # (invoice id, number, amount)
    fee: int
    unassigned: int
    name_matched: bool


def propose(uow: UnitOfWork, actor: Actor, limit: int = 10_000) -> list[ProposalView]:
    """Proposals for every unmatched deposit (oldest first), against every open invoice."""
    require(actor, "sales.view")
    with uow:
        s = uow.session
        deposits = list(s.scalars(select(BankDeposit).where(BankDeposit.status == "unmatched")
                                  .order_by(BankDeposit.value_date, BankDeposit.id).limit(limit)))
        if not deposits:
            return []
        open_rows = s.execute(
            select(Receivable.invoice_id, Receivable.partner_id, Receivable.due_date, Receivable.open_amount,
                   Partner.search_kana, Partner.name, Invoice.number)
            .join(Partner, Partner.id == Receivable.partner_id).join(Invoice, Invoice.id == Receivable.invoice_id)
            .where(Receivable.status == "open", Receivable.open_amount > 0)).all()
        numbers = {r.invoice_id: r.number for r in open_rows}
        names = {r.partner_id: r.name for r in open_rows}
        invoices = [OpenInvoice(r.invoice_id, r.partner_id, r.search_kana, r.due_date, r.open_amount)
                    for r in open_rows]
        fees: dict[int, tuple[int, ...]] = dict.fromkeys(names, STANDARD_FEES)
        proposals = propose_matches([Deposit(d.id, d.value_date, d.payer_kana, d.amount) for d in deposits],
                                    invoices, fees)
        by_id = {d.id: d for d in deposits}
        return [_view(p, by_id[int(p.deposit_id)], numbers, names) for p in proposals]


def _view(p: Proposal, d: BankDeposit, numbers: dict[int, str], names: dict[int, str]) -> ProposalView:
    pid = int(p.partner_id) if p.partner_id is not None else None
    return ProposalView(d.id, d.value_date, d.payer_name, d.amount, p.kind.value, pid,
                        names.get(pid, "") if pid is not None else "",
                        tuple((int(a.invoice_id), numbers.get(int(a.invoice_id), ""), a.amount)
                              for a in p.allocations), p.fee, p.unassigned, p.name_matched)


@dataclass(frozen=True)
class MatchInput:
    deposit_id: int
    allocations: tuple[tuple[int, int], ...]  # (invoice id, amount cleared on it, fee included)
    fee: int = 0
    to_credit: int = 0  # cash beyond the invoices: the customer's credit balance (前受金), needs ``partner_id``
    partner_id: int | None = None  # the customer when no invoice names it (a deposit kept as credit only)


def confirm_matches(uow: UnitOfWork, actor: Actor, matches: Sequence[MatchInput]) -> int:
    """消込: apply confirmed matches, proposed or chosen by hand. Each deposit must be fully explained: the
    cleared amounts minus the fee, plus what is kept as the customer's credit balance, equal the deposit. The
    fee is booked as the company setting says (:mod:`ennoshita.sales.settings`: 売上値引 or 支払手数料) and the
    choice is kept on the deposit. Returns the number of deposits matched; any bad match refuses them all."""
    require(actor, "sales.edit")
    problems: list[Problem] = []
    with uow:
        s = uow.session
        batch = PostingBatch(s)
        now = now_utc()
        fee_treatment = sales_settings.read_in(uow).fee_treatment
        for n, m in enumerate(matches):
            where = f"matches[{n}]"
            dep = s.get(BankDeposit, m.deposit_id)
            if dep is None:
                raise NotFound("sales.error.deposit_not_found", field=f"{where}.deposit_id", id=m.deposit_id)
            if dep.status != "unmatched":
                raise Conflict("sales.error.deposit_matched", field=f"{where}.deposit_id", id=m.deposit_id)
            cleared = sum(a for _, a in m.allocations)
            if m.fee < 0 or m.to_credit < 0 or cleared - m.fee + m.to_credit != dep.amount \
                    or any(a <= 0 for _, a in m.allocations) or m.fee > cleared:
                problems.append(Problem("sales.error.match_amount", f"{where}.allocations",
                                        {"deposit": dep.amount, "cleared": cleared, "fee": m.fee,
                                         "credit": m.to_credit}))
                continue
            partner_ids: set[int] = set()
            per_partner: dict[int, int] = defaultdict(int)
            for invoice_id, amount in m.allocations:
                rec = s.get(Receivable, invoice_id)
                if rec is None or rec.status != "open" or amount > rec.open_amount:
                    problems.append(Problem("sales.error.match_open", f"{where}.allocations",
                                            {"invoice_id": invoice_id, "amount": amount,
                                             "open": rec.open_amount if rec else 0}))
                    continue
                partner_ids.add(rec.partner_id)
                per_partner[rec.partner_id] += amount
                rec.paid_amount += amount
                rec.open_amount -= amount
                if rec.open_amount == 0:
                    rec.status = "paid"
                s.add(ReceiptAllocation(deposit_id=dep.id, invoice_id=invoice_id, amount=amount,
                                        fee=m.fee if invoice_id == m.allocations[-1][0] else 0))
            credit_partner = m.partner_id if m.partner_id is not None else next(iter(per_partner), None)
            if m.to_credit and (credit_partner is None or len(per_partner) > 1
                                or (per_partner and credit_partner not in per_partner)
                                or s.get(Partner, credit_partner) is None):
                problems.append(Problem("sales.error.match_credit_partner", f"{where}.partner_id", {}))
            if not m.allocations and not m.to_credit:
                problems.append(Problem("sales.error.match_amount", f"{where}.allocations",
                                        {"deposit": dep.amount, "cleared": 0, "fee": m.fee, "credit": 0}))
            if problems:
                continue
            lines = [LineDraft(chart.CODE_ORDINARY_DEPOSIT, dep.amount, 0)]
            if m.fee and fee_treatment == "sales_discount":  # 対価の返還等: 売上値引高 with its output tax
                lines.append(LineDraft(CODE_SALES_DISCOUNT, m.fee, 0, "sales_10"))
            elif m.fee:
                lines.append(LineDraft(chart.CODE_TRANSFER_FEE, m.fee, 0, "purchase_10"))
            if m.to_credit and credit_partner is not None:
                partner = s.get(Partner, credit_partner)
                assert partner is not None
                per_partner.setdefault(partner.id, 0)
                lines.append(LineDraft(customer_credit.CODE_ADVANCES, 0, m.to_credit, None,
                                       customer_credit.advance_sub(batch, actor, partner)))
            for pid, amount in per_partner.items():
                if not amount:
                    continue
                partner = s.get(Partner, pid)
                assert partner is not None
                sub = batch.sub_account(actor, chart.CODE_RECEIVABLE, partner.code, partner.name, partner.name_kana,
                                        partner.id)
                lines.append(LineDraft(chart.CODE_RECEIVABLE, 0, amount, None, sub))
            first = s.get(Partner, next(iter(per_partner))) if per_partner else None
            name = first.name if first else dep.payer_name
            posted = batch.post(actor, EntryDraft(dep.value_date, f"入金 {name} {dep.payer_name}", name,
                                                  tuple(lines)), source="receipt", source_ref=f"DEP-{dep.id}",
                                split_tax=True)
            dep.status = "matched"
            dep.partner_id = next(iter(per_partner)) if len(per_partner) == 1 else None
            dep.journal_entry_id = posted.id
            dep.matched_by = actor.user_id
            dep.matched_at = now
            dep.fee_treatment = fee_treatment if m.fee else None
            if m.to_credit and credit_partner is not None:
                customer_credit.record(s, actor, credit_partner, dep.value_date, "overpayment", m.to_credit,
                                       deposit_id=dep.id, entry_id=posted.id, memo=dep.payer_name)
            audit.record(s, actor, "bank_deposit", dep.id, "match", after={
                "allocations": [list(a) for a in m.allocations], "fee": m.fee, "journal_entry": posted.entry_no,
                "fee_treatment": dep.fee_treatment, "to_credit": m.to_credit})
        if problems:
            raise Invalid(problems=problems)
        uow.commit()
    return len(matches)


def auto_match(uow: UnitOfWork, actor: Actor) -> int:
    """Confirm every proposal that is certain (the payer named the customer and the amounts add up)."""
    sure = (MatchKind.EXACT.value, MatchKind.SUM_OF_SEVERAL.value, MatchKind.FEE_SHORT.value)
    proposals = [p for p in propose(uow, actor) if p.kind in sure and p.name_matched]
    matches = [MatchInput(p.deposit_id, tuple((i, a) for i, _, a in p.allocations), p.fee) for p in proposals]
    return confirm_matches(uow, actor, matches) if matches else 0


def book_deposit(uow: UnitOfWork, actor: Actor, deposit_id: int, memo: str,
                 account: str = CODE_SUSPENSE_RECEIPTS) -> str:
    """A deposit nothing matches (該当なし), booked to another account with a memo: 普通預金 / 仮受金 by default
    (to be cleared by hand once known), or any other account the user names (売掛金 excepted: invoices are
    cleared by 消込). Undone by :func:`unmatch` like a match. Returns the journal entry number."""
    require(actor, "sales.edit")
    memo = memo.strip()
    if not memo:
        raise Invalid("sales.error.book_memo", field="memo")
    if account == chart.CODE_RECEIVABLE:
        raise Invalid("sales.error.book_receivable", field="account")
    with uow:
        s = uow.session
        dep = s.get(BankDeposit, deposit_id, with_for_update=True)
        if dep is None:
            raise NotFound("sales.error.deposit_not_found", field="deposit_id", id=deposit_id)
        if dep.status != "unmatched":
            raise Conflict("sales.error.deposit_matched", field="deposit_id", id=deposit_id)
        posted = PostingBatch(s).post(actor, EntryDraft(dep.value_date, f"入金 {dep.payer_name} {memo}"[:200],
                                                        dep.payer_name, (
            LineDraft(chart.CODE_ORDINARY_DEPOSIT, dep.amount, 0),
            LineDraft(account, 0, dep.amount, None, None, None, memo[:100]))), source="receipt",
            source_ref=f"DEP-{dep.id}")
        dep.status = "booked"
        dep.booked_account = account
        dep.memo = memo[:200]
        dep.journal_entry_id = posted.id
        dep.matched_by = actor.user_id
        dep.matched_at = now_utc()
        audit.record(s, actor, "bank_deposit", dep.id, "book", after={
            "account": account, "memo": memo, "journal_entry": posted.entry_no})
        uow.commit()
    return posted.entry_no


# ---------------------------------------------------------------- 消込取消


@dataclass(frozen=True)
class UnmatchResult:
    deposit_id: int
    reversal_id: int
    reversal_no: str
    reopened: tuple[tuple[int, int], ...]  # (invoice id, amount reopened)


def unmatch(uow: UnitOfWork, actor: Actor, deposit_id: int, reason: str,
            reversal_date: dt.date | None = None) -> UnmatchResult:
    """消込取消: undo the match of one deposit, with a reason. Posts the 取消 of the match's entry (linked to it;
    dated like the original unless that month is locked, then today), reopens each invoice by what the match
    cleared on it, offsets the allocations and leaves the deposit unmatched, to be matched anew; audited with
    the reason and what was undone. A deposit not matched (or already unmatched) is refused."""
    require(actor, "sales.edit")
    reason = reason.strip()
    if not reason:
        raise Invalid("sales.error.unmatch_reason", field="reason")
    with uow:
        s = uow.session
        dep = s.get(BankDeposit, deposit_id)
        if dep is None:
            raise NotFound("sales.error.deposit_not_found", field="deposit_id", id=deposit_id)
        before = {"status": dep.status, "partner_id": dep.partner_id, "journal_entry_id": dep.journal_entry_id,
                  "matched_by": dep.matched_by,
                  "matched_at": dep.matched_at.isoformat() if dep.matched_at else None}
        entry_id = dep.journal_entry_id
        dep_date = dep.value_date
        # the guarded update takes the row: of two concurrent 取消, the second finds it unmatched
        taken = s.execute(update(BankDeposit).where(BankDeposit.id == deposit_id,
                                                    BankDeposit.status.in_(("matched", "booked")))
                          .values(status="unmatched", partner_id=None, journal_entry_id=None, matched_by=None,
                                  matched_at=None, fee_treatment=None, booked_account=None)
                          .returning(BankDeposit.id)
                          .execution_options(synchronize_session=False)).scalar()
        if taken is None or entry_id is None:
            raise Conflict("sales.error.deposit_not_matched", field="deposit_id", id=deposit_id)
        # allocations are never changed: the 取消 adds their negatives, so each invoice's net is what is cleared
        allocations = net_allocations(s, [deposit_id])[deposit_id]
        for invoice_id, amount, fee in allocations:
            rec = s.get(Receivable, invoice_id, with_for_update=True)
            assert rec is not None
            rec.paid_amount -= amount
            rec.open_amount += amount
            if rec.status in ("paid", "credited") and rec.open_amount > 0:
                rec.status = "open"
            s.add(ReceiptAllocation(deposit_id=deposit_id, invoice_id=invoice_id, amount=-amount, fee=-fee))
        kept = int(s.scalar(select(func.coalesce(func.sum(CustomerCredit.amount), 0))
                            .where(CustomerCredit.deposit_id == deposit_id)) or 0)
        if kept:  # the part kept as the customer's credit balance goes with the match (unless already used)
            owner = s.scalar(select(CustomerCredit.partner_id).where(CustomerCredit.deposit_id == deposit_id)
                             .limit(1))
            if customer_credit.balances(s, [int(owner or 0)]).get(int(owner or 0), 0) < kept:
                raise Conflict("sales.error.unmatch_credit_used", field="deposit_id", amount=kept)
            customer_credit.record(s, actor, int(owner or 0), dep_date, "overpayment", -kept, deposit_id=deposit_id,
                                   memo=f"消込取消 {reason}")
        reversal = reverse_in(s, actor, entry_id, f"消込取消 {reason}", reversal_date=reversal_date,
                              fallback_date=today_tokyo())
        s.expire(dep)
        audit.record(s, actor, "bank_deposit", deposit_id, "unmatch", before=before, after={
            "status": "unmatched", "reason": reason, "reversal_id": reversal.id, "reversal": reversal.entry_no,
            "allocations": [list(a) for a in allocations]})
        uow.commit()
    return UnmatchResult(deposit_id, reversal.id, reversal.entry_no, tuple((i, a) for i, a, _ in allocations))


def net_allocations(s: Session, deposit_ids: list[int]) -> dict[int, list[tuple[int, int, int]]]:
    """(invoice id, amount, fee) that each deposit's match still clears: the allocations net of any 取消."""
    out: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for dep_id, invoice_id, amount, fee in s.execute(
            select(ReceiptAllocation.deposit_id, ReceiptAllocation.invoice_id, func.sum(ReceiptAllocation.amount),
                   func.sum(ReceiptAllocation.fee))
            .where(ReceiptAllocation.deposit_id.in_(deposit_ids))
            .group_by(ReceiptAllocation.deposit_id, ReceiptAllocation.invoice_id)
            .having(func.sum(ReceiptAllocation.amount) != 0)
            .order_by(ReceiptAllocation.deposit_id, func.min(ReceiptAllocation.id))):
        out[int(dep_id)].append((int(invoice_id), int(amount), int(fee)))
    return out


@dataclass(frozen=True)
class MatchedView:
    deposit_id: int
    value_date: dt.date
    payer_name: str
    amount: int
    partner_name: str
    invoices: tuple[tuple[int, str, int], ...]  # (invoice id, number, amount cleared)
    fee: int
    journal_entry_id: int | None
    matched_at: dt.datetime | None
    fee_treatment: str | None = None  # sales_discount 売上値引 / transfer_fee 支払手数料 (when there is a fee)
    status: str = "matched"  # matched / booked (to another account, e.g. 仮受金)
    booked_account: str | None = None
    memo: str = ""
    to_credit: int = 0  # kept as the customer's credit balance (前受金)


DEPOSIT_STATUSES = ("unmatched", "matched", "booked")


def matched(uow: UnitOfWork, actor: Actor, limit: int = 100) -> list[MatchedView]:
    """The latest matched (or booked) deposits, most recently matched first, each with the invoices it cleared,
    its fee treatment and what it left as the customer's credit balance."""
    require(actor, "sales.view")
    with uow:
        s = uow.session
        deps = s.execute(select(BankDeposit, Partner.name).outerjoin(Partner, Partner.id == BankDeposit.partner_id)
                         .where(BankDeposit.status.in_(("matched", "booked")))
                         .order_by(BankDeposit.matched_at.desc(), BankDeposit.id.desc()).limit(limit)).all()
        if not deps:
            return []
        net = net_allocations(s, [d.id for d, _ in deps])
        ids = {i for rows in net.values() for i, _, _ in rows}
        numbers = {int(i): n for i, n in s.execute(select(Invoice.id, Invoice.number).where(Invoice.id.in_(ids)))} \
            if ids else {}
        allocs = {dep_id: [(i, numbers.get(i) or "", a) for i, a, _ in rows] for dep_id, rows in net.items()}
        fees = {dep_id: sum(f for _, _, f in rows) for dep_id, rows in net.items()}
        kept = {int(i or 0): int(a or 0) for i, a in s.execute(
            select(CustomerCredit.deposit_id, func.sum(CustomerCredit.amount))
            .where(CustomerCredit.deposit_id.in_([d.id for d, _ in deps]))
            .group_by(CustomerCredit.deposit_id))}
        return [MatchedView(d.id, d.value_date, d.payer_name, d.amount, name or "", tuple(allocs.get(d.id, ())),
                            fees.get(d.id, 0), d.journal_entry_id, d.matched_at, d.fee_treatment, d.status,
                            d.booked_account, d.memo or "", kept.get(d.id, 0)) for d, name in deps]


@dataclass(frozen=True)
class ArCheck:
    subledger: int
    ledger: int

    @property
    def ok(self) -> bool:
        return self.subledger == self.ledger

    @property
    def difference(self) -> int:
        return self.subledger - self.ledger


def ar_check(uow: UnitOfWork, actor: Actor) -> ArCheck:
    """売掛金台帳 (with the deliveries not yet billed, posted under 出荷基準) vs the ledger's 売掛金 on the partners'
    補助科目 (all postings to date, maintained balances).
    Balances carried in from before the system (opening entries without a partner) are not invoices and are
    left out of both sides."""
    require(actor, "sales.view")
    from ennoshita.ledger.models import Account, Balance, SubAccount

    with uow:
        s = uow.session
        sub = int(s.scalar(select(func.coalesce(func.sum(Receivable.open_amount), 0))) or 0)
        # 出荷基準: a delivery not yet billed is in 売掛金 from its delivery date
        sub += int(s.scalar(select(func.coalesce(func.sum(Delivery.gross), 0)).where(
            Delivery.invoice_id.is_(None), Delivery.journal_entry_id.is_not(None))) or 0)
        led = s.execute(select(func.coalesce(func.sum(Balance.debit), 0), func.coalesce(func.sum(Balance.credit), 0))
                        .join(Account, Account.id == Balance.account_id)
                        .join(SubAccount, SubAccount.id == Balance.sub_account_id)
                        .where(Account.code == chart.CODE_RECEIVABLE, SubAccount.partner_id.is_not(None))).one()
        return ArCheck(sub, int(led[0]) - int(led[1]))


# ---------------------------------------------------------------- 手動消込 (one deposit, chosen by hand)


@dataclass(frozen=True)
class DepositView:
    id: int
    value_date: dt.date
    payer_name: str
    amount: int
    status: str


@dataclass(frozen=True)
class OpenInvoiceView:
    invoice_id: int
    number: str
    issue_date: dt.date
    due_date: dt.date
    open_amount: int


def deposit_of(uow: UnitOfWork, actor: Actor, deposit_id: int) -> DepositView:
    require(actor, "sales.view")
    with uow:
        dep = uow.session.get(BankDeposit, deposit_id)
        if dep is None:
            raise NotFound("sales.error.deposit_not_found", field="deposit_id", id=deposit_id)
        return DepositView(dep.id, dep.value_date, dep.payer_name, dep.amount, dep.status)


def open_invoices_of(uow: UnitOfWork, actor: Actor, partner_id: int, limit: int = 200) -> list[OpenInvoiceView]:
    """A customer's open invoices, oldest due first (what a deposit matched by hand may clear)."""
    require(actor, "sales.view")
    with uow:
        return [OpenInvoiceView(int(r.invoice_id), r.number or "", r.issue_date, r.due_date, int(r.open_amount))
                for r in uow.session.execute(
                    select(Receivable.invoice_id, Invoice.number, Invoice.issue_date, Receivable.due_date,
                           Receivable.open_amount)
                    .join(Invoice, Invoice.id == Receivable.invoice_id)
                    .where(Receivable.partner_id == partner_id, Receivable.status == "open",
                           Receivable.open_amount > 0)
                    .order_by(Receivable.due_date, Receivable.invoice_id).limit(limit))]


def suggest_allocations(amount: int, invoices: Sequence[OpenInvoiceView], fee: int = 0) -> tuple[dict[int, int], int]:
    """Oldest first: what ``amount`` (+ ``fee``) clears on each invoice, and the rest (to the credit balance)."""
    left = amount + fee
    out: dict[int, int] = {}
    for inv in invoices:
        if left <= 0:
            break
        take = min(left, inv.open_amount)
        out[inv.invoice_id] = take
        left -= take
    return out, max(left, 0)
