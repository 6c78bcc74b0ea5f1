"""The home page: the user's own open work, gathered from every domain that has some."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ennoshita.actor import Actor
from ennoshita.db import Database
from ennoshita.identity import company as company_service
from ennoshita.web.deps import ActorDep, DbDep
from ennoshita.web.render import render

router = APIRouter()


@dataclass(frozen=True)
class WorkItem:
    """One thing waiting for the user: a request to handle, a document to approve, ..."""

    kind_key: str
    title: str
    href: str
    due: dt.date | None = None
    overdue: bool = False


WorkProvider = Callable[[Database, Actor], list[WorkItem]]
WORK_PROVIDERS: list[WorkProvider] = []


@router.get("/")
def home(request: Request, actor: ActorDep, db: DbDep) -> Response:
    items: list[WorkItem] = []
    for provider in WORK_PROVIDERS:
        items.extend(provider(db, actor))
    items.sort(key=lambda i: (not i.overdue, i.due or dt.date.max))
    company = company_service.get_company(db.uow(), actor)
    return render(request, "core/home.html", {"items": items, "company": company})
