"""入金消込: propose which open invoices each bank deposit pays.

Input: the deposits of one bank statement and the open invoices (売掛金) with each partner's カナ key
(from :func:`ennoshita.sales.kana.normalize_payer_kana`), plus, per partner, the transfer fees
(振込手数料) it is known to deduct when it pays (先方負担 agreed, but the customer pays short anyway:
440, 660, 770 ...). Output: one :class:`Proposal` per deposit, for a person to confirm.

How a deposit is resolved, in three passes over the batch so that a sure match is never taken away
by a guess made for an earlier deposit:

1. The payer name identifies the partner (exact key, an alias, a name the bank cut short, or a name
   with a branch appended). Within that partner only: one invoice for the exact amount (the oldest if
   several), else one invoice for amount + a known fee (``fee_short``), else several invoices whose
   sum is the amount (or amount + fee): oldest-first prefix, then any contiguous run in due-date
   order, then a bounded subset search.
2. No partner recognised by name: an invoice of exactly that amount (or amount + that partner's fee)
   is proposed with ``name_matched=False``; invoices of two partners fitting equally is ``ambiguous``.
3. A recognised partner whose invoices do not add up: ``partial`` (oldest invoices first) or
   ``overpaid`` (everything open is settled, the rest is left unassigned).

Nothing compares every deposit with every invoice: invoices are indexed by kana key, by partner and
amount, and by amount (dict lookups); sums are only searched within one partner's invoices, with a
cap on how many invoices and search steps. An invoice is used by at most one proposal per batch,
and no proposal assigns more cash than was paid (the fee, when there is one, is stated apart).
"""

from __future__ import annotations

import bisect
import datetime as dt
import enum
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ennoshita.partners.kana import normalize_payer_kana

Key = int | str
# partner id -> the transfer fees that partner is known to deduct. Keyed by Any because Mapping keys are
# invariant: a dict[int, list[int]] or dict[str, list[int]] must both be accepted.
FeeTable = Mapping[Any, Sequence[int]]

MIN_NAME_PREFIX = 4  # shortest kana key used for prefix (truncated-name) lookups
MAX_PREFIX_PARTNERS = 20
DEFAULT_MAX_SUBSET_INVOICES = 20
DEFAULT_MAX_SUBSET_STEPS = 20_000


class MatchKind(enum.StrEnum):
    EXACT = "exact"  # one invoice, the exact amount
    SUM_OF_SEVERAL = "sum_of_several"  # several invoices of one partner add up to it
    FEE_SHORT = "fee_short"  # one invoice, short by a known transfer fee
    PARTIAL = "partial"  # less than the partner's open invoices; oldest first
    OVERPAID = "overpaid"  # more than everything open; the rest is unassigned (前受金 candidate)
    NONE = "none"  # nothing fits
    AMBIGUOUS = "ambiguous"  # two partners / invoices fit equally well: a person decides


@dataclass(frozen=True)
class Deposit:
    id: Key
    date: dt.date
    payer_kana: str  # key from normalize_payer_kana, or raw text: it is normalised here
    amount: int


@dataclass(frozen=True)
class OpenInvoice:
    id: Key
    partner_id: Key
    partner_kana_key: str  # normalize_payer_kana of the partner's カナ
    due_date: dt.date
    open_amount: int


@dataclass(frozen=True)
class Allocation:
    """Receivable cleared on one invoice (cash, plus the fee when the proposal has one)."""

    invoice_id: Key
    amount: int


@dataclass(frozen=True)
class Proposal:
    deposit_id: Key
    kind: MatchKind
    partner_id: Key | None = None
    allocations: tuple[Allocation, ...] = ()
    fee: int = 0  # 支払手数料 the customer deducted: cleared on the invoices but not received
    unassigned: int = 0  # cash received but not assigned to any invoice
    name_matched: bool = False
    candidates: tuple[Key, ...] = field(default=())  # for ambiguous: the invoices that fit equally

    @property
    def allocated(self) -> int:
        return sum(a.amount for a in self.allocations)

    @property
    def cash_applied(self) -> int:
        """Cash of the deposit used on invoices: never more than the deposit."""
        return self.allocated - self.fee


@dataclass(frozen=True)
class _Fit:
    tier: int  # 0 exact, 1 fee short, 2 sum, 3 sum with fee
    invoices: tuple[OpenInvoice, ...]
    fee: int

    @property
    def kind(self) -> MatchKind:
        if len(self.invoices) > 1:
            return MatchKind.SUM_OF_SEVERAL
        return MatchKind.FEE_SHORT if self.fee else MatchKind.EXACT


def _subset_sum(invoices: Sequence[OpenInvoice], target: int, max_items: int, max_steps: int,
                ) -> tuple[OpenInvoice, ...] | None:
    """Two or more invoices (in due-date order) summing to ``target``; oldest-first preferred.

    Tries the oldest-first prefix, then any contiguous run, then a depth-first subset search over
    the ``max_items`` oldest invoices that stops after ``max_steps`` steps.
    """
    amounts = [inv.open_amount for inv in invoices]
    running = 0
    for end, amount in enumerate(amounts):
        running += amount
        if running == target and end >= 1:
            return tuple(invoices[: end + 1])
        if running > target:
            break
    start, window = 0, 0
    for end, amount in enumerate(amounts):
        window += amount
        while window > target and start <= end:
            window -= amounts[start]
            start += 1
        if window == target and end - start >= 1:
            return tuple(invoices[start: end + 1])

    pool = amounts[:max_items]
    suffix = [0] * (len(pool) + 1)
    for i in range(len(pool) - 1, -1, -1):
        suffix[i] = suffix[i + 1] + pool[i]
    steps = 0
    chosen: list[int] = []

    def search(i: int, total: int) -> bool:
        nonlocal steps
        steps += 1
        if total == target and len(chosen) >= 2:
            return True
        if i == len(pool) or steps > max_steps or total + suffix[i] < target:
            return False
        if total + pool[i] <= target:
            chosen.append(i)
            if search(i + 1, total + pool[i]):
                return True
            chosen.pop()
        return search(i + 1, total)

    if search(0, 0):
        return tuple(invoices[i] for i in chosen)
    return None


class _Book:
    """The open invoices of a batch, indexed, with the ones already proposed taken out."""

    def __init__(self, invoices: Iterable[OpenInvoice], aliases: Mapping[str, Key]) -> None:
        self.used: set[Key] = set()
        self.all_fees: list[int] | None = None
        self.by_partner: dict[Key, list[OpenInvoice]] = defaultdict(list)
        self.by_partner_amount: dict[tuple[Key, int], list[OpenInvoice]] = defaultdict(list)
        self.by_amount: dict[int, list[OpenInvoice]] = defaultdict(list)
        self.partners_by_key: dict[str, set[Key]] = defaultdict(set)
        ordered = sorted((inv for inv in invoices if inv.open_amount > 0),
                         key=lambda inv: (inv.due_date, str(inv.id)))
        for inv in ordered:
            self.by_partner[inv.partner_id].append(inv)
            self.by_partner_amount[(inv.partner_id, inv.open_amount)].append(inv)
            self.by_amount[inv.open_amount].append(inv)
            if inv.partner_kana_key:
                self.partners_by_key[inv.partner_kana_key].add(inv.partner_id)
        for alias, partner_id in aliases.items():
            if alias:
                self.partners_by_key[alias].add(partner_id)
        self.sorted_keys = sorted(self.partners_by_key)

    def open_of(self, partner_id: Key) -> list[OpenInvoice]:
        return [inv for inv in self.by_partner.get(partner_id, ()) if inv.id not in self.used]

    def first_unused(self, candidates: Iterable[OpenInvoice]) -> OpenInvoice | None:
        return next((inv for inv in candidates if inv.id not in self.used), None)

    def partners_for(self, key: str) -> set[Key]:
        """Partners whose kana key is ``key``; else whose key starts with it (the bank cut the name);
        else whose key is the longest prefix of it (a branch or person's name appended)."""
        if not key:
            return set()
        if key in self.partners_by_key:
            return set(self.partners_by_key[key])
        found: set[Key] = set()
        if len(key) >= MIN_NAME_PREFIX:
            i = bisect.bisect_left(self.sorted_keys, key)
            while i < len(self.sorted_keys) and self.sorted_keys[i].startswith(key):
                found |= self.partners_by_key[self.sorted_keys[i]]
                if len(found) > MAX_PREFIX_PARTNERS:
                    break
                i += 1
        if found:
            return found
        for length in range(len(key) - 1, MIN_NAME_PREFIX - 1, -1):
            if key[:length] in self.partners_by_key:
                return set(self.partners_by_key[key[:length]])
        return set()


def _fit_for_partner(book: _Book, partner_id: Key, amount: int, fees: Sequence[int],
                     max_items: int, max_steps: int) -> _Fit | None:
    exact = book.first_unused(book.by_partner_amount.get((partner_id, amount), ()))
    if exact is not None:
        return _Fit(0, (exact,), 0)
    for fee in fees:
        short = book.first_unused(book.by_partner_amount.get((partner_id, amount + fee), ()))
        if short is not None:
            return _Fit(1, (short,), fee)
    open_invoices = book.open_of(partner_id)
    if len(open_invoices) < 2:
        return None
    for tier, fee in [(2, 0), *((3, f) for f in fees)]:
        combo = _subset_sum(open_invoices, amount + fee, max_items, max_steps)
        if combo is not None:
            return _Fit(tier, combo, fee)
    return None


def _take(book: _Book, deposit: Deposit, partner_id: Key, fit: _Fit, name_matched: bool) -> Proposal:
    book.used.update(inv.id for inv in fit.invoices)
    return Proposal(
        deposit_id=deposit.id,
        kind=fit.kind,
        partner_id=partner_id,
        allocations=tuple(Allocation(inv.id, inv.open_amount) for inv in fit.invoices),
        fee=fit.fee,
        name_matched=name_matched,
    )


def _by_name(book: _Book, deposit: Deposit, partners: set[Key], fees: FeeTable,
             max_items: int, max_steps: int) -> Proposal | None:
    fits: list[tuple[Key, _Fit]] = []
    for partner_id in sorted(partners, key=str):
        fit = _fit_for_partner(book, partner_id, deposit.amount, sorted(set(fees.get(partner_id, ()))),
                               max_items, max_steps)
        if fit is not None:
            fits.append((partner_id, fit))
    if not fits:
        return None
    best = min(fit.tier for _, fit in fits)
    tied = [(pid, fit) for pid, fit in fits if fit.tier == best]
    if len(tied) > 1:
        return Proposal(deposit.id, MatchKind.AMBIGUOUS, unassigned=deposit.amount, name_matched=True,
                        candidates=tuple(inv.id for _, fit in tied for inv in fit.invoices))
    partner_id, fit = tied[0]
    return _take(book, deposit, partner_id, fit, name_matched=True)


def _by_amount(book: _Book, deposit: Deposit, fees: FeeTable) -> Proposal:
    """No partner recognised by name: an invoice of exactly the amount, else short by a known fee."""
    if book.all_fees is None:  # once per batch, not once per deposit
        book.all_fees = sorted({f for partner_fees in fees.values() for f in partner_fees})
    for fee in [0, *book.all_fees]:
        fitting = [inv for inv in book.by_amount.get(deposit.amount + fee, ())
                   if inv.id not in book.used and (fee == 0 or fee in fees.get(inv.partner_id, ()))]
        if not fitting:
            continue
        # Several invoices of ONE partner with the same amount: the oldest is paid first. Two partners: ask.
        partners = {inv.partner_id for inv in fitting}
        if len(partners) > 1:
            return Proposal(deposit.id, MatchKind.AMBIGUOUS, unassigned=deposit.amount,
                            candidates=tuple(inv.id for inv in fitting))
        invoice = fitting[0]
        return _take(book, deposit, invoice.partner_id, _Fit(0 if fee == 0 else 1, (invoice,), fee),
                     name_matched=False)
    return Proposal(deposit.id, MatchKind.NONE, unassigned=deposit.amount)


def _oldest_first(book: _Book, deposit: Deposit, partners: set[Key]) -> Proposal:
    if len(partners) > 1:
        candidates = tuple(inv.id for pid in sorted(partners, key=str) for inv in book.open_of(pid))
        return Proposal(deposit.id, MatchKind.AMBIGUOUS, unassigned=deposit.amount, name_matched=True,
                        candidates=candidates)
    (partner_id,) = partners
    remaining = deposit.amount
    allocations: list[Allocation] = []
    for inv in book.open_of(partner_id):
        if remaining == 0:
            break
        take = min(remaining, inv.open_amount)
        allocations.append(Allocation(inv.id, take))
        book.used.add(inv.id)
        remaining -= take
    if not allocations:
        return Proposal(deposit.id, MatchKind.NONE, partner_id=partner_id, unassigned=deposit.amount,
                        name_matched=True)
    kind = MatchKind.OVERPAID if remaining > 0 else MatchKind.PARTIAL
    return Proposal(deposit.id, kind, partner_id=partner_id, allocations=tuple(allocations),
                    unassigned=remaining, name_matched=True)


def propose_matches(
    deposits: Sequence[Deposit],
    invoices: Iterable[OpenInvoice],
    fees: FeeTable | None = None,
    aliases: Mapping[str, Key] | None = None,
    *,
    max_subset_invoices: int = DEFAULT_MAX_SUBSET_INVOICES,
    max_subset_steps: int = DEFAULT_MAX_SUBSET_STEPS,
) -> list[Proposal]:
    """One proposal per deposit, in the order the deposits were given.

    ``fees`` maps a partner to the transfer fees it is known to deduct; ``aliases`` maps extra kana
    keys (a parent company, a representative's name) to a partner. Deposits are considered in date
    order; a deposit with no positive amount gets ``none``.
    """
    fees = fees or {}
    book = _Book(invoices, aliases or {})
    order = sorted(range(len(deposits)), key=lambda i: (deposits[i].date, i))
    results: dict[int, Proposal] = {}
    named: dict[int, set[Key]] = {}

    for i in order:  # pass 1: partner known by name, amounts that fit exactly
        deposit = deposits[i]
        if deposit.amount <= 0:
            results[i] = Proposal(deposit.id, MatchKind.NONE, unassigned=max(deposit.amount, 0))
            continue
        partners = book.partners_for(normalize_payer_kana(deposit.payer_kana))
        if not partners:
            continue
        named[i] = partners
        proposal = _by_name(book, deposit, partners, fees, max_subset_invoices, max_subset_steps)
        if proposal is not None:
            results[i] = proposal
    for i in order:  # pass 2: nobody known by that name: look at the amount alone
        if i not in results and i not in named:
            results[i] = _by_amount(book, deposits[i], fees)
    for i in order:  # pass 3: known partner, amounts do not add up: partial or overpaid
        if i not in results:
            results[i] = _oldest_first(book, deposits[i], named[i])
    return [results[i] for i in range(len(deposits))]
