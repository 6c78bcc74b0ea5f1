"""営業事務 screens: what the sales screens share (navigation, paging, line grids, PDF downloads) and the
取引先 / 品目 registers.

The screens are thin adapters over ``ennoshita.sales``: every change goes through a service, which checks
the capability (sales.view / sales.edit); the routes read the form and show what the service says. The
document screens are in ``ennoshita.web.sales.orders`` (見積書, 受注, 納品) and ``ennoshita.web.sales.billing`` (請求書,
締め請求, 入金消込); their list and detail reads are ``ennoshita.sales.queries`` and ``queries_docs``.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, fields
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from ennoshita import exports
from ennoshita.actor import Actor
from ennoshita.db import Database
from ennoshita.errors import DomainError, Invalid, Problem
from ennoshita.identity import can, require
from ennoshita.kernel.lines import LineInput, priced_as_discount
from ennoshita.partners import services as partners
from ennoshita.sales import partner_import
from ennoshita.security import uploads
from ennoshita.web import nav
from ennoshita.web.deps import ActorDep, DbDep
from ennoshita.web.exports import csv_response, export_links, wants_export
from ennoshita.web.forms import (
    Page,
    errors_of,
    form_data,
    page_no,
    parse_date,
    parse_id,
    parse_int,
    query_without_page,
    text,
    translator,
)
from ennoshita.web.render import render

router = APIRouter(prefix="/sales")

for _order, (_key, _href, _cap) in enumerate((
    ("nav.sales.partners", "/sales/partners", "sales.view"),
    ("nav.sales.items", "/sales/items", "sales.view"),
    ("nav.sales.quotes", "/sales/quotes", "sales.view"),
    ("nav.sales.orders", "/sales/orders", "sales.view"),
    ("nav.sales.deliveries", "/sales/deliveries", "sales.view"),
    ("nav.sales.invoices", "/sales/invoices", "sales.view"),
    ("nav.sales.billing", "/sales/billing", "sales.view"),
    ("nav.sales.receipts", "/sales/receipts", "sales.view"),
), start=1):
    nav.register(nav.NavItem("sales_admin", _key, _href, _cap, _order * 10))

PER_PAGE = 50
CLOSING_DAYS = (5, 10, 15, 20, 25, 31, 0)
RATES = ("10", "8", "0")
GRID_ROWS = 5


# ---------------------------------------------------------------- shared helpers


def viewer(actor: Actor) -> None:
    require(actor, "sales.view")


@dataclass
class GridRow:
    item_code: str = ""
    description: str = ""
    quantity: str = ""
    unit: str = ""
    unit_price: str = ""
    tax_rate: str = ""  # empty: the item's rate (10% for free text lines)
    price_includes_tax: str = ""  # invoice grid: "1" 税込 / "0" 税抜 / empty: as the document's price entry
    tax_kind: str = ""  # a 0% line: export 免税 / exempt 非課税 / out_of_scope 不課税 (issue 11 item 5)
    line_date: str = ""  # invoice grid: 取引年月日 (issue 11 item 4); empty: the issue date
    tax_purpose: str = ""  # purchase order grid: 用途区分 (taxable / non_taxable / common); empty: the default
    business_type: str = ""  # invoice grid under 簡易課税: 事業区分 1..6; empty: the company's simplified_type


GRID_FIELDS = tuple(f.name for f in fields(GridRow))
ENTRY_OF_GRID: dict[str, bool] = {"1": True, "0": False}


def grid_entry(price_includes_tax: bool | None) -> str:
    """The grid's value of a stored line's 税込/税抜 flag (the inverse of ``ENTRY_OF_GRID``)."""
    return "" if price_includes_tax is None else ("1" if price_includes_tax else "0")


def read_grid(data: dict[str, Any]) -> list[GridRow]:
    """The rows of a line grid as typed (``lines[i].field``), in order."""
    indexes = sorted({int(k[6:k.index("]")]) for k in data if k.startswith("lines[") and "]" in k
                      and k[6:k.index("]")].isdigit()})
    return [GridRow(**{f: text(data, f"lines[{i}].{f}") for f in GRID_FIELDS}) for i in indexes]


def grid_lines(rows: list[GridRow], problems: list[Problem] | None = None
               ) -> tuple[tuple[LineInput, ...], list[int]]:
    """The non-empty rows as service input, and the row index of each (to put errors back on the grid). A
    negative unit price is a 値引 line (出精値引 -1,200): the grid has no other way to say so. A
    取引年月日 that is not a date is added to ``problems`` (refused at once when none is given)."""
    lines: list[LineInput] = []
    where: list[int] = []
    bad: list[Problem] = []
    for i, r in enumerate(rows):
        if not (r.item_code or r.description or r.unit_price):
            continue
        day = parse_date(r.line_date) if r.line_date else None
        if r.line_date and day is None:
            bad.append(Problem("sales_ui.error.date", f"lines[{len(lines)}].line_date"))
        lines.append(LineInput(description=r.description, quantity=r.quantity or "1", unit_price=r.unit_price,
                               tax_rate=r.tax_rate, unit=r.unit, item_code=r.item_code,
                               is_discount=priced_as_discount(r.unit_price),
                               price_includes_tax=ENTRY_OF_GRID.get(r.price_includes_tax), line_date=day,
                               tax_kind=r.tax_kind, tax_purpose=r.tax_purpose,
                               business_type=_business_type(r.business_type, len(lines), bad)))
        where.append(i)
    if bad and problems is None:
        raise Invalid(problems=bad)
    if problems is not None:
        problems.extend(bad)
    return tuple(lines), where


def _business_type(value: str, index: int, bad: list[Problem]) -> int | None:
    if not value:
        return None
    if not value.isdigit():
        bad.append(Problem("sales.error.business_type", f"lines[{index}].business_type", {"value": value}))
        return None
    return int(value)


def grid_errors(errors: dict[str, str], where: list[int]) -> dict[str, str]:
    """Move ``lines[k].x`` (k counted over the non-empty rows) to the grid row it came from."""
    out: dict[str, str] = {}
    for key, message in errors.items():
        if key.startswith("lines[") and "]" in key and key[6:key.index("]")].isdigit():
            k = int(key[6:key.index("]")])
            if k < len(where):
                key = f"lines[{where[k]}]{key[key.index(']') + 1:]}"
        out[key] = message
    return out


def pad_grid(rows: list[GridRow], extra: int = 2) -> list[GridRow]:
    return rows + [GridRow() for _ in range(max(GRID_ROWS - len(rows), extra))]


def customer_choices(db: Database, actor: Actor) -> list[tuple[int, str]]:
    found = partners.search_partners(db.uow(), actor, role="customer", per_page=200)
    return [(p.id, f"{p.code} {p.name}") for p in found.rows]


def item_choices(db: Database, actor: Actor) -> list[partners.ItemSummary]:
    rows, _total = partners.list_items(db.uow(), actor, per_page=200, active_only=True)
    return list(rows)


# ---------------------------------------------------------------- 取引先


@router.get("")
def sales_home(actor: ActorDep) -> Response:
    viewer(actor)
    return RedirectResponse("/sales/quotes", status_code=303)


@router.get("/partners")
def partner_list(request: Request, db: DbDep, actor: ActorDep) -> Response:
    q = request.query_params
    role = q.get("role", "") if q.get("role") in ("customer", "supplier") else ""
    encoding = wants_export(request)
    if encoding:
        return _partner_export(db, actor, q.get("q", ""), role, None if q.get("inactive") else True, encoding)
    found = partners.search_partners(db.uow(), actor, text=q.get("q", ""), role=role,
                                     active=None if q.get("inactive") else True, page=page_no(request),
                                     per_page=PER_PAGE)
    page = Page(list(found.rows), found.total, found.page, found.per_page)
    return render(request, "sales/partners.html", {
        "page": page, "q": q, "query": query_without_page(request), "can_edit": can(actor, "sales.edit"),
        "done": q.get("done"), "export_links": export_links(request)})


@router.get("/partners/import")
def partner_import_form(request: Request, actor: ActorDep) -> Response:
    require(actor, "sales.edit")
    return render(request, "sales/partner_import.html", {"problems": [], "count": None})


@router.post("/partners/import")
async def partner_import_save(request: Request, db: DbDep, actor: ActorDep) -> Response:
    """取引先の一括登録 on screen: the CLI's import (all or nothing), every bad row listed with its line."""
    require(actor, "sales.edit")
    form = await uploads.read_form(request)  # capped (413), spooled and parsed off the event loop
    upload = form.get("file")
    t = translator(actor)
    try:
        if not isinstance(upload, UploadFile):
            raise Invalid("sales_ui.error.no_file", field="file")
        content = await upload.read()
        if not content:
            raise Invalid("sales_ui.error.no_file", field="file")
        count = await run_in_threadpool(partner_import.import_partners, db.uow(), actor, content,
                                        uploads.rows_allowed(request, "partners"))
    except DomainError as exc:
        if exc.status == 403:
            raise
        if not any(p.line is not None for p in exc.problems):  # the file's own error (none given, its bytes
            general = [t(p.key, **p.params) for p in exc.problems] or [t(exc.key, **exc.params)]  # unreadable)
            return render(request, "sales/partner_import.html", {"problems": [], "general": general,
                                                                  "count": None}, status_code=exc.status)
        problems = [
            (t("error.line_prefix", line=p.line) if p.line is not None else "")
            + (f"{t.field(p.field) or p.field}: " if p.field and p.field != "file" else "") + t(p.key, **p.params)
            for p in exc.problems]
        return render(request, "sales/partner_import.html", {"problems": problems, "count": None},
                      status_code=exc.status)
    return render(request, "sales/partner_import.html", {"problems": [], "count": count})


def _partner_export(db: Database, actor: Actor, text_: str, role: str, active: bool | None, encoding: str
                    ) -> Response:
    """The partners the filter finds, in exactly the columns of 取引先の一括登録 (headed in the user's language), so
    that the file, edited in Excel, imports again as it was (:mod:`ennoshita.sales.partner_import`)."""
    require(actor, "sales.view")

    def cell(name: str) -> exports.ExportColumn:
        return exports.ExportColumn(partner_import.column_label(actor.language, name), lambda p: getattr(p, name))

    columns = [cell(name) for name in partner_import.COLUMNS]
    return csv_response(db, "partners", columns,
                        lambda s: partners.export_partners(s, actor, text_, role, active), encoding)


from ennoshita.withholding.rules import CATEGORIES as WITHHOLDING_CATEGORIES  # noqa: E402 - purchasing's block

PARTNER_INTS = {"closing_day": 31, "months_after": 1, "pay_day": 31, "credit_limit": 0}
PARTNER_BOOLS = ("is_customer", "is_supplier", "small_subcontractor")


def _partner_form(data: dict[str, Any]) -> dict[str, Any]:
    form: dict[str, Any] = {}
    for f in fields(partners.PartnerInput):
        if f.name in PARTNER_BOOLS:
            form[f.name] = text(data, f.name) in ("1", "on", "true")
        elif f.name == "is_qualified_issuer":  # empty: from the 登録番号; "0": registration lapsed
            raw = text(data, f.name)
            form[f.name] = None if not raw else raw in ("1", "on", "true")
        else:
            form[f.name] = text(data, f.name)
    return form


def _partner_input(form: dict[str, Any]) -> partners.PartnerInput:
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    for name, value in form.items():
        if name in PARTNER_INTS:  # a sign is read, so that the service says why -5 is refused (not 「半角数字で」)
            try:
                number = parse_int(value)
            except ValueError:
                problems.append(Problem("sales_ui.error.integer", name))
                number = None
            values[name] = PARTNER_INTS[name] if number is None else number
        else:
            values[name] = value
    if problems:  # the whole form at once: the other fields' problems beside these
        rest = partners.partner_problems(partners.PartnerInput(**values))
        failed = {p.field for p in problems}
        raise Invalid(problems=problems + [p for p in rest if p.field not in failed])
    return partners.PartnerInput(**values)


def _partner_page(request: Request, actor: Actor, form: dict[str, Any], partner_id: int | None,
                  status: int = 200, errors: dict[str, str] | None = None,
                  general: list[str] | None = None, active: bool = True, saved_name: str = "") -> Response:
    """The partner form; the breadcrumb names the partner as stored (``saved_name``), never what was typed: a
    refused name (300 characters, or empty) is not the partner's name."""
    return render(request, "sales/partner_form.html", {
        "form": form, "partner_id": partner_id, "errors": errors or {}, "general": general or [],
        "saved_name": saved_name,
        "closing_days": CLOSING_DAYS, "can_edit": can(actor, "sales.edit"), "active": active,
        "withholding_categories": tuple(WITHHOLDING_CATEGORIES),
        "limits": partners.partner_limits(),
        "done": request.query_params.get("done")}, status_code=status)


@router.get("/partners/new")
def partner_new(request: Request, actor: ActorDep) -> Response:
    require(actor, "sales.edit")
    form = {f.name: "" if f.default is MISSING else f.default for f in fields(partners.PartnerInput)}
    return _partner_page(request, actor, form, None)


@router.get("/partners/{partner_id}")
def partner_edit(request: Request, partner_id: int, db: DbDep, actor: ActorDep) -> Response:
    p = partners.get_partner(db.uow(), actor, partner_id)
    form = {f.name: getattr(p, f.name) for f in fields(partners.PartnerInput)}
    # only a lapsed registration is kept by hand; otherwise the flag follows the 登録番号
    form["is_qualified_issuer"] = False if (p.registration_number and not p.is_qualified_issuer) else None
    return _partner_page(request, actor, form, partner_id, active=p.active, saved_name=p.name)


@router.post("/partners/{partner_id}/active")
async def partner_active(request: Request, partner_id: int, db: DbDep, actor: ActorDep) -> Response:
    """取引停止 / 取引再開: a partner is never deleted; a stopped one leaves the pickers, its documents stay."""
    active = text(await form_data(request), "active") == "1"
    partners.set_partner_active(db.uow(), actor, partner_id, active)
    return RedirectResponse(f"/sales/partners/{partner_id}?done={'activated' if active else 'deactivated'}",
                            status_code=303)


async def _save_partner(request: Request, db: Database, actor: Actor, partner_id: int | None) -> Response:
    form = _partner_form(await form_data(request))
    try:
        cmd = _partner_input(form)
        if partner_id is None:
            saved = partners.create_partner(db.uow(), actor, cmd)
        else:
            saved = partners.update_partner(db.uow(), actor, partner_id, cmd)
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        saved_name = partners.get_partner(db.uow(), actor, partner_id).name if partner_id else ""
        return _partner_page(request, actor, form, partner_id, exc.status, errors, general, saved_name=saved_name)
    return RedirectResponse(f"/sales/partners?done=saved&q={quote(saved.code)}", status_code=303)


@router.post("/partners/new")
async def partner_create(request: Request, db: DbDep, actor: ActorDep) -> Response:
    return await _save_partner(request, db, actor, None)


@router.post("/partners/{partner_id}")
async def partner_update(request: Request, partner_id: int, db: DbDep, actor: ActorDep) -> Response:
    return await _save_partner(request, db, actor, partner_id)


# ---------------------------------------------------------------- 品目


def _items_page(request: Request, db: Database, actor: Actor, status: int = 200, **extra: Any) -> Response:
    q = request.query_params
    rows, total = partners.list_items(db.uow(), actor, text=q.get("q", ""), page=page_no(request),
                                      per_page=PER_PAGE)
    edit_id = parse_id(q.get("edit"))
    ctx: dict[str, Any] = {
        "page": Page(list(rows), total, page_no(request), PER_PAGE), "q": q, "query": query_without_page(request),
        "can_edit": can(actor, "sales.edit"), "done": q.get("done"), "form": {"unit": "個", "tax_rate": "10"},
        "errors": {}, "general": [], "edit_id": edit_id, "rates": RATES}
    if edit_id:
        for it in rows:
            if it.id == edit_id:
                ctx["form"] = {"code": it.code, "name": it.name, "unit": it.unit, "unit_price": f"{it.unit_price:f}",
                               "tax_rate": it.tax_rate, "active": it.active}
    ctx.update(extra)
    return render(request, "sales/items.html", ctx, status_code=status)


@router.get("/items")
def item_list(request: Request, db: DbDep, actor: ActorDep) -> Response:
    return _items_page(request, db, actor)


@router.post("/items")
async def item_save(request: Request, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)
    form = {k: text(data, k) for k in ("code", "name", "unit", "unit_price", "tax_rate")}
    item_id = parse_id(data.get("item_id"))
    cmd = partners.ItemInput(form["code"], form["name"], form["unit"] or "個", form["unit_price"] or "0",
                             form["tax_rate"])
    try:
        if item_id:
            partners.update_item(db.uow(), actor, item_id, cmd, active=text(data, "active") != "0")
        else:
            partners.create_item(db.uow(), actor, cmd)
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        return _items_page(request, db, actor, exc.status, form=form, errors=errors, general=general,
                           edit_id=item_id)
    return RedirectResponse("/sales/items?done=saved", status_code=303)
