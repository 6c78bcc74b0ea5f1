"""依頼 read models: the team queue and "my requests" (filtered and paginated in SQL, SLA timers computed
for the rows shown), notifications, and the contribution dashboard of a month.

The dashboard reads the month's completed requests (their business lead time and on-time flag were fixed
at completion) and the thanks; counts are SQL aggregates, the median and 90th percentile are taken over the
month's lead times with the nearest-rank rule of :mod:`ennoshita.desk.rules`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import case, func, literal, or_, select
from sqlalchemy.orm import Session

from ennoshita.actor import Actor
from ennoshita.dates import as_utc, now_utc
from ennoshita.db import UnitOfWork
from ennoshita.desk import rules
from ennoshita.desk.models import DeskComment, DeskRequest, Notification, Thanks
from ennoshita.errors import Invalid
from ennoshita.identity.models import User
from ennoshita.identity.roles import require
from ennoshita.security.text import contains
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
          overdue: bool = False, now: dt.datetime | None = None) -> QueuePage:
    """A team's queue (open requests first by SLA due time), or the requests I filed (``mine``).
    ``overdue``: only the open requests past their SLA due time."""
    require(actor, "desk.view")
    at = as_utc(now or now_utc())  # UTC: SQLite compares the stored text
    conditions, statuses = _queue_conditions(actor, team, statuses, mine, assigned_to_me, text, overdue, at)
    per_page = max(1, min(per_page, 200))
    page = max(1, page)
    order: tuple[Any, ...]
    if mine:  # my requests, newest first (the requester index (requester_id, created_at, id) gives the order)
        order = (DeskRequest.requester_id, DeskRequest.created_at.desc(), DeskRequest.id.desc())
    elif statuses and (set(statuses) <= rules.OPEN_STATUSES or len(statuses) == 1):
        order = (DeskRequest.sla_due_at, DeskRequest.id)  # the queue index (team, status, sla_due_at, id)
    else:  # everything: open work first, then the rest by due time
        order = (DeskRequest.status.in_(("done", "withdrawn")), DeskRequest.sla_due_at, DeskRequest.id)
    # deferred join: the page's ids from the index (OFFSET walks index entries, not rows), then those rows
    ids = (select(DeskRequest.id.label("id")).where(*conditions).order_by(*order)
           .limit(per_page).offset((page - 1) * per_page).subquery("page_ids"))
    requester = User.__table__.alias("requester")
    assignee = User.__table__.alias("assignee")
    q = (select(DeskRequest, requester.c.display_name, assignee.c.display_name)
         .join(ids, ids.c.id == DeskRequest.id)
         .outerjoin(requester, requester.c.id == DeskRequest.requester_id)
         .outerjoin(assignee, assignee.c.id == DeskRequest.assignee_id))
    with uow:
        s = uow.session
        total = int(s.scalar(select(func.count()).select_from(DeskRequest).where(*conditions)) or 0)
        rows = s.execute(q.order_by(*order)).all()
        out = tuple(_queue_row(r, req_name, asg_name, at) for r, req_name, asg_name in rows)
    return QueuePage(out, total, page, per_page)


def _queue_conditions(actor: Actor, team: str | None, statuses: tuple[str, ...], mine: bool, assigned_to_me: bool,
                      text: str, overdue: bool, at: dt.datetime) -> tuple[list[Any], tuple[str, ...]]:
    """The queue's filter as conditions on desk_requests alone (and the statuses it came to)."""
    conditions: list[Any] = []  # on desk_requests alone: the count and the page's ids need no join
    member_of = [t for t, role in rules.TEAMS.items() if actor.has(role)]
    if team and team not in rules.TEAMS:
        raise Invalid("desk.error.team", field="team", team=team)
    if mine:
        conditions.append(DeskRequest.requester_id == actor.user_id)
    elif team and (team in member_of or actor.has("admin", "auditor")):
        pass  # the team filter below is the whole visibility rule: one indexed range, no OR
    elif not actor.has("admin", "auditor"):
        conditions.append(DeskRequest.team.in_(member_of) | (DeskRequest.requester_id == actor.user_id))
    if team:
        conditions.append(DeskRequest.team == team)
    if overdue:
        asked = statuses or tuple(sorted(rules.OPEN_STATUSES))
        open_statuses = tuple(st for st in asked if st in rules.OPEN_STATUSES)
        statuses = open_statuses or ("-",)  # a closed status asked for with overdue: nothing matches
        conditions.append(DeskRequest.sla_due_at < at)
    if statuses:
        conditions.append(DeskRequest.status.in_(statuses))
    if assigned_to_me:
        conditions.append(DeskRequest.assignee_id == actor.user_id)
    if text.strip():
        like = contains(text.strip())
        conditions.append(DeskRequest.title.like(like, escape="\\") | DeskRequest.number.like(like, escape="\\"))
    return conditions, statuses


def export_queue(session: Session, actor: Actor, *, team: str | None = None, statuses: tuple[str, ...] = (),
                 assigned_to_me: bool = False, text: str = "", overdue: bool = False) -> Iterator[QueueRow]:
    """Every request :func:`queue` finds with these filters (all pages), in keyset batches within ``session``."""
    from ennoshita import exports

    require(actor, "desk.view")
    at = as_utc(now_utc())
    conditions, _ = _queue_conditions(actor, team, statuses, False, assigned_to_me, text, overdue, at)
    requester = User.__table__.alias("requester")
    assignee = User.__table__.alias("assignee")
    q = (select(DeskRequest, requester.c.display_name.label("req_name"), assignee.c.display_name.label("asg_name"))
         .where(*conditions)
         .outerjoin(requester, requester.c.id == DeskRequest.requester_id)
         .outerjoin(assignee, assignee.c.id == DeskRequest.assignee_id))
    for r, req_name, asg_name in exports.keyset(session, q, DeskRequest.id):
        yield _queue_row(r, req_name, asg_name, at)


def _queue_row(r: Any, req_name: str | None, asg_name: str | None, at: dt.datetime) -> QueueRow:
    return QueueRow(
        r.id, r.number, r.type, r.title, r.team, r.status, req_name or "", r.requester_department,
        r.assignee_id, asg_name or "", r.due_date, r.sla_due_at, r.created_at,
        rules.remaining_minutes(at, as_utc(r.sla_due_at)) if r.status in rules.OPEN_STATUSES else None,
        r.document_number)


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
    late: int = 0  # completed this month after the SLA due time


@dataclass(frozen=True)
class LateRow:
    """An open request past its SLA due time; ``late_minutes``: business minutes since it fell due."""
    id: int
    number: str
    title: str
    team: str
    status: str
    assignee_id: int | None
    assignee: str
    requester_department: str
    sla_due_at: dt.datetime
    late_minutes: int


LATE_LIMIT = 20


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
    late: tuple[LateRow, ...] = field(default=())  # the oldest-due LATE_LIMIT of the open_overdue requests


def _late(s: Any, at: dt.datetime, limit: int) -> tuple[LateRow, ...]:
    """The open requests past their SLA, oldest due first: filtered, ordered and limited in the database
    (the queue index (team, status, sla_due_at, id) answers each team/status range), the business minutes
    late computed for the rows shown."""
    assignee = User.__table__.alias("assignee")
    rows = s.execute(select(DeskRequest.id, DeskRequest.number, DeskRequest.title, DeskRequest.team,
                            DeskRequest.status, DeskRequest.assignee_id, assignee.c.display_name,
                            DeskRequest.requester_department, DeskRequest.sla_due_at)
                     .outerjoin(assignee, assignee.c.id == DeskRequest.assignee_id)
                     .where(DeskRequest.team.in_(tuple(rules.TEAMS)),
                            DeskRequest.status.in_(tuple(sorted(rules.OPEN_STATUSES))), DeskRequest.sla_due_at < at)
                     .order_by(DeskRequest.sla_due_at, DeskRequest.id).limit(limit)).all()
    return tuple(LateRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6] or "", r[7] or "", as_utc(r[8]),
                         max(0, -rules.remaining_minutes(at, as_utc(r[8])))) for r in rows)


def month_bounds(month: str) -> tuple[dt.datetime, dt.datetime]:
    try:
        first = dt.datetime.strptime(month, "%Y-%m").replace(tzinfo=rules.TOKYO)
    except ValueError:
        raise Invalid("desk.error.month", field="month", value=month) from None
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    return first, nxt


def _row(key: str, label: str, st: rules.Stats, thanks: int = 0) -> StatRow:
    return StatRow(key, label, st.handled, st.median_minutes, st.p90_minutes, st.on_time_rate, thanks,
                   st.handled - st.on_time)


def _percentiles(s: Any, where: tuple[Any, ...], key: Any) -> dict[Any, tuple[int, int]]:
    """Median and 90th percentile of the business lead time per ``key`` (None: over all rows), by the
    nearest-rank rule of :func:`rules.nearest_rank` (the ceil(p/100 x n)-th smallest), ranked in SQL."""
    lead = func.coalesce(DeskRequest.lead_minutes, 0)
    partition = [key] if key is not None else None
    ranked = select((key if key is not None else literal(0)).label("k"), lead.label("v"),
                    func.row_number().over(partition_by=partition, order_by=lead).label("rn"),
                    func.count().over(partition_by=partition).label("n")).where(*where).subquery()
    median_rank = (ranked.c.n * 50 + 99) // 100  # ceil(50 n / 100), n >= 1
    p90_rank = (ranked.c.n * 90 + 99) // 100
    found: dict[Any, list[int]] = {}
    for k, n, rn, v in s.execute(select(ranked.c.k, ranked.c.n, ranked.c.rn, ranked.c.v)
                                 .where(or_(ranked.c.rn == median_rank, ranked.c.rn == p90_rank))):
        pair = found.setdefault(k, [0, 0])
        if rn == max(1, -(-50 * n // 100)):
            pair[0] = int(v)
        if rn == max(1, -(-90 * n // 100)):
            pair[1] = int(v)
    return {k: (m, p) for k, (m, p) in found.items()}


def _stats(handled: int, pct: tuple[int, int] | None, on_time: int) -> rules.Stats:
    return rules.Stats(handled, pct[0] if pct else None, pct[1] if pct else None, on_time)


def _local_day(s: Any) -> Any:
    """completed_at as a date in Japan time (no daylight saving: UTC+9)."""
    if s.get_bind().dialect.name == "postgresql":
        return func.date(func.timezone("Asia/Tokyo", DeskRequest.completed_at))
    return func.date(DeskRequest.completed_at, "+9 hours")  # SQLite keeps UTC text


def dashboard(uow: UnitOfWork, actor: Actor, month: str, now: dt.datetime | None = None) -> Dashboard:
    """Per team and person for ``month`` (YYYY-MM, Japan time): handled, median and p90 business lead time,
    on-time rate, thanks received; requests by type and by requesting department; open overdue now.

    Everything is aggregated in the database: one grouped count over (team, person, type, department), the
    percentiles ranked with window functions, the daily counts grouped by the Japan-time date."""
    require(actor, "desk.view")
    start, end = month_bounds(month)
    at = as_utc(now or now_utc())  # UTC: SQLite compares the stored text
    in_month = (DeskRequest.status == "done", DeskRequest.completed_at >= start, DeskRequest.completed_at < end)
    department = func.coalesce(DeskRequest.requester_department, "")
    with uow:
        s = uow.session
        groups = list(s.execute(select(DeskRequest.team, DeskRequest.assignee_id, DeskRequest.type, department,
                                  func.count(), func.sum(case((DeskRequest.on_time.is_(True), 1), else_=0)),
                                  func.min(DeskRequest.completed_at))
                           .where(*in_month).group_by(DeskRequest.team, DeskRequest.assignee_id, DeskRequest.type,
                                                      department)).all())
        pct_teams = _percentiles(s, in_month, DeskRequest.team)
        pct_people = _percentiles(s, in_month, DeskRequest.assignee_id)
        pct_all = _percentiles(s, in_month, None)
        day = _local_day(s)
        daily_rows = s.execute(select(day, func.count()).where(*in_month).group_by(day)).all()
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
            DeskRequest.status.in_(tuple(rules.OPEN_STATUSES)), DeskRequest.sla_due_at < at)) or 0)
        late = _late(s, at, LATE_LIMIT)
    # groups in order of their first completion (the order the rows were handled in)
    groups.sort(key=lambda g: (as_utc(g[6]), g[0], g[1] or 0, g[2], g[3]))
    counts: dict[str, dict[Any, list[int]]] = {"team": {}, "assignee_id": {}, "type": {}, "department": {}}
    for team, assignee_id, rtype, dept, n, on_time, _first in groups:
        for dim, key in (("team", team), ("assignee_id", assignee_id), ("type", rtype), ("department", dept)):
            c = counts[dim].setdefault(key, [0, 0])
            c[0] += int(n)
            c[1] += int(on_time or 0)

    def stats_of(dim: str, pct: dict[Any, tuple[int, int]]) -> dict[Any, rules.Stats]:
        return {k: _stats(n, pct.get(k), ok) for k, (n, ok) in counts[dim].items()}

    teams = stats_of("team", pct_teams)
    people = stats_of("assignee_id", pct_people)
    handled = sum(n for n, _ok in counts["team"].values())
    total = _stats(handled, pct_all.get(0), sum(ok for _n, ok in counts["team"].values()))
    daily = sorted((d if isinstance(d, dt.date) else dt.date.fromisoformat(str(d)), int(n)) for d, n in daily_rows)
    return Dashboard(
        month, _row("all", "", total),
        tuple(_row(t, t, teams.get(t, rules.stats([])), int(thanks_teams.get(t, 0))) for t in rules.TEAMS
              if t in teams or t in thanks_teams),
        tuple(sorted((_row(str(uid), str(names.get(uid, "")), st, int(thanks_people.get(uid, 0)))
                      for uid, st in people.items() if uid is not None), key=lambda r: -r.handled)),
        tuple(sorted(((k, n) for k, (n, _ok) in counts["type"].items()), key=lambda kv: -kv[1])),
        tuple(sorted(((k or "-", n) for k, (n, _ok) in counts["department"].items()), key=lambda kv: -kv[1])),
        overdue, thanks_total, tuple(daily), late)


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
