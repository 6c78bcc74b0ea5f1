"""The demo company's books show a living company (SQLite and PostgreSQL): after ``load_demo``

* every fixed pay run paid on or before the demo's today is 支払済, and 未払金 holds only what is still to pay:
  the runs paid later this month and the 経費精算 approved and waiting for the next payment run (the expenses
  demo's one claim, ¥42,240 + ¥11,220 = ¥53,460);
* every 納付 of what the runs withheld whose 納期限 has come is 納付済: 預り金 and 未払費用 hold exactly the open
  remittances, among them the 労働保険料 (雇用保険分) of the 労働保険年度 under way, due at its 年度更新;
* fiscal year 2025 and fiscal year 2026 to date earn an operating profit, the net assets are positive; the closed
  fiscal year 2025 carries its 法人税、住民税及び事業税 (the standard rates on its 税引前当期純利益), paid by the
  納期限;
* no 普通預金 sub-account (nor the lines without one, the modules' default bank account) ends a month overdrawn;
* debits equal credits and the balance sheet balances;
* the 部門別損益 leaves no 減価償却費, 給料手当, 役員報酬, 賞与 or 法定福利費 under 部門なし in any month (the
  depreciation runs and the pay runs post them by each asset's and each employee's department);
* the 固定資産台帳 agrees with the books to the yen, account by account (cost on each asset account, the
  depreciation to date on 減価償却累計額; the direct-method assets at their book value), and each fiscal year
  carries its 減価償却費 (fiscal year 2025 had none, and the register said ¥5,362,806 against the books'
  ¥4,668,427).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import func, select

from ennoshita.actor import Actor
from ennoshita.assets.models import FixedAsset
from ennoshita.assets.services import ACCUMULATED, DIRECT_METHODS
from ennoshita.dates import end_of_month
from ennoshita.db import Database
from ennoshita.ledger import corporate_tax
from ennoshita.ledger import queries as q
from ennoshita.ledger.demo import demo_today
from ennoshita.ledger.models import Account, Department, JournalEntry, JournalLine, SubAccount
from ennoshita.payroll import remittances as payroll_remittances
from ennoshita.payroll.models import PayRun

EXPENSE_CLAIM_WAITING = 42_240 + 11_220  # expenses/demo.py: 伊藤's 大阪出張, approved, paid in the next run


def _credit_balance(db: Database, code: str) -> int:
    with db.uow() as uow:
        debit, credit = uow.session.execute(
            select(func.coalesce(func.sum(JournalLine.debit), 0), func.coalesce(func.sum(JournalLine.credit), 0))
            .join(Account, Account.id == JournalLine.account_id)
            .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
            .where(Account.code == code, JournalEntry.status == "posted")).one()
    return int(credit) - int(debit)


def test_pay_is_paid_and_withholdings_paid_over(demo_db: Database) -> None:
    today = demo_today()
    with demo_db.uow() as uow:
        runs = uow.session.execute(select(PayRun.pay_date, PayRun.paid_date, PayRun.net_total)
                                   .where(PayRun.status == "fixed")).all()
    assert runs
    assert all(paid == pay for pay, paid, _net in runs if pay <= today)  # paid on the pay date
    unpaid = [(pay, net) for pay, paid, net in runs if paid is None]
    assert all(today < pay <= end_of_month(today.year, today.month) for pay, _net in unpaid)
    assert _credit_balance(demo_db, "2150") == sum(net for _pay, net in unpaid) + EXPENSE_CLAIM_WAITING

    actor = Actor.system()
    years = sorted({pay.year for pay, _paid, _net in runs})
    listed = {(r.month, r.kind): r for y in years for r in payroll_remittances.remittances(demo_db.uow(), actor, y)}
    remittances = list(listed.values())  # a 労働保険年度 is listed in both calendar years it spans: once here
    assert all(r.paid_date == r.due for r in remittances if r.due <= today)
    open_ones = [r for r in remittances if r.paid_date is None]
    assert open_ones  # the latest month's are still to pay, as in real life
    labour = [r for r in open_ones if r.kind == "labour_insurance"]
    labour_year = today.year if today.month >= 4 else today.year - 1  # 労働保険年度: April to March
    assert [r.month for r in labour] == [f"{labour_year}"]
    if labour_year == 2026:  # 2027-07-10 is a Saturday
        assert labour[0].due == dt.date(2027, 7, 12)
    assert labour[0].withheld > 0 and labour[0].employer > 0  # 雇用保険 of every run paid since April
    assert _credit_balance(demo_db, "2200") == sum(r.withheld for r in open_ones)
    assert _credit_balance(demo_db, "2160") == sum(r.employer for r in open_ones)


def test_employment_insurance_is_paid_at_the_labour_insurance_renewal(demo_db: Database) -> None:
    """雇用保険料 is 労働保険料: in the books before the payroll module (FY2025's monthly totals) as after it, it is
    never paid with the 社会保険料 to the 年金事務所 but once, for 労働保険年度 2025, at the 年度更新 on 2026-07-10."""
    with demo_db.uow() as uow:
        s = uow.session
        memos = set(s.scalars(select(JournalLine.memo).join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
                              .where(JournalEntry.status == "posted", JournalEntry.counterparty == "年金事務所")))
        renewals = s.execute(select(JournalEntry.entry_date, JournalEntry.description).where(
            JournalEntry.status == "posted", JournalEntry.counterparty == "労働局")).all()
    assert memos and not any("雇用保険" in m for m in memos)
    assert [(day, "2025年度" in text) for day, text in renewals] == [(dt.date(2026, 7, 10), True)]


def test_the_company_earns_money_and_the_books_balance(demo_db: Database) -> None:
    today = demo_today()
    with demo_db.uow() as uow:
        s = uow.session
        fy2025 = q.income_statement(s, dt.date(2025, 4, 1), dt.date(2026, 3, 31)).figures
        fy2026 = q.income_statement(s, dt.date(2026, 4, 1), today).figures
        bs = q.balance_sheet(s, today, 4).figures
        debit, credit = s.execute(select(func.sum(JournalLine.debit), func.sum(JournalLine.credit))
                                  .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
                                  .where(JournalEntry.status == "posted")).one()
    assert fy2025["operating_income"] > 0
    assert fy2026["operating_income"] > 0
    # an operating margin of a few percent, not a windfall: 2-15% of the year's sales to date
    assert 0.02 < fy2026["operating_income"] / fy2026["sales"] < 0.15
    assert bs["net_assets"] > 0
    # the closed year carries its 法人税等 (none before), paid by its 納期限: 未払法人税等 is back to nothing
    assert fy2025["income_taxes"] == corporate_tax.estimate(fy2025["income_before_taxes"], 70_000).total > 0
    assert fy2025["net_income"] == fy2025["income_before_taxes"] - fy2025["income_taxes"]
    assert _credit_balance(demo_db, "2170") == 0
    assert debit == credit
    assert bs["assets"] == bs["liabilities_and_net_assets"]


def test_no_bank_account_ends_a_month_overdrawn(demo_db: Database) -> None:
    with demo_db.uow() as uow:
        rows = uow.session.execute(
            select(JournalLine.entry_date, SubAccount.code, JournalLine.debit - JournalLine.credit)
            .join(Account, Account.id == JournalLine.account_id)
            .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
            .outerjoin(SubAccount, SubAccount.id == JournalLine.sub_account_id)
            .where(Account.code == "1140", JournalEntry.status == "posted")).all()
    moves: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for day, sub, amount in rows:
        moves[f"{day:%Y-%m}"][sub or "(none)"] += int(amount)
    running: dict[str, int] = defaultdict(int)
    for ym in sorted(moves):
        for sub, amount in moves[ym].items():
            running[sub] += amount
        overdrawn = {sub: bal for sub, bal in running.items() if bal < 0}
        assert not overdrawn, (ym, overdrawn)
    assert set(running) >= {"MIZUHO", "MUFG", "(none)"}


def _debit_balance(db: Database, code: str, first: dt.date | None = None, last: dt.date | None = None) -> int:
    """Debit balance of ``code``; between ``first`` and ``last``: its debits alone (the year's close moves the
    expense accounts' balances to 繰越利益剰余金)."""
    with db.uow() as uow:
        amount = JournalLine.debit if first is not None else JournalLine.debit - JournalLine.credit
        stmt = (select(func.coalesce(func.sum(amount), 0))
                .join(Account, Account.id == JournalLine.account_id)
                .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
                .where(Account.code == code, JournalEntry.status == "posted"))
        if first is not None and last is not None:
            stmt = stmt.where(JournalEntry.entry_date.between(first, last))
        return int(uow.session.scalar(stmt) or 0)


def test_the_fixed_asset_register_agrees_with_the_books(demo_db: Database) -> None:
    with demo_db.uow() as uow:
        assets = uow.session.execute(select(FixedAsset.account_code, FixedAsset.method, FixedAsset.cost,
                                            FixedAsset.accumulated).where(FixedAsset.status == "active")).all()
    assert len(assets) >= 10
    carried: dict[str, int] = defaultdict(int)
    accumulated = 0
    for account, method, cost, done in assets:
        if method in DIRECT_METHODS:
            carried[account] += cost - done
        else:
            carried[account] += cost
            accumulated += done
    assert {code: _debit_balance(demo_db, code) for code in carried} == carried
    assert -_debit_balance(demo_db, ACCUMULATED) == accumulated
    # 減価償却費 in every fiscal year the assets were held, not only in the months the register has run
    assert _debit_balance(demo_db, "6410", dt.date(2025, 4, 1), dt.date(2026, 3, 31)) > 0
    assert _debit_balance(demo_db, "6410", dt.date(2026, 4, 1), dt.date(2026, 9, 30)) > 0


BY_DEPARTMENT = ("6410", "6110", "6120", "6130", "6140")  # 減価償却費 役員報酬 給料手当 賞与 法定福利費


def test_depreciation_and_pay_are_in_the_departments_profit_and_loss(demo_db: Database) -> None:
    """部門別損益, month by month: each department's 減価償却費 and pay (the report cut by 部門) add up to the
    company's, so nothing is left under 部門なし; the assets module's runs and the payroll module's runs are
    among them, spread over more than one 部門."""
    today = demo_today()
    with demo_db.uow() as uow:
        s = uow.session
        accounts = dict(s.execute(select(Account.id, Account.code).where(Account.code.in_(BY_DEPARTMENT))).all())
        departments = s.scalars(select(Department.id)).all()
        month = dt.date(2025, 4, 1)
        while month <= today:
            last = end_of_month(month.year, month.month)
            total = q.sums_by_account(s, month, last, account_ids=list(accounts))
            split: dict[int, int] = defaultdict(int)
            for dep in departments:
                for acc, (debit, credit) in q.sums_by_account(s, month, last, q.Dimension(department_id=dep),
                                                              account_ids=list(accounts)).items():
                    split[acc] += debit - credit
            assert {accounts[a]: split[a] for a in total} == {accounts[a]: d - c for a, (d, c) in total.items()}, month
            month = last + dt.timedelta(days=1)
        spread = dict(s.execute(
            select(JournalEntry.source, func.count(func.distinct(JournalLine.department_id)))
            .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
            .where(JournalLine.account_id.in_(list(accounts)), JournalEntry.source.in_(("depreciation", "payroll")))
            .group_by(JournalEntry.source)).all())
        # the books' own depreciation before the register took over (April-September 2026) by each asset's 部門 too
        before_register = s.scalar(
            select(func.count(func.distinct(JournalLine.department_id)))
            .join(Account, Account.id == JournalLine.account_id)
            .where(Account.code == "6410", JournalLine.entry_date.between(dt.date(2026, 4, 1), dt.date(2026, 9, 30))))
    assert spread["depreciation"] >= 3 and spread["payroll"] >= 5, spread
    assert before_register == 3  # 営業部, 管理部, 経理部 (the 購買部 PC is bought in October)
