"""売掛金年齢表, 延滞一覧 and 消込取消 screens over ``ennoshita.sales.aging`` and ``receivables.unmatch``.

Both lists take an as-of date (基準日, default today) and a customer, page in SQL, and download as CSV, Excel,
PDF or JSON (``?format=``) from the same :class:`ennoshita.tabular.Table` (every page). The 取消 button is on
the matched deposits of the 入金消込 screen (``ennoshita.web.sales.billing``), which this module's POST answers.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ennoshita.dates import today_tokyo
from ennoshita.errors import DomainError, Invalid
from ennoshita.i18n import Translator
from ennoshita.identity.roles import can
from ennoshita.partners import services as partners
from ennoshita.sales import aging, customer_credit, receivables
from ennoshita.sales import settings as sales_settings
from ennoshita.sales.queries import PageRequest
from ennoshita.tabular import Table, columns
from ennoshita.web import nav
from ennoshita.web.deps import ActorDep, DbDep
from ennoshita.web.exports import download, format_links, wants_file
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
from ennoshita.web.sales.billing import _receipts_page
from ennoshita.web.sales.partners import PER_PAGE

router = APIRouter(prefix="/sales")

nav.register(nav.NavItem("sales_admin", "nav.sales.aging", "/sales/aging", "sales.view", 85))
nav.register(nav.NavItem("sales_admin", "nav.sales.overdue", "/sales/overdue", "sales.view", 86))

EXPORT_ROWS = 100_000


def _filters(request: Request) -> tuple[dt.date, int | None, bool]:
    """(as-of date, customer, whether the typed date was unreadable)."""
    typed = request.query_params.get("as_of", "")
    as_of = parse_date(typed)
    return as_of or today_tokyo(), parse_id(request.query_params.get("partner")), bool(typed) and as_of is None


def _bucket_labels(t: Translator) -> dict[str, str]:
    return {k: t(f"sales_ui.aging.{k}") for k in aging.BUCKET_KEYS}


# ---------------------------------------------------------------- 売掛金年齢表


def _aging_table(report: aging.AgingReport, t: Translator) -> Table:
    labels = _bucket_labels(t)
    table = Table(t("nav.sales.aging"), t("sales_ui.aging.as_of_label", date=report.as_of),
                  columns(("code", t("sales_ui.col.code")), ("name", t("sales_ui.col.customer")),
                          *((k, labels[k], "yen") for k in aging.BUCKET_KEYS),
                          ("total", t("sales_ui.aging.total"), "yen")),
                  filename=f"aging-{report.as_of.isoformat()}")
    for r in report.page.rows:
        table.add({"code": r.partner_code, "name": r.partner_name, **r.buckets, "total": r.total})
    table.add({"code": "", "name": t("sales_ui.aging.grand_total"), **report.totals}, emphasis=True)
    return table


@router.get("/aging")
def aging_page(request: Request, db: DbDep, actor: ActorDep) -> Response:
    as_of, partner, bad = _filters(request)
    t = translator(actor)
    fmt = wants_file(request)
    if fmt:
        full = aging.aging(db.uow(), actor, as_of, PageRequest(1, EXPORT_ROWS), partner)
        return download(_aging_table(full, t), fmt)
    report = aging.aging(db.uow(), actor, as_of, PageRequest(page_no(request), PER_PAGE), partner)
    return render(request, "sales/aging.html", {
        "report": report, "page": Page.of(report.page), "as_of": as_of, "partner": partner, "bad_date": bad,
        "customers": aging.customers_with_open_ar(db.uow(), actor), "keys": aging.BUCKET_KEYS,
        "labels": _bucket_labels(t), "query": query_without_page(request), "downloads": format_links(request)})


# ---------------------------------------------------------------- 延滞一覧


def _overdue_table(found: aging.OverdueList, t: Translator) -> Table:
    labels = _bucket_labels(t)
    table = Table(t("nav.sales.overdue"), t("sales_ui.aging.as_of_label", date=found.as_of),
                  columns(("number", t("sales_ui.aging.invoice_number")), ("customer", t("sales_ui.col.customer")),
                          ("due_date", t("sales_ui.col.due_date"), "date"),
                          ("days", t("sales_ui.aging.days_overdue"), "int"), ("bucket", t("sales_ui.aging.bucket")),
                          ("open", t("sales_ui.aging.open_amount"), "yen")),
                  filename=f"overdue-{found.as_of.isoformat()}")
    for r in found.page.rows:
        table.add({"number": r.number, "customer": r.partner_name, "due_date": r.due_date, "days": r.days_overdue,
                   "bucket": labels[r.bucket], "open": r.open_amount})
    table.add({"number": t("sales_ui.aging.grand_total"), "open": found.total_open}, emphasis=True)
    return table


@router.get("/overdue")
def overdue_page(request: Request, db: DbDep, actor: ActorDep) -> Response:
    as_of, partner, bad = _filters(request)
    t = translator(actor)
    fmt = wants_file(request)
    if fmt:
        full = aging.overdue(db.uow(), actor, as_of, PageRequest(1, EXPORT_ROWS), partner)
        return download(_overdue_table(full, t), fmt)
    found = aging.overdue(db.uow(), actor, as_of, PageRequest(page_no(request), PER_PAGE), partner)
    return render(request, "sales/overdue.html", {
        "found": found, "page": Page.of(found.page), "as_of": as_of, "partner": partner, "bad_date": bad,
        "customers": aging.customers_with_open_ar(db.uow(), actor), "labels": _bucket_labels(t),
        "query": query_without_page(request), "downloads": format_links(request)})


# ---------------------------------------------------------------- 消込取消


@router.post("/receipts/{deposit_id}/unmatch")
async def receipts_unmatch(deposit_id: int, request: Request, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)
    try:
        reason = text(data, "reason")
        if not reason:
            raise Invalid("sales.error.unmatch_reason", field="reason")
        receivables.unmatch(db.uow(), actor, deposit_id, reason)
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        return _receipts_page(request, db, actor, exc.status, general=general + list(errors.values()))
    return RedirectResponse("/sales/receipts?done=unmatched&count=1", status_code=303)


# ---------------------------------------------------------------- 手動消込 / 振替 (仮受金) / 預り残高 / 設定

BOOK_ACCOUNTS = (receivables.CODE_SUSPENSE_RECEIPTS, customer_credit.CODE_ADVANCES, "7130")  # 仮受金, 前受金, 雑収入


def _manual_page(request: Request, db: DbDep, actor: ActorDep, deposit_id: int, status: int = 200,
                 general: list[str] | None = None, typed: dict[str, str] | None = None) -> Response:
    """``typed``: the refused form as typed (its customer, 消込額, 手数料, 預り残高), shown again as it was."""
    deposit = receivables.deposit_of(db.uow(), actor, deposit_id)
    q = request.query_params.get("q", "")
    partner_id = parse_id((typed or {}).get("partner_id") or request.query_params.get("partner"))
    found = partners.search_partners(db.uow(), actor, q, role="customer", per_page=30).rows if q else ()
    chosen = partners.get_partner(db.uow(), actor, partner_id) if partner_id else None
    invoices = receivables.open_invoices_of(db.uow(), actor, partner_id) if partner_id else []
    suggested, rest = receivables.suggest_allocations(deposit.amount, invoices)
    return render(request, "sales/receipt_manual.html", {
        "deposit": deposit, "q": q, "found": found, "chosen": chosen, "invoices": invoices,
        "suggested": suggested, "rest": rest, "general": general or [], "accounts": BOOK_ACCOUNTS, "typed": typed,
        "can_edit": can(actor, "sales.edit")}, status_code=status)


@router.get("/receipts/{deposit_id}/manual")
def receipts_manual(deposit_id: int, request: Request, db: DbDep, actor: ActorDep) -> Response:
    """A deposit matched by hand: choose the customer, then what it pays on each open invoice; or book it."""
    return _manual_page(request, db, actor, deposit_id)


@router.post("/receipts/{deposit_id}/manual")
async def receipts_manual_confirm(deposit_id: int, request: Request, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)
    try:
        partner_id = parse_id(text(data, "partner_id"))
        allocations: list[tuple[int, int]] = []
        for key, value in data.items():
            if key.startswith("alloc_"):
                inv_id, amount = parse_id(key[6:]), parse_int(value)
                if inv_id is None or (amount is None and str(value).strip()):
                    raise Invalid("error.invalid", field=key)
                if amount:
                    allocations.append((inv_id, amount))
        fee = parse_int(text(data, "fee")) or 0
        to_credit = parse_int(text(data, "to_credit")) or 0
        if partner_id is None:
            raise Invalid("sales.error.customer_required", field="partner_id", id="")
        receivables.confirm_matches(db.uow(), actor, [receivables.MatchInput(
            deposit_id, tuple(allocations), fee, to_credit, partner_id)])
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        typed = {k: text(data, k) for k in data if k in ("partner_id", "fee", "to_credit") or k.startswith("alloc_")}
        return _manual_page(request, db, actor, deposit_id, exc.status, general + list(errors.values()), typed)
    return RedirectResponse("/sales/receipts?done=confirmed&count=1", status_code=303)


@router.post("/receipts/{deposit_id}/book")
async def receipts_book(deposit_id: int, request: Request, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)
    try:
        account = text(data, "account") or receivables.CODE_SUSPENSE_RECEIPTS
        if account not in BOOK_ACCOUNTS:
            raise Invalid("error.invalid", field="account")
        receivables.book_deposit(db.uow(), actor, deposit_id, text(data, "memo"), account)
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        return _manual_page(request, db, actor, deposit_id, exc.status, general + list(errors.values()))
    return RedirectResponse("/sales/receipts?done=booked&count=1", status_code=303)


@router.post("/receipts/settings")
async def receipts_settings(request: Request, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)
    recognition = text(data, "revenue_recognition") or None
    try:
        sales_settings.update_settings(db.uow(), actor, text(data, "fee_treatment") or None, recognition)
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        return _receipts_page(request, db, actor, exc.status, general=general + list(errors.values()))
    back = "/sales/billing" if recognition else "/sales/receipts"
    return RedirectResponse(f"{back}?done=settings", status_code=303)


nav.register(nav.NavItem("sales_admin", "nav.sales.credits", "/sales/credits", "sales.view", 87))


def _credits_page(request: Request, db: DbDep, actor: ActorDep, status: int = 200,
                  general: list[str] | None = None) -> Response:
    partner_id = parse_id(request.query_params.get("partner"))
    detail = customer_credit.credit_of(db.uow(), actor, partner_id) if partner_id else None
    return render(request, "sales/credits.html", {
        "rows": customer_credit.credit_list(db.uow(), actor), "detail": detail, "partner": partner_id,
        "general": general or [], "today": today_tokyo().isoformat(), "can_edit": can(actor, "sales.edit"),
        "done": request.query_params.get("done")}, status_code=status)


@router.get("/credits")
def credits_page(request: Request, db: DbDep, actor: ActorDep) -> Response:
    """預り残高: customers the company owes (credit notes after payment, overpayments), refunds."""
    return _credits_page(request, db, actor)


@router.post("/credits/{partner_id}/refund")
async def credits_refund(partner_id: int, request: Request, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)
    try:
        amount = parse_int(text(data, "amount"))
        day = parse_date(text(data, "date"))
        if amount is None:
            raise Invalid("error.invalid", field="amount")
        if day is None:
            raise Invalid("sales_ui.error.date", field="date")
        customer_credit.refund_credit(db.uow(), actor, partner_id, amount, day, text(data, "memo"))
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        return _credits_page(request, db, actor, exc.status, general + list(errors.values()))
    return RedirectResponse(f"/sales/credits?partner={partner_id}&done=refunded", status_code=303)


@router.post("/credits/{partner_id}/apply")
async def credits_apply(partner_id: int, request: Request, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)
    try:
        day = parse_date(text(data, "date"))
        if day is None:
            raise Invalid("sales_ui.error.date", field="date")
        customer_credit.apply_credit(db.uow(), actor, partner_id, day)
    except DomainError as exc:
        errors, general = errors_of(exc, actor)
        return _credits_page(request, db, actor, exc.status, general + list(errors.values()))
    return RedirectResponse(f"/sales/credits?partner={partner_id}&done=applied", status_code=303)
