"""総務's 貸与品 and 人事's 退社 (SQLite and PostgreSQL): when an employee leaves, the 退社 checklist lists the
items still lent to them (lent by login and by employee number), the loans are tied to the HR employee, and an
employee who holds nothing gets no such item."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from ennoshita.actor import Actor
from ennoshita.assets import equipment
from ennoshita.assets.leaving import ITEM_CODE
from ennoshita.assets.models import EquipmentLoan
from ennoshita.db import Database
from ennoshita.hr import services
from ennoshita.hr.employees import EmployeeInput
from ennoshita.identity import services as identity

ADMIN = Actor.system()
D = dt.date


def _hire(db: Database, number: str, name: str, user_id: int | None = None) -> int:
    return services.hire(db.uow(), ADMIN, EmployeeInput(
        employee_number=number, name=name, name_kana="テスト", birth_date=D(1990, 1, 1), hire_date=D(2024, 4, 1),
        employment_type="regular", department="総務部", weekly_days=5, weekly_minutes=2400, user_id=user_id))


@pytest.fixture
def staff(db: Database) -> dict[str, Any]:
    identity.create_user(db.uow(), ADMIN, identity.NewUser(email="leaver@example.jp", display_name="退社 予定",
                                                           roles=("requester",), password="pw-for-tests-1"))
    user = identity.actor_by_email(db.uow(), "leaver@example.jp", "web")
    return {"leaver": _hire(db, "E100", "退社 予定", user.user_id), "stayer": _hire(db, "E200", "在籍 継続"),
            "user_id": user.user_id}


def test_leaving_lists_what_the_employee_still_holds(db: Database, staff: dict[str, Any]) -> None:
    pc = equipment.add_item(db.uow(), ADMIN, equipment.NewItem("PC-901", "ノートPC", "pc"))
    card = equipment.add_item(db.uow(), ADMIN, equipment.NewItem("CARD-12", "入館証", "card"))
    phone = equipment.add_item(db.uow(), ADMIN, equipment.NewItem("TEL-3", "携帯電話", "phone"))
    # one item lent to the login, one by employee number only (lent before the login existed), one returned
    equipment.lend(db.uow(), ADMIN, equipment.NewLoan(pc.id, user_id=staff["user_id"], lent_on=D(2024, 4, 1)))
    equipment.lend(db.uow(), ADMIN, equipment.NewLoan(card.id, employee_name="退社 予定", employee_number="E100",
                                                      lent_on=D(2024, 4, 2)))
    equipment.lend(db.uow(), ADMIN, equipment.NewLoan(phone.id, employee_number="E100", employee_name="退社 予定",
                                                      lent_on=D(2024, 4, 3)))
    equipment.return_item(db.uow(), ADMIN, phone.id, D(2025, 1, 10))

    services.leave(db.uow(), ADMIN, staff["leaver"], D(2026, 12, 31), "自己都合")
    services.leave(db.uow(), ADMIN, staff["stayer"], D(2026, 12, 31), "自己都合")

    [_, leave] = services.checklists(db.uow(), ADMIN, staff["leaver"])
    [item] = [i for i in leave.items if i.code == ITEM_CODE]
    assert item.label == "貸与品の返却（PC-901 ノートPC、CARD-12 入館証）"  # oldest loan first; the phone is back
    [_, other] = services.checklists(db.uow(), ADMIN, staff["stayer"])
    assert ITEM_CODE not in [i.code for i in other.items]
    with db.uow() as uow:
        tied = {loan.item_id: loan.hr_employee_id for loan in uow.session.scalars(
            select(EquipmentLoan).where(EquipmentLoan.returned_on.is_(None)))}
    assert tied == {pc.id: staff["leaver"], card.id: staff["leaver"]}
