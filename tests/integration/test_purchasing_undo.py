"""購買の取消 on SQLite and PostgreSQL: 受領請求書の取消, 検収取消 and 支払済の取消 each post the reversal of what the
document posted, so that post + 取消 = nothing (買掛金, 仕入高, 仮払消費税 and 普通預金 as before, hand-checked),
keep the document as 取消, and refuse while something depends on it; the journal's own 取消 still refuses these
entries. Before this, a wrong bill, receipt or paid run could not be undone at all (the journal refused it and
purchasing had no undo).

Figures (税抜経理, 切り捨て): a registered supplier's bill of 100 x 1,000 = 100,000 + tax 10,000 = 110,000 posts
仕入高 100,000 + 仮払消費税 10,000 / 買掛金 110,000; a receipt of 100 x 1,200 = 120,000 + 12,000 posts 仕入高 120,000
+ 仮払消費税 12,000 / 買掛金 132,000 on the receipt date (検収基準).
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from ennoshita.actor import Actor
from ennoshita.db import Database
from ennoshita.errors import Conflict, Forbidden, Invalid, InvalidTransition
from ennoshita.identity import company as company_service
from ennoshita.identity import services as identity
from ennoshita.ledger import queries as ledger_queries
from ennoshita.ledger import services as ledger
from ennoshita.ledger.models import JournalEntry
from ennoshita.purchasing import bills, orders, payments, queries, recognition, undo
from ennoshita.purchasing.models import GoodsReceipt, PurchasingCancellation
from ennoshita.sales import partners
from ennoshita.sales.lines import LineInput
from tests.integration.test_purchasing import _account, _approve, _payable_balance, org  # noqa: F401 (fixture)

ADMIN = Actor.system()
SALES = Actor(user_id=None, name="営業 三郎", roles=frozenset({"sales_admin"}), via="cli")
ACCOUNTS = ("2120", "5120", "1460", "1140")  # 買掛金, 仕入高, 仮払消費税, 普通預金


def _maker(db: Database) -> int:
    """A registered issuer at another bank; we bear the fee (other bank, from 30,000 yen: 770)."""
    return partners.create_partner(db.uow(), ADMIN, partners.PartnerInput(
        code="S001", name="株式会社ヤマダ部品", name_kana="カブシキガイシャヤマダブヒン",
        registration_number="T5010001008846", is_customer=False, is_supplier=True, closing_day=31, months_after=1,
        pay_day=25, fee_bearer="payer", bank_code="0005", branch_code="123", account_type="ordinary",
        account_number="7654321", account_holder_kana="カブシキガイシャヤマダブヒン")).id


def _balances(db: Database) -> dict[str, int]:
    """Each account's balance, debit minus credit."""
    return {code: (lambda dc: dc[0] - dc[1])(_account(db, code)) for code in ACCOUNTS}


def _net(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    """What happened between two snapshots, per account, debit minus credit."""
    return {c: after[c] - before[c] for c in ACCOUNTS}


def _bill(db: Database, org: dict[str, Actor], supplier: int, number: str, qty: str = "100",  # noqa: F811
          order_id: int | None = None, day: dt.date = dt.date(2026, 11, 20)) -> bills.BillSummary:
    bill = bills.record_bill(db.uow(), org["kobai"], bills.BillInput(
        supplier, number, day, (bills.BillLineInput("部品", "1000", qty),), order_id=order_id, department="購買部"))
    assert bill.status == "posted"  # under ¥300,000: posted at once
    return bill


def _entry_of(db: Database, ref: str) -> int:
    with db.uow() as uow:
        found = uow.session.scalar(select(JournalEntry.id).where(
            JournalEntry.source == "purchasing", JournalEntry.source_ref == ref).order_by(JournalEntry.id.desc()))
    assert found is not None
    return int(found)


def _journal_refuses(db: Database, entry_id: int, key: str) -> None:
    with pytest.raises(Conflict) as refused:
        ledger.reverse_entry(db.uow(), org_keiri(db), entry_id, reason="誤り")
    assert refused.value.key == key


def org_keiri(db: Database) -> Actor:
    return identity.actor_by_email(db.uow(), "keiri@example.jp", "web")


def _open_candidates(db: Database, keiri: Actor) -> set[int]:
    """What a new payment run offers: the bills open and not in a run."""
    return {b.bill_id for b in queries.open_bills(db.uow(), keiri, statuses=("open",))}


def _paid_run(db: Database, org: dict[str, Actor], bill_ids: tuple[int, ...], day: dt.date) -> int:  # noqa: F811
    run = payments.create_payment_run(db.uow(), org["keiri2"], payments.PaymentRunInput(
        day, bill_ids, payer_id=org["cfo"].user_id))
    _approve(db, org["cfo"], "payment_run", run.id)
    _approve(db, org["yakuin"], "payment_run", run.id)
    payments.export_zengin(db.uow(), org["keiri"], run.id)
    assert payments.mark_paid(db.uow(), org["keiri"], run.id, confirm_early=True).status == "paid"
    return run.id


def test_a_posted_bill_is_cancelled_and_the_books_are_as_before(db: Database, org: dict[str, Actor]) -> None:  # noqa: F811
    keiri = org["keiri"]
    maker = _maker(db)
    kept = _bill(db, org, maker, "Y-1101", qty="50")  # stays: 50,000 + 5,000 = 55,000
    before = _balances(db)
    wrong = _bill(db, org, maker, "Y-1120")
    assert wrong.gross == 110_000
    assert _net(before, _balances(db)) == {"2120": -110_000, "5120": 100_000, "1460": 10_000, "1140": 0}
    assert _open_candidates(db, keiri) == {kept.id, wrong.id}
    _journal_refuses(db, _entry_of(db, wrong.number), "purchasing.owned.bill")

    with pytest.raises(Invalid) as no_reason:
        undo.cancel_bill(db.uow(), keiri, wrong.id, "  ")
    assert no_reason.value.problems[0].field == "reason"
    with pytest.raises(Forbidden):  # 営業事務 may not enter bills, so may not cancel one either
        undo.cancel_bill(db.uow(), SALES, wrong.id, "金額誤り")

    done = undo.cancel_bill(db.uow(), keiri, wrong.id, "金額誤り")
    assert done.status == "cancelled"
    assert _balances(db) == before  # post + 取消 = nothing
    assert _payable_balance(db, "S001") == 55_000
    assert _open_candidates(db, keiri) == {kept.id}  # the run's candidates no longer offer it
    check = recognition.payables_check(db.uow(), keiri)
    assert (check.subledger, check.ledger) == (55_000, 55_000)
    assert bills.get_bill(db.uow(), keiri, wrong.id).status == "cancelled"  # kept, never deleted
    with db.uow() as uow:
        row = uow.session.scalar(select(PurchasingCancellation).where(PurchasingCancellation.kind == "supplier_bill"))
        assert row is not None and (row.document_id, row.reason) == (wrong.id, "金額誤り")
        reversal_ids = list(row.reversal_entry_ids)
        assert len(reversal_ids) == 1
        assert ledger_queries.check_balances(uow.session) == []
    with pytest.raises(InvalidTransition):  # once only
        undo.cancel_bill(db.uow(), keiri, wrong.id, "二度目")
    with db.uow() as uow, pytest.raises(DBAPIError):  # a cancelled bill never changes (database trigger)
        uow.session.execute(text("UPDATE supplier_bills SET status = 'posted' WHERE id = :i"), {"i": wrong.id})
        uow.session.flush()
    with db.uow() as uow, pytest.raises(DBAPIError):  # nor does a posted one, but for its cancellation
        uow.session.execute(text("UPDATE supplier_bills SET status = 'cancelled', gross = 1 WHERE id = :i"),
                            {"i": kept.id})
        uow.session.flush()
    # the journal refuses the 取消 of the reversal (it would bring the bill back in the books only)
    with pytest.raises(Conflict) as back:
        ledger.reverse_entry(db.uow(), keiri, reversal_ids[0], reason="戻す")
    assert back.value.key == "ledger.error.owned_reversal"
    # the same supplier's number may be entered again, correctly
    again = _bill(db, org, maker, "Y-1120", qty="90")
    assert again.gross == 99_000


def test_a_bill_in_a_run_is_refused_and_a_paid_run_is_undone(db: Database, org: dict[str, Actor]) -> None:  # noqa: F811
    keiri = org["keiri"]
    maker = _maker(db)
    bill = _bill(db, org, maker, "Y-1120")
    run = payments.create_payment_run(db.uow(), org["keiri2"], payments.PaymentRunInput(
        dt.date(2026, 12, 25), (bill.id,), payer_id=org["cfo"].user_id))
    with pytest.raises(Conflict) as in_run:
        undo.cancel_bill(db.uow(), keiri, bill.id, "誤り")
    assert in_run.value.key == "purchasing.error.bill_in_run" and in_run.value.params["run"] == run.number
    with pytest.raises(Conflict):  # not paid: nothing to undo
        undo.undo_paid_run(db.uow(), keiri, run.id, "誤り")
    _approve(db, org["cfo"], "payment_run", run.id)
    _approve(db, org["yakuin"], "payment_run", run.id)
    payments.export_zengin(db.uow(), keiri, run.id)
    before_paid = _balances(db)
    payments.mark_paid(db.uow(), keiri, run.id, confirm_early=True)
    # 買掛金 110,000 / 普通預金 110,000; 支払手数料 700 + 仮払消費税 70 / 普通預金 770
    assert _net(before_paid, _balances(db)) == {"2120": 110_000, "5120": 0, "1460": 70, "1140": -110_770}
    with pytest.raises(Conflict) as paid:
        undo.cancel_bill(db.uow(), keiri, bill.id, "誤り")
    assert paid.value.key == "purchasing.error.bill_paid" and paid.value.params["run"] == run.number
    with pytest.raises(InvalidTransition):  # the draft's cancel never drops a paid run
        payments.cancel_payment_run(db.uow(), keiri, run.id)
    _journal_refuses(db, _entry_of(db, run.number), "purchasing.owned.payment_run")
    with pytest.raises(Forbidden):
        undo.undo_paid_run(db.uow(), org["kobai"], run.id, "誤って支払済")  # 購買 does not run payments

    undone = undo.undo_paid_run(db.uow(), keiri, run.id, "誤って支払済")
    assert undone.status == "cancelled"
    assert _balances(db) == before_paid
    assert _payable_balance(db, "S001") == 110_000
    assert _open_candidates(db, keiri) == {bill.id}
    with db.uow() as uow:
        assert ledger_queries.check_balances(uow.session) == []
    # payable in a new run, paid again
    second = _paid_run(db, org, (bill.id,), dt.date(2026, 12, 25))
    assert second != run.id and _payable_balance(db, "S001") == 0
    assert _net(before_paid, _balances(db)) == {"2120": 110_000, "5120": 0, "1460": 70, "1140": -110_770}


def _received_order(db: Database, org: dict[str, Actor], supplier: int, day: dt.date) -> tuple[int, int]:  # noqa: F811
    kobai = org["kobai"]
    po = orders.create_purchase_order(db.uow(), kobai, orders.PurchaseOrderInput(
        supplier, dt.date(2026, 11, 2), (LineInput("部品A", "100", "1200", "10"),), department="購買部"))
    orders.submit_purchase_order(db.uow(), kobai, po.id)
    if _approve(db, org["bucho"], "purchase_order", po.id) != "approved":
        _approve(db, org["keiri"], "purchase_order", po.id)
    orders.send_purchase_order(db.uow(), kobai, po.id)
    receipt = orders.record_receipt(db.uow(), kobai, orders.ReceiptInput(po.id, day))
    assert receipt.order_status == "received"
    return po.id, receipt.id


def test_a_receipt_is_cancelled_and_the_order_received_again(db: Database, org: dict[str, Actor]) -> None:  # noqa: F811
    kobai, keiri = org["kobai"], org["keiri"]
    maker = _maker(db)
    before = _balances(db)
    po_id, receipt_id = _received_order(db, org, maker, dt.date(2026, 11, 12))
    assert _net(before, _balances(db)) == {"2120": -132_000, "5120": 120_000, "1460": 12_000, "1140": 0}
    po_number = orders_number(db, po_id)
    _journal_refuses(db, _entry_of(db, po_number), "purchasing.owned.receipt")
    with pytest.raises(Forbidden):
        undo.cancel_receipt(db.uow(), SALES, receipt_id, "数量誤り")

    done = undo.cancel_receipt(db.uow(), kobai, receipt_id, "数量誤り")
    assert (done.order_status, len(done.reversal_entries)) == ("sent", 1)
    assert _balances(db) == before
    check = recognition.payables_check(db.uow(), keiri)
    assert (check.subledger, check.ledger) == (0, 0)
    with pytest.raises(Conflict):  # once only
        undo.cancel_receipt(db.uow(), kobai, receipt_id, "二度目")
    with db.uow() as uow:
        assert uow.session.get(GoodsReceipt, receipt_id).status == "cancelled"  # type: ignore[union-attr]

    # received again, in full, and billed: the bill settles the new receipt (not the cancelled one)
    again = orders.record_receipt(db.uow(), kobai, orders.ReceiptInput(po_id, dt.date(2026, 11, 13)))
    assert again.order_status == "received" and [q for _l, q in again.lines] == [100]
    bill = _order_bill(db, org, maker, po_id, "Y-1120", dt.date(2026, 11, 20))
    assert (bill.status, bill.match_status) == ("posted", "matched")
    assert _net(before, _balances(db)) == {"2120": -132_000, "5120": 120_000, "1460": 12_000, "1140": 0}
    with pytest.raises(Conflict) as billed:
        undo.cancel_receipt(db.uow(), kobai, again.id, "誤り")
    assert billed.value.key == "purchasing.error.receipt_billed"
    assert billed.value.params["bill"] == bill.number

    # the bill cancelled first (nothing of its own to reverse: it matched the receipt), then the receipt
    undo.cancel_bill(db.uow(), kobai, bill.id, "請求書誤り")
    assert _net(before, _balances(db)) == {"2120": -132_000, "5120": 120_000, "1460": 12_000, "1140": 0}
    check = recognition.payables_check(db.uow(), keiri)
    assert (check.subledger, check.ledger) == (132_000, 132_000)  # received, unbilled again
    undo.cancel_receipt(db.uow(), kobai, again.id, "返品")
    assert _balances(db) == before
    with db.uow() as uow:
        assert ledger_queries.check_balances(uow.session) == []


def _order_bill(db: Database, org: dict[str, Actor], supplier: int, po_id: int, number: str, day: dt.date  # noqa: F811
                ) -> bills.BillSummary:
    """The order's whole line billed (approved by the head and 経理 when it waits)."""
    with db.uow() as uow:
        line_id = int(uow.session.execute(text("SELECT id FROM purchase_order_lines WHERE order_id = :o"),
                                          {"o": po_id}).scalar_one())
    bill = bills.record_bill(db.uow(), org["kobai"], bills.BillInput(
        supplier, number, day, (bills.BillLineInput("部品A", "1200", "100", order_line_id=line_id),), order_id=po_id,
        department="購買部"))
    for who in ("bucho", "keiri"):
        if bills.get_bill(db.uow(), ADMIN, bill.id).status == "pending_approval":
            _approve(db, org[who], "supplier_bill", bill.id)
    return bills.get_bill(db.uow(), ADMIN, bill.id)


def orders_number(db: Database, po_id: int) -> str:
    with db.uow() as uow:
        return str(uow.session.execute(text("SELECT number FROM purchase_orders WHERE id = :i"),
                                       {"i": po_id}).scalar_one())


def test_billed_first_then_cancelled_the_receipt_posts_its_purchase(db: Database, org: dict[str, Actor]) -> None:  # noqa: F811
    """The bill came before the goods and booked the purchase; its receipt posted nothing. Cancelling the bill
    reverses the purchase, and the receipt (the goods did arrive) now books it on its own date."""
    kobai = org["kobai"]
    maker = _maker(db)
    po = orders.create_purchase_order(db.uow(), kobai, orders.PurchaseOrderInput(
        maker, dt.date(2026, 11, 2), (LineInput("部品A", "100", "1200", "10"),), department="購買部"))
    orders.submit_purchase_order(db.uow(), kobai, po.id)
    if _approve(db, org["bucho"], "purchase_order", po.id) != "approved":
        _approve(db, org["keiri"], "purchase_order", po.id)
    orders.send_purchase_order(db.uow(), kobai, po.id)
    before = _balances(db)
    bill = _order_bill(db, org, maker, po.id, "Y-1105", dt.date(2026, 11, 5))
    receipt = orders.record_receipt(db.uow(), kobai, orders.ReceiptInput(po.id, dt.date(2026, 11, 12)))
    assert _net(before, _balances(db)) == {"2120": -132_000, "5120": 120_000, "1460": 12_000, "1140": 0}
    undo.cancel_bill(db.uow(), kobai, bill.id, "二重計上")
    # the bill's 132,000 reversed, the receipt's 132,000 posted on 2026-11-12: the same totals
    assert _net(before, _balances(db)) == {"2120": -132_000, "5120": 120_000, "1460": 12_000, "1140": 0}
    check = recognition.payables_check(db.uow(), org["keiri"])
    assert (check.subledger, check.ledger) == (132_000, 132_000)
    undo.cancel_receipt(db.uow(), kobai, receipt.id, "返品")
    assert _balances(db) == before


def test_a_billed_basis_receipt_comes_out_of_the_month_end_accrual(db: Database, org: dict[str, Actor]) -> None:  # noqa: F811
    """請求基準: received 2026-11-12, accrued on 2026-11-30 (仕入高 120,000 + 仮払消費税 12,000 / 未払金 2150 132,000)
    and reversed on 12-01. The 検収取消 takes the receipt out of the 11-30 accrual and of its 12-01 reversal."""
    company_service.update_company(db.uow(), ADMIN, {"purchase_recognition": "bill"})
    kobai = org["kobai"]
    maker = _maker(db)
    before = _balances(db)
    _po, receipt_id = _received_order(db, org, maker, dt.date(2026, 11, 12))
    assert _balances(db) == before  # 請求基準: the receipt posts nothing
    recognition.accrue_unbilled(db.uow(), kobai, dt.date(2026, 11, 30))
    november = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert _span(db, "5120", november) == 120_000 and _span(db, "2150", november) == -132_000
    done = undo.cancel_receipt(db.uow(), kobai, receipt_id, "数量誤り")
    assert len(done.reversal_entries) == 2  # the 11-30 correction and its 12-01 戻し
    assert _span(db, "5120", november) == 0 and _span(db, "2150", november) == 0
    december = (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert _span(db, "5120", december) == 0 and _span(db, "2150", december) == 0


def _span(db: Database, code: str, span: tuple[dt.date, dt.date]) -> int:
    with db.uow() as uow:
        return int(uow.session.execute(text(
            "SELECT COALESCE(SUM(jl.debit - jl.credit), 0) FROM journal_lines jl JOIN accounts a "
            "ON a.id = jl.account_id WHERE a.code = :c AND jl.entry_date >= :f AND jl.entry_date <= :t"),
            {"c": code, "f": span[0], "t": span[1]}).scalar_one())


def test_the_withheld_tax_follows_the_undo_of_the_payment_and_of_the_bill(db: Database, org: dict[str, Actor]  # noqa: F811
                                                                          ) -> None:
    """顧問料 100,000 + 10,000 = 110,000; 源泉 10.21% = 10,210 to 預り金 2200; 買掛金 99,790. Paid on 2027-02-25 (the
    tax due 2027-03-10), the payment undone: the tax waits for a payment again; the bill cancelled: 預り金 is back to
    nothing and the tax is no longer owed."""
    keiri = org["keiri"]
    zeirishi = partners.create_partner(db.uow(), ADMIN, partners.PartnerInput(
        code="S010", name="山田 太郎 税理士事務所", name_kana="ﾔﾏﾀﾞ ﾀﾛｳ", registration_number="T5010001008846",
        is_customer=False, is_supplier=True, closing_day=31, months_after=1, pay_day=25, fee_bearer="payer",
        bank_code="0005", branch_code="123", account_type="ordinary", account_number="7654321",
        account_holder_kana="ﾔﾏﾀﾞ ﾀﾛｳ", address="東京都千代田区丸の内1-1-1", withholding_category="professional")).id
    before = _balances(db)
    fee = bills.record_bill(db.uow(), org["kobai"], bills.BillInput(
        zeirishi, "Y-2701", dt.date(2027, 1, 31),
        (bills.BillLineInput("1月分 顧問料", "100000", account_code="6340"),)))
    assert (fee.withholding_tax, fee.payable) == (10_210, 99_790)
    assert _account(db, "2200") == (0, 10_210)
    run_id = _paid_run(db, org, (fee.id,), dt.date(2027, 2, 25))
    with db.uow() as uow:
        due = uow.session.execute(text("SELECT paid_date, due_date FROM withholding_items")).one()
        assert (str(due[0]), str(due[1])) == ("2027-02-25", "2027-03-10")
    undo.undo_paid_run(db.uow(), keiri, run_id, "誤って支払済")
    with db.uow() as uow:
        assert tuple(uow.session.execute(text("SELECT paid_date, due_date FROM withholding_items")).one()) == (
            None, None)
    undo.cancel_bill(db.uow(), keiri, fee.id, "請求書誤り")
    debit, credit = _account(db, "2200")
    assert debit - credit == 0
    assert _net(before, _balances(db)) == dict.fromkeys(ACCOUNTS, 0)
    with db.uow() as uow:
        assert uow.session.execute(text("SELECT COUNT(*) FROM withholding_items")).scalar_one() == 0
