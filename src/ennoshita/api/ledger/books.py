"""Ledger API: accounts, journal entries (draft → post, reverse, search) and reports.

Amounts are integer yen. Reports answer JSON; ``?format=csv|xlsx|pdf`` returns the same report as a file
(the tables the screens and the CLI use). A posted entry never changes: updating or deleting it answers
409, and the way to change it is a reversal (``POST /journal-entries/{id}/reverse``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import asdict
from typing import Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, StrictInt
from sqlalchemy.orm import Session

from ennoshita.actor import Actor
from ennoshita.api.deps import ApiActor, DbDep
from ennoshita.api.numbers import YEN_DOC, Yen
from ennoshita.api.problems import request_language
from ennoshita.api.views import ViewModel
from ennoshita.db import Database
from ennoshita.errors import Invalid, NotFound
from ennoshita.i18n import Translator
from ennoshita.identity import load_company, require
from ennoshita.ledger import chart, queries, queries_ui, reports, services
from ennoshita.ledger.posting import PostedEntry
from ennoshita.ledger.rules import EntryDraft, LineDraft
from ennoshita.ledger.taxes import (
    CATEGORIES,
    PURPOSE_CODES,
    business_type_of,
    split_purpose,
    with_business_type,
    with_purpose,
)
from ennoshita.security.files import content_disposition
from ennoshita.tabular import FORMATS, Table, export

router = APIRouter(tags=["ledger"])

FileFormat = Literal["csv", "xlsx", "pdf"]


# ---------------------------------------------------------------- shapes


class AccountOut(ViewModel, view=services.AccountSummary):
    pass


class AccountIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str
    name: str
    section: str = Field(description="Statement section, e.g. current_assets, sga (see the chart).")
    name_kana: str = ""
    name_en: str = Field("", description="The name English screens and files show (empty: the Japanese name).")
    default_tax_category: str | None = None


class LineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    account: str = Field(description="Account code or name.")
    sub_account: str | None = None
    department: str | None = None
    tax_category: str | None = None
    tax_purpose: str | None = Field(None, description=(
        "用途区分 of a 課税仕入 line (個別対応方式): taxable (課税売上対応), non_taxable (非課税売上対応) or common "
        "(共通対応); also accepted as a tax_category suffix (purchase_10:taxable). Default: the company's."))
    business_type: int | None = Field(None, ge=1, le=6, description=(
        "簡易課税の事業区分 of a 課税売上 / 輸出免税売上 line: 1 第一種（卸売業） … 6 第六種（不動産業); "
        "also accepted as a tax_category suffix (sales_10:t2). Default: the company's simplified_type, "
        "applied when the return is computed."))
    debit: Yen = Field(0, description=YEN_DOC)
    credit: Yen = Field(0, description=YEN_DOC)
    memo: str = ""


class EntryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    date: dt.date
    description: str = ""
    counterparty: str = ""
    lines: list[LineIn]


class ReverseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    date: dt.date | None = Field(None, description="Date of the reversing entry (default: the original's).")
    reason: str = ""


class LineOut(ViewModel, view=queries.JournalRowLine):
    tax_purpose: str | None = Field(None, description="用途区分: taxable / non_taxable / common (課税仕入 only).")
    business_type: int | None = Field(None, description="簡易課税の事業区分 1..6 (課税売上 only; none: the default).")


class EntryOut(ViewModel, view=queries.JournalRow, exclude=("entry_date",)):
    entry_no: str | None
    lines: list[LineOut]
    date: dt.date  # the row's entry_date
    reversed_by: list[int] = []
    corrected_by: list[int] = []


class EntryPage(BaseModel):
    items: list[EntryOut]
    total: int
    page: int
    per_page: int


class TrialBalanceRowOut(BaseModel):
    account_code: str
    account_name: str
    opening: int
    debit: int
    credit: int
    closing: int = Field(description="Debit-positive: debit − credit.")


# ---------------------------------------------------------------- helpers


def _account(a: services.AccountSummary) -> AccountOut:
    return AccountOut.model_validate(a, from_attributes=True)


def _draft(body: EntryIn) -> EntryDraft:
    return EntryDraft(body.date, body.description, body.counterparty, tuple(
        LineDraft(account_code=line.account, debit=line.debit, credit=line.credit,
                  tax_category=with_business_type(with_purpose(line.tax_category or None, line.tax_purpose),
                                                  line.business_type),
                  sub_account=line.sub_account or None, department=line.department or None, memo=line.memo)
        for line in body.lines))


def _entry(db: Database, entry_id: int, lang: str) -> EntryOut:
    """The entry, its accounts named in the caller's language."""
    with db.uow() as uow:
        row = queries.get_entry(uow.session, entry_id, lang)
        if row is None:
            raise NotFound("ledger.error.entry_not_found", field="entry_id")
        links = queries_ui.entry_links(uow.session, entry_id)
    return _entry_out(row, links)


def _entry_out(row: queries.JournalRow, links: queries_ui.EntryLinks | None = None) -> EntryOut:
    return EntryOut(
        id=row.id, entry_no=row.entry_no or None, date=row.entry_date, description=row.description,
        counterparty=row.counterparty, status=row.status, source=row.source, total=row.total,
        reverses_id=row.reverses_id, corrects_id=row.corrects_id,
        reversed_by=[r.id for r in links.reversed_by] if links else [],
        corrected_by=[r.id for r in links.corrected_by] if links else [],
        lines=[LineOut(**asdict(line), tax_purpose=_purpose(line.tax_category),
                       business_type=business_type_of(line.tax_category) or None) for line in row.lines])


def _purpose(code: str | None) -> str | None:
    tag = split_purpose(code)[1]
    return tag if tag in PURPOSE_CODES else None


def _posted(db: Database, posted: PostedEntry | services.SubmittedEntry, lang: str) -> EntryOut:
    return _entry(db, posted.id, lang)


def _start_month(db: Database) -> int:
    with db.uow() as uow:
        return load_company(uow).fiscal_year_start_month


def _file(table: Table, fmt: str) -> Response:
    content, media, name = export(table, fmt)
    return Response(content, media_type=media, headers={"Content-Disposition": content_disposition(name)})


def _stream(db: Database, fmt: str, filename: str, chunks: Callable[[Session], Iterator[bytes]]) -> Response:
    """A CSV of a long report written while it is read, in its own transaction: every row, flat memory."""
    uow = db.uow()
    media, ext, _ = FORMATS[fmt]

    def body() -> Iterator[bytes]:
        with uow:
            yield from chunks(uow.session)

    return StreamingResponse(body(), media_type=media,
                             headers={"Content-Disposition": content_disposition(f"{filename}.{ext}")})


def _t(request: Request) -> Translator:
    return Translator(request_language(request))


def _viewer(actor: Actor) -> None:
    require(actor, "ledger.view")


def _range(date_from: dt.date | None, date_to: dt.date | None, start_month: int) -> tuple[dt.date, dt.date]:
    from ennoshita.dates import fiscal_year_bounds, fiscal_year_of, today_tokyo

    fy_start, fy_end = fiscal_year_bounds(fiscal_year_of(today_tokyo(), start_month), start_month)
    d1, d2 = date_from or fy_start, date_to or fy_end
    if d2 < d1:
        raise Invalid("ledger_ui.error.range", field="to")
    return d1, d2


# ---------------------------------------------------------------- accounts


@router.get("/accounts", response_model=list[AccountOut])
def list_accounts(db: DbDep, actor: ApiActor, include_inactive: bool = False) -> list[AccountOut]:
    """勘定科目, by code."""
    return [_account(a) for a in services.list_accounts(db.uow(), actor, include_inactive)]


@router.post("/accounts", response_model=AccountOut, status_code=201)
def add_account(body: AccountIn, db: DbDep, actor: ApiActor) -> AccountOut:
    """Add an account; its category follows from its statement section."""
    return _account(services.add_account(db.uow(), actor, services.AccountInput(
        code=body.code, name=body.name, category=chart.SECTION_CATEGORY.get(body.section, ""), section=body.section,
        name_kana=body.name_kana, default_tax_category=body.default_tax_category, name_en=body.name_en)))


# ---------------------------------------------------------------- journal entries


@router.get("/journal-entries", response_model=EntryPage)
def search_entries(
    db: DbDep,
    actor: ApiActor,
    date_from: dt.date | None = Query(None, alias="from"),
    date_to: dt.date | None = Query(None, alias="to"),
    amount_min: int | None = None,
    amount_max: int | None = None,
    counterparty: str | None = None,
    account: str | None = Query(None, description="Account code or name."),
    text: str | None = Query(None, description="Words in the description or counterparty."),
    status: Literal["posted", "draft"] | None = None,
    page: int = Query(1, ge=1),
    per_page: int = Query(50, ge=1, le=500),
) -> EntryPage:
    """Search entries (電子帳簿保存法: date range, amount range, counterparty; plus account and text)."""
    _viewer(actor)
    with db.uow() as uow:
        account_id = None
        if account:
            match = queries_ui.match_account(queries_ui.account_choices(uow.session, True), account)
            if match is None:
                raise Invalid("ledger.error.unknown_account", field="account", account=account)
            account_id = match.id
        result = queries.search_entries(uow.session, queries.EntrySearch(
            date_from, date_to, amount_min, amount_max, counterparty or None, account_id, text or None, status),
            page=page, per_page=per_page, lang=actor.language)
    return EntryPage(items=[_entry_out(r) for r in result.rows], total=result.total, page=result.page,
                     per_page=result.per_page)


@router.post("/journal-entries", response_model=EntryOut, status_code=201)
def create_entry(body: EntryIn, db: DbDep, actor: ApiActor) -> EntryOut:
    """Create a draft (checked as a posting would be). Post it with ``POST /journal-entries/{id}/post``."""
    saved = services.save_draft(db.uow(), actor, _draft(body))
    return _entry(db, saved.id, actor.language)


@router.get("/journal-entries/{entry_id}", response_model=EntryOut)
def get_entry(entry_id: int, db: DbDep, actor: ApiActor) -> EntryOut:
    _viewer(actor)
    return _entry(db, entry_id, actor.language)


@router.put("/journal-entries/{entry_id}", response_model=EntryOut)
def update_draft(entry_id: int, body: EntryIn, db: DbDep, actor: ApiActor) -> EntryOut:
    """Replace a draft. A posted entry answers 409: it never changes (reverse it instead)."""
    services.save_draft(db.uow(), actor, _draft(body), entry_id)
    return _entry(db, entry_id, actor.language)


@router.delete("/journal-entries/{entry_id}", status_code=204)
def delete_draft(entry_id: int, db: DbDep, actor: ApiActor) -> Response:
    """Delete a draft. A posted entry answers 409."""
    services.delete_draft(db.uow(), actor, entry_id)
    return Response(status_code=204)


@router.post("/journal-entries/{entry_id}/post", response_model=EntryOut)
def post_entry(entry_id: int, db: DbDep, actor: ApiActor) -> EntryOut:
    """Post a draft: it takes the next entry number of its fiscal year. A manual entry above the company's amount
    for 手動仕訳 is submitted for 承認 instead (``status`` = ``pending``, no number until approved)."""
    return _posted(db, services.post_draft(db.uow(), actor, entry_id), actor.language)


@router.post("/journal-entries/{entry_id}/reverse", response_model=EntryOut, status_code=201)
def reverse_entry(entry_id: int, db: DbDep, actor: ApiActor, body: ReverseIn | None = None) -> EntryOut:
    """取消: post the reversing entry (debits and credits swapped), linked to the original."""
    body = body or ReverseIn()
    return _posted(db, services.reverse_entry(db.uow(), actor, entry_id, body.date, body.reason), actor.language)


# ---------------------------------------------------------------- reports


@router.get("/reports/trial-balance", response_model=list[TrialBalanceRowOut])
def trial_balance(request: Request, db: DbDep, actor: ApiActor,
                  date_from: dt.date | None = Query(None, alias="from"),
                  date_to: dt.date | None = Query(None, alias="to"),
                  department: int | None = None, format: FileFormat | None = None) -> Any:
    """残高試算表 for any range: one row per account (closing signed debit-positive)."""
    _viewer(actor)
    start = _start_month(db)
    d1, d2 = _range(date_from, date_to, start)
    with db.uow() as uow:
        table, tb = reports.trial_balance_table(uow.session, _t(request), d1, d2, start,
                                                queries.Dimension(department_id=department))
    if format:
        return _file(table, format)
    return [TrialBalanceRowOut(account_code=r.account_code, account_name=r.account_name, opening=r.opening,
                               debit=r.debit, credit=r.credit, closing=r.closing) for r in tb.rows]


def _statement(st: queries.Statement, t: Translator) -> dict[str, Any]:
    lines = [{"kind": line.kind, "section": line.section, "code": line.code or None, "level": line.level,
              "label": reports.statement_label(t, line), "amount": None if line.kind == "heading" else line.amount}
             for line in st.lines]
    return {"date_from": st.date_from, "date_to": st.date_to, "lines": lines, "figures": st.figures}


@router.get("/reports/pl")
def income_statement(request: Request, db: DbDep, actor: ApiActor,
                     date_from: dt.date | None = Query(None, alias="from"),
                     date_to: dt.date | None = Query(None, alias="to"),
                     format: FileFormat | None = None) -> Any:
    """損益計算書: lines in the Japanese layout (kind heading/account/section_total/subtotal, level = depth; a
    段階利益 below zero is labelled as the loss, 営業損失, with a positive amount) and the figures, signed
    (gross_profit, operating_income, ordinary_income, income_before_taxes, net_income, ...)."""
    _viewer(actor)
    d1, d2 = _range(date_from, date_to, _start_month(db))
    with db.uow() as uow:
        table, st = reports.income_statement_table(uow.session, _t(request), d1, d2)
    return _file(table, format) if format else _statement(st, _t(request))


@router.get("/reports/bs")
def balance_sheet(request: Request, db: DbDep, actor: ApiActor,
                  as_of: dt.date | None = Query(None, description="Balance sheet date (default: today)."),
                  date_to: dt.date | None = Query(None, alias="to"),
                  format: FileFormat | None = None) -> Any:
    """貸借対照表 at a date in the layout of 会社計算規則 (資産の部: 流動資産, 有形・無形固定資産, 投資その他の資産 ...;
    純資産の部: 株主資本, 資本剰余金, 利益剰余金 ...): lines (kind, level, label, amount) and figures (assets,
    liabilities, net_assets, liabilities_and_net_assets, and each group: tangible_fixed_assets,
    shareholders_equity, retained_earnings, ...)."""
    _viewer(actor)
    from ennoshita.dates import today_tokyo

    start = _start_month(db)
    with db.uow() as uow:
        table, st = reports.balance_sheet_table(uow.session, _t(request), as_of or date_to or today_tokyo(), start)
    return _file(table, format) if format else _statement(st, _t(request))


@router.get("/reports/gl")
def general_ledger(request: Request, db: DbDep, actor: ApiActor,
                   account: str = Query(description="Account code or name."),
                   date_from: dt.date | None = Query(None, alias="from"),
                   date_to: dt.date | None = Query(None, alias="to"),
                   sub_account: str | None = Query(None, description="Sub-account code or name."),
                   department: str | None = Query(None, description="Department code or name."),
                   page: int = Query(1, ge=1), per_page: int = Query(100, ge=1, le=10_000),
                   format: FileFormat | None = None) -> Any:
    """総勘定元帳 of one account with its running balance (natural side), one page at a time.

    A file (``format``) always holds every line of the range (``page`` and ``per_page`` do not apply): CSV is
    streamed whatever its length; XLSX and PDF answer 422 above their row limit (100,000 / 10,000 rows)."""
    _viewer(actor)
    start = _start_month(db)
    d1, d2 = _range(date_from, date_to, start)
    with db.uow() as uow:
        match = queries_ui.match_account(queries_ui.account_choices(uow.session, True), account)
        if match is None:
            raise NotFound("ledger.error.unknown_account", field="account", account=account)
        sub_id = dep_id = None
        if sub_account:
            sub_id = next((s.id for s in queries_ui.sub_accounts(uow.session, match.id)
                           if sub_account in (s.code, s.name)), None)
            if sub_id is None:
                raise NotFound("ledger.error.unknown_sub_account", field="sub_account", account=account,
                               sub=sub_account)
        if department:
            dep_id = next((d.id for d in queries_ui.departments(uow.session) if department in (d.code, d.name)),
                          None)
            if dep_id is None:
                raise NotFound("ledger.error.unknown_department", field="department", department=department)
        dim = queries.Dimension(sub_id, dep_id)
        if format == "csv":
            acc_id, t = match.id, _t(request)
            return _stream(db, format, reports.general_ledger_filename(match.code, d1, d2),
                           lambda session: reports.general_ledger_chunks(session, t, acc_id, d1, d2, start, dim,
                                                                         format))
        if format:
            return _file(reports.general_ledger_file_table(uow.session, _t(request), match.id, d1, d2, start, dim,
                                                           format), format)
        gl = queries.general_ledger(uow.session, match.id, d1, d2, start, dim, page=page, per_page=per_page,
                                    lang=request_language(request))
    return {"account_code": gl.account.code, "account_name": gl.account.name, "date_from": d1, "date_to": d2,
            "opening": gl.opening, "debit_total": gl.debit_total, "credit_total": gl.credit_total,
            "total": gl.total, "page": gl.page, "per_page": gl.per_page,
            "lines": [{"entry_id": x.entry_id, "entry_no": x.entry_no, "date": x.entry_date,
                       "description": x.description, "counterparty": x.counterparty,
                       "counter_account": x.counter_account, "sub_account": x.sub_account,
                       "department": x.department, "tax_category": x.tax_category, "memo": x.memo,
                       "debit": x.debit, "credit": x.credit, "balance": x.balance} for x in gl.lines]}


@router.get("/reports/monthly")
def monthly(request: Request, db: DbDep, actor: ApiActor,
            fiscal_year: int | None = Query(None, description="The calendar year the fiscal year starts in."),
            format: FileFormat | None = None) -> Any:
    """月次推移表: per account, 12 months (PL: the month's amount; BS: the month-end balance)."""
    _viewer(actor)
    from ennoshita.dates import fiscal_year_of, today_tokyo

    start = _start_month(db)
    year = fiscal_year or fiscal_year_of(today_tokyo(), start)
    with db.uow() as uow:
        if format:
            return _file(reports.monthly_table(uow.session, _t(request), year, start), format)
        m = queries.monthly(uow.session, year, start, request_language(request))
    return {"fiscal_year": m.fiscal_year, "months": m.months,
            "rows": [{"account_code": r.account_code, "account_name": r.account_name, "section": r.section,
                      "months": r.months, "total": r.total} for r in m.rows]}


@router.get("/reports/journal", response_model=EntryPage)
def journal(request: Request, db: DbDep, actor: ApiActor,
            date_from: dt.date | None = Query(None, alias="from"),
            date_to: dt.date | None = Query(None, alias="to"),
            page: int = Query(1, ge=1), per_page: int = Query(100, ge=1, le=5_000),
            format: FileFormat | None = None) -> Any:
    """仕訳帳: posted entries in date order, one page at a time.

    A file (``format``) always holds every entry of the range (``page`` and ``per_page`` do not apply): CSV is
    streamed whatever its length; XLSX and PDF answer 422 above their row limit (100,000 / 10,000 lines)."""
    _viewer(actor)
    d1, d2 = _range(date_from, date_to, _start_month(db))
    if format == "csv":
        t = _t(request)
        return _stream(db, format, reports.journal_filename(d1, d2),
                       lambda session: reports.journal_chunks(session, t, d1, d2, format))
    with db.uow() as uow:
        if format:
            return _file(reports.journal_file_table(uow.session, _t(request), d1, d2, format), format)
        result = queries.journal(uow.session, d1, d2, page=page, per_page=per_page, lang=request_language(request))
    return EntryPage(items=[_entry_out(r) for r in result.rows], total=result.total, page=result.page,
                     per_page=result.per_page)


@router.get("/reports/tax")
def tax_summary(request: Request, db: DbDep, actor: ApiActor,
                date_from: dt.date | None = Query(None, alias="from"),
                date_to: dt.date | None = Query(None, alias="to"),
                format: FileFormat | None = None) -> Any:
    """消費税集計表: debit and credit per tax category and account (whole months)."""
    _viewer(actor)
    d1, d2 = _range(date_from, date_to, _start_month(db))
    t = _t(request)
    with db.uow() as uow:
        if format:
            return _file(reports.tax_summary_table(uow.session, t, d1, d2), format)
        rows = queries.tax_summary(uow.session, d1, d2, t.lang)
    return [{"tax_category": r.tax_category,
             "tax_category_name": (CATEGORIES[r.tax_category].name_ja if t.lang == "ja"
                                   else CATEGORIES[r.tax_category].name_en) if r.tax_category in CATEGORIES
             else r.tax_category,
             "account_code": r.account_code, "account_name": r.account_name, "debit": r.debit, "credit": r.credit}
            for r in rows]


# ---------------------------------------------------------------- 消費税 return, settings, settlement, reopen


class ConsumptionTaxSettingsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    method: str | None = None
    output_calc: str | None = None
    input_calc: str | None = None
    credit_method: str | None = None
    simplified_type: StrictInt | None = None
    default_purpose: str | None = Field(None, description=(
        "用途区分 a 課税仕入 is posted with when none is given: taxable, non_taxable or common (default)."))


class YearTaxCalcIn(BaseModel):
    """The fiscal year's own 消費税 calculation (fixed when the year is closed)."""

    model_config = ConfigDict(extra="forbid")
    output_calc: str | None = Field(None, description="proportional (割戻し) or stacked (積上げ).")
    input_calc: str | None = Field(None, description="stacked (積上げ) or proportional (割戻し: with 割戻し sales).")
    credit_method: str | None = Field(None, description="individual (個別対応方式) or lump_sum (一括比例配分方式).")


class ReopenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str


def _settlement_out(draft: EntryDraft | None) -> list[dict[str, Any]] | None:
    if draft is None:
        return None
    return [{"account_code": x.account_code, "debit": x.debit, "credit": x.credit, "memo": x.memo}
            for x in draft.lines]


@router.get("/reports/consumption-tax")
def consumption_tax_report(request: Request, db: DbDep, actor: ApiActor, fiscal_year: int,
                           format: FileFormat | None = None) -> Any:
    """消費税申告書の計算表 for a fiscal year (課税期間), with the settlement entry the close would post."""
    from ennoshita.ledger import consumption_tax, ctax_settlement

    r = consumption_tax.consumption_tax_return(db.uow(), actor, fiscal_year)
    if format:
        return _file(reports.consumption_tax_table(_t(request), r, fiscal_year), format)
    draft = ctax_settlement.propose_settlement(db.uow(), actor, fiscal_year)
    return {"fiscal_year": fiscal_year, "settings": r.settings.__dict__,
            "rates": [{"rate": x.rate, "sales_gross": x.sales_gross, "taxable_base": x.taxable_base,
                       "national_tax": x.national_tax} for x in r.rates],
            "taxable_base": r.taxable_base, "output_tax": r.output_tax, "taxable_sales": r.taxable_sales,
            "export_sales": r.export_sales, "non_taxable_sales": r.non_taxable_sales,
            "taxable_sales_ratio": f"{r.ratio.numerator}/{r.ratio.denominator}", "input_tax": r.input_tax,
            "full_credit": r.full_credit, "deductible": r.deductible, "national_due": r.national_due,
            "local_due": r.local_due, "total_due": r.total_due, "settlement": _settlement_out(draft),
            "input_tax_by_purpose": {"taxable": r.input_tax_taxable, "non_taxable": r.input_tax_non_taxable,
                                     "common": r.input_tax_common},
            "deductible_individual": r.deductible_individual, "deductible_lump_sum": r.deductible_lump_sum,
            "simplified": _simplified_out(r.simplified),
            "interim_national": r.interim_national, "interim_local": r.interim_local,
            "interim_unpaid": list(r.interim_unpaid), "national_payable": r.national_payable,
            "local_payable": r.local_payable, "payable_total": r.payable_total}


def _simplified_out(credit: Any) -> dict[str, Any] | None:
    """付表4-3 / 5-3 under 簡易課税: per 事業区分 the 課税売上高（税抜き）, its share and 消費税額 per rate column;
    every calculation that applies (principle / single:N / pair:N+M) and the one chosen (the largest)."""
    if credit is None:
        return None
    return {"business_types": [
        {"business_type": x.business_type, "sales": x.sales, "share": f"{x.share.numerator}/{x.share.denominator}",
         "sales_by_rate": {str(rate): v for rate, v in x.sales_by_rate},
         "tax_by_rate": {str(rate): v for rate, v in x.tax_by_rate}} for x in credit.types],
        "calculations": [{"name": name, "amount": amount} for name, amount in credit.candidates],
        "chosen": credit.chosen, "deductible": credit.deductible}


@router.get("/consumption-tax/settings")
def consumption_tax_settings(db: DbDep, actor: ApiActor) -> dict[str, Any]:
    from ennoshita.ledger import consumption_tax

    return dict(consumption_tax.get_settings(db.uow(), actor).__dict__)


@router.put("/consumption-tax/settings")
def update_consumption_tax_settings(body: ConsumptionTaxSettingsIn, db: DbDep, actor: ApiActor) -> dict[str, Any]:
    from ennoshita.ledger import consumption_tax

    changes: dict[str, object] = {k: v for k, v in body.model_dump().items() if v is not None}
    return dict(consumption_tax.update_settings(db.uow(), actor, changes).__dict__)


@router.get("/consumption-tax/years/{fiscal_year}")
def year_tax_calc(fiscal_year: int, db: DbDep, actor: ApiActor) -> dict[str, Any]:
    """The settings a fiscal year's return is computed with (its own 割戻し/積上げ and credit method)."""
    from ennoshita.ledger import consumption_tax

    return dict(consumption_tax.consumption_tax_return(db.uow(), actor, fiscal_year).settings.__dict__)


@router.put("/consumption-tax/years/{fiscal_year}")
def update_year_tax_calc(fiscal_year: int, body: YearTaxCalcIn, db: DbDep, actor: ApiActor) -> dict[str, Any]:
    """Choose 割戻し/積上げ and the credit method for one open fiscal year (409 once the year is closed)."""
    from ennoshita.ledger import consumption_tax

    changes = {k: v for k, v in body.model_dump().items() if v is not None}
    return dict(consumption_tax.set_year_calc(db.uow(), actor, fiscal_year, changes).__dict__)


class InterimPayIn(BaseModel):
    """A 消費税 中間納付 paid: the date (the 納期限 when left out) and the account paid from."""

    model_config = ConfigDict(extra="forbid")
    paid_date: dt.date | None = Field(None, description="The payment date (default: the 納期限).")
    account: str = Field("1140", description="Account code paid from (default 1140 普通預金).")
    sub_account: str | None = Field(None, description="Sub-account code (the bank account) paid from.")


def _interim_period_out(p: Any) -> dict[str, Any]:
    return {"number": p.number, "start": p.start.isoformat(), "end": p.end.isoformat(), "due": p.due.isoformat(),
            "national": p.national, "local": p.local, "total": p.total, "paid": p.paid,
            "paid_date": p.paid_date.isoformat() if p.paid_date else None,
            "journal_entry_id": p.journal_entry_id, "entry_no": p.entry_no}


@router.get("/consumption-tax/years/{fiscal_year}/interim")
def consumption_tax_interim(fiscal_year: int, db: DbDep, actor: ApiActor) -> dict[str, Any]:
    """The fiscal year's 中間申告 (消費税法42条, from the previous closed year's 確定消費税額): each period's amounts,
    納期限 and whether it is paid."""
    from ennoshita.ledger import ctax_interim

    return _interim_out(fiscal_year, ctax_interim.interim_schedule(db.uow(), actor, fiscal_year))


class FiledTaxIn(BaseModel):
    """A closed year's 確定消費税額 (国税) as filed; null: the return computed from the books."""

    model_config = ConfigDict(extra="forbid")
    national: StrictInt | None = Field(None, ge=0, le=999_999_999_999_999, description="Yen; null: the books' return.")


def _interim_out(fiscal_year: int, s: Any) -> dict[str, Any]:
    return {"fiscal_year": fiscal_year, "previous_national": s.previous_national, "count": s.count,
            "computed_national": s.computed_national, "previous_year_closed": s.previous_national is not None,
            "national": s.national, "local": s.local,
            "unpaid": list(s.unpaid), "periods": [_interim_period_out(p) for p in s.periods]}


@router.put("/consumption-tax/years/{fiscal_year}/filed")
def set_filed_consumption_tax(fiscal_year: int, body: FiledTaxIn, db: DbDep, actor: ApiActor) -> dict[str, Any]:
    """Record the closed year's 確定消費税額 as filed (修正申告・更正); returns the next year's 中間申告."""
    from ennoshita.ledger import ctax_interim

    return _interim_out(fiscal_year + 1, ctax_interim.set_filed_national(db.uow(), actor, fiscal_year, body.national))


@router.post("/consumption-tax/years/{fiscal_year}/interim/{number}/payment", status_code=201)
def pay_consumption_tax_interim(fiscal_year: int, number: int, db: DbDep, actor: ApiActor,
                                body: InterimPayIn | None = None) -> dict[str, Any]:
    """Record the 中間納付 of one period (Dr 仮払税金 / Cr the bank); 409 when it is paid already."""
    from ennoshita.ledger import ctax_interim

    body = body or InterimPayIn()
    return _interim_period_out(ctax_interim.pay_interim(db.uow(), actor, fiscal_year, number, body.paid_date,
                                                        body.account, body.sub_account))


@router.post("/fiscal-years/{fiscal_year}/tax-settlement")
def post_tax_settlement(fiscal_year: int, db: DbDep, actor: ApiActor) -> dict[str, Any]:
    from ennoshita.ledger import ctax_settlement

    posted = ctax_settlement.post_settlement(db.uow(), actor, fiscal_year)
    return {"entry_no": posted.entry_no if posted else None, "id": posted.id if posted else None}


@router.post("/fiscal-years/{fiscal_year}/reopen")
def reopen_fiscal_year(fiscal_year: int, body: ReopenIn, db: DbDep, actor: ApiActor) -> dict[str, Any]:
    """決算締めの解除 (the latest closed year only; audited with the reason)."""
    posted = services.reopen_year(db.uow(), actor, fiscal_year, body.reason)
    return {"fiscal_year": fiscal_year, "reversal": posted.entry_no if posted else None}
