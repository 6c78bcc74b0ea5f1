"""法務 use cases for the 契約台帳: register a contract (its stamp duty and 更新拒絶期限 computed), change its status,
attach its files (電帳法 search fields 締結日 / 取引金額 / 取引先 through the attachments package), roll the
deadlines forward, the renewal dashboard, the alerts and the monthly digest (desk notifications, mailed by
``ennoshita desk mail``). Role checks here: ``legal.view`` to read, ``legal.edit`` to change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from ennoshita import audit, events
from ennoshita.actor import Actor
from ennoshita.approvals import services as approvals
from ennoshita.attachments import services as attachments
from ennoshita.contracts import rules
from ennoshita.contracts.models import Contract
from ennoshita.contracts.stamp_duty import stamp_duty
from ennoshita.dates import now_utc, today_tokyo
from ennoshita.db import UnitOfWork
from ennoshita.desk.models import Notification
from ennoshita.errors import Invalid, InvalidTransition, NotFound, Problem
from ennoshita.identity.models import Company, User
from ennoshita.identity.roles import require

OWNER = "contract"
DOCUMENT_TYPE = "contract"  # the approval route of 締結 (seeded by migration 0021: 役員)
ACTIVE = ("signed", "renewed")
TRANSITIONS = {"review": ("signed", "ended"), "signed": ("ended",), "renewed": ("ended",), "ended": ()}


@dataclass(frozen=True)
class NewContract:
    title: str
    contract_type: str
    counterparty: str
    start_on: dt.date
    end_on: dt.date | None = None
    signed_on: dt.date | None = None
    partner_id: int | None = None
    amount: int | None = None
    auto_renew: bool = False
    renewal_months: int = 12
    notice_months: int = 0
    notice_days: int = 0
    owner_id: int | None = None
    department: str = ""
    related_id: int | None = None
    electronic: bool = False
    stamp_document: str | None = None  # 1 / 2 / 7 / 17, None: not a taxable document
    stamp_subject: str = "other"
    status: str = "review"
    description: str = ""
    desk_request_id: int | None = None  # the 法務審査依頼 this contract answers


@dataclass(frozen=True)
class ContractView:
    id: int
    number: str
    title: str
    contract_type: str
    counterparty: str
    partner_id: int | None
    status: str
    signed_on: dt.date | None
    start_on: dt.date
    end_on: dt.date | None
    amount: int | None
    auto_renew: bool
    renewal_months: int
    notice_months: int
    notice_days: int
    term_end: dt.date | None
    notice_deadline: dt.date | None
    renewals: int
    owner_id: int | None
    department: str
    related_id: int | None
    approval_request_id: int | None
    electronic: bool
    stamp_document: str | None
    stamp_duty: int
    stamp_basis: str
    description: str


def _view(c: Contract) -> ContractView:
    return ContractView(c.id, c.number, c.title, c.contract_type, c.counterparty, c.partner_id, c.status, c.signed_on,
                        c.start_on, c.end_on, c.amount, c.auto_renew, c.renewal_months, c.notice_months,
                        c.notice_days, c.term_end, c.notice_deadline, c.renewals, c.owner_id, c.department,
                        c.related_id, c.approval_request_id, c.electronic, c.stamp_document, c.stamp_duty,
                        c.stamp_basis, c.description)


def _terms(c: Contract | NewContract) -> rules.Terms:
    start = c.start_on
    end = c.end_on
    return rules.Terms(start, end, c.auto_renew, c.renewal_months, c.notice_months, c.notice_days)


def _apply_position(c: Contract, today: dt.date) -> None:
    pos = rules.position(_terms(c), today)
    c.term_end, c.notice_deadline, c.renewals = pos.term_end, pos.deadline, pos.cycles
    c.due_on = pos.deadline if c.auto_renew else pos.term_end
    if c.status == "signed" and pos.cycles > 0:
        c.status = "renewed"


def alert_days(s: Session) -> int:
    company = s.get(Company, 1)
    return company.contract_alert_days if company is not None else rules.DEFAULT_ALERT_DAYS


def _duty(c: Contract | NewContract) -> tuple[int, str]:
    """(印紙税, basis) of the paper contract, by the rates in force on the day it is made (作成: signed), or on its
    start while it is not signed yet."""
    if c.stamp_document:
        term = None if c.end_on is None else rules.term_months(c.start_on, c.end_on)
        duty = stamp_duty(c.stamp_document, c.amount, c.signed_on or c.start_on, electronic=c.electronic,
                          subject=c.stamp_subject, term_months=term, renewal=c.auto_renew)
        return duty.tax, duty.basis
    if c.electronic:
        return 0, stamp_duty("7", None, c.start_on, electronic=True).basis
    return 0, ""


def _restamp(s: Session, actor: Actor, c: Contract) -> None:
    """On signing, the stamp duty follows the 作成日 (the signing day), not the start it was first reckoned from:
    the 措法91条 reduced rates run to a date, and a contract signed before it for a term starting after it is
    taxed at the reduced rate (and the reverse)."""
    tax, basis = _duty(c)
    if (tax, basis[:300]) != (c.stamp_duty, c.stamp_basis):
        audit.record(s, actor, "contract", c.id, "stamp_duty", before={"stamp_duty": c.stamp_duty},
                     after={"stamp_duty": tax, "signed_on": c.signed_on and c.signed_on.isoformat()})
        c.stamp_duty, c.stamp_basis = tax, basis[:300]


def register(uow: UnitOfWork, actor: Actor, cmd: NewContract, today: dt.date | None = None) -> ContractView:
    """Add a contract; refuses an end before its start, a notice period longer than the term, an unknown type."""
    require(actor, "legal.edit")
    today = today or today_tokyo()
    problems: list[Problem] = []
    if not cmd.title.strip():
        problems.append(Problem("contracts.error.title", "title"))
    if not cmd.counterparty.strip():
        problems.append(Problem("contracts.error.counterparty", "counterparty"))
    if cmd.contract_type not in rules.TYPES:
        problems.append(Problem("contracts.error.type", "contract_type"))
    if cmd.status not in rules.STATUSES:
        problems.append(Problem("contracts.error.status", "status"))
    if cmd.amount is not None and cmd.amount < 0:
        problems.append(Problem("contracts.error.amount", "amount"))
    problems += rules.validate(_terms(cmd))
    if problems:
        raise Invalid(problems=problems)
    duty_tax, duty_basis = _duty(cmd)
    with uow:
        s = uow.session
        if cmd.related_id is not None and s.get(Contract, cmd.related_id) is None:
            raise Invalid("contracts.error.related", field="related_id")
        now = now_utc()
        c = Contract(number="", title=cmd.title.strip(), contract_type=cmd.contract_type, partner_id=cmd.partner_id,
                     counterparty=cmd.counterparty.strip(), status=cmd.status, signed_on=cmd.signed_on,
                     start_on=cmd.start_on, end_on=cmd.end_on, amount=cmd.amount, auto_renew=cmd.auto_renew,
                     renewal_months=cmd.renewal_months, notice_months=cmd.notice_months,
                     notice_days=cmd.notice_days, owner_id=cmd.owner_id or actor.user_id, department=cmd.department,
                     related_id=cmd.related_id, electronic=cmd.electronic, stamp_document=cmd.stamp_document,
                     stamp_subject=cmd.stamp_subject, stamp_duty=duty_tax, stamp_basis=duty_basis[:300],
                     description=cmd.description, created_at=now, updated_at=now, renewals=0,
                     desk_request_id=cmd.desk_request_id)
        _apply_position(c, today)
        s.add(c)
        s.flush()
        c.number = f"CT-{c.id:06d}"
        if c.desk_request_id is not None:
            events.publish(s, actor, "contracts.contract_created", request_id=c.desk_request_id, document_id=c.id,
                           number=c.number)
        audit.record(s, actor, "contract", c.id, "register",
                     after={"number": c.number, "title": c.title, "counterparty": c.counterparty,
                            "start_on": c.start_on.isoformat(), "end_on": c.end_on and c.end_on.isoformat(),
                            "stamp_duty": c.stamp_duty})
        view = _view(c)
        uow.commit()
        return view


def get_contract(uow: UnitOfWork, actor: Actor, contract_id: int) -> ContractView:
    require(actor, "legal.view")
    with uow:
        c = uow.session.get(Contract, contract_id)
        if c is None:
            raise NotFound("contracts.error.not_found", id=contract_id)
        return _view(c)


def set_status(uow: UnitOfWork, actor: Actor, contract_id: int, status: str,
               signed_on: dt.date | None = None) -> ContractView:
    require(actor, "legal.edit")
    with uow:
        s = uow.session
        c = s.get(Contract, contract_id)
        if c is None:
            raise NotFound("contracts.error.not_found", id=contract_id)
        if status not in TRANSITIONS.get(c.status, ()):
            raise InvalidTransition("contracts.error.transition", field="status", current=c.status, target=status)
        before = c.status
        c.status = status
        if status == "signed":
            c.signed_on = signed_on or c.signed_on or today_tokyo()
            _restamp(s, actor, c)
            _signed(s, actor, c)
        c.updated_at = now_utc()
        audit.record(s, actor, "contract", c.id, "status", before={"status": before}, after={"status": status})
        view = _view(c)
        uow.commit()
        return view


def add_file(uow: UnitOfWork, actor: Actor, contract_id: int, filename: str, content_type: str,
             content: bytes) -> attachments.AttachmentSummary:
    """Store the signed PDF with its 電帳法 search fields (締結日, 取引金額, 取引先)."""
    require(actor, "legal.edit")
    with uow:
        s = uow.session
        c = s.get(Contract, contract_id)
        if c is None:
            raise NotFound("contracts.error.not_found", id=contract_id)
        summary = attachments.add_attachment(s, actor, OWNER, c.id, attachments.NewAttachment(
            filename, content_type, content, c.signed_on or c.start_on, c.amount, c.counterparty), field="file")
        audit.record(s, actor, "contract", c.id, "file", after={"attachment_id": summary.id, "filename": filename})
        uow.commit()
        return summary


def files(uow: UnitOfWork, actor: Actor, contract_id: int) -> list[attachments.AttachmentSummary]:
    require(actor, "legal.view")
    with uow:
        return attachments.list_for(uow.session, OWNER, contract_id)


def request_signing(uow: UnitOfWork, actor: Actor, contract_id: int) -> ContractView:
    """締結の稟議: submit a contract under review to the approval route ``contract``; its last approval marks it
    signed (締結済) on that day."""
    require(actor, "legal.edit")
    with uow:
        s = uow.session
        c = s.get(Contract, contract_id)
        if c is None:
            raise NotFound("contracts.error.not_found", id=contract_id)
        if c.status != "review":
            raise InvalidTransition("contracts.error.transition", field="status", current=c.status, target="signed")
        view = approvals.submit_in(s, actor, document_type=DOCUMENT_TYPE, document_id=c.id, number=c.number,
                                   title=c.title, amount=c.amount or 0, department=c.department or None)
        c.approval_request_id = view.id
        audit.record(s, actor, "contract", c.id, "submit", after={"approval_request_id": view.id})
        result = _view(c)
        uow.commit()
        return result


def _on_approved(s: Session, actor: Actor, data: dict[str, Any]) -> None:
    if data.get("document_type") != DOCUMENT_TYPE:
        return
    c = s.get(Contract, int(data["document_id"]))
    if c is None or c.status != "review":
        return
    today = today_tokyo()
    c.status, c.signed_on, c.updated_at = "signed", c.signed_on or today, now_utc()
    _apply_position(c, today)
    audit.record(s, actor, "contract", c.id, "signed", after={"signed_on": c.signed_on.isoformat()})
    _restamp(s, actor, c)
    _signed(s, actor, c)


def _signed(s: Session, actor: Actor, c: Contract) -> None:
    """Tell the desk: the 法務審査依頼 behind this contract is done."""
    if c.desk_request_id is not None:
        events.publish(s, actor, "contracts.contract_signed", request_id=c.desk_request_id, document_id=c.id,
                       number=c.number)


events.subscribe("approvals.approved", _on_approved)


def file_content(uow: UnitOfWork, actor: Actor, contract_id: int,
                 attachment_id: int) -> tuple[attachments.AttachmentSummary, bytes]:
    require(actor, "legal.view")
    with uow:
        summary, content = attachments.get_content(uow.session, attachment_id)
        if summary.owner_type != OWNER or str(summary.owner_id) != str(contract_id):
            raise NotFound("contracts.error.not_found", id=contract_id)
        return summary, content


def roll_forward(uow: UnitOfWork, actor: Actor, today: dt.date) -> int:
    """Move every auto-renewing contract whose 更新拒絶期限 has passed on to its next term; returns how many."""
    with uow:
        s = uow.session
        stale = s.scalars(select(Contract).where(Contract.due_on < today, Contract.status.in_(ACTIVE),
                                                 Contract.auto_renew.is_(True))).all()
        for c in stale:
            before = (c.term_end, c.notice_deadline)
            _apply_position(c, today)
            audit.record(s, actor, "contract", c.id, "renewed",
                         before={"term_end": before[0] and before[0].isoformat()},
                         after={"term_end": c.term_end and c.term_end.isoformat(),
                                "notice_deadline": c.notice_deadline and c.notice_deadline.isoformat()})
        s.execute(update(Contract)
                  .where(Contract.status.in_(ACTIVE), Contract.auto_renew.is_(False), Contract.term_end < today)
                  .values(status="ended").execution_options(synchronize_session=False))
        uow.commit()
        return len(stale)


@dataclass(frozen=True)
class DueRow:
    id: int
    number: str
    title: str
    counterparty: str
    contract_type: str
    owner_id: int | None
    owner_name: str
    kind: str  # notice (更新拒絶期限) / end (満了)
    due: dt.date
    days_left: int
    term_end: dt.date | None


def _due_filter(today: dt.date, horizon: dt.date) -> object:
    return and_(Contract.due_on >= today, Contract.due_on <= horizon, Contract.status.in_(ACTIVE))


def dashboard(uow: UnitOfWork, actor: Actor, today: dt.date, lead_days: int | None = None, page: int = 1,
              per_page: int = 50) -> tuple[list[DueRow], int]:
    """Contracts whose 更新拒絶期限 (auto-renewing) or end (not renewing) falls within ``lead_days`` of ``today``,
    soonest first, paged in the database."""
    require(actor, "legal.view")
    with uow:
        s = uow.session
        lead = alert_days(s) if lead_days is None else lead_days
        horizon = today + dt.timedelta(days=lead)
        where = _due_filter(today, horizon)
        total = int(s.scalar(select(func.count()).select_from(Contract).where(where)) or 0)  # type: ignore[arg-type]
        rows = s.execute(select(Contract, User.display_name).outerjoin(User, User.id == Contract.owner_id)
                         .where(where).order_by(Contract.due_on, Contract.id)  # type: ignore[arg-type]
                         .offset((page - 1) * per_page).limit(per_page)).all()
        out = []
        for c, owner in rows:
            kind = "notice" if c.auto_renew else "end"
            day = (c.notice_deadline if c.auto_renew else c.term_end) or today
            out.append(DueRow(c.id, c.number, c.title, c.counterparty, c.contract_type, c.owner_id, owner or "",
                              kind, day, (day - today).days, c.term_end))
        return out, total


def send_alerts(uow: UnitOfWork, actor: Actor, today: dt.date) -> int:
    """Notify each owner once per deadline when it comes within the company's alert days (default 60). Returns the
    number of alerts made."""
    roll_forward(uow, actor, today)
    with uow:
        s = uow.session
        lead = alert_days(s)
        horizon = today + dt.timedelta(days=lead)
        made = 0
        for c in s.scalars(select(Contract).where(_due_filter(today, horizon))):  # type: ignore[arg-type]
            day = c.notice_deadline if c.auto_renew else c.term_end
            if c.owner_id is None or day is None or c.alerted_deadline == day:
                continue
            s.add(Notification(user_id=c.owner_id, kind="contract_alert", request_id=None,
                               params={"number": c.number, "title": c.title, "counterparty": c.counterparty,
                                       "due": day.isoformat(), "kind": "notice" if c.auto_renew else "end",
                                       "days": (day - today).days, "contract_id": c.id},
                               created_at=now_utc()))
            c.alerted_deadline = day
            made += 1
        uow.commit()
        return made


def send_digest(uow: UnitOfWork, actor: Actor, today: dt.date) -> int:
    """The monthly digest (run on the 1st): one notification per owner listing what falls due in the next two
    months. Returns the number of digests made."""
    with uow:
        s = uow.session
        made = 0
        digest_end = today + dt.timedelta(days=61)
        by_owner: dict[int, list[str]] = {}
        for c in s.scalars(select(Contract).where(_due_filter(today, digest_end))  # type: ignore[arg-type]
                           .order_by(Contract.id)):
            if c.owner_id is not None:
                day = c.notice_deadline if c.auto_renew else c.term_end
                by_owner.setdefault(c.owner_id, []).append(f"{c.number} {c.title} {day}")
        for owner, items in by_owner.items():
            s.add(Notification(user_id=owner, kind="contract_digest", request_id=None,
                               params={"month": f"{today:%Y-%m}", "count": len(items),
                                       "message": "\n".join(items[:50])}, created_at=now_utc()))
            made += 1
        uow.commit()
        return made


@dataclass(frozen=True)
class Search:
    counterparty: str = ""
    contract_type: str = ""
    status: str = ""
    text: str = ""
    start_from: dt.date | None = None
    start_to: dt.date | None = None
    end_from: dt.date | None = None
    end_to: dt.date | None = None
    amount_min: int | None = None
    amount_max: int | None = None
    deadline_to: dt.date | None = None


def _search_where(q: Search) -> list[object]:
    where: list[object] = []
    if q.counterparty:
        where.append(Contract.counterparty.contains(q.counterparty))
    if q.contract_type:
        where.append(Contract.contract_type == q.contract_type)
    if q.status:
        where.append(Contract.status == q.status)
    if q.text:
        where.append(or_(Contract.title.contains(q.text), Contract.description.contains(q.text),
                         Contract.number.contains(q.text)))
    for col, lo, hi in ((Contract.start_on, q.start_from, q.start_to), (Contract.term_end, q.end_from, q.end_to)):
        if lo is not None:
            where.append(col >= lo)
        if hi is not None:
            where.append(col <= hi)
    if q.amount_min is not None:
        where.append(Contract.amount >= q.amount_min)
    if q.amount_max is not None:
        where.append(Contract.amount <= q.amount_max)
    if q.deadline_to is not None:
        where.append(Contract.notice_deadline <= q.deadline_to)
    return where


def search(uow: UnitOfWork, actor: Actor, q: Search, page: int = 1,
           per_page: int = 50) -> tuple[list[ContractView], int]:
    require(actor, "legal.view")
    if q.amount_min is not None and q.amount_max is not None and q.amount_min > q.amount_max:
        raise Invalid("contracts.error.amount_range", field="amount_max")
    with uow:
        s = uow.session
        where = _search_where(q)
        total = int(s.scalar(select(func.count()).select_from(Contract).where(*where)) or 0)  # type: ignore[arg-type]
        rows = s.scalars(select(Contract).where(*where).order_by(Contract.id.desc())  # type: ignore[arg-type]
                         .offset((max(page, 1) - 1) * per_page).limit(per_page)).all()
        return [_view(c) for c in rows], total
