"""The 年5日 at-risk list of the /hr/leave screen, filtered, counted, ordered and paged in the database, against
the rule itself (``hr.rules.five_day_obligation`` per employee), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

from ennoshita.actor import Actor
from ennoshita.db import Database
from ennoshita.hr import queries, rules
from ennoshita.hr.models import Employee, LeaveGrant, LeaveTaken

ADMIN = Actor.system("test")
ON = dt.date(2026, 11, 15)
NOW = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)


def _people(db: Database) -> dict[int, tuple[list[rules.Grant], list[rules.Taken]]]:
    """30 employees: grants of 10-12 days from 2025-10-01 to 2026-03-01 (some in the at-risk window, some not,
    one of 8 days), 0-6 days taken after them (a pending and an hourly one do not count), one who left."""
    book: dict[int, tuple[list[rules.Grant], list[rules.Taken]]] = {}
    with db.uow() as uow:
        s = uow.session
        for i in range(1, 31):
            s.add(Employee(id=i, employee_number=f"E{31 - i:03d}", name=f"社員 {i}", name_kana="シャイン",
                           birth_date=dt.date(1990, 1, 1), gender="", hire_date=dt.date(2020, 4, 1),
                           leave_date=dt.date(2026, 10, 31) if i == 7 else None, leave_reason="", email="", phone="",
                           postal_code="", address="", emergency_name="", emergency_relation="",
                           emergency_phone="", basic_pension_number="", employment_insurance_number="",
                           monthly_wage=250_000, created_at=NOW, updated_at=NOW))
        s.flush()
        for i in range(1, 31):
            grant = dt.date(2025, 10, 1) + dt.timedelta(days=5 * i)
            days = 8 if i == 11 else 10 + i % 3
            s.add(LeaveGrant(employee_id=i, grant_date=grant, days=Decimal(days), kind="statutory", created_at=NOW,
                             expires_on=grant.replace(year=grant.year + 2) - dt.timedelta(days=1)))
            grants = [rules.Grant(grant, Fraction(days), grant.replace(year=grant.year + 2) - dt.timedelta(days=1))]
            taken: list[rules.Taken] = []
            for k in range(i % 7):
                day = grant + dt.timedelta(days=20 + 3 * k)
                status = "pending" if k == 3 else "approved"
                unit = "hour" if k == 4 else ("half" if k == 5 else "day")
                amount = Decimal("0.5") if unit == "half" else Decimal("0.125") if unit == "hour" else Decimal(1)
                s.add(LeaveTaken(employee_id=i, leave_date=day, unit=unit, days=amount,
                                 hours=1 if unit == "hour" else 0, hours_per_day=8, planned=False, reason="",
                                 status=status, created_at=NOW))
                if status == "approved":
                    taken.append(rules.Taken(day, Fraction(amount), unit == "hour"))
            book[i] = (grants, taken)
        uow.commit()
    return book


def test_the_at_risk_list_is_the_rule_paged_in_the_database(db: Database) -> None:
    book = _people(db)
    expected = []
    for i, (grants, taken) in book.items():
        ob = rules.five_day_obligation(grants, taken, ON)
        if ob is not None and ob.at_risk and i != 7:  # 7 left before ON
            expected.append((ob.due_by, f"E{31 - i:03d}", i, ob.taken + ob.planned))
    expected.sort()
    assert 0 < len(expected) < 30
    rows, total = queries.obligations(db.uow(), ADMIN, ON)
    assert total == len(expected)
    assert [(r.due_by, r.employee_number, r.employee_id, Fraction(r.taken)) for r in rows] == expected
    assert all(r.at_risk and not r.overdue for r in rows)
    paged = []
    for offset in range(0, total + 4, 4):
        page, page_total = queries.obligations(db.uow(), ADMIN, ON, limit=4, offset=offset)
        assert page_total == total
        paged += page
    assert paged == rows
