"""経費精算 end to end on SQLite and PostgreSQL: claim with receipts → 部門長 and 経理 approve → posted
(費用 / 仮払消費税 / 未払金) → paid in the payment run as a 全銀 transfer to the employee → 未払金 zero.

Hand-computed (税抜経理, 切り捨て, 2026-11 so a receipt without 登録番号 deducts 70% of its tax):
  11/10 タクシー 3,300 (登録) 旅費交通費: tax 300, net 3,000
  11/10 喫茶 1,650 (登録なし) 会議費: tax 150 x 70% = 105, net 1,545
  11/12 弁当 2,160 (8%, 登録) 会議費: tax 160, net 2,000
  11/12 電車 渋谷⇄横浜 420 x 2 = 840 旅費交通費: tax 76, net 764
  11/12 自家用車 12.5 km x ¥20 = 250 旅費交通費: tax 22, net 228
  total 8,200 = 旅費交通費 3,992 + 会議費 3,545 + 仮払消費税 663; fee to another bank under ¥30,000: 550.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import text

from ennoshita.actor import Actor
from ennoshita.approvals import services as approvals
from ennoshita.db import Database
from ennoshita.errors import Forbidden, Invalid, InvalidTransition
from ennoshita.expenses import services as expenses
from ennoshita.expenses.rules import LineInput
from ennoshita.identity import company as company_service
from ennoshita.identity import services as identity
from ennoshita.ledger import queries as ledger_queries
from ennoshita.ledger import services as ledger
from ennoshita.purchasing import payments, zengin

ADMIN = Actor.system()
PEOPLE = (("ito@example.jp", "伊藤 翔", ("requester",), "営業部"),
          ("bucho@example.jp", "森 部長", ("requester",), "営業部"),
          ("keiri@example.jp", "佐藤 花子", ("accounting",), "経理部"),
          ("suitou@example.jp", "木村 恵", ("accounting",), "経理部"),
          ("yakuin@example.jp", "桜井 一郎", ("admin",), "役員"),
          ("other@example.jp", "他部 太郎", ("requester",), "購買部"))
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
REGISTERED = "T7123456789012"


@pytest.fixture
def org(db: Database) -> dict[str, Actor]:
    company_service.update_company(db.uow(), ADMIN, {
        "name": "株式会社さくら精機", "name_kana": "カブシキガイシャサクラセイキ",
        "registration_number": REGISTERED, "fiscal_year_start_month": 4, "tax_accounting": "exclusive",
        "tax_rounding": "floor"})
    company_service.save_bank_account(db.uow(), ADMIN, company_service.BankAccountData(
        bank_code="0001", bank_name_kana="ﾐｽﾞﾎ", branch_code="001", branch_name_kana="ﾎﾝﾃﾝ", account_type="普通",
        account_number="1234567", holder_kana="ｶ)ｻｸﾗｾｲｷ", zengin_requester_code="1234567890", is_default=True))
    for email, name, roles, dept in PEOPLE:
        identity.create_user(db.uow(), ADMIN, identity.NewUser(email=email, display_name=name, roles=roles,
                                                               password="pw-for-tests-1", department=dept))
    people = {email.split("@")[0]: identity.actor_by_email(db.uow(), email, "web") for email, *_ in PEOPLE}
    approvals.set_department_head(db.uow(), ADMIN, "営業部", people["bucho"].user_id or 0)
    return people


def _lines() -> tuple[LineInput, ...]:
    return (
        LineInput("receipt", dt.date(2026, 11, 10), 3_300, "日本交通株式会社", "6250", "10", REGISTERED, "顧客訪問"),
        LineInput("receipt", dt.date(2026, 11, 10), 1_650, "喫茶ルオー", "6240", "10", "", "打合せ（A社）"),
        LineInput("receipt", dt.date(2026, 11, 12), 2_160, "弁当のさくら", "6240", "8", REGISTERED, "社内会議"),
        LineInput("transport", dt.date(2026, 11, 12), 420, route_from="渋谷", route_to="横浜", round_trip=True,
                  purpose="展示会"),
        LineInput("mileage", dt.date(2026, 11, 12), distance_km=Decimal("12.5"), rate_per_km=Decimal("20"),
                  route_from="横浜", route_to="川崎工場", purpose="設備点検"),
    )


def _receipts() -> tuple[expenses.Receipt | None, ...]:
    return (expenses.Receipt("taxi.png", "image/png", PNG), expenses.Receipt("cafe.png", "image/png", PNG),
            expenses.Receipt("bento.pdf", "application/pdf", b"%PDF-1.4 receipt"), None, None)


def _sums(db: Database, code: str, sub: str | None = None) -> tuple[int, int]:
    with db.uow() as uow:
        row = uow.session.execute(text(
            "SELECT COALESCE(SUM(jl.debit), 0), COALESCE(SUM(jl.credit), 0) FROM journal_lines jl "
            "JOIN accounts a ON a.id = jl.account_id LEFT JOIN sub_accounts sa ON sa.id = jl.sub_account_id "
            "WHERE a.code = :c AND (:s = '' OR sa.code = :s)"), {"c": code, "s": sub or ""}).one()
        return int(row[0]), int(row[1])


def _decide(db: Database, who: Actor, claim_id: int, decision: str = "approve") -> str:
    view = approvals.status_of(db.uow(), "expense_claim", claim_id)
    assert view is not None
    return approvals.decide(db.uow(), who, view.id, decision, "領収書の宛名を確認してください").status


def test_claim_approval_posting_and_payment_run(db: Database, org: dict[str, Actor]) -> None:
    ito, bucho, keiri, suitou, yakuin = (org[k] for k in ("ito", "bucho", "keiri", "suitou", "yakuin"))
    claim = expenses.create_claim(db.uow(), ito, expenses.ClaimInput("11月 営業経費", _lines(), _receipts()))
    assert (claim.status, claim.total, claim.number) == ("draft", 8_200, "EXP-2026-000001")
    assert [x.tax_category for x in claim.lines] == ["purchase_10", "purchase_10_transitional", "purchase_8r",
                                                     "purchase_10", "purchase_10"]
    # receipts keep their 電子帳簿保存法 search fields
    with db.uow() as uow:
        rows = uow.session.execute(text("SELECT transaction_date, amount, counterparty FROM attachments "
                                        "WHERE owner_type = 'expense_claim' ORDER BY id")).all()
    assert [(str(d)[:10], a, c) for d, a, c in rows] == [("2026-11-10", 3_300, "日本交通株式会社"),
                                                         ("2026-11-10", 1_650, "喫茶ルオー"),
                                                         ("2026-11-12", 2_160, "弁当のさくら")]

    with pytest.raises(Invalid) as no_bank:  # nowhere to pay it yet
        expenses.submit_claim(db.uow(), ito, claim.id)
    assert [p.field for p in no_bank.value.problems] == ["bank_account"]
    expenses.save_bank_account(db.uow(), ito, ito.user_id or 0, expenses.BankInput(
        "0005", "123", "ordinary", "12345", "イトウ ショウ"))
    with pytest.raises(Forbidden):  # someone else's account: 人事 or the administrator only
        expenses.save_bank_account(db.uow(), org["other"], ito.user_id or 0, expenses.BankInput(
            "0005", "123", "ordinary", "12345", "ﾀﾆﾝ"))
    with pytest.raises(Forbidden):  # another employee cannot read the claim
        expenses.get_claim(db.uow(), org["other"], claim.id)

    submitted = expenses.submit_claim(db.uow(), ito, claim.id)
    assert submitted.status == "pending_approval" and submitted.approval_request_id is not None
    assert expenses.get_claim(db.uow(), bucho, claim.id).number == claim.number  # the approver reads it
    # 差戻し by the head, corrected (one receipt less) and submitted again
    assert _decide(db, bucho, claim.id, "send_back") == "sent_back"
    assert expenses.get_claim(db.uow(), ito, claim.id).status == "sent_back"
    kept = [x.attachment_id for x in expenses.get_claim(db.uow(), ito, claim.id).lines]
    expenses.update_claim(db.uow(), ito, claim.id, expenses.ClaimInput("11月 営業経費", _lines(), (),
                                                                       tuple(kept)))
    expenses.submit_claim(db.uow(), ito, claim.id)

    assert _decide(db, bucho, claim.id) == "pending"  # 部門長, then 経理
    with pytest.raises(Forbidden):  # the head cannot take the 経理 step
        _decide(db, bucho, claim.id)
    assert _decide(db, keiri, claim.id) == "approved"
    approved = expenses.get_claim(db.uow(), ito, claim.id)
    assert (approved.status, approved.payment_status, len(approved.journal_entry_ids)) == ("approved", "unpaid", 2)
    assert _sums(db, "6250") == (3_992, 0)
    assert _sums(db, "6240") == (3_545, 0)
    assert _sums(db, "1460") == (663, 0)
    sub = f"EMP{ito.user_id:05d}"
    assert _sums(db, "2150", sub) == (0, 8_200)
    with pytest.raises(InvalidTransition):  # approved claims never change
        expenses.update_claim(db.uow(), ito, claim.id, expenses.ClaimInput("x", _lines(), _receipts()))

    # the next payment run pays it: one transfer to the employee, the company bears the fee
    run = payments.create_payment_run(db.uow(), suitou, payments.PaymentRunInput(
        dt.date(2026, 11, 30), due_by=dt.date(2026, 11, 30), payer_id=suitou.user_id))
    assert [(t.payee_kind, t.supplier_name, t.bills_amount, t.fee, t.transfer_amount, t.item_ids)
            for t in run.transfers] == [("expense_claim", "伊藤 翔", 8_200, 550, 8_200, (claim.id,))]
    assert expenses.get_claim(db.uow(), ito, claim.id).payment_status == "in_run"
    for who in (keiri, yakuin):
        view = approvals.status_of(db.uow(), "payment_run", run.id)
        assert view is not None
        approvals.decide(db.uow(), who, view.id, "approve")
    exported = payments.export_zengin(db.uow(), suitou, run.id)
    _header, transfers, trailer = zengin.parse_file(exported.content, year=2026)
    assert [(t.bank_code, t.branch_code, t.account_number, t.recipient_name, t.amount) for t in transfers] == [
        ("0005", "123", "0012345", "ｲﾄｳ ｼﾖｳ", 8_200)]
    assert (trailer.count, trailer.total) == (1, 8_200)
    payments.mark_paid(db.uow(), suitou, run.id, confirm_early=True)
    paid = expenses.get_claim(db.uow(), ito, claim.id)
    assert paid.payment_status == "paid" and paid.paid_at is not None
    assert _sums(db, "2150", sub) == (8_200, 8_200)
    assert _sums(db, "1140") == (0, 8_200 + 550)
    # the payout's bank fee is split under 税抜経理 like any 課税仕入れ (issue 11 item 2): 550 x 10/110 = 50
    assert _sums(db, "6340") == (500, 0)
    with db.uow() as uow:
        assert ledger_queries.check_balances(uow.session) == []
    # a second run finds nothing left to pay
    with pytest.raises(Invalid):
        payments.create_payment_run(db.uow(), suitou, payments.PaymentRunInput(
            dt.date(2026, 12, 25), due_by=dt.date(2026, 12, 25)))


def test_a_receipt_in_a_locked_month_is_refused_and_nothing_is_saved(db: Database, org: dict[str, Actor]) -> None:
    ito, keiri = org["ito"], org["keiri"]
    ledger.lock_month(db.uow(), keiri, "2026-10")
    lines = (*_lines()[:1], LineInput("receipt", dt.date(2026, 10, 30), 990, "文具のまるや", "6270", "10",
                                      REGISTERED, "名刺ケース"))
    with pytest.raises(Invalid) as locked:
        expenses.create_claim(db.uow(), ito, expenses.ClaimInput("10月分", lines, (*_receipts()[:1], None)))
    assert [(p.field, p.key) for p in locked.value.problems] == [("lines[1].expense_date",
                                                                  "ledger.error.period_locked")]
    with db.uow() as uow:
        assert uow.session.execute(text("SELECT COUNT(*) FROM expense_claims")).scalar_one() == 0
        assert uow.session.execute(text("SELECT COUNT(*) FROM attachments")).scalar_one() == 0
    # a receipt line without its image cannot be submitted; a file that is not an image is refused
    claim = expenses.create_claim(db.uow(), ito, expenses.ClaimInput("11月分", _lines()[:2], (_receipts()[0],)))
    expenses.save_bank_account(db.uow(), ito, ito.user_id or 0, expenses.BankInput(
        "0001", "001", "ordinary", "7654321", "ｲﾄｳ ｼﾖｳ"))
    with pytest.raises(Invalid) as missing:
        expenses.submit_claim(db.uow(), ito, claim.id)
    assert [(p.field, p.key) for p in missing.value.problems] == [("lines[1].receipt",
                                                                   "expenses.error.receipt_missing")]
    with pytest.raises(Invalid) as bad_type:
        expenses.update_claim(db.uow(), ito, claim.id, expenses.ClaimInput(
            "11月分", _lines()[:2], (None, expenses.Receipt("receipt.exe", "application/x-msdownload", b"MZ"))))
    assert [p.field for p in bad_type.value.problems] == ["lines[1].receipt"]
    # the month is locked after submission: approving it cannot post into it
    ok = expenses.update_claim(db.uow(), ito, claim.id, expenses.ClaimInput(
        "11月分", _lines()[:2], (None, _receipts()[1]), (claim.lines[0].attachment_id, None)))
    expenses.submit_claim(db.uow(), ito, ok.id)
    _decide(db, org["bucho"], ok.id)
    ledger.lock_month(db.uow(), keiri, "2026-11")
    with pytest.raises(Invalid) as late:
        _decide(db, keiri, ok.id)
    assert {p.key for p in late.value.problems} == {"ledger.error.period_locked"}
    assert expenses.get_claim(db.uow(), ito, ok.id).status == "pending_approval"
    assert _sums(db, "2150") == (0, 0)


def test_an_admins_claim_without_a_department_head_is_refused_or_goes_to_the_fallback(
        db: Database, org: dict[str, Actor]) -> None:
    """Issue 14 item 5 (failed before: the claim went pending with nobody allowed to decide 部門長): 役員 has no
    部門長, so the admin's claim is refused at 申請 naming the step; with a 代替承認者 it waits for them."""
    yakuin = org["yakuin"]
    expenses.save_bank_account(db.uow(), yakuin, yakuin.user_id or 0, expenses.BankInput(
        "0005", "123", "ordinary", "7654321", "サクライ イチロウ"))
    claim = expenses.create_claim(db.uow(), yakuin, expenses.ClaimInput("11月分", _lines()[:2], _receipts()[:2]))
    with pytest.raises(Invalid) as caught:
        expenses.submit_claim(db.uow(), yakuin, claim.id)
    assert caught.value.key == "approvals.error.no_eligible_approver" and caught.value.params["step"] == "部門長"
    assert approvals.status_of(db.uow(), "expense_claim", claim.id) is None
    approvals.set_fallback_approver(db.uow(), yakuin, user_id=org["bucho"].user_id)
    expenses.submit_claim(db.uow(), yakuin, claim.id)
    assert _decide(db, org["bucho"], claim.id) == "pending"  # 部門長 → 代替承認者 done; 経理 next
    assert _decide(db, org["keiri"], claim.id) == "approved"
