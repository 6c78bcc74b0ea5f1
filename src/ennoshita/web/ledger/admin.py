"""経理 settings and period work: 勘定科目, 補助科目, 部門, 月次締め, 定期仕訳, 決算 and the 残高チェック.

Accounts are added, renamed and deactivated, never deleted (their postings keep them). Every change goes
through one ledger service; the screens only read the form and show what the service says.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ennoshita.actor import Actor
from ennoshita.audit import checkpoints
from ennoshita.db import Database
from ennoshita.errors import DomainError, Invalid, Problem
from ennoshita.identity import can, require
from ennoshita.ledger import chart, queries, queries_ui, services
from ennoshita.ledger.taxes import TAGGED_LIST
from ennoshita.sales import receivables
from ennoshita.web.deps import ActorDep, DbDep
from ennoshita.web.forms import field_errors, form_data, parse_date, parse_id, tax_names, translator
from ennoshita.web.ledger.common import calendar, viewer
from ennoshita.web.ledger.entries import (
    EntryForm,
    entry_grid_context,
    load_choices,
    read_form,
    to_draft,
    unplaced,
)
from ennoshita.web.render import render

router = APIRouter(prefix="/ledger")


def _errors(exc: DomainError, actor: Actor) -> tuple[dict[str, str], list[str]]:
    return field_errors(exc, translator(actor))


# ---------------------------------------------------------------- 勘定科目


def _accounts_page(request: Request, db: Database, actor: Actor, status: int = 200, **extra: Any) -> Response:
    viewer(actor)
    with db.uow() as uow:
        accounts = queries_ui.account_choices(uow.session, include_inactive=True, lang=actor.language)
    ctx: dict[str, Any] = {
        "accounts": accounts, "sections": list(chart.SECTION_CATEGORY), "section_category": chart.SECTION_CATEGORY,
        "statement_group": chart.subsection,
        "taxes": [(c.code, c.name_ja if actor.language == "ja" else c.name_en) for c in TAGGED_LIST],
        "tax_names": tax_names(actor.language), "can_edit": can(actor, "ledger.edit"), "form": {},
        "errors": {}, "general": [], "done": request.query_params.get("done"),
        "edit_id": parse_id(request.query_params.get("edit"))}
    ctx.update(extra)
    return render(request, "ledger/accounts.html", ctx, status_code=status)


@router.get("/accounts")
def accounts(request: Request, db: DbDep, actor: ActorDep) -> Response:
    return _accounts_page(request, db, actor)


@router.post("/accounts")
async def account_add(request: Request, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)
    form = {k: str(data.get(k, "")).strip()
            for k in ("code", "name", "name_kana", "name_en", "section", "default_tax_category")}
    cmd = services.AccountInput(code=form["code"], name=form["name"],
                                category=chart.SECTION_CATEGORY.get(form["section"], ""), section=form["section"],
                                name_kana=form["name_kana"], default_tax_category=form["default_tax_category"] or None,
                                name_en=form["name_en"])
    try:
        services.add_account(db.uow(), actor, cmd)
    except DomainError as exc:
        if exc.status == 403:
            raise
        errors, general = _errors(exc, actor)
        return _accounts_page(request, db, actor, exc.status, form=form, errors=errors, general=general)
    return RedirectResponse("/ledger/accounts?done=added", status_code=303)


@router.post("/accounts/{account_id}/rename")
async def account_rename(request: Request, account_id: int, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)
    try:
        services.rename_account(db.uow(), actor, account_id, str(data.get("name", "")).strip(),
                                str(data.get("name_kana", "")).strip(), str(data.get("name_en", "")).strip())
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        errors, general = _errors(exc, actor)
        return _accounts_page(request, db, actor, exc.status, general=general + list(errors.values()),
                              edit_id=account_id)
    return RedirectResponse("/ledger/accounts?done=renamed", status_code=303)


@router.post("/accounts/{account_id}/active")
async def account_active(request: Request, account_id: int, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)
    active = str(data.get("active", "")) == "1"
    services.set_account_active(db.uow(), actor, account_id, active)
    return RedirectResponse(f"/ledger/accounts?done={'reactivated' if active else 'deactivated'}", status_code=303)


# ---------------------------------------------------------------- 補助科目 and 部門


def _subs_page(request: Request, db: Database, actor: Actor, status: int = 200, **extra: Any) -> Response:
    viewer(actor)
    with db.uow() as uow:
        subs = queries_ui.sub_accounts(uow.session, lang=actor.language)
        accounts = queries_ui.account_choices(uow.session, lang=actor.language)
        deps = queries_ui.departments(uow.session)
    ctx: dict[str, Any] = {"subs": subs, "accounts": accounts, "departments": deps,
                           "can_edit": can(actor, "ledger.edit"), "form": {}, "dep_form": {}, "errors": {},
                           "dep_errors": {}, "general": [], "done": request.query_params.get("done")}
    ctx.update(extra)
    return render(request, "ledger/sub_accounts.html", ctx, status_code=status)


@router.get("/sub-accounts")
def sub_accounts(request: Request, db: DbDep, actor: ActorDep) -> Response:
    return _subs_page(request, db, actor)


@router.post("/sub-accounts")
async def sub_account_add(request: Request, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)
    form = {k: str(data.get(k, "")).strip() for k in ("account", "code", "name", "name_kana")}
    try:
        if not form["account"]:
            raise Invalid("error.required", field="account")
        services.add_sub_account(db.uow(), actor, form["account"], form["code"], form["name"], form["name_kana"])
    except DomainError as exc:
        if exc.status == 403:
            raise
        errors, general = _errors(exc, actor)
        return _subs_page(request, db, actor, exc.status, form=form, errors=errors, general=general)
    return RedirectResponse("/ledger/sub-accounts?done=sub", status_code=303)


@router.get("/departments")
def departments_page() -> Response:
    return RedirectResponse("/ledger/sub-accounts#departments", status_code=303)


@router.post("/departments")
async def department_add(request: Request, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)
    form = {k: str(data.get(k, "")).strip() for k in ("code", "name")}
    try:
        services.add_department(db.uow(), actor, form["code"], form["name"])
    except DomainError as exc:
        if exc.status == 403:
            raise
        errors, general = _errors(exc, actor)
        return _subs_page(request, db, actor, exc.status, dep_form=form, dep_errors=errors, general=general)
    return RedirectResponse("/ledger/sub-accounts?done=department#departments", status_code=303)


# ---------------------------------------------------------------- 月次締め


def _periods_page(request: Request, db: Database, actor: Actor, year: int | None = None, status: int = 200,
                  **extra: Any) -> Response:
    viewer(actor)
    cal = calendar(db)
    year = year or parse_id(request.query_params.get("fiscal_year")) or cal.fiscal_year
    start, end = cal.bounds(year)
    with db.uow() as uow:
        months = queries_ui.month_locks(uow.session, start)
        years = sorted({y.year for y in queries_ui.fiscal_years(uow.session)} | {cal.fiscal_year}, reverse=True)
        closed = {y.year for y in queries_ui.fiscal_years(uow.session) if y.closed}
        anchor = checkpoints.latest(uow.session) if request.query_params.get("done") == "locked" else None
    ctx: dict[str, Any] = {"anchor": anchor,
                           "months": months, "fiscal_year": year, "years": years, "start": start, "end": end,
                           "year_closed": year in closed, "can_edit": can(actor, "ledger.edit"), "general": [],
                           "done": request.query_params.get("done"), "month": request.query_params.get("month")}
    ctx.update(extra)
    return render(request, "ledger/periods.html", ctx, status_code=status)


@router.get("/periods")
def periods(request: Request, db: DbDep, actor: ActorDep) -> Response:
    return _periods_page(request, db, actor)


@router.post("/periods/{action}")
async def period_change(request: Request, action: str, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)
    month = str(data.get("month", ""))
    year = parse_id(data.get("fiscal_year"))
    try:
        if action == "lock":
            services.lock_month(db.uow(), actor, month)
        elif action == "unlock":
            services.unlock_month(db.uow(), actor, month, str(data.get("reason", "")).strip())
        else:
            raise Invalid("error.invalid", field="action")
    except DomainError as exc:
        if exc.status == 403:
            raise
        errors, general = _errors(exc, actor)
        return _periods_page(request, db, actor, year, exc.status, general=general + list(errors.values()))
    return RedirectResponse(f"/ledger/periods?fiscal_year={year or ''}&done={action}ed&month={month}",
                            status_code=303)


# ---------------------------------------------------------------- 定期仕訳


def _recurring_page(request: Request, db: Database, actor: Actor, status: int = 200, **extra: Any) -> Response:
    viewer(actor)
    cal = calendar(db)
    with db.uow() as uow:
        rows = queries_ui.recurring_entries(uow.session)
        due = queries_ui.recurring_due(uow.session, cal.today)
        accounts = queries_ui.account_choices(uow.session, True, actor.language)
        # a recurring line names its account by code or, as the books' own name, by name (the demo's rent)
        names = {a.name_ja: a.name for a in accounts} | {a.code: a.name for a in accounts}
    choices = load_choices(db, actor.language)
    ctx: dict[str, Any] = {
        "rows": rows, "due": due, "today": cal.today, "account_names": names, "can_edit": can(actor, "ledger.edit"),
        "form": EntryForm(entry_date=cal.today.isoformat()), "rec": {"every_months": "1", "day_of_month": "25"},
        "errors": {}, "general": [], "done": request.query_params.get("done"),
        "posted": parse_id(request.query_params.get("posted"))}
    form = extra.pop("form", ctx["form"])
    errors = dict(extra.pop("errors", {}))
    general = list(extra.pop("general", []))
    unplaced(errors, general, form, {"entry_date", "description", "counterparty", "name", "every_months",
                                     "day_of_month", "end_date"})
    ctx.update(entry_grid_context(actor, choices, form))
    ctx.update(errors=errors, general=general)
    ctx.update(extra)
    return render(request, "ledger/recurring.html", ctx, status_code=status)


@router.get("/recurring")
def recurring(request: Request, db: DbDep, actor: ActorDep) -> Response:
    return _recurring_page(request, db, actor)


@router.post("/recurring")
async def recurring_add(request: Request, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)
    rec = {k: str(data.get(k, "")).strip() for k in ("name", "every_months", "day_of_month", "end_date")}
    form = read_form(data)
    choices = load_choices(db, actor.language)
    draft, problems = to_draft(form, choices)
    every, day = parse_id(rec["every_months"]), parse_id(rec["day_of_month"])
    end = parse_date(rec["end_date"])
    if every is None:
        problems.append(Problem("ledger.error.every_months", "every_months"))
    if day is None:
        problems.append(Problem("ledger.error.day_of_month", "day_of_month"))
    if rec["end_date"] and end is None:
        problems.append(Problem("ledger_ui.error.date", "end_date"))
    try:
        if problems or draft is None or every is None or day is None:
            raise Invalid(problems=problems)
        services.add_recurring(db.uow(), actor, services.RecurringInput(
            name=rec["name"], description=draft.description, counterparty=draft.counterparty, every_months=every,
            day_of_month=day, start_date=draft.date, end_date=end, lines=draft.lines))
    except DomainError as exc:
        if exc.status == 403:
            raise
        errors, general = _errors(exc, actor)
        return _recurring_page(request, db, actor, exc.status, form=form, rec=rec, errors=errors, general=general)
    return RedirectResponse("/ledger/recurring?done=added", status_code=303)


@router.post("/recurring/run")
async def recurring_run(request: Request, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)
    until = parse_date(data.get("until")) or calendar(db).today
    try:
        posted = services.run_recurring(db.uow(), actor, until)
    except DomainError as exc:
        if exc.status == 403:
            raise
        errors, general = _errors(exc, actor)
        return _recurring_page(request, db, actor, exc.status, general=general + list(errors.values()))
    return RedirectResponse(f"/ledger/recurring?done=run&posted={len(posted)}", status_code=303)


# ---------------------------------------------------------------- 決算 and 残高チェック


def _closing_page(request: Request, db: Database, actor: Actor, status: int = 200, **extra: Any) -> Response:
    viewer(actor)
    cal = calendar(db)
    with db.uow() as uow:
        years = {y.year: y for y in queries_ui.fiscal_years(uow.session)}
        rows = []
        for year in sorted(set(years) | {cal.fiscal_year}, reverse=True):
            start, end = cal.bounds(year)
            net = queries.income_statement(uow.session, start, end).figures.get("net_income", 0)
            info = years.get(year)
            rows.append({"year": year, "start": start, "end": end, "closed": bool(info and info.closed),
                         "closed_at": info.closed_at if info else None,
                         "closing_entry_id": info.closing_entry_id if info else None, "net_income": net,
                         "ended": end < cal.today})
    ctx: dict[str, Any] = {"rows": rows, "can_edit": can(actor, "ledger.edit"), "general": [],
                           "closed": parse_id(request.query_params.get("closed")),
                           "net": parse_id(request.query_params.get("net"))}
    ctx.update(extra)
    return render(request, "ledger/closing.html", ctx, status_code=status)


@router.get("/closing")
def closing(request: Request, db: DbDep, actor: ActorDep) -> Response:
    return _closing_page(request, db, actor)


@router.post("/closing")
async def close_year(request: Request, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)
    year = parse_id(data.get("fiscal_year"))
    try:
        if year is None:
            raise Invalid("error.required", field="fiscal_year")
        result = services.close_year(db.uow(), actor, year)
    except DomainError as exc:
        if exc.status == 403:
            raise
        errors, general = _errors(exc, actor)
        return _closing_page(request, db, actor, exc.status, general=general + list(errors.values()))
    return RedirectResponse(f"/ledger/closing?closed={result.fiscal_year}&net={result.net_income}", status_code=303)


@router.get("/check")
def check(request: Request, db: DbDep, actor: ActorDep) -> Response:
    require(actor, "ledger.view")
    diffs = None
    if request.query_params.get("run"):
        with db.uow() as uow:
            diffs = queries.check_balances(uow.session)
            names = {a.id: a.label for a in queries_ui.account_choices(uow.session, True, actor.language)}
    else:
        names = {}
    # 売掛金台帳 = 売掛金 in the ledger (the sales domain's check), for whoever may see the receivables
    ar = receivables.ar_check(db.uow(), actor) if can(actor, "sales.view") else None
    return render(request, "ledger/check.html", {"diffs": diffs, "names": names, "ar": ar})
