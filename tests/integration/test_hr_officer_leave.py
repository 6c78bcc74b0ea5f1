"""年次有給休暇 is a right of a 労働者 (労基法9条, 39条): a 役員 paid 役員報酬 (employment type officer) earns no
statutory grant, has no 年5日取得義務, and cannot take 年休 (SQLite and PostgreSQL).

Hand computation for the control, a 正社員 hired the same day (2020-04-01, Mon-Fri 40h, no attendance records,
so no period is judged): 基準日 2020-10-01 10, 2021-10-01 11, 2022-10-01 12, 2023-10-01 14, 2024-10-01 16,
2025-10-01 18, 2026-10-01 20 (6.5 years). On 2026-11-30 the grants still valid (2 years, 労基法115条) are
2025-10-01 and 2026-10-01: 18 + 20 = 38 days; the 年5日 window of the 2026-10-01 grant ends 2027-09-30.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from ennoshita.actor import Actor
from ennoshita.db import Database
from ennoshita.errors import Invalid
from ennoshita.hr import services
from ennoshita.hr.employees import EmployeeInput
from ennoshita.hr.leave import LeaveInput

ADMIN = Actor.system()
D = dt.date


def _hire(db: Database, number: str, name: str, etype: str, position: str) -> int:
    return services.hire(db.uow(), ADMIN, EmployeeInput(
        employee_number=number, name=name, name_kana="テスト", birth_date=D(1970, 1, 1), hire_date=D(2020, 4, 1),
        employment_type=etype, department="管理部", position=position, weekly_days=5, weekly_minutes=2400))


def test_an_officer_earns_no_statutory_leave_and_cannot_take_it(db: Database) -> None:
    officer = _hire(db, "Y001", "役員 一郎", "officer", "取締役")
    staff = _hire(db, "Y002", "社員 二郎", "regular", "")

    control = services.leave_status(db.uow(), ADMIN, staff, D(2026, 11, 30))
    assert [(g.grant_date, g.days) for g in control.grants] == [
        (D(2020, 10, 1), 10), (D(2021, 10, 1), 11), (D(2022, 10, 1), 12), (D(2023, 10, 1), 14),
        (D(2024, 10, 1), 16), (D(2025, 10, 1), 18), (D(2026, 10, 1), 20)]
    assert control.balance == Fraction(38)
    assert control.obligation is not None and control.obligation.due_by == D(2027, 9, 30)

    st = services.leave_status(db.uow(), ADMIN, officer, D(2026, 11, 30))
    assert st.grants == ()
    assert st.balance == 0
    assert st.obligation is None
    # a future date (projected grants) gives none either
    assert services.leave_status(db.uow(), ADMIN, officer, D(2027, 10, 1)).grants == ()

    with pytest.raises(Invalid) as caught:
        services.request_leave(db.uow(), ADMIN, LeaveInput(D(2026, 11, 30)), officer, record=True)
    assert caught.value.key == "hr.error.leave_officer"
    assert caught.value.field == "leave_date"
