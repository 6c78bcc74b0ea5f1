"""仕入請求書: supplier bills with the インボイス checks, the three-way match and the payables (買掛金台帳).

A bill is entered once (a second entry of the same supplier's number and amount is refused, naming the
first). With a purchase order it is matched against the order and its 検収 (the differences are kept on
the bill); over tolerance, or above the route table's threshold, it waits for 承認, otherwise it is posted
at once. Posting: 仕入高 (or each line's account) net plus the tax that cannot be credited, 仮払消費税 the
creditable tax (:func:`~ennoshita.purchasing.rules.input_tax_credit`: all of it from a registered issuer,
the transitional share from a non-registered supplier within the annual cap) / 買掛金 gross with the
supplier as 補助科目; posted with ``split_tax=False`` (the tax is the bill's, per rate). A posted bill never
changes (database trigger); what is still owed lives in ``payables``.

ASSUMPTION (cumulative purchases for the cap): the tax-inclusive total of the supplier's earlier bills in
the same fiscal year, entered while the supplier was not registered, pending or posted.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ennoshita import audit
from ennoshita.actor import Actor
from ennoshita.approvals import services as approvals
from ennoshita.approvals.models import ApprovalRequest
from ennoshita.attachments.services import NewAttachment, add_attachment, register_reader
from ennoshita.dates import HolidayShift, fiscal_year_bounds, fiscal_year_of, now_utc
from ennoshita.db import UnitOfWork
from ennoshita.errors import Conflict, Forbidden, Invalid, InvalidTransition, NotFound, Problem
from ennoshita.identity import load_company
from ennoshita.identity.company import CompanyData
from ennoshita.identity.roles import can
from ennoshita.kernel.lines import LineInput, ResolvedLine, price_entry_of, priced_as_discount, resolve_lines
from ennoshita.kernel.tax import InvoiceTotals, PriceEntry, RateTotal
from ennoshita.ledger import EntryDraft, LineDraft, PostingBatch, chart, post_in
from ennoshita.ledger.models import Account, JournalEntry
from ennoshita.ledger.rules import entry_number
from ennoshita.ledger.taxes import PURPOSE_CODES, non_registered_annual_cap, with_purpose
from ennoshita.lengths import length_problems
from ennoshita.partners.models import Partner
from ennoshita.partners.terms import PaymentTerms
from ennoshita.purchasing import credit_basis, rules, subcontract
from ennoshita.purchasing import models as bill_models
from ennoshita.purchasing.models import (
    GoodsReceipt,
    GoodsReceiptLine,
    Payable,
    PurchaseOrder,
    PurchaseOrderLine,
    SupplierBill,
)
from ennoshita.purchasing.models import SupplierBillLine as BillLineRow
from ennoshita.purchasing.numbering import next_number
from ennoshita.purchasing.orders import move, on_approval_outcome, order_lines, supplier_of
from ennoshita.withholding import rules as withholding_rules
from ennoshita.withholding import services as withholding

BILL_TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"pending_approval"}),  # posted through pending_approval (at once when no route applies)
    "pending_approval": frozenset({"posted", "rejected", "sent_back"}),
    "posted": frozenset({"cancelled"}),  # 受領請求書の取消 (purchasing.undo)
    "rejected": frozenset(),
    "sent_back": frozenset(),
    "cancelled": frozenset(),
}
# bills that are not (yet, or any more) payables: not duplicates, not cumulative, not billed against an order
VOID_STATUSES = ("rejected", "sent_back", "draft", "cancelled")
CATEGORY = {"10": "purchase_10", "8": "purchase_8r"}


def require_any(actor: Actor, *capabilities: str) -> None:
    if not any(can(actor, c) for c in capabilities):
        raise Forbidden("error.forbidden", capability=" / ".join(capabilities))


@dataclass(frozen=True)
class BillLineInput:
    """A billed line: quantity x unit price at a rate; ``account_code`` overrides 仕入高; ``order_line_id``
    names the PO line it bills (for the three-way match)."""

    description: str
    unit_price: str | Decimal
    quantity: str | Decimal = "1"
    tax_rate: str = "10"
    account_code: str = ""
    order_line_id: int | None = None
    price_includes_tax: bool | None = None  # when given, must agree with the bill's ``price_entry``
    tax_purpose: str | None = None  # 用途区分 (taxable / non_taxable / common); None: the company's default


@dataclass(frozen=True)
class BillInput:
    supplier_id: int
    bill_number: str
    bill_date: dt.date
    lines: tuple[BillLineInput, ...]
    order_id: int | None = None
    department: str | None = None
    price_entry: str = "exclusive"
    due_date: dt.date | None = None
    attachment: NewAttachment | None = None
    notes: str = ""
    # 消費税 per rate as printed on the supplier's qualified invoice (積上げ, 消費税法施行令46条①): rate → yen
    printed_tax: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class BillSummary:
    id: int
    number: str
    status: str
    supplier_id: int
    net: int
    tax: int
    gross: int
    deductible_tax: int
    non_deductible_tax: int
    due_date: dt.date
    match_status: str
    approval_request_id: int | None = None
    entry_no: str | None = None
    withholding_category: str = ""
    withholding_base: int = 0
    withholding_tax: int = 0
    payable: int = 0  # 買掛金: gross less the 源泉所得税

    @property
    def withholding_above_bracket(self) -> int:
        return max(0, self.withholding_base - withholding_rules.BRACKET)


def _summary(b: SupplierBill, request_id: int | None = None, entry_no: str | None = None) -> BillSummary:
    return BillSummary(b.id, b.number, b.status, b.supplier_id, b.net, b.tax, b.gross, b.deductible_tax,
                       b.non_deductible_tax, b.due_date, b.match_status, request_id, entry_no,
                       b.withholding_category, b.withholding_base, b.withholding_tax, b.gross - b.withholding_tax)


@dataclass(frozen=True)
class _Credit:
    rate: RateTotal
    credit: rules.CreditResult


def _category(rate: str, registered: bool) -> str:
    if rate not in CATEGORY:
        return "purchase_exempt"
    return CATEGORY[rate] if registered else f"{CATEGORY[rate]}_transitional"


def cumulative_non_registered(s: Session, supplier_id: int, day: dt.date, start_month: int) -> int:
    """The supplier's earlier bills (税込) in the fiscal year of ``day`` entered while it was not registered."""
    start, end = fiscal_year_bounds(fiscal_year_of(day, start_month), start_month)
    total = s.scalar(select(func.coalesce(func.sum(SupplierBill.gross), 0)).where(
        SupplierBill.supplier_id == supplier_id, SupplierBill.supplier_registered.is_(False),
        SupplierBill.bill_date >= start, SupplierBill.bill_date <= end,
        SupplierBill.status.not_in(VOID_STATUSES)))
    return int(total or 0)


def _credits(rates: Sequence[RateTotal], registered: bool, day: dt.date, cumulative: int,
             start_month: int, small_amount: bool = False) -> list[_Credit]:
    """Per rate: the credit (``small_amount``: the whole bill is under ¥10,000 税込 and the company qualifies for
    the 少額特例, so a non-registered supplier's tax is credited in full)."""
    out = []
    running = cumulative
    # the per-supplier cap of the 課税期間 (fiscal year) the purchase falls in, dated by its first day
    cap = non_registered_annual_cap(fiscal_year_bounds(fiscal_year_of(day, start_month), start_month)[0])
    for rate in rates:
        if rate.tax == 0 and rate.gross == 0:
            continue
        if small_amount and not registered:
            out.append(_Credit(rate, rules.CreditResult(rate.tax, 0, rules.FULL, "small_amount")))
            continue
        credit = rules.input_tax_credit(rate.tax, registered, day, running, rate.gross, cap=cap)
        running += rate.gross
        out.append(_Credit(rate, credit))
    return out


def _split(total: int, weights: Sequence[int]) -> list[int]:
    """``total`` in proportion to ``weights`` (floored; the remainder to the largest weight)."""
    whole = sum(weights)
    if whole <= 0:
        return [total] + [0] * (len(weights) - 1)
    parts = [total * w // whole for w in weights]
    parts[max(range(len(weights)), key=lambda i: weights[i])] += total - sum(parts)
    return parts


AccountKey = str | tuple[str, str | None]  # an account code, or (account code, 用途区分)


def purchase_lines(by_rate: dict[str, dict[AccountKey, int]],
                   stored: dict[str, tuple[int, int]], full_credit: bool,
                   inclusive_books: bool, entered_inclusive: bool, memo: str) -> list[LineDraft]:
    """The debit side of a purchase (a bill, or a 検収 under 検収基準): per rate and account the net plus the
    tax that cannot be credited, and 仮払消費税 the deductible tax (``stored``: rate → (tax, deductible)).
    ``by_rate``: rate → account (or (account, 用途区分)) → amount (税込 when ``entered_inclusive``).
    ``full_credit``: a registered issuer, or the 少額特例, posted with the full category rather than the 経過措置
    one. Lines of different 用途区分 at one rate get their own 仮払消費税 line, the deductible tax split between
    them in proportion to their amounts."""
    out: list[LineDraft] = []
    for rate, accounts in by_rate.items():
        tax, deductible = stored.get(rate, (0, 0))
        non_deductible = tax - deductible
        category = _category(rate, full_credit)
        codes = list(accounts)
        if entered_inclusive:  # the lines hold the rate's gross: take its tax out (in proportion) first
            for code, part in zip(codes, _split(tax, [accounts[c] for c in codes]), strict=True):
                accounts[code] -= part
        extra = tax if inclusive_books else non_deductible
        shares = _split(extra, [accounts[c] for c in codes])
        by_purpose: dict[str | None, int] = defaultdict(int)
        for key, share in zip(codes, shares, strict=True):
            code, purpose = key if isinstance(key, tuple) else (key, None)
            amount = accounts[key] + share
            by_purpose[purpose] += accounts[key]
            if amount:
                out.append(LineDraft(code, amount, 0, with_purpose(category, purpose), None, None, memo))
        if deductible and not inclusive_books:
            purposes = list(by_purpose)
            for purpose, part in zip(purposes, _split(deductible, [by_purpose[p] for p in purposes]), strict=True):
                if part:
                    out.append(LineDraft(chart.CODE_INPUT_TAX, part, 0, with_purpose(category, purpose), None, None,
                                         memo))
    return out


def bill_draft(bill: SupplierBill, supplier: Partner, lines: Sequence[BillLineRow], company: CompanyData
               ) -> EntryDraft:
    """仕入高 (per account and rate) net + non-deductible tax, 仮払消費税 the deductible tax / 買掛金 gross."""
    by_rate: dict[str, dict[AccountKey, int]] = defaultdict(lambda: defaultdict(int))
    for ln in lines:
        by_rate[ln.tax_rate][(ln.account_code, ln.tax_purpose)] += ln.amount
    # the 少額特例 credits in full: posted as the full category, not the 経過措置 one
    out = purchase_lines(by_rate, _stored_credits(bill),
                         bill.supplier_registered or "small_amount" in bill.credit_reason,
                         company.tax_accounting != "exclusive", is_tax_inclusive(bill, lines), bill.bill_number)
    if bill.withholding_tax:  # 源泉所得税 withheld: 預り金, and the supplier is owed the rest
        out.append(LineDraft(chart.CODE_WITHHOLDING, 0, bill.withholding_tax, None, withholding.SUB_ACCOUNT, None,
                             f"源泉所得税 {bill.bill_number}"))
    out.append(LineDraft(chart.CODE_PAYABLE, 0, bill.gross - bill.withholding_tax, None, supplier.code, None,
                         bill.bill_number))
    return EntryDraft(bill.bill_date, f"仕入 {bill.number} {supplier.name} {bill.bill_number}", supplier.name,
                      tuple(out))


def is_tax_inclusive(bill: SupplierBill, lines: Sequence[BillLineRow]) -> bool:
    """Were the bill's lines entered 税込? Their amounts then add up to the gross, not the net (the bill keeps
    no separate flag; without tax the two are the same)."""
    total = sum(ln.amount for ln in lines)
    return bill.tax != 0 and total == bill.gross and total != bill.net


def _stored_credits(bill: SupplierBill) -> dict[str, tuple[int, int]]:
    """(tax, deductible) per rate, as computed when the bill was entered (kept in ``credit_breakdown``)."""
    return {str(k): (int(v[0]), int(v[1])) for k, v in (bill.credit_breakdown or {}).items()}


def post_bill(s: Session, actor: Actor, bill: SupplierBill, company: CompanyData) -> str:
    """Post the bill and open its payable; returns the journal entry number."""
    supplier = s.get(Partner, bill.supplier_id)
    assert supplier is not None
    lines = list(s.scalars(select(BillLineRow).where(BillLineRow.bill_id == bill.id).order_by(BillLineRow.line_no)))
    batch = PostingBatch(s)
    batch.sub_account(actor, chart.CODE_PAYABLE, supplier.code, supplier.name, supplier.name_kana, supplier.id)
    if bill.withholding_tax:
        batch.sub_account(actor, chart.CODE_WITHHOLDING, withholding.SUB_ACCOUNT, withholding.SUB_ACCOUNT_NAME)
    from ennoshita.purchasing import recognition  # recognition builds on this module

    # 検収基準: the order's receipts already posted the purchase; the bill posts only what differs from them
    draft: EntryDraft | None = bill_draft(bill, supplier, lines, company)
    settled = recognition.settle_receipts(s, bill)
    if settled and draft is not None:
        draft = recognition.difference(s, draft, settled, f"仕入(検収差額) {bill.number} {supplier.name}")
    entry_no = ""
    if draft is not None:
        # the bill states its tax per rate (split_tax=False: its 仮払消費税 lines are kept, never split again)
        posted = post_in(s, actor, draft, source="purchasing", source_ref=bill.number, ctx=batch.ctx,
                         index=batch.index, split_tax=False, as_posted=bool(settled))
        bill.journal_entry_id = posted.id  # set before the status: once posted the row cannot change
        entry_no = posted.entry_no
    bill.posted_at = now_utc()
    move(s, actor, bill, BILL_TRANSITIONS, "posted", "supplier_bill")
    s.flush()
    owed = bill.gross - bill.withholding_tax
    s.add(Payable(bill_id=bill.id, supplier_id=bill.supplier_id, due_date=bill.due_date, amount=owed,
                  paid_amount=0, open_amount=owed, status="open"))
    if bill.withholding_tax:
        withholding.accrue(s, source_kind="supplier_bill", source_id=bill.id, source_number=bill.number,
                           payee_id=supplier.id, payee_name=supplier.name, category=bill.withholding_category,
                           amount=bill.withholding_base, tax=bill.withholding_tax, accrual_date=bill.bill_date)
    s.flush()
    audit.record(s, actor, "supplier_bill", bill.id, "post", after={
        "number": bill.number, "journal_entry": entry_no or None, "gross": bill.gross,
        "deductible_tax": bill.deductible_tax, "non_deductible_tax": bill.non_deductible_tax,
        "withholding_tax": bill.withholding_tax, "settles_receipts": [r.id for r in settled]})
    return entry_no


def _match(s: Session, po: PurchaseOrder, lines: Sequence[BillLineInput], resolved_prices: Sequence[Decimal],
           resolved_qty: Sequence[Decimal]) -> list[rules.LineDifference]:
    po_lines = order_lines(s, po.id)
    billed_before: dict[int, Decimal] = defaultdict(Decimal)
    for line_id, qty in s.execute(
            select(BillLineRow.order_line_id, func.sum(BillLineRow.quantity))
            .join(SupplierBill, SupplierBill.id == BillLineRow.bill_id)
            .where(SupplierBill.order_id == po.id, SupplierBill.status.not_in(VOID_STATUSES),
                   BillLineRow.order_line_id.is_not(None))
            .group_by(BillLineRow.order_line_id)):
        billed_before[int(line_id or 0)] = Decimal(qty)
    received: dict[int, Decimal] = defaultdict(Decimal)
    for line_id, qty in s.execute(
            select(GoodsReceiptLine.order_line_id, func.sum(GoodsReceiptLine.quantity))
            .join(GoodsReceipt, GoodsReceipt.id == GoodsReceiptLine.receipt_id)
            .where(GoodsReceipt.order_id == po.id, GoodsReceipt.status == "posted")
            .group_by(GoodsReceiptLine.order_line_id)):
        received[int(line_id)] = Decimal(qty)
    ordered = [rules.PoLine(str(ln.id), Decimal(ln.quantity) - billed_before[ln.id], Decimal(ln.unit_price))
               for ln in po_lines]
    receipts = [rules.ReceiptLine(str(ln.id), received[ln.id] - billed_before[ln.id]) for ln in po_lines]
    billed = [rules.BillLine(str(ln.order_line_id) if ln.order_line_id is not None else f"bill:{i}", qty, price)
              for i, (ln, qty, price) in enumerate(zip(lines, resolved_qty, resolved_prices, strict=True))]
    return rules.match_bill(ordered, receipts, billed)


def _difference_row(d: rules.LineDifference) -> dict[str, Any]:
    return {"line_id": d.line_id, "ordered_quantity": str(d.ordered_quantity),
            "received_quantity": str(d.received_quantity), "billed_quantity": str(d.billed_quantity),
            "ordered_unit_price": None if d.ordered_unit_price is None else str(d.ordered_unit_price),
            "billed_unit_price": None if d.billed_unit_price is None else str(d.billed_unit_price),
            "quantity_difference": str(d.quantity_difference), "price_difference": str(d.price_difference),
            "amount_difference": str(d.amount_difference), "needs_approval": d.needs_approval,
            "on_bill": d.on_bill, "issues": list(d.issues)}


def _check_accounts(s: Session, lines: Sequence[BillLineInput]) -> list[str]:
    codes = [ln.account_code.strip() or chart.CODE_PURCHASES for ln in lines]
    known = set(s.scalars(select(Account.code).where(Account.code.in_(set(codes)))))
    problems = [Problem("purchasing.error.unknown_account", f"lines[{i}].account_code", {"account": c})
                for i, c in enumerate(codes) if c not in known]
    if problems:
        raise Invalid(problems=problems)
    return codes


def _approval_amount(s: Session, department: str | None, gross: int) -> int:
    """The amount to submit: the bill's, or (a bill over the match tolerance below every band of the route
    table) the lowest amount a supplier-bill route takes, so that the bill still gets its route."""
    if approvals.needs_approval(s, "supplier_bill", department, gross):
        return gross
    floors = [r.min_amount for r in approvals.route_table(s) if r.document_type == "supplier_bill"
              and (r.department in (None, department))]
    if not floors:
        raise Invalid("approvals.error.no_route_for_type", field="document_type", document_type="supplier_bill")
    return max(gross, min(floors))


def _check_input(cmd: BillInput) -> PriceEntry:
    """What can be checked before the database: the number, each line's rate and tax entry."""
    price_entry = price_entry_of(cmd.price_entry)
    problems: list[Problem] = []
    if not cmd.bill_number.strip():
        problems.append(Problem("error.required", "bill_number"))
    problems += length_problems(SupplierBill, {"bill_number": cmd.bill_number.strip(), "department": cmd.department})
    for i, ln in enumerate(cmd.lines):
        problems += length_problems(bill_models.SupplierBillLine, {"description": ln.description.strip()},
                                    prefix=f"lines[{i}].")
    inclusive = price_entry is PriceEntry.TAX_INCLUSIVE
    for i, ln in enumerate(cmd.lines):
        if ln.tax_rate not in ("10", "8", "0"):
            problems.append(Problem("purchasing.error.tax_rate", f"lines[{i}].tax_rate", {"rate": ln.tax_rate}))
        if ln.tax_purpose and ln.tax_purpose not in PURPOSE_CODES:
            problems.append(Problem("ledger.error.ctax_purpose", f"lines[{i}].tax_purpose", {"value": ln.tax_purpose}))
        if ln.price_includes_tax is not None and ln.price_includes_tax != inclusive:
            problems.append(Problem("sales.error.price_entry_mismatch", f"lines[{i}].price_includes_tax",
                                    {"entry": price_entry.value}))
    if problems:
        raise Invalid(problems=problems)
    return price_entry


def bill_problems(cmd: BillInput) -> list[Problem]:
    """What :func:`_check_input` refuses (番号, lengths, each line's rate and tax entry), returned instead of
    raised: a form that cannot read its supplier or date reports these beside that, on the same submit."""
    try:
        _check_input(cmd)
    except Invalid as exc:
        return exc.problems
    return []


@dataclass(frozen=True)
class _Lines:
    supplier: Partner
    codes: list[str]
    resolved: list[ResolvedLine]
    totals: InvoiceTotals
    key: str


def _resolve(s: Session, company: CompanyData, cmd: BillInput, price_entry: PriceEntry,
             exclude_id: int | None = None) -> _Lines:
    """Supplier, accounts, lines and per-rate totals (tax once per rate, 税抜 or 税込 as entered); refuses a
    bill already entered (same supplier, number and amount), naming the first."""
    supplier = supplier_of(s, cmd.supplier_id)
    codes = _check_accounts(s, cmd.lines)
    resolved, totals = resolve_lines(s, [LineInput(ln.description, ln.quantity, ln.unit_price, ln.tax_rate,
                                                   is_discount=priced_as_discount(ln.unit_price))  # 値引
                                         for ln in cmd.lines], price_entry, company.rounding)
    totals = as_printed(totals, cmd.printed_tax)
    if totals.gross <= 0:
        raise Invalid("purchasing.error.positive_amount", field="lines")
    key = rules.duplicate_key(supplier.id, cmd.bill_number, totals.gross)
    query = select(SupplierBill).where(SupplierBill.duplicate_key == key, SupplierBill.status.not_in(VOID_STATUSES))
    if exclude_id is not None:
        query = query.where(SupplierBill.id != exclude_id)
    existing = s.scalar(query.limit(1))
    if existing is not None:
        raise Conflict("purchasing.error.duplicate_bill", field="bill_number", number=existing.number,
                       bill_number=existing.bill_number, bill_date=existing.bill_date)
    return _Lines(supplier, codes, resolved, totals, key)


PRINTED_TOLERANCE = 1  # yen per rate: the supplier may round differently (切り上げ・四捨五入) from us


def as_printed(totals: InvoiceTotals, printed: Sequence[tuple[str, int]]) -> InvoiceTotals:
    """The totals with each rate's 消費税 as printed on the supplier's invoice (積上げ計算, 消費税法施行令46条①:
    the buyer may credit the tax stated on the qualified invoice). A printed figure more than ±1 yen from the
    tax computed on the rate's amount is refused, naming the expected figure. 税抜 entry keeps the net (gross =
    net + printed tax); 税込 entry keeps the gross (net = gross - printed tax)."""
    if not printed:
        return totals
    by_rate = {r.rate: r for r in totals.rates}
    problems: list[Problem] = []
    wanted: dict[str, int] = {}
    for rate, tax in printed:
        field = f"printed_tax.{rate}"
        if rate not in by_rate:
            problems.append(Problem("purchasing.error.printed_tax_rate", field, {"rate": rate}))
        elif isinstance(tax, bool) or not isinstance(tax, int) or tax < 0:
            problems.append(Problem("purchasing.error.not_negative", field))
        elif abs(tax - by_rate[rate].tax) > PRINTED_TOLERANCE:
            problems.append(Problem("purchasing.error.printed_tax", field, {
                "rate": rate, "printed": tax, "expected": by_rate[rate].tax, "tolerance": PRINTED_TOLERANCE}))
        else:
            wanted[rate] = tax
    if problems:
        raise Invalid(problems=problems)
    inclusive = totals.price_entry is PriceEntry.TAX_INCLUSIVE
    rates = []
    for r in totals.rates:
        tax = wanted.get(r.rate, r.tax)
        rates.append(RateTotal(r.rate, r.gross - tax, tax, r.gross) if inclusive
                     else RateTotal(r.rate, r.net, tax, r.net + tax))
    return replace(totals, rates=tuple(rates))


def _due(supplier: Partner, cmd: BillInput) -> dt.date:
    terms = PaymentTerms(supplier.closing_day, supplier.months_after, supplier.pay_day,
                         HolidayShift(supplier.holiday_shift))
    due = cmd.due_date or rules.payment_due_date(cmd.bill_date, terms)
    if due < cmd.bill_date:
        raise Invalid("purchasing.error.due_before_bill", field="due_date")
    return due


@dataclass(frozen=True)
class _Assessment:
    differences: list[rules.LineDifference]
    match_status: str
    registered: bool
    cumulative: int
    credits: list[_Credit]
    deductible: int
    due: dt.date
    needs_approval: bool
    receipt_date: dt.date | None = None
    withholding: withholding_rules.Withholding | None = None


def receipt_date_of(s: Session, order_id: int | None) -> dt.date | None:
    """検収日 of an order's goods: its last receipt (None without an order or a receipt)."""
    if order_id is None:
        return None
    found = s.scalar(select(func.max(GoodsReceipt.receipt_date)).where(GoodsReceipt.order_id == order_id,
                                                                      GoodsReceipt.status == "posted"))
    return found if isinstance(found, dt.date) else None


def _assess(s: Session, company: CompanyData, cmd: BillInput, found: _Lines) -> _Assessment:
    """The three-way match, the input tax credit, the due date and whether the bill waits for 承認."""
    supplier, resolved, totals = found.supplier, found.resolved, found.totals
    differences: list[rules.LineDifference] = []
    match_status = "none"
    if cmd.order_id is not None:
        po = s.get(PurchaseOrder, cmd.order_id)
        if po is None or po.supplier_id != supplier.id:
            raise Invalid("purchasing.error.order_supplier", field="order_id", id=cmd.order_id)
        if po.status not in ("sent", "partial", "received"):
            raise Invalid("purchasing.error.order_not_open", field="order_id", number=po.number,
                          status=po.status)
        line_ids = {ln.id for ln in order_lines(s, po.id)}
        bad = [Problem("purchasing.error.order_line", f"lines[{i}].order_line_id", {"id": ln.order_line_id})
               for i, ln in enumerate(cmd.lines)
               if ln.order_line_id is not None and ln.order_line_id not in line_ids]
        if bad:
            raise Invalid(problems=bad)
        differences = _match(s, po, cmd.lines, [r.unit_price for r in resolved], [r.quantity for r in resolved])
        match_status = "over_tolerance" if rules.needs_approval(differences) else "matched"
    registered = supplier.is_qualified_issuer
    cumulative = 0 if registered else cumulative_non_registered(s, supplier.id, cmd.bill_date,
                                                                 company.fiscal_year_start_month)
    received = receipt_date_of(s, cmd.order_id)
    # the 経過措置 share follows the 課税仕入れ date: the 検収 (receipt) when there is one, else the bill date
    small = credit_basis.small_amount_applies(
        credit_basis.company_qualifies(company.small_amount_exception, company.base_period_taxable_sales),
        received or cmd.bill_date, totals.gross)
    credits = _credits(totals.rates, registered, received or cmd.bill_date, cumulative,
                       company.fiscal_year_start_month, small)
    deductible = sum(c.credit.deductible for c in credits)
    due = _due(supplier, cmd)
    if supplier.small_subcontractor:  # 取適法3条: paid within 60 days of receipt
        problem = subcontract.due_problem(received or cmd.bill_date, due)
        if problem is not None:
            raise Invalid(problems=[problem])
    held = None
    if supplier.withholding_category:  # 源泉徴収: the fee without the tax shown on the invoice
        held = withholding_rules.for_bill(supplier.withholding_category, totals.net, totals.gross)
    needs = match_status == "over_tolerance" or approvals.needs_approval(s, "supplier_bill", cmd.department,
                                                                        totals.gross)
    return _Assessment(differences, match_status, registered, cumulative, credits, deductible, due, needs,
                       received, held)


def _apply(bill: SupplierBill, supplier: Partner, totals: InvoiceTotals, a: _Assessment) -> None:
    """The assessment's figures onto the bill row (before it is posted: afterwards it never changes)."""
    reasons = sorted({c.credit.reason for c in a.credits}) or ["none"]
    ratio = min((c.credit.ratio for c in a.credits), default=rules.FULL)
    bill.due_date = a.due
    bill.supplier_registered = a.registered
    bill.supplier_registration_number = supplier.registration_number
    bill.net, bill.tax, bill.gross = totals.net, totals.tax, totals.gross
    bill.deductible_tax, bill.non_deductible_tax = a.deductible, totals.tax - a.deductible
    bill.credit_reason = ",".join(reasons)[:40]
    bill.credit_ratio = f"{ratio.numerator}/{ratio.denominator}"
    bill.credit_breakdown = {c.rate.rate: [c.rate.tax, c.credit.deductible] for c in a.credits}
    bill.cumulative_before = a.cumulative
    bill.match_status = a.match_status
    bill.match_differences = [_difference_row(d) for d in a.differences]
    bill.receipt_date = a.receipt_date
    held = a.withholding
    bill.withholding_category = held.category if held else ""
    bill.withholding_base = held.base if held else 0
    bill.withholding_tax = held.tax if held else 0


def line_purposes(s: Session, cmd: BillInput) -> list[str | None]:
    """Each bill line's 用途区分: as given; else that of the order line it names (the 検収 posted the purchase with
    it, so the bill carries it unchanged); else, on a bill of an order whose lines all carry one 用途区分, that one;
    else None (the company's default when posted)."""
    by_line: dict[int, str | None] = {}
    if cmd.order_id is not None:
        by_line = {int(i): p for i, p in s.execute(select(PurchaseOrderLine.id, PurchaseOrderLine.tax_purpose)
                                                   .where(PurchaseOrderLine.order_id == cmd.order_id))}
    shared = set(by_line.values())
    only = next(iter(shared)) if len(shared) == 1 else None
    return [ln.tax_purpose or (by_line.get(ln.order_line_id) if ln.order_line_id is not None else only) or None
            for ln in cmd.lines]


def _add_lines(s: Session, actor: Actor, bill: SupplierBill, cmd: BillInput, found: _Lines) -> None:
    purposes = line_purposes(s, cmd)
    for n, (ln, r, code, purpose) in enumerate(zip(cmd.lines, found.resolved, found.codes, purposes, strict=True),
                                               start=1):
        s.add(BillLineRow(bill_id=bill.id, line_no=n, description=r.description, quantity=r.quantity,
                          unit_price=r.unit_price, tax_rate=r.tax_rate, amount=r.amount, account_code=code,
                          order_line_id=ln.order_line_id, tax_purpose=purpose))
    if cmd.attachment is not None:
        att = add_attachment(s, actor, "supplier_bill", bill.id, replace(
            cmd.attachment, transaction_date=cmd.bill_date, amount=found.totals.gross,
            counterparty=found.supplier.name))
        bill.attachment_id = att.id
    s.flush()


def _route(s: Session, actor: Actor, bill: SupplierBill, supplier: Partner, company: CompanyData,
           needs: bool) -> BillSummary:
    """Submitted for 承認, or posted at once."""
    request_id = None
    entry_no = None
    if needs:
        view = approvals.submit_in(s, actor, document_type="supplier_bill", document_id=bill.id,
                                   number=bill.number, title=f"{supplier.name} {bill.bill_number}",
                                   amount=_approval_amount(s, bill.department, bill.gross),
                                   department=bill.department)
        request_id = view.id
    else:
        entry_no = post_bill(s, actor, bill, company) or None
    return _summary(bill, request_id, entry_no)


def _audit_after(bill: SupplierBill, a: _Assessment, lines: int) -> dict[str, Any]:
    return {"number": bill.number, "supplier_id": bill.supplier_id, "bill_number": bill.bill_number,
            "bill_date": bill.bill_date.isoformat(), "due_date": a.due.isoformat(), "net": bill.net, "tax": bill.tax,
            "gross": bill.gross, "deductible_tax": a.deductible, "credit": bill.credit_reason,
            "ratio": bill.credit_ratio, "cumulative_before": a.cumulative, "order_id": bill.order_id,
            "match": a.match_status, "lines": lines}


def record_bill(uow: UnitOfWork, actor: Actor, cmd: BillInput) -> BillSummary:
    """仕入請求書 entered: checked, matched, its input tax computed; posted at once or submitted for 承認."""
    require_any(actor, "purchasing.edit", "payments.edit")
    price_entry = _check_input(cmd)
    with uow:
        s = uow.session
        company = load_company(uow)
        found = _resolve(s, company, cmd, price_entry)
        a = _assess(s, company, cmd, found)
        bill = SupplierBill(
            number=next_number(s, "bill", cmd.bill_date, company.fiscal_year_start_month),
            supplier_id=found.supplier.id, bill_number=cmd.bill_number.strip(), duplicate_key=found.key,
            bill_date=cmd.bill_date, order_id=cmd.order_id, department=cmd.department, status="pending_approval",
            notes=cmd.notes, created_by=actor.user_id, created_at=now_utc(), printed_tax=bool(cmd.printed_tax))
        _apply(bill, found.supplier, found.totals, a)
        s.add(bill)
        s.flush()
        _add_lines(s, actor, bill, cmd, found)
        audit.record(s, actor, "supplier_bill", bill.id, "create", after=_audit_after(bill, a, len(found.resolved)))
        result = _route(s, actor, bill, found.supplier, company, a.needs_approval)
        uow.commit()
    return result


# --- drafts ---------------------------------------------------------------------------------------------


def create_bill_draft(uow: UnitOfWork, actor: Actor, cmd: BillInput) -> BillSummary:
    """下書き: the bill and its lines saved as entered (status ``draft``): no posting, no payable, no 承認.
    :func:`post_bill_draft` then does everything :func:`record_bill` does. The lines are kept as saved."""
    require_any(actor, "purchasing.edit", "payments.edit")
    price_entry = _check_input(cmd)
    with uow:
        s = uow.session
        company = load_company(uow)
        found = _resolve(s, company, cmd, price_entry)
        due = _due(found.supplier, cmd)
        if cmd.order_id is not None:
            po = s.get(PurchaseOrder, cmd.order_id)
            if po is None or po.supplier_id != found.supplier.id:
                raise Invalid("purchasing.error.order_supplier", field="order_id", id=cmd.order_id)
        t = found.totals
        bill = SupplierBill(
            number=next_number(s, "bill", cmd.bill_date, company.fiscal_year_start_month),
            supplier_id=found.supplier.id, bill_number=cmd.bill_number.strip(), duplicate_key=found.key,
            bill_date=cmd.bill_date, due_date=due, order_id=cmd.order_id, department=cmd.department,
            supplier_registered=found.supplier.is_qualified_issuer,
            supplier_registration_number=found.supplier.registration_number, net=t.net, tax=t.tax, gross=t.gross,
            deductible_tax=0, non_deductible_tax=0, credit_reason="", credit_ratio="",
            credit_breakdown={rate: [tax, 0] for rate, tax in cmd.printed_tax}, printed_tax=bool(cmd.printed_tax),
            cumulative_before=0, match_status="none", match_differences=[], status="draft", notes=cmd.notes,
            created_by=actor.user_id, created_at=now_utc())
        s.add(bill)
        s.flush()
        _add_lines(s, actor, bill, cmd, found)
        audit.record(s, actor, "supplier_bill", bill.id, "create_draft", after={
            "number": bill.number, "supplier_id": bill.supplier_id, "bill_number": bill.bill_number,
            "bill_date": bill.bill_date.isoformat(), "due_date": due.isoformat(), "net": t.net, "tax": t.tax,
            "gross": t.gross, "price_entry": price_entry.value, "order_id": cmd.order_id,
            "lines": len(found.resolved)})
        result = _summary(bill)
        uow.commit()
    return result


def _draft_input(s: Session, bill: SupplierBill) -> BillInput:
    rows = list(s.scalars(select(BillLineRow).where(BillLineRow.bill_id == bill.id).order_by(BillLineRow.line_no)))
    entry = PriceEntry.TAX_INCLUSIVE if is_tax_inclusive(bill, rows) else PriceEntry.TAX_EXCLUSIVE
    lines = tuple(BillLineInput(r.description, Decimal(r.unit_price), Decimal(r.quantity), r.tax_rate,
                                r.account_code, r.order_line_id, tax_purpose=r.tax_purpose) for r in rows)
    printed = tuple((rate, tax) for rate, (tax, _d) in _stored_credits(bill).items()) if bill.printed_tax else ()
    return BillInput(bill.supplier_id, bill.bill_number, bill.bill_date, lines, bill.order_id, bill.department,
                     entry.value, bill.due_date, None, bill.notes, printed)


def post_bill_draft(uow: UnitOfWork, actor: Actor, bill_id: int) -> BillSummary:
    """計上: a draft bill checked again (duplicate, supplier, accounts), matched, its input tax computed, then
    posted at once or submitted for 承認, exactly like :func:`record_bill`."""
    require_any(actor, "purchasing.edit", "payments.edit")
    with uow:
        s = uow.session
        bill = s.get(SupplierBill, bill_id)
        if bill is None:
            raise NotFound("purchasing.error.bill_not_found", field="bill_id", id=bill_id)
        if bill.status != "draft":
            raise InvalidTransition("purchasing.error.transition", field="status", entity="supplier_bill",
                                    current=bill.status, target="posted")
        company = load_company(uow)
        cmd = _draft_input(s, bill)
        found = _resolve(s, company, cmd, price_entry_of(cmd.price_entry), exclude_id=bill.id)
        if found.totals.gross != bill.gross:  # the company's rounding changed since the draft
            bill.duplicate_key = found.key
        a = _assess(s, company, cmd, found)
        _apply(bill, found.supplier, found.totals, a)
        move(s, actor, bill, BILL_TRANSITIONS, "pending_approval", "supplier_bill")
        s.flush()
        audit.record(s, actor, "supplier_bill", bill.id, "post_draft",
                     after=_audit_after(bill, a, len(found.resolved)))
        result = _route(s, actor, bill, found.supplier, company, a.needs_approval)
        uow.commit()
    return result


def _bill_outcome(s: Session, actor: Actor, outcome: str, document_id: int) -> None:
    bill = s.get(SupplierBill, document_id)
    if bill is None or bill.status != "pending_approval":
        return
    if outcome == "approved":
        company = company_in(s)
        post_bill(s, actor, bill, company)
    elif outcome in ("rejected", "sent_back", "withdrawn"):  # withdrawn: like sent back, re-enter the bill
        move(s, actor, bill, BILL_TRANSITIONS, "rejected" if outcome == "rejected" else "sent_back",
             "supplier_bill")


class _InSession(UnitOfWork):
    """The caller's session seen as a unit of work (an event handler runs inside another use case's)."""

    def __init__(self, session: Session) -> None:
        super().__init__(lambda: session)
        self._session = session


def company_in(s: Session) -> CompanyData:
    return load_company(_InSession(s))


def get_bill(uow: UnitOfWork, actor: Actor, bill_id: int) -> BillSummary:
    require_any(actor, "purchasing.view", "payments.edit")
    with uow:
        bill = uow.session.get(SupplierBill, bill_id)
        if bill is None:
            raise NotFound("purchasing.error.bill_not_found", field="bill_id", id=bill_id)
        return _summary(bill)



@dataclass(frozen=True)
class BillLineView:
    id: int
    line_no: int
    description: str
    quantity: Decimal
    unit_price: Decimal
    tax_rate: str
    amount: int
    account_code: str
    order_line_id: int | None
    tax_purpose: str | None = None  # 用途区分 (None: posted with the company's default)


@dataclass(frozen=True)
class BillDetail:
    summary: BillSummary
    supplier_name: str
    bill_number: str
    bill_date: dt.date
    order_id: int | None
    department: str | None
    price_entry: str
    credit_reason: str
    credit_ratio: str
    match_differences: list[dict[str, Any]]
    notes: str
    lines: tuple[BillLineView, ...]


def bill_detail(uow: UnitOfWork, actor: Actor, bill_id: int) -> BillDetail:
    """A bill with its lines, its 承認 request (the latest) and its journal entry number."""
    require_any(actor, "purchasing.view", "payments.edit")
    with uow:
        s = uow.session
        bill = s.get(SupplierBill, bill_id)
        if bill is None:
            raise NotFound("purchasing.error.bill_not_found", field="bill_id", id=bill_id)
        rows = list(s.scalars(select(BillLineRow).where(BillLineRow.bill_id == bill.id)
                              .order_by(BillLineRow.line_no)))
        request_id = s.scalar(select(ApprovalRequest.id).where(ApprovalRequest.document_type == "supplier_bill",
                                                               ApprovalRequest.document_id == bill.id)
                              .order_by(ApprovalRequest.round.desc()).limit(1))
        entry_no = None
        if bill.journal_entry_id is not None:
            je = s.get(JournalEntry, bill.journal_entry_id)
            if je is not None and je.number is not None:
                entry_no = entry_number(je.fiscal_year, je.number)
        supplier = s.get(Partner, bill.supplier_id)
        return BillDetail(
            _summary(bill, request_id, entry_no), supplier.name if supplier else "", bill.bill_number,
            bill.bill_date, bill.order_id, bill.department,
            "inclusive" if is_tax_inclusive(bill, rows) else "exclusive", bill.credit_reason, bill.credit_ratio,
            list(bill.match_differences or []), bill.notes,
            tuple(BillLineView(r.id, r.line_no, r.description, Decimal(r.quantity), Decimal(r.unit_price),
                               r.tax_rate, r.amount, r.account_code, r.order_line_id, r.tax_purpose) for r in rows))


on_approval_outcome("supplier_bill", _bill_outcome)


register_reader("supplier_bill", lambda _s, actor, _id: can(actor, "purchasing.view") or can(actor, "payments.edit"))
