"""A customer's credit balance (預り残高, 前受金) refunded through a 支払 run (issue 12 item 4).

Registered with :func:`ennoshita.purchasing.payments.register_payee_source` as ``customer_refund``: the
item is the customer (its partner id) and the transfer is its whole credit balance to the bank account on
its 取引先 record. Refunds are chosen explicitly (``other_items``), never swept in by a run over bills due.
Choosing it reserves the balance with a ``refund_run`` movement naming the run (so a 締め請求 meanwhile does
not apply it to an invoice); marking the run paid posts 前受金 (the customer) / 普通預金 through the payment
run and turns the movement into a ``refund``; a run that lets it go (cancelled, rejected) removes it.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from ennoshita.dates import now_utc, today_tokyo
from ennoshita.errors import Problem
from ennoshita.partners.models import Partner
from ennoshita.purchasing import payments
from ennoshita.sales import customer_credit
from ennoshita.sales.models import CustomerCredit

KIND = "customer_refund"


class CustomerRefundSource:
    def collect(self, s: Session, item_ids: tuple[int, ...] | None
                ) -> tuple[list[payments.OtherPayee], list[Problem]]:
        if item_ids is None:  # a refund is a decision: only the customers chosen
            return [], []
        found = customer_credit.balances(s, item_ids)
        partners = {p.id: p for p in s.scalars(select(Partner).where(Partner.id.in_(list(item_ids) or [0])))}
        payees: list[payments.OtherPayee] = []
        problems: list[Problem] = []
        for i, pid in enumerate(item_ids):
            partner = partners.get(pid)
            amount = found.get(pid, 0)
            if partner is None or amount <= 0:
                problems.append(Problem("sales.error.no_credit_to_refund", f"other_items[{i}]", {"id": pid}))
                continue
            if not (partner.bank_code and partner.branch_code and partner.account_number
                    and partner.account_holder_kana):
                problems.append(Problem("sales.error.refund_no_bank", f"other_items[{i}]", {"name": partner.name}))
                continue
            payees.append(payments.OtherPayee(
                KIND, pid, partner.name, partner.name_kana, customer_credit.CODE_ADVANCES, partner.code,
                partner.bank_code, partner.branch_code, partner.account_type or "ordinary", partner.account_number,
                partner.account_holder_kana, amount, (pid,)))
        return payees, problems

    def reserve(self, s: Session, run_id: int, payee: payments.OtherPayee) -> None:
        s.add(CustomerCredit(partner_id=payee.ref_id, entry_date=today_tokyo(), kind="refund_run",
                             amount=-payee.amount, payment_run_id=run_id, memo=f"支払 {run_id}",
                             created_at=now_utc()))
        s.flush()

    def release(self, s: Session, run_id: int) -> None:
        s.execute(delete(CustomerCredit).where(CustomerCredit.payment_run_id == run_id,
                                               CustomerCredit.kind == "refund_run"))

    def paid(self, s: Session, run_id: int) -> None:
        s.execute(update(CustomerCredit).where(CustomerCredit.payment_run_id == run_id,
                                               CustomerCredit.kind == "refund_run").values(kind="refund"))

    def items_of(self, s: Session, run_id: int) -> dict[int, tuple[int, ...]]:
        out: dict[int, list[int]] = defaultdict(list)
        for pid in s.scalars(select(CustomerCredit.partner_id).where(CustomerCredit.payment_run_id == run_id)
                             .order_by(CustomerCredit.id)):
            out[int(pid)] = [int(pid)]
        return {k: tuple(v) for k, v in out.items()}


payments.register_payee_source(KIND, CustomerRefundSource())
