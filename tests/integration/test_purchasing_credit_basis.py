"""Full credit without a qualified invoice, on SQLite and PostgreSQL: expense lines by kind (国際交通 免税,
自動販売機, 慶弔費 対象外, 少額特例) and a supplier bill under ¥10,000 under the 少額特例. Figures by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from ennoshita.actor import Actor
from ennoshita.approvals import services as approvals
from ennoshita.db import Database
from ennoshita.errors import Invalid
from ennoshita.expenses import services as expenses
from ennoshita.expenses.rules import LineInput
from ennoshita.identity import company as company_service
from ennoshita.identity import services as identity
from ennoshita.purchasing import bills, credit_basis
from ennoshita.sales import partners
from ennoshita.sales.rules import RateTotal
from tests.integration.test_expenses import PEOPLE, PNG, REGISTERED, _decide, _sums

ADMIN = Actor.system()


@pytest.fixture
def org(db: Database) -> dict[str, Actor]:
    company_service.update_company(db.uow(), ADMIN, {
        "name": "株式会社さくら精機", "name_kana": "カブシキガイシャサクラセイキ", "registration_number": REGISTERED,
        "fiscal_year_start_month": 4, "tax_accounting": "exclusive", "tax_rounding": "floor",
        "small_amount_exception": True, "base_period_taxable_sales": "80,000,000"})
    for email, name, roles, dept in PEOPLE:
        identity.create_user(db.uow(), ADMIN, identity.NewUser(email=email, display_name=name, roles=roles,
                                                               password="pw-for-tests-1", department=dept))
    people = {email.split("@")[0]: identity.actor_by_email(db.uow(), email, "web") for email, *_ in PEOPLE}
    approvals.set_department_head(db.uow(), ADMIN, "営業部", people["bucho"].user_id or 0)
    return people


def test_expense_lines_take_their_credit_from_their_kind(db: Database, org: dict[str, Actor]) -> None:
    ito = org["ito"]
    lines = (
        LineInput("transport", dt.date(2026, 11, 12), 70_000, route_from="成田", route_to="シンガポール",
                  purpose="海外出張", transport_scope="international"),
        LineInput("receipt", dt.date(2026, 11, 12), 150, "自販機", "6240", "8", "", "来客用飲料",
                  no_invoice_reason="vending_machine"),
        LineInput("receipt", dt.date(2026, 11, 12), 10_000, "取引先 佐藤様", "6230", "none", "", "慶弔見舞金"),
        LineInput("receipt", dt.date(2026, 11, 12), 5_500, "文具のやまだ", "6270", "10", "", "事務用品"),
    )
    receipts = (None, expenses.Receipt("v.png", "image/png", PNG), expenses.Receipt("k.png", "image/png", PNG),
                expenses.Receipt("s.png", "image/png", PNG))
    claim = expenses.create_claim(db.uow(), ito, expenses.ClaimInput("11月 出張", lines, receipts))
    assert [(x.tax_category, x.credit_basis) for x in claim.lines] == [
        ("out_of_scope", "international"), ("purchase_8r", "vending_machine"), ("out_of_scope", ""),
        ("purchase_10", "small_amount")]
    expenses.save_bank_account(db.uow(), ito, ito.user_id or 0, expenses.BankInput(
        "0005", "123", "ordinary", "12345", "イトウ ショウ"))
    expenses.submit_claim(db.uow(), ito, claim.id)
    _decide(db, org["bucho"], claim.id)
    assert _decide(db, org["keiri"], claim.id) == "approved"
    # 仮払消費税: flight 0; 150 x 8/108 = 11.1 → 11; 慶弔 0; 5,500 x 10/110 = 500 (in full: 少額特例) → 511
    assert _sums(db, "1460") == (511, 0)
    # without the reason a vending-machine receipt of 30,000 is refused (the exception is under ¥30,000)
    with pytest.raises(Invalid) as limit:
        expenses.create_claim(db.uow(), ito, expenses.ClaimInput("自販機", (LineInput(
            "receipt", dt.date(2026, 11, 12), 30_000, "自販機", "6240", "10", "", "まとめ買い",
            no_invoice_reason="vending_machine"),), (expenses.Receipt("v.png", "image/png", PNG),)))
    assert limit.value.problems[0].key == "expenses.error.no_invoice_limit"


def test_a_small_bill_from_an_unregistered_supplier_is_credited_in_full(db: Database, org: dict[str, Actor],
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    # the story reaches the 少額特例's end (2029-09-30), beyond the years a posting may fall in today
    monkeypatch.setattr("ennoshita.ledger.posting.posting_years", lambda _s, _m: (2020, 2040))
    supplier = partners.create_partner(db.uow(), ADMIN, partners.PartnerInput(
        code="S050", name="町の文具店", is_customer=False, is_supplier=True)).id
    # 5,000 + 500 = 5,500 < 10,000: 少額特例, 500 deductible (not the 経過措置 70% = 350)
    small = bills.record_bill(db.uow(), ADMIN, bills.BillInput(
        supplier, "B-1", dt.date(2026, 11, 10), (bills.BillLineInput("コピー用紙", "5000"),)))
    assert (small.deductible_tax, small.non_deductible_tax) == (500, 0)
    # 9,100 + 910 = 10,010: not under 10,000 → 経過措置 70% (2026-10-01 to 2028-09-30): 910 x 0.7 = 637
    larger = bills.record_bill(db.uow(), ADMIN, bills.BillInput(
        supplier, "B-2", dt.date(2026, 11, 10), (bills.BillLineInput("トナー", "9100"),)))
    assert (larger.deductible_tax, larger.non_deductible_tax) == (637, 273)
    # after 2029-09-30 the 少額特例 ends: 5,500 on 2029-10-01 → 経過措置 50%: 500 x 0.5 = 250
    # (the rule itself: the books take dates up to the next fiscal year only, so a 2029 bill cannot be posted yet)
    assert not credit_basis.small_amount_applies(True, dt.date(2029, 10, 1), 5_500)
    assert credit_basis.small_amount_applies(True, dt.date(2029, 9, 30), 5_500)
    late = bills._credits((RateTotal("10", 5_000, 500, 5_500),), False, dt.date(2029, 10, 1), 0, 4)
    assert late[0].credit.deductible == 250
