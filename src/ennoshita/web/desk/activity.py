"""依頼: ありがとうを送る and the thanks received, 通知 (marked read when shown), and the 貢献ダッシュボード of a
month with its inline SVG bar charts and CSV / Excel export."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import or_, select

from ennoshita.actor import Actor
from ennoshita.dates import as_utc, today_tokyo
from ennoshita.db import Database
from ennoshita.desk import queries, rules, services
from ennoshita.desk.models import Thanks
from ennoshita.errors import DomainError
from ennoshita.i18n import Translator, stored_text
from ennoshita.identity import can, require
from ennoshita.identity.models import User
from ennoshita.web.deps import ActorDep, DbDep
from ennoshita.web.desk.requests import active_people, my_teams, notified
from ennoshita.web.exports import download, wants_file
from ennoshita.web.forms import errors_of, form_data, parse_id, request_translator, text
from ennoshita.web.render import render

router = APIRouter(prefix="/desk")


# ---------------------------------------------------------------- ありがとう


@dataclass(frozen=True)
class ThanksRow:
    sender: str
    to_team: str | None
    to_me: bool
    message: str
    request_id: int | None
    created_at: dt.datetime


def _received(db: Database, actor: Actor, limit: int = 50) -> list[ThanksRow]:
    """Thanks to me or to a team I belong to. Read here: ``desk.queries`` has no thanks list (reported)."""
    teams = [t for t, role in rules.TEAMS.items() if actor.has(role)]
    with db.uow() as uow:
        rows = uow.session.execute(
            select(Thanks, User.display_name).outerjoin(User, User.id == Thanks.from_user_id)
            .where(or_(Thanks.to_user_id == actor.user_id, Thanks.to_team.in_(teams)))
            .order_by(Thanks.id.desc()).limit(limit)).all()
        return [ThanksRow(name or "", t.to_team, t.to_user_id == actor.user_id, t.message, t.request_id,
                          as_utc(t.created_at)) for t, name in rows]


def _thanks_page(request: Request, db: Database, actor: Actor, status: int = 200,
                 errors: dict[str, str] | None = None, general: list[str] | None = None,
                 form: dict[str, Any] | None = None) -> Response:
    require(actor, "desk.view")
    people = [(uid, label) for uid, label in active_people(db, request_translator(request)) if uid != actor.user_id]
    return render(request, "desk/thanks.html", {
        "people": people, "teams": list(rules.TEAMS), "received": _received(db, actor),
        "errors": errors or {}, "general": general or [], "form": form or {},
        "done": request.query_params.get("done"), "can_use": can(actor, "desk.use")}, status_code=status)


@router.get("/thanks")
def thanks_page(request: Request, db: DbDep, actor: ActorDep) -> Response:
    return _thanks_page(request, db, actor)


@router.post("/thanks")
async def thanks_send(request: Request, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)
    form = {k: text(data, k) for k in ("to", "message")}
    target = form["to"]
    try:
        services.send_thanks(db.uow(), actor, to_user_id=parse_id(target[5:]) if target.startswith("user:") else None,
                             to_team=target[5:] if target.startswith("team:") else None, message=form["message"])
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        for key in ("to_user_id", "to_team"):
            if key in errors:
                errors["to"] = errors.pop(key)
        return _thanks_page(request, db, actor, exc.status, errors, general, form)
    return notified("/desk/thanks?done=sent", db)


# ---------------------------------------------------------------- 通知


@dataclass(frozen=True)
class NoticeRow:
    text: str
    detail: str
    request_id: int | None
    created_at: dt.datetime
    unread: bool


def _notice_text(t: Translator, kind: str, params: dict[str, Any]) -> tuple[str, str]:
    p = {k: str(v) for k, v in params.items()}
    if "title" in p:  # a request's title the application kept as key + params (an 入社手続き)
        p["title"] = stored_text(t.lang, p["title"])
    if "status" in p:
        p["status_label"] = t(f"desk.status.{p['status']}")
    return t(f"desk.notify.{kind}", **p), p.get("message") or p.get("excerpt") or ""


@router.get("/notifications")
def notifications(request: Request, db: DbDep, actor: ActorDep) -> Response:
    """The latest notifications; showing them marks them read."""
    found = queries.notifications(db.uow(), actor, limit=50)
    t = Translator(actor.language)
    rows = [NoticeRow(*_notice_text(t, n.kind, n.params or {}), n.request_id, as_utc(n.created_at),
                      n.read_at is None) for n in found]
    if any(r.unread for r in rows):
        queries.mark_read(db.uow(), actor)
    return render(request, "desk/notifications.html", {"rows": rows, "unread_now": 0})


# ---------------------------------------------------------------- 貢献ダッシュボード


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    width: float  # share of the chart width, 0..1


def bars(items: list[tuple[str, int]]) -> list[Bar]:
    top = max((v for _k, v in items), default=0)
    return [Bar(k, v, v / top if top else 0.0) for k, v in items]


def _months(today: dt.date, count: int = 12) -> list[str]:
    out = []
    year, month = today.year, today.month
    for _ in range(count):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out


@router.get("/dashboard")
def dashboard(request: Request, db: DbDep, actor: ActorDep) -> Response:
    require(actor, "desk.view")
    today = today_tokyo()
    current = f"{today.year:04d}-{today.month:02d}"
    month = request.query_params.get("month") or current
    errors: dict[str, str] = {}
    try:
        d = queries.dashboard(db.uow(), actor, month)
    except DomainError as exc:
        errors, _general = errors_of(exc, actor)
        errors.setdefault("month", _general[0] if _general else "")
        month = current
        d = queries.dashboard(db.uow(), actor, month)
    fmt = wants_file(request)
    if fmt in ("csv", "xlsx") and not errors:
        return download(queries.dashboard_table(d, actor.language), fmt)
    t = Translator(actor.language)
    return render(request, "desk/dashboard.html", {
        "d": d, "month": month, "months": _months(today), "errors": errors,
        "by_type": bars([(t(f"desk.type.{k}"), v) for k, v in d.by_type]),
        "by_department": bars(list(d.by_department)), "hours": queries.hours, "percent": queries.percent,
        "my_teams": my_teams(actor)}, status_code=400 if errors else 200)
