"""依頼 read models: the team queue and "my requests" (filtered and paginated in SQL, SLA timers computed
for the rows shown), notifications, and the contribution dashboard of a month.

The dashboard reads the month's completed requests (their business lead time and on-time flag were fixed
at completion) and the thanks; counts are SQL aggregates, the median and 90th percentile are taken over the
month's lead times with the nearest-rank rule of :mod:`ennoshita.desk.rules`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from ennoshita.actor import Actor
from ennoshita.dates import as_utc, now_utc
from ennoshita.db import UnitOfWork
from ennoshita.desk import rules
from ennoshita.desk.models import DeskComment, DeskRequest, Notification, Thanks
from ennoshita.errors import Invalid
from ennoshita.identity.models import User
from ennoshita.identity.roles import require
from ennoshita.tabular import Table, columns


@dataclass(frozen=True)
class QueueRow:
    id: int
    number: str
    type: str
    title: str
    team: str
    status: str
    requester: str
    requester_department: str
    assignee_id: int | None
    assignee: str
    due_date: dt.date | None
    sla_due_at: dt.datetime
    created_at: dt.datetime
    remaining_minutes: int | None  # business minutes to the SLA (negative: overdue); None when closed
    document_number: str | None

    @property
    def overdue(self) -> bool:
        return self.remaining_minutes is not None and self.remaining_minutes < 0


@dataclass(frozen=True)
class QueuePage:
    rows: tuple[QueueRow, ...]
    total: int
    page: int
    per_page: int


def queue(uow: UnitOfWork, actor: Actor, *, team: str | None = None, statuses: tuple[str, ...] = (),
          mine: bool = False, assigned_to_me: bool = False, text: str = "", page: int = 1, per_page: int = 50,
          now: dt.datetime | None = None) -> QueuePage:
    """A team's queue (open requests first by SLA due time), or the requests I filed (``mine``)."""
    require(actor, "desk.view")
    requester = User.__table__.alias("requester")
    assignee = User.__table__.alias("assignee")
    q = (select(DeskRequest, requester.c.display_name, assignee.c.display_name)
         .outerjoin(requester, requester.c.id == DeskRequest.requester_id)
         .outerjoin(assignee, assignee.c.id == DeskRequest.assignee_id))
    member_of = [t for t, role in rules.TEAMS.items() if actor.has(role)]
    if team and team not in rules.TEAMS:
        raise Invalid("desk.error.team", field="team", team=team)
    if mine:
        q = q.where(DeskRequest.requester_id == actor.user_id)
    elif team and (team in member_of or actor.has("admin", "auditor")):
        pass  # the team filter below is the whole visibility rule: one indexed range, no OR
    elif not actor.has("admin", "auditor"):
        q = q.where(DeskRequest.team.in_(member_of) | (DeskRequest.requester_id == actor.user_id))
    if team:
        q = q.where(DeskRequest.team == team)
    if statuses:
        q = q.where(DeskRequest.status.in_(statuses))
    if assigned_to_me:
        q = q.where(DeskRequest.assignee_id == actor.user_id)
    if text.strip():
        like = f"%{text.strip()}%"
        q = q.where(DeskRequest.title.like(like) | DeskRequest.number.like(like))
    per_page = max(1, min(per_page, 200))
    page = max(1, page)
    at = now or now_utc()
    with uow:
        s = uow.session
        total = int(s.scalar(select(func.count()).select_from(q.with_only_columns(DeskRequest.id).subquery())) or 0)
        order: tuple[Any, ...]
        if mine:  # my requests, newest first (the requester index gives the order)
            order = (DeskRequest.requester_id, DeskRequest.created_at.desc(), DeskRequest.id.desc())
        elif statuses and (set(statuses) <= rules.OPEN_STATUSES or len(statuses) == 1):
            order = (DeskRequest.sla_due_at, DeskRequest.id)  # the queue index (team, status, sla_due_at)
        else:  # everything: open work first, then the rest by due time
            order = (DeskRequest.status.in_(("done", "withdrawn")), DeskRequest.sla_due_at, DeskRequest.id)
        rows = s.execute(q.order_by(*order).limit(per_page).offset((page - 1) * per_page)).all()
        out = tuple(QueueRow(
            r.id, r.number, r.type, r.title, r.team, r.status, req_name or "", r.requester_department,
            r.assignee_id, asg_name or "", r.due_date, r.sla_due_at, r.created_at,
            rules.remaining_minutes(at, as_utc(r.sla_due_at)) if r.status in rules.OPEN_STATUSES else None,
            r.document_number) for r, req_name, asg_name in rows)
    return QueuePage(out, total, page, per_page)


@dataclass(frozen=True)
class CommentView:
    author: str
    body: str
    created_at: dt.datetime


def comments(uow: UnitOfWork, actor: Actor, request_id: int) -> list[CommentView]:
    from ennoshita.desk.services import get_request

    get_request(uow, actor, request_id)  # permission
    with uow:
        rows = uow.session.execute(select(DeskComment, User.display_name)
                                   .outerjoin(User, User.id == DeskComment.author_id)
                                   .where(DeskComment.request_id == request_id).order_by(DeskComment.id))
        return [CommentView(name or "", c.body, c.created_at) for c, name in rows]


def notifications(uow: UnitOfWork, actor: Actor, unread_only: bool = False,
                  limit: int = 30) -> list[Notification]:
    require(actor, "desk.view")
    with uow:
        q = select(Notification).where(Notification.user_id == actor.user_id)
        if unread_only:
            q = q.where(Notification.read_at.is_(None))
        found = list(uow.session.scalars(q.order_by(Notification.id.desc()).limit(limit)))
        uow.session.expunge_all()
        return found


def mark_read(uow: UnitOfWork, actor: Actor) -> None:
    require(actor, "desk.view")
    with uow:
        for n in uow.session.scalars(select(Notification).where(Notification.user_id == actor.user_id,
                                                                 Notification.read_at.is_(None))):
            n.read_at = now_utc()
        uow.commit()


def unread_count(uow: UnitOfWork, actor: Actor) -> int:
    with uow:
        return int(uow.session.scalar(select(func.count()).select_from(Notification).where(
            Notification.user_id == actor.user_id, Notification.read_at.is_(None))) or 0)


# --- dashboard --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatRow:
    key: str
    label: str
    handled: int
    median_minutes: int | None
    p90_minutes: int | None
    on_time_rate: float | None
    thanks: int = 0


@dataclass(frozen=True)
class Dashboard:
    month: str
    total: StatRow
    teams: tuple[StatRow, ...]
    people: tuple[StatRow, ...]
    by_type: tuple[tuple[str, int], ...]
    by_department: tuple[tuple[str, int], ...]
    open_overdue: int
    thanks_total: int
    daily: tuple[tuple[dt.date, int], ...] = field(default=())


def month_bounds(month: str) -> tuple[dt.datetime, dt.datetime]:
    try:
        first = dt.datetime.strptime(month, "%Y-%m").replace(tzinfo=rules.TOKYO)
    except ValueError:
        raise Invalid("desk.error.month", field="month", value=month) from None
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    return first, nxt


def _row(key: str, label: str, st: rules.Stats, thanks: int = 0) -> StatRow:
    return StatRow(key, label, st.handled, st.median_minutes, st.p90_minutes, st.on_time_rate, thanks)


def dashboard(uow: UnitOfWork, actor: Actor, month: str, now: dt.datetime | None = None) -> Dashboard:
    """Per team and person for ``month`` (YYYY-MM, Japan time): handled, median and p90 business lead time,
    on-time rate, thanks received; requests by type and by requesting department; open overdue now."""
    require(actor, "desk.view")
    start, end = month_bounds(month)
    with uow:
        s = uow.session
        done = s.execute(select(DeskRequest.team, DeskRequest.assignee_id, DeskRequest.type,
                                DeskRequest.requester_department, DeskRequest.lead_minutes, DeskRequest.on_time,
                                DeskRequest.completed_at)
                         .where(DeskRequest.status == "done", DeskRequest.completed_at >= start,
                                DeskRequest.completed_at < end)).all()
        items = [rules.Handled(r.team, r.assignee_id, r.type, r.requester_department or "", r.lead_minutes or 0,
                               bool(r.on_time)) for r in done]
        names = dict(s.execute(select(User.id, User.display_name)).all())
        thanks_people = dict(s.execute(select(Thanks.to_user_id, func.count()).where(
            Thanks.created_at >= start, Thanks.created_at < end, Thanks.to_user_id.is_not(None))
            .group_by(Thanks.to_user_id)).all())
        thanks_teams = dict(s.execute(select(Thanks.to_team, func.count()).where(
            Thanks.created_at >= start, Thanks.created_at < end, Thanks.to_team.is_not(None))
            .group_by(Thanks.to_team)).all())
        thanks_total = int(s.scalar(select(func.count()).select_from(Thanks).where(
            Thanks.created_at >= start, Thanks.created_at < end)) or 0)
        overdue = int(s.scalar(select(func.count()).select_from(DeskRequest).where(
            DeskRequest.team.in_(tuple(rules.TEAMS)),  # every team: lets the queue index (team, status, sla) answer
            DeskRequest.status.in_(tuple(rules.OPEN_STATUSES)), DeskRequest.sla_due_at < (now or now_utc()))) or 0)
    teams = rules.group_stats(items, "team")
    people = rules.group_stats(items, "assignee_id")
    daily: dict[dt.date, int] = {}
    for r in done:
        day = as_utc(r.completed_at).astimezone(rules.TOKYO).date()
        daily[day] = daily.get(day, 0) + 1
    return Dashboard(
        month, _row("all", "", rules.stats(items)),
        tuple(_row(t, t, teams.get(t, rules.stats([])), int(thanks_teams.get(t, 0))) for t in rules.TEAMS
              if t in teams or t in thanks_teams),
        tuple(sorted((_row(str(uid), str(names.get(uid, "")), st, int(thanks_people.get(uid, 0)))
                      for uid, st in people.items() if uid is not None), key=lambda r: -r.handled)),
        tuple(sorted(((k, v.handled) for k, v in rules.group_stats(items, "type").items()), key=lambda kv: -kv[1])),
        tuple(sorted(((k or "-", v.handled) for k, v in rules.group_stats(items, "requester_department").items()),
                     key=lambda kv: -kv[1])),
        overdue, thanks_total, tuple(sorted(daily.items())))


def dashboard_table(d: Dashboard, lang: str) -> Table:
    """The dashboard as a table for CSV/XLSX export: one row per team and per person."""
    from ennoshita.i18n import gettext

    t = Table(gettext(lang, "desk.dashboard.title"), d.month, columns(
        ("scope", gettext(lang, "desk.dashboard.scope")), ("name", gettext(lang, "desk.dashboard.name")),
        ("handled", gettext(lang, "desk.dashboard.handled"), "int"),
        ("median", gettext(lang, "desk.dashboard.median_hours")), ("p90", gettext(lang, "desk.dashboard.p90_hours")),
        ("on_time", gettext(lang, "desk.dashboard.on_time")),
        ("thanks", gettext(lang, "desk.dashboard.thanks"), "int")),
        filename=f"desk-dashboard-{d.month}")
    for scope, rows in (("team", d.teams), ("person", d.people)):
        for r in rows:
            t.add({"scope": gettext(lang, f"desk.dashboard.scope_{scope}"),
                   "name": gettext(lang, f"desk.team.{r.key}") if scope == "team" else r.label,
                   "handled": r.handled, "median": hours(r.median_minutes), "p90": hours(r.p90_minutes),
                   "on_time": percent(r.on_time_rate), "thanks": r.thanks})
    return t


def hours(minutes: int | None) -> str:
    return "" if minutes is None else f"{minutes / 60:.1f}"


def percent(rate: float | None) -> str:
    return "" if rate is None else f"{rate * 100:.0f}%"
