"""Request desk (依頼) API: file a request (JSON, or multipart with attachments), the team queue and "my
requests", take / assign, status, comments, ありがとう, the monthly contribution dashboard and notifications.

A thin adapter over :mod:`ennoshita.desk.services` and :mod:`ennoshita.desk.queries` (which check every
permission); errors are ``application/problem+json`` naming each field (``fields.customer``). Every call that
notifies someone hands :func:`ennoshita.desk.mail.deliver_pending` to a background task, so a slow or
unreachable mail server never delays the answer.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict
from typing import Any, Literal

from fastapi import APIRouter, BackgroundTasks, Depends, Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.datastructures import UploadFile

from ennoshita.actor import Actor
from ennoshita.api.deps import ApiActor, DbDep
from ennoshita.api.views import ViewModel
from ennoshita.attachments.services import NewAttachment, list_for
from ennoshita.dates import as_utc
from ennoshita.db import Database
from ennoshita.desk import mail, queries, rules, services
from ennoshita.i18n import gettext

router = APIRouter(tags=["desk"])

PerPage = Query(50, ge=1, le=200)
PageNo = Query(1, ge=1)
Status = Literal["received", "in_progress", "waiting", "done", "withdrawn"]
Team = Literal["accounting", "sales_admin", "general_affairs", "hr", "legal"]


# ---------------------------------------------------------------- shapes


class RequestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: str = Field(description="quote, order, invoice, inquiry, contract_review, purchase, onboarding or other.")
    title: str
    fields: dict[str, Any] = Field(default_factory=dict, description=(
        "The type's fields (``lines``: a list of ``{item, quantity}``). File fields are multipart parts."))
    due_date: dt.date | None = Field(None, description="When the requester needs it (希望納期).")


class AttachmentOut(BaseModel):
    id: int
    filename: str
    content_type: str
    size: int


class CommentOut(ViewModel, view=queries.CommentView):
    pass


class RequestOut(ViewModel, view=services.RequestSummary, defaults=False):
    sla_due_at: dt.datetime = Field(description="Due under the type's SLA (business hours, Japan's calendar).")


class RequestDetailOut(RequestOut):
    attachments: list[AttachmentOut] = []
    comments: list[CommentOut] = []


class QueueRowOut(ViewModel, view=queries.QueueRow):
    remaining_minutes: int | None = Field(description="Business minutes to the SLA (negative: overdue); "
                                                      "null when closed.")
    overdue: bool


class QueuePageOut(BaseModel):
    items: list[QueueRowOut]
    total: int
    page: int
    per_page: int


class AssignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: int | None = Field(None, description="A member of the request's team; omit to take it yourself.")


class StatusIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["in_progress", "waiting", "done", "withdrawn"]


class CommentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: str = Field(description="``@user@example.jp`` or ``@user`` mentions a person.")


class RequestThanksIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    message: str = ""


class ThanksIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to_user_id: int | None = None
    to_team: Team | None = None
    message: str = ""


class ThanksOut(BaseModel):
    id: int
    request_id: int | None
    to_user_id: int | None
    to_team: str | None
    message: str


class StatOut(ViewModel, view=queries.StatRow, defaults=False):
    median_minutes: int | None = Field(description="Business minutes, nearest-rank median.")
    p90_minutes: int | None = Field(description="Business minutes, nearest-rank 90th percentile.")
    on_time_rate: float | None = Field(description="Completed within the SLA / handled (0..1).")
    late: int = Field(0, description="Completed this month after the SLA due time.")
    median_hours: float | None
    p90_hours: float | None


class CountOut(BaseModel):
    key: str
    label: str
    count: int


class DayOut(BaseModel):
    date: dt.date
    handled: int


class LateOut(ViewModel, view=queries.LateRow, exclude=("assignee",)):
    late_minutes: int = Field(description="Business minutes since the SLA due time.")


class DashboardOut(BaseModel):
    month: str
    total: StatOut
    teams: list[StatOut]
    people: list[StatOut]
    by_type: list[CountOut]
    by_department: list[CountOut]
    open_overdue: int
    thanks_total: int
    daily: list[DayOut]
    late: list[LateOut] = Field(description="The open requests past their SLA due time, oldest due first "
                                            "(at most 20 of ``open_overdue``).")


class NotificationOut(BaseModel):
    id: int
    kind: str
    request_id: int | None
    message: str
    params: dict[str, Any]
    created_at: dt.datetime
    read_at: dt.datetime | None


# ---------------------------------------------------------------- helpers


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    """Timestamps leave as aware UTC (SQLite gives them back naive)."""
    return None if moment is None else as_utc(moment)


def _out(r: services.RequestSummary) -> RequestOut:
    data = {k: getattr(r, k) for k in RequestOut.model_fields}
    data.update(sla_due_at=as_utc(r.sla_due_at), created_at=as_utc(r.created_at), completed_at=_utc(r.completed_at))
    return RequestOut(**data)


def _detail(db: Database, actor: Actor, request_id: int) -> RequestDetailOut:
    r = services.get_request(db.uow(), actor, request_id)  # checks the reader
    with db.uow() as uow:
        files = list_for(uow.session, services.OWNER, r.id)
    return RequestDetailOut(
        **_out(r).model_dump(),
        attachments=[AttachmentOut(id=a.id, filename=a.filename, content_type=a.content_type, size=a.size)
                     for a in files],
        comments=[CommentOut(author=c.author, body=c.body, created_at=as_utc(c.created_at))
                  for c in queries.comments(db.uow(), actor, r.id)])


def _mail_later(tasks: BackgroundTasks, db: Database) -> None:
    tasks.add_task(mail.deliver_pending, db)


def _hours(minutes: int | None) -> float | None:
    return None if minutes is None else round(minutes / 60, 2)


def _stat(r: queries.StatRow, label: str) -> StatOut:
    return StatOut(key=r.key, label=label, handled=r.handled, median_minutes=r.median_minutes,
                   p90_minutes=r.p90_minutes, median_hours=_hours(r.median_minutes), p90_hours=_hours(r.p90_minutes),
                   on_time_rate=r.on_time_rate, thanks=r.thanks, late=r.late)


async def _filed(request: Request) -> tuple[RequestIn, tuple[tuple[str, NewAttachment], ...]]:
    """The request to file: a JSON body, or multipart with a ``payload`` JSON part and one file part per file
    field (the part named after the field, e.g. ``purchase_order``)."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    files: list[tuple[str, NewAttachment]] = []
    try:
        if ctype == "multipart/form-data":
            form = await request.form()
            raw: Any = form.get("payload")
            if isinstance(raw, UploadFile):
                raw = (await raw.read()).decode("utf-8")
            data = json.loads(raw) if raw else None
            for name, part in form.multi_items():
                if isinstance(part, UploadFile) and name != "payload":
                    files.append((name, NewAttachment(part.filename or name, part.content_type or "",
                                                      await part.read())))
        else:
            body = await request.body()
            data = json.loads(body) if body else None
    except (ValueError, UnicodeDecodeError) as e:
        raise RequestValidationError([{"loc": ("body",), "msg": f"JSON: {e}", "type": "json_invalid"}]) from None
    try:
        return RequestIn.model_validate(data), tuple(files)
    except ValidationError as e:
        raise RequestValidationError([{**err, "loc": ("body", *err["loc"])} for err in e.errors()]) from None


_FILED_DOC: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": RequestIn.model_json_schema()},
    "multipart/form-data": {"schema": {"type": "object", "required": ["payload"], "properties": {
        "payload": {"type": "string", "description": "The request as JSON (the application/json body)."}},
        "additionalProperties": {"type": "string", "format": "binary",
                                 "description": "A file for the file field of the same name."}}}}}}


# ---------------------------------------------------------------- requests


@router.post("/requests", response_model=RequestDetailOut, status_code=201, openapi_extra=_FILED_DOC)
def file_request(db: DbDep, actor: ApiActor, tasks: BackgroundTasks,
                 filed: tuple[RequestIn, tuple[tuple[str, NewAttachment], ...]] = Depends(_filed)
                 ) -> RequestDetailOut:
    """依頼する: checks the type's fields (each missing one named, ``fields.customer``), computes the SLA due
    time and notifies the team. Files (注文書, 契約書) come as multipart parts named after their field."""
    body, files = filed
    created = services.file_request(db.uow(), actor, services.NewRequest(
        body.type, body.title, body.fields, body.due_date, files))
    _mail_later(tasks, db)
    return _detail(db, actor, created.id)


@router.get("/requests", response_model=QueuePageOut)
def list_requests(db: DbDep, actor: ApiActor, team: Team | None = None,
                  status: list[Status] | None = Query(None, description="Repeat for several."),
                  mine: bool = Query(False, description="Only the requests I filed."),
                  assigned_to_me: bool = False, q: str = Query("", description="Title or number."),
                  page: int = PageNo, per_page: int = PerPage) -> QueuePageOut:
    """A team's queue (open first, by SLA due time) or my requests; members see their teams' requests and
    their own, admins and auditors everything."""
    found = queries.queue(db.uow(), actor, team=team, statuses=tuple(status or ()), mine=mine,
                          assigned_to_me=assigned_to_me, text=q, page=page, per_page=per_page)
    return QueuePageOut(items=[QueueRowOut(**{**asdict(r), "overdue": r.overdue, "sla_due_at": as_utc(r.sla_due_at),
                                              "created_at": as_utc(r.created_at)})
                               for r in found.rows], total=found.total, page=found.page, per_page=found.per_page)


@router.get("/requests/{request_id}", response_model=RequestDetailOut)
def get_request(request_id: int, db: DbDep, actor: ApiActor) -> RequestDetailOut:
    """A request with its fields, attachments and comments (requester, team, admin or auditor)."""
    return _detail(db, actor, request_id)


@router.post("/requests/{request_id}/assign", response_model=RequestDetailOut)
def assign(request_id: int, db: DbDep, actor: ApiActor, tasks: BackgroundTasks,
           body: AssignIn | None = None) -> RequestDetailOut:
    """担当する (no ``user_id``: take it yourself) or assign to a member of the request's team."""
    services.assign(db.uow(), actor, request_id, (body or AssignIn()).user_id)
    _mail_later(tasks, db)
    return _detail(db, actor, request_id)


@router.post("/requests/{request_id}/status", response_model=RequestDetailOut)
def set_status(request_id: int, body: StatusIn, db: DbDep, actor: ApiActor,
               tasks: BackgroundTasks) -> RequestDetailOut:
    """対応中 / 確認待ち / 完了 by the team; 取り下げ (withdrawn) also by the requester."""
    services.set_status(db.uow(), actor, request_id, body.status)
    _mail_later(tasks, db)
    return _detail(db, actor, request_id)


@router.post("/requests/{request_id}/comments", response_model=RequestDetailOut, status_code=201)
def add_comment(request_id: int, body: CommentIn, db: DbDep, actor: ApiActor,
                tasks: BackgroundTasks) -> RequestDetailOut:
    """A comment (mentions notify the person); answers the request with its comments."""
    services.add_comment(db.uow(), actor, request_id, body.body)
    _mail_later(tasks, db)
    return _detail(db, actor, request_id)


@router.post("/requests/{request_id}/thanks", response_model=ThanksOut, status_code=201)
def thank_for_request(request_id: int, body: RequestThanksIn, db: DbDep, actor: ApiActor,
                      tasks: BackgroundTasks) -> ThanksOut:
    """ありがとう from the requester of a completed request, to whoever handled it (and the team)."""
    thanks_id = services.send_thanks(db.uow(), actor, request_id=request_id, message=body.message)
    _mail_later(tasks, db)
    r = services.get_request(db.uow(), actor, request_id)
    return ThanksOut(id=thanks_id, request_id=request_id, to_user_id=r.assignee_id, to_team=r.team,
                     message=body.message.strip())


@router.post("/thanks", response_model=ThanksOut, status_code=201)
def thank(body: ThanksIn, db: DbDep, actor: ApiActor, tasks: BackgroundTasks) -> ThanksOut:
    """ありがとう to a person (``to_user_id``) or a team (``to_team``), without a request."""
    thanks_id = services.send_thanks(db.uow(), actor, to_user_id=body.to_user_id, to_team=body.to_team,
                                     message=body.message)
    _mail_later(tasks, db)
    return ThanksOut(id=thanks_id, request_id=None, to_user_id=body.to_user_id, to_team=body.to_team,
                     message=body.message.strip())


# ---------------------------------------------------------------- dashboard and notifications


@router.get("/desk/dashboard", response_model=DashboardOut)
def dashboard(db: DbDep, actor: ApiActor,
              month: str | None = Query(None, description="YYYY-MM (Japan time); default this month.")
              ) -> DashboardOut:
    """The month's completed requests per team and person: handled, median and 90th-percentile business lead
    time, on-time rate, thanks received; requests by type and by requesting department."""
    month = month or dt.datetime.now(rules.TOKYO).strftime("%Y-%m")
    d = queries.dashboard(db.uow(), actor, month)
    lang = actor.language
    return DashboardOut(
        month=d.month, total=_stat(d.total, ""),
        teams=[_stat(r, gettext(lang, f"desk.team.{r.key}")) for r in d.teams],
        people=[_stat(r, r.label) for r in d.people],
        by_type=[CountOut(key=k, label=gettext(lang, f"desk.type.{k}"), count=n) for k, n in d.by_type],
        by_department=[CountOut(key=k, label=k, count=n) for k, n in d.by_department],
        open_overdue=d.open_overdue, thanks_total=d.thanks_total,
        daily=[DayOut(date=day, handled=n) for day, n in d.daily],
        late=[LateOut.model_validate(r, from_attributes=True) for r in d.late])


@router.get("/notifications", response_model=list[NotificationOut])
def notifications(db: DbDep, actor: ApiActor, unread_only: bool = False,
                  limit: int = Query(30, ge=1, le=200)) -> list[NotificationOut]:
    """My notifications, newest first, with the message in my language."""
    found = queries.notifications(db.uow(), actor, unread_only, limit)
    return [NotificationOut(id=n.id, kind=n.kind, request_id=n.request_id,
                            message=mail.message_for(n, actor.language)[0], params=dict(n.params or {}),
                            created_at=as_utc(n.created_at), read_at=_utc(n.read_at)) for n in found]


@router.post("/notifications/read", status_code=204)
def mark_notifications_read(db: DbDep, actor: ApiActor) -> None:
    """Mark all my notifications read."""
    queries.mark_read(db.uow(), actor)
