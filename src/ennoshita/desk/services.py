"""依頼 use cases: file a request, work it in a team's queue (take, assign, status, comment with mentions),
link the document it asked for, complete it, thank the people who did the work, and notify everyone
concerned. Each use case is one transaction with its audit record and its notifications.

Who may do what: anyone but an auditor files requests and sends thanks (``desk.use``); a request is worked
by the members of its team (the role named in :data:`rules.TEAMS`) or an admin; the requester may withdraw
it and sees its progress; an auditor reads everything.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ennoshita import audit, events
from ennoshita.actor import Actor
from ennoshita.attachments.services import NewAttachment, add_attachment, register_reader
from ennoshita.dates import as_utc, now_utc
from ennoshita.db import UnitOfWork
from ennoshita.desk import rules
from ennoshita.desk.models import DeskComment, DeskRequest, DeskSequence, Notification, Thanks
from ennoshita.errors import Conflict, Forbidden, Invalid, NotFound, Problem
from ennoshita.identity.models import User, UserRole
from ennoshita.identity.roles import require
from ennoshita.kernel import numbering
from ennoshita.security.text import like_escape

OWNER = "desk_request"
ALLOWED_TYPES = ("application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp", "image/heic",
                 "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/msword",
                 "application/vnd.ms-excel", "text/plain", "text/csv")
MENTION = re.compile(r"@([\w.+-]+@[\w.-]+|[\w.+-]+)")


@dataclass(frozen=True)
class NewRequest:
    type: str
    title: str
    fields: dict[str, Any]
    due_date: dt.date | None = None
    attachments: tuple[tuple[str, NewAttachment], ...] = ()  # (field name, file)


@dataclass(frozen=True)
class RequestSummary:
    id: int
    number: str
    type: str
    title: str
    team: str
    status: str
    requester_id: int | None
    assignee_id: int | None
    due_date: dt.date | None
    sla_due_at: dt.datetime
    created_at: dt.datetime
    completed_at: dt.datetime | None
    document_kind: str | None
    document_id: int | None
    document_number: str | None
    fields: dict[str, Any] = field(default_factory=dict)


def _summary(r: DeskRequest) -> RequestSummary:
    return RequestSummary(r.id, r.number, r.type, r.title, r.team, r.status, r.requester_id, r.assignee_id,
                          r.due_date, r.sla_due_at, r.created_at, r.completed_at, r.document_kind, r.document_id,
                          r.document_number, dict(r.fields or {}))


def _load(s: Session, request_id: int) -> DeskRequest:
    req = s.get(DeskRequest, request_id)
    if req is None:
        raise NotFound("desk.error.not_found", field="request_id", id=request_id)
    return req


def _is_team_member(actor: Actor, team: str) -> bool:
    return actor.has("admin", rules.TEAMS[team])


def _require_team(actor: Actor, req: DeskRequest) -> None:
    if not _is_team_member(actor, req.team):
        raise Forbidden("desk.error.not_team", team=req.team)


def _require_reader(actor: Actor, req: DeskRequest) -> None:
    require(actor, "desk.view")
    if req.requester_id == actor.user_id or _is_team_member(actor, req.team) or actor.has("auditor"):
        return
    raise Forbidden("desk.error.not_yours")


def notify(s: Session, user_ids: Sequence[int | None], kind: str, req: DeskRequest | None,
           actor: Actor, *, at: dt.datetime | None = None, **params: Any) -> None:
    """In-app notifications (mailed later by :func:`ennoshita.desk.mail.deliver_pending`); never to the actor.
    ``at``: when the event happened (a service given ``now=`` passes it on), else the clock."""
    now = as_utc(at) if at is not None else now_utc()
    base = {"number": req.number, "title": req.title} if req is not None else {}
    for uid in dict.fromkeys(u for u in user_ids if u is not None and u != actor.user_id):
        s.add(Notification(user_id=uid, kind=kind, request_id=req.id if req is not None else None,
                           params={**base, "by": actor.name, **params}, created_at=now))


def _team_users(s: Session, team: str) -> list[int]:
    role = rules.TEAMS[team]
    return [int(u) for u in s.scalars(select(UserRole.user_id).join(User, User.id == UserRole.user_id)
                                      .where(UserRole.role == role, User.active.is_(True)))]


def _next_number(s: Session, created: dt.datetime) -> str:
    """The next number of the calendar year, from the sequence row (concurrent filers wait for each other
    instead of colliding on the same number)."""
    year, seq = numbering.reserve(s, DeskSequence, "request", created.astimezone(rules.TOKYO).date(), 1)
    return numbering.format_number("REQ", year, seq)


def file_request(uow: UnitOfWork, actor: Actor, cmd: NewRequest, max_bytes: int = 10 * 1024 * 1024,
                 now: dt.datetime | None = None) -> RequestSummary:
    """依頼する: checks the type's fields and files, computes the SLA due time, notifies the team."""
    with uow:
        result = file_request_in(uow.session, actor, cmd, max_bytes, now)
        uow.commit()
    return result


def file_request_in(s: Session, actor: Actor, cmd: NewRequest, max_bytes: int = 10 * 1024 * 1024,
                    now: dt.datetime | None = None) -> RequestSummary:
    """:func:`file_request` in the caller's transaction (another domain files a request as part of its own
    use case, e.g. 人事's 入社/退社 checklists)."""
    require(actor, "desk.use")
    rtype = rules.request_type(cmd.type)
    problems: list[Problem] = []
    title = unicodedata.normalize("NFC", cmd.title.strip())
    if not title:
        problems.append(Problem("desk.error.required", "title"))
    elif len(title) > 200:
        problems.append(Problem("desk.error.too_long", "title", {"max": 200}))
    for name, new in cmd.attachments:
        ctype = new.content_type.split(";")[0].strip().lower()
        if ctype not in ALLOWED_TYPES:
            problems.append(Problem("desk.error.file_type", f"fields.{name}", {"type": ctype or "?"}))
        if len(new.content) > max_bytes:
            problems.append(Problem("desk.error.file_size", f"fields.{name}", {"max_mb": max_bytes // 1024 // 1024}))
    try:
        clean = rules.check_fields(rtype, cmd.fields, [name for name, _ in cmd.attachments])
    except Invalid as e:
        problems.extend(e.problems)
        clean = {}
    if problems:
        raise Invalid(problems=problems)
    created = as_utc(now or now_utc())  # stored in UTC (SQLite keeps no offset)
    req = DeskRequest(number=_next_number(s, created), type=rtype.code, title=title, fields=clean,
                      team=rules.team_for(rtype, clean), status="received", requester_id=actor.user_id,
                      requester_department=actor.department or "", due_date=cmd.due_date,
                      sla_due_at=as_utc(rules.sla_due(created, rtype.sla_hours)), created_at=created)
    s.add(req)
    s.flush()
    for name, new in cmd.attachments:
        add_attachment(s, actor, OWNER, req.id, new, max_bytes, field=f"fields.{name}")
    audit.record(s, actor, "desk_request", req.id, "create", after={
        "number": req.number, "type": req.type, "title": title, "team": req.team, "fields": clean,
        "sla_due_at": req.sla_due_at.isoformat()})
    notify(s, _team_users(s, req.team), "new", req, actor, at=created)
    return _summary(req)


def assign(uow: UnitOfWork, actor: Actor, request_id: int, user_id: int | None = None) -> RequestSummary:
    """担当する (take it: ``user_id`` None or oneself) or 割り当て / 再割り当て to a member of the team."""
    require(actor, "desk.use")
    with uow:
        s = uow.session
        req = _load(s, request_id)
        _require_team(actor, req)
        target = actor.user_id if user_id is None else user_id
        if req.status not in rules.OPEN_STATUSES:
            raise Invalid("desk.error.closed", field="request_id", number=req.number)
        member = s.scalar(select(UserRole.user_id).join(User, User.id == UserRole.user_id).where(
            UserRole.user_id == target, User.active.is_(True),
            UserRole.role.in_([rules.TEAMS[req.team], "admin"])))
        if member is None:
            raise Invalid("desk.error.assignee", field="user_id", id=target)
        before = {"assignee_id": req.assignee_id, "status": req.status}
        req.assignee_id = target
        if req.status == "received":
            req.status = "in_progress"
            req.started_at = req.started_at or now_utc()
        audit.record(s, actor, "desk_request", req.id, "assign", before=before,
                     after={"assignee_id": target, "status": req.status})
        notify(s, [target, req.requester_id], "assigned", req, actor, assignee=_name(s, target))
        result = _summary(req)
        uow.commit()
    return result


def _name(s: Session, user_id: int | None) -> str:
    if user_id is None:
        return ""
    return str(s.scalar(select(User.display_name).where(User.id == user_id)) or "")


def _complete(s: Session, actor: Actor, req: DeskRequest, at: dt.datetime) -> None:
    req.completed_at = at
    req.lead_minutes = rules.business_minutes_between(as_utc(req.created_at), at)
    req.on_time = at <= as_utc(req.sla_due_at)
    if req.started_at is None:
        req.started_at = at


def set_status(uow: UnitOfWork, actor: Actor, request_id: int, status: str,
               now: dt.datetime | None = None) -> RequestSummary:
    """対応中 / 確認待ち / 完了 by the team; 取り下げ by the requester (or the team)."""
    require(actor, "desk.use")
    with uow:
        s = uow.session
        req = _load(s, request_id)
        if status == "withdrawn" and req.requester_id == actor.user_id:
            pass
        else:
            _require_team(actor, req)
        rules.check_transition(req.status, status)
        at = as_utc(now or now_utc())
        before = req.status
        req.status = status
        if status == "in_progress" and req.started_at is None:
            req.started_at = at
            if req.assignee_id is None:
                req.assignee_id = actor.user_id
        if status == "done":
            if req.assignee_id is None:
                req.assignee_id = actor.user_id
            _complete(s, actor, req, at)
        audit.record(s, actor, "desk_request", req.id, f"status:{status}", before={"status": before},
                     after={"status": status, "lead_minutes": req.lead_minutes, "on_time": req.on_time})
        notify(s, [req.requester_id, req.assignee_id], "status", req, actor, at=at, status=status)
        result = _summary(req)
        uow.commit()
    return result


def add_comment(uow: UnitOfWork, actor: Actor, request_id: int, body: str, now: dt.datetime | None = None) -> int:
    """A comment; ``@user@example.jp`` or ``@name`` (the part before the @ of an e-mail) mentions a person."""
    require(actor, "desk.use")
    text = unicodedata.normalize("NFC", body.strip())
    if not text:
        raise Invalid("desk.error.required", field="body")
    if len(text) > 4000:
        raise Invalid("desk.error.too_long", field="body", max=4000)
    with uow:
        s = uow.session
        req = _load(s, request_id)
        _require_reader(actor, req)
        mentioned = _mentions(s, text)
        at = as_utc(now or now_utc())
        comment = DeskComment(request_id=req.id, author_id=actor.user_id, body=text, mentions=mentioned,
                              created_at=at)
        s.add(comment)
        s.flush()
        audit.record(s, actor, "desk_comment", comment.id, "create",
                     after={"request": req.number, "body": text, "mentions": mentioned})
        notify(s, mentioned, "mention", req, actor, at=at, excerpt=text[:80])
        others = [u for u in (req.requester_id, req.assignee_id) if u not in mentioned]
        notify(s, others, "comment", req, actor, at=at, excerpt=text[:80])
        uow.commit()
        return comment.id


def _mentions(s: Session, text: str) -> list[int]:
    found: list[int] = []
    for token in MENTION.findall(text):
        if "@" in token:
            uid = s.scalar(select(User.id).where(func.lower(User.email) == token.lower()))
        else:
            local = f"{like_escape(token.lower())}@%"
            uid = s.scalar(select(User.id).where(func.lower(User.email).like(local, escape="\\")).limit(1))
        if uid is not None and int(uid) not in found:
            found.append(int(uid))
    return found


def send_thanks(uow: UnitOfWork, actor: Actor, *, request_id: int | None = None, to_user_id: int | None = None,
                to_team: str | None = None, message: str = "", now: dt.datetime | None = None) -> int:
    """ありがとう: for a completed request (to whoever handled it), or freely to a person or a team."""
    require(actor, "desk.use")
    text = unicodedata.normalize("NFC", message.strip())
    if len(text) > 500:
        raise Invalid("desk.error.too_long", field="message", max=500)
    with uow:
        s = uow.session
        req = None
        if request_id is not None:
            req = _load(s, request_id)
            if req.requester_id != actor.user_id:
                raise Forbidden("desk.error.thanks_requester")
            if req.status != "done":
                raise Invalid("desk.error.thanks_not_done", field="request_id", number=req.number)
            already = s.scalar(select(Thanks.id).where(Thanks.request_id == request_id,
                                                       Thanks.from_user_id == actor.user_id).limit(1))
            if already is not None:  # once per person per request: the dashboard counts people, not clicks
                raise Conflict("desk.error.thanks_once", field="request_id", number=req.number)
            to_user_id, to_team = req.assignee_id, req.team
        elif to_user_id is None and to_team is None:
            raise Invalid("desk.error.thanks_to", field="to_user_id")
        if to_team is not None and to_team not in rules.TEAMS:
            raise Invalid("desk.error.team", field="to_team", team=to_team)
        if to_user_id is not None and s.get(User, to_user_id) is None:
            raise Invalid("desk.error.assignee", field="to_user_id", id=to_user_id)
        if to_user_id is not None and to_user_id == actor.user_id:
            raise Invalid("desk.error.thanks_self", field="to_user_id")
        thanks = Thanks(request_id=request_id, from_user_id=actor.user_id, to_user_id=to_user_id, to_team=to_team,
                        message=text, created_at=as_utc(now or now_utc()))
        s.add(thanks)
        s.flush()
        audit.record(s, actor, "thanks", thanks.id, "create", after={
            "request": req.number if req else None, "to_user_id": to_user_id, "to_team": to_team, "message": text})
        recipients = [to_user_id] if to_user_id is not None else _team_users(s, str(to_team))
        notify(s, recipients, "thanks", req, actor, at=thanks.created_at, message=text[:80])
        uow.commit()
        return thanks.id


# --- documents created from a request (events from sales / purchasing) --------------------------------


def _on_document_created(kind: str) -> events.Handler:
    def handler(s: Session, actor: Actor, data: dict[str, Any]) -> None:
        req = s.get(DeskRequest, int(data["request_id"]))
        if req is None or req.status not in rules.OPEN_STATUSES or req.document_id is not None:
            return
        req.document_kind, req.document_id, req.document_number = kind, int(data["document_id"]), data["number"]
        if req.status == "received":
            req.status = "in_progress"
            req.started_at = now_utc()
        if req.assignee_id is None:
            req.assignee_id = actor.user_id
        audit.record(s, actor, "desk_request", req.id, "link",
                     after={"document": kind, "number": data["number"]})
    return handler


def _on_document_issued(s: Session, actor: Actor, data: dict[str, Any]) -> None:
    req = s.get(DeskRequest, int(data["request_id"]))
    if req is None or req.status not in rules.OPEN_STATUSES or req.document_id != int(data["document_id"]):
        return
    before = req.status
    req.status = "done"
    _complete(s, actor, req, now_utc())
    audit.record(s, actor, "desk_request", req.id, "status:done", before={"status": before},
                 after={"status": "done", "document": data["number"], "lead_minutes": req.lead_minutes})
    notify(s, [req.requester_id], "status", req, actor, status="done", document=data["number"])


events.subscribe("sales.quote_created", _on_document_created("quote"))
events.subscribe("sales.quote_sent", _on_document_issued)
events.subscribe("sales.order_created", _on_document_created("sales_order"))
events.subscribe("sales.order_created", _on_document_issued)
events.subscribe("purchasing.order_created", _on_document_created("purchase_order"))
events.subscribe("purchasing.order_sent", _on_document_issued)
events.subscribe("contracts.contract_created", _on_document_created("contract"))  # 法務審査依頼 → 契約台帳
events.subscribe("contracts.contract_signed", _on_document_issued)


def get_request(uow: UnitOfWork, actor: Actor, request_id: int) -> RequestSummary:
    with uow:
        req = _load(uow.session, request_id)
        _require_reader(actor, req)
        return _summary(req)


def get_by_number(uow: UnitOfWork, actor: Actor, number: str) -> RequestSummary:
    with uow:
        req = uow.session.scalar(select(DeskRequest).where(DeskRequest.number == number.strip()))
        if req is None:
            raise NotFound("desk.error.number_not_found", field="number", number=number)
        _require_reader(actor, req)
        return _summary(req)


def _may_read_file(s: Session, actor: Actor, owner_id: str) -> bool:
    """A file of a request is read by whoever may read the request (its requester, the team, the auditor)."""
    req = s.get(DeskRequest, int(owner_id)) if owner_id.isdigit() else None
    if req is None:
        return False
    try:
        _require_reader(actor, req)
    except Forbidden:
        return False
    return True


register_reader(OWNER, _may_read_file)
