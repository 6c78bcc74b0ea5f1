"""Purchasing and payables on SQLite and PostgreSQL: PO → 承認 → 送付 → partial 検収 → matched bill → 承認 →
posted; a bill from a non-registered supplier (経過措置 70%); a duplicate refused; a payment run with one
supplier bearing the fee → 承認 by two people → 全銀 file → paid, and 買掛金 back to zero.

Every expected figure is computed by hand in the comments (tax once per rate, 切り捨て).
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from ennoshita.actor import Actor
from ennoshita.approvals import services as approvals
from ennoshita.attachments.services import NewAttachment
from ennoshita.db import Database
from ennoshita.errors import Conflict, Forbidden, Invalid
from ennoshita.identity import company as company_service
from ennoshita.identity import services as identity
from ennoshita.ledger import queries as ledger_queries
from ennoshita.purchasing import bills, orders, payments, queries, zengin
from ennoshita.sales import partners
from ennoshita.sales.lines import LineInput

ADMIN = Actor.system()
PEOPLE = (("kobai@example.jp", "高橋 美咲", ("purchasing",), "購買部"),
          ("bucho@example.jp", "森 部長", ("purchasing",), "購買部"),
          ("keiri@example.jp", "佐藤 花子", ("accounting",), "経理部"),
          ("keiri2@example.jp", "鈴木 次郎", ("accounting",), "経理部"),
          ("cfo@example.jp", "山本 財務", ("accounting", "admin"), "経理部"),
          ("yakuin@example.jp", "桜井 一郎", ("admin",), "役員"))


@pytest.fixture
def org(db: Database) -> dict[str, Actor]:
    company_service.update_company(db.uow(), ADMIN, {
        "name": "株式会社さくら精機", "name_kana": "カブシキガイシャサクラセイキ",
        "registration_number": "T7123456789012", "fiscal_year_start_month": 4, "tax_accounting": "exclusive",
        "tax_rounding": "floor"})
    company_service.save_bank_account(db.uow(), ADMIN, company_service.BankAccountData(
        bank_code="0001", bank_name_kana="ﾐｽﾞﾎ", branch_code="001", branch_name_kana="ﾎﾝﾃﾝ", account_type="普通",
        account_number="1234567", holder_kana="ｶ)ｻｸﾗｾｲｷ", zengin_requester_code="1234567890", is_default=True))
    for email, name, roles, dept in PEOPLE:
        identity.create_user(db.uow(), ADMIN, identity.NewUser(email=email, display_name=name, roles=roles,
                                                               password="pw-for-tests-1", department=dept))
    people = {email.split("@")[0]: identity.actor_by_email(db.uow(), email, "web") for email, *_ in PEOPLE}
    approvals.set_department_head(db.uow(), ADMIN, "購買部", people["bucho"].user_id or 0)
    return people


def _supplier(db: Database, code: str, name: str, kana: str, registration: str, bank: str, branch: str,
              fee_bearer: str) -> int:
    return partners.create_partner(db.uow(), ADMIN, partners.PartnerInput(
        code=code, name=name, name_kana=kana, registration_number=registration, is_customer=False,
        is_supplier=True, closing_day=31, months_after=1, pay_day=25, fee_bearer=fee_bearer, bank_code=bank,
        branch_code=branch, account_type="ordinary", account_number="7654321", account_holder_kana=kana)).id


def _approve(db: Database, who: Actor, document_type: str, document_id: int) -> str:
    view = approvals.status_of(db.uow(), document_type, document_id)
    assert view is not None
    return approvals.decide(db.uow(), who, view.id, "approve").status


def _payable_balance(db: Database, partner_code: str) -> int:
    with db.uow() as uow:
        return int(uow.session.execute(text(
            "SELECT COALESCE(SUM(jl.credit - jl.debit), 0) FROM journal_lines jl "
            "JOIN accounts a ON a.id = jl.account_id JOIN sub_accounts sa ON sa.id = jl.sub_account_id "
            "WHERE a.code = '2120' AND sa.code = :c"), {"c": partner_code}).scalar_one())


def _account(db: Database, code: str) -> tuple[int, int]:
    with db.uow() as uow:
        row = uow.session.execute(text(
            "SELECT COALESCE(SUM(jl.debit), 0), COALESCE(SUM(jl.credit), 0) FROM journal_lines jl "
            "JOIN accounts a ON a.id = jl.account_id WHERE a.code = :c"), {"c": code}).one()
        return int(row[0]), int(row[1])


def test_procure_to_pay(db: Database, org: dict[str, Actor]) -> None:
    kobai, bucho, keiri = org["kobai"], org["bucho"], org["keiri"]
    maker = _supplier(db, "S001", "株式会社ヤマダ部品", "カブシキガイシャヤマダブヒン", "T5010001008846", "0005", "123",
                      "payer")
    smith = _supplier(db, "S002", "田中鉄工所", "タナカテツコウシヨ", "", "0001", "002", "payee")

    # --- 発注 ¥500,000 net: 部品 100 x 4,000 = 400,000; 治具 10 x 10,000 = 100,000; tax 50,000 → 550,000
    po = orders.create_purchase_order(db.uow(), kobai, orders.PurchaseOrderInput(
        maker, dt.date(2026, 11, 2), (LineInput("精密部品", "100", "4000", "10"), LineInput("組立治具", "10", "10000")),
        delivery_date=dt.date(2026, 11, 16), delivery_place="本社工場", subject="部品と治具", department="購買部"))
    assert (po.number, po.status, po.net, po.tax, po.gross) == ("PO-2026-000001", "draft", 500_000, 50_000, 550_000)
    submitted = orders.submit_purchase_order(db.uow(), kobai, po.id)
    assert submitted.status == "pending_approval"
    with pytest.raises(Forbidden):  # the submitter cannot approve
        _approve(db, kobai, "purchase_order", po.id)
    assert _approve(db, bucho, "purchase_order", po.id) == "pending"
    assert _approve(db, keiri, "purchase_order", po.id) == "approved"
    assert queries.purchase_orders(db.uow(), kobai, status="approved")[0].id == po.id
    assert orders.send_purchase_order(db.uow(), kobai, po.id).status == "sent"

    with db.uow() as uow:
        line_ids = [r[0] for r in uow.session.execute(text(
            "SELECT id FROM purchase_order_lines WHERE order_id = :o ORDER BY line_no"), {"o": po.id})]
    with pytest.raises(Invalid) as over:
        orders.record_receipt(db.uow(), kobai, orders.ReceiptInput(po.id, dt.date(2026, 11, 12),
                                                                   ((line_ids[1], "11"),)))
    assert over.value.problems[0].field == "lines[0].quantity"
    receipt = orders.record_receipt(db.uow(), kobai, orders.ReceiptInput(
        po.id, dt.date(2026, 11, 12), ((line_ids[0], "60"), (line_ids[1], "10"))))
    assert receipt.order_status == "partial"

    # --- the bill for what arrived: 60 x 4,000 + 10 x 10,000 = 340,000, tax 34,000, gross 374,000
    # (> ¥300,000: 承認 by the head and 経理); registered issuer: all 34,000 is 仮払消費税
    bill1 = bills.record_bill(db.uow(), kobai, bills.BillInput(
        maker, "YB-2026-1120", dt.date(2026, 11, 20),
        (bills.BillLineInput("精密部品", "4000", "60", order_line_id=line_ids[0]),
         bills.BillLineInput("組立治具", "10000", "10", order_line_id=line_ids[1])),
        order_id=po.id, department="購買部"))
    assert (bill1.status, bill1.match_status, bill1.gross) == ("pending_approval", "matched", 374_000)
    assert (bill1.deductible_tax, bill1.non_deductible_tax) == (34_000, 0)
    assert bill1.due_date == dt.date(2026, 12, 25)  # 末日締め翌月25日 (Fri)
    _approve(db, bucho, "supplier_bill", bill1.id)
    assert _approve(db, keiri, "supplier_bill", bill1.id) == "approved"
    assert bills.get_bill(db.uow(), keiri, bill1.id).status == "posted"
    with db.uow() as uow, pytest.raises(DBAPIError):  # posted bills never change
        uow.session.execute(text("UPDATE supplier_bills SET notes = 'x' WHERE id = :i"), {"i": bill1.id})
        uow.session.flush()

    # --- a non-registered supplier, 2026-11-10 (経過措置 70%): 外注加工 55,555, tax floor(5,555.5) = 5,555,
    # gross 61,110; 仮払消費税 floor(5,555 x 0.7) = floor(3,888.5) = 3,888; 5,555 - 3,888 = 1,667 into 仕入高
    # → 仕入高 55,555 + 1,667 = 57,222; under ¥300,000: posted at once
    pdf = NewAttachment("tanaka-1110.pdf", "application/pdf", b"%PDF-1.4\n% test bill\n")
    bill2 = bills.record_bill(db.uow(), kobai, bills.BillInput(
        smith, "INV-0012", dt.date(2026, 11, 10), (bills.BillLineInput("外注加工", "55555"),), attachment=pdf))
    assert (bill2.status, bill2.net, bill2.tax, bill2.gross) == ("posted", 55_555, 5_555, 61_110)
    assert (bill2.deductible_tax, bill2.non_deductible_tax) == (3_888, 1_667)
    with db.uow() as uow:
        entry = uow.session.execute(text(
            "SELECT a.code, jl.debit, jl.credit, jl.tax_category FROM journal_lines jl "
            "JOIN accounts a ON a.id = jl.account_id JOIN journal_entries je ON je.id = jl.entry_id "
            "WHERE je.source_ref = :r ORDER BY jl.line_no"), {"r": "BILL-2026-000002"}).all()
    assert [tuple(r) for r in entry] == [("5120", 57_222, 0, "purchase_10_transitional:common"),
                                         ("1460", 3_888, 0, "purchase_10_transitional:common"),
                                         ("2120", 0, 61_110, None)]

    # the same bill again (full-width number): refused, naming the first
    with pytest.raises(Conflict) as dup:
        bills.record_bill(db.uow(), kobai, bills.BillInput(
            smith, "ＩＮＶ－００１２", dt.date(2026, 11, 10), (bills.BillLineInput("外注加工", "55555"),)))
    assert dup.value.params["number"] == "BILL-2026-000002"

    assert _account(db, "5120") == (340_000 + 57_222, 0)
    assert _account(db, "1460") == (34_000 + 3_888, 0)
    assert _payable_balance(db, "S001") == 374_000 and _payable_balance(db, "S002") == 61_110
    schedule = queries.payment_schedule(db.uow(), keiri, dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert [(r.due_date, r.supplier_id, r.amount) for r in schedule] == [
        (dt.date(2026, 12, 25), maker, 374_000), (dt.date(2026, 12, 25), smith, 61_110)]
    assert {(b.supplier_id, b.open_amount) for b in queries.payables_by_supplier(db.uow(), keiri)} == {
        (maker, 374_000), (smith, 61_110)}

    # --- payment run: S001 other bank, we bear 770 → transfer 374,000;
    # S002 same bank other branch, supplier bears 440 (61,110 - 440 = 60,670 ≥ 30,000) → transfer 60,670
    cfo, yakuin = org["cfo"], org["yakuin"]
    run = payments.create_payment_run(db.uow(), org["keiri2"], payments.PaymentRunInput(
        dt.date(2026, 12, 25), due_by=dt.date(2026, 12, 25), payer_id=cfo.user_id))
    assert run.status == "pending_approval"
    assert {(t.supplier_id, t.fee, t.transfer_amount) for t in run.transfers} == {
        (maker, 770, 374_000), (smith, 440, 60_670)}
    assert (run.bills_total, run.transfer_total, run.fee_total) == (435_110, 434_670, 1_210)
    with pytest.raises(Conflict):  # not approved yet
        payments.export_zengin(db.uow(), keiri, run.id)
    assert _approve(db, cfo, "payment_run", run.id) == "pending"
    with pytest.raises(Forbidden):  # the payer cannot be the only approver
        _approve(db, cfo, "payment_run", run.id)
    assert _approve(db, yakuin, "payment_run", run.id) == "approved"

    exported = payments.export_zengin(db.uow(), keiri, run.id)
    records = exported.content.split(b"\r\n")[:-1]
    assert len(records) == 5 and all(len(r) == 120 for r in records)
    header, transfers, trailer = zengin.parse_file(exported.content, year=2026)
    assert header.requester_code == "1234567890" and header.transfer_date == dt.date(2026, 12, 25)
    assert (trailer.count, trailer.total) == (2, 434_670) == (len(transfers), sum(t.amount for t in transfers))
    assert {t.recipient_name for t in transfers} == {"ｶ)ﾔﾏﾀﾞﾌﾞﾋﾝ", "ﾀﾅｶﾃﾂｺｳｼﾖ"}
    with pytest.raises(Conflict):
        payments.export_zengin(db.uow(), keiri, run.id)
    with db.uow() as uow, pytest.raises(DBAPIError):  # the exported file never changes
        uow.session.execute(text("UPDATE payment_files SET sha256 = 'x'"))
        uow.session.flush()
    payments.void_export(db.uow(), keiri, run.id, "取引日変更のため再作成")
    again = payments.export_zengin(db.uow(), keiri, run.id, "none")
    assert len(again.content) == 5 * 120 and again.total == 434_670

    paid = payments.mark_paid(db.uow(), keiri, run.id, confirm_early=True)
    assert paid.status == "paid"
    assert _payable_balance(db, "S001") == 0 and _payable_balance(db, "S002") == 0
    # bank: 374,000 + 770 + 60,670 + 440 = 435,880; 雑収入 440 withheld; 支払手数料 770 + 440 split under
    # 税抜経理 like every other 課税仕入れ (issue 11 item 2): 770 x 10/110 = 70, 440 x 10/110 = 40, so
    # 支払手数料 700 + 400 = 1,100 and 仮払消費税 70 + 40 = 110
    assert _account(db, "1140") == (0, 435_880)
    assert _account(db, "7130") == (0, 440)
    assert _account(db, "6340") == (1_100, 0)
    assert _account(db, "1460") == (34_000 + 3_888 + 110, 0)
    assert queries.payables_by_supplier(db.uow(), keiri) == []
    with db.uow() as uow:
        assert ledger_queries.check_balances(uow.session) == []


def test_the_company_fee_table_and_where_a_withheld_fee_goes(db: Database, org: dict[str, Actor]) -> None:
    # The company's own bank charges 330 yen to another branch from 30,000 yen, and a fee withheld from a
    # supplier who bears it offsets 支払手数料 instead of going to 雑収入.
    table = {"threshold": 30_000, "same_branch_under": 0, "same_branch_over": 110, "same_bank_under": 110,
             "same_bank_over": 330, "other_bank_under": 440, "other_bank_over": 880}
    company_service.update_company(db.uow(), Actor.system(), {"transfer_fee_table": table,
                                                              "withheld_fee_account": "6340"})
    with pytest.raises(Invalid):
        company_service.update_company(db.uow(), Actor.system(), {"transfer_fee_table": {"threshold": -1}})
    smith = _supplier(db, "S002", "田中鉄工所", "タナカテツコウシヨ", "", "0001", "002", "payee")
    bills.record_bill(db.uow(), org["kobai"], bills.BillInput(
        smith, "INV-0012", dt.date(2026, 11, 10), (bills.BillLineInput("外注加工", "55555"),)))
    cfo, yakuin = org["cfo"], org["yakuin"]
    run = payments.create_payment_run(db.uow(), org["keiri2"], payments.PaymentRunInput(
        dt.date(2026, 12, 25), due_by=dt.date(2026, 12, 25), payer_id=cfo.user_id))
    # 61,110 to the same bank's other branch, from 30,000 yen: 330 (the company's table, not the example's 440)
    assert [(t.fee, t.transfer_amount) for t in run.transfers] == [(330, 60_780)]
    _approve(db, cfo, "payment_run", run.id)
    _approve(db, yakuin, "payment_run", run.id)
    payments.export_zengin(db.uow(), org["keiri"], run.id)
    payments.mark_paid(db.uow(), org["keiri"], run.id, confirm_early=True)
    # charged by the bank, recovered from the supplier; both split under 税抜経理 (issue 11 item 2):
    # 330 x 10/110 = 30 -> 支払手数料 300 / 仮払消費税 30 on each side
    assert _account(db, "6340") == (300, 300)
    assert _account(db, "7130") == (0, 0)
    assert _account(db, "1140") == (0, 61_110)
