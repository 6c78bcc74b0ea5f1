"""経理 reports on screen and as files: 仕訳帳, 総勘定元帳, 残高試算表, 月次推移表, 損益計算書, 貸借対照表,
消費税集計表, and the 消費税申告書 computation (with the 消費税 settings and the settlement entry).

Each screen shows the same :class:`ennoshita.tabular.Table` its CSV, XLSX, PDF and JSON downloads are written
from (``?format=``), so the figures agree. Balances link to the account's 総勘定元帳 for the same range, and
ledger lines link to their entry.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ennoshita.dates import add_months, end_of_month, fiscal_year_of
from ennoshita.errors import Invalid, NotFound
from ennoshita.ledger import queries, queries_ui, reports
from ennoshita.ledger.posting import closed_years
from ennoshita.money import format_yen
from ennoshita.tabular import STREAMED
from ennoshita.web.deps import ActorDep, DbDep
from ennoshita.web.exports import download, format_links, stream_download, wants_file
from ennoshita.web.forms import parse_date, parse_id, purpose_choices, query_without_page, translator
from ennoshita.web.ledger.common import (
    Calendar,
    calendar,
    date_range,
    entry_href,
    gl_href,
    report_view,
    viewer,
)
from ennoshita.web.render import render

router = APIRouter(prefix="/ledger")

JOURNAL_PAGE = 50
GL_PAGE = 100
# Downloads (?format=) cover the whole range, never one page: CSV and JSON stream every row; XLSX and PDF are
# refused above ennoshita.tabular.ROW_LIMITS rows, with a message suggesting CSV or a shorter period.


def _page(request: Request, template: str, **ctx: Any) -> Response:
    ctx.setdefault("downloads", format_links(request))
    ctx.setdefault("q", request.query_params)
    return render(request, template, ctx)


def _fiscal_year_choices(db_years: list[queries_ui.FiscalYearRow], cal: Calendar) -> list[int]:
    return sorted({y.year for y in db_years} | {cal.fiscal_year}, reverse=True)


# ---------------------------------------------------------------- 仕訳帳


@router.get("/journal")
def journal(request: Request, db: DbDep, actor: ActorDep) -> Response:
    viewer(actor)
    cal = calendar(db)
    d1, d2 = date_range(request, cal)
    t = translator(actor)
    if fmt := wants_file(request):  # the whole range, never one page
        if fmt in STREAMED:
            return stream_download(db, fmt, reports.journal_filename(d1, d2),
                                   lambda session: reports.journal_chunks(session, t, d1, d2, fmt))
        with db.uow() as uow:
            return download(reports.journal_file_table(uow.session, t, d1, d2, fmt), fmt)
    page_no = parse_id(request.query_params.get("page")) or 1
    with db.uow() as uow:
        page = queries.journal(uow.session, d1, d2, page=page_no, per_page=JOURNAL_PAGE, lang=actor.language)
    table = reports.journal_table(page, t, d1, d2)

    def link(row: dict[str, Any], key: str) -> str | None:
        return entry_href(row["entry_id"]) if key == "entry_no" and row.get("entry_id") else None

    return _page(request, "ledger/report_journal.html", title_key="nav.ledger.journal", date_from=d1, date_to=d2,
                 view=report_view(table, actor.language, link), page=page, query=query_without_page(request))


# ---------------------------------------------------------------- 総勘定元帳


@router.get("/general-ledger")
def general_ledger(request: Request, db: DbDep, actor: ActorDep) -> Response:
    viewer(actor)
    cal = calendar(db)
    d1, d2 = date_range(request, cal)
    q = request.query_params
    fmt = wants_file(request)
    t = translator(actor)
    with db.uow() as uow:
        accounts = queries_ui.account_choices(uow.session, include_inactive=True, lang=actor.language)
        account = queries_ui.match_account(accounts, q.get("account", ""))
        subs = queries_ui.sub_accounts(uow.session, account.id, actor.language) if account else []
        departments = queries_ui.departments(uow.session)
        sub_id = parse_id(q.get("sub_account"))
        dep_id = parse_id(q.get("department"))
        gl = None
        if account is not None:
            dim = queries.Dimension(sub_account_id=sub_id if any(s.id == sub_id for s in subs) else None,
                                    department_id=dep_id)
            if fmt and fmt not in STREAMED:  # XLSX / PDF: the whole range, or refused above the row limit
                return download(reports.general_ledger_file_table(uow.session, t, account.id, d1, d2,
                                                                  cal.start_month, dim, fmt), fmt)
            if not fmt:
                gl = queries.general_ledger(uow.session, account.id, d1, d2, cal.start_month, dim,
                                            page=parse_id(q.get("page")) or 1, per_page=GL_PAGE,
                                            lang=actor.language)
    if q.get("account") and account is None:
        raise NotFound("ledger.error.unknown_account", field="account", account=q.get("account"))
    if fmt and account is not None:  # CSV / JSON: every line of the range, streamed
        acc_id, start = account.id, cal.start_month
        return stream_download(db, fmt, reports.general_ledger_filename(account.code, d1, d2),
                               lambda session: reports.general_ledger_chunks(session, t, acc_id, d1, d2, start,
                                                                             dim, fmt))
    table = reports.general_ledger_table(gl, t) if gl is not None else None

    def link(row: dict[str, Any], key: str) -> str | None:
        return entry_href(row["entry_id"]) if key in ("entry_no", "entry_date") and row.get("entry_id") else None

    closing = None
    if gl is not None:
        sign = 1 if gl.account.normal_side == "debit" else -1
        closing = gl.opening + sign * (gl.debit_total - gl.credit_total)
    return _page(request, "ledger/report_gl.html", title_key="nav.ledger.general_ledger", date_from=d1,
                 date_to=d2, accounts=accounts, account=account, subs=subs, departments=departments,
                 sub_id=sub_id, dep_id=dep_id, gl=gl, closing=closing,
                 view=report_view(table, actor.language, link) if table is not None else None,
                 query=query_without_page(request),
                 downloads=format_links(request) if gl is not None else [])


# ---------------------------------------------------------------- 残高試算表


@router.get("/trial-balance")
def trial_balance(request: Request, db: DbDep, actor: ActorDep) -> Response:
    viewer(actor)
    cal = calendar(db)
    d1, d2 = date_range(request, cal)
    dep_id = parse_id(request.query_params.get("department"))
    with db.uow() as uow:
        table, tb = reports.trial_balance_table(uow.session, translator(actor), d1, d2, cal.start_month,
                                                queries.Dimension(department_id=dep_id))
        departments = queries_ui.departments(uow.session)
    if fmt := wants_file(request):
        return download(table, fmt)

    def link(row: dict[str, Any], key: str) -> str | None:
        if key in ("opening", "debit", "credit", "closing_debit", "closing_credit", "account_name") \
                and row.get("account_id"):
            return gl_href(row["account_code"], d1, d2, department=dep_id)
        return None

    view = report_view(table, actor.language, link, mark_negative=False)
    return _page(request, "ledger/report_tb.html", title_key="nav.ledger.trial_balance", date_from=d1,
                 date_to=d2, view=view, tb=tb, departments=departments, dep_id=dep_id)


# ---------------------------------------------------------------- 月次推移表


@router.get("/monthly")
def monthly(request: Request, db: DbDep, actor: ActorDep) -> Response:
    viewer(actor)
    cal = calendar(db)
    year = parse_id(request.query_params.get("fiscal_year")) or cal.fiscal_year
    start, end = cal.bounds(year)
    with db.uow() as uow:
        table = reports.monthly_table(uow.session, translator(actor), year, cal.start_month)
        years = _fiscal_year_choices(queries_ui.fiscal_years(uow.session), cal)
    if fmt := wants_file(request):
        return download(table, fmt)
    months: list[tuple[dt.date, dt.date]] = []
    y, m = start.year, start.month
    for _ in range(12):
        months.append((dt.date(y, m, 1), end_of_month(y, m)))
        y, m = add_months(y, m, 1)

    def link(row: dict[str, Any], key: str) -> str | None:
        if not row.get("account_id"):
            return None
        if key.startswith("m") and key[1:].isdigit():
            first, last = months[int(key[1:])]
            return gl_href(row["account_code"], first, last)
        if key in ("total", "account_name"):
            return gl_href(row["account_code"], start, end)
        return None

    return _page(request, "ledger/report_monthly.html", title_key="nav.ledger.monthly", fiscal_year=year,
                 years=years, view=report_view(table, actor.language, link))


# ---------------------------------------------------------------- 損益計算書 / 貸借対照表


def _code_links(d1: dt.date, d2: dt.date) -> Any:
    def link(row: dict[str, Any], key: str) -> str | None:
        code = row.get("code")
        if key in ("amount", "label") and code:
            return gl_href(str(code), d1, d2)
        return None

    return link


@router.get("/income-statement")
def income_statement(request: Request, db: DbDep, actor: ActorDep) -> Response:
    viewer(actor)
    cal = calendar(db)
    d1, d2 = date_range(request, cal)
    with db.uow() as uow:
        table, st = reports.income_statement_table(uow.session, translator(actor), d1, d2)
    if fmt := wants_file(request):
        return download(table, fmt)
    view = report_view(table, actor.language, _code_links(d1, d2))
    return _page(request, "ledger/report_statement.html", title_key="nav.ledger.income_statement", date_from=d1,
                 date_to=d2, kind="pl", statement=st, view=view, loss_labels=queries.LOSS_LABELS)


@router.get("/balance-sheet")
def balance_sheet(request: Request, db: DbDep, actor: ActorDep) -> Response:
    viewer(actor)
    cal = calendar(db)
    as_of = parse_date(request.query_params.get("as_of")) or parse_date(request.query_params.get("to")) or cal.today
    fy_start, _ = cal.bounds(fiscal_year_of(as_of, cal.start_month))
    with db.uow() as uow:
        table, st = reports.balance_sheet_table(uow.session, translator(actor), as_of, cal.start_month)
    if fmt := wants_file(request):
        return download(table, fmt)
    view = report_view(table, actor.language, _code_links(fy_start, as_of))
    # 純資産 below zero (債務超過) as the statement writes it: △ in Japanese
    fmt_figure = (lambda v: f"△¥{-v:,}" if v < 0 else format_yen(v)) if translator(actor).lang == "ja" else format_yen
    return _page(request, "ledger/report_statement.html", title_key="nav.ledger.balance_sheet", as_of=as_of,
                 kind="bs", statement=st, view=view, fmt_figure=fmt_figure)


# ---------------------------------------------------------------- 消費税集計表


@router.get("/tax-summary")
def tax_summary(request: Request, db: DbDep, actor: ActorDep) -> Response:
    viewer(actor)
    cal = calendar(db)
    d1, d2 = date_range(request, cal)
    with db.uow() as uow:
        table = reports.tax_summary_table(uow.session, translator(actor), d1, d2)
    if fmt := wants_file(request):
        return download(table, fmt)

    def link(row: dict[str, Any], key: str) -> str | None:
        code = row.get("account_code")
        return gl_href(str(code), d1, d2) if key == "account_name" and code else None

    return _page(request, "ledger/report_tax.html", title_key="nav.ledger.tax_summary", date_from=d1, date_to=d2,
                 view=report_view(table, actor.language, link))


# ---------------------------------------------------------------- 消費税申告書の計算表 (issue 11 item 13)


def _ctax_page(request: Request, db: Any, actor: Any, year: int | None = None, status: int = 200,
               **extra: Any) -> Response:
    from ennoshita.dates import today_tokyo
    from ennoshita.identity import can
    from ennoshita.ledger import consumption_tax, ctax_interim, ctax_rules, ctax_settlement

    viewer(actor)
    cal = calendar(db)
    year = year or parse_id(request.query_params.get("fiscal_year")) or cal.fiscal_year
    t = translator(actor)
    ctx: dict[str, Any] = {"title_key": "nav.ledger.consumption_tax", "fiscal_year": year, "errors": {},
                           "year_errors": {},
                           "general": [], "saved": request.query_params.get("saved"),
                           "posted": request.query_params.get("posted"), "can_edit": can(actor, "ledger.edit"),
                           "interim_posted": request.query_params.get("interim_posted"),
                           "interim_number": request.query_params.get("interim_number"), "today": today_tokyo(),
                           "filed_saved": request.query_params.get("filed_saved")}
    with db.uow() as uow:
        years = _fiscal_year_choices(queries_ui.fiscal_years(uow.session), cal)
        current = consumption_tax.load_settings(uow.session)
        year_calc = consumption_tax.year_settings(uow.session, year)
        year_closed = any(y >= year for y in closed_years(uow.session))  # a later close locks it too
        try:
            ret = consumption_tax.fiscal_year_return(uow.session, year)
            draft = ctax_settlement.settlement_draft(uow.session, year)
        except Invalid as exc:
            ret, draft = None, None
            ctx["general"] = [t(p.key, **p.params) for p in exc.problems]
        ctx["interim"] = ctax_interim.schedule_in(uow.session, year)
        names = {a.code: a.name for a in queries_ui.account_choices(uow.session, True, actor.language)}
    ctx.update(years=years, settings=current, settlement=draft, names=names, year_calc=year_calc,
               year_closed=year_closed, purposes=purpose_choices(actor.language),
               deemed={k: int(v * 100) for k, v in ctax_rules.DEEMED_RATES.items()},
               choices={"method": ctax_rules.METHODS, "output_calc": ctax_rules.CALCS,
                        "input_calc": ctax_rules.CALCS, "credit_method": ctax_rules.CREDIT_METHODS})
    if ret is not None:
        table = reports.consumption_tax_table(t, ret, year)
        if fmt := wants_file(request):
            return download(table, fmt)
        ctx["view"] = report_view(table, actor.language, lambda row, key: None)
    ctx.update(extra)
    ctx.setdefault("downloads", format_links(request))
    ctx.setdefault("q", request.query_params)
    return render(request, "ledger/report_ctax.html", ctx, status_code=status)


@router.get("/consumption-tax")
def consumption_tax_report(request: Request, db: DbDep, actor: ActorDep) -> Response:
    return _ctax_page(request, db, actor)


@router.post("/consumption-tax/settings")
async def consumption_tax_settings(request: Request, db: DbDep, actor: ActorDep) -> Response:
    from ennoshita.errors import DomainError
    from ennoshita.ledger import consumption_tax
    from ennoshita.web.forms import field_errors, form_data

    data = await form_data(request)
    year = parse_id(data.get("fiscal_year"))
    changes: dict[str, object] = {k: data.get(k, "") for k in (
        "method", "output_calc", "input_calc", "credit_method", "simplified_type", "default_purpose") if k in data}
    try:
        consumption_tax.update_settings(db.uow(), actor, changes)
    except DomainError as exc:
        if exc.status == 403:
            raise
        errors, general = field_errors(exc, translator(actor))
        return _ctax_page(request, db, actor, year, 422, errors=errors, general=general + list(errors.values()))
    return RedirectResponse(f"/ledger/consumption-tax?fiscal_year={year or ''}&saved=1", status_code=303)


@router.post("/consumption-tax/year")
async def consumption_tax_year(request: Request, db: DbDep, actor: ActorDep) -> Response:
    """The fiscal year's own 割戻し/積上げ and credit method (refused once the year is closed)."""
    from ennoshita.errors import DomainError
    from ennoshita.ledger import consumption_tax, ctax_rules
    from ennoshita.web.forms import field_errors, form_data

    data = await form_data(request)
    year = parse_id(data.get("fiscal_year"))
    changes = {k: str(data.get(k, "")) for k in ctax_rules.YEAR_FIELDS if data.get(k)}
    try:
        if year is None:
            raise Invalid("error.required", field="fiscal_year")
        consumption_tax.set_year_calc(db.uow(), actor, year, changes)
    except DomainError as exc:
        if exc.status == 403:
            raise
        errors, general = field_errors(exc, translator(actor))
        return _ctax_page(request, db, actor, year, exc.status, year_errors=errors,
                          general=general + list(errors.values()))
    return RedirectResponse(f"/ledger/consumption-tax?fiscal_year={year}&saved=1", status_code=303)


@router.post("/consumption-tax/settle")
async def consumption_tax_settle(request: Request, db: DbDep, actor: ActorDep) -> Response:
    from ennoshita.errors import DomainError
    from ennoshita.ledger import ctax_settlement
    from ennoshita.web.forms import field_errors, form_data

    data = await form_data(request)
    year = parse_id(data.get("fiscal_year"))
    try:
        if year is None:
            raise Invalid("error.required", field="fiscal_year")
        posted = ctax_settlement.post_settlement(db.uow(), actor, year)
    except DomainError as exc:
        if exc.status == 403:
            raise
        errors, general = field_errors(exc, translator(actor))
        return _ctax_page(request, db, actor, year, exc.status, general=general + list(errors.values()))
    return RedirectResponse(f"/ledger/consumption-tax?fiscal_year={year}&posted={posted.entry_no if posted else ''}",
                            status_code=303)


@router.post("/consumption-tax/interim")
async def consumption_tax_interim_pay(request: Request, db: DbDep, actor: ActorDep) -> Response:
    """中間納付: one period of the year's 中間申告 paid (posted Dr 仮払税金 / Cr 普通預金)."""
    from ennoshita.errors import DomainError
    from ennoshita.ledger import ctax_interim
    from ennoshita.web.forms import field_errors, form_data

    data = await form_data(request)
    year = parse_id(data.get("fiscal_year"))
    number = parse_id(data.get("number"))
    try:
        if year is None:
            raise Invalid("error.required", field="fiscal_year")
        if number is None:
            raise Invalid("error.required", field="number")
        paid = ctax_interim.pay_interim(db.uow(), actor, year, number, parse_date(data.get("paid_date")))
    except DomainError as exc:
        if exc.status == 403:
            raise
        errors, general = field_errors(exc, translator(actor))
        return _ctax_page(request, db, actor, year, exc.status, general=general + list(errors.values()))
    return RedirectResponse(f"/ledger/consumption-tax?fiscal_year={year}&interim_number={number}"
                            f"&interim_posted={paid.entry_no or ''}", status_code=303)


@router.post("/consumption-tax/interim/filed")
async def consumption_tax_interim_filed(request: Request, db: DbDep, actor: ActorDep) -> Response:
    """The previous year's 確定消費税額 as filed (修正申告・更正), which the year's 中間申告 follow (blank: the
    books')."""
    from ennoshita.errors import DomainError
    from ennoshita.ledger import ctax_interim
    from ennoshita.web.forms import field_errors, form_data, parse_int

    data = await form_data(request)
    year = parse_id(data.get("fiscal_year"))
    try:
        if year is None:
            raise Invalid("error.required", field="fiscal_year")
        try:
            amount = parse_int(data.get("national"))
        except ValueError:
            raise Invalid("ledger.error.ctax_filed_negative", field="national",
                          value=str(data.get("national"))) from None
        ctax_interim.set_filed_national(db.uow(), actor, year - 1, amount)
    except DomainError as exc:
        if exc.status == 403:
            raise
        errors, general = field_errors(exc, translator(actor))
        return _ctax_page(request, db, actor, year, exc.status, general=general + list(errors.values()))
    return RedirectResponse(f"/ledger/consumption-tax?fiscal_year={year}&filed_saved=1", status_code=303)
