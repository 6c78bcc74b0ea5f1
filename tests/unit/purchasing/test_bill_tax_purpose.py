"""用途区分 on supplier bill lines and expense claim lines reaches the ledger line's 税区分 (個別対応方式,
消費税法30条②一). Figures by hand."""

from __future__ import annotations

import datetime as dt

from ennoshita.expenses import rules as expense_rules
from ennoshita.purchasing.bills import AccountKey, purchase_lines


def test_a_bill_splits_its_input_tax_by_use() -> None:
    # 10%: 修繕 (土地の貸付け用) 100,000 非課税売上対応, 部品 300,000 課税売上対応; tax 40,000 all deductible
    # 仮払消費税 split by amount: 40,000 x 100,000/400,000 = 10,000 and 30,000
    by_rate: dict[str, dict[AccountKey, int]] = {"10": {("6310", "non_taxable"): 100_000,
                                                        ("5110", "taxable"): 300_000}}
    lines = purchase_lines(by_rate, {"10": (40_000, 40_000)}, True, False, False, "B-1")
    assert [(x.account_code, x.debit, x.tax_category) for x in lines] == [
        ("6310", 100_000, "purchase_10:non_taxable"), ("5110", 300_000, "purchase_10:taxable"),
        ("1460", 10_000, "purchase_10:non_taxable"), ("1460", 30_000, "purchase_10:taxable")]


def test_a_bill_line_without_a_use_stays_untagged_for_the_company_default() -> None:
    # 経過措置 80% of 1,000 = 800 deductible; 200 stays in the cost: 10,000 + 200
    lines = purchase_lines({"10": {"5110": 10_000}}, {"10": (1_000, 800)}, False, False, False, "B-2")
    assert [(x.account_code, x.debit, x.tax_category) for x in lines] == [
        ("5110", 10_200, "purchase_10_transitional"), ("1460", 800, "purchase_10_transitional")]


def test_an_expense_line_carries_its_use_to_the_posting() -> None:
    today = dt.date(2026, 11, 30)
    checked, problems = expense_rules.check_lines((
        expense_rules.LineInput("receipt", dt.date(2026, 11, 12), 5_500, "文具のやまだ", "6270", "10",
                                "T7010705000725", "事務用品", tax_purpose="common"),
        expense_rules.LineInput("receipt", dt.date(2026, 11, 12), 3_300, "不動産管理", "6270", "10",
                                "T7010705000725", "賃貸用物件の備品", tax_purpose="non_taxable"),
    ), today)
    assert problems == []
    (draft,) = expense_rules.posting_drafts("EXP-2026-000001", "伊藤 翔", "E00001", checked)
    assert [x.tax_category for x in draft.lines] == ["purchase_10:common", "purchase_10:non_taxable", None]
    _, bad = expense_rules.check_lines((expense_rules.LineInput(
        "receipt", dt.date(2026, 11, 12), 5_500, "文具のやまだ", "6270", "10", "T7010705000725", "事務用品",
        tax_purpose="both"),), today)
    assert [(p.key, p.field) for p in bad] == [("ledger.error.ctax_purpose", "lines[0].tax_purpose")]
