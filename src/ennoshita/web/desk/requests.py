"""依頼 (request desk) screens: what they share, 依頼する (type cards and the form generated from the type's
fields), 自分の依頼 and the team's 受付一覧.

Thin adapters over ``ennoshita.desk``: every change is one call of ``desk.services`` (which checks who may do
it); lists are ``desk.queries``. After a change that notifies, the e-mail goes out in a background task
(:func:`ennoshita.desk.mail.deliver_pending`) so the page never waits for the mail server. The detail page
and its actions are in ``ennoshita.web.desk.detail``; thanks, notifications and the dashboard in
``ennoshita.web.desk.activity``.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from starlette.background import BackgroundTask
from starlette.datastructures import UploadFile

from ennoshita import exports
from ennoshita.actor import Actor
from ennoshita.attachments.services import NewAttachment
from ennoshita.dates import TOKYO, as_utc
from ennoshita.db import Database
from ennoshita.desk import mail, queries, rules, services
from ennoshita.errors import DomainError, Forbidden
from ennoshita.i18n import Translator, stored_text
from ennoshita.identity import can, require
from ennoshita.identity.models import User, UserRole
from ennoshita.partners import services as partners
from ennoshita.web import nav
from ennoshita.web.deps import ActorDep, DbDep
from ennoshita.web.exports import csv_response, export_links, wants_export
from ennoshita.web.forms import Page, errors_of, page_no, parse_date, query_without_page, text, translator
from ennoshita.web.home import WORK_PROVIDERS, WorkItem
from ennoshita.web.render import TEMPLATES, render

router = APIRouter(prefix="/desk")
log = logging.getLogger(__name__)

for _order, (_key, _href, _cap) in enumerate((
    ("nav.desk.new", "/desk/new", "desk.use"),
    ("nav.desk.mine", "/desk/mine", "desk.view"),
    ("nav.desk.queue", "/desk/queue", "desk.view"),
    ("nav.desk.thanks", "/desk/thanks", "desk.view"),
    ("nav.desk.notifications", "/desk/notifications", "desk.view"),
    ("nav.desk.dashboard", "/desk/dashboard", "desk.view"),
), start=1):
    nav.register(nav.NavItem("desk", _key, _href, _cap, _order * 10))

PER_PAGE = 50
LINE_ROWS = 3
STATUS_BADGE = {"received": "badge-info", "in_progress": "badge-warn", "waiting": "badge-muted",
                "done": "badge-ok", "withdrawn": "badge-muted"}


# ---------------------------------------------------------------- shared helpers


def _deliver(db: Database) -> None:
    try:
        mail.deliver_pending(db)
    except Exception:  # noqa: BLE001 - mail must never break the page; the next delivery retries
        log.exception("desk mail delivery failed")


def notified(url: str, db: Database) -> Response:
    """Redirect after a change that notified someone; the e-mail goes out after the response."""
    return RedirectResponse(url, status_code=303, background=BackgroundTask(_deliver, db))


def user_names(db: Database) -> dict[int, str]:
    """Display names of all users (requester / assignee names on the request page).
    Read here because ``ennoshita.desk`` has no people query (reported as missing)."""
    with db.uow() as uow:
        return {int(i): str(n) for i, n in uow.session.execute(select(User.id, User.display_name))}


def active_people(db: Database, t: Translator) -> list[tuple[int, str]]:
    """Active users for the 「ありがとう」 recipient list (any desk user may thank anyone)."""
    with db.uow() as uow:
        rows = uow.session.execute(select(User.id, User.display_name, User.department).where(User.active.is_(True))
                                   .order_by(User.department, User.id))
        return [(int(i), f"{n}{t('text.paren', text=d)}" if d else str(n)) for i, n, d in rows]


def team_members(db: Database, team: str) -> list[tuple[int, str]]:
    """Active members of a team (the role of :data:`rules.TEAMS`), for the 割り当て select."""
    with db.uow() as uow:
        rows = uow.session.execute(select(User.id, User.display_name).join(UserRole, UserRole.user_id == User.id)
                                   .where(UserRole.role == rules.TEAMS[team], User.active.is_(True))
                                   .order_by(User.id))
        return [(int(i), str(n)) for i, n in rows]


def my_teams(actor: Actor) -> list[str]:
    """The teams whose queue the actor works (admin and auditor: all)."""
    if actor.has("admin", "auditor"):
        return list(rules.TEAMS)
    return [t for t, role in rules.TEAMS.items() if actor.has(role)]


def sla_hours(minutes: int | None) -> str:
    return "" if minutes is None else f"{abs(minutes) / 60:.1f}"


MENTION_SPLIT = re.compile(r"(@[\w.+-]+(?:@[\w.-]+)?)")


def mention_parts(body: str) -> list[tuple[bool, str]]:
    """A comment split into (is_mention, text) pieces, to show @mentions highlighted (escaped by Jinja)."""
    return [(bool(MENTION_SPLIT.fullmatch(p)), p) for p in MENTION_SPLIT.split(body) if p]


def _unread(actor: Actor | None, request: Request) -> int:
    """The bell's count in the header (0 when not logged in or when the desk tables are unavailable)."""
    if actor is None or actor.user_id is None:
        return 0
    try:
        return queries.unread_count(request.app.state.db.uow(), actor)
    except Exception:  # noqa: BLE001 - the header must render whatever happens
        return 0


TEMPLATES.env.globals["desk_unread"] = _unread
TEMPLATES.env.globals["desk_sla_hours"] = sla_hours
TEMPLATES.env.globals["desk_status_badge"] = STATUS_BADGE


# ---------------------------------------------------------------- 依頼する


def _partner_choices(db: Database, actor: Actor, name: str) -> list[str]:
    """Names for a partner field's datalist: customers (or suppliers) when the user may read sales."""
    if not can(actor, "sales.view"):
        return []
    role = "supplier" if name == "supplier" else "customer"
    found = partners.search_partners(db.uow(), actor, role=role, per_page=200)
    return [p.name for p in found.rows]


def _type_cards() -> list[rules.RequestType]:
    return list(rules.REQUEST_TYPES.values())


@router.get("")
def desk_home(actor: ActorDep) -> Response:
    require(actor, "desk.view")
    return RedirectResponse("/desk/mine", status_code=303)


@router.get("/new")
def new_pick(request: Request, actor: ActorDep) -> Response:
    require(actor, "desk.use")
    return render(request, "desk/new_pick.html", {"types": _type_cards()})


def _form_page(request: Request, db: Database, actor: Actor, rtype: rules.RequestType, form: dict[str, Any],
               lines: dict[str, list[dict[str, str]]], status: int = 200, errors: dict[str, str] | None = None,
               general: list[str] | None = None) -> Response:
    datalists = {s.name: _partner_choices(db, actor, s.name) for s in rtype.fields if s.kind == "partner"}
    padded = {s.name: (lines.get(s.name) or []) + [{"item": "", "quantity": ""}] * max(
        0, LINE_ROWS - len(lines.get(s.name) or [])) for s in rtype.fields if s.kind == "lines"}
    return render(request, "desk/new_form.html", {
        "rtype": rtype, "form": form, "lines": padded, "errors": errors or {}, "general": general or [],
        "datalists": datalists}, status_code=status)


@router.get("/new/{type_code}")
def new_form(request: Request, type_code: str, db: DbDep, actor: ActorDep) -> Response:
    require(actor, "desk.use")
    rtype = rules.request_type(type_code)
    return _form_page(request, db, actor, rtype, {}, {})


def _read_lines(form: Any, name: str) -> tuple[list[dict[str, str]], list[int]]:
    """The typed rows of a lines field (``fields.x[i].item`` / ``.quantity``), and which of them are not empty
    (the service counts its errors over the non-empty rows)."""
    prefix = f"fields.{name}["
    indexes = sorted({int(k[len(prefix):k.index("]", len(prefix))]) for k in form.keys()
                      if k.startswith(prefix) and k[len(prefix):k.index("]", len(prefix))].isdigit()})
    rows = [{"item": text(form, f"{prefix}{i}].item"), "quantity": text(form, f"{prefix}{i}].quantity")}
            for i in indexes]
    return rows, [i for i, r in enumerate(rows) if r["item"]]


def _line_errors(errors: dict[str, str], name: str, where: list[int]) -> None:
    """``fields.x[k].quantity`` (k over the non-empty rows) → the grid row it came from."""
    prefix = f"fields.{name}["
    for key in [k for k in errors if k.startswith(prefix)]:
        k = key[len(prefix):key.index("]", len(prefix))]
        if k.isdigit() and int(k) < len(where):
            errors[f"{prefix}{where[int(k)]}{key[key.index(']', len(prefix)):]}"] = errors.pop(key)


@router.post("/new/{type_code}")
async def new_submit(request: Request, type_code: str, db: DbDep, actor: ActorDep) -> Response:
    require(actor, "desk.use")
    rtype = rules.request_type(type_code)
    raw = await request.form()
    data: dict[str, Any] = {k: raw.get(k) for k in raw.keys() if isinstance(raw.get(k), str)}
    form = {k: text(data, k) for k in data if not k.startswith("fields.") or "[" not in k}
    fields: dict[str, Any] = {}
    lines: dict[str, list[dict[str, str]]] = {}
    where: dict[str, list[int]] = {}
    attachments: list[tuple[str, NewAttachment]] = []
    for spec in rtype.fields:
        key = f"fields.{spec.name}"
        if spec.kind == "lines":
            lines[spec.name], where[spec.name] = _read_lines(data, spec.name)
            fields[spec.name] = lines[spec.name]
        elif spec.kind == "file":
            upload = raw.get(key)
            if isinstance(upload, UploadFile) and upload.filename:
                content = await upload.read()
                attachments.append((spec.name, NewAttachment(upload.filename, upload.content_type or "", content)))
        else:
            fields[spec.name] = form.get(key, "")
    due = parse_date(form.get("due_date"))
    try:
        saved = services.file_request(db.uow(), actor, services.NewRequest(
            rtype.code, form.get("title", ""), fields, due, tuple(attachments)))
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        for name, rows in where.items():
            _line_errors(errors, name, rows)
        if attachments:
            general.append(_reattach_message(actor))
        return _form_page(request, db, actor, rtype, form, lines, exc.status, errors, general)
    return notified(f"/desk/requests/{saved.id}?done=filed", db)


def _reattach_message(actor: Actor) -> str:
    from ennoshita.i18n import gettext

    return gettext(actor.language, "desk_ui.reattach")


# ---------------------------------------------------------------- 自分の依頼 / 受付一覧


def _statuses(value: str) -> tuple[str, ...]:
    if value == "all":
        return ()
    if value in rules.STATUSES:
        return (value,)
    return tuple(s for s in rules.STATUSES if s in rules.OPEN_STATUSES)


@router.get("/mine")
def mine(request: Request, db: DbDep, actor: ActorDep) -> Response:
    q = request.query_params
    status = q.get("status", "all")
    found = queries.queue(db.uow(), actor, mine=True, statuses=_statuses(status), text=q.get("q", ""),
                          page=page_no(request), per_page=PER_PAGE)
    return render(request, "desk/mine.html", {
        "page": Page.of(found), "q": q, "status": status, "query": query_without_page(request),
        "statuses": rules.STATUSES, "can_use": can(actor, "desk.use")})


@router.get("/queue")
def team_queue(request: Request, db: DbDep, actor: ActorDep) -> Response:
    require(actor, "desk.view")
    q = request.query_params
    teams = my_teams(actor)
    team = q.get("team", "")
    if team and team not in teams:
        raise Forbidden("desk.error.not_team", team=team)
    team = team or (teams[0] if teams else "")
    status = q.get("status", "open")
    page = None
    if team and (encoding := wants_export(request)):
        return _queue_csv(db, actor, team, _statuses(status), bool(q.get("assigned")), q.get("q", ""),
                          bool(q.get("overdue")), encoding)
    if team:
        found = queries.queue(db.uow(), actor, team=team, statuses=_statuses(status),
                              assigned_to_me=bool(q.get("assigned")), text=q.get("q", ""),
                              overdue=bool(q.get("overdue")), page=page_no(request), per_page=PER_PAGE)
        page = Page.of(found)
    return render(request, "desk/queue.html", {
        "page": page, "teams": teams, "team": team, "status": status, "q": q,
        "query": query_without_page(request), "statuses": rules.STATUSES,
        "export_links": export_links(request) if team else []})


def _queue_csv(db: Database, actor: Actor, team: str, statuses: tuple[str, ...], assigned: bool, text_: str,
               overdue: bool, encoding: str) -> Response:
    require(actor, "desk.view")
    t = translator(actor)
    col = exports.ExportColumn
    columns = [col(t("desk_ui.col.number"), lambda r: r.number),
               col(t("desk_ui.col.type"), lambda r: t("desk.type." + r.type)),
               col(t("desk_ui.col.title"), lambda r: stored_text(t.lang, r.title)),
               col(t("desk_ui.col.team"), lambda r: t("desk.team." + r.team)),
               col(t("desk_ui.col.requester"), lambda r: r.requester),
               col(t("desk_ui.dashboard.requester_department"), lambda r: r.requester_department),
               col(t("desk_ui.col.assignee"), lambda r: r.assignee),
               col(t("desk_ui.col.status"), lambda r: t("desk.status." + r.status)),
               col(t("desk_ui.col.filed"), lambda r: as_utc(r.created_at).astimezone(TOKYO)),
               col(t("desk_ui.col.sla_due"), lambda r: as_utc(r.sla_due_at).astimezone(TOKYO)),
               col(t("desk_ui.col.sla"), lambda r: _sla_text(t, r.remaining_minutes)),
               col(t("desk_ui.detail.document"), lambda r: r.document_number)]
    return csv_response(db, "desk-queue", columns, lambda s: queries.export_queue(
        s, actor, team=team, statuses=statuses, assigned_to_me=assigned, text=text_, overdue=overdue), encoding)


def _sla_text(t: Translator, minutes: int | None) -> str:
    """The queue's 残り時間 as the screen shows it (期限超過 N時間 / 残り N時間; empty once closed)."""
    if minutes is None:
        return ""
    key = "desk_ui.sla.overdue" if minutes < 0 else "desk_ui.sla.remaining"
    return t(key, hours=sla_hours(minutes))


def _desk_work(db: Database, actor: Actor) -> list[WorkItem]:
    """The home page's share of the desk: requests assigned to me, and my teams' requests nobody has taken."""
    from ennoshita.dates import as_utc
    from ennoshita.desk import queries as desk_queries
    from ennoshita.desk import rules as desk_rules

    if actor.user_id is None or not can(actor, "desk.use"):
        return []
    items: list[WorkItem] = []
    mine = desk_queries.queue(db.uow(), actor, statuses=tuple(desk_rules.OPEN_STATUSES), assigned_to_me=True,
                              per_page=20)
    waiting = [] if actor.has("admin") else [
        r for team, role in desk_rules.TEAMS.items() if actor.has(role)
        for r in desk_queries.queue(db.uow(), actor, team=team, statuses=("received",), per_page=10).rows]
    for r, kind in [(r, "home.kind.request") for r in mine.rows] + [(r, "home.kind.request_new") for r in waiting]:
        due = as_utc(r.sla_due_at).astimezone(desk_rules.TOKYO).date()
        title = stored_text(actor.language, r.title)
        items.append(WorkItem(kind, f"{r.number} {title}", f"/desk/requests/{r.id}", due, r.overdue))
    return items


WORK_PROVIDERS.append(_desk_work)
