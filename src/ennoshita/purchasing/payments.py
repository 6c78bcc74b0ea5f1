"""支払: payment runs over open payables, one transfer per supplier, approved by the route table, exported
as a 全銀 総合振込 file (kept byte for byte), then marked paid with the postings.

Transfer fee (振込手数料, :func:`~ennoshita.purchasing.rules.fee_for_bill` with the company's default account
as the sending bank): when we bear it (partner ``fee_bearer`` = ``payer``) the supplier gets the bills' total
and the fee is ours; when the supplier bears it (``payee``) the transfer is the total minus the fee.

Postings on :func:`mark_paid`, one entry per transfer, dated the payment date:

* we bear the fee: 買掛金 (supplier) total / 普通預金 total; 支払手数料 fee / 普通預金 fee;
* the supplier bears it: 買掛金 (supplier) total / 普通預金 transfer + 雑収入 fee (the fee withheld from the
  supplier, as the issue allows: "or 雑収入 as configured" -- we chose 雑収入); 支払手数料 fee / 普通預金 fee
  (what the bank charges us). The bank account goes down by the bills' total either way.

A run's file is exported once: a second export is refused until the first is voided (:func:`void_export`).

Other domains add payees through :func:`register_payee_source`: an employee's approved 経費精算 is paid in
the same run as one more transfer (the company bears the fee), posted 未払金 (employee) / 普通預金.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ennoshita import audit
from ennoshita.actor import Actor
from ennoshita.approvals import services as approvals
from ennoshita.approvals.models import ApprovalRequest
from ennoshita.dates import HolidayShift, is_bank_holiday, now_utc, shift_to_business_day, today_tokyo
from ennoshita.db import UnitOfWork
from ennoshita.errors import Conflict, Invalid, InvalidTransition, NotFound, Problem
from ennoshita.i18n import stored
from ennoshita.identity import load_company
from ennoshita.identity.company import BankAccountData, CompanyData
from ennoshita.identity.roles import require
from ennoshita.ledger import EntryDraft, LineDraft, PostingBatch, chart
from ennoshita.partners.models import Partner
from ennoshita.purchasing import rules, zengin
from ennoshita.purchasing.bills import require_any
from ennoshita.purchasing.models import (
    Payable,
    PaymentFile,
    PaymentFileVoid,
    PaymentRun,
    PaymentRunBill,
    PaymentTransfer,
    SupplierBill,
)
from ennoshita.purchasing.numbering import next_number
from ennoshita.purchasing.orders import move, on_approval_outcome
from ennoshita.withholding import services as withholding

RUN_TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"pending_approval", "approved", "cancelled"}),
    "pending_approval": frozenset({"approved", "rejected", "sent_back"}),
    "approved": frozenset({"exported"}),
    "exported": frozenset({"approved", "paid"}),  # back to approved when the file is voided
    "paid": frozenset({"cancelled"}),  # 支払済の取消 (purchasing.undo.undo_paid_run), never the draft's cancel
    "rejected": frozenset(),
    "sent_back": frozenset(),
    "cancelled": frozenset(),
}
PARTNER_ACCOUNT_TYPES = {"ordinary": "1", "checking": "2", "savings": "4"}
COMPANY_ACCOUNT_TYPES = {"普通": "1", "当座": "2", "貯蓄": "4"}


@dataclass(frozen=True)
class PaymentRunInput:
    payment_date: dt.date
    bill_ids: tuple[int, ...] = ()  # these bills, or (empty) every open bill due by ``due_by``
    due_by: dt.date | None = None
    payer_id: int | None = None  # who executes the payment (may not be its only approver)
    department: str | None = None
    submit: bool = True  # False: saved as a draft (its bills reserved) until :func:`submit_payment_run`
    # items of registered payee sources, e.g. (("expense_claim", 12),); with ``due_by`` every open one is taken
    other_items: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class OtherPayee:
    """One transfer that pays something else than supplier bills (e.g. an employee's approved expense claims)."""

    kind: str  # the source's name, e.g. expense_claim
    ref_id: int  # who is paid in the source's terms (the employee's user id)
    name: str
    name_kana: str
    liability_account: str  # the account the payment clears (未払金)
    sub_account: str  # the payee's 補助科目 under it
    bank_code: str
    branch_code: str
    account_type: str  # ordinary / checking / savings
    account_number: str
    account_holder_kana: str  # the names match the partner's, so one bank check serves both
    amount: int
    item_ids: tuple[int, ...]


class PayeeSource(Protocol):
    def collect(self, s: Session, item_ids: tuple[int, ...] | None) -> tuple[list[OtherPayee], list[Problem]]:
        """Open items grouped by payee: these ids, or every open one when ``None``."""

    def reserve(self, s: Session, run_id: int, payee: OtherPayee) -> None: ...

    def release(self, s: Session, run_id: int) -> None: ...

    def paid(self, s: Session, run_id: int) -> None: ...

    def items_of(self, s: Session, run_id: int) -> dict[int, tuple[int, ...]]:
        """The run's items by payee ``ref_id``."""


_SOURCES: dict[str, PayeeSource] = {}


def register_payee_source(kind: str, source: PayeeSource) -> None:
    _SOURCES[kind] = source


@dataclass(frozen=True)
class TransferView:
    supplier_id: int | None
    supplier_name: str
    bills_amount: int
    fee: int
    fee_bearer: str
    transfer_amount: int
    bill_ids: tuple[int, ...]
    payee_kind: str = "supplier"
    item_ids: tuple[int, ...] = ()  # the source's items (expense claims) for another payee kind


@dataclass(frozen=True)
class RunSummary:
    id: int
    number: str
    status: str
    payment_date: dt.date
    bills_total: int
    transfer_total: int
    fee_total: int
    transfers: tuple[TransferView, ...]
    approval_request_id: int | None = None


@dataclass(frozen=True)
class ExportResult:
    file_id: int
    content: bytes
    sha256: str
    count: int
    total: int


def default_bank(company: CompanyData) -> BankAccountData:
    banks = [b for b in company.bank_accounts if b.is_default] or list(company.bank_accounts)
    if not banks:
        raise Invalid("purchasing.error.no_bank_account", field="bank_account")
    return banks[0]


def _summary(s: Session, run: PaymentRun, request_id: int | None = None) -> RunSummary:
    names = {int(i): str(n) for i, n in s.execute(select(Partner.id, Partner.name).join(
        PaymentTransfer, PaymentTransfer.supplier_id == Partner.id).where(PaymentTransfer.run_id == run.id))}
    bills: dict[int, list[int]] = defaultdict(list)
    for transfer_id, bill_id in s.execute(select(PaymentRunBill.transfer_id, PaymentRunBill.bill_id)
                                          .where(PaymentRunBill.run_id == run.id).order_by(PaymentRunBill.id)):
        bills[int(transfer_id)].append(int(bill_id))
    others: dict[str, dict[int, tuple[int, ...]]] = {}
    views = []
    for t in _transfers(s, run.id):
        if t.payee_kind == "supplier":
            views.append(TransferView(t.supplier_id, names.get(t.supplier_id or 0, ""), t.bills_amount, t.fee,
                                      t.fee_bearer, t.transfer_amount, tuple(bills[t.id])))
            continue
        if t.payee_kind not in others:
            source = _SOURCES.get(t.payee_kind)
            others[t.payee_kind] = source.items_of(s, run.id) if source else {}
        views.append(TransferView(None, t.payee_name, t.bills_amount, t.fee, t.fee_bearer, t.transfer_amount, (),
                                  t.payee_kind, others[t.payee_kind].get(t.payee_ref or 0, ())))
    transfers = tuple(views)
    return RunSummary(run.id, run.number, run.status, run.payment_date, run.bills_total, run.transfer_total,
                      run.fee_total, transfers, request_id)


def _transfers(s: Session, run_id: int) -> list[PaymentTransfer]:
    return list(s.scalars(select(PaymentTransfer).where(PaymentTransfer.run_id == run_id)
                          .order_by(PaymentTransfer.id)))


def _load(s: Session, run_id: int) -> PaymentRun:
    run = s.get(PaymentRun, run_id)
    if run is None:
        raise NotFound("purchasing.error.run_not_found", field="run_id", id=run_id)
    return run


def _bank_problems(supplier: Partner | OtherPayee, where: str) -> tuple[list[Problem], str, str]:
    problems: list[Problem] = []
    for name, width in (("bank_code", 4), ("branch_code", 3), ("account_number", 7)):
        value = getattr(supplier, name) or ""
        if not (len(value) == width and value.isascii() and value.isdigit()):
            problems.append(Problem("purchasing.error.supplier_bank", f"{where}.{name}",
                                    {"supplier": supplier.name, "width": width}))
    account_type = PARTNER_ACCOUNT_TYPES.get(supplier.account_type, "")
    if not account_type:
        problems.append(Problem("purchasing.error.supplier_bank", f"{where}.account_type",
                                {"supplier": supplier.name, "width": 1}))
    name = ""
    try:
        name = zengin.to_zengin_kana(supplier.account_holder_kana or supplier.name_kana,
                                     field=f"{where}.account_holder_kana")[:30].rstrip()
    except Invalid as e:
        problems += [Problem("purchasing.error.supplier_zengin_characters", p.field,
                             {**p.params, "supplier": supplier.name}) for p in e.problems]
    if not name and not any((p.field or "").endswith("account_holder_kana") for p in problems):
        problems.append(Problem("error.required", f"{where}.account_holder_kana"))
    return problems, account_type, name


def create_payment_run(uow: UnitOfWork, actor: Actor, cmd: PaymentRunInput) -> RunSummary:
    """支払: one transfer per supplier over the chosen open bills, submitted for 承認."""
    require(actor, "payments.edit")
    if not cmd.bill_ids and not cmd.other_items and cmd.due_by is None:
        raise Invalid("purchasing.error.nothing_to_pay", field="bill_ids")
    check_payment_date(cmd.payment_date)
    with uow:
        s = uow.session
        company = load_company(uow)
        bank = default_bank(company)
        query = select(Payable).where(Payable.status == "open")
        explicit = bool(cmd.bill_ids or cmd.other_items)
        if explicit:
            query = query.where(Payable.bill_id.in_(cmd.bill_ids))
        else:
            assert cmd.due_by is not None
            query = query.where(Payable.due_date <= cmd.due_by)
        payables = {p.bill_id: p for p in s.scalars(query.order_by(Payable.supplier_id, Payable.due_date,
                                                                   Payable.bill_id).with_for_update())}
        problems = [Problem("purchasing.error.bill_not_open", f"bill_ids[{i}]", {"id": b})
                    for i, b in enumerate(cmd.bill_ids) if b not in payables]
        others, found = _other_payees(s, cmd.other_items if explicit else None)
        problems += found
        if not problems and not payables and not others:
            problems.append(Problem("purchasing.error.nothing_to_pay", "bill_ids"))
        if problems:
            raise Invalid(problems=problems)
        by_supplier: dict[int, list[Payable]] = defaultdict(list)
        for p in payables.values():
            by_supplier[p.supplier_id].append(p)
        suppliers = {p.id: p for p in s.scalars(select(Partner).where(Partner.id.in_(list(by_supplier))))}
        plans: list[tuple[Partner, list[Payable], str, str, int, int, int]] = []
        for supplier_id, items in by_supplier.items():
            supplier = suppliers[supplier_id]
            found, account_type, name = _bank_problems(supplier, f"suppliers[{supplier.code}]")
            if found:
                problems += found
                continue
            total = sum(p.open_amount for p in items)
            # 中小受託事業者: never 先方負担 (取適法運用基準 第4の3(1)カ, :mod:`~ennoshita.purchasing.subcontract`)
            bearer = rules.FeeBearer.SUPPLIER if supplier.fee_bearer == "payee" and not supplier.small_subcontractor \
                else rules.FeeBearer.US
            same_bank = supplier.bank_code == bank.bank_code
            same_branch = same_bank and supplier.branch_code == bank.branch_code
            try:
                fee = rules.fee_for_bill(total, bearer, same_bank, same_branch, fee_table_of(company))
                transfer, _charged = rules.payable_after_fee(total, bearer, fee)
            except Invalid as e:
                problems += [Problem(p.key, f"suppliers[{supplier.code}].{p.field}", p.params) for p in e.problems]
                continue
            if transfer > zengin.MAX_AMOUNT:  # 振込金額 is N10 in the 全銀 record
                problems.append(Problem("purchasing.error.supplier_amount", f"suppliers[{supplier.code}].amount",
                                        {"max": zengin.MAX_AMOUNT, "supplier": supplier.name, "amount": transfer}))
                continue
            plans.append((supplier, items, account_type, name, total, fee, transfer))
        other_plans: list[tuple[OtherPayee, str, str, int, int]] = []
        for payee in others:
            found, account_type, name = _bank_problems(payee, f"{payee.kind}[{payee.ref_id}]")
            if found:
                problems += found
                continue
            same_bank = payee.bank_code == bank.bank_code
            fee = rules.fee_for_bill(payee.amount, rules.FeeBearer.US, same_bank,
                                     same_bank and payee.branch_code == bank.branch_code, fee_table_of(company))
            other_plans.append((payee, account_type, name, fee, payee.amount))
        transfers_total = sum(p[6] for p in plans) + sum(p[4] for p in other_plans)
        if not problems and transfers_total > zengin.MAX_TOTAL:  # 合計金額 N12
            problems.append(Problem("purchasing.error.zengin_total", "transfer_total", {"max": zengin.MAX_TOTAL}))
        if problems:
            raise Invalid(problems=problems)
        run = PaymentRun(number=next_number(s, "payment_run", cmd.payment_date, company.fiscal_year_start_month),
                         payment_date=cmd.payment_date, status="draft", payer_id=cmd.payer_id,
                         department=cmd.department,
                         bills_total=sum(p[4] for p in plans) + sum(p[0].amount for p in other_plans),
                         transfer_total=transfers_total,
                         fee_total=sum(p[5] for p in plans) + sum(p[3] for p in other_plans),
                         journal_entry_ids=[], created_by=actor.user_id, created_at=now_utc())
        s.add(run)
        s.flush()
        for supplier, items, account_type, name, total, fee, transfer in plans:
            row = PaymentTransfer(run_id=run.id, supplier_id=supplier.id, bank_code=supplier.bank_code,
                                  branch_code=supplier.branch_code, account_type=account_type,
                                  account_number=supplier.account_number, recipient_name=name, bills_amount=total,
                                  fee=fee, fee_bearer="payee" if transfer < total else "payer",
                                  transfer_amount=transfer)
            s.add(row)
            s.flush()
            for p in items:
                s.add(PaymentRunBill(run_id=run.id, transfer_id=row.id, bill_id=p.bill_id, amount=p.open_amount))
                p.status, p.payment_run_id = "in_run", run.id
        for payee, account_type, name, fee, transfer in other_plans:
            s.add(PaymentTransfer(run_id=run.id, supplier_id=None, payee_kind=payee.kind, payee_ref=payee.ref_id,
                                  payee_name=payee.name, payee_sub_account=payee.sub_account,
                                  liability_account=payee.liability_account, bank_code=payee.bank_code,
                                  branch_code=payee.branch_code, account_type=account_type,
                                  account_number=payee.account_number, recipient_name=name,
                                  bills_amount=payee.amount, fee=fee, fee_bearer="payer", transfer_amount=transfer))
            _SOURCES[payee.kind].reserve(s, run.id, payee)
        s.flush()
        audit.record(s, actor, "payment_run", run.id, "create", after={
            "number": run.number, "payment_date": run.payment_date.isoformat(), "bills_total": run.bills_total,
            "transfer_total": run.transfer_total, "fee_total": run.fee_total, "payer_id": cmd.payer_id,
            "transfers": [[p[0].code, p[4], p[5], p[0].fee_bearer, p[6], [b.bill_id for b in p[1]]] for p in plans]
            + [[f"{p[0].kind}:{p[0].ref_id}", p[0].amount, p[3], "payer", p[4], list(p[0].item_ids)]
               for p in other_plans]})
        request_id = _submit(s, actor, run) if cmd.submit else None
        result = _summary(s, run, request_id)
        uow.commit()
    return result


def _other_payees(s: Session, items: tuple[tuple[str, int], ...] | None) -> tuple[list[OtherPayee], list[Problem]]:
    """The payees of the registered sources: the given items, or every open one (``None``)."""
    payees: list[OtherPayee] = []
    problems: list[Problem] = []
    wanted: dict[str, list[int]] = defaultdict(list)
    for i, (kind, item_id) in enumerate(items or ()):
        if kind not in _SOURCES:
            problems.append(Problem("purchasing.error.payee_kind", f"other_items[{i}]", {"kind": kind}))
        wanted[kind].append(item_id)
    for kind, source in _SOURCES.items():
        if items is not None and kind not in wanted:
            continue
        found, source_problems = source.collect(s, tuple(wanted[kind]) if items is not None else None)
        payees += found
        problems += source_problems
    return payees, problems


def default_payment_date(uow: UnitOfWork, today: dt.date | None = None) -> dt.date:
    """The date a new run proposes: the first bank business day, from today on, by which some open bill is due
    (bills already overdue: the next business day from today); with nothing open, the next business day."""
    start = today or today_tokyo()
    with uow:
        first = uow.session.scalar(select(func.min(Payable.due_date)).where(Payable.status == "open",
                                                                             Payable.due_date >= start))
        overdue = uow.session.scalar(select(func.count()).select_from(Payable).where(
            Payable.status == "open", Payable.due_date < start))
    day = start if overdue or not isinstance(first, dt.date) else first
    return shift_to_business_day(day, HolidayShift.NEXT)


def check_payment_date(day: dt.date, field: str = "payment_date") -> None:
    """振込指定日 must be a banking day (not 土日祝, not 12/31-1/3)."""
    if is_bank_holiday(day):
        raise Invalid("purchasing.error.bank_holiday", field=field, date=day)


def _submit(s: Session, actor: Actor, run: PaymentRun) -> int | None:
    """申請 on the route table (approved at once when no route applies); the request's id."""
    if approvals.needs_approval(s, "payment_run", run.department, run.transfer_total):
        move(s, actor, run, RUN_TRANSITIONS, "pending_approval", "payment_run")
        view = approvals.submit_in(s, actor, document_type="payment_run", document_id=run.id, number=run.number,
                                   title=stored("approvals.title.payment_run", date=run.payment_date),
                                   amount=run.transfer_total, department=run.department, payer_id=run.payer_id)
        return view.id
    move(s, actor, run, RUN_TRANSITIONS, "approved", "payment_run")
    return None


def _request_id(s: Session, run_id: int) -> int | None:
    return s.scalar(select(ApprovalRequest.id).where(ApprovalRequest.document_type == "payment_run",
                                                     ApprovalRequest.document_id == run_id)
                    .order_by(ApprovalRequest.round.desc()).limit(1))


def submit_payment_run(uow: UnitOfWork, actor: Actor, run_id: int) -> RunSummary:
    """申請 of a draft run (one created with ``submit=False``); a run already submitted is answered as is."""
    require(actor, "payments.edit")
    with uow:
        s = uow.session
        run = _load(s, run_id)
        if run.status != "draft":
            if run.status in ("pending_approval", "approved"):
                return _summary(s, run, _request_id(s, run.id))
            raise InvalidTransition("purchasing.error.transition", field="status", entity="payment_run",
                                    current=run.status, target="pending_approval")
        check_payment_date(run.payment_date)
        request_id = _submit(s, actor, run)
        result = _summary(s, run, request_id)
        uow.commit()
    return result


def cancel_payment_run(uow: UnitOfWork, actor: Actor, run_id: int) -> RunSummary:
    """A draft run dropped: its bills are open again."""
    require(actor, "payments.edit")
    with uow:
        s = uow.session
        run = _load(s, run_id)
        if run.status == "paid":  # its postings are undone by 支払済の取消 (purchasing.undo), not dropped
            raise InvalidTransition("purchasing.error.transition", field="status", entity="payment_run",
                                    current=run.status, target="cancelled")
        move(s, actor, run, RUN_TRANSITIONS, "cancelled", "payment_run")
        _release(s, run)
        result = _summary(s, run)
        uow.commit()
    return result


def decide_run(uow: UnitOfWork, actor: Actor, run_id: int, decision: str = "approve", comment: str = ""
               ) -> RunSummary:
    """承認 (or 却下 / 差戻し) of the run's pending request by the actor (the rules refuse the payer as the
    only approver, and the submitter)."""
    require_any(actor, "payments.edit", "purchasing.view")
    with uow:
        s = uow.session
        run = _load(s, run_id)
        request_id = _request_id(s, run.id)
        if run.status != "pending_approval" or request_id is None:
            raise Conflict("purchasing.error.run_not_pending", field="run_id", number=run.number,
                           status=run.status)
    approvals.decide(uow, actor, request_id, decision, comment)
    with uow:
        s = uow.session
        return _summary(s, _load(s, run_id), request_id)


def zengin_file(uow: UnitOfWork, actor: Actor, run_id: int, line_ending: zengin.LineEnding = "crlf"
                ) -> ExportResult:
    """The run's 全銀 file: exported on the first call, the stored file (byte for byte) afterwards. The auditor
    reads a stored file (and never exports one)."""
    require_any(actor, "payments.edit", "audit.view")
    with uow:
        s = uow.session
        run = _load(s, run_id)
        active = _active_file(s, run.id)
        if active is not None:
            return ExportResult(active.id, bytes(active.content), active.sha256, active.record_count, active.total)
    require(actor, "payments.edit")
    return export_zengin(uow, actor, run_id, line_ending)


@dataclass(frozen=True)
class RunRow:
    id: int
    number: str
    status: str
    payment_date: dt.date
    bills_total: int
    transfer_total: int
    fee_total: int


def list_runs(uow: UnitOfWork, actor: Actor, *, status: str | None = None, limit: int = 50, offset: int = 0
              ) -> list[RunRow]:
    """支払 newest first."""
    require_any(actor, "payments.edit", "purchasing.view")
    query = select(PaymentRun.id, PaymentRun.number, PaymentRun.status, PaymentRun.payment_date,
                   PaymentRun.bills_total, PaymentRun.transfer_total, PaymentRun.fee_total)
    if status:
        query = query.where(PaymentRun.status == status)
    query = query.order_by(PaymentRun.payment_date.desc(), PaymentRun.id.desc()).limit(max(1, min(limit, 500))
                                                                                       ).offset(max(0, offset))
    with uow:
        return [RunRow(*row) for row in uow.session.execute(query)]


def _active_file(s: Session, run_id: int) -> PaymentFile | None:
    voided = select(PaymentFileVoid.file_id)
    return s.scalar(select(PaymentFile).where(PaymentFile.run_id == run_id, PaymentFile.id.not_in(voided))
                    .order_by(PaymentFile.id.desc()).limit(1))


def export_zengin(uow: UnitOfWork, actor: Actor, run_id: int, line_ending: zengin.LineEnding = "crlf"
                  ) -> ExportResult:
    """The run's 全銀 総合振込 file, built from the company's default account; kept byte for byte."""
    require(actor, "payments.edit")
    with uow:
        s = uow.session
        company = load_company(uow)
        run = _load(s, run_id)
        previous = _active_file(s, run.id)
        if previous is not None:
            raise Conflict("purchasing.error.already_exported", field="run_id", number=run.number,
                           sha256=previous.sha256)
        check_payment_date(run.payment_date)
        bank = default_bank(company)
        if not bank.zengin_requester_code:
            raise Invalid("purchasing.error.requester_code", field="zengin_requester_code")
        header = zengin.ZenginHeader(
            requester_code=bank.zengin_requester_code, requester_name=bank.holder_kana or company.name_kana,
            transfer_date=run.payment_date, bank_code=bank.bank_code, bank_name=bank.bank_name_kana,
            branch_code=bank.branch_code, branch_name=bank.branch_name_kana,
            account_type=COMPANY_ACCOUNT_TYPES.get(bank.account_type, "1"), account_number=bank.account_number)
        edi = _edi_references(s, run.id) if company.zengin_edi else {}
        transfers = [zengin.ZenginTransfer(t.bank_code, "", t.branch_code, "", t.account_type, t.account_number,
                                           t.recipient_name, t.transfer_amount, edi=edi.get(t.id, ""))
                     for t in _transfers(s, run.id)]
        move(s, actor, run, RUN_TRANSITIONS, "exported", "payment_run")
        content = zengin.build_file(header, transfers, line_ending)
        digest = hashlib.sha256(content).hexdigest()
        row = PaymentFile(run_id=run.id, content=content, sha256=digest, line_ending=line_ending,
                          record_count=len(transfers), total=sum(t.amount for t in transfers),
                          created_by=actor.user_id, created_at=now_utc())
        s.add(row)
        s.flush()
        audit.record(s, actor, "payment_file", row.id, "export", after={
            "run": run.number, "sha256": digest, "bytes": len(content), "count": row.record_count,
            "total": row.total, "line_ending": line_ending})
        result = ExportResult(row.id, content, digest, row.record_count, row.total)
        uow.commit()
    return result


def _edi_references(s: Session, run_id: int) -> dict[int, str]:
    """EDI 情報 per transfer (company setting ``zengin_edi``): the supplier's invoice numbers it pays, joined
    by ``,`` (the 全銀 file keeps the first 20 bytes); another payee's transfer: the run number."""
    refs: dict[int, list[str]] = defaultdict(list)
    for transfer_id, bill_number in s.execute(
            select(PaymentRunBill.transfer_id, SupplierBill.bill_number)
            .join(SupplierBill, SupplierBill.id == PaymentRunBill.bill_id)
            .where(PaymentRunBill.run_id == run_id).order_by(PaymentRunBill.id)):
        refs[int(transfer_id)].append(str(bill_number))
    run = s.get(PaymentRun, run_id)
    number = run.number if run else ""
    return {t.id: ",".join(refs[t.id]) if refs.get(t.id) else number for t in _transfers(s, run_id)}


def void_export(uow: UnitOfWork, actor: Actor, run_id: int, reason: str) -> RunSummary:
    """取消: the exported file was not sent (or the bank refused it); the run may be exported again."""
    require(actor, "payments.edit")
    if not reason.strip():
        raise Invalid("error.required", field="reason")
    with uow:
        s = uow.session
        run = _load(s, run_id)
        active = _active_file(s, run.id)
        if active is None or run.status != "exported":
            raise Conflict("purchasing.error.no_active_export", field="run_id", number=run.number)
        s.add(PaymentFileVoid(file_id=active.id, reason=reason.strip(), voided_by=actor.user_id,
                              voided_at=now_utc()))
        move(s, actor, run, RUN_TRANSITIONS, "approved", "payment_run")
        audit.record(s, actor, "payment_file", active.id, "void", after={"sha256": active.sha256,
                                                                         "reason": reason.strip()})
        result = _summary(s, run)
        uow.commit()
    return result


def fee_table_of(company: CompanyData) -> rules.TransferFeeTable:
    """The company's 振込手数料 table (company settings), else the built-in example."""
    return rules.TransferFeeTable(**company.transfer_fee_table) if company.transfer_fee_table \
        else rules.DEFAULT_FEE_TABLE


def _payment_draft(run: PaymentRun, supplier: Partner, t: PaymentTransfer, withheld_account: str = "7130"
                   ) -> EntryDraft:
    memo = f"{run.number} {supplier.name}"
    lines = [LineDraft(chart.CODE_PAYABLE, t.bills_amount, 0, None, supplier.code, None, memo),
             LineDraft(chart.CODE_ORDINARY_DEPOSIT, 0, t.transfer_amount, None, None, None, memo)]
    if t.fee:
        if t.fee_bearer == "payee":  # withheld from the supplier: 雑収入, or back out of 支払手数料 (company setting)
            category = "purchase_10" if withheld_account == chart.CODE_TRANSFER_FEE else "out_of_scope"
            lines.append(LineDraft(withheld_account, 0, t.fee, category, None, None, memo))
        lines.append(LineDraft(chart.CODE_TRANSFER_FEE, t.fee, 0, "purchase_10", None, None, memo))
        lines.append(LineDraft(chart.CODE_ORDINARY_DEPOSIT, 0, t.fee, None, None, None, memo))
    return EntryDraft(run.payment_date, f"支払 {memo}", supplier.name, tuple(lines))


def _other_payment_draft(run: PaymentRun, t: PaymentTransfer) -> EntryDraft:
    """未払金 (payee) / 普通預金, and our 振込手数料."""
    memo = f"{run.number} {t.payee_name}"
    lines = [LineDraft(t.liability_account or chart.CODE_ACCRUED, t.bills_amount, 0, None, t.payee_sub_account,
                       None, memo),
             LineDraft(chart.CODE_ORDINARY_DEPOSIT, 0, t.transfer_amount, None, None, None, memo)]
    if t.fee:
        lines.append(LineDraft(chart.CODE_TRANSFER_FEE, t.fee, 0, "purchase_10", None, None, memo))
        lines.append(LineDraft(chart.CODE_ORDINARY_DEPOSIT, 0, t.fee, None, None, None, memo))
    return EntryDraft(run.payment_date, f"支払 {memo}", t.payee_name, tuple(lines))


def mark_paid(uow: UnitOfWork, actor: Actor, run_id: int, today: dt.date | None = None,
              confirm_early: bool = False) -> RunSummary:
    """支払済: post each transfer and close its bills in the payables; the 源泉所得税 withheld on its bills is
    dated by the payment (its 納期限 follows). Before the payment date it asks for confirmation
    (``confirm_early``): the bank has not moved the money yet."""
    require(actor, "payments.edit")
    with uow:
        s = uow.session
        run = _load(s, run_id)
        if run.status == "exported" and not confirm_early and run.payment_date > (today or today_tokyo()):
            raise Conflict("purchasing.error.paid_before_date", field="confirm_early", number=run.number,
                           date=run.payment_date)
        move(s, actor, run, RUN_TRANSITIONS, "paid", "payment_run")
        transfers = _transfers(s, run.id)
        suppliers = {p.id: p for p in s.scalars(select(Partner).where(
            Partner.id.in_([t.supplier_id for t in transfers if t.supplier_id is not None])))}
        batch = PostingBatch(s)
        company = load_company(uow)
        withheld_account = company.withheld_fee_account
        entries: list[str] = []
        ids: list[int] = []
        for t in transfers:
            if t.supplier_id is None:
                batch.sub_account(actor, t.liability_account or chart.CODE_ACCRUED, t.payee_sub_account or "",
                                  t.payee_name)
                draft = _other_payment_draft(run, t)
            else:
                supplier = suppliers[t.supplier_id]
                batch.sub_account(actor, chart.CODE_PAYABLE, supplier.code, supplier.name, supplier.name_kana,
                                  supplier.id)
                draft = _payment_draft(run, supplier, t, withheld_account)
            posted = batch.post(actor, draft, source="purchasing", source_ref=run.number, split_tax=False)
            entries.append(posted.entry_no)
            ids.append(posted.id)
        paid_bills = []
        for p in s.scalars(select(Payable).where(Payable.payment_run_id == run.id)):
            p.paid_amount, p.open_amount, p.status = p.amount, 0, "paid"
            paid_bills.append(p.bill_id)
        withholding.mark_paid(s, "supplier_bill", paid_bills, run.payment_date, company.withholding_special_due)
        for kind in {t.payee_kind for t in transfers} - {"supplier"}:
            _SOURCES[kind].paid(s, run.id)
        run.journal_entry_ids = ids
        run.paid_by, run.paid_at = actor.user_id, now_utc()
        audit.record(s, actor, "payment_run", run.id, "paid", after={
            "number": run.number, "entries": entries, "bills_total": run.bills_total,
            "transfer_total": run.transfer_total, "fee_total": run.fee_total})
        result = _summary(s, run)
        uow.commit()
    return result


def get_run(uow: UnitOfWork, actor: Actor, run_id: int) -> RunSummary:
    require_any(actor, "payments.edit", "purchasing.view")
    with uow:
        return _summary(uow.session, _load(uow.session, run_id), _request_id(uow.session, run_id))


def export_file(uow: UnitOfWork, actor: Actor, file_id: int) -> bytes:
    """A file exactly as exported (again, for download; the auditor reads it too)."""
    require_any(actor, "payments.edit", "audit.view")
    with uow:
        row = uow.session.get(PaymentFile, file_id)
        if row is None:
            raise NotFound("purchasing.error.file_not_found", field="file_id", id=file_id)
        return bytes(row.content)


def _release(s: Session, run: PaymentRun) -> None:
    for p in s.scalars(select(Payable).where(Payable.payment_run_id == run.id)):
        p.status, p.payment_run_id = "open", None
    for source in _SOURCES.values():
        source.release(s, run.id)


def _run_outcome(s: Session, actor: Actor, outcome: str, document_id: int) -> None:
    run = s.get(PaymentRun, document_id)
    if run is None or run.status != "pending_approval":
        return
    if outcome == "approved":
        move(s, actor, run, RUN_TRANSITIONS, "approved", "payment_run")
    elif outcome in ("rejected", "sent_back", "withdrawn"):  # the bills go back to open; a new run takes them
        move(s, actor, run, RUN_TRANSITIONS, "rejected" if outcome == "rejected" else "sent_back",
             "payment_run")
        _release(s, run)


def bills_of_run(s: Session, run_id: int) -> Sequence[SupplierBill]:
    return list(s.scalars(select(SupplierBill).join(PaymentRunBill, PaymentRunBill.bill_id == SupplierBill.id)
                          .where(PaymentRunBill.run_id == run_id).order_by(SupplierBill.id)))


on_approval_outcome("payment_run", _run_outcome)
