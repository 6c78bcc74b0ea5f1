"""入社・退社 手続き: hiring registers the employee and opens the 入社 checklist; leaving records the last day,
computes the final leave balance and opens the 退社 checklist. Each checklist files desk requests (総務 for
equipment, 経理 for payroll) in the same transaction and lists the documents: 雇用契約書/労働条件通知書 (PDF)
and the data of the 社会保険 資格取得届/喪失届 and 雇用保険 資格取得届/喪失届.

Other domains add their own items: they subscribe to ``hr.checklist_opened`` (data: checklist_id,
employee_id, kind "hire"/"leave", date) and call :func:`add_item_in` in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ennoshita import audit, events
from ennoshita.actor import Actor
from ennoshita.dates import now_utc, today_tokyo
from ennoshita.db import UnitOfWork
from ennoshita.desk import services as desk
from ennoshita.errors import Conflict, Invalid, NotFound
from ennoshita.hr import rules
from ennoshita.hr.employees import EmployeeInput, assignment_at, create_in, load
from ennoshita.hr.leave import final_balance_in
from ennoshita.hr.models import Checklist, ChecklistItem, Employee
from ennoshita.hr.opening import OpeningInput, set_opening_in
from ennoshita.i18n import Word, gettext, stored, stored_text
from ennoshita.identity.roles import require

EVENT_OPENED = "hr.checklist_opened"

# (code, label, desk team or None, link pattern)
HIRE_ITEMS: tuple[tuple[str, str, str | None, str], ...] = (
    ("equipment", "貸与品の準備（PC・入館証・名刺）", "general_affairs", ""),
    ("payroll", "給与の登録（振込先口座・通勤手当）", "accounting", ""),
    ("contract", "雇用契約書・労働条件通知書の交付", None, "/hr/employees/{id}/contract.pdf"),
    ("social_insurance", "健康保険・厚生年金保険 被保険者資格取得届", None, "/hr/employees/{id}/insurance/acquire"),
    ("employment_insurance", "雇用保険 被保険者資格取得届", None, "/hr/employees/{id}/insurance/acquire"),
    ("account", "ログインアカウントの発行", None, "/admin/users"),
)
LEAVE_ITEMS: tuple[tuple[str, str, str | None, str], ...] = (
    ("equipment", "貸与品の回収（PC・入館証・名刺）", "general_affairs", ""),
    ("payroll", "最終給与・精算", "accounting", ""),
    ("final_leave", "年次有給休暇の最終残日数の確認", None, "/hr/employees/{id}/leave"),
    ("social_insurance", "健康保険・厚生年金保険 被保険者資格喪失届", None, "/hr/employees/{id}/insurance/lose"),
    ("employment_insurance", "雇用保険 被保険者資格喪失届・離職証明書", None, "/hr/employees/{id}/insurance/lose"),
    ("account", "ログインアカウントの停止", None, "/admin/users"),
)


def item_label(lang: str, kind: str, code: str, label: str) -> str:
    """A checklist item's name in ``lang``: the catalog's for the standard items of 入社 and 退社, else the label
    the item was added with (another domain's item)."""
    key = f"hr.checklist.item.{kind}.{code}"
    found = gettext(lang, key)
    return label if found == key else found


def add_item_in(s: Session, checklist_id: int, code: str, label: str, domain: str, link: str = "") -> ChecklistItem:
    """Another domain's item on a checklist (e.g. 貸与資産の返却 from 総務's asset register)."""
    found = s.scalar(select(ChecklistItem).where(ChecklistItem.checklist_id == checklist_id,
                                                 ChecklistItem.code == code))
    if found is not None:
        return found
    item = ChecklistItem(checklist_id=checklist_id, code=code, label=label, domain=domain, link=link)
    s.add(item)
    s.flush()
    return item


def _open_in(s: Session, actor: Actor, e: Employee, kind: str, day: dt.date, data: dict[str, Any]) -> Checklist:
    if s.scalar(select(Checklist.id).where(Checklist.employee_id == e.id, Checklist.kind == kind)) is not None:
        raise Conflict("hr.error.checklist_exists", field="employee_id", kind=kind)
    c = Checklist(employee_id=e.id, kind=kind, status="open", data=data, created_at=now_utc())
    s.add(c)
    s.flush()
    a = assignment_at(s, e.id, day)
    word = "入社" if kind == "hire" else "退社"
    for code, label, team, link in (HIRE_ITEMS if kind == "hire" else LEAVE_ITEMS):
        href = link.format(id=e.id)
        if team is not None:
            # kept as the company's Japanese text, like every title typed on the desk: the desk's search finds its
            # words (a stored key + parameters matched neither 入社手続き nor the name, and matched "_")
            title = stored_text("ja", stored("hr.checklist.request_title", step=Word(f"hr.checklist.step.{kind}"),
                                             name=e.name, date=day, item=Word(f"hr.checklist.item.{kind}.{code}")))
            req = desk.file_request_in(s, actor, desk.NewRequest(
                type="other", title=title,
                fields={"details": f"{word}日 {day.isoformat()} / 社員番号 {e.employee_number} / {e.name} / "
                                   f"所属 {a.department if a else ''}\n{label}", "team": team}))
            href = f"/desk/requests/{req.id}"
        add_item_in(s, c.id, code, label, "hr", href)
    audit.record(s, actor, "hr_checklist", c.id, "open", after={"employee": e.employee_number, "kind": kind})
    events.publish(s, actor, EVENT_OPENED, checklist_id=c.id, employee_id=e.id, kind=kind, date=day.isoformat())
    return c


def hire(uow: UnitOfWork, actor: Actor, cmd: EmployeeInput, opening: OpeningInput | None = None) -> int:
    """入社: register the employee and open the 入社 checklist (with its desk requests), all or nothing. An
    employee hired before the company started with ennoshita comes with their 導入日 and 導入時残高."""
    with uow:
        s = uow.session
        e = create_in(s, actor, cmd)
        if opening is not None:
            set_opening_in(s, actor, e, opening)
        _open_in(s, actor, e, "hire", e.hire_date, {})
        uow.commit()
        return e.id


def leave(uow: UnitOfWork, actor: Actor, employee_id: int, last_day: dt.date, reason: str) -> dict[str, Any]:
    """退社: the last day employed and the reason; the final leave balance on that day is kept on the
    checklist (it lapses with the employment)."""
    require(actor, "hr.edit")
    with uow:
        s = uow.session
        e = load(s, employee_id)
        if last_day < e.hire_date:
            raise Invalid("hr.error.leave_before_hire", field="leave_date", hire_date=e.hire_date)
        if e.leave_date is not None:
            raise Conflict("hr.error.already_left", field="leave_date", date=e.leave_date)
        if not reason.strip():
            raise Invalid("hr.error.required", field="leave_reason")
        e.leave_date, e.leave_reason, e.updated_at = last_day, reason.strip()[:200], now_utc()
        s.flush()
        final = final_balance_in(s, actor, e, last_day)
        data = {"last_day": last_day.isoformat(), "final_leave_days": rules.format_days(final),
                "reason": e.leave_reason}
        audit.record(s, actor, "hr_employee", e.id, "leave", after=data)
        _open_in(s, actor, e, "leave", last_day, data)
        uow.commit()
    return data


@dataclass(frozen=True)
class ItemView:
    id: int
    code: str
    label: str
    domain: str
    link: str
    done: bool
    done_at: dt.datetime | None


@dataclass(frozen=True)
class ChecklistView:
    id: int
    employee_id: int
    kind: str
    status: str
    data: dict[str, Any]
    items: tuple[ItemView, ...]


def checklists(uow: UnitOfWork, actor: Actor, employee_id: int) -> list[ChecklistView]:
    require(actor, "hr.view")
    with uow:
        s = uow.session
        out = []
        for c in s.scalars(select(Checklist).where(Checklist.employee_id == employee_id).order_by(Checklist.id)):
            items = s.scalars(select(ChecklistItem).where(ChecklistItem.checklist_id == c.id)
                              .order_by(ChecklistItem.id))
            out.append(ChecklistView(c.id, c.employee_id, c.kind, c.status, dict(c.data or {}), tuple(
                ItemView(i.id, i.code, i.label, i.domain, i.link, i.done, i.done_at) for i in items)))
        return out


def open_checklists(uow: UnitOfWork, actor: Actor, limit: int = 50) -> list[tuple[ChecklistView, str, str]]:
    """Open checklists with the employee's number and name (for 人事's dashboard)."""
    require(actor, "hr.view")
    with uow:
        s = uow.session
        rows = s.execute(select(Checklist, Employee.employee_number, Employee.name)
                         .join(Employee, Employee.id == Checklist.employee_id)
                         .where(Checklist.status == "open").order_by(Checklist.id.desc()).limit(limit)).all()
        out = []
        for c, number, name in rows:
            items = tuple(ItemView(i.id, i.code, i.label, i.domain, i.link, i.done, i.done_at) for i in s.scalars(
                select(ChecklistItem).where(ChecklistItem.checklist_id == c.id).order_by(ChecklistItem.id)))
            out.append((ChecklistView(c.id, c.employee_id, c.kind, c.status, dict(c.data or {}), items), number, name))
        return out


def set_item(uow: UnitOfWork, actor: Actor, item_id: int, done: bool) -> None:
    """Tick (or untick) an item; the checklist is done when every item is."""
    require(actor, "hr.edit")
    with uow:
        s = uow.session
        item = s.get(ChecklistItem, item_id)
        if item is None:
            raise NotFound("hr.error.item_not_found", field="item_id", id=item_id)
        item.done, item.done_at, item.done_by = done, now_utc() if done else None, actor.user_id if done else None
        s.flush()
        c = s.get(Checklist, item.checklist_id)
        assert c is not None
        remaining = s.scalar(select(ChecklistItem.id).where(ChecklistItem.checklist_id == c.id,
                                                            ChecklistItem.done.is_(False)).limit(1))
        c.status = "done" if remaining is None else "open"
        audit.record(s, actor, "hr_checklist_item", item.id, "done" if done else "undone",
                     after={"code": item.code, "checklist": c.id})
        uow.commit()


def insurance_data(uow: UnitOfWork, actor: Actor, employee_id: int, kind: str) -> dict[str, str]:
    """The fields the 資格取得届 (``acquire``) or 資格喪失届 (``lose``) of 健康保険・厚生年金 and 雇用保険 need.
    Personal data: hr.personal, and the view is audited."""
    require(actor, "hr.personal")
    if kind not in ("acquire", "lose"):
        raise Invalid("hr.error.insurance_kind", field="kind")
    with uow:
        s = uow.session
        e = load(s, employee_id)
        a = assignment_at(s, e.id, e.leave_date or today_tokyo())
        data = {
            "employee_number": e.employee_number, "name": e.name, "name_kana": e.name_kana,
            "birth_date": e.birth_date.isoformat(), "gender": e.gender,  # M / F / "": the screen names it
            "postal_code": e.postal_code, "address": e.address,
            "basic_pension_number": e.basic_pension_number,
            "employment_insurance_number": e.employment_insurance_number,
            "employment_type": a.employment_type if a else "",
            "weekly_hours": f"{(a.weekly_minutes if a else 0) / 60:g}",
        }
        if kind == "acquire":
            data |= {"acquired_on": e.hire_date.isoformat(), "monthly_wage": str(e.monthly_wage)}
        else:
            if e.leave_date is None:
                raise Invalid("hr.error.not_left", field="leave_date")
            # 資格喪失日 is the day after the last day employed (健康保険法36条, 雇用保険法14条)
            data |= {"last_day": e.leave_date.isoformat(),
                     "lost_on": (e.leave_date + dt.timedelta(days=1)).isoformat(), "reason": e.leave_reason}
        audit.record(s, actor, "hr_employee", e.id, "view_personal", after={"what": f"insurance_{kind}"})
        uow.commit()
    return data
