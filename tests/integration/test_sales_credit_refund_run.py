"""A customer's credit balance (前受金) refunded through a 支払 run (issue 12 item 4), on SQLite and PostgreSQL.

The customer was invoiced 10 x 1,234 = 12,340 + 1,234 = 13,574 on 2026-10-05 and paid it in full; on 11/2 two
were returned: 2 x 1,234 = 2,468 + 246 (246.8 切り捨て) = 2,714, all of it its credit balance (前受金). The
refund is chosen in the 2026-11-30 payment run: one transfer of 2,714 to the customer's account (the company
bears the fee, like any payee that is not a supplier). The 全銀 file carries it; marking the run paid posts
前受金 (the customer) 2,714 / 普通預金 2,714 and the credit balance is 0.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from ennoshita.actor import Actor
from ennoshita.approvals import services as approvals
from ennoshita.db import Database
from ennoshita.errors import Invalid
from ennoshita.ledger.models import Account, JournalLine, SubAccount
from ennoshita.purchasing import payments, zengin
from ennoshita.sales import billing, customer_credit, partners, receivables
from ennoshita.sales.lines import LineInput
from tests.integration.test_expenses import org  # noqa: F401 (fixture)
from tests.integration.test_sales_flow import CLERK, _items
from tests.integration.test_sales_statements import _deposit


def _advances(db: Database, code: str) -> tuple[int, int]:
    with db.uow() as uow:
        rows = uow.session.execute(
            select(JournalLine.debit, JournalLine.credit).join(Account, Account.id == JournalLine.account_id)
            .join(SubAccount, SubAccount.id == JournalLine.sub_account_id)
            .where(Account.code == "2190", SubAccount.code == code)).all()
    return sum(r[0] for r in rows), sum(r[1] for r in rows)


def test_credit_balance_refunded_by_a_payment_run(db: Database, org: dict[str, Actor]) -> None:  # noqa: F811
    customer = partners.create_partner(db.uow(), CLERK, partners.PartnerInput(
        code="C001", name="株式会社青葉商事", name_kana="カブシキガイシャアオバシヨウジ",
        registration_number="T5010001008846", closing_day=0, months_after=1, pay_day=31,
        bank_code="0005", branch_code="123", account_type="ordinary", account_number="7654321",
        account_holder_kana="ｶ)ｱｵﾊﾞｼﾖｳｼﾞ")).id
    _items(db)
    inv = billing.issue_invoice(db.uow(), CLERK, billing.InvoiceInput(customer, dt.date(2026, 10, 5), (
        LineInput(item_code="P-100", quantity="10"),)))
    assert inv.gross == 13_574
    dep = _deposit(db, dt.date(2026, 10, 30), "カ)アオバシヨウジ", 13_574)
    receivables.confirm_matches(db.uow(), CLERK, [receivables.MatchInput(dep, ((inv.id, 13_574),))])
    billing.issue_credit_note(db.uow(), CLERK, billing.CreditNoteInput(
        inv.id, dt.date(2026, 11, 2), (LineInput(item_code="P-100", quantity="2"),), "返品"))
    with db.uow() as uow:
        assert customer_credit.balances(uow.session, [customer]) == {customer: 2_714}

    suitou = org["suitou"]
    run = payments.create_payment_run(db.uow(), suitou, payments.PaymentRunInput(
        dt.date(2026, 11, 30), other_items=(("customer_refund", customer),), payer_id=suitou.user_id))
    assert [(t.payee_kind, t.supplier_name, t.bills_amount, t.transfer_amount) for t in run.transfers] == [
        ("customer_refund", "株式会社青葉商事", 2_714, 2_714)]
    with db.uow() as uow:  # reserved: not applied to an invoice meanwhile, nor chosen twice
        assert customer_credit.balances(uow.session, [customer]) == {}
    with pytest.raises(Invalid):
        payments.create_payment_run(db.uow(), suitou, payments.PaymentRunInput(
            dt.date(2026, 11, 30), other_items=(("customer_refund", customer),)))
    for who in (org["keiri"], org["yakuin"]):
        view = approvals.status_of(db.uow(), "payment_run", run.id)
        if view is None or view.status != "pending":
            break
        approvals.decide(db.uow(), who, view.id, "approve")
    exported = payments.export_zengin(db.uow(), suitou, run.id)
    _header, transfers, trailer = zengin.parse_file(exported.content, year=2026)
    assert [(t.bank_code, t.branch_code, t.account_number, t.recipient_name, t.amount) for t in transfers] == [
        ("0005", "123", "7654321", "ｶ)ｱｵﾊﾞｼﾖｳｼﾞ", 2_714)]
    assert (trailer.count, trailer.total) == (1, 2_714)
    payments.mark_paid(db.uow(), suitou, run.id, confirm_early=True)
    assert _advances(db, "C001") == (2_714, 2_714)  # 前受金 cleared
    view_after = customer_credit.credit_of(db.uow(), CLERK, customer)
    assert view_after.balance == 0 and view_after.movements[0].kind == "refund"
