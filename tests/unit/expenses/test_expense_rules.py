"""経費精算 rules, checked by hand-computed cases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ennoshita.expenses import rules
from ennoshita.expenses.rules import LineInput

TODAY = dt.date(2026, 11, 25)
REGISTERED = "T7123456789012"  # the demo company's number: the check digit is valid


def receipt(**kw: object) -> LineInput:
    base: dict[str, object] = {"kind": "receipt", "expense_date": dt.date(2026, 11, 10), "amount": 3_300,
                               "payee": "日本交通株式会社", "account_code": "6250", "tax_rate": "10",
                               "registration_number": REGISTERED, "purpose": "顧客訪問", "has_receipt": True}
    base.update(kw)
    return LineInput(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(("kind", "rate", "registered", "expected"), [
    ("receipt", "10", True, "purchase_10"),
    ("receipt", "10", False, "purchase_10_transitional"),
    ("receipt", "8", True, "purchase_8r"),
    ("receipt", "8", False, "purchase_8r_transitional"),
    ("receipt", "0", False, "purchase_exempt"),
    ("receipt", "none", True, "out_of_scope"),
    # 公共交通機関特例 / 出張旅費等特例: deductible on the books alone, no 登録番号 needed
    ("transport", "10", False, "purchase_10"),
    ("mileage", "10", False, "purchase_10"),
])
def test_tax_category_follows_the_invoice_rules(kind: str, rate: str, registered: bool, expected: str) -> None:
    assert rules.tax_category(kind, rate, registered) == expected


def test_a_receipt_without_registration_is_transitional_and_the_number_is_normalised() -> None:
    line, problems = rules.check_line(receipt(registration_number=""), 0, TODAY)
    assert problems == [] and line is not None
    assert line.tax_category == "purchase_10_transitional" and line.registration_number is None
    line, problems = rules.check_line(receipt(registration_number="ｔ７１２３４５６７８９０１２"), 0, TODAY)
    assert problems == [] and line is not None and line.registration_number == REGISTERED


def test_mileage_rounds_down_and_a_round_trip_doubles_the_fare() -> None:
    assert rules.mileage_amount(Decimal("12.5"), Decimal("20")) == 250
    assert rules.mileage_amount(Decimal("7.3"), Decimal("18.5")) == 135  # 135.05 → 135
    line, problems = rules.check_line(LineInput("mileage", dt.date(2026, 11, 12), distance_km=Decimal("33.3"),
                                                rate_per_km=Decimal("15"), route_from="本社", route_to="川崎工場",
                                                purpose="設備点検"), 0, TODAY)
    assert problems == [] and line is not None and line.amount == 499  # 499.5 → 499
    assert line.account_code == "6250" and line.payee == "自家用車"
    line, _ = rules.check_line(LineInput("transport", dt.date(2026, 11, 12), 420, route_from="渋谷",
                                         route_to="横浜", round_trip=True, purpose="展示会"), 0, TODAY)
    assert line is not None and line.amount == 840 and line.tax_category == "purchase_10"


def test_bad_lines_name_each_field() -> None:
    lines = [
        receipt(amount=0),
        receipt(payee="", purpose=""),
        receipt(account_code="1110"),  # 現金 is not an expense account
        receipt(registration_number="T1234567890123"),  # bad check digit
        receipt(expense_date=dt.date(2026, 12, 1)),  # in the future
        LineInput("mileage", dt.date(2026, 11, 1), distance_km=Decimal("1.25"), route_from="a", route_to="b",
                  purpose="x"),
        LineInput("transport", dt.date(2026, 11, 1), 500, purpose="x"),
        LineInput("taxi", dt.date(2026, 11, 1), 500),
    ]
    checked, problems = rules.check_lines(lines, TODAY)
    assert checked == []
    assert sorted((p.field or "", p.key) for p in problems) == sorted([
        ("lines[0].amount", "expenses.error.positive"),
        ("lines[1].payee", "error.required"),
        ("lines[1].purpose", "error.required"),
        ("lines[2].account_code", "expenses.error.account"),
        ("lines[3].registration_number", "company.error.registration_number"),
        ("lines[4].expense_date", "expenses.error.future_date"),
        ("lines[5].distance_km", "expenses.error.decimals"),
        ("lines[6].route_from", "expenses.error.route"),
        ("lines[7].kind", "expenses.error.kind"),
    ])
    assert rules.check_lines([], TODAY)[1][0].key == "expenses.error.no_lines"


def test_receipt_lines_need_their_image() -> None:
    problems = rules.receipts_missing([("receipt", True), ("transport", False), ("receipt", False)])
    assert [(p.field, p.key) for p in problems] == [("lines[2].receipt", "expenses.error.receipt_missing")]


def test_posting_one_entry_per_date_against_accrued_expenses() -> None:
    lines, problems = rules.check_lines([
        receipt(),
        receipt(amount=1_650, payee="喫茶ルオー", account_code="6240", registration_number=""),
        receipt(expense_date=dt.date(2026, 11, 12), amount=2_160, payee="弁当のさくら", account_code="6240",
                tax_rate="8"),
    ], TODAY)
    assert problems == []
    drafts = rules.posting_drafts("EXP-2026-000001", "伊藤 翔", "EMP00008", lines)
    assert [d.date for d in drafts] == [dt.date(2026, 11, 10), dt.date(2026, 11, 12)]
    first = drafts[0].lines
    assert [(x.account_code, x.debit, x.credit, x.tax_category, x.sub_account) for x in first] == [
        ("6250", 3_300, 0, "purchase_10", None),
        ("6240", 1_650, 0, "purchase_10_transitional", None),
        ("2150", 0, 4_950, None, "EMP00008"),
    ]
    assert [(x.account_code, x.debit, x.credit) for x in drafts[1].lines] == [("6240", 2_160, 0),
                                                                             ("2150", 0, 2_160)]


def test_an_international_fare_carries_no_input_tax() -> None:
    # 国際線 70,000: 免税 (消費税法7条1項3号), not the 6,363 (70,000 x 10/110) of a domestic fare
    line, problems = rules.check_line(LineInput("transport", dt.date(2026, 11, 12), 70_000, route_from="成田",
                                                route_to="シンガポール", purpose="海外出張",
                                                transport_scope="international"), 0, TODAY)
    assert problems == [] and line is not None
    assert (line.tax_category, line.credit_basis) == ("out_of_scope", "international")


@pytest.mark.parametrize(("reason", "amount", "category", "basis"), [
    ("vending_machine", 29_999, "purchase_10", "vending_machine"),  # 自動販売機 under ¥30,000: full credit
    ("public_transport", 12_000, "purchase_10", "public_transport"),
    ("admission_ticket", 45_000, "purchase_10", "admission_ticket"),  # collected at the entrance: no limit
    ("", 9_999, "purchase_10_transitional", "transitional"),  # no reason, no 少額特例: 経過措置
])
def test_receipts_that_need_no_qualified_invoice(reason: str, amount: int, category: str, basis: str) -> None:
    line, problems = rules.check_line(receipt(registration_number="", no_invoice_reason=reason, amount=amount),
                                      0, TODAY)
    assert problems == [] and line is not None
    assert (line.tax_category, line.credit_basis) == (category, basis)


def test_a_vending_machine_receipt_of_thirty_thousand_yen_needs_an_invoice() -> None:
    _line, problems = rules.check_line(receipt(registration_number="", no_invoice_reason="vending_machine",
                                               amount=30_000), 0, TODAY)
    assert [p.key for p in problems] == ["expenses.error.no_invoice_limit"]


def test_the_small_amount_exception_credits_purchases_under_ten_thousand_yen() -> None:
    under, _ = rules.check_line(receipt(registration_number="", amount=9_999), 0, TODAY, small_amount=True)
    assert under is not None and (under.tax_category, under.credit_basis) == ("purchase_10", "small_amount")
    at, _ = rules.check_line(receipt(registration_number="", amount=10_000), 0, TODAY, small_amount=True)
    assert at is not None and at.tax_category == "purchase_10_transitional"
    # a qualified invoice needs no exception; 慶弔見舞金 (対象外) has no basis at all
    registered, _ = rules.check_line(receipt(amount=5_000), 0, TODAY, small_amount=True)
    assert registered is not None and (registered.tax_category, registered.credit_basis) == ("purchase_10", "")
