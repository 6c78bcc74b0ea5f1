"""Purchases in the right period (issue 11 item 3, purchase side), on SQLite and PostgreSQL.

Goods received (検収) on 2027-03-25 and billed on 2027-04-10 belong to the fiscal year April 2026 - March 2027
(消費税法基本通達11-3-1: the 課税仕入れ is made when the goods are received; 法人税法22条③). Every figure is
computed by hand in the comments.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from ennoshita.actor import Actor
from ennoshita.approvals import services as approvals
from ennoshita.db import Database
from ennoshita.errors import Conflict, Invalid
from ennoshita.identity import company as company_service
from ennoshita.identity import services as identity
from ennoshita.ledger.ctax_base import tax_base
from ennoshita.purchasing import bills, orders, queries, recognition
from ennoshita.sales import partners
from ennoshita.sales.lines import LineInput
from tests.conftest import csrf_of, login
from tests.integration.test_purchasing import PEOPLE, _approve, _payable_balance

ADMIN = Actor.system()


@pytest.fixture
def org(db: Database) -> dict[str, Actor]:
    """The company of test_purchasing (fiscal year from April, 税抜経理, 切り捨て), its people, the 購買部 head."""
    company_service.update_company(db.uow(), ADMIN, {
        "name": "株式会社さくら精機", "name_kana": "カブシキガイシャサクラセイキ",
        "registration_number": "T7123456789012", "fiscal_year_start_month": 4, "tax_accounting": "exclusive",
        "tax_rounding": "floor"})
    for email, name, roles, dept in PEOPLE:
        identity.create_user(db.uow(), ADMIN, identity.NewUser(email=email, display_name=name, roles=roles,
                                                               password="pw-for-tests-1", department=dept))
    people = {email.split("@")[0]: identity.actor_by_email(db.uow(), email, "web") for email, *_ in PEOPLE}
    approvals.set_department_head(db.uow(), ADMIN, "購買部", people["bucho"].user_id or 0)
    return people
FY2026 = (dt.date(2026, 4, 1), dt.date(2027, 3, 31))
APRIL_2027 = (dt.date(2027, 4, 1), dt.date(2027, 4, 30))
RECEIVED, BILLED = dt.date(2027, 3, 25), dt.date(2027, 4, 10)


def _sums(db: Database, code: str, span: tuple[dt.date, dt.date]) -> tuple[int, int]:
    """(debit, credit) of an account over a date range, straight from the journal lines."""
    with db.uow() as uow:
        row = uow.session.execute(text(
            "SELECT COALESCE(SUM(jl.debit), 0), COALESCE(SUM(jl.credit), 0) FROM journal_lines jl "
            "JOIN accounts a ON a.id = jl.account_id WHERE a.code = :c AND jl.entry_date >= :f "
            "AND jl.entry_date <= :t"), {"c": code, "f": span[0], "t": span[1]}).one()
        return int(row[0]), int(row[1])


def _supplier(db: Database, code: str, name: str, registration: str = "") -> int:
    return partners.create_partner(db.uow(), ADMIN, partners.PartnerInput(
        code=code, name=name, registration_number=registration, is_customer=False, is_supplier=True)).id


def _received_order(db: Database, org: dict[str, Actor], supplier: int, line: LineInput) -> int:
    kobai = org["kobai"]
    po = orders.create_purchase_order(db.uow(), kobai, orders.PurchaseOrderInput(
        supplier, dt.date(2027, 3, 1), (line,), department="購買部"))
    orders.submit_purchase_order(db.uow(), kobai, po.id)
    if _approve(db, org["bucho"], "purchase_order", po.id) != "approved":
        _approve(db, org["keiri"], "purchase_order", po.id)
    orders.send_purchase_order(db.uow(), kobai, po.id)
    orders.record_receipt(db.uow(), kobai, orders.ReceiptInput(po.id, RECEIVED))
    return po.id


def _approved_bill(db: Database, org: dict[str, Actor], cmd: bills.BillInput) -> bills.BillSummary:
    bill = bills.record_bill(db.uow(), org["kobai"], cmd)
    if bill.status == "pending_approval":
        for who in ("bucho", "keiri"):
            if bills.get_bill(db.uow(), ADMIN, bill.id).status == "pending_approval":
                _approve(db, org[who], "supplier_bill", bill.id)
        bill = bills.get_bill(db.uow(), ADMIN, bill.id)
    return bill


def test_goods_received_in_march_and_billed_in_april_are_a_march_purchase(db: Database, org: dict[str, Actor]
                                                                          ) -> None:
    """検収基準 (the default). Failed before: the receipt posted nothing and the bill booked the whole purchase on
    2027-04-10, so FY2026 showed no 仕入高 at all."""
    assert company_service.get_company(db.uow(), ADMIN).purchase_recognition == "receipt"
    keiri = org["keiri"]
    maker = _supplier(db, "S101", "株式会社ヤマダ部品", "T5010001008846")  # registered issuer
    shop = _supplier(db, "S102", "丸山梱包資材店")  # not registered: 経過措置
    po1 = _received_order(db, org, maker, LineInput("部品A", "100", "1200", "10"))
    po2 = _received_order(db, org, shop, LineInput("段ボール箱", "10", "5000", "10"))
    # receipts on 2027-03-25:
    #   ヤマダ: 100 x 1,200 = 120,000, tax 12,000 (registered: all of it)
    #         → 仕入高 120,000 + 仮払 12,000 / 買掛金 132,000
    #   丸山: 10 x 5,000 = 50,000, tax 5,000; 経過措置 70% (2026-10-01..2028-09-30): 3,500 deductible, 1,500 to cost
    #         → 仕入高 51,500 + 仮払 3,500 / 買掛金 55,000
    assert _sums(db, "5120", FY2026) == (171_500, 0)  # 120,000 + 51,500
    assert _sums(db, "1460", FY2026) == (15_500, 0)  # 12,000 + 3,500
    assert _sums(db, "2120", FY2026) == (0, 187_000)  # 132,000 + 55,000
    # the AP sub-ledger counts the received-but-unbilled goods: 187,000 = the ledger's 買掛金
    check = recognition.payables_check(db.uow(), keiri)
    assert (check.subledger, check.ledger) == (187_000, 187_000)

    # the bills arrive on 2027-04-10. ヤマダ prints 12,001 of tax (within ±1 yen): 120,000 + 12,001 = 132,001, so
    # 2027-04-10 books the difference only: 仮払消費税 1 / 買掛金 1.
    b1 = _approved_bill(db, org, bills.BillInput(
        maker, "Y-0410", BILLED, (bills.BillLineInput("部品A", "1200", "100", order_line_id=None),), order_id=po1,
        department="購買部", printed_tax=(("10", 12_001),)))
    # 丸山 bills exactly what was received: nothing more to post (no second purchase)
    b2 = _approved_bill(db, org, bills.BillInput(
        shop, "M-0410", BILLED, (bills.BillLineInput("段ボール箱", "5000", "10"),), order_id=po2,
        department="購買部"))
    assert (b1.status, b1.gross, b2.status, b2.gross) == ("posted", 132_001, "posted", 55_000)
    assert bills.bill_detail(db.uow(), keiri, b2.id).summary.entry_no is None  # no entry of its own
    assert bills.bill_detail(db.uow(), keiri, b1.id).summary.entry_no  # the 1-yen difference
    # FY2026 is unchanged by the bills; April holds the 1-yen adjustment only
    assert _sums(db, "5120", FY2026) == (171_500, 0)
    assert _sums(db, "1460", FY2026) == (15_500, 0)
    assert _sums(db, "2120", FY2026) == (0, 187_000)
    assert _sums(db, "5120", APRIL_2027) == (0, 0)
    assert _sums(db, "1460", APRIL_2027) == (1, 0)
    assert _sums(db, "2120", APRIL_2027) == (0, 1)
    # tax summary of FY2026: purchases 税込 per (rate, deductible share): 120,000 + 12,000 = 132,000 in full,
    # 51,500 + 3,500 = 55,000 at 70%; 仮払消費税 15,500
    with db.uow() as uow:
        base = tax_base(uow.session, *FY2026)
    assert base.purchases_gross == {(10, Fraction(1)): 132_000, (10, Fraction(7, 10)): 55_000}
    assert base.input_tax_booked == {10: 15_500}
    # the payables are the bills (132,001 + 55,000 = 187,001), which is the ledger's 買掛金 now
    check = recognition.payables_check(db.uow(), keiri)
    assert (check.subledger, check.ledger) == (187_001, 187_001)


def test_billed_purchases_are_accrued_at_month_end_and_reversed(db: Database, org: dict[str, Actor]) -> None:
    """請求基準 with the month-end accrual. Failed before: there was no such setting nor accrual."""
    company_service.update_company(db.uow(), ADMIN, {"purchase_recognition": "bill"})
    kobai = org["kobai"]
    maker = _supplier(db, "S103", "株式会社カワイ工業", "T5010001008846")
    po = _received_order(db, org, maker, LineInput("部品B", "100", "1000", "10"))
    assert _sums(db, "5120", FY2026) == (0, 0)  # the receipt posts nothing under 請求基準
    with pytest.raises(Invalid):
        recognition.accrue_unbilled(db.uow(), kobai, dt.date(2027, 3, 30))  # not a month end
    # 2027-03-31: 100 x 1,000 = 100,000 + tax 10,000 → 仕入高 100,000 + 仮払 10,000 / 未払金 110,000,
    # reversed on 2027-04-01
    done = recognition.accrue_unbilled(db.uow(), kobai, dt.date(2027, 3, 31))
    assert (done.receipts, done.gross) == (1, 110_000) and done.entry_no and done.reversal_no
    with pytest.raises(Conflict):
        recognition.accrue_unbilled(db.uow(), kobai, dt.date(2027, 3, 31))
    bill = _approved_bill(db, org, bills.BillInput(
        maker, "K-0410", BILLED, (bills.BillLineInput("部品B", "1000", "100"),), order_id=po, department="購買部"))
    assert bill.status == "posted" and bills.bill_detail(db.uow(), kobai, bill.id).summary.entry_no
    assert _sums(db, "5120", FY2026) == (100_000, 0)
    assert _sums(db, "1460", FY2026) == (10_000, 0)
    assert _sums(db, "2150", FY2026) == (0, 110_000)
    # April: the reversal (仕入高 -100,000, 仮払 -10,000, 未払金 +110,000) and the bill (+100,000, +10,000,
    # 買掛金 110,000): 仕入高 and 仮払 net to zero, 未払金 closes, 買掛金 110,000
    assert _sums(db, "5120", APRIL_2027) == (100_000, 100_000)
    assert _sums(db, "1460", APRIL_2027) == (10_000, 10_000)
    assert _sums(db, "2150", APRIL_2027) == (110_000, 0)
    assert _sums(db, "2120", APRIL_2027) == (0, 110_000)
    with db.uow() as uow:
        base = tax_base(uow.session, *FY2026)
    assert base.purchases_gross == {(10, Fraction(1)): 110_000} and base.input_tax_booked == {10: 10_000}
    check = recognition.payables_check(db.uow(), kobai)
    assert (check.subledger, check.ledger) == (110_000, 110_000)
    # the April month end finds nothing unbilled
    april = recognition.accrue_unbilled(db.uow(), kobai, dt.date(2027, 4, 30))
    assert (april.receipts, april.entry_no) == (0, None)


def test_the_company_screen_chooses_the_purchase_recognition(client: TestClient, demo_db: Database) -> None:
    login(client, "admin@demo.ennoshita.jp")
    page = client.get("/admin/company")
    assert "仕入の計上基準" in page.text and "検収基準" in page.text
    saved = client.post("/admin/company", data={"csrf_token": csrf_of(page.text), "purchase_recognition": "bill"},
                        follow_redirects=False)
    assert saved.status_code == 303, saved.text[:2000]
    assert company_service.get_company(demo_db.uow(), ADMIN).purchase_recognition == "bill"
    bad = client.post("/admin/company", data={"csrf_token": csrf_of(page.text), "purchase_recognition": "cash"})
    assert bad.status_code == 422 and "検収基準" in bad.text


def test_a_bill_before_the_goods_is_not_booked_twice(db: Database, org: dict[str, Actor]) -> None:
    """検収基準 with the bill first: the bill books the purchase, the later receipt posts nothing more."""
    kobai = org["kobai"]
    maker = _supplier(db, "S104", "株式会社サトウ製作所", "T5010001008846")
    po = orders.create_purchase_order(db.uow(), kobai, orders.PurchaseOrderInput(
        maker, dt.date(2027, 3, 1), (LineInput("部品C", "10", "3000", "10"),), department="購買部"))
    orders.submit_purchase_order(db.uow(), kobai, po.id)
    if _approve(db, org["bucho"], "purchase_order", po.id) != "approved":
        _approve(db, org["keiri"], "purchase_order", po.id)
    orders.send_purchase_order(db.uow(), kobai, po.id)
    # billed 2027-03-10 before anything arrived: 10 x 3,000 = 30,000 + 3,000
    # → 仕入高 30,000 + 仮払 3,000 / 買掛金 33,000
    _approved_bill(db, org, bills.BillInput(maker, "SA-0310", dt.date(2027, 3, 10),
                                            (bills.BillLineInput("部品C", "3000", "10"),), order_id=po.id,
                                            department="購買部"))
    orders.record_receipt(db.uow(), kobai, orders.ReceiptInput(po.id, RECEIVED))
    assert _sums(db, "5120", FY2026) == (30_000, 0)
    assert _sums(db, "2120", FY2026) == (0, 33_000)
    check = recognition.payables_check(db.uow(), kobai)
    assert (check.subledger, check.ledger) == (33_000, 33_000)


def test_payables_per_supplier_are_the_ledgers_including_goods_not_yet_billed(db: Database, org: dict[str, Actor]
                                                                             ) -> None:
    """検収基準: 買掛金残高 per supplier is what the ledger's 買掛金 holds on the supplier's 補助科目, the goods
    received and not yet billed included (they are in 買掛金 from the receipt date). Failed before: the list
    summed the open bills only, so it said nothing was owed while the 貸借対照表 showed 買掛金 ¥187,000."""
    keiri = org["keiri"]
    maker = _supplier(db, "S101", "株式会社ヤマダ部品", "T5010001008846")
    shop = _supplier(db, "S102", "丸山梱包資材店")
    po1 = _received_order(db, org, maker, LineInput("部品A", "100", "1200", "10"))
    _received_order(db, org, shop, LineInput("段ボール箱", "10", "5000", "10"))
    # received 2027-03-25, nothing billed: ヤマダ 100 x 1,200 = 120,000 + 10% = 132,000; 丸山 10 x 5,000 = 50,000
    # + 10% = 55,000 (the 経過措置 moves part of the tax to cost, not the amount owed): 187,000 in all
    rows = {(r.code, r.bills, r.open_amount, r.unbilled, r.next_due)
            for r in queries.payables_by_supplier(db.uow(), keiri)}
    assert rows == {("S101", 0, 132_000, 132_000, None), ("S102", 0, 55_000, 55_000, None)}
    assert queries.payables_totals(db.uow(), keiri) == queries.Totals(2, 187_000)
    assert (_payable_balance(db, "S101"), _payable_balance(db, "S102")) == (132_000, 55_000)

    # ヤマダ's bill (tax printed 12,001): 132,001 owed on the bill, nothing unbilled; 丸山 still unbilled
    b1 = _approved_bill(db, org, bills.BillInput(
        maker, "Y-0410", BILLED, (bills.BillLineInput("部品A", "1200", "100", order_line_id=None),), order_id=po1,
        department="購買部", printed_tax=(("10", 12_001),)))
    rows = {(r.code, r.bills, r.open_amount, r.unbilled, r.next_due)
            for r in queries.payables_by_supplier(db.uow(), keiri)}
    assert rows == {("S101", 1, 132_001, 0, b1.due_date), ("S102", 0, 55_000, 55_000, None)}
    assert queries.payables_totals(db.uow(), keiri) == queries.Totals(2, 187_001)
    assert (_payable_balance(db, "S101"), _payable_balance(db, "S102")) == (132_001, 55_000)
    # one supplier asked for: its own balance only
    assert [r.open_amount for r in queries.payables_by_supplier(db.uow(), keiri, supplier_id=shop)] == [55_000]
    assert queries.payables_totals(db.uow(), keiri, supplier_id=shop) == queries.Totals(1, 55_000)


def test_billed_basis_keeps_the_receipt_months_transitional_share(db: Database, org: dict[str, Actor]) -> None:
    """請求基準, a supplier that is not a registered issuer (経過措置, 施行令46条 as amended: 80% for 課税仕入れ of
    2023-10-01..2026-09-30, 70% from 2026-10-01). Goods received on 2026-09-25 are a September purchase (基本通達
    11-3-1): the month-end accrual books them on 2026-09-30 at 80% and reverses them on 2026-10-01, when the
    bill of 2026-10-10 takes them over. The 翌月初戻し is not a 取消 of a purchase: it hands the purchase to the bill,
    counted in the same month, so the return must hold the purchase once, at September's 80%.
    By hand: 10 x 5,000 = 50,000 + tax 5,000 = 55,000 税込, all of it at the 80% share. Failed before (with the
    reversal moved to its original's share, the accrual and its reversal cancelled and the bill counted at 70%)."""
    company_service.update_company(db.uow(), ADMIN, {"purchase_recognition": "bill"})
    kobai = org["kobai"]
    shop = _supplier(db, "S104", "丸山梱包資材店")  # not registered
    po = orders.create_purchase_order(db.uow(), kobai, orders.PurchaseOrderInput(
        shop, dt.date(2026, 9, 1), (LineInput("段ボール箱", "10", "5000", "10"),), department="購買部"))
    orders.submit_purchase_order(db.uow(), kobai, po.id)
    if _approve(db, org["bucho"], "purchase_order", po.id) != "approved":
        _approve(db, org["keiri"], "purchase_order", po.id)
    orders.send_purchase_order(db.uow(), kobai, po.id)
    orders.record_receipt(db.uow(), kobai, orders.ReceiptInput(po.id, dt.date(2026, 9, 25)))
    done = recognition.accrue_unbilled(db.uow(), kobai, dt.date(2026, 9, 30))
    assert (done.receipts, done.gross) == (1, 55_000) and done.reversal_no
    bill = _approved_bill(db, org, bills.BillInput(
        shop, "M-1010", dt.date(2026, 10, 10), (bills.BillLineInput("段ボール箱", "5000", "10"),), order_id=po.id,
        department="購買部"))
    assert bill.status == "posted"
    with db.uow() as uow:
        base = tax_base(uow.session, *FY2026)
    assert {k: v for k, v in base.purchases_gross.items() if v} == {(10, Fraction(4, 5)): 55_000}


def test_the_ledger_knows_the_accrual_source() -> None:
    from ennoshita.ledger.ctax_base import HANDED_OVER_SOURCE
    assert recognition.ACCRUAL_SOURCE == HANDED_OVER_SOURCE
