"""人事設定: the company's week start, 法定休日 and 年休 options (hr.view reads, hr.edit changes)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ennoshita.errors import DomainError
from ennoshita.hr import settings as hr_settings
from ennoshita.identity import can
from ennoshita.web import nav
from ennoshita.web.deps import ActorDep, DbDep
from ennoshita.web.forms import errors_of, form_data, text
from ennoshita.web.render import render

router = APIRouter(prefix="/hr/settings")

nav.register(nav.NavItem("hr", "nav.hr.settings", "/hr/settings", "hr.view", 60))


def _page(request: Request, db: DbDep, actor: ActorDep, form: dict[str, object] | None = None,
          errors: dict[str, str] | None = None, general: list[str] | None = None, status: int = 200) -> Response:
    current = hr_settings.get_settings(db.uow(), actor)
    return render(request, "hr/settings.html", {
        "form": form or current.__dict__, "errors": errors or {}, "general": general or [],
        "can_edit": can(actor, "hr.edit"), "done": request.query_params.get("done")}, status_code=status)


@router.get("")
def show(request: Request, db: DbDep, actor: ActorDep) -> Response:
    return _page(request, db, actor)


def _int(raw: str) -> int | str:
    return int(raw) if raw.lstrip("-").isdigit() else raw


@router.post("")
async def save(request: Request, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)
    form: dict[str, object] = {
        "week_start": _int(text(data, "week_start")),
        "legal_holiday_weekday": _int(text(data, "legal_holiday_weekday")),
        "hourly_max_days": _int(text(data, "hourly_max_days")),
        **{k: text(data, k) == "1" for k in ("half_day", "hourly", "newest_first")}}
    try:
        hr_settings.update_settings(db.uow(), actor, **form)
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        return _page(request, db, actor, form, errors, general, exc.status)
    return RedirectResponse("/hr/settings?done=settings", status_code=303)
