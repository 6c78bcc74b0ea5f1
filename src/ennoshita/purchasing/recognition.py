"""When a purchase is booked: 検収基準 (each goods receipt posts it on its receipt date) or the supplier bill
with a month-end accrual of what was received but not yet billed. A company setting
(``company.purchase_recognition``), the same choice the sales room offers for deliveries.

A 課税仕入れ takes place when the goods are received (消費税法基本通達11-3-1: 引取りの日), and the cost belongs to
that fiscal year (法人税法22条③: 当該事業年度の収益に係る売上原価). So goods received on 2027-03-25 and billed on
2027-04-10 belong to the year ending in March.

- ``receipt`` (検収基準, default): each 検収 posts 仕入高 + 仮払消費税 / 買掛金 (the supplier as 補助科目) on its
  receipt date, valued at the order's prices with the tax once per rate over the receipt, the input tax credited
  as a bill would be on that day (all of it from a registered issuer; the 経過措置 share for the receipt date
  from a supplier that is not registered; in full under the 少額特例). The supplier's bill for that order then
  settles the receipts (those dated on or before the bill that no bill settled yet): its own entry posts only
  what differs from what they posted (a price or rounding difference, the 源泉所得税), dated the bill date, and
  its payable is the whole bill. The 買掛金 of received-but-unbilled goods is counted by :func:`payables_check`.
- ``bill``: the bill posts the purchase. At a month end :func:`accrue_unbilled` books what was received by then
  and not yet billed, 仕入高 + 仮払消費税 / 未払金, and reverses it on the first day of the next month.

Each line is posted with its order line's 用途区分 (課税売上対応 / 非課税売上対応 / 共通対応; none: the company's
default, tagged here because a receipt posts ``as_posted``), and the bill's lines take the same one
(:func:`ennoshita.purchasing.bills.line_purposes`), so the bill settles the receipts without moving input tax
between the 個別対応方式 buckets.

A bill that arrives before the goods books the purchase itself (there is nothing to settle); the receipts that
follow it are then linked to it and post nothing, up to the bill's amount.

ASSUMPTION: a bill settles every unsettled receipt of its order dated on or before the bill date (a supplier
billing only part of what arrived gets the rest as a credit difference on that bill; enter such a bill after the
receipts it covers only). The per-supplier cap of the 経過措置
counts the supplier's bills of the fiscal year, as for a bill (not the receipts still unbilled).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ennoshita import audit
from ennoshita.actor import Actor
from ennoshita.audit.models import AuditRecord
from ennoshita.db import UnitOfWork
from ennoshita.errors import Conflict, Invalid
from ennoshita.identity import load_company
from ennoshita.identity.company import CompanyData
from ennoshita.identity.roles import require
from ennoshita.kernel.lines import LineInput, priced_as_discount, resolve_lines
from ennoshita.kernel.tax import InvoiceTotals, PriceEntry
from ennoshita.ledger import EntryDraft, LineDraft, PostedEntry, PostingBatch, chart, post_in, reverse_in
from ennoshita.ledger.models import (
    Account,
    Balance,
    ConsumptionTaxSettings,
    JournalEntry,
    JournalLine,
    SubAccount,
)
from ennoshita.ledger.posting import PostingContext, date_problems
from ennoshita.ledger.taxes import DEFAULT_PURPOSE, tagged_or_default
from ennoshita.partners.models import Partner
from ennoshita.purchasing import credit_basis
from ennoshita.purchasing.bills import (
    AccountKey,
    _credits,
    cumulative_non_registered,
    purchase_lines,
    require_any,
)
from ennoshita.purchasing.models import (
    GoodsReceipt,
    GoodsReceiptLine,
    Payable,
    PurchaseOrder,
    PurchaseOrderLine,
    SupplierBill,
)

RECEIPT, BILL = "receipt", "bill"
ACCRUAL_SOURCE = "purchasing_accrual"


@dataclass(frozen=True)
class _Valued:
    totals: InvoiceTotals
    by_rate: dict[str, dict[AccountKey, int]]
    stored: dict[str, tuple[int, int]]
    full_credit: bool
    reason: str
    inclusive: bool


def _value(s: Session, company: CompanyData, po: PurchaseOrder, supplier: Partner, day: dt.date,
           wanted: Sequence[tuple[PurchaseOrderLine, Decimal]]) -> _Valued:
    """The received quantities at the order's prices (tax once per rate) and the input tax credit on ``day``."""
    entry = PriceEntry(po.price_entry)
    # the order's 値引 line (a negative unit price) stays one
    resolved, totals = resolve_lines(s, [LineInput(ln.description, qty, Decimal(ln.unit_price), ln.tax_rate, ln.unit,
                                                   is_discount=priced_as_discount(Decimal(ln.unit_price)))
                                         for ln, qty in wanted], entry, company.rounding)
    registered = supplier.is_qualified_issuer
    cumulative = 0 if registered else cumulative_non_registered(s, supplier.id, day, company.fiscal_year_start_month)
    small = credit_basis.small_amount_applies(
        credit_basis.company_qualifies(company.small_amount_exception, company.base_period_taxable_sales),
        day, totals.gross)
    credits = _credits(totals.rates, registered, day, cumulative, company.fiscal_year_start_month, small)
    by_rate: dict[str, dict[AccountKey, int]] = defaultdict(lambda: defaultdict(int))
    default = default_purpose(s)
    for ln, (order_line, _qty) in zip(resolved, wanted, strict=True):
        # the order line's 用途区分 (個別対応方式), else the company's default: tagged here because the receipt is
        # posted as_posted (no defaulting by the ledger), so the tag is the one the report and the bill see
        by_rate[ln.tax_rate][(chart.CODE_PURCHASES, order_line.tax_purpose or default)] += ln.amount
    stored: dict[str, tuple[int, int]] = {str(c.rate.rate): (c.rate.tax, c.credit.deductible) for c in credits}
    reason = ",".join(sorted({c.credit.reason for c in credits}))[:40]
    return _Valued(totals, by_rate, stored, registered or small, reason,
                   entry is PriceEntry.TAX_INCLUSIVE and totals.tax != 0)


def default_purpose(s: Session) -> str:
    """The company's 用途区分 for a 課税仕入 given none (消費税 settings; 共通対応 when there are none)."""
    row = s.get(ConsumptionTaxSettings, 1)
    return row.default_purpose if row is not None and row.default_purpose else DEFAULT_PURPOSE


def _purchase_draft(company: CompanyData, v: _Valued, day: dt.date, description: str, counterparty: str,
                    credit_account: str, sub: str | None, memo: str) -> EntryDraft:
    lines = purchase_lines({k: dict(a) for k, a in v.by_rate.items()}, v.stored, v.full_credit,
                           company.tax_accounting != "exclusive", v.inclusive, memo)
    lines.append(LineDraft(credit_account, 0, v.totals.gross, None, sub, None, memo))
    return EntryDraft(day, description[:200], counterparty, tuple(lines))


def post_receipt(s: Session, actor: Actor, company: CompanyData, po: PurchaseOrder, receipt: GoodsReceipt,
                 wanted: Sequence[tuple[PurchaseOrderLine, Decimal]]) -> None:
    """検収基準: the receipt's purchase posted on its receipt date (nothing under ``bill``); its figures kept on
    the receipt."""
    if company.purchase_recognition != RECEIPT:
        return
    supplier = s.get(Partner, po.supplier_id)
    assert supplier is not None
    v = _value(s, company, po, supplier, receipt.receipt_date, wanted)
    receipt.net, receipt.tax, receipt.gross = v.totals.net, v.totals.tax, v.totals.gross
    receipt.deductible_tax = sum(d for _t, d in v.stored.values())
    receipt.credit_reason = v.reason
    billed_first = _billed_before_receipt(s, po.id, receipt)
    if billed_first is not None:  # the bill came first and booked the purchase: nothing more to post
        receipt.bill_id = billed_first
        return
    if v.totals.gross == 0:
        return
    batch = PostingBatch(s)
    batch.sub_account(actor, chart.CODE_PAYABLE, supplier.code, supplier.name, supplier.name_kana, supplier.id)
    draft = _purchase_draft(company, v, receipt.receipt_date, f"仕入(検収) {po.number} {supplier.name}",
                            supplier.name, chart.CODE_PAYABLE, supplier.code, po.number)
    posted = post_in(s, actor, draft, source="purchasing", source_ref=po.number, ctx=batch.ctx, index=batch.index,
                     as_posted=True)
    receipt.journal_entry_id = posted.id


def _billed_before_receipt(s: Session, order_id: int, receipt: GoodsReceipt) -> int | None:
    """A posted bill of the order that booked the purchase itself (it settled no posted receipt) and is not yet
    covered by the receipts linked to it since."""
    for bill_id, gross in s.execute(select(SupplierBill.id, SupplierBill.gross).where(
            SupplierBill.order_id == order_id, SupplierBill.status == "posted").order_by(SupplierBill.id)):
        linked = s.execute(select(func.count(GoodsReceipt.journal_entry_id), func.coalesce(func.sum(
            GoodsReceipt.gross), 0)).where(GoodsReceipt.bill_id == bill_id, GoodsReceipt.id != receipt.id)).one()
        if int(linked[0]) == 0 and int(linked[1]) + receipt.gross <= int(gross) + PRINTED_SLACK:
            return int(bill_id)
    return None


PRINTED_SLACK = 2  # yen: a bill's printed tax (±1 per rate) may leave it a yen or two under its receipts


def settle_receipts(s: Session, bill: SupplierBill) -> list[GoodsReceipt]:
    """The receipts the bill settles (its order's, dated on or before it, not settled yet), now linked to the
    bill; returns those whose purchase was posted (検収基準)."""
    if bill.order_id is None:
        return []
    found = list(s.scalars(select(GoodsReceipt).where(
        GoodsReceipt.order_id == bill.order_id, GoodsReceipt.bill_id.is_(None), GoodsReceipt.status == "posted",
        GoodsReceipt.receipt_date <= bill.bill_date).order_by(GoodsReceipt.id)))
    for r in found:
        r.bill_id = bill.id
    return [r for r in found if r.journal_entry_id is not None]


def difference(s: Session, draft: EntryDraft, receipts: Sequence[GoodsReceipt], description: str
               ) -> EntryDraft | None:
    """The bill's entry less what its receipts posted, per account, 補助科目 and 税区分 with its 用途区分 (a negative
    remainder on the other side); None when the bill posts exactly what the receipts did. An untagged 課税仕入 on
    either side counts as the company's default 用途区分, as the ledger would post it."""
    net: dict[tuple[str, str | None, str | None], int] = defaultdict(int)
    memo: dict[tuple[str, str | None, str | None], str] = {}
    default = default_purpose(s)  # an untagged 課税仕入 (the bill's, or a receipt posted before 0030) is the default
    for ln in draft.lines:
        key = (ln.account_code, ln.sub_account, tagged_or_default(ln.tax_category, default))
        net[key] += ln.debit - ln.credit
        memo.setdefault(key, ln.memo)
    rows = s.execute(
        select(Account.code, SubAccount.code, JournalLine.tax_category, JournalLine.debit, JournalLine.credit)
        .join(Account, Account.id == JournalLine.account_id)
        .outerjoin(SubAccount, SubAccount.id == JournalLine.sub_account_id)
        .where(JournalLine.entry_id.in_([r.journal_entry_id for r in receipts])))
    for code, sub, category, debit, credit in rows:
        net[(code, sub, tagged_or_default(category, default))] -= int(debit) - int(credit)
    lines = [LineDraft(code, amount if amount > 0 else 0, -amount if amount < 0 else 0, category, sub, None,
                       memo.get((code, sub, category), ""))
             for (code, sub, category), amount in net.items() if amount]
    if not lines:
        return None
    return EntryDraft(draft.date, description[:200], draft.counterparty, tuple(lines))


# ---------------------------------------------------------------- the sub-ledger check


@dataclass(frozen=True)
class ApCheck:
    subledger: int
    ledger: int

    @property
    def ok(self) -> bool:
        return self.subledger == self.ledger


def payables_check(uow: UnitOfWork, actor: Actor) -> ApCheck:
    """買掛金台帳 (open bills, with the receipts posted under 検収基準 that no bill settled yet) against the
    ledger's 買掛金 on the suppliers' 補助科目."""
    require_any(actor, "purchasing.view", "payments.edit")
    with uow:
        s = uow.session
        sub = int(s.scalar(select(func.coalesce(func.sum(Payable.open_amount), 0))) or 0)
        sub += int(s.scalar(select(func.coalesce(func.sum(GoodsReceipt.gross), 0)).where(
            GoodsReceipt.bill_id.is_(None), GoodsReceipt.journal_entry_id.is_not(None),
            GoodsReceipt.status == "posted")) or 0)
        debit, credit = s.execute(
            select(func.coalesce(func.sum(Balance.debit), 0), func.coalesce(func.sum(Balance.credit), 0))
            .join(Account, Account.id == Balance.account_id)
            .join(SubAccount, SubAccount.id == Balance.sub_account_id)
            .where(Account.code == chart.CODE_PAYABLE, SubAccount.partner_id.is_not(None))).one()
        return ApCheck(sub, int(credit) - int(debit))


# ---------------------------------------------------------------- 請求基準: the month-end accrual


@dataclass(frozen=True)
class AccrualResult:
    month_end: dt.date
    receipts: int
    gross: int
    entry_no: str | None
    reversal_no: str | None


def _month_end(day: dt.date) -> bool:
    return (day + dt.timedelta(days=1)).day == 1


def accrue_unbilled(uow: UnitOfWork, actor: Actor, month_end: dt.date) -> AccrualResult:
    """請求基準: what was received by ``month_end`` and not billed by then, 仕入高 + 仮払消費税 (the credit for
    each receipt's date) / 未払金, posted on the month end and reversed on the first day of the next month.
    Once per month (a second run is refused); refused under 検収基準 (the receipts posted it already)."""
    require(actor, "purchasing.edit")
    if not _month_end(month_end):
        raise Invalid("purchasing.error.not_month_end", field="month_end", date=month_end)
    with uow:
        s = uow.session
        company = load_company(uow)
        if company.purchase_recognition != BILL:
            raise Invalid("purchasing.error.accrual_receipt_basis", field="month_end")
        ref = f"ACCR-{month_end:%Y-%m}"
        if s.scalar(select(JournalEntry.id).where(JournalEntry.source == ACCRUAL_SOURCE,
                                                  JournalEntry.source_ref == ref).limit(1)) is not None:
            raise Conflict("purchasing.error.accrual_done", field="month_end", month=f"{month_end:%Y-%m}")
        settled_later = select(SupplierBill.id).where(SupplierBill.bill_date > month_end)
        receipts = list(s.scalars(select(GoodsReceipt).where(
            GoodsReceipt.receipt_date <= month_end, GoodsReceipt.journal_entry_id.is_(None),
            GoodsReceipt.status == "posted",
            GoodsReceipt.bill_id.is_(None) | GoodsReceipt.bill_id.in_(settled_later)).order_by(GoodsReceipt.id)))
        lines: list[LineDraft] = []
        gross = 0
        for r in receipts:
            po = s.get(PurchaseOrder, r.order_id)
            assert po is not None
            supplier = s.get(Partner, po.supplier_id)
            assert supplier is not None
            wanted = [(s.get(PurchaseOrderLine, gl.order_line_id), Decimal(gl.quantity)) for gl in s.scalars(
                select(GoodsReceiptLine).where(GoodsReceiptLine.receipt_id == r.id).order_by(GoodsReceiptLine.id))]
            v = _value(s, company, po, supplier, r.receipt_date, [(ln, q) for ln, q in wanted if ln is not None])
            draft = _purchase_draft(company, v, month_end, "", supplier.name, chart.CODE_ACCRUED, None,
                                    f"{po.number} {supplier.name}")
            lines.extend(draft.lines)
            gross += v.totals.gross
        entry_no = reversal_no = None
        if lines:
            posted = post_in(s, actor, EntryDraft(month_end, f"未払計上(検収済未請求) {month_end:%Y-%m}", "",
                                                  tuple(lines)), source=ACCRUAL_SOURCE, source_ref=ref,
                             as_posted=True)
            back = reverse_in(s, actor, posted.id, "翌月初戻し", reversal_date=month_end + dt.timedelta(days=1))
            entry_no, reversal_no = posted.entry_no, back.entry_no
        audit.record(s, actor, "purchase_accrual", 0, "accrue", after={
            "month_end": month_end.isoformat(), "receipts": [r.id for r in receipts], "gross": gross,
            "entry": entry_no, "reversal": reversal_no})
        uow.commit()
    return AccrualResult(month_end, len(receipts), gross, entry_no, reversal_no)


def unaccrue_receipt(s: Session, actor: Actor, company: CompanyData, po: PurchaseOrder, receipt: GoodsReceipt
                     ) -> list[PostedEntry]:
    """検収取消 under 請求基準: each month-end 未払計上 that counted the receipt (the audit trail of
    :func:`accrue_unbilled` names its receipts) gets the receipt's part taken out on that month end, with its own
    翌月初戻し. A month already locked keeps its accrual as it was: its 翌月初戻し took it out of the books since.
    ASSUMPTION: the part is valued again as the accrual valued it (the order's prices, the credit on the receipt
    date)."""
    if receipt.journal_entry_id is not None:
        return []
    ctx = PostingContext.load(s)
    out: list[PostedEntry] = []
    for after in s.scalars(select(AuditRecord.after).where(AuditRecord.entity_type == "purchase_accrual",
                                                           AuditRecord.action == "accrue").order_by(AuditRecord.id)):
        data = json.loads(after or "{}")
        if receipt.id not in data.get("receipts", []) or not data.get("entry"):
            continue
        month_end = dt.date.fromisoformat(data["month_end"])
        if date_problems(month_end, ctx.start_month, ctx.locked, ctx.closed):
            continue
        supplier = s.get(Partner, po.supplier_id)
        assert supplier is not None
        wanted = [(s.get(PurchaseOrderLine, gl.order_line_id), Decimal(gl.quantity)) for gl in s.scalars(
            select(GoodsReceiptLine).where(GoodsReceiptLine.receipt_id == receipt.id).order_by(GoodsReceiptLine.id))]
        v = _value(s, company, po, supplier, receipt.receipt_date, [(ln, q) for ln, q in wanted if ln is not None])
        draft = _purchase_draft(company, v, month_end, "", supplier.name, chart.CODE_ACCRUED, None,
                                f"{po.number} {supplier.name}")
        lines = tuple(LineDraft(ln.account_code, ln.credit, ln.debit, ln.tax_category, ln.sub_account, ln.department,
                                ln.memo) for ln in draft.lines)
        posted = post_in(s, actor, EntryDraft(month_end, f"未払計上取消(検収取消) {po.number} {month_end:%Y-%m}",
                                              "", lines), source=ACCRUAL_SOURCE, source_ref=f"ACCR-{month_end:%Y-%m}",
                         as_posted=True)
        back = reverse_in(s, actor, posted.id, "翌月初戻し", reversal_date=month_end + dt.timedelta(days=1))
        out += [posted, back]
    return out
