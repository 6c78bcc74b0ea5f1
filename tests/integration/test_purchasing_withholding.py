"""A 税理士's fee with 源泉徴収 from the bill to the 支払調書, on SQLite and PostgreSQL; 取適法 checks; a bill's
tax as printed; 支払済 before the payment date. Every figure is computed by hand in the comments.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from ennoshita.actor import Actor
from ennoshita.approvals import services as approvals
from ennoshita.cli.main import app as cli_app
from ennoshita.db import Database
from ennoshita.errors import Conflict, Invalid
from ennoshita.identity import company as company_service
from ennoshita.identity import services as identity
from ennoshita.ledger.models import JournalEntry
from ennoshita.purchasing import bills, payments, queries, zengin
from ennoshita.sales import partners
from ennoshita.settings import Settings
from ennoshita.web.app import create_app
from ennoshita.withholding import services as withholding
from tests.conftest import csrf_of, login
from tests.integration.test_api import auth, token_for
from tests.integration.test_purchasing import PEOPLE, _account, _approve, _payable_balance

ADMIN = Actor.system()


@pytest.fixture
def org(db: Database) -> dict[str, Actor]:
    """The company of test_purchasing: its bank (0001-001), people and the 購買部 head."""
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


def _individual(db: Database, code: str, name: str, kana: str, category: str, **extra: object) -> int:
    values: dict[str, object] = {
        "code": code, "name": name, "name_kana": kana, "registration_number": "T5010001008846",
        "is_customer": False, "is_supplier": True, "closing_day": 31, "months_after": 1, "pay_day": 25,
        "fee_bearer": "payer", "bank_code": "0005", "branch_code": "123", "account_type": "ordinary",
        "account_number": "7654321", "account_holder_kana": kana, "address": "東京都千代田区丸の内1-1-1",
        "withholding_category": category}
    values.update(extra)
    return partners.create_partner(db.uow(), ADMIN, partners.PartnerInput(**values)).id  # type: ignore[arg-type]


def _withholding_balance(db: Database) -> int:
    debit, credit = _account(db, "2200")
    return credit - debit


def test_a_tax_accountants_fee_from_the_bill_to_the_payee_statement(db: Database, org: dict[str, Actor]) -> None:
    keiri, cfo, yakuin = org["keiri"], org["cfo"], org["yakuin"]
    zeirishi = _individual(db, "S010", "山田 太郎 税理士事務所", "ﾔﾏﾀﾞ ﾀﾛｳ", "professional")
    lecturer = _individual(db, "S011", "佐々木 講師", "ｻｻｷ ｺｳｼ", "lecture")

    # --- 顧問料 100,000 + 消費税 10,000 = 110,000; 源泉 100,000 x 10.21% = 10,210; 買掛金 110,000 - 10,210 = 99,790
    fee = bills.record_bill(db.uow(), org["kobai"], bills.BillInput(
        zeirishi, "Y-2701", dt.date(2027, 1, 31), (bills.BillLineInput("1月分 顧問料", "100000",
                                                                         account_code="6340"),)))
    assert (fee.status, fee.net, fee.tax, fee.gross) == ("posted", 100_000, 10_000, 110_000)
    assert (fee.withholding_category, fee.withholding_base, fee.withholding_tax, fee.payable) == (
        "professional", 100_000, 10_210, 99_790)
    assert fee.due_date == dt.date(2027, 2, 25)  # 末日締め翌月25日 (a Thursday)
    assert _payable_balance(db, "S010") == 99_790
    assert _withholding_balance(db) == 10_210

    # a lecture fee of 30,000: 30,000 x 10.21% = 3,063 (no 支払調書: not more than 50,000 in the year)
    talk = bills.record_bill(db.uow(), org["kobai"], bills.BillInput(
        lecturer, "K-1", dt.date(2027, 1, 31), (bills.BillLineInput("講演料", "30000", account_code="6340"),)))
    assert (talk.withholding_tax, talk.payable) == (3_063, 33_000 - 3_063)

    # --- the run proposes the first business day with bills due, and transfers the net
    assert payments.default_payment_date(db.uow(), dt.date(2027, 2, 1)) == dt.date(2027, 2, 25)
    assert queries.first_due_month(db.uow(), keiri, dt.date(2027, 1, 5)) == dt.date(2027, 2, 1)
    run = payments.create_payment_run(db.uow(), org["keiri2"], payments.PaymentRunInput(
        dt.date(2027, 2, 25), due_by=dt.date(2027, 2, 25), payer_id=cfo.user_id))
    # we bear the fee: 99,790 and 29,937 are transferred in full
    assert {(t.supplier_id, t.transfer_amount) for t in run.transfers} == {(zeirishi, 99_790), (lecturer, 29_937)}
    _approve(db, cfo, "payment_run", run.id)
    _approve(db, yakuin, "payment_run", run.id)
    payments.export_zengin(db.uow(), keiri, run.id)
    with pytest.raises(Conflict) as early:  # 支払済 before the payment date asks for confirmation
        payments.mark_paid(db.uow(), keiri, run.id, today=dt.date(2027, 2, 24))
    assert early.value.problems[0].field == "confirm_early"
    payments.mark_paid(db.uow(), keiri, run.id, today=dt.date(2027, 2, 25))
    assert _payable_balance(db, "S010") == 0

    # --- 納付 list: paid 2/25 → due 3/10 (a Wednesday); 人員 1 / 支給額 / 税額 per category
    due = withholding.remittance_list(db.uow(), keiri)
    assert [(g.due_date, g.total, g.remittance_id) for g in due] == [(dt.date(2027, 3, 10), 13_273, None)]
    assert [(c.category, c.people, c.amount, c.tax) for c in due[0].categories] == [
        ("lecture", 1, 30_000, 3_063), ("professional", 1, 100_000, 10_210)]
    paid = withholding.pay_remittance(db.uow(), keiri, dt.date(2027, 3, 10), dt.date(2027, 3, 10))
    assert paid.total == 13_273  # 10,210 + 3,063
    assert _withholding_balance(db) == 0
    with db.uow() as uow:  # the books are kept in Japanese: the 納期限 written as the rest of the journal writes dates
        assert uow.session.scalar(select(JournalEntry.description).where(
            JournalEntry.source == "withholding")) == "源泉所得税 納付（納期限 2027年3月10日）"
    with pytest.raises(Conflict):
        withholding.pay_remittance(db.uow(), keiri, dt.date(2027, 3, 10), dt.date(2027, 3, 10))

    # --- a fee of 1,500,000 in November, unpaid at the year end: (1,500,000 - 1,000,000) x 20.42% + 102,100
    big = bills.record_bill(db.uow(), org["kobai"], bills.BillInput(
        zeirishi, "Y-2711", dt.date(2027, 11, 30), (bills.BillLineInput("税務調査立会 報酬", "1500000",
                                                                          account_code="6340"),),
        department="購買部"))
    assert (big.status, big.withholding_tax) == ("pending_approval", 204_200)  # above the route's threshold
    _approve(db, org["bucho"], "supplier_bill", big.id)
    assert _approve(db, keiri, "supplier_bill", big.id) == "approved"
    assert _withholding_balance(db) == 204_200

    # --- 支払調書 2027: 山田 paid 1,600,000, tax 10,210 + 204,200 = 214,410, of which 1,500,000 / 204,200 未払
    statements, totals = withholding.payee_statements(db.uow(), keiri, 2027)
    by_name = {p.payee_name: p for p in statements}
    yamada = by_name["山田 太郎 税理士事務所"]
    assert (yamada.paid, yamada.tax, yamada.unpaid, yamada.unpaid_tax, yamada.submit) == (
        1_600_000, 214_410, 1_500_000, 204_200, True)
    assert by_name["佐々木 講師"].submit is False
    # 合計表: 2 people 1,630,000 / 217,473 in all; submitted 1 person 1,600,000 / 214,410
    assert (totals.people, totals.amount, totals.tax) == (2, 1_630_000, 217_473)
    assert (totals.submitted_people, totals.submitted_amount, totals.submitted_tax) == (1, 1_600_000, 214_410)


def test_special_due_dates_follow_the_company_setting(db: Database, org: dict[str, Actor]) -> None:
    company_service.update_company(db.uow(), ADMIN, {"withholding_special_due": True, "zengin_edi": True})
    zeirishi = _individual(db, "S010", "山田 太郎 税理士事務所", "ﾔﾏﾀﾞ ﾀﾛｳ", "professional")
    bills.record_bill(db.uow(), org["kobai"], bills.BillInput(
        zeirishi, "Y-2701", dt.date(2027, 1, 31), (bills.BillLineInput("顧問料", "50000", account_code="6340"),)))
    run = payments.create_payment_run(db.uow(), org["keiri2"], payments.PaymentRunInput(
        dt.date(2027, 2, 25), due_by=dt.date(2027, 2, 25), payer_id=org["cfo"].user_id))
    _approve(db, org["cfo"], "payment_run", run.id)
    _approve(db, org["yakuin"], "payment_run", run.id)
    exported = payments.export_zengin(db.uow(), org["keiri"], run.id)
    _header, (transfer,), _trailer = zengin.parse_file(exported.content, year=2027)
    # EDI 情報 (company setting): the supplier's invoice number; 50,000 + 5,000 - 5,105 = 49,895 transferred
    assert (transfer.edi, transfer.amount) == ("Y-2701", 49_895)
    payments.mark_paid(db.uow(), org["keiri"], run.id, confirm_early=True)
    # 納期の特例: January-June → 7/10, 2027-07-10 is a Saturday → 7/12; 50,000 x 10.21% = 5,105
    assert [(g.due_date, g.total) for g in withholding.remittance_list(db.uow(), org["keiri"])] == [
        (dt.date(2027, 7, 12), 5_105)]


def test_a_small_subcontractor_never_bears_the_fee_and_is_paid_within_sixty_days(
        db: Database, org: dict[str, Actor]) -> None:
    base: dict[str, object] = {
        "code": "S020", "name": "小林製作所", "name_kana": "ｺﾊﾞﾔｼｾｲｻｸｼﾖ", "is_customer": False, "is_supplier": True,
        "closing_day": 31, "months_after": 1, "pay_day": 31, "bank_code": "0001", "branch_code": "002",
        "account_type": "ordinary", "account_number": "1111111", "account_holder_kana": "ｺﾊﾞﾔｼｾｲｻｸｼﾖ",
        "small_subcontractor": True, "small_subcontractor_basis": "資本金 1,000万円"}
    with pytest.raises(Invalid) as bearer:
        partners.create_partner(db.uow(), ADMIN, partners.PartnerInput(**{**base, "fee_bearer": "payee"}))  # type: ignore[arg-type]
    assert [p.field for p in bearer.value.problems] == ["fee_bearer"]
    assert bearer.value.problems[0].params["law"] == "中小受託取引適正化法(取適法)"
    with pytest.raises(Invalid) as terms:  # 月末締め翌々月10日: 7/1 received → paid 9/10, past 8/31
        partners.create_partner(db.uow(), ADMIN, partners.PartnerInput(
            **{**base, "months_after": 2, "pay_day": 10}))  # type: ignore[arg-type]
    assert [p.field for p in terms.value.problems] == ["months_after"]
    kobayashi = partners.create_partner(db.uow(), ADMIN, partners.PartnerInput(**base)).id  # type: ignore[arg-type]
    with pytest.raises(Invalid) as late:  # billed 2027-01-10 (no 検収): day 60 is 3/10, 3/31 is too late
        bills.record_bill(db.uow(), org["kobai"], bills.BillInput(
            kobayashi, "K-1", dt.date(2027, 1, 10), (bills.BillLineInput("加工", "10000"),),
            due_date=dt.date(2027, 3, 31)))
    assert late.value.problems[0].key == "purchasing.error.sme_payment_term"
    # a partner flagged after it was set to 先方負担 (stored before the flag): the run bears the fee anyway
    with db.uow() as uow:
        from ennoshita.sales.models import Partner
        row = uow.session.get(Partner, kobayashi)
        assert row is not None
        row.fee_bearer = "payee"
        uow.commit()
    bills.record_bill(db.uow(), org["kobai"], bills.BillInput(
        kobayashi, "K-2", dt.date(2027, 1, 10), (bills.BillLineInput("加工", "50000"),)))
    run = payments.create_payment_run(db.uow(), org["keiri2"], payments.PaymentRunInput(
        dt.date(2027, 3, 1), due_by=dt.date(2027, 3, 1), payer_id=org["cfo"].user_id))
    # due 2/28 (Sunday) → 3/1; 55,000 to the same bank's other branch: we bear 440 (example table),
    # the supplier gets 55,000
    assert [(t.fee_bearer, t.fee, t.transfer_amount) for t in run.transfers] == [("payer", 440, 55_000)]


def test_a_bill_takes_the_tax_as_printed_within_one_yen(db: Database, org: dict[str, Actor]) -> None:
    supplier = _individual(db, "S030", "丸山商店", "ﾏﾙﾔﾏｼﾖｳﾃﾝ", "")
    line = (bills.BillLineInput("文具", "1005"),)
    with pytest.raises(Invalid) as far:  # computed floor(1,005 x 10%) = 100; 102 is 2 yen off
        bills.record_bill(db.uow(), org["kobai"], bills.BillInput(
            supplier, "M-1", dt.date(2027, 1, 10), line, printed_tax=(("10", 102),)))
    assert far.value.problems[0].params["expected"] == 100
    # the supplier rounds half up: 1,005 + 101 = 1,106, booked and paid as printed
    bill = bills.record_bill(db.uow(), org["kobai"], bills.BillInput(
        supplier, "M-1", dt.date(2027, 1, 10), line, printed_tax=(("10", 101),)))
    assert (bill.net, bill.tax, bill.gross, bill.payable) == (1_005, 101, 1_106, 1_106)
    assert _payable_balance(db, "S030") == 1_106
    assert _account(db, "1460") == (101, 0)


def test_the_screens_show_the_computation_the_list_and_the_statements(client: TestClient, demo_db: Database
                                                                       ) -> None:
    """On the demo company, as admin: a 税理士 partner, a bill that shows its 源泉, the 納付 list, the 支払調書."""
    login(client, "admin@demo.ennoshita.jp")
    page = client.get("/sales/partners/new")
    csrf = csrf_of(page.text)
    assert "源泉徴収(個人への報酬)" in page.text and "中小受託事業者(取適法)" in page.text
    saved = client.post("/sales/partners/new", data={
        "csrf_token": csrf, "code": "S900", "name": "青木 税理士事務所", "name_kana": "ｱｵｷ ｾﾞｲﾘｼ", "is_supplier": "1",
        "closing_day": "31", "months_after": "1", "pay_day": "25", "holiday_shift": "next", "fee_bearer": "payer",
        "bank_code": "0005", "branch_code": "123", "account_type": "ordinary", "account_number": "7654321",
        "account_holder_kana": "ｱｵｷ ｾﾞｲﾘｼ", "withholding_category": "professional"}, follow_redirects=False)
    assert saved.status_code == 303, saved.text[:2000]
    refused = client.post("/sales/partners/new", data={
        "csrf_token": csrf, "code": "S901", "name": "小林製作所", "is_supplier": "1", "closing_day": "31",
        "months_after": "2", "pay_day": "10", "holiday_shift": "next", "fee_bearer": "payee",
        "small_subcontractor": "1"})
    assert refused.status_code == 422
    assert "取適法" in refused.text and "第3条" in refused.text
    partner_id = partners.find_partner_id(demo_db.uow(), "S900")
    form = client.get("/purchasing/bills/new")
    assert "請求書記載の消費税額" in form.text
    posted = client.post("/purchasing/bills/new", data={
        "csrf_token": csrf_of(form.text), "supplier_id": str(partner_id), "bill_number": "A-2612",
        "bill_date": "2026-12-01", "price_entry": "exclusive", "lines[0].description": "12月分 顧問料",
        "lines[0].quantity": "1", "lines[0].unit_price": "100000", "lines[0].tax_rate": "10",
        "lines[0].account_code": "6340", "printed_tax.10": "10000"}, follow_redirects=True)
    assert posted.status_code == 200, posted.text[:3000]
    # 100,000 x 10.21% = 10,210; 110,000 - 10,210 = 99,790
    assert "¥100,000 × 10.21%" in posted.text and "¥10,210" in posted.text and "¥99,790" in posted.text
    assert client.get("/withholding").status_code == 200
    statements = client.get("/withholding/statements?year=2026")
    assert "青木 税理士事務所" in statements.text and "法定調書合計表" in statements.text
    csv = client.get("/withholding/statements?year=2026&format=csv")
    assert csv.headers["content-type"].startswith("text/csv") and "10210" in csv.content.decode("utf-8-sig")
    pdf = client.get("/withholding/statements?year=2026&format=pdf")
    assert pdf.content.startswith(b"%PDF")


def test_the_api_takes_the_partner_fields_and_reports_the_withholding(db: Database, app_settings: Settings,
                                                                      org: dict[str, Actor]) -> None:
    with TestClient(create_app(app_settings, db)) as api:
        admin = auth(token_for(db, "cfo@example.jp"))
        kobai = auth(token_for(db, "kobai@example.jp"))
        partner = api.post("/api/v1/partners", headers=admin, json={
            "code": "S010", "name": "山田 太郎", "name_kana": "ﾔﾏﾀﾞ ﾀﾛｳ", "is_customer": False, "is_supplier": True,
            "closing_day": 31, "months_after": 1, "pay_day": 25, "withholding_category": "design"})
        assert partner.status_code == 201, partner.text
        assert partner.json()["withholding_category"] == "design"
        refused = api.post("/api/v1/partners", headers=admin, json={
            "code": "S011", "name": "小林製作所", "is_customer": False, "is_supplier": True,
            "small_subcontractor": True, "transfer_fee_bearer": "theirs"})
        assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "fee_bearer"
        draft = api.post("/api/v1/bills", headers=kobai, json={
            "partner_id": partner.json()["id"], "bill_number": "D-1", "issue_date": "2027-01-31",
            "lines": [{"description": "ロゴデザイン", "unit_price": "1200000", "tax_rate": "10"}],
            "printed_tax": {"10": 120_000}, "department": "購買部"})
        assert draft.status_code == 201, draft.text
        bill = api.post(f"/api/v1/bills/{draft.json()['id']}/post", headers=kobai).json()
        assert bill["status"] == "pending_approval"  # 1,320,000: 承認 by the head and 経理
        _approve(db, org["bucho"], "supplier_bill", bill["id"])
        _approve(db, org["keiri"], "supplier_bill", bill["id"])
        # (1,200,000 - 1,000,000) x 20.42% + 102,100 = 40,840 + 102,100 = 142,940; 1,320,000 - 142,940
        assert (bill["withholding_tax"], bill["payable"]) == (142_940, 1_177_060)
        statements = api.get("/api/v1/withholding/statements?year=2027", headers=admin).json()
        assert statements["items"][0]["paid"] == 1_200_000 and statements["summary"]["submitted_tax"] == 142_940
        assert api.get("/api/v1/withholding/remittances", headers=admin).json() == []  # not paid yet


def test_the_cli_lists_pays_and_writes_the_statements(db: Database, org: dict[str, Actor], tmp_path: Path) -> None:
    zeirishi = _individual(db, "S010", "山田 太郎 税理士事務所", "ﾔﾏﾀﾞ ﾀﾛｳ", "professional")
    fee = bills.record_bill(db.uow(), org["kobai"], bills.BillInput(
        zeirishi, "Y-2701", dt.date(2027, 1, 31), (bills.BillLineInput("顧問料", "100000", account_code="6340"),)))
    with db.uow() as uow:  # paid by hand on 2/25 (as a payment run would): due 3/10
        withholding.mark_paid(uow.session, "supplier_bill", [fee.id], dt.date(2027, 2, 25), False)
        uow.commit()
    url = ["--database-url", db.url, "--as-user", "keiri@example.jp"]
    listed = CliRunner().invoke(cli_app, ["withholding", "list", *url])
    assert listed.exit_code == 0, listed.output
    assert "2027-03-10" in listed.output and "¥10,210" in listed.output
    paid = CliRunner().invoke(cli_app, ["withholding", "pay", "--due-date", "2027-03-10", "--paid-date",
                                        "2027-03-09", *url])
    assert paid.exit_code == 0, paid.output
    again = CliRunner().invoke(cli_app, ["withholding", "pay", "--due-date", "2027-03-10", "--paid-date",
                                         "2027-03-09", *url])
    assert again.exit_code == 1
    out = tmp_path / "shiharai.csv"
    written = CliRunner().invoke(cli_app, ["withholding", "statements", "--year", "2027", "--output", str(out), *url])
    assert written.exit_code == 0, written.output
    text = out.read_bytes().decode("utf-8-sig")
    assert "山田 太郎 税理士事務所" in text and "100000" in text and "10210" in text


def test_the_company_screen_saves_the_purchasing_settings(client: TestClient, demo_db: Database) -> None:
    login(client, "admin@demo.ennoshita.jp")
    page = client.get("/admin/company")
    assert "源泉所得税の納期の特例" in page.text and "少額特例" in page.text
    saved = client.post("/admin/company", data={
        "csrf_token": csrf_of(page.text), "base_period_taxable_sales": "80,000,000", "small_amount_exception": "1",
        "withholding_special_due": "1"}, follow_redirects=False)
    assert saved.status_code == 303, saved.text[:2000]
    company = company_service.get_company(demo_db.uow(), ADMIN)
    assert (company.small_amount_exception, company.base_period_taxable_sales, company.withholding_special_due,
            company.zengin_edi) == (True, 80_000_000, True, False)


def test_the_transitional_share_follows_the_receipt_date(db: Database, org: dict[str, Actor]) -> None:
    """Goods received (検収) on 2026-09-30 and billed on 2026-10-05 by a supplier that is not registered: the
    課税仕入れ date is the receipt, so the share is 80% (to 2026-09-30), not the bill date's 70%."""
    from ennoshita.purchasing import orders
    from ennoshita.sales.lines import LineInput

    kobai = org["kobai"]
    supplier = partners.create_partner(db.uow(), ADMIN, partners.PartnerInput(
        code="S060", name="丸山梱包資材店", is_customer=False, is_supplier=True)).id
    po = orders.create_purchase_order(db.uow(), kobai, orders.PurchaseOrderInput(
        supplier, dt.date(2026, 9, 1), (LineInput("段ボール箱", "100", "500", "10"),), department="購買部"))
    orders.submit_purchase_order(db.uow(), kobai, po.id)
    if _approve(db, org["bucho"], "purchase_order", po.id) != "approved":
        _approve(db, org["keiri"], "purchase_order", po.id)
    orders.send_purchase_order(db.uow(), kobai, po.id)
    orders.record_receipt(db.uow(), kobai, orders.ReceiptInput(po.id, dt.date(2026, 9, 30)))
    bill = bills.record_bill(db.uow(), kobai, bills.BillInput(
        supplier, "M-0930", dt.date(2026, 10, 5), (bills.BillLineInput("段ボール箱", "500", "100"),),
        order_id=po.id, department="購買部"))
    # 100 x 500 = 50,000, tax 5,000; 80%: 4,000 deductible (the bill date would give 70%: 3,500)
    assert (bill.tax, bill.deductible_tax, bill.non_deductible_tax) == (5_000, 4_000, 1_000)
