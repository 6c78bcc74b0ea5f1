"""依頼の詳細: the request's fields and attachments, the team's actions (担当する, 割り当て, status), comments
with @mentions, 取り下げ for the requester, 「見積書を作成」 for a 見積作成依頼, and ありがとう once done."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ennoshita.actor import Actor
from ennoshita.attachments.services import get_content, list_for
from ennoshita.dates import as_utc, format_date, now_utc
from ennoshita.db import Database
from ennoshita.desk import queries, rules, services
from ennoshita.errors import DomainError, NotFound
from ennoshita.identity import can
from ennoshita.partners import services as partners
from ennoshita.web.deps import ActorDep, DbDep
from ennoshita.web.desk.requests import mention_parts, notified, team_members, user_names
from ennoshita.web.forms import errors_of, form_data, parse_id, pdf_response, text
from ennoshita.web.purchasing.orders import supplier_choices
from ennoshita.web.render import render

router = APIRouter(prefix="/desk")

DOCUMENT_HREF = {"quote": "/sales/quotes/{id}", "sales_order": "/sales/orders/{id}",
                 "purchase_order": "/purchasing/orders/{id}", "contract": "/contracts/{id}"}


def _partner_id(db: Database, actor: Actor, name: str, role: str) -> str | None:
    """The partner of that name (when exactly one matches), for pre-filling a form."""
    if not name or not can(actor, "sales.view"):
        return None
    found = partners.search_partners(db.uow(), actor, name, role=role, per_page=5)
    exact = [p for p in found.rows if p.name == name] or list(found.rows)
    return str(exact[0].id) if len(exact) == 1 else None


CREATE_PATHS = {"quote": ("/sales/quotes/new", "sales.edit"), "sales_order": ("/sales/orders/new", "sales.edit"),
                "purchase_order": ("/purchasing/orders/new", "purchasing.edit"),
                "contract": ("/contracts/new", "legal.edit")}


def _create_href(db: Database, actor: Actor, req: services.RequestSummary) -> str | None:
    """The form of the document the request asks for, pre-filled from it (request_id, the partner when one
    matches the name, the subject and the requested lines): 見積書 from a 見積作成依頼, 受注 from a 受注処理依頼,
    発注書 from a 備品・購買依頼. Saving the document links it to the request; issuing it completes the request."""
    rtype = rules.REQUEST_TYPES.get(req.type)
    if rtype is None or rtype.creates is None or req.document_id is not None:
        return None
    path, capability = CREATE_PATHS[rtype.creates]
    if req.status not in rules.OPEN_STATUSES or not can(actor, capability):
        return None
    params: dict[str, str] = {"request_id": str(req.id), "subject": req.title}
    if rtype.creates == "contract":  # 法務審査依頼 → 契約台帳
        params["counterparty"] = str(req.fields.get("counterparty") or "")
        params["description"] = str(req.fields.get("points") or "")[:500]
    elif rtype.creates == "purchase_order":
        name = str(req.fields.get("supplier") or "")
        found = [str(i) for i, label in supplier_choices(db, actor) if name and label.split(" ", 1)[-1] == name]
        if len(found) == 1:
            params["supplier_id"] = found[0]
        if req.fields.get("needed_by"):
            params["delivery_date"] = str(req.fields["needed_by"])
        if req.fields.get("purpose"):
            params["notes"] = str(req.fields["purpose"])[:500]
    else:
        customer = _partner_id(db, actor, str(req.fields.get("customer") or ""), "customer")
        if customer:
            params["partner_id"] = customer
        if req.fields.get("customer_po"):
            params["customer_po"] = str(req.fields["customer_po"])
    for i, line in enumerate(req.fields.get("lines") or []):
        item = str(line.get("item", ""))
        master = _item(db, actor, item)
        # an item of the master (by its code or its name) goes to 品目コード with its name in 品名, so that the
        # unit price and rate come from the master; anything else is a free-text line
        if master is not None:
            params[f"lines[{i}].item_code"], params[f"lines[{i}].description"] = master
        else:
            params[f"lines[{i}].description"] = item
        params[f"lines[{i}].quantity"] = str(line.get("quantity", ""))
    return path + "?" + urlencode(params)


def _item(db: Database, actor: Actor, text: str) -> tuple[str, str] | None:
    """(code, name) of the one active item whose code or name is ``text`` (what a requester types: P-1003, or
    据付調整作業), else None."""
    wanted = text.strip()
    if not wanted or not can(actor, "sales.view"):
        return None
    found, _total = partners.list_items(db.uow(), actor, wanted, per_page=20, active_only=True)
    exact = [(i.code, i.name) for i in found if wanted in (i.code, i.name)]
    return exact[0] if len(exact) == 1 else None


def _page(request: Request, db: Database, actor: Actor, request_id: int, status: int = 200,
          errors: dict[str, str] | None = None, general: list[str] | None = None,
          form: dict[str, Any] | None = None) -> Response:
    req = services.get_request(db.uow(), actor, request_id)  # 403 unless requester, team, admin or auditor
    rtype = rules.request_type(req.type)
    with db.uow() as uow:
        files = list_for(uow.session, services.OWNER, req.id)
    team_role = rules.TEAMS[req.team]
    works = actor.has("admin", team_role) and can(actor, "desk.use")
    is_requester = req.requester_id is not None and req.requester_id == actor.user_id
    names = user_names(db)
    href = DOCUMENT_HREF.get(req.document_kind or "")
    return render(request, "desk/detail.html", {
        "r": req, "rtype": rtype, "files": files, "comments": queries.comments(db.uow(), actor, req.id),
        "names": names, "works": works, "is_requester": is_requester,
        "open": req.status in rules.OPEN_STATUSES,
        "sla_minutes": rules.remaining_minutes(now_utc(), as_utc(req.sla_due_at)),
        "next_statuses": [s for s in rules.STATUSES if s in rules.TRANSITIONS[req.status] and s != "withdrawn"],
        "members": team_members(db, req.team) if works else [],
        "create_href": _create_href(db, actor, req), "creates": rtype.creates,
        "document_href": href.format(id=req.document_id) if href and req.document_id else None,
        "can_comment": can(actor, "desk.use"), "mention_parts": mention_parts,
        "done": request.query_params.get("done"), "errors": errors or {}, "general": general or [],
        "form": form or {}, "iso_date": lambda v: _iso_date(v, actor.language)}, status_code=status)


def _iso_date(value: object, lang: str) -> str:
    try:
        return format_date(dt.date.fromisoformat(str(value)), lang)
    except ValueError:
        return str(value)


@router.get("/requests/{request_id}")
def detail(request: Request, request_id: int, db: DbDep, actor: ActorDep) -> Response:
    return _page(request, db, actor, request_id)


@router.get("/requests/{request_id}/files/{attachment_id}")
def download(request_id: int, attachment_id: int, db: DbDep, actor: ActorDep) -> Response:
    req = services.get_request(db.uow(), actor, request_id)
    with db.uow() as uow:
        summary, content = get_content(uow.session, attachment_id)
    if summary.owner_type != services.OWNER or summary.owner_id != str(req.id):
        raise NotFound("attachment.error.not_found", field="attachment_id")
    return pdf_response(content, summary.filename, summary.content_type)


async def _act(request: Request, db: Database, actor: Actor, request_id: int, done: str,
               change: Any) -> Response:
    """Run one service call from a form on the page; errors go back to the page next to their form."""
    data = await form_data(request)
    try:
        change(data)
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        return _page(request, db, actor, request_id, exc.status, errors, general,
                     {k: v for k, v in data.items() if isinstance(v, str)})
    return notified(f"/desk/requests/{request_id}?done={done}", db)


@router.post("/requests/{request_id}/take")
async def take(request: Request, request_id: int, db: DbDep, actor: ActorDep) -> Response:
    return await _act(request, db, actor, request_id, "assigned",
                      lambda data: services.assign(db.uow(), actor, request_id))


@router.post("/requests/{request_id}/assign")
async def assign(request: Request, request_id: int, db: DbDep, actor: ActorDep) -> Response:
    return await _act(request, db, actor, request_id, "assigned",
                      lambda data: services.assign(db.uow(), actor, request_id, parse_id(text(data, "user_id"))))


@router.post("/requests/{request_id}/status")
async def set_status(request: Request, request_id: int, db: DbDep, actor: ActorDep) -> Response:
    return await _act(request, db, actor, request_id, "status",
                      lambda data: services.set_status(db.uow(), actor, request_id, text(data, "status")))


@router.post("/requests/{request_id}/comments")
async def comment(request: Request, request_id: int, db: DbDep, actor: ActorDep) -> Response:
    return await _act(request, db, actor, request_id, "commented",
                      lambda data: services.add_comment(db.uow(), actor, request_id, text(data, "body")))


@router.post("/requests/{request_id}/thanks")
async def thanks(request: Request, request_id: int, db: DbDep, actor: ActorDep) -> Response:
    return await _act(request, db, actor, request_id, "thanked",
                      lambda data: services.send_thanks(db.uow(), actor, request_id=request_id,
                                                        message=text(data, "message")))
