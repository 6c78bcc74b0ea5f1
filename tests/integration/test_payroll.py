"""給与計算 end to end on SQLite and PostgreSQL: three employees for twelve months (pay January to December 2026,
月末締め翌月25日払い, premiums collected in arrears) plus a December bonus, against figures worked out by hand.

Employees (attendance the same every month):
  A 正社員, 東京, born 1990 (no 介護), 基本給 300,000 + 役職手当 20,000 + 通勤手当 15,000 (non-taxable), 10 h
    時間外 a month: (300,000 + 20,000) / 160 h = 2,000 x 1.25 x 10 = 25,000 → 総支給 360,000. 標準報酬 340,000
    (報酬月額 335,000), 扶養 2 (甲欄), 住民税 8,000 (Jan-May), 8,700 (Jun), 8,300 (Jul-Dec).
  B パート 乙欄, 時給 1,200 x 80 h = 96,000, no 社会保険/雇用保険/住民税: 96,000 x 3.063% = 2,940.48 → 2,940;
    差引 93,060 every month.
  C 40 歳 (born 1985-10-15, 介護 from October 2025), 大阪, 月給 250,000, 標準報酬 260,000, 扶養 0.

Premium regimes (by premium month = the pay month - 1):
  Dec 2025-Feb 2026, 令和7年度 (東京 9.91, 大阪 10.24 + 介護 1.59), 雇用 FY2025 5.5/1000:
    A: 340,000 x 9.91% = 33,694 → 16,847; 厚年 62,220 → 31,110; 雇用 360,000 x 5.5‰ = 1,980;
       課税 360,000 - 15,000 - 49,937 = 295,063; 295,063 - 95,186 - 63,334 - 48,334 = 88,209 x 5.105% → 4,500;
       差引 360,000 - 49,937 - 4,500 - 8,000 = 297,563
    C: 260,000 x 11.83% = 30,758 → 15,379; 厚年 47,580 → 23,790; 雇用 1,375; 課税 209,456;
       209,456 - 69,504 - 48,334 = 91,618 x 5.105% = 4,677.1 → 4,680; 差引 250,000 - 40,544 - 4,680 = 204,776
  Mar 2026 (令和8年度, no 支援金 yet), 雇用 still FY2025 (締日 31 March):
    A: 340,000 x 9.85% = 33,490 → 16,745; SI 49,835; 課税 295,165 → B 88,280 x 5.105% = 4,506.7 → 4,510;
       差引 297,655
    C: 260,000 x 11.75% = 30,550 → 15,275; SI 40,440; 課税 209,560 → B 91,691 → 4,680; 差引 204,880
  Apr-Nov 2026 (支援金 0.23%), 雇用 FY2026 5/1000:
    A: 340,000 x 10.08% = 34,272 → 17,136 (支援金 391, 健保 16,745); 雇用 1,800; SI 50,046; 課税 294,954
       → B 88,132 x 5.105% = 4,499.1 → 4,500; 差引 297,454 (May), 296,754 (Jun), 297,154 (Jul-Dec)
    C: 260,000 x 11.98% = 31,148 → 15,574 (支援金 299); 雇用 1,250; SI 40,614; 課税 209,386 → B 91,569 →
       4,674.6 → 4,670; 差引 204,716
Bonus 2026-12-10: A 500,000: 10.08% → 25,200; 厚年 45,750; 雇用 2,500 → 426,550 after SI; previous pay after SI
  294,954 with 2 → 4.084% → 17,420.3 → 17,420; 差引 409,130.  C 300,000: 11.98% → 17,970; 27,450; 1,500 →
  253,080; previous 209,386, 0人 → 4.084% → 10,335.8 → 10,335; 差引 242,745.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from ennoshita.actor import Actor
from ennoshita.dates import now_utc
from ennoshita.db import Database
from ennoshita.errors import Forbidden, Invalid
from ennoshita.expenses.models import EmployeeBankAccount
from ennoshita.hr.models import Assignment, Employee, Timesheet
from ennoshita.identity import company as company_service
from ennoshita.identity import services as identity
from ennoshita.ledger.models import Account, JournalLine
from ennoshita.payroll import queries, services
from ennoshita.payroll.models import Payslip
from ennoshita.purchasing import zengin

ADMIN = Actor.system()
RESIDENT_A = {**{f"2026-{m:02d}": 8_000 for m in range(1, 6)}, "2026-06": 8_700,
              **{f"2026-{m:02d}": 8_300 for m in range(7, 13)}}


def _employee(s, number: str, name: str, kana: str, birth: dt.date, etype: str, user_id: int) -> int:  # type: ignore[no-untyped-def]
    now = now_utc()
    e = Employee(employee_number=number, name=name, name_kana=kana, birth_date=birth, hire_date=dt.date(2020, 4, 1),
                 user_id=user_id, created_at=now, updated_at=now)
    s.add(e)
    s.flush()
    s.add(Assignment(employee_id=e.id, effective_from=dt.date(2020, 4, 1), department="営業部", employment_type=etype,
                     weekly_days=5 if etype == "regular" else 3, weekly_minutes=2400 if etype == "regular" else 1200,
                     daily_minutes=480, created_at=now))
    s.add(EmployeeBankAccount(user_id=user_id, bank_code="0005", branch_code="123", account_type="ordinary",
                              account_number=f"{user_id:07d}", holder_kana=kana, updated_at=now))
    return e.id


@pytest.fixture
def org(db: Database) -> dict[str, object]:
    company_service.update_company(db.uow(), ADMIN, {"name": "株式会社さくら精機",
                                                     "name_kana": "カブシキガイシャサクラセイキ"})
    company_service.save_bank_account(db.uow(), ADMIN, company_service.BankAccountData(
        bank_code="0001", bank_name_kana="ﾐｽﾞﾎ", branch_code="001", branch_name_kana="ﾎﾝﾃﾝ", account_type="普通",
        account_number="1234567", holder_kana="ｶ)ｻｸﾗｾｲｷ", zengin_requester_code="1234567890", is_default=True))
    people = {}
    for email, name, roles in (("jinji@example.jp", "人事 花子", ("hr",)),
                               ("keiri@example.jp", "経理 次郎", ("accounting",)),
                               ("a@example.jp", "青木 一郎", ("requester",)),
                               ("b@example.jp", "馬場 二美", ("requester",)),
                               ("c@example.jp", "千葉 三郎", ("requester",)), ("boss@example.jp", "社長", ("admin",))):
        identity.create_user(db.uow(), ADMIN, identity.NewUser(email=email, display_name=name, roles=roles,
                                                               password="pw-for-tests-1", department="営業部"))
        people[email.split("@")[0]] = identity.actor_by_email(db.uow(), email, "web")
    with db.uow() as uow:
        s = uow.session
        ids = {
            "A": _employee(s, "1001", "青木 一郎", "ｱｵｷ ｲﾁﾛｳ", dt.date(1990, 5, 10), "regular", people["a"].user_id),
            "B": _employee(s, "1002", "馬場 二美", "ﾊﾞﾊﾞ ﾌﾀﾐ", dt.date(1995, 1, 20), "part_time", people["b"].user_id),
            "C": _employee(s, "1003", "千葉 三郎", "ﾁﾊﾞ ｻﾌﾞﾛｳ", dt.date(1985, 10, 15), "regular", people["c"].user_id),
        }
        for year, month in [(2025, 12)] + [(2026, m) for m in range(1, 12)]:
            first = dt.date(year, month, 1)
            for key, worked, actual, ot in (("A", 20, 10_200, 600), ("B", 10, 4_800, 0), ("C", 20, 9_600, 0)):
                s.add(Timesheet(employee_id=ids[key], month=first, status="closed", scheduled_days=20,
                                worked_days=worked, absence_days=0, leave_days=Decimal(0), leave_hours=0,
                                scheduled_minutes=9_600, actual_minutes=actual, overtime_minutes=ot,
                                overtime_over60_minutes=0, legal_holiday_minutes=0, night_minutes=0,
                                closed_at=now_utc()))
        uow.commit()
    hr = people["jinji"]
    services.save_profile(db.uow(), hr, ids["A"], {
        "pay_type": "monthly", "base_amount": 300_000, "commute_allowance": 15_000, "has_declaration": True,
        "dependents": 2, "prefecture": 13, "standard_remuneration": 335_000, "resident_tax_mode": "special",
        "resident_tax": RESIDENT_A,
        "allowances": [{"name": "役職手当", "amount": 20_000, "taxable": True, "social": True, "overtime_base": True}]})
    services.save_profile(db.uow(), hr, ids["B"], {
        "pay_type": "hourly", "base_amount": 1_200, "has_declaration": False, "health_member": False,
        "pension_member": False, "employment_insured": False})
    services.save_profile(db.uow(), hr, ids["C"], {
        "pay_type": "monthly", "base_amount": 250_000, "has_declaration": True, "dependents": 0, "prefecture": 27,
        "standard_remuneration": 250_000})
    return {"ids": ids, **people}


def _run_month(db: Database, org: dict[str, object], year: int, month: int) -> int:
    hr, keiri = org["jinji"], org["keiri"]
    assert isinstance(hr, Actor) and isinstance(keiri, Actor)
    run = services.create_run(db.uow(), hr, kind="monthly", year=year, month=month)
    services.compute_run(db.uow(), hr, run.id)
    services.check_run(db.uow(), hr, run.id)
    services.approve_run(db.uow(), keiri, run.id)
    return run.id


def _slips(db: Database, run_id: int) -> dict[str, Payslip]:
    with db.uow() as uow:
        rows = uow.session.scalars(select(Payslip).where(Payslip.run_id == run_id)).all()
        for r in rows:
            uow.session.expunge(r)
    return {r.employee_number: r for r in rows}


EXPECTED_NET = {  # pay month → (A, B, C)
    1: (297_563, 93_060, 204_776), 2: (297_563, 93_060, 204_776), 3: (297_563, 93_060, 204_776),
    4: (297_655, 93_060, 204_880), 5: (297_454, 93_060, 204_716), 6: (296_754, 93_060, 204_716),
    **dict.fromkeys(range(7, 13), (297154, 93060, 204716)),
}
PAY_DATES = {1: dt.date(2026, 1, 23), 4: dt.date(2026, 4, 24), 7: dt.date(2026, 7, 24), 10: dt.date(2026, 10, 23),
             12: dt.date(2026, 12, 25)}


def test_twelve_months_and_a_bonus(db: Database, org: dict[str, object]) -> None:
    runs = {}
    for pay_month in range(1, 13):
        year, month = (2025, 12) if pay_month == 1 else (2026, pay_month - 1)
        runs[pay_month] = _run_month(db, org, year, month)
        slips = _slips(db, runs[pay_month])
        nets = tuple(slips[n].net for n in ("1001", "1002", "1003"))
        assert nets == EXPECTED_NET[pay_month], pay_month
    with db.uow() as uow:
        from ennoshita.payroll.models import PayRun

        for m, day in PAY_DATES.items():
            assert uow.session.get(PayRun, runs[m]).pay_date == day  # 25th moved to the previous business day
    dec = _slips(db, runs[12])
    a, c = dec["1001"], dec["1003"]
    assert (a.gross, a.health, a.support, a.pension, a.employment, a.income_tax, a.resident_tax) == (
        360_000, 16_745, 391, 31_110, 1_800, 4_500, 8_300)
    assert (c.health, c.care, c.support, c.pension, c.employment, c.income_tax) == (
        15_275, 2_106, 299, 23_790, 1_250, 4_670)  # 介護 part 260,000 x 1.62% / 2 = 2,106
    assert dec["1002"].tax_column == "otsu" and dec["1002"].income_tax == 2_940

    # the December run's posting: 給料手当 706,000 + 法定福利費 94,955
    #   = 預り金 111,070 + 未払金 594,930 + 未払費用 94,955
    with db.uow() as uow:
        from ennoshita.payroll.models import PayRun

        entry_id = uow.session.get(PayRun, runs[12]).journal_entry_id
        rows = uow.session.execute(select(Account.code, JournalLine.debit, JournalLine.credit)
                                   .join(Account, Account.id == JournalLine.account_id)
                                   .where(JournalLine.entry_id == entry_id)).all()
    by: dict[str, list[int]] = {}
    for code, debit, credit in rows:
        by.setdefault(code, [0, 0])
        by[code][0] += debit
        by[code][1] += credit
    assert by == {"6120": [706_000, 0], "6140": [94_955, 0], "2200": [0, 111_070], "2150": [0, 594_930],
                  "2160": [0, 94_955]}

    # 全銀 給与振込: 3 transfers, total 297,154 + 93,060 + 204,716 = 594,930, 種別コード 11
    content = services.export_zengin(db.uow(), org["keiri"], runs[12])  # type: ignore[arg-type]
    header, transfers, trailer = zengin.parse_file(content, year=2026)
    assert header.kind == "11" and header.transfer_date == dt.date(2026, 12, 25)
    assert (trailer.count, trailer.total) == (3, 594_930)
    assert sorted(t.amount for t in transfers) == [93_060, 204_716, 297_154]

    # bonus
    ids = org["ids"]
    assert isinstance(ids, dict)
    bonus = services.create_run(db.uow(), org["jinji"], kind="bonus", year=2026, month=12,  # type: ignore[arg-type]
                                pay_date=dt.date(2026, 12, 10), bonus_amounts={ids["A"]: 500_000, ids["C"]: 300_000})
    services.compute_run(db.uow(), org["jinji"], bonus.id)  # type: ignore[arg-type]
    services.check_run(db.uow(), org["jinji"], bonus.id)  # type: ignore[arg-type]
    services.approve_run(db.uow(), org["keiri"], bonus.id)  # type: ignore[arg-type]
    b = _slips(db, bonus.id)
    assert (b["1001"].health + b["1001"].support, b["1001"].pension, b["1001"].employment, b["1001"].income_tax,
            b["1001"].net) == (25_200, 45_750, 2_500, 17_420, 409_130)
    assert (b["1003"].income_tax, b["1003"].net) == (10_335, 242_745)

    # 賃金台帳 for A, 2026: 12 x 360,000 + 500,000; tax 3 x 4,500 + 4,510 + 8 x 4,500 + 17,420 = 71,430
    ledger_a = queries.wage_ledger(db.uow(), org["jinji"], ids["A"], 2026)  # type: ignore[arg-type]
    assert len(ledger_a.rows) == 13
    assert (ledger_a.total_gross, ledger_a.total_income_tax) == (4_820_000, 71_430)


def test_preparer_cannot_approve_and_problems_are_listed(db: Database, org: dict[str, object]) -> None:
    ids = org["ids"]
    assert isinstance(ids, dict)
    with db.uow() as uow:  # reopen B's October attendance and drop A's 住民税 for November
        t = uow.session.scalar(select(Timesheet).where(Timesheet.employee_id == ids["B"],
                                                       Timesheet.month == dt.date(2026, 10, 1)))
        assert t is not None
        t.status = "open"
        uow.commit()
    resident = dict(RESIDENT_A)
    del resident["2026-11"]
    services.save_profile(db.uow(), org["jinji"], ids["A"], {"resident_tax": resident})  # type: ignore[arg-type]
    run = services.create_run(db.uow(), ADMIN, kind="monthly", year=2026, month=10)
    with pytest.raises(Invalid) as err:
        services.compute_run(db.uow(), ADMIN, run.id)
    keys = sorted((p.key, p.params.get("employee")) for p in err.value.problems)
    assert keys == [("payroll.error.attendance_open", "1002 馬場 二美"),
                    ("payroll.error.resident_tax_missing", "1001 青木 一郎")]
    assert _slips(db, run.id) == {}
    # a pay date on a holiday is refused
    with pytest.raises(Invalid):
        services.create_run(db.uow(), ADMIN, kind="bonus", year=2026, month=12, pay_date=dt.date(2026, 12, 12),
                            bonus_amounts={ids["A"]: 1})
    # SoD: the preparer cannot approve
    services.save_profile(db.uow(), org["jinji"], ids["A"], {"resident_tax": RESIDENT_A})  # type: ignore[arg-type]
    with db.uow() as uow:
        t = uow.session.scalar(select(Timesheet).where(Timesheet.employee_id == ids["B"],
                                                       Timesheet.month == dt.date(2026, 10, 1)))
        assert t is not None
        t.status = "closed"
        uow.commit()
    boss = org["boss"]
    assert isinstance(boss, Actor)
    services.compute_run(db.uow(), boss, run.id)
    services.check_run(db.uow(), boss, run.id)
    with pytest.raises(Forbidden):
        services.approve_run(db.uow(), boss, run.id)


def test_a_correction_is_a_new_run_that_reverses_and_pays_the_difference(db: Database, org: dict[str, object]) -> None:
    # October (paid 2026-11-25) fixed, then A's 基本給 was really 310,000:
    #   hourly (310,000 + 20,000) / 160 = 2,062.5 x 1.25 x 10 h = 25,781.25 → 25,781; gross 370,781;
    #   雇用 370,781 x 5‰ = 1,853.9 → 1,854; SI 16,745 + 391 + 31,110 + 1,854 = 50,100; 課税 305,681;
    #   305,681 x 20% = 61,136.2 → 61,137 + 36,667 = 97,804; B = 305,681 - 97,804 - 63,334 - 48,334 = 96,209
    #   x 5.105% = 4,911.5 → 4,910; 差引 370,781 - 50,100 - 4,910 - 8,300 = 307,471 (was 297,154: +10,317)
    ids = org["ids"]
    assert isinstance(ids, dict)
    original = _run_month(db, org, 2026, 10)
    # the fixed wages are dated: the corrected 基本給 applies from the October period
    services.save_profile(db.uow(), org["jinji"], ids["A"], {"base_amount": 310_000},  # type: ignore[arg-type]
                          effective_from=dt.date(2026, 10, 1))
    fix = services.create_run(db.uow(), org["jinji"], kind="monthly", year=2026, month=10,  # type: ignore[arg-type]
                              corrects_id=original)
    services.compute_run(db.uow(), org["jinji"], fix.id)  # type: ignore[arg-type]
    services.check_run(db.uow(), org["jinji"], fix.id)  # type: ignore[arg-type]
    services.approve_run(db.uow(), org["keiri"], fix.id)  # type: ignore[arg-type]
    slips = _slips(db, fix.id)
    assert (slips["1001"].gross, slips["1001"].income_tax, slips["1001"].net) == (370_781, 4_910, 307_471)
    assert _slips(db, original)["1001"].net == 297_154  # the fixed run never changes
    header, transfers, trailer = zengin.parse_file(services.export_zengin(db.uow(), org["keiri"], fix.id),  # type: ignore[arg-type]
                                                   year=2026)
    assert (trailer.count, trailer.total) == (1, 10_317)
    ledger_a = queries.wage_ledger(db.uow(), org["jinji"], ids["A"], 2026)  # type: ignore[arg-type]
    assert [r.net for r in ledger_a.rows] == [307_471]
    with db.uow() as uow:
        from ennoshita.ledger.models import JournalEntry

        reversed_ids = uow.session.scalars(select(JournalEntry.reverses_id).where(
            JournalEntry.reverses_id.is_not(None))).all()
        from ennoshita.payroll.models import PayRun

        assert uow.session.get(PayRun, original).journal_entry_id in reversed_ids


def test_cli_runs_a_month_and_writes_the_zengin_file(db: Database, org: dict[str, object], tmp_path) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from ennoshita.cli.main import app

    runner = CliRunner()
    url = ["--database-url", db.url]
    r = runner.invoke(app, ["payroll", "run", "create", "--month", "2026-10", *url])
    assert r.exit_code == 0, r.output
    assert "PR-2026-0001" in r.output
    with db.uow() as uow:
        from ennoshita.payroll.models import PayRun

        run_id = uow.session.scalar(select(PayRun.id).where(PayRun.number == "PR-2026-0001"))
    for step in ("compute", "check", "approve"):
        r = runner.invoke(app, ["payroll", "run", step, str(run_id), *url])
        assert r.exit_code == 0, r.output
    assert "¥594,930" in r.output  # 297,154 + 93,060 + 204,716
    out = tmp_path / "kyuyo.txt"
    r = runner.invoke(app, ["payroll", "run", "zengin", str(run_id), "--output", str(out), *url])
    assert r.exit_code == 0, r.output
    assert zengin.parse_file(out.read_bytes(), year=2026)[2].total == 594_930
    r = runner.invoke(app, ["payroll", "run", "approve", str(run_id), *url])
    assert r.exit_code == 1  # fixed: no second approval


def test_tax_payments_and_teiji(db: Database, org: dict[str, object]) -> None:
    # pay months April-June 2026 (periods March-May); A's 住民税 is paid to 千代田区
    ids = org["ids"]
    assert isinstance(ids, dict)
    services.save_profile(db.uow(), org["jinji"], ids["A"], {"resident_municipality": "千代田区"})  # type: ignore[arg-type]
    for month in (3, 4, 5):
        _run_month(db, org, 2026, month)
    payments = queries.tax_payments(db.uow(), org["jinji"], 2026)  # type: ignore[arg-type]
    income = {p.period: (p.amount, p.due) for p in payments if p.kind == "income_tax"}
    # April: A 4,510 + B 2,940 + C 4,680 = 12,130, due 2026-05-11 (10 May is a Sunday)
    assert income["2026-04"] == (12_130, dt.date(2026, 5, 11))
    # May: 4,500 + 2,940 + 4,670 = 12,110, due 10 June (Wednesday)
    assert income["2026-05"] == (12_110, dt.date(2026, 6, 10))
    resident = [(p.period, p.municipality, p.amount, p.due) for p in payments if p.kind == "resident_tax"]
    assert resident == [("2026-04", "千代田区", 8_000, dt.date(2026, 5, 11)),
                        ("2026-05", "千代田区", 8_000, dt.date(2026, 6, 10)),
                        ("2026-06", "千代田区", 8_700, dt.date(2026, 7, 10))]
    # 算定: A's 報酬 360,000 each month (periods of 31, 30 and 31 calendar days, all ≥ 17) → 健保 等級25
    # (350,000以上370,000未満 → 360,000), from 等級24 (340,000); C 250,000 → 等級20 (260,000) unchanged
    rows = {r.employee_number: r for r in queries.teiji_list(db.uow(), org["jinji"], 2026)}  # type: ignore[arg-type]
    assert set(rows) == {"1001", "1003"}  # B is not insured
    a = rows["1001"]
    assert (a.average, a.current_grade, a.new_grade, a.new_amount) == (360_000, 24, 25, 360_000)
    assert [m[2] for m in a.months] == [31, 30, 31]  # March, April, May periods
    assert (rows["1003"].current_grade, rows["1003"].new_grade) == (20, 20)


def test_year_end_adjustment_in_december(db: Database, org: dict[str, object]) -> None:
    # A: 扶養控除等申告書 with a spouse (income 0) and a child of 20 (income 0); C: nothing declared.
    # A: 課税給与 12 x 345,000 = 4,140,000 → 給与所得 4,140,000 - (828,000 + 440,000) = 2,872,000;
    #    社会保険料 3 x 49,937 + 49,835 + 8 x 50,046 = 600,014; 配偶者 380,000; 特定扶養 630,000; 基礎 1,040,000
    #    → 控除 2,650,014; 課税 221,986 → 221,000 x 5% = 11,050 x 102.1% = 11,282.05 → 11,200;
    #    withheld 3 x 4,500 + 4,510 + 8 x 4,500 = 54,010 → refund 42,810; December net 297,154 + 42,810 = 339,964
    # C: 3,000,000 → 2,020,000; 社会保険料 3 x 40,544 + 40,440 + 8 x 40,614 = 486,984; 基礎 1,040,000;
    #    課税 493,016 → 493,000 x 5% = 24,650 x 102.1% = 25,167.65 → 25,100; withheld 3 x 4,680 + 4,680 + 8 x 4,670
    #    = 56,080 → refund 30,980; December net 204,716 + 30,980 = 235,696
    ids = org["ids"]
    assert isinstance(ids, dict)
    services.save_profile(db.uow(), org["jinji"], ids["A"], {  # type: ignore[arg-type]
        "declaration": {"spouse_income": 0, "dependants": [{"age": 20, "income": 0}]}})
    hr, keiri = org["jinji"], org["keiri"]
    assert isinstance(hr, Actor) and isinstance(keiri, Actor)
    for pay_month in range(1, 12):
        year, month = (2025, 12) if pay_month == 1 else (2026, pay_month - 1)
        _run_month(db, org, year, month)
    with pytest.raises(Invalid):
        services.create_run(db.uow(), hr, kind="monthly", year=2026, month=10, year_end=True)
    run = services.create_run(db.uow(), hr, kind="monthly", year=2026, month=11, year_end=True)
    services.compute_run(db.uow(), hr, run.id)
    services.check_run(db.uow(), hr, run.id)
    services.approve_run(db.uow(), keiri, run.id)
    dec = _slips(db, run.id)
    a, c = dec["1001"], dec["1003"]
    assert (a.year_end["annual_tax"], a.year_end["withheld"], a.year_end["difference"], a.net) == (
        11_200, 54_010, -42_810, 339_964)
    assert (c.year_end["annual_tax"], c.year_end["difference"], c.net) == (25_100, -30_980, 235_696)
    assert dec["1002"].year_end == {} and dec["1002"].net == 93_060  # 乙欄: no 年末調整
    summary = queries.withholding_summary(db.uow(), hr, 2026)
    # 源泉徴収票 totals (法定調書合計表): A and C adjusted; 支払金額 4,140,000 + 3,000,000; 年税額 11,200 + 25,100
    assert (summary.people, summary.total_pay, summary.total_tax) == (2, 7_140_000, 36_300)


def test_car_commuter_pays_tax_on_the_allowance_above_the_distance_limit(db: Database,
                                                                         org: dict[str, object]) -> None:
    # A drives 5 km (片道2km以上10km未満: 4,200, 所得税法施行令 20条の2): of the 15,000 allowance 10,800 is taxable.
    # September 2026 (paid 2026-10-23): 課税 294,954 + 10,800 = 305,754; 給与所得控除 305,754 x 20% = 61,150.8 →
    # 61,151 + 36,667 = 97,818; B = 305,754 - 97,818 - 63,334 - 48,334 = 96,268 x 5.105% = 4,914.5 → 4,910;
    # 差引 297,154 - (4,910 - 4,500) = 296,744.
    ids = org["ids"]
    assert isinstance(ids, dict)
    services.save_profile(db.uow(), org["jinji"], ids["A"], {  # type: ignore[arg-type]
        "commute_means": "vehicle", "commute_distance": "5"})
    a = _slips(db, _run_month(db, org, 2026, 9))["1001"]
    assert (a.nontaxable, a.taxable_after_insurance, a.income_tax, a.net) == (4_200, 305_754, 4_910, 296_744)
    with pytest.raises(Invalid) as err:
        services.save_profile(db.uow(), org["jinji"], ids["A"], {  # type: ignore[arg-type]
            "commute_means": "bicycle", "commute_distance": "abc"})
    assert {p.field for p in err.value.problems} == {"commute_means", "commute_distance"}


def test_leaver_resident_tax_ordinary_by_default_lump_sum_on_request(db: Database, org: dict[str, object]) -> None:
    # A leaves on 2026-09-30 (6月〜12月: 地方税法 321条の5②). His final pay is the September run paid 2026-10-23, which
    # deducts October's 8,300 as usual. The rest, November to May = 7 x 8,300 = 58,100, goes to 普通徴収 by default;
    # on his request it is collected from that pay: 差引 297,154 - 58,100 = 239,054, 住民税 8,300 + 58,100 = 66,400.
    ids = org["ids"]
    hr, keiri = org["jinji"], org["keiri"]
    assert isinstance(ids, dict) and isinstance(hr, Actor) and isinstance(keiri, Actor)
    services.save_profile(db.uow(), hr, ids["A"], {
        "resident_tax": {**RESIDENT_A, **{f"2027-{m:02d}": 8_300 for m in range(1, 6)}}})
    with db.uow() as uow:
        uow.session.get(Employee, ids["A"]).leave_date = dt.date(2026, 9, 30)  # type: ignore[union-attr]
        uow.commit()
    run = services.create_run(db.uow(), hr, kind="monthly", year=2026, month=9)
    services.compute_run(db.uow(), hr, run.id)
    a = _slips(db, run.id)["1001"]
    assert (a.resident_tax, a.net) == (8_300, 297_154)
    assert "resident_tax_lump" not in {x["code"] for x in a.deductions}
    services.save_profile(db.uow(), hr, ids["A"], {"resident_leaver_choice": "lump_sum"})
    services.compute_run(db.uow(), hr, run.id)
    a = _slips(db, run.id)["1001"]
    assert (a.resident_tax, a.net) == (66_400, 239_054)
    assert {x["code"]: x["amount"] for x in a.deductions}["resident_tax_lump"] == 58_100
    services.check_run(db.uow(), hr, run.id)
    services.approve_run(db.uow(), keiri, run.id)
    # the 住民税 納入 for October (due 2026-11-10) includes the lump sum
    assert [(p.period, p.amount) for p in queries.tax_payments(db.uow(), hr, 2026) if p.kind == "resident_tax"] == [
        ("2026-10", 66_400)]
