"""承認済み経費精算の取消, and filing the claim anew.

An approved claim is posted (費用 / 仮払消費税 / 未払金 of the employee, one entry per expense date) and waits for the
next payment run. :func:`cancel_claim` undoes it in one transaction: the 取消 of each of its entries
(:func:`ennoshita.ledger.reverse_in`, dated like the original unless that month is locked or its year closed, then
today), the claim kept with status ``cancelled`` (never deleted; no payment run offers it again), the reason in the
audit trail. It is 経理's (``expenses.cancel``), and refused while the claim is in a payment run that is not
cancelled (the run named: cancel or send back the run first) or once it is paid.

The employee then files a corrected claim: :func:`refile_source` gives the cancelled (or rejected) claim to copy
into a new one (``ClaimInput.copy_from``), whose lines may keep its receipts (:func:`copyable_receipts`; the
files are copied, the cancelled claim keeps its own for the 電子帳簿保存法 record).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ennoshita import audit
from ennoshita.actor import Actor
from ennoshita.attachments import services as attachments
from ennoshita.audit.models import AuditRecord
from ennoshita.dates import today_tokyo
from ennoshita.db import UnitOfWork
from ennoshita.errors import Conflict, Forbidden, InvalidTransition, NotFound
from ennoshita.expenses import services
from ennoshita.expenses.models import ExpenseClaim
from ennoshita.identity.roles import require
from ennoshita.ledger import reverse_in, reversed_among
from ennoshita.lengths import cancel_reason
from ennoshita.purchasing.models import PaymentRun

CANCELLED = "cancelled"
REFILABLE = frozenset({CANCELLED, "rejected"})  # ended claims the employee may copy into a new one


@dataclass(frozen=True)
class Cancellation:
    """What the 取消 of a claim did: when, by whom, why, and the reversing entries."""

    at: dt.datetime | None
    by: str
    reason: str
    reversal_entry_ids: tuple[int, ...]


def _reason(reason: str) -> str:
    return cancel_reason(reason, "expenses.error.cancel_reason")


def _refuse_paid_or_in_run(s: Session, claim: ExpenseClaim) -> None:
    """A claim in a payment run (draft, waiting for 承認, approved, exported) or paid by one is not cancelled."""
    if claim.payment_status == "unpaid":
        return
    run = s.get(PaymentRun, claim.payment_run_id) if claim.payment_run_id is not None else None
    label = run.number if run is not None else "-"
    if claim.payment_status == "paid":
        raise Conflict("expenses.error.cancel_paid", field="claim_id", number=claim.number, run=label)
    raise Conflict("expenses.error.cancel_in_run", field="claim_id", number=claim.number, run=label)


def _standing(s: Session, entry_ids: list[int]) -> list[int]:
    """The claim's entries not reversed yet (an entry reversed through the journal before it refused them)."""
    reversed_ = reversed_among(s, entry_ids)
    return [e for e in entry_ids if e not in reversed_]


def cancel_claim(uow: UnitOfWork, actor: Actor, claim_id: int, reason: str) -> services.ClaimView:
    """取消 of an approved, unpaid claim not in a payment run: its entries reversed, the claim ``cancelled``."""
    require(actor, "expenses.cancel")
    reason = _reason(reason)
    with uow:
        s = uow.session
        # the row lock orders this against a payment run taking the claim (its collect locks the same rows)
        claim = s.get(ExpenseClaim, claim_id, with_for_update=True)
        if claim is None:
            raise NotFound("expenses.error.not_found", field="claim_id", id=claim_id)
        if claim.status == CANCELLED:
            raise InvalidTransition("expenses.error.already_cancelled", field="status", number=claim.number)
        if claim.status != "approved":
            raise InvalidTransition("expenses.error.not_cancellable", field="status", number=claim.number)
        _refuse_paid_or_in_run(s, claim)
        entries = [int(e) for e in claim.journal_entry_ids or ()]
        reversals = [reverse_in(s, actor, entry_id, f"経費精算取消 {claim.number} {reason}",
                                fallback_date=today_tokyo()) for entry_id in _standing(s, entries)]
        claim.status = CANCELLED
        audit.record(s, actor, "expense_claim", claim.id, "cancel",
                     before={"number": claim.number, "status": "approved", "payment_status": claim.payment_status,
                             "total": claim.total, "entries": entries},
                     after={"status": CANCELLED, "reason": reason, "reversals": [r.entry_no for r in reversals],
                            "reversal_ids": [r.id for r in reversals]})
        s.flush()
        result = services.claim_view(s, claim)
        uow.commit()
    return result


def cancellation_of(s: Session, claim: ExpenseClaim) -> Cancellation | None:
    """The claim's 取消 as the audit trail recorded it (``None`` for a claim not cancelled)."""
    if claim.status != CANCELLED:
        return None
    rec = s.scalars(select(AuditRecord).where(AuditRecord.entity_type == "expense_claim",
                                              AuditRecord.entity_id == str(claim.id), AuditRecord.action == "cancel")
                    .order_by(AuditRecord.id.desc()).limit(1)).first()
    after = json.loads(rec.after or "{}") if rec is not None else {}
    return Cancellation(rec.occurred_at if rec is not None else None, rec.actor_name if rec is not None else "",
                        str(after.get("reason") or ""), tuple(int(i) for i in after.get("reversal_ids") or ()))


# ---------------------------------------------------------------- filing anew


def _source(s: Session, actor: Actor, claim_id: int) -> ExpenseClaim:
    claim = s.get(ExpenseClaim, claim_id)
    if claim is None:
        raise NotFound("expenses.error.not_found", field="copy_from", id=claim_id)
    if claim.employee_id != actor.user_id:
        raise Forbidden("expenses.error.not_owner")
    if claim.status not in REFILABLE:
        raise InvalidTransition("expenses.error.not_refilable", field="copy_from", number=claim.number)
    return claim


def refile_source(uow: UnitOfWork, actor: Actor, claim_id: int) -> services.ClaimView:
    """The employee's own cancelled (or rejected) claim, to copy into a new one."""
    require(actor, "expenses.use")
    with uow:
        s = uow.session
        return services.claim_view(s, _source(s, actor, claim_id))


def copyable_receipts(s: Session, actor: Actor, copy_from: int | None) -> tuple[str | None, set[int]]:
    """The number and the receipts (attachment ids) of the claim a new one is copied from (``copy_from``)."""
    if copy_from is None:
        return None, set()
    source = _source(s, actor, copy_from)
    return source.number, {a.id for a in attachments.list_for(s, services.OWNER, source.id)}


def copy_receipt(s: Session, actor: Actor, claim_id: int, attachment_id: int, field: str, day: dt.date,
                 amount: int, payee: str) -> int:
    """A copy of a receipt of the claim copied from, attached to the new claim with its line's 電子帳簿保存法
    search fields (取引年月日, 金額, 取引先); the original stays with the cancelled claim."""
    summary, content = attachments.get_content(s, attachment_id)
    return attachments.add_attachment(s, actor, services.OWNER, claim_id, attachments.NewAttachment(
        summary.filename, summary.content_type, content, transaction_date=day, amount=amount, counterparty=payee),
        services.RECEIPT_MAX_BYTES, field).id
