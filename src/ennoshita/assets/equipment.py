"""備品 (equipment) and its loans to employees: add an item, lend it, take it back (also on leaving), and the
棚卸 (inventory check) list.

The borrower is, for now, an identity user (``user_id``) or a plain employee name and number. The HR domain's
employee links in later through ``EquipmentLoan.hr_employee_id`` and :func:`open_loans_of`, which its 退社
checklist calls to list what a leaving employee must return (and :func:`return_item` with ``on_leaving``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ennoshita import audit
from ennoshita.actor import Actor
from ennoshita.assets.models import EquipmentItem, EquipmentLoan
from ennoshita.dates import now_utc
from ennoshita.db import UnitOfWork
from ennoshita.errors import Conflict, Invalid, NotFound
from ennoshita.identity.models import User
from ennoshita.identity.roles import require

KINDS = ("pc", "phone", "key", "card", "other")


@dataclass(frozen=True)
class NewItem:
    tag: str
    name: str
    kind: str = "pc"
    serial: str = ""
    fixed_asset_id: int | None = None
    location: str = ""


@dataclass(frozen=True)
class NewLoan:
    item_id: int
    user_id: int | None = None
    employee_name: str = ""
    employee_number: str = ""
    lent_on: dt.date = dt.date(1970, 1, 1)
    due_on: dt.date | None = None
    note: str = ""


@dataclass(frozen=True)
class ItemView:
    id: int
    tag: str
    name: str
    kind: str
    serial: str
    status: str
    location: str
    fixed_asset_id: int | None
    borrower: str  # the borrower's name; their 社員番号 in borrower_number
    loan_id: int | None
    lent_on: dt.date | None
    last_checked_on: dt.date | None
    borrower_number: str = ""  # the 社員番号 of a borrower named by hand


def _views(s: Session, items: list[EquipmentItem]) -> list[ItemView]:
    ids = [i.id for i in items]
    loans: dict[int, tuple[EquipmentLoan, str | None]] = {}
    if ids:
        for loan, name in s.execute(select(EquipmentLoan, User.display_name)
                                    .outerjoin(User, User.id == EquipmentLoan.user_id)
                                    .where(EquipmentLoan.item_id.in_(ids), EquipmentLoan.returned_on.is_(None))):
            loans[loan.item_id] = (loan, name)
    out = []
    for i in items:
        loan_name = loans.get(i.id)
        borrower = ""
        if loan_name is not None:
            loan, user_name = loan_name
            borrower = user_name or loan.employee_name
        out.append(ItemView(i.id, i.tag, i.name, i.kind, i.serial, i.status, i.location, i.fixed_asset_id, borrower,
                            loan_name[0].id if loan_name else None, loan_name[0].lent_on if loan_name else None,
                            i.last_checked_on, loan_name[0].employee_number if loan_name else ""))
    return out


def add_item(uow: UnitOfWork, actor: Actor, cmd: NewItem) -> ItemView:
    require(actor, "general_affairs.edit")
    with uow:
        s = uow.session
        if not cmd.tag.strip() or s.scalar(select(EquipmentItem.id).where(EquipmentItem.tag == cmd.tag.strip())):
            raise Invalid("assets.error.item_tag", field="tag")
        if not cmd.name.strip():
            raise Invalid("assets.error.name", field="name")
        kind = cmd.kind if cmd.kind in KINDS else "other"
        item = EquipmentItem(tag=cmd.tag.strip(), name=cmd.name.strip(), kind=kind,
                             serial=cmd.serial, fixed_asset_id=cmd.fixed_asset_id, location=cmd.location,
                             status="in_stock", note="", created_at=now_utc())
        s.add(item)
        s.flush()
        audit.record(s, actor, "equipment", item.id, "add", after={"tag": item.tag, "name": item.name})
        view = _views(s, [item])[0]
        uow.commit()
        return view


def lend(uow: UnitOfWork, actor: Actor, cmd: NewLoan) -> ItemView:
    """Lend an item to an employee (a user, or a name and number until the HR employee exists)."""
    require(actor, "general_affairs.edit")
    with uow:
        s = uow.session
        item = s.get(EquipmentItem, cmd.item_id)
        if item is None:
            raise NotFound("assets.error.item_not_found", id=cmd.item_id)
        if item.status != "in_stock":
            raise Conflict("assets.error.item_not_available", field="item_id", tag=item.tag)
        if cmd.user_id is None and not cmd.employee_name.strip():
            raise Invalid("assets.error.borrower", field="employee")
        if cmd.user_id is not None and s.get(User, cmd.user_id) is None:
            raise Invalid("assets.error.borrower", field="user_id")
        loan = EquipmentLoan(item_id=item.id, user_id=cmd.user_id, employee_name=cmd.employee_name.strip(),
                             employee_number=cmd.employee_number.strip(), lent_on=cmd.lent_on, due_on=cmd.due_on,
                             note=cmd.note, on_leaving=False)
        s.add(loan)
        item.status = "lent"
        s.flush()
        audit.record(s, actor, "equipment", item.id, "lend",
                     after={"loan_id": loan.id, "user_id": cmd.user_id, "employee": cmd.employee_name,
                            "lent_on": cmd.lent_on.isoformat()})
        view = _views(s, [item])[0]
        uow.commit()
        return view


def return_item(uow: UnitOfWork, actor: Actor, item_id: int, returned_on: dt.date,
                on_leaving: bool = False) -> ItemView:
    require(actor, "general_affairs.edit")
    with uow:
        s = uow.session
        item = s.get(EquipmentItem, item_id)
        if item is None:
            raise NotFound("assets.error.item_not_found", id=item_id)
        loan = s.scalar(select(EquipmentLoan).where(EquipmentLoan.item_id == item_id,
                                                    EquipmentLoan.returned_on.is_(None)))
        if loan is None:
            raise NotFound("assets.error.loan_not_found", id=item_id)
        if returned_on < loan.lent_on:
            raise Invalid("assets.error.return_before_lent", field="returned_on", lent=loan.lent_on)
        loan.returned_on, loan.on_leaving = returned_on, on_leaving
        item.status = "in_stock"
        audit.record(s, actor, "equipment", item.id, "return",
                     after={"loan_id": loan.id, "returned_on": returned_on.isoformat(), "on_leaving": on_leaving})
        view = _views(s, [item])[0]
        uow.commit()
        return view


def inventory(uow: UnitOfWork, actor: Actor, status: str = "") -> list[ItemView]:
    """The 棚卸 list: every item with where it is and who has it."""
    require(actor, "general_affairs.view")
    with uow:
        s = uow.session
        q = select(EquipmentItem).order_by(EquipmentItem.tag)
        if status:
            q = q.where(EquipmentItem.status == status)
        return _views(s, list(s.scalars(q).all()))


def mark_checked(uow: UnitOfWork, actor: Actor, item_ids: list[int], day: dt.date) -> int:
    """棚卸: record that these items were seen on ``day``."""
    require(actor, "general_affairs.edit")
    with uow:
        s = uow.session
        items = s.scalars(select(EquipmentItem).where(EquipmentItem.id.in_(item_ids))).all()
        for item in items:
            item.last_checked_on = day
        audit.record(s, actor, "equipment", "inventory", "check", after={"day": day.isoformat(), "items": item_ids})
        uow.commit()
        return len(items)


def open_loans_of(uow: UnitOfWork, actor: Actor, *, user_id: int | None = None,
                  hr_employee_id: int | None = None) -> list[ItemView]:
    """What an employee still holds: the seam for the HR 退社 checklist."""
    require(actor, "general_affairs.view")
    with uow:
        s = uow.session
        q = select(EquipmentItem).join(EquipmentLoan, EquipmentLoan.item_id == EquipmentItem.id).where(
            EquipmentLoan.returned_on.is_(None))
        if hr_employee_id is not None:
            q = q.where(EquipmentLoan.hr_employee_id == hr_employee_id)
        else:
            q = q.where(EquipmentLoan.user_id == user_id)
        return _views(s, list(s.scalars(q).all()))
