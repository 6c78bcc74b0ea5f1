"""監査ログ: search the audit trail by date, user, entity and action; export as CSV."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ennoshita import audit, exports
from ennoshita.actor import Actor
from ennoshita.audit.queries import actions, entity_types
from ennoshita.dates import TOKYO
from ennoshita.db import Database
from ennoshita.identity import require
from ennoshita.identity import services as identity
from ennoshita.web.deps import ActorDep, DbDep
from ennoshita.web.exports import csv_response
from ennoshita.web.forms import translator
from ennoshita.web.render import render

router = APIRouter()


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text else None
    except ValueError:
        return None


def _filter(request: Request) -> audit.AuditFilter:
    q = request.query_params
    return audit.AuditFilter(
        date_from=_date(q.get("from")), date_to=_date(q.get("to")), actor_id=_int(q.get("user")),
        entity_type=q.get("entity_type") or None, entity_id=q.get("entity_id") or None,
        action=q.get("action") or None,
    )


@router.get("/audit")
def audit_page(request: Request, db: DbDep, actor: ActorDep) -> Response:
    return _page(request, db, actor)


@router.get("/audit/verify")
def audit_verify(request: Request, db: DbDep, actor: ActorDep) -> Response:
    """検証: walk the hash chain (the same check as ``ennoshita audit verify``) and show the result."""
    require(actor, "audit.view")
    with db.uow() as uow:
        result = audit.verify(uow.session)
    return _page(request, db, actor, verified=result)


def _page(request: Request, db: Database, actor: Actor, verified: audit.VerifyResult | None = None) -> Response:
    require(actor, "audit.view")
    f = _filter(request)
    page_no = _int(request.query_params.get("page")) or 1
    with db.uow() as uow:
        page = audit.search(uow.session, f, page=page_no)
    action_list = actions()
    types = entity_types()
    users = identity.list_users(db.uow(), actor)
    query = {k: v for k, v in request.query_params.items() if k != "page" and v}
    return render(request, "audit/list.html", {
        "page": page, "filter": f, "users": users, "actions": action_list, "entity_types": types,
        "query": query, "verified": verified,
    })


@router.get("/audit.csv")
def audit_csv(request: Request, db: DbDep, actor: ActorDep) -> Response:
    """The filtered trail as CSV (the shared list export: UTF-8 with BOM or ``?encoding=cp932``)."""
    require(actor, "audit.view")
    f = _filter(request)
    encoding = exports.check_encoding(request.query_params.get("encoding", "utf-8"))
    t = translator(actor)
    col = exports.ExportColumn
    # the screen's column titles in the reader's language; the codes the chain's MAC is computed over stay, each
    # beside its name (ennoshita.audit.queries.CSV_HEADER keeps the machine names of the raw columns)
    columns = [
        col(t("audit.col.id"), lambda r: r.id),
        col(t("audit.when"), lambda r: r.occurred_at.astimezone(TOKYO).isoformat()),
        col(t("audit.col.actor_id"), lambda r: r.actor_id),
        col(t("audit.user"), lambda r: r.actor_name),
        col(t("audit.via"), lambda r: r.via),
        col(t("audit.entity_type"), lambda r: t("entity." + r.entity_type)),
        col(t("audit.col.entity_code"), lambda r: r.entity_type),
        col(t("audit.entity_id"), lambda r: r.entity_id),
        col(t("audit.action"), lambda r: t("action." + r.action)),
        col(t("audit.col.action_code"), lambda r: r.action),
        col(t("audit.before"), lambda r: r.before),
        col(t("audit.after"), lambda r: r.after),
        col(t("audit.col.hash"), lambda r: r.hash),
    ]
    return csv_response(db, "audit", columns, lambda s: audit.export_rows(s, f), encoding)
