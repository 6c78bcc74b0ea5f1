"""雇用保険料 is 労働保険料: paid once a year at the 年度更新 for the 労働保険年度 (April to March), not monthly to
the 年金事務所 with 健康保険・厚生年金 (労働保険の保険料の徴収等に関する法律 15条, 19条; 健康保険法 164条,
厚生年金保険法 83条). SQLite and PostgreSQL, with the employees of ``test_payroll``.

Two months of pay in 労働保険年度 2026, the October and November 2026 periods paid on 2026-11-25 and 2026-12-25.
雇用保険 at the FY2026 general rate, employee 5/1000 (50銭 or less dropped, more rounds up), employer 8.5/1000
(below 1 yen dropped), on the wages actually paid, commuting allowance included (payroll-facts.md §3):

  A (月給): 基本給 300,000 + 役職手当 20,000 + 時間外 10h x 320,000 / 160 x 1.25 = 25,000 + 通勤手当 15,000 = 360,000
      employee 360,000 x 5/1000 = 1,800; employer 360,000 x 8.5/1000 = 3,060
  B (時給, not insured): 0
  C (月給): 基本給 250,100 (from October; 標準報酬 stays 260,000) = 250,100
      employee 250,100 x 5/1000 = 1,250.5 → 50銭 dropped → 1,250; employer 250,100 x 8.5/1000 = 2,125.85 → 2,125
  per month: withheld 3,050, employer 5,185; the year (two months): withheld 6,100, employer 10,370, total 16,470.

社会保険料 (健康保険・介護・支援金・厚生年金, ``test_payroll_paid``'s hand figures), per month:
  employee A 17,136 + 31,110, C 15,574 + 23,790 = 87,610;
  employer A 17,136 + 31,110 + 子ども 1,224, C 15,574 + 23,790 + 936 = 89,770.
納期限: 社会保険料 of the November pay the end of December, 2026-12-31 (年末) → 2027-01-04; of the December pay
2027-01-31 (a Sunday) → 2027-02-01. 労働保険料 of 労働保険年度 2026: 2027-07-10 is a Saturday → 2027-07-12.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from ennoshita import migrations
from ennoshita.actor import Actor
from ennoshita.db import Database
from ennoshita.errors import Conflict, Invalid
from ennoshita.ledger.models import Account, JournalEntry, JournalLine
from ennoshita.payroll import remittances as payroll_remittances
from ennoshita.payroll import services
from ennoshita.payroll.models import PayrollRemittance, PayRun
from tests.integration.test_payroll import _run_month, org  # noqa: F401  (the fixture)
from tests.integration.test_payroll_paid import _balance, _entry

EMPLOYMENT_WITHHELD = 2 * (1_800 + 1_250)
EMPLOYMENT_EMPLOYER = 2 * (3_060 + 2_125)
SOCIAL_WITHHELD = 17_136 + 31_110 + 15_574 + 23_790
SOCIAL_EMPLOYER = 17_136 + 31_110 + 1_224 + 15_574 + 23_790 + 936


def _two_months(db: Database, org: dict[str, object]) -> tuple[int, int]:  # noqa: F811
    ids, hr = org["ids"], org["jinji"]
    assert isinstance(ids, dict) and isinstance(hr, Actor)
    services.save_profile(db.uow(), hr, ids["C"], {"base_amount": 250_100}, effective_from=dt.date(2026, 10, 1))
    return _run_month(db, org, 2026, 10), _run_month(db, org, 2026, 11)


def test_employment_insurance_is_paid_yearly_not_with_social_insurance(
        db: Database, org: dict[str, object]) -> None:  # noqa: F811
    _two_months(db, org)
    keiri = org["keiri"]
    assert isinstance(keiri, Actor)
    rows = {(r.month, r.kind): r for r in payroll_remittances.remittances(db.uow(), keiri, 2026)}
    # (a) the monthly 社会保険料 to the 年金事務所 without 雇用保険
    for month, due in (("2026-11", dt.date(2027, 1, 4)), ("2026-12", dt.date(2027, 2, 1))):
        r = rows[(month, "social_insurance")]
        assert (r.withheld, r.employer, r.due) == (SOCIAL_WITHHELD, SOCIAL_EMPLOYER, due)
    # (b) one 労働保険料 (雇用保険分) for the 労働保険年度, due after the 年度更新
    labour = rows[("2026", "labour_insurance")]
    assert (labour.withheld, labour.employer, labour.total, labour.due, labour.paid_date) == (
        EMPLOYMENT_WITHHELD, EMPLOYMENT_EMPLOYER, 16_470, dt.date(2027, 7, 12), None)
    assert set(rows) == {(m, k) for m in ("2026-11", "2026-12")
                         for k in ("income_tax", "resident_tax", "social_insurance")} | {("2026", "labour_insurance")}
    # 労働保険年度 2026 runs to March 2027: the 2027 list shows it too, the same one
    assert [(r.month, r.total) for r in payroll_remittances.remittances(db.uow(), keiri, 2027)] == [("2026", 16_470)]

    social = payroll_remittances.pay_remittance(db.uow(), keiri, "2026-11", "social_insurance")
    assert social.journal_entry_id is not None
    assert _entry(db, social.journal_entry_id) == (dt.date(2027, 1, 4), {
        "2200": (SOCIAL_WITHHELD, 0), "2160": (SOCIAL_EMPLOYER, 0), "1140": (0, SOCIAL_WITHHELD + SOCIAL_EMPLOYER)})
    with pytest.raises(Invalid):  # the 労働保険年度 is not over: more pay may fall in it
        payroll_remittances.pay_remittance(db.uow(), keiri, "2026", "labour_insurance", dt.date(2027, 3, 31))
    paid = payroll_remittances.pay_remittance(db.uow(), keiri, "2026", "labour_insurance")
    assert (paid.paid_date, paid.total) == (dt.date(2027, 7, 12), 16_470)
    assert paid.journal_entry_id is not None
    assert _entry(db, paid.journal_entry_id) == (dt.date(2027, 7, 12), {
        "2200": (EMPLOYMENT_WITHHELD, 0), "2160": (EMPLOYMENT_EMPLOYER, 0), "1140": (0, 16_470)})
    with pytest.raises(Conflict):
        payroll_remittances.pay_remittance(db.uow(), keiri, "2026", "labour_insurance")
    with db.uow() as uow:
        entry = uow.session.get(JournalEntry, paid.journal_entry_id)
        assert entry is not None
        assert ("労働保険料 (雇用保険分) 納付 2026年度" in entry.description, entry.counterparty) == (True, "労働局")
        entry = uow.session.get(JournalEntry, social.journal_entry_id)
        assert entry is not None and "雇用保険" not in entry.description and entry.counterparty == "年金事務所"
        assert entry.description.startswith("社会保険料 (健康保険・厚生年金) 納付 2026年11月分（納期限 ")

    # (c) once everything is paid over, nothing the runs booked is left in 預り金 or 未払費用
    for month in ("2026-11", "2026-12"):
        for kind in ("income_tax", "resident_tax", "social_insurance"):
            if not (month == "2026-11" and kind == "social_insurance"):
                payroll_remittances.pay_remittance(db.uow(), keiri, month, kind)
    assert (_balance(db, "2200"), _balance(db, "2160")) == (0, 0)
    paid_over = {(r.month, r.kind): r.total for y in (2026, 2027)
                 for r in payroll_remittances.remittances(db.uow(), keiri, y)}
    assert _balance(db, "1140") == sum(paid_over.values())  # the runs are not marked paid here: only the 納付

def test_the_run_books_each_insurance_on_its_own_line(db: Database, org: dict[str, object]) -> None:  # noqa: F811
    run_id, _ = _two_months(db, org)
    with db.uow() as uow:
        entry_id = uow.session.get(PayRun, run_id).journal_entry_id  # type: ignore[union-attr]
        lines = {(str(code), memo): (int(d), int(c)) for code, memo, d, c in uow.session.execute(
            select(Account.code, JournalLine.memo, JournalLine.debit, JournalLine.credit)
            .join(Account, Account.id == JournalLine.account_id).where(JournalLine.entry_id == entry_id))}
    assert lines[("2200", "社会保険料 (健康保険・厚生年金)")] == (0, SOCIAL_WITHHELD)
    assert lines[("2200", "雇用保険料")] == (0, EMPLOYMENT_WITHHELD // 2)
    assert lines[("2160", "法定福利費 事業主負担 社会保険料 (健康保険・厚生年金)")] == (0, SOCIAL_EMPLOYER)
    assert lines[("2160", "法定福利費 事業主負担 雇用保険料")] == (0, EMPLOYMENT_EMPLOYER // 2)


def test_a_month_paid_before_the_split_is_not_paid_twice(db: Database, org: dict[str, object]) -> None:  # noqa: F811
    """A 社会保険料 納付 recorded before migration 0036 cleared 雇用保険 with it (``includes_employment``): the
    労働保険料 of its year leaves that month out: it is not paid twice (預り金 and 未払費用 would go below zero)."""
    _two_months(db, org)
    keiri = org["keiri"]
    assert isinstance(keiri, Actor)
    payroll_remittances.pay_remittance(db.uow(), keiri, "2026-11", "social_insurance")
    with db.uow() as uow:  # what the old rule paid for November: 雇用保険 included
        row = uow.session.scalars(select(PayrollRemittance).where(PayrollRemittance.month == "2026-11")).one()
        row.includes_employment = True
        uow.commit()
    labour = next(r for r in payroll_remittances.remittances(db.uow(), keiri, 2026) if r.kind == "labour_insurance")
    assert (labour.withheld, labour.employer) == (1_800 + 1_250, 3_060 + 2_125)  # December's only


def test_the_labour_insurance_year_follows_the_pay_date(db: Database, org: dict[str, object]) -> None:  # noqa: F811
    """The February 2026 period is paid on 2026-03-25 (労働保険年度 2025), the March one on 2026-04-24 (the 25th is a
    Saturday; 労働保険年度 2026). Both periods close before 1 April, so both bear the FY2025 rate (employee 5.5/1000,
    employer 9/1000): A 360,000 → 1,980 and 3,240; C 250,000 → 1,375 and 2,250; per run 3,355 and 5,490.
    労働保険年度 2025 is due 2026-07-10 (a Friday). Once every 納付 on both years' lists is paid, nothing the runs
    booked is left in 預り金 or 未払費用."""
    keiri = org["keiri"]
    assert isinstance(keiri, Actor)
    _run_month(db, org, 2026, 2)
    _run_month(db, org, 2026, 3)
    listed = {(r.month, r.kind): r for y in (2025, 2026) for r in payroll_remittances.remittances(db.uow(), keiri, y)}
    labour = {m: (r.withheld, r.employer, r.due) for (m, k), r in listed.items() if k == "labour_insurance"}
    assert labour == {"2025": (3_355, 5_490, dt.date(2026, 7, 10)), "2026": (3_355, 5_490, dt.date(2027, 7, 12))}
    assert {m for m, k in listed if k == "social_insurance"} == {"2026-03", "2026-04"}
    for month, kind in sorted(listed):
        payroll_remittances.pay_remittance(db.uow(), keiri, month, kind)
    assert (_balance(db, "2200"), _balance(db, "2160")) == (0, 0)
    assert all(r.paid_date == r.due for y in (2025, 2026) for r in payroll_remittances.remittances(db.uow(), keiri, y))


@pytest.mark.parametrize(("month", "kind", "key"), [
    ("2026-11", "labour_insurance", "payroll.error.labour_year_format"),  # a 労働保険年度 is a year
    ("26", "labour_insurance", "payroll.error.labour_year_format"),
    ("3000", "labour_insurance", "error.year_range"),
    ("3000-01", "social_insurance", "error.year_range"),
    ("2026", "social_insurance", "ledger.error.month_format"),
])
def test_a_bad_period_is_refused_naming_the_month(db: Database, org: dict[str, object],  # noqa: F811
                                                  month: str, kind: str, key: str) -> None:
    keiri = org["keiri"]
    assert isinstance(keiri, Actor)
    with pytest.raises(Invalid) as err:
        payroll_remittances.pay_remittance(db.uow(), keiri, month, kind)
    assert [(p.key, p.field) for p in err.value.problems] == [(key, "month")]


def test_labour_insurance_due_date() -> None:
    # 徴収法 19条: 確定保険料 by 10 July (the 年度更新); a Saturday moves it to Monday (2027-07-10 → 07-12)
    assert payroll_remittances.remittance_due("2026", "labour_insurance") == dt.date(2027, 7, 12)
    assert payroll_remittances.remittance_due("2025", "labour_insurance") == dt.date(2026, 7, 10)  # a Friday
    assert payroll_remittances.remittance_due("2026-11", "social_insurance") == dt.date(2027, 1, 4)


def test_migration_0036_marks_the_social_insurance_paid_under_the_old_rule(tmp_path: Path) -> None:
    """The 社会保険料 納付 recorded before 0036 cleared 雇用保険 too; the other kinds never held it."""
    engine = create_engine(f"sqlite:///{tmp_path / 'm.db'}")
    try:
        migrations.upgrade(engine, "0035")
        with engine.begin() as conn:
            for i, kind in enumerate(("social_insurance", "income_tax"), start=1):
                conn.execute(text(
                    "INSERT INTO payroll_remittances (id, month, kind, due_date, paid_date, withheld, employer, "
                    "journal_entry_id, created_at) VALUES (:id, '2026-05', :kind, '2026-06-30', '2026-06-30', 1, 0, 1, "
                    "'2026-06-30 00:00:00')"), {"id": i, "kind": kind})
        migrations.upgrade(engine)
        with engine.connect() as conn:
            rows = dict(conn.execute(text("SELECT kind, includes_employment FROM payroll_remittances")).all())
    finally:
        engine.dispose()
    assert {k: bool(v) for k, v in rows.items()} == {"social_insurance": True, "income_tax": False}
