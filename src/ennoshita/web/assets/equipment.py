"""備品 screens: the 棚卸 list of every item with who holds it, adding an item, lending it to an employee (a user,
or a name and number until the HR employee exists) and taking it back."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from ennoshita.assets import equipment
from ennoshita.errors import DomainError, Invalid
from ennoshita.i18n import Translator
from ennoshita.identity import can
from ennoshita.identity.models import User
from ennoshita.web import nav
from ennoshita.web.deps import ActorDep, DbDep
from ennoshita.web.forms import field_errors, request_translator, text_form
from ennoshita.web.render import render

router = APIRouter(prefix="/assets/equipment")

nav.register(nav.NavItem("general_affairs", "nav.equipment", "/assets/equipment", "general_affairs.view", 30))


def _users(db: DbDep, t: Translator) -> list[tuple[int, str]]:
    with db.uow() as uow:
        return [(u.id, f"{u.display_name}{t('text.paren', text=u.department)}" if u.department else u.display_name)
                for u in uow.session.scalars(select(User).where(User.active.is_(True)).order_by(User.id))]


def _page(request: Request, db: DbDep, actor: ActorDep, errors: dict[str, str], general: list[str],
          status: int = 200, form: dict[str, str] | None = None) -> Response:
    items = equipment.inventory(db.uow(), actor, request.query_params.get("status", ""))
    return render(request, "assets/equipment.html", {
        "items": items, "users": _users(db, request_translator(request)), "errors": errors, "general": general,
        "form": form or {},
        "today": dt.date.today().isoformat(), "status": request.query_params.get("status", ""),
        "can_edit": can(actor, "general_affairs.edit")},
        status_code=status)


@router.get("")
def inventory(request: Request, db: DbDep, actor: ActorDep) -> Response:
    return _page(request, db, actor, {}, [])


async def _do(request: Request, db: DbDep, actor: ActorDep, action: str, item_id: int | None = None) -> Response:
    item_ids = [int(str(v)) for v in (await request.form()).getlist("item_id") if str(v).isdigit()]
    form = await text_form(request)
    try:
        if action == "check":
            try:
                day = dt.date.fromisoformat(form.get("day", ""))
            except ValueError:
                raise Invalid("assets_ui.error.date", field="day") from None
            if not item_ids:
                raise Invalid("assets_ui.error.check_none", field="item_id")
            equipment.mark_checked(db.uow(), actor, item_ids, day)
        elif action == "add":
            equipment.add_item(db.uow(), actor, equipment.NewItem(form.get("tag", ""), form.get("name", ""),
                                                                  form.get("kind", "pc"), form.get("serial", ""),
                                                                  location=form.get("location", "")))
        else:
            try:
                day = dt.date.fromisoformat(form.get("day", ""))
            except ValueError:
                raise Invalid("assets_ui.error.date", field="day") from None
            assert item_id is not None
            if action == "lend":
                user_id = int(form["user_id"]) if form.get("user_id") else None
                equipment.lend(db.uow(), actor, equipment.NewLoan(
                    item_id, user_id, form.get("employee_name", ""), form.get("employee_number", ""), day))
            else:
                equipment.return_item(db.uow(), actor, item_id, day, form.get("on_leaving") == "1")
    except DomainError as exc:
        errors, general = field_errors(exc, request_translator(request))
        return _page(request, db, actor, errors, general + list(errors.values()), 422, form)
    return RedirectResponse("/assets/equipment", status_code=303)


@router.post("/new")
async def add(request: Request, db: DbDep, actor: ActorDep) -> Response:
    return await _do(request, db, actor, "add")


@router.post("/check")
async def stocktake(request: Request, db: DbDep, actor: ActorDep) -> Response:
    """棚卸: the items ticked in the list were seen on the day given."""
    return await _do(request, db, actor, "check")


@router.post("/{item_id}/lend")
async def lend(request: Request, item_id: int, db: DbDep, actor: ActorDep) -> Response:
    return await _do(request, db, actor, "lend", item_id)


@router.post("/{item_id}/return")
async def give_back(request: Request, item_id: int, db: DbDep, actor: ActorDep) -> Response:
    return await _do(request, db, actor, "return", item_id)
