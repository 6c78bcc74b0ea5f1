"""経費精算 use cases: each one transaction, role checks here.

draft (申請前, editable by the employee) → 申請 (the approval route ``expense_claim``: 部門長, then 経理) →
approved: posted on the last approval (費用 / 未払金, one entry per expense date) → paid by the next payment
run (:mod:`ennoshita.purchasing.payments` takes approved, unpaid claims as one transfer per employee).
差戻し and 取下げ return the claim to the employee as editable; 却下 ends it.

A receipt dated in a locked month (月次締め) or a closed year is refused when the claim is saved and when it
is submitted, naming the line.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ennoshita import audit, events, numbering
from ennoshita.actor import Actor
from ennoshita.approvals import services as approvals
from ennoshita.attachments import services as attachments
from ennoshita.dates import now_utc, today_tokyo
from ennoshita.db import UnitOfWork
from ennoshita.errors import Forbidden, Invalid, InvalidTransition, NotFound, Problem
from ennoshita.expenses import rules
from ennoshita.expenses.bank import ACCOUNT_TYPES, BankInput, bank_account, save_bank_account
from ennoshita.expenses.models import EmployeeBankAccount, ExpenseClaim, ExpenseLine, ExpenseSequence
from ennoshita.identity.models import User
from ennoshita.identity.roles import can, require
from ennoshita.ledger import PostingBatch, chart
from ennoshita.ledger.posting import closed_years, date_problems, locked_periods
from ennoshita.lengths import length_problems
from ennoshita.purchasing import payments
from ennoshita.security.text import contains

OWNER = "expense_claim"
DOCUMENT_TYPE = "expense_claim"
EDITABLE = frozenset({"draft", "sent_back"})
RECEIPT_MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class Receipt:
    """The image (or PDF) of a receipt, as uploaded."""

    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class ClaimInput:
    title: str
    lines: tuple[rules.LineInput, ...]
    receipts: tuple[Receipt | None, ...] = ()  # by line; None: no new file
    keep_receipts: tuple[int | None, ...] = ()  # by line, on edit: an attachment of this claim to keep
    copy_from: int | None = None  # a new claim filed from the employee's cancelled one: its receipts may be kept


@dataclass(frozen=True)
class LineView:
    line_no: int
    kind: str
    expense_date: dt.date
    payee: str
    account_code: str
    tax_rate: str
    tax_category: str
    registration_number: str | None
    amount: int
    purpose: str
    route_from: str
    route_to: str
    round_trip: bool
    distance_km: Decimal | None
    rate_per_km: Decimal | None
    attachment_id: int | None
    attachment_name: str | None
    credit_basis: str = ""
    tax_purpose: str | None = None  # 用途区分 (None: the company's default)


@dataclass(frozen=True)
class ClaimView:
    id: int
    number: str
    employee_id: int
    employee_name: str
    department: str
    title: str
    status: str
    total: int
    payment_status: str
    payment_run_id: int | None
    journal_entry_ids: tuple[int, ...]
    created_at: dt.datetime
    submitted_at: dt.datetime | None
    approved_at: dt.datetime | None
    paid_at: dt.datetime | None
    lines: tuple[LineView, ...]
    approval_request_id: int | None = None
    # 取消 (status cancelled): the reversing entries, and who cancelled it, when and why (from the audit trail)
    reversal_entry_ids: tuple[int, ...] = ()
    cancel_reason: str = ""
    cancelled_by: str = ""
    cancelled_at: dt.datetime | None = None


@dataclass(frozen=True)
class ClaimRow:
    id: int
    number: str
    employee_id: int
    employee_name: str
    department: str
    title: str
    status: str
    total: int
    payment_status: str
    created_at: dt.datetime


# ---------------------------------------------------------------- helpers


def _load(s: Session, claim_id: int) -> ExpenseClaim:
    claim = s.get(ExpenseClaim, claim_id)
    if claim is None:
        raise NotFound("expenses.error.not_found", field="claim_id", id=claim_id)
    return claim


def _may_view(s: Session, actor: Actor, claim: ExpenseClaim) -> bool:
    return (claim.employee_id == actor.user_id or can(actor, "expenses.view")
            or approvals.involved(s, actor, DOCUMENT_TYPE, claim.id))


def _require_owner(actor: Actor, claim: ExpenseClaim) -> None:
    if claim.employee_id != actor.user_id:
        raise Forbidden("expenses.error.not_owner")


def _name(s: Session, user_id: int) -> str:
    return str(s.scalar(select(User.display_name).where(User.id == user_id)) or f"#{user_id}")


def _period_problems(s: Session, days: list[dt.date | None]) -> list[Problem]:
    """A line dated in a locked month (月次締め) or a closed fiscal year, by line."""
    start_month = load_company_month(s)
    locked, closed = locked_periods(s), closed_years(s)
    problems: list[Problem] = []
    for i, day in enumerate(days):
        if day is not None:
            problems += date_problems(day, start_month, locked, closed, field=f"lines[{i}].expense_date")
    return problems


def small_amount_company(s: Session) -> bool:
    """The company chose the 少額特例 and its 基準期間 figure qualifies it."""
    from ennoshita.identity.models import Company
    from ennoshita.purchasing.credit_basis import company_qualifies

    row = s.execute(select(Company.small_amount_exception, Company.base_period_taxable_sales).limit(1)).first()
    return row is not None and company_qualifies(bool(row[0]), row[1])


def load_company_month(s: Session) -> int:
    from ennoshita.identity.models import Company

    return int(s.scalar(select(Company.fiscal_year_start_month).limit(1)) or 4)


def _checked(line: ExpenseLine) -> rules.CheckedLine:
    return rules.CheckedLine(line.kind, line.expense_date, line.amount, line.payee, line.account_code, line.tax_rate,
                             line.tax_category, line.registration_number, line.purpose, line.route_from,
                             line.route_to, line.round_trip, line.distance_km, line.rate_per_km, line.credit_basis,
                             line.tax_purpose)


def _lines(s: Session, claim_id: int) -> list[ExpenseLine]:
    return list(s.scalars(select(ExpenseLine).where(ExpenseLine.claim_id == claim_id)
                          .order_by(ExpenseLine.line_no)))


def claim_view(s: Session, claim: ExpenseClaim) -> ClaimView:
    from ennoshita.expenses.cancellation import Cancellation, cancellation_of  # it imports this module

    names = {a.id: a.filename for a in attachments.list_for(s, OWNER, claim.id)}
    lines = tuple(LineView(x.line_no, x.kind, x.expense_date, x.payee, x.account_code, x.tax_rate, x.tax_category,
                           x.registration_number, x.amount, x.purpose, x.route_from, x.route_to, x.round_trip,
                           x.distance_km, x.rate_per_km, x.attachment_id,
                           names.get(x.attachment_id) if x.attachment_id else None, x.credit_basis,
                           x.tax_purpose)
                  for x in _lines(s, claim.id))
    status = approvals.status_of_in(s, DOCUMENT_TYPE, claim.id)
    done = cancellation_of(s, claim) or Cancellation(None, "", "", ())
    return ClaimView(claim.id, claim.number, claim.employee_id, _name(s, claim.employee_id), claim.department,
                     claim.title, claim.status, claim.total, claim.payment_status, claim.payment_run_id,
                     tuple(claim.journal_entry_ids or ()), claim.created_at, claim.submitted_at, claim.approved_at,
                     claim.paid_at, lines, status.id if status else None, done.reversal_entry_ids, done.reason,
                     done.by, done.at)


def _write_lines(s: Session, actor: Actor, claim: ExpenseClaim, cmd: ClaimInput) -> dict[str, Any]:
    """Check ``cmd`` and (re)write the claim's lines with their receipts; every problem at once."""
    from ennoshita.expenses import cancellation  # a new claim copied from a cancelled one (it imports this module)

    checked, problems = rules.check_lines(cmd.lines, today_tokyo(), small_amount_company(s))
    if not cmd.title.strip():
        problems.insert(0, Problem("error.required", "title"))
    problems += length_problems(ExpenseClaim, {"title": cmd.title.strip()})
    for i, ln in enumerate(cmd.lines):
        problems += length_problems(ExpenseLine, {k: getattr(ln, k, None) for k in ("payee", "route_from", "route_to")},
                                    prefix=f"lines[{i}].")
    problems += _period_problems(s, [line.expense_date for line in cmd.lines])
    own = {a.id for a in attachments.list_for(s, OWNER, claim.id)} if claim.id else set()
    copied_from, copied = cancellation.copyable_receipts(s, actor, cmd.copy_from)  # a cancelled claim's
    receipts: list[Receipt | None] = list(cmd.receipts) + [None] * (len(cmd.lines) - len(cmd.receipts))
    keep: list[int | None] = list(cmd.keep_receipts) + [None] * (len(cmd.lines) - len(cmd.keep_receipts))
    for i, receipt in enumerate(receipts[:len(cmd.lines)]):
        field = f"lines[{i}].receipt"
        if receipt is not None:
            ctype = receipt.content_type.split(";")[0].strip().lower()
            if not (ctype.startswith("image/") or ctype == "application/pdf"):
                problems.append(Problem("expenses.error.receipt_type", field, {"name": receipt.filename}))
            else:
                problems += attachments.check(attachments.NewAttachment(receipt.filename, ctype, receipt.content),
                                              field, RECEIPT_MAX_BYTES)
        elif keep[i] is not None and keep[i] not in own and keep[i] not in copied:
            problems.append(Problem("expenses.error.receipt_unknown", field))
    if problems:
        raise Invalid(problems=problems)
    for old in _lines(s, claim.id):
        s.delete(old)
    s.flush()
    for i, (line, receipt) in enumerate(zip(checked, receipts, strict=False)):
        attachment_id = keep[i]
        if receipt is not None:
            attachment_id = attachments.add_attachment(
                s, actor, OWNER, claim.id, attachments.NewAttachment(
                    receipt.filename, receipt.content_type.split(";")[0].strip().lower(), receipt.content,
                    transaction_date=line.expense_date, amount=line.amount, counterparty=line.payee),
                RECEIPT_MAX_BYTES, f"lines[{i}].receipt").id
        elif attachment_id is not None and attachment_id not in own:  # kept from the claim copied from
            attachment_id = cancellation.copy_receipt(s, actor, claim.id, attachment_id, f"lines[{i}].receipt",
                                                      line.expense_date, line.amount, line.payee)
        s.add(ExpenseLine(claim_id=claim.id, line_no=i + 1, kind=line.kind, expense_date=line.expense_date,
                          payee=line.payee, account_code=line.account_code, tax_rate=line.tax_rate,
                          tax_category=line.tax_category, registration_number=line.registration_number,
                          amount=line.amount, purpose=line.purpose, route_from=line.route_from,
                          route_to=line.route_to, round_trip=line.round_trip, distance_km=line.distance_km,
                          rate_per_km=line.rate_per_km, attachment_id=attachment_id,
                          credit_basis=line.credit_basis, tax_purpose=line.tax_purpose))
    claim.title = cmd.title.strip()[:200]
    claim.total = sum(line.amount for line in checked)
    s.flush()
    return {"title": claim.title, "total": claim.total, **({"copied_from": copied_from} if copied_from else {}),
            "lines": [[str(x.expense_date), x.kind, x.payee, x.account_code, x.tax_category, x.amount]
                      for x in checked]}


# ---------------------------------------------------------------- use cases


def create_claim(uow: UnitOfWork, actor: Actor, cmd: ClaimInput, submit: bool = False) -> ClaimView:
    """経費精算の作成 (下書き), or 作成して申請 with ``submit``."""
    require(actor, "expenses.use")
    if actor.user_id is None:
        raise Forbidden("expenses.error.not_owner")
    with uow:
        s = uow.session
        user = s.get(User, actor.user_id)
        day = today_tokyo()
        number = numbering.reserve(s, ExpenseSequence, "claim", day, load_company_month(s))
        claim = ExpenseClaim(number=f"EXP-{number[0]}-{number[1]:06d}", employee_id=actor.user_id,
                             department=(user.department if user else "") or "", title=cmd.title.strip()[:200] or "-",
                             status="draft", total=0, created_at=now_utc(), journal_entry_ids=[],
                             payment_status="unpaid")
        s.add(claim)
        s.flush()
        after = _write_lines(s, actor, claim, cmd)
        audit.record(s, actor, "expense_claim", claim.id, "create", after={"number": claim.number, **after})
        if submit:
            _submit(s, actor, claim)
        result = claim_view(s, claim)
        uow.commit()
    return result


def update_claim(uow: UnitOfWork, actor: Actor, claim_id: int, cmd: ClaimInput) -> ClaimView:
    """保存: a draft or a claim sent back, by its employee."""
    require(actor, "expenses.use")
    with uow:
        s = uow.session
        claim = _load(s, claim_id)
        _require_owner(actor, claim)
        if claim.status not in EDITABLE:
            raise InvalidTransition("expenses.error.not_editable", field="status", number=claim.number,
                                    status=claim.status)
        before = {"title": claim.title, "total": claim.total}
        after = _write_lines(s, actor, claim, cmd)
        audit.record(s, actor, "expense_claim", claim.id, "update", before=before, after=after)
        result = claim_view(s, claim)
        uow.commit()
    return result


def _submit(s: Session, actor: Actor, claim: ExpenseClaim) -> None:
    if claim.status not in EDITABLE:
        raise InvalidTransition("expenses.error.not_editable", field="status", number=claim.number,
                                status=claim.status)
    lines = _lines(s, claim.id)
    checked = [_checked(x) for x in lines]
    problems = rules.receipts_missing([(x.kind, x.attachment_id is not None) for x in lines])
    if not lines:
        problems.append(Problem("expenses.error.no_lines", "lines"))
    problems += _period_problems(s, [x.expense_date for x in checked])
    if s.get(EmployeeBankAccount, claim.employee_id) is None:
        problems.append(Problem("expenses.error.no_bank_account", "bank_account"))
    if problems:
        raise Invalid(problems=problems)
    claim.status = "pending_approval"
    claim.submitted_at = now_utc()
    audit.record(s, actor, "expense_claim", claim.id, "submit", after={"number": claim.number,
                                                                       "total": claim.total})
    if approvals.needs_approval(s, DOCUMENT_TYPE, claim.department, claim.total):
        approvals.submit_in(s, actor, document_type=DOCUMENT_TYPE, document_id=claim.id, number=claim.number,
                            title=claim.title, amount=claim.total, department=claim.department or None)
    else:
        _post(s, actor, claim)


def submit_claim(uow: UnitOfWork, actor: Actor, claim_id: int) -> ClaimView:
    """申請: every receipt line has its image, no line in a locked month, the 振込先口座 is registered."""
    require(actor, "expenses.use")
    with uow:
        s = uow.session
        claim = _load(s, claim_id)
        _require_owner(actor, claim)
        _submit(s, actor, claim)
        result = claim_view(s, claim)
        uow.commit()
    return result


def _post(s: Session, actor: Actor, claim: ExpenseClaim) -> None:
    """承認済: post one entry per expense date, 費用 (tax split by the ledger) / 未払金 (employee)."""
    name = _name(s, claim.employee_id)
    sub = rules.employee_sub_code(claim.employee_id)
    batch = PostingBatch(s)
    batch.sub_account(actor, chart.CODE_ACCRUED, sub, name)
    ids = []
    entries = []
    for draft in rules.posting_drafts(claim.number, name, sub, [_checked(x) for x in _lines(s, claim.id)]):
        posted = batch.post(actor, draft, source="expenses", source_ref=claim.number, split_tax=True)
        ids.append(posted.id)
        entries.append(posted.entry_no)
    claim.status = "approved"
    claim.approved_at = now_utc()
    claim.journal_entry_ids = ids
    claim.payment_status = "unpaid"
    audit.record(s, actor, "expense_claim", claim.id, "approved", after={"number": claim.number,
                                                                         "entries": entries, "total": claim.total})
    events.publish(s, actor, "expenses.claim_approved", claim_id=claim.id, employee_id=claim.employee_id,
                   total=claim.total)


def _on_outcome(outcome: str) -> events.Handler:
    def handler(s: Session, actor: Actor, data: dict[str, Any]) -> None:
        if data.get("document_type") != DOCUMENT_TYPE:
            return
        claim = s.get(ExpenseClaim, int(data["document_id"]))
        if claim is None or claim.status != "pending_approval":
            return
        if outcome == "approved":
            _post(s, actor, claim)
            return
        claim.status = {"rejected": "rejected", "sent_back": "sent_back"}.get(outcome, "draft")
        audit.record(s, actor, "expense_claim", claim.id, outcome, after={"number": claim.number,
                                                                         "status": claim.status})
    return handler


for _outcome in ("approved", "rejected", "sent_back", "withdrawn"):
    events.subscribe(f"approvals.{_outcome}", _on_outcome(_outcome))


def get_claim(uow: UnitOfWork, actor: Actor, claim_id: int) -> ClaimView:
    with uow:
        s = uow.session
        claim = _load(s, claim_id)
        if not _may_view(s, actor, claim):
            raise Forbidden("error.forbidden", capability="expenses.view")
        return claim_view(s, claim)


def receipt(uow: UnitOfWork, actor: Actor, claim_id: int, attachment_id: int
            ) -> tuple[attachments.AttachmentSummary, bytes]:
    """A receipt image of the claim, for whoever may read the claim."""
    with uow:
        s = uow.session
        claim = _load(s, claim_id)
        if not _may_view(s, actor, claim):
            raise Forbidden("error.forbidden", capability="expenses.view")
        summary, content = attachments.get_content(s, attachment_id)
        if summary.owner_type != OWNER or summary.owner_id != str(claim.id):
            raise NotFound("attachment.error.not_found", field="attachment_id")
        return summary, content


def list_claims(uow: UnitOfWork, actor: Actor, *, mine: bool = True, status: str | None = None,
                payment_status: str | None = None, q: str | None = None, limit: int = 50, offset: int = 0
                ) -> tuple[list[ClaimRow], int]:
    """経費精算一覧, newest first: the actor's own, or everyone's for 経理 and the auditor."""
    require(actor, "expenses.use" if mine else "expenses.view")
    query, count = _claims_query(actor, mine, status, payment_status, q)
    query = query.order_by(ExpenseClaim.id.desc()).limit(max(1, min(limit, 200))).offset(max(0, offset))
    with uow:
        s = uow.session
        return [ClaimRow(**row._asdict()) for row in s.execute(query)], int(s.scalar(count) or 0)


def export_claims(session: Session, actor: Actor, *, mine: bool = True, status: str | None = None,
                  payment_status: str | None = None, q: str | None = None) -> Iterator[ClaimRow]:
    """Every claim :func:`list_claims` finds with these filters (all pages), in keyset batches."""
    from ennoshita import exports

    require(actor, "expenses.use" if mine else "expenses.view")
    query, _ = _claims_query(actor, mine, status, payment_status, q)
    return (ClaimRow(**row._asdict()) for row in exports.keyset(session, query, ExpenseClaim.id))


def _claims_query(actor: Actor, mine: bool, status: str | None, payment_status: str | None, q: str | None
                  ) -> tuple[Any, Any]:
    query = select(ExpenseClaim.id, ExpenseClaim.number, ExpenseClaim.employee_id,
                   User.display_name.label("employee_name"), ExpenseClaim.department, ExpenseClaim.title,
                   ExpenseClaim.status, ExpenseClaim.total, ExpenseClaim.payment_status, ExpenseClaim.created_at).join(
        User, User.id == ExpenseClaim.employee_id)
    count = select(func.count()).select_from(ExpenseClaim)
    conditions = []
    if mine:
        conditions.append(ExpenseClaim.employee_id == actor.user_id)
    if status:
        conditions.append(ExpenseClaim.status == status)
    if payment_status:
        conditions.append(ExpenseClaim.payment_status == payment_status)
    if q and q.strip():
        like = contains(q.strip())
        conditions.append(ExpenseClaim.number.like(like, escape="\\") | ExpenseClaim.title.like(like, escape="\\"))
    for c in conditions:
        query, count = query.where(c), count.where(c)
    return query, count


# ---------------------------------------------------------------- payment runs


class ClaimsPayeeSource:
    """Approved, unpaid claims for :mod:`ennoshita.purchasing.payments`: one transfer per employee."""

    def collect(self, s: Session, item_ids: tuple[int, ...] | None
                ) -> tuple[list[payments.OtherPayee], list[Problem]]:
        query = select(ExpenseClaim).where(ExpenseClaim.status == "approved", ExpenseClaim.payment_status == "unpaid")
        if item_ids is not None:
            query = query.where(ExpenseClaim.id.in_(item_ids))
        claims = list(s.scalars(query.order_by(ExpenseClaim.employee_id, ExpenseClaim.id).with_for_update()))
        found = {c.id for c in claims}
        problems = [Problem("expenses.error.not_payable", f"expense_claim_ids[{i}]", {"id": cid})
                    for i, cid in enumerate(item_ids or ()) if cid not in found]
        by_employee: dict[int, list[ExpenseClaim]] = defaultdict(list)
        for c in claims:
            by_employee[c.employee_id].append(c)
        payees = []
        for employee_id, items in by_employee.items():
            name = _name(s, employee_id)
            bank = s.get(EmployeeBankAccount, employee_id)
            if bank is None:
                problems.append(Problem("expenses.error.employee_no_bank", f"expense_claim[{employee_id}]",
                                        {"employee": name}))
                continue
            payees.append(payments.OtherPayee(
                DOCUMENT_TYPE, employee_id, name, bank.holder_kana, chart.CODE_ACCRUED,
                rules.employee_sub_code(employee_id), bank.bank_code, bank.branch_code, bank.account_type,
                bank.account_number, bank.holder_kana, sum(c.total for c in items), tuple(c.id for c in items)))
        return payees, problems

    def reserve(self, s: Session, run_id: int, payee: payments.OtherPayee) -> None:
        s.execute(update(ExpenseClaim).where(ExpenseClaim.id.in_(payee.item_ids))
                  .values(payment_status="in_run", payment_run_id=run_id))

    def release(self, s: Session, run_id: int) -> None:
        s.execute(update(ExpenseClaim).where(ExpenseClaim.payment_run_id == run_id,
                                             ExpenseClaim.payment_status == "in_run")
                  .values(payment_status="unpaid", payment_run_id=None))

    def paid(self, s: Session, run_id: int) -> None:
        s.execute(update(ExpenseClaim).where(ExpenseClaim.payment_run_id == run_id)
                  .values(payment_status="paid", paid_at=now_utc()))

    def items_of(self, s: Session, run_id: int) -> dict[int, tuple[int, ...]]:
        out: dict[int, list[int]] = defaultdict(list)
        for claim_id, employee_id in s.execute(select(ExpenseClaim.id, ExpenseClaim.employee_id)
                                               .where(ExpenseClaim.payment_run_id == run_id)
                                               .order_by(ExpenseClaim.id)):
            out[int(employee_id)].append(int(claim_id))
        return {k: tuple(v) for k, v in out.items()}


payments.register_payee_source(DOCUMENT_TYPE, ClaimsPayeeSource())


def open_claims(uow: UnitOfWork, actor: Actor, limit: int = 200) -> list[ClaimRow]:
    """Approved claims not yet in a payment run (for the 支払 screen)."""
    require(actor, "payments.edit")
    rows, _total = list_claims(uow, actor, mine=False, status="approved", payment_status="unpaid", limit=limit)
    return rows


__all__ = ["ACCOUNT_TYPES", "BankInput", "ClaimInput", "ClaimView", "LineView", "Receipt", "bank_account", "claim_view",
           "create_claim", "get_claim", "list_claims", "open_claims", "receipt", "save_bank_account", "submit_claim",
           "update_claim"]


def _may_read_file(s: Session, actor: Actor, owner_id: str) -> bool:
    """A receipt is read by whoever may read its claim (the employee, 経理, the auditor, its approvers)."""
    claim = s.get(ExpenseClaim, int(owner_id)) if owner_id.isdigit() else None
    return claim is not None and _may_view(s, actor, claim)


attachments.register_reader(OWNER, _may_read_file)
