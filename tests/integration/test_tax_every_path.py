"""Every path that posts goes through the same 税抜経理 split rule (issue 11 item 2), on SQLite and PostgreSQL.

One company books a month through each path that posts: a manual entry, a 弥生 import, an invoice, a credit
note, a supplier bill, a payment run (its bank fees), a matching (the fee the customer deducted), an expense
claim (and its payout's fee), a recurring entry and the year-end settlement. The 消費税集計表's 仮受消費税 and
仮払消費税 then equal the sum of each source document's tax, computed by hand below. Before the fix the
payment run's and the payout's fees (``split_tax=False``) stayed whole in 支払手数料 (770 instead of 700 + 70).
"""

from __future__ import annotations

import datetime as dt
import io

from sqlalchemy import select

from ennoshita.actor import Actor
from ennoshita.db import Database
from ennoshita.expenses import services as expenses
from ennoshita.expenses.rules import LineInput as ExpenseLine
from ennoshita.ledger import consumption_tax, importer, queries
from ennoshita.ledger import services as ledger
from ennoshita.ledger.rules import EntryDraft, LineDraft
from ennoshita.purchasing import bills, payments
from ennoshita.sales import billing, partners, receivables
from ennoshita.sales.lines import LineInput
from ennoshita.sales.models import BankDeposit
from tests.integration.test_expenses import ADMIN, PNG, REGISTERED, _decide, org  # noqa: F401

CUSTOMER_REG = "T5010001008846"
SUPPLIER_REG = "T7010705000725"  # 日本税理士会連合会's 法人番号 with T (a valid check digit)


def _tax(db: Database, d1: dt.date, d2: dt.date) -> tuple[int, int]:
    """(仮受消費税 net credit, 仮払消費税 net debit) in the 消費税集計表."""
    with db.uow() as uow:
        rows = queries.tax_summary(uow.session, d1, d2)
    output = sum(r.credit - r.debit for r in rows if r.account_code == "2220")
    input_ = sum(r.debit - r.credit for r in rows if r.account_code == "1460")
    return output, input_


def test_every_posting_path_books_the_documents_tax(db: Database, org: dict[str, Actor]) -> None:  # noqa: F811
    keiri, suitou, yakuin, ito, bucho = (org[k] for k in ("keiri", "suitou", "yakuin", "ito", "bucho"))
    d1, d2 = dt.date(2026, 11, 1), dt.date(2026, 12, 31)
    expected_output = expected_input = 0

    # 1. manual entry: 消耗品費 5,500 税込 10% -> 5,500 x 10/110 = 500
    ledger.post_entry(db.uow(), keiri, EntryDraft(dt.date(2026, 11, 1), "文具", "", (
        LineDraft("消耗品費", 5_500, 0, "purchase_10"), LineDraft("現金", 0, 5_500))))
    expected_input += 500

    # 2. 弥生 import: a sale of 110,000 税込 with 税額 10,000
    row = ["2000", "1", "", "2026/11/02", "売掛金", "", "", "", "110000", "", "売上高", "", "", "課税売上込10%",
           "110000", "10000", "A社", "", "", "0", "", "", "0", "0", "no"]
    importer.import_journal(db.uow(), keiri, io.BytesIO((",".join(row) + "\r\n").encode("cp932")), "yayoi")
    expected_output += 10_000

    # 3. invoice 50,000 税抜 at 10% -> 5,000; 4. credit note 20,000 -> 2,000 back
    customer = partners.create_partner(db.uow(), ADMIN, partners.PartnerInput(
        code="C001", name="株式会社青葉商事", name_kana="アオバシヨウジ", registration_number=CUSTOMER_REG,
        closing_day=31, months_after=1, pay_day=31)).id
    inv = billing.issue_invoice(db.uow(), ADMIN, billing.InvoiceInput(
        customer, dt.date(2026, 11, 2), (LineInput("保守作業", "1", "50000", "10"),), due_date=dt.date(2026, 12, 31)))
    assert inv.tax == 5_000
    billing.issue_credit_note(db.uow(), ADMIN, billing.CreditNoteInput(
        inv.id, dt.date(2026, 11, 5), (LineInput("値引", "1", "20000", "10"),), "値引"))
    expected_output += 5_000 - 2_000

    # 5. supplier bill 55,555 税抜 at 10% from a registered supplier -> 5,555.5 -> 5,555 (切り捨て)
    supplier = partners.create_partner(db.uow(), ADMIN, partners.PartnerInput(
        code="S001", name="山田部品株式会社", name_kana="ヤマダブヒン", registration_number=SUPPLIER_REG,
        is_customer=False, is_supplier=True, closing_day=31, months_after=1, pay_day=25, fee_bearer="payer",
        bank_code="0009", branch_code="100", account_type="ordinary", account_number="7654321",
        account_holder_kana="ﾔﾏﾀﾞﾌﾞﾋﾝ")).id
    bill = bills.record_bill(db.uow(), yakuin, bills.BillInput(
        supplier, "INV-0012", dt.date(2026, 11, 10), (bills.BillLineInput("外注加工", "55555"),),
        due_date=dt.date(2026, 11, 30)))
    assert bill.status == "posted"
    expected_input += 5_555

    # 6. expense claim: a taxi receipt of 3,300 from a registered issuer -> 300
    claim = expenses.create_claim(db.uow(), ito, expenses.ClaimInput("11月 交通費", (
        ExpenseLine("receipt", dt.date(2026, 11, 10), 3_300, "日本交通株式会社", "6250", "10", REGISTERED, "顧客訪問"),
    ), (expenses.Receipt("taxi.png", "image/png", PNG),)))
    expenses.save_bank_account(db.uow(), ito, ito.user_id or 0, expenses.BankInput(
        "0005", "123", "ordinary", "12345", "イトウ ショウ"))
    expenses.submit_claim(db.uow(), ito, claim.id)
    _decide(db, bucho, claim.id)
    _decide(db, keiri, claim.id)
    expected_input += 300

    # 7. payment run: the bill and the claim, each transfer's bank fee borne by us: fee x 10/110 (切り捨て)
    run = payments.create_payment_run(db.uow(), suitou, payments.PaymentRunInput(
        dt.date(2026, 11, 30), due_by=dt.date(2026, 11, 30), payer_id=suitou.user_id))
    assert {t.payee_kind for t in run.transfers} == {"supplier", "expense_claim"}
    fees = [t.fee for t in run.transfers]
    assert all(f > 0 for f in fees)
    expected_input += sum(f * 10 // 110 for f in fees)  # e.g. 770 -> 70, 550 -> 50
    from ennoshita.approvals import services as approvals

    for who in (keiri, yakuin):
        view = approvals.status_of(db.uow(), "payment_run", run.id)
        if view is not None and view.status == "pending":
            approvals.decide(db.uow(), who, view.id, "approve")
    payments.export_zengin(db.uow(), suitou, run.id)
    payments.mark_paid(db.uow(), suitou, run.id)

    # 8. matching: the customer pays 33,000 less a 660 fee; by the company's default treatment (売上値引, a
    # 対価の返還等) the fee reduces the sale: 660 x 10/110 = 60 off 仮受消費税 (支払手数料 would add 60 input)
    receivables.import_bank_csv(db.uow(), ADMIN, (
        "日付,摘要,入金額,出金額,残高\n2026/12/01,振込 カ)アオバシヨウジ,32340,,32340\n").encode("cp932"))
    with db.uow() as uow:
        dep = uow.session.scalar(select(BankDeposit.id))
    assert dep is not None
    receivables.confirm_matches(db.uow(), ADMIN, [receivables.MatchInput(dep, ((inv.id, 33_000),), fee=660)])
    expected_output -= 60

    # 9. recurring: 地代家賃 110,000 税込 on 2026-12-01 -> 10,000
    ledger.add_recurring(db.uow(), keiri, ledger.RecurringInput(
        "家賃", "事務所家賃", "大家", 1, 1, dt.date(2026, 12, 1), None, (
            LineDraft("地代家賃", 110_000, 0, "purchase_10"), LineDraft("普通預金", 0, 110_000))))
    ledger.run_recurring(db.uow(), keiri, dt.date(2026, 12, 31))
    expected_input += 10_000

    assert _tax(db, d1, d2) == (expected_output, expected_input)
    with db.uow() as uow:
        assert queries.check_balances(uow.session) == []

    # 10. year-end: the settlement clears both accounts against the return's tax due; the 集計表 is unchanged
    with db.uow() as uow:
        due = consumption_tax.fiscal_year_return(uow.session, 2026).total_due
    ledger.close_year(db.uow(), keiri, 2026)
    assert _tax(db, d1, d2) == (expected_output, expected_input)
    with db.uow() as uow:
        bs = queries.balance_sheet(uow.session, dt.date(2027, 3, 31), 4)
    shown = {ln.code: ln.amount for ln in bs.lines if ln.kind == "account" and ln.code}
    assert shown.get("2220", 0) == 0 and shown.get("1460", 0) == 0
    assert shown.get("2180", 0) == max(due, 0)
