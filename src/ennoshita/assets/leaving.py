"""貸与品の返却 on the 退社 checklist: when 人事 opens an employee's 退社 checklist (event ``hr.checklist_opened``,
kind ``leave``), every item still lent to that employee (by the HR employee, the employee number or the login)
becomes one checklist item for 総務, naming the items, in the same transaction; the loans are tied to the HR
employee so that returning them (``on_leaving``) closes the loop."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ennoshita import events
from ennoshita.actor import Actor
from ennoshita.assets.models import EquipmentItem, EquipmentLoan
from ennoshita.hr.onboarding import EVENT_OPENED, add_item_in
from ennoshita.hr.payroll_feed import employee_at_in

ITEM_CODE = "equipment_return"


def open_loans_in(s: Session, hr_employee_id: int, employee_number: str, user_id: int | None
                  ) -> list[tuple[EquipmentLoan, EquipmentItem]]:
    """Loans not yet returned that belong to the employee, oldest first."""
    who = [EquipmentLoan.hr_employee_id == hr_employee_id]
    if employee_number:
        who.append(EquipmentLoan.employee_number == employee_number)
    if user_id is not None:
        who.append(EquipmentLoan.user_id == user_id)
    rows = s.execute(select(EquipmentLoan, EquipmentItem).join(EquipmentItem, EquipmentItem.id == EquipmentLoan.item_id)
                     .where(EquipmentLoan.returned_on.is_(None), or_(*who)).order_by(EquipmentLoan.lent_on))
    return [(loan, item) for loan, item in rows]


def on_checklist_opened(s: Session, _actor: Actor, data: dict[str, Any]) -> None:
    if data.get("kind") != "leave":
        return
    employee = employee_at_in(s, int(data["employee_id"]), dt.date.fromisoformat(str(data["date"])))
    if employee is None:
        return
    loans = open_loans_in(s, employee.id, employee.employee_number, employee.user_id)
    if not loans:
        return
    for loan, _item in loans:
        loan.hr_employee_id = employee.id
    names = "、".join(f"{item.tag} {item.name}" for _loan, item in loans)
    add_item_in(s, int(data["checklist_id"]), ITEM_CODE, f"貸与品の返却（{names}）"[:200], "general_affairs",
                "/assets/equipment")


events.subscribe(EVENT_OPENED, on_checklist_opened)
