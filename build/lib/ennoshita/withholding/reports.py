"""The 源泉徴収 documents as tables (CSV / XLSX / PDF through :mod:`ennoshita.tabular`): the 所得税徴収高計算書
figures per 納期限, and the 報酬、料金、契約金及び賞金の支払調書 per payee with the 法定調書合計表 figures."""

from __future__ import annotations

from collections.abc import Sequence

from ennoshita.tabular import Table, columns
from ennoshita.withholding import rules
from ennoshita.withholding.services import DueGroup, PayeeStatement, SummaryTotals


def category_label(code: str) -> str:
    if code == rules.SALARY:
        return "給与"
    return rules.CATEGORIES[code][1] if code in rules.CATEGORIES else code


def remittance_table(groups: Sequence[DueGroup]) -> Table:
    """所得税徴収高計算書 figures: per 納期限 and category, 人員 / 支給額 / 税額, and the 納付 state."""
    table = Table("源泉所得税 納付一覧(所得税徴収高計算書)", "人員・支給額・税額は区分ごと。納期限は支払月の翌月10日"
                  "(納期の特例: 1〜6月分 7/10、7〜12月分 1/20)", columns(
                      ("due_date", "納期限", "date"), ("category", "区分"), ("people", "人員", "int"),
                      ("amount", "支給額", "yen"), ("tax", "税額", "yen"), ("paid_date", "納付日", "date")),
                  filename="withholding-remittances")
    for g in groups:
        for c in g.categories:
            table.add({"due_date": g.due_date, "category": category_label(c.category), "people": c.people,
                       "amount": c.amount, "tax": c.tax, "paid_date": g.paid_date})
        table.add({"due_date": g.due_date, "category": "合計", "tax": g.total, "paid_date": g.paid_date},
                  emphasis=True)
    return table


def statements_table(year: int, statements: Sequence[PayeeStatement], totals: SummaryTotals) -> Table:
    """支払調書 (one row per payee and category) and the 合計表 figures (all, and submitted) of ``year``."""
    note = f"所得税法225条1項3号。提出対象: 年間の支払金額が {rules.SUBMISSION_THRESHOLD:,}円を超える支払先"
    table = Table(f"報酬、料金、契約金及び賞金の支払調書 {year}年分", note, columns(
                      ("payee", "支払を受ける者"), ("address", "住所"), ("category", "区分"),
                      ("paid", "支払金額", "yen"), ("unpaid", "うち未払金額", "yen"), ("tax", "源泉徴収税額", "yen"),
                      ("unpaid_tax", "うち未徴収税額", "yen"), ("submit", "提出")),
                  filename=f"payee-statements-{year}")
    for p in statements:
        table.add({"payee": p.payee_name, "address": p.address, "category": category_label(p.category),
                   "paid": p.paid, "unpaid": p.unpaid, "tax": p.tax, "unpaid_tax": p.unpaid_tax,
                   "submit": "提出" if p.submit else "提出不要"})
    table.add({"payee": f"合計表: 全体 {totals.people}人", "paid": totals.amount, "tax": totals.tax}, emphasis=True)
    table.add({"payee": f"合計表: 提出分 {totals.submitted_people}人", "paid": totals.submitted_amount,
               "tax": totals.submitted_tax}, emphasis=True)
    return table
