"""The renewal and expiry dashboard: every 更新拒絶期限 and end date within the company's alert days (default 60)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ennoshita.contracts import services as contracts
from ennoshita.web import nav
from ennoshita.web.deps import ActorDep, DbDep
from ennoshita.web.render import render

router = APIRouter(prefix="/contracts")

nav.register(nav.NavItem("legal", "nav.contracts_dashboard", "/contracts/renewals", "legal.view", 20))


@router.get("/renewals")
def dashboard(request: Request, db: DbDep, actor: ActorDep, days: int | None = None, page: int = 1) -> Response:
    today = dt.date.today()
    rows, total = contracts.dashboard(db.uow(), actor, today, days if days is None or days >= 0 else None,
                                      max(page, 1), 100)
    return render(request, "contracts/renewals.html", {"rows": rows, "total": total, "today": today, "days": days})
