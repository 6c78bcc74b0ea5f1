"""The demo company's 算定基礎届 (SQLite and PostgreSQL): the demo pays April, May and June (the ledger's month-end
close comes after every domain has posted, so those months are no longer locked before their pay), and the list has
a row for every insured employee with hand-checkable figures.

Oracles, by hand:
- 報酬月額 (定時決定, 健保法41条 / 厚年法21条): the 報酬 paid in April, May and June, counting the months with at least
  17 支払基礎日数, averaged with the yen fraction dropped (円未満切捨て).
- 支払基礎日数 of a monthly-paid employee: the calendar days of the pay period less the days of 欠勤.
- 標準報酬月額: the grade of the average in the 協会けんぽ 令和8年度 保険料額表 (健康保険 第20〜40級, copied below from
  the printed table: 報酬月額 "以上" bounds), applying from September.
- 山田 太郎 (0001, 役員) in the demo's register: 基本給 = 月額賃金 180,000 + 40 h × 6,000 + 1 × 3,000 = 423,000,
  役職手当 30,000, 通勤手当 10,000 → 報酬 463,000 a month, less 欠勤控除 = 423,000 × 欠勤日数 ÷ 所定労働日数
  (円未満四捨五入) in a month with 欠勤. With no 欠勤: average 463,000 → 第29級 (455,000 以上 485,000 未満) 470,000.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from fastapi.testclient import TestClient
from sqlalchemy import select

from ennoshita.actor import Actor
from ennoshita.dates import is_holiday
from ennoshita.db import Database
from ennoshita.hr.models import Employee
from ennoshita.payroll import queries
from ennoshita.payroll.models import PayRun, Payslip
from tests.conftest import login

HR = "jinji@demo.ennoshita.jp"

# 協会けんぽ 令和8年度 保険料額表 (健康保険): grade, 標準報酬月額, 報酬月額 以上 (the next row's bound is 未満)
HEALTH_GRADES = (
    (20, 260_000, 250_000), (21, 280_000, 270_000), (22, 300_000, 290_000), (23, 320_000, 310_000),
    (24, 340_000, 330_000), (25, 360_000, 350_000), (26, 380_000, 370_000), (27, 410_000, 395_000),
    (28, 440_000, 425_000), (29, 470_000, 455_000), (30, 500_000, 485_000), (31, 530_000, 515_000),
    (32, 560_000, 545_000), (33, 590_000, 575_000), (34, 620_000, 605_000), (35, 650_000, 635_000),
    (36, 680_000, 665_000), (37, 710_000, 695_000), (38, 750_000, 730_000), (39, 790_000, 770_000),
    (40, 830_000, 810_000),
)


def _grade(average: int) -> tuple[int, int]:
    assert HEALTH_GRADES[0][2] <= average < 855_000, f"{average} is outside the copied rows"
    grade, amount, _ = max((g for g in HEALTH_GRADES if g[2] <= average), key=lambda g: g[2])
    return grade, amount


def _teiji_year(db: Database) -> int:
    """The latest year in which the demo paid June."""
    with db.uow() as uow:
        days = uow.session.scalars(select(PayRun.pay_date).where(PayRun.kind == "monthly",
                                                                  PayRun.status == "fixed")).all()
    years = sorted({d.year for d in days if d.month == 6})
    assert years, "the demo pays June"
    return years[-1]


def _scheduled_weekdays(start: dt.date, end: dt.date) -> int:
    days = (end - start).days + 1
    return sum(1 for i in range(days) if (d := start + dt.timedelta(days=i)).isoweekday() <= 5 and not is_holiday(d))


def test_the_demo_teiji_list_has_the_april_june_pay_with_hand_checked_figures(client: TestClient,
                                                                                demo_db: Database) -> None:
    year = _teiji_year(demo_db)
    rows = queries.teiji_list(demo_db.uow(), Actor.system(), year)
    assert len(rows) >= 10, "every insured employee paid in April-June has a row"
    with demo_db.uow() as uow:
        s = uow.session
        slips = s.execute(select(Payslip, PayRun).join(PayRun, PayRun.id == Payslip.run_id)
                          .where(PayRun.kind == "monthly", PayRun.status == "fixed",
                                 PayRun.pay_date >= dt.date(year, 4, 1), PayRun.pay_date <= dt.date(year, 6, 30))
                          .order_by(PayRun.pay_date)).all()
        yamada = s.scalars(select(Employee).where(Employee.employee_number == "0001")).one()
        yamada_id, yamada_wage = yamada.id, yamada.monthly_wage
        # employee → [(pay date, period start, period end, 報酬, 欠勤日数)]
        paid: dict[int, list[tuple[dt.date, dt.date, dt.date, int, int]]] = {}
        for slip, run in slips:
            paid.setdefault(slip.employee_id, []).append((run.pay_date, run.period_start, run.period_end, slip.gross,
                                                          int((slip.attendance or {}).get("absence_days", 0))))

    full = 0
    for row in rows:
        items = paid[row.employee_id]
        # the months are the pay of the fixed runs paid in April, May and June, with their 支払基礎日数
        assert row.months == [(day.strftime("%Y-%m"), gross, (end - start).days + 1 - absent)
                              for day, start, end, gross, absent in items]
        counted = [pay for _m, pay, days in row.months if days >= 17]
        assert row.average == sum(counted) // len(counted)  # 円未満切捨て
        assert (row.new_grade, row.new_amount) == _grade(row.average)
        full += len(row.months) == 3
    assert full >= 10, "most employees have all three months"

    # 山田 太郎: 423,000 + 30,000 + 10,000 a month, less 欠勤控除
    assert yamada_wage == 180_000 + 40 * 60 * 100 + 3_000 == 423_000
    mine = next(r for r in rows if r.employee_id == yamada_id)
    assert [m for m, _pay, _days in mine.months] == [f"{year}-04", f"{year}-05", f"{year}-06"]
    expected = []
    for _day, start, end, _gross, absent in paid[yamada_id]:
        scheduled = _scheduled_weekdays(start, end)
        deduction = (2 * 423_000 * absent + scheduled) // (2 * scheduled)  # 四捨五入
        expected.append(423_000 + 30_000 + 10_000 - deduction)
    assert [pay for _m, pay, _d in mine.months] == expected
    if expected == [463_000] * 3:
        assert (mine.average, mine.new_grade, mine.new_amount) == (463_000, 29, 470_000)

    # the screen (Japanese) and its CSV show the same rows
    login(client, HR)
    page = client.get(f"/payroll/teiji?year={year}")
    assert page.status_code == 200 and 'data-testid="teiji-table"' in page.text
    assert "山田 太郎" in page.text and f"{year}-04: ¥{expected[0]:,}" in page.text
    got = client.get(f"/payroll/teiji.csv?year={year}")
    assert got.status_code == 200
    table = list(csv.reader(io.StringIO(got.content.decode("utf-8-sig"))))
    assert len(table) == 1 + len(rows)
    line = next(r for r in table if r[0] == "0001")
    assert line[1] == "山田 太郎" and line[3] == str(mine.average) and line[6] == str(mine.new_grade)
