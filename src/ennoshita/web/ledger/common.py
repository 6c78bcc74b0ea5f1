"""経理 screens: what the entry, report and admin screens share (navigation, date ranges, report tables
with drill-down links; the file downloads are ``ennoshita.web.exports``), and the account search an entry cell asks for.

The screens themselves are in ``ennoshita.web.ledger.entries`` (仕訳入力, 仕訳一覧, 訂正, 取消),
``ennoshita.web.ledger.reports`` (仕訳帳, 総勘定元帳, 試算表, 推移表, 決算書, 消費税) and ``ennoshita.web.ledger.admin``
(勘定科目, 補助科目, 部門, 月次締め, 定期仕訳, 決算, 残高チェック).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from ennoshita.actor import Actor
from ennoshita.dates import fiscal_year_bounds, fiscal_year_of, format_date, today_tokyo
from ennoshita.db import Database
from ennoshita.i18n import Translator
from ennoshita.identity import load_company, require
from ennoshita.ledger import queries_ui
from ennoshita.tabular import Table, format_amount
from ennoshita.web import nav
from ennoshita.web.deps import ActorDep, DbDep
from ennoshita.web.forms import parse_date

router = APIRouter(prefix="/ledger")

for _order, (_key, _href, _cap) in enumerate((
    ("nav.ledger.entry_new", "/ledger/input", "ledger.edit"),
    ("nav.ledger.entries", "/ledger/entries", "ledger.view"),
    ("nav.ledger.journal", "/ledger/journal", "ledger.view"),
    ("nav.ledger.general_ledger", "/ledger/general-ledger", "ledger.view"),
    ("nav.ledger.trial_balance", "/ledger/trial-balance", "ledger.view"),
    ("nav.ledger.monthly", "/ledger/monthly", "ledger.view"),
    ("nav.ledger.income_statement", "/ledger/income-statement", "ledger.view"),
    ("nav.ledger.balance_sheet", "/ledger/balance-sheet", "ledger.view"),
    ("nav.ledger.tax_summary", "/ledger/tax-summary", "ledger.view"),
    ("nav.ledger.consumption_tax", "/ledger/consumption-tax", "ledger.view"),
    ("nav.ledger.accounts", "/ledger/accounts", "ledger.view"),
    ("nav.ledger.periods", "/ledger/periods", "ledger.view"),
    ("nav.ledger.recurring", "/ledger/recurring", "ledger.view"),
    ("nav.ledger.closing", "/ledger/closing", "ledger.view"),
), start=1):
    nav.register(nav.NavItem("accounting", _key, _href, _cap, _order * 10))


# ---------------------------------------------------------------- company calendar


@dataclass(frozen=True)
class Calendar:
    start_month: int
    today: dt.date
    fiscal_year: int
    fy_start: dt.date
    fy_end: dt.date

    def bounds(self, fiscal_year: int) -> tuple[dt.date, dt.date]:
        return fiscal_year_bounds(fiscal_year, self.start_month)


def calendar(db: Database) -> Calendar:
    with db.uow() as uow:
        start_month = load_company(uow).fiscal_year_start_month
    today = today_tokyo()
    fy = fiscal_year_of(today, start_month)
    start, end = fiscal_year_bounds(fy, start_month)
    return Calendar(start_month, today, fy, start, end)


def date_range(request: Request, cal: Calendar) -> tuple[dt.date, dt.date]:
    """The ``from``/``to`` of a report screen; by default the current fiscal year."""
    q = request.query_params
    date_from = parse_date(q.get("from")) or cal.fy_start
    date_to = parse_date(q.get("to")) or cal.fy_end
    if date_to < date_from:
        date_from, date_to = date_to, date_from
    return date_from, date_to


def viewer(actor: Actor) -> None:
    require(actor, "ledger.view")


def gl_href(account_code: str, date_from: dt.date, date_to: dt.date, **extra: Any) -> str:
    """Drill-down: the account's 総勘定元帳 for a range."""
    params: dict[str, Any] = {"account": account_code, "from": date_from.isoformat(), "to": date_to.isoformat()}
    params.update({k: v for k, v in extra.items() if v not in (None, "")})
    return "/ledger/general-ledger?" + urlencode(params)


def entry_href(entry_id: int) -> str:
    return f"/ledger/entries/{entry_id}"


# ---------------------------------------------------------------- report tables on screen and as files


@dataclass(frozen=True)
class Cell:
    text: str
    kind: str
    href: str | None = None
    negative: bool = False
    indent: str = ""  # a statement line's depth (full-width spaces), kept out of its link


@dataclass(frozen=True)
class ReportView:
    """A :class:`ennoshita.tabular.Table` ready for the screen: formatted cells with their links."""

    title: str
    subtitle: str
    columns: list[tuple[str, str]]  # (label, kind)
    rows: list[tuple[bool, list[Cell]]]  # (emphasis, cells)
    headings: frozenset[int] = frozenset()  # indexes of heading rows


LinkFn = Callable[[dict[str, Any], str], str | None]


def report_view(table: Table, lang: str, link: LinkFn | None = None, mark_negative: bool = True) -> ReportView:
    """Format every cell as the downloads do (same table, same figures) and attach drill-down links:
    ``link(row, column key)`` returns the URL of a cell or None. ``mark_negative`` shows negative amounts
    in red (not in the trial balance, where a credit balance is negative and normal)."""
    rows = []
    for i, row in enumerate(table.rows):
        cells = []
        for c in table.columns:
            v = row.get(c.key)
            if v is None:
                text = ""
            elif c.kind == "yen" and isinstance(v, int):
                text = format_amount(v, table.amounts)
            elif c.kind == "date" and isinstance(v, dt.date):
                text = format_date(v, lang)
            else:
                text = str(v)
            href = link(row, c.key) if link is not None and v not in (None, "") else None
            indent = text[:len(text) - len(text.lstrip("\u3000"))]
            cells.append(Cell(text[len(indent):], c.kind, href,
                              mark_negative and isinstance(v, int) and c.kind == "yen" and v < 0, indent))
        rows.append((i in table.emphasis, cells))
    return ReportView(table.title, table.subtitle, [(c.label, c.kind) for c in table.columns], rows,
                      frozenset(table.headings))


SOURCES = ("manual", "reversal", "correction", "recurring", "closing", "import")


def source_label(t: Translator, source: str) -> str:
    return t(f"ledger_ui.source.{source}") if source in SOURCES else source


# ---------------------------------------------------------------- routes shared by the screens


@router.get("")
def ledger_home(actor: ActorDep) -> Response:
    viewer(actor)
    return RedirectResponse("/ledger/entries", status_code=303)


@router.get("/accounts/search")
def account_search(request: Request, db: DbDep, actor: ActorDep) -> Response:
    """Candidates for an account cell, by code, name or カナ: ``[{code, name, kana, label, tax}]``."""
    viewer(actor)
    with db.uow() as uow:
        choices = queries_ui.account_choices(uow.session, lang=actor.language)
    hits = queries_ui.search_accounts(choices, request.query_params.get("q", ""))
    return JSONResponse([{"code": c.code, "name": c.name, "kana": c.name_kana, "label": c.label,
                          "tax": c.default_tax_category} for c in hits])
