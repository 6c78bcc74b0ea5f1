"""Ledger reports, read from the maintained balances (whole months) and from the indexed lines (only the
partial months at the edges of a date range), so that no report scans the postings of a year.

Signs: every amount named ``balance``/``opening``/``closing`` is debit-positive (debit − credit). Reports
that show amounts by normal side convert with :func:`natural`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import and_, func, or_, select, tuple_
from sqlalchemy.orm import Session

from ennoshita.dates import add_months, end_of_month, fiscal_year_bounds, fiscal_year_of
from ennoshita.ledger import chart
from ennoshita.ledger.models import (
    Account,
    Balance,
    Department,
    JournalEntry,
    JournalLine,
    SubAccount,
    TaxBalance,
)
from ennoshita.ledger.posting import period_of
from ennoshita.ledger.rules import entry_number

if TYPE_CHECKING:
    from ennoshita.i18n import Translator


@dataclass(frozen=True)
class AccountInfo:
    id: int
    code: str
    name: str
    category: str
    section: str
    normal_side: str


def accounts(session: Session, lang: str = "ja") -> dict[int, AccountInfo]:
    """Every account, named in ``lang`` (:meth:`Account.name_in`): the reports of an English reader show the
    accounts' English names, the books' own formats (弥生, imports) the Japanese ones."""
    return {a.id: AccountInfo(a.id, a.code, a.name, a.category, a.section, a.normal_side)
            for a in session.execute(select(Account.id, Account.code, Account.name_in(lang).label("name"),
                                            Account.category, Account.section, Account.normal_side))}


def natural(info: AccountInfo, debit_positive: int) -> int:
    return debit_positive if info.normal_side == "debit" else -debit_positive


def is_pl(info: AccountInfo) -> bool:
    return info.category in ("revenue", "expense")


# ---------------------------------------------------------------- sums over a date range


@dataclass(frozen=True)
class Dimension:
    """Restrict sums to a sub-account and/or a department (None = all)."""

    sub_account_id: int | None = None
    department_id: int | None = None


def _month_span(date_from: dt.date, date_to: dt.date) -> tuple[int | None, int | None]:
    """The whole months inside [date_from, date_to] as (first period, last period), or (None, None)."""
    first = date_from if date_from.day == 1 else end_of_month(date_from.year, date_from.month) + dt.timedelta(1)
    last_end = date_to if date_to == end_of_month(date_to.year, date_to.month) else (
        dt.date(date_to.year, date_to.month, 1) - dt.timedelta(1))
    if first > last_end:
        return None, None
    return period_of(first), period_of(last_end)


def _edge_ranges(date_from: dt.date, date_to: dt.date) -> list[tuple[dt.date, dt.date]]:
    """Parts of the range not covered by whole months."""
    p_first, p_last = _month_span(date_from, date_to)
    if p_first is None or p_last is None:
        return [(date_from, date_to)]
    ranges = []
    first_day = dt.date(p_first // 100, p_first % 100, 1)
    if date_from < first_day:
        ranges.append((date_from, first_day - dt.timedelta(1)))
    last_day = end_of_month(p_last // 100, p_last % 100)
    if date_to > last_day:
        ranges.append((last_day + dt.timedelta(1), date_to))
    return ranges


SelectT = TypeVar("SelectT")


def _dim_filters(stmt: SelectT, model: type[Balance] | type[JournalLine], dim: Dimension) -> SelectT:
    """Add the sub-account/department conditions of ``dim`` to a select over ``model``."""
    return _dim_where(stmt, model, dim)  # type: ignore[no-any-return]


def _dim_where(stmt: Any, model: type[Balance] | type[JournalLine], dim: Dimension) -> Any:
    if dim.sub_account_id is not None:
        stmt = stmt.where(model.sub_account_id == dim.sub_account_id)
    if dim.department_id is not None:
        stmt = stmt.where(model.department_id == dim.department_id)
    return stmt


def sums_by_account(session: Session, date_from: dt.date, date_to: dt.date, dim: Dimension = Dimension(),
                    include_closing: bool = False, account_ids: list[int] | None = None) -> dict[int, list[int]]:
    """{account id: [debit, credit]} of postings dated within [date_from, date_to]."""
    out: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    if date_from > date_to:
        return out
    p_first, p_last = _month_span(date_from, date_to)
    if p_first is not None:
        stmt = select(Balance.account_id, func.sum(Balance.debit), func.sum(Balance.credit)).where(
            Balance.period >= p_first, Balance.period <= p_last)
        if not include_closing:
            stmt = stmt.where(Balance.is_closing.is_(False))
        if account_ids is not None:
            stmt = stmt.where(Balance.account_id.in_(account_ids))
        stmt = _dim_filters(stmt, Balance, dim)
        for acc, debit, credit in session.execute(stmt.group_by(Balance.account_id)):
            out[acc][0] += int(debit or 0)
            out[acc][1] += int(credit or 0)
    for lo, hi in _edge_ranges(date_from, date_to):
        stmt2 = (select(JournalLine.account_id, func.sum(JournalLine.debit), func.sum(JournalLine.credit))
                 .where(JournalLine.entry_date >= lo, JournalLine.entry_date <= hi))
        if not include_closing:
            stmt2 = stmt2.join(JournalEntry, JournalEntry.id == JournalLine.entry_id).where(
                JournalEntry.source != "closing")
        if account_ids is not None:
            stmt2 = stmt2.where(JournalLine.account_id.in_(account_ids))
        stmt2 = _dim_filters(stmt2, JournalLine, dim)
        for acc, debit, credit in session.execute(stmt2.group_by(JournalLine.account_id)):
            out[acc][0] += int(debit or 0)
            out[acc][1] += int(credit or 0)
    return out


def _all_before(session: Session, day: dt.date, dim: Dimension, account_ids: list[int] | None = None
                ) -> dict[int, int]:
    """Debit-positive cumulative balance of every account before ``day`` (closing entries included)."""
    out: dict[int, int] = defaultdict(int)
    period = period_of(day)
    stmt = select(Balance.account_id, func.sum(Balance.debit - Balance.credit)).where(Balance.period < period)
    if account_ids is not None:
        stmt = stmt.where(Balance.account_id.in_(account_ids))
    stmt = _dim_filters(stmt, Balance, dim)
    for acc, bal in session.execute(stmt.group_by(Balance.account_id)):
        out[acc] += int(bal or 0)
    if day.day > 1:
        stmt2 = select(JournalLine.account_id, func.sum(JournalLine.debit - JournalLine.credit)).where(
            JournalLine.entry_date >= dt.date(day.year, day.month, 1), JournalLine.entry_date < day)
        if account_ids is not None:
            stmt2 = stmt2.where(JournalLine.account_id.in_(account_ids))
        stmt2 = _dim_filters(stmt2, JournalLine, dim)
        for acc, bal in session.execute(stmt2.group_by(JournalLine.account_id)):
            out[acc] += int(bal or 0)
    return out


def openings(session: Session, date_from: dt.date, start_month: int, dim: Dimension = Dimension(),
             account_ids: list[int] | None = None) -> dict[int, int]:
    """Debit-positive opening balances at ``date_from``: balance-sheet accounts carry everything before it;
    income-statement accounts start at zero each fiscal year, and what they held before the year (not yet
    closed) opens in 繰越利益剰余金, so the openings always sum to zero."""
    infos = accounts(session)
    before = _all_before(session, date_from, dim, account_ids)
    fy_start, _ = fiscal_year_bounds(fiscal_year_of(date_from, start_month), start_month)
    before_fy = _all_before(session, fy_start, dim, account_ids) if fy_start < date_from else dict(before)
    out: dict[int, int] = {}
    carried = 0
    for acc, bal in before.items():
        info = infos[acc]
        if is_pl(info):
            out[acc] = bal - before_fy.get(acc, 0)
            carried += before_fy.get(acc, 0)
        else:
            out[acc] = bal
    if carried:
        re_id = next((a.id for a in infos.values() if a.code == chart.CODE_RETAINED_EARNINGS), None)
        if re_id is not None and (account_ids is None or re_id in account_ids):
            out[re_id] = out.get(re_id, 0) + carried
    return out


# ---------------------------------------------------------------- 残高試算表


@dataclass(frozen=True)
class TrialBalanceRow:
    account_id: int
    account_code: str
    account_name: str
    category: str
    section: str
    opening: int
    debit: int
    credit: int
    closing: int


@dataclass(frozen=True)
class SectionTotal:
    section: str
    opening: int
    debit: int
    credit: int
    closing: int


@dataclass(frozen=True)
class TrialBalance:
    date_from: dt.date
    date_to: dt.date
    rows: list[TrialBalanceRow]
    sections: list[SectionTotal]
    total_debit: int
    total_credit: int
    dimension: Dimension = Dimension()

    @property
    def checkable(self) -> bool:
        """Whether debits must equal credits: only over the whole books. A 部門 (or 補助科目) holds one side of an
        entry whose other side is elsewhere (sales in 営業部 against 売掛金 without a 部門), so its figures
        never balance and saying 貸借不一致 of them would be a false alarm."""
        return self.dimension == Dimension()

    @property
    def balanced(self) -> bool:
        return self.total_debit == self.total_credit and sum(r.closing for r in self.rows) == 0


def trial_balance(session: Session, date_from: dt.date, date_to: dt.date, start_month: int,
                  dim: Dimension = Dimension(), include_zero: bool = False, lang: str = "ja") -> TrialBalance:
    infos = accounts(session, lang)
    opening = openings(session, date_from, start_month, dim)
    moves = sums_by_account(session, date_from, date_to, dim)
    rows = []
    for acc_id in sorted(infos, key=lambda i: (chart.SECTION_ORDER.get(infos[i].section, 99), infos[i].code)):
        info = infos[acc_id]
        o = opening.get(acc_id, 0)
        d, c = moves.get(acc_id, [0, 0])
        if not include_zero and o == 0 and d == 0 and c == 0:
            continue
        rows.append(TrialBalanceRow(acc_id, info.code, info.name, info.category, info.section, o, d, c, o + d - c))
    sections: dict[str, list[int]] = {}
    for r in rows:
        slot = sections.setdefault(r.section, [0, 0, 0, 0])
        slot[0] += r.opening
        slot[1] += r.debit
        slot[2] += r.credit
        slot[3] += r.closing
    return TrialBalance(date_from, date_to, rows,
                        [SectionTotal(k, *v) for k, v in sections.items()],
                        sum(r.debit for r in rows), sum(r.credit for r in rows), dim)


# ---------------------------------------------------------------- 月次推移表


@dataclass(frozen=True)
class MonthlyRow:
    account_id: int
    account_code: str
    account_name: str
    section: str
    months: list[int]  # natural side: PL accounts the month's amount, BS accounts the month-end balance
    total: int


@dataclass(frozen=True)
class Monthly:
    fiscal_year: int
    months: list[str]
    rows: list[MonthlyRow]


def monthly(session: Session, fiscal_year: int, start_month: int, lang: str = "ja") -> Monthly:
    infos = accounts(session, lang)
    start, _end = fiscal_year_bounds(fiscal_year, start_month)
    periods = []
    y, m = start.year, start.month
    for _ in range(12):
        periods.append(y * 100 + m)
        y, m = add_months(y, m, 1)
    moves: dict[int, dict[int, int]] = defaultdict(dict)
    for acc, period, bal in session.execute(
            select(Balance.account_id, Balance.period, func.sum(Balance.debit - Balance.credit))
            .where(Balance.period >= periods[0], Balance.period <= periods[-1], Balance.is_closing.is_(False))
            .group_by(Balance.account_id, Balance.period)):
        moves[acc][period] = int(bal or 0)
    opening = openings(session, start, start_month)
    rows = []
    for acc_id in sorted(infos, key=lambda i: (chart.SECTION_ORDER.get(infos[i].section, 99), infos[i].code)):
        info = infos[acc_id]
        by_month = moves.get(acc_id, {})
        if not by_month and not opening.get(acc_id):
            continue
        values = []
        running = opening.get(acc_id, 0)
        for p in periods:
            if is_pl(info):
                values.append(natural(info, by_month.get(p, 0)))
            else:
                running += by_month.get(p, 0)
                values.append(natural(info, running))
        total = sum(values) if is_pl(info) else values[-1]
        rows.append(MonthlyRow(acc_id, info.code, info.name, info.section, values, total))
    return Monthly(fiscal_year, [f"{p // 100}-{p % 100:02d}" for p in periods], rows)


# ---------------------------------------------------------------- 損益計算書 / 貸借対照表


@dataclass(frozen=True)
class StatementLine:
    """One line of a statement, in the order and at the depth (``level``) a Japanese 決算書 prints it.

    kind: ``account`` (label is the account's name), ``heading`` (a group's name without an amount: label is the
    group key), ``section_total`` / ``group_total`` (the group's 合計: label is the key), ``subtotal`` / ``total``
    (a 段階利益 or 資産合計 ...: label is a key of ``ledger.figure``; a loss takes its own key, 営業損失, with the
    amount as a positive number), ``note`` (うち当期純利益: shown, not added)."""

    kind: str
    label: str
    amount: int
    section: str = ""
    code: str = ""
    level: int = 0


@dataclass
class Statement:
    title: str
    date_from: dt.date | None
    date_to: dt.date
    lines: list[StatementLine] = field(default_factory=list)
    figures: dict[str, int] = field(default_factory=dict)


PL_STEPS = (
    ("sales", None), ("cost_of_sales", "gross_profit"), ("sga", "operating_income"),
    ("non_operating_income", None), ("non_operating_expenses", "ordinary_income"),
    ("extraordinary_income", None), ("extraordinary_losses", "income_before_taxes"),
    ("income_taxes", "net_income"),
)
# 会社計算規則 第89条〜第94条: a 段階利益 below zero is shown as the loss under its own name
LOSS_LABELS = {"gross_profit": "gross_loss", "operating_income": "operating_loss",
               "ordinary_income": "ordinary_loss", "income_before_taxes": "loss_before_taxes",
               "net_income": "net_loss", "current_net_income": "current_net_loss"}
# Sections a 損益計算書 prints as one line when one account holds them (売上高, 法人税、住民税及び事業税)
_PL_SINGLE_LINE = ("sales", "income_taxes")


def _profit_line(kind: str, key: str, amount: int, section: str = "", level: int = 0) -> StatementLine:
    if amount < 0 and key in LOSS_LABELS:
        return StatementLine(kind, LOSS_LABELS[key], -amount, section, level=level)
    return StatementLine(kind, key, amount, section, level=level)


def income_statement(session: Session, date_from: dt.date, date_to: dt.date, lang: str = "ja") -> Statement:
    """損益計算書 (会社計算規則 第88条〜第94条): each section's accounts under its heading with its 合計, and each
    段階利益 (売上総利益, 営業利益, 経常利益, 税引前当期純利益, 当期純利益; 損失 when below zero) after its section.
    A section with no amount is left out, except 売上高 and 法人税、住民税及び事業税 (one line each, even at zero)."""
    infos = accounts(session, lang)
    moves = sums_by_account(session, date_from, date_to)
    stmt = Statement("income_statement", date_from, date_to)
    running = 0
    for section, subtotal in PL_STEPS:
        amount = 0
        rows: list[StatementLine] = []
        for acc_id in sorted((i for i in infos if infos[i].section == section), key=lambda i: infos[i].code):
            d, c = moves.get(acc_id, [0, 0])
            if d == 0 and c == 0:
                continue
            value = natural(infos[acc_id], d - c)
            rows.append(StatementLine("account", infos[acc_id].name, value, section, infos[acc_id].code, 1))
            amount += value
        if section in _PL_SINGLE_LINE and len(rows) <= 1:
            if rows:
                stmt.lines.append(replace(rows[0], level=0))
            else:
                stmt.lines.append(StatementLine("section_total", section, 0, section))
        elif rows:
            stmt.lines.append(StatementLine("heading", section, 0, section))
            stmt.lines.extend(rows)
            stmt.lines.append(StatementLine("section_total", section, amount, section, level=1))
        stmt.figures[section] = amount
        sign = 1 if chart.SECTION_CATEGORY.get(section) == "revenue" else -1
        running += sign * amount
        if subtotal:
            stmt.lines.append(_profit_line("subtotal", subtotal, running, section))
            stmt.figures[subtotal] = running
    return stmt


@dataclass(frozen=True)
class _Group:
    """A group of the 貸借対照表: a heading, its accounts (those whose section or sub-section is ``key``) or its
    sub-groups, and its 合計. ``flat``: the accounts stand in the parent without heading or total (資本金, 自己株式);
    ``always``: shown even when empty (the sections 会社計算規則 第73条・第75条 name)."""

    key: str
    children: tuple[_Group, ...] = ()
    flat: bool = False
    always: bool = False


BS_SECTIONS = ("current_assets", "fixed_assets", "deferred_assets", "current_liabilities",
               "long_term_liabilities", "net_assets")

# 会社計算規則 第72条〜第76条
BS_LAYOUT: tuple[tuple[str, str, tuple[_Group, ...]], ...] = (
    ("assets_part", "assets", (
        _Group("current_assets", always=True),
        _Group("fixed_assets", (_Group("tangible_fixed_assets"), _Group("intangible_fixed_assets"),
                                _Group("investments_and_other_assets")), always=True),
        _Group("deferred_assets"),
    )),
    ("liabilities_part", "liabilities", (
        _Group("current_liabilities", always=True), _Group("long_term_liabilities", always=True),
    )),
    ("net_assets_part", "", (
        _Group("net_assets", (
            _Group("shareholders_equity", (
                _Group("capital_stock", flat=True), _Group("stock_subscriptions", flat=True),
                _Group("capital_surplus"),
                _Group("retained_earnings", (_Group("legal_retained_earnings", flat=True),
                                             _Group("other_retained_earnings"))),
                _Group("treasury_shares", flat=True),
            ), always=True),
            _Group("valuation_adjustments"),
            _Group("share_acquisition_rights", flat=True),
        ), always=True),
    )),
)


def _group_of(info: AccountInfo) -> str:
    return chart.subsection(info.section, info.code)


def balance_sheet(session: Session, as_of: dt.date, start_month: int, lang: str = "ja") -> Statement:
    """貸借対照表 in the layout of 会社計算規則 第72条〜第76条: 資産の部 (流動資産; 固定資産 as 有形固定資産 with its
    減価償却累計額 deducted, 無形固定資産 and 投資その他の資産; 繰延資産), 負債の部, 純資産の部 (株主資本: 資本金,
    資本剰余金, 利益剰余金, 自己株式; 評価・換算差額等; 新株予約権), each group with its 合計. The year's profit not
    yet closed is inside 繰越利益剰余金, with a note of it (うち当期純利益).

    ``figures`` holds every section and group total by key (current_assets, tangible_fixed_assets,
    shareholders_equity, retained_earnings, ...) and assets, liabilities, net_assets, liabilities_and_net_assets,
    current_net_income."""
    infos = accounts(session, lang)
    cumulative = _all_before(session, as_of + dt.timedelta(1), Dimension())
    fy_start, _ = fiscal_year_bounds(fiscal_year_of(as_of, start_month), start_month)
    stmt = Statement("balance_sheet", None, as_of)
    # Net income of the current year not yet closed, and earlier unclosed years' (carried to 繰越利益剰余金).
    before_fy = _all_before(session, fy_start, Dimension())
    pl_all = sum(-bal for acc, bal in cumulative.items() if is_pl(infos[acc]))
    pl_before = sum(-bal for acc, bal in before_fy.items() if is_pl(infos[acc]))
    current_income = pl_all - pl_before
    retained = next((i for i in infos.values() if i.code == chart.CODE_RETAINED_EARNINGS
                     and i.section == "net_assets"), None)

    def account_lines(key: str, level: int) -> list[StatementLine]:
        out: list[StatementLine] = []
        members = sorted((i for i in infos.values() if i.section in BS_SECTIONS and _group_of(i) == key),
                         key=lambda i: i.code)
        for info in members:
            value = natural(info, cumulative.get(info.id, 0))
            if info is retained:
                value += pl_before + current_income
            if value == 0 and not (info is retained and current_income):
                continue
            out.append(StatementLine("account", info.name, value, info.section, info.code, level))
            if info is retained and current_income:
                out.append(_profit_line("note", "current_net_income", current_income, info.section, level + 1))
        if key == "other_retained_earnings" and retained is None and current_income:
            out.append(StatementLine("account", "current_net_income", current_income, "net_assets", level=level))
        return out

    def group(g: _Group, level: int, section: str) -> tuple[list[StatementLine], int]:
        """The lines of ``g`` at ``level`` and its total (figures[g.key] set)."""
        section = g.key if g.key in BS_SECTIONS else section
        inner_level = level if g.flat else level + 1
        if g.children:
            lines: list[StatementLine] = []
            amount = 0
            for child in g.children:
                child_lines, child_amount = group(child, inner_level, section)
                lines += child_lines
                amount += child_amount
        else:
            lines = account_lines(g.key, inner_level)
            amount = sum(ln.amount for ln in lines if ln.kind == "account")
        stmt.figures[g.key] = amount
        if g.flat or (not lines and not g.always):
            return lines, amount
        kind = "section_total" if g.key in BS_SECTIONS else "group_total"
        return ([StatementLine("heading", g.key, 0, section, level=level), *lines,
                 StatementLine(kind, g.key, amount, section, level=level)], amount)

    for part, total_key, groups in BS_LAYOUT:
        stmt.lines.append(StatementLine("heading", part, 0))
        part_total = 0
        for g in groups:
            lines, amount = group(g, 1 if total_key else 0, g.key)
            if not total_key:  # 純資産の部: the section is the part, its 合計 closes it at the part's level
                lines = [ln for ln in lines if not (ln.kind == "heading" and ln.label == g.key)]
            stmt.lines += lines
            part_total += amount
        if total_key:
            stmt.lines.append(StatementLine("total", total_key, part_total))
            stmt.figures[total_key] = part_total
    stmt.figures["liabilities_and_net_assets"] = stmt.figures["liabilities"] + stmt.figures["net_assets"]
    stmt.lines.append(StatementLine("total", "liabilities_and_net_assets", stmt.figures["liabilities_and_net_assets"]))
    stmt.figures["current_net_income"] = current_income
    return stmt


# ---------------------------------------------------------------- 総勘定元帳


GL_BATCH = 2000  # ledger lines read at a time by iter_general_ledger
JOURNAL_BATCH = 500  # entries read at a time by iter_journal


@dataclass(frozen=True)
class LedgerLine:
    entry_id: int
    entry_no: str
    entry_date: dt.date
    description: str
    counterparty: str
    counter_account: str
    sub_account: str
    department: str
    tax_category: str | None
    memo: str
    debit: int
    credit: int
    balance: int  # natural side


@dataclass(frozen=True)
class GeneralLedger:
    account: AccountInfo
    date_from: dt.date
    date_to: dt.date
    opening: int  # natural side
    lines: list[LedgerLine]
    total: int
    page: int
    per_page: int
    debit_total: int
    credit_total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def general_ledger(session: Session, account_id: int, date_from: dt.date, date_to: dt.date, start_month: int,
                   dim: Dimension = Dimension(), page: int = 1, per_page: int = 100, lang: str = "ja"
                   ) -> GeneralLedger:
    """One page of an account's ledger with its running balance. The balance before the page comes from the
    maintained monthly balances plus the lines of the page's first month before it, never a scan."""
    infos = accounts(session, lang)
    info = infos[account_id]
    opening = openings(session, date_from, start_month, dim, [account_id]).get(account_id, 0)
    base = _ledger_lines_of(account_id, date_from, date_to, dim)
    totals = sums_by_account(session, date_from, date_to, dim, include_closing=True, account_ids=[account_id])
    d_total, c_total = totals.get(account_id, [0, 0])
    total = _line_count(session, account_id, date_from, date_to, dim)
    page = max(1, page)
    rows = session.scalars(base.order_by(JournalLine.entry_date, JournalLine.entry_id, JournalLine.line_no)
                           .limit(per_page).offset((page - 1) * per_page)).all()
    running = opening
    if rows and page > 1:
        first = rows[0]
        month_start = max(dt.date(first.entry_date.year, first.entry_date.month, 1), date_from)
        prior = sums_by_account(session, date_from, month_start - dt.timedelta(1), dim, include_closing=True,
                                account_ids=[account_id]) if month_start > date_from else {}
        d, c = prior.get(account_id, [0, 0])
        running += d - c
        stmt = select(func.coalesce(func.sum(JournalLine.debit - JournalLine.credit), 0)).where(
            JournalLine.account_id == account_id, JournalLine.entry_date >= month_start,
            or_(JournalLine.entry_date < first.entry_date,
                and_(JournalLine.entry_date == first.entry_date,
                     tuple_(JournalLine.entry_id, JournalLine.line_no) < tuple_(first.entry_id, first.line_no))))
        if dim.sub_account_id is not None:
            stmt = stmt.where(JournalLine.sub_account_id == dim.sub_account_id)
        if dim.department_id is not None:
            stmt = stmt.where(JournalLine.department_id == dim.department_id)
        running += int(session.scalar(stmt) or 0)
    lines, _ = _ledger_lines(session, infos, info, rows, running, lang)
    return GeneralLedger(info, date_from, date_to, natural(info, opening), lines, total, page, per_page,
                         d_total, c_total)


def iter_general_ledger(session: Session, account_id: int, date_from: dt.date, date_to: dt.date,
                        start_month: int, dim: Dimension = Dimension(), batch: int | None = None,
                        lang: str = "ja") -> Iterator[LedgerLine]:
    """Every line of an account's ledger in the range, in ledger order with its running balance, a batch at a time
    (keyset on date, entry, line), so a file of any length is complete and memory stays flat."""
    batch = batch or GL_BATCH
    infos = accounts(session, lang)
    info = infos[account_id]
    running = openings(session, date_from, start_month, dim, [account_id]).get(account_id, 0)
    base = _ledger_lines_of(account_id, date_from, date_to, dim).order_by(
        JournalLine.entry_date, JournalLine.entry_id, JournalLine.line_no).limit(batch)
    stmt = base
    while True:
        rows = session.scalars(stmt).all()
        if not rows:
            return
        lines, running = _ledger_lines(session, infos, info, rows, running, lang)
        yield from lines
        if len(rows) < batch:
            return
        last = rows[-1]
        stmt = base.where(or_(JournalLine.entry_date > last.entry_date,
                              and_(JournalLine.entry_date == last.entry_date,
                                   or_(JournalLine.entry_id > last.entry_id,
                                       and_(JournalLine.entry_id == last.entry_id,
                                            JournalLine.line_no > last.line_no)))))


def _ledger_lines_of(account_id: int, date_from: dt.date, date_to: dt.date, dim: Dimension) -> Any:
    base = select(JournalLine).where(JournalLine.account_id == account_id, JournalLine.entry_date >= date_from,
                                     JournalLine.entry_date <= date_to)
    if dim.sub_account_id is not None:
        base = base.where(JournalLine.sub_account_id == dim.sub_account_id)
    if dim.department_id is not None:
        base = base.where(JournalLine.department_id == dim.department_id)
    return base


def _ledger_lines(session: Session, infos: dict[int, AccountInfo], info: AccountInfo, rows: Sequence[JournalLine],
                  running: int, lang: str) -> tuple[list[LedgerLine], int]:
    """The ledger lines of ``rows`` (one account, in order) with the running balance after each; and the last."""
    entry_ids = list({r.entry_id for r in rows})
    entries = {e.id: e for e in session.scalars(select(JournalEntry).where(JournalEntry.id.in_(entry_ids)))}
    counters = _counter_accounts(session, entry_ids, info.id, infos, lang)
    subs = _names(session, SubAccount, {r.sub_account_id for r in rows if r.sub_account_id})
    deps = _names(session, Department, {r.department_id for r in rows if r.department_id})
    lines = []
    for r in rows:
        running += r.debit - r.credit
        e = entries[r.entry_id]
        lines.append(LedgerLine(r.entry_id, entry_number(e.fiscal_year, e.number or 0), r.entry_date, e.description,
                                e.counterparty, counters.get(r.entry_id, ""), subs.get(r.sub_account_id or 0, ""),
                                deps.get(r.department_id or 0, ""), r.tax_category, r.memo, r.debit, r.credit,
                                natural(info, running)))
    return lines, running


def _line_count(session: Session, account_id: int, date_from: dt.date, date_to: dt.date, dim: Dimension) -> int:
    """How many lines an account has in a range: whole months from the maintained counts, edges from the index."""
    total = 0
    p_first, p_last = _month_span(date_from, date_to)
    if p_first is not None:
        stmt = select(func.coalesce(func.sum(Balance.line_count), 0)).where(
            Balance.account_id == account_id, Balance.period >= p_first, Balance.period <= p_last)
        total += int(session.scalar(_dim_filters(stmt, Balance, dim)) or 0)
    for lo, hi in _edge_ranges(date_from, date_to):
        stmt2 = select(func.count()).select_from(JournalLine).where(
            JournalLine.account_id == account_id, JournalLine.entry_date >= lo, JournalLine.entry_date <= hi)
        total += int(session.scalar(_dim_filters(stmt2, JournalLine, dim)) or 0)
    return total


def _names(session: Session, model: type[SubAccount] | type[Department], ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {int(i): str(n) for i, n in session.execute(select(model.id, model.name).where(model.id.in_(ids)))}


def _counter_accounts(session: Session, entry_ids: list[int], account_id: int, infos: dict[int, AccountInfo],
                      lang: str) -> dict[int, str]:
    """相手勘定: the other account of each entry, or 諸口 (Sundry) when there are several."""
    from ennoshita.i18n import gettext

    sundry = gettext(lang, "ledger.counter.sundry")
    if not entry_ids:
        return {}
    others: dict[int, set[int]] = defaultdict(set)
    for eid, acc in session.execute(select(JournalLine.entry_id, JournalLine.account_id)
                                    .where(JournalLine.entry_id.in_(entry_ids),
                                           JournalLine.account_id != account_id)):
        others[eid].add(acc)
    return {eid: (infos[next(iter(accs))].name if len(accs) == 1 else sundry) for eid, accs in others.items()}


# ---------------------------------------------------------------- 仕訳帳 and search


@dataclass(frozen=True)
class JournalRowLine:
    account_code: str
    account_name: str
    sub_account: str
    department: str
    tax_category: str | None
    debit: int
    credit: int
    memo: str


@dataclass(frozen=True)
class JournalRow:
    id: int
    entry_no: str
    entry_date: dt.date
    description: str
    counterparty: str
    status: str
    source: str
    total: int
    reverses_id: int | None
    corrects_id: int | None
    lines: list[JournalRowLine]


@dataclass(frozen=True)
class EntrySearch:
    """電子帳簿保存法 search: date range, amount range, counterparty, account, text; all combinable."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    amount_min: int | None = None
    amount_max: int | None = None
    counterparty: str | None = None
    account_id: int | None = None
    text: str | None = None
    status: str | None = None  # one status, or several separated by commas ("draft,pending")


@dataclass(frozen=True)
class JournalPage:
    rows: list[JournalRow]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def search_entries(session: Session, q: EntrySearch, page: int = 1, per_page: int = 50, lang: str = "ja"
                   ) -> JournalPage:
    stmt = select(JournalEntry)
    if q.status:
        stmt = stmt.where(JournalEntry.status.in_(q.status.split(",")))
    if q.date_from:
        stmt = stmt.where(JournalEntry.entry_date >= q.date_from)
    if q.date_to:
        stmt = stmt.where(JournalEntry.entry_date <= q.date_to)
    if q.amount_min is not None:
        stmt = stmt.where(JournalEntry.total >= q.amount_min)
    if q.amount_max is not None:
        stmt = stmt.where(JournalEntry.total <= q.amount_max)
    if q.counterparty:
        stmt = stmt.where(JournalEntry.counterparty.like(_like(q.counterparty), escape="\\"))
    if q.text:
        stmt = stmt.where(or_(JournalEntry.description.like(_like(q.text), escape="\\"),
                              JournalEntry.counterparty.like(_like(q.text), escape="\\")))
    if q.account_id is not None:
        stmt = stmt.where(JournalEntry.id.in_(select(JournalLine.entry_id)
                                              .where(JournalLine.account_id == q.account_id)))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    page = max(1, page)
    entries = session.scalars(stmt.order_by(JournalEntry.entry_date, JournalEntry.id)
                              .limit(per_page).offset((page - 1) * per_page)).all()
    return JournalPage(_with_lines(session, list(entries), lang), total, page, per_page)


def journal(session: Session, date_from: dt.date, date_to: dt.date, page: int = 1, per_page: int = 100,
            lang: str = "ja") -> JournalPage:
    """仕訳帳: posted entries in date order."""
    return search_entries(session, EntrySearch(date_from=date_from, date_to=date_to, status="posted"), page,
                          per_page, lang)


def _journal_where(stmt: Any, date_from: dt.date, date_to: dt.date) -> Any:
    return stmt.where(JournalEntry.status == "posted", JournalEntry.entry_date >= date_from,
                      JournalEntry.entry_date <= date_to)


def iter_journal(session: Session, date_from: dt.date, date_to: dt.date, batch: int | None = None,
                 lang: str = "ja") -> Iterator[JournalRow]:
    """仕訳帳: every posted entry of the range in date order, a batch at a time (keyset on date and id), so a file
    of any length is complete and memory stays flat."""
    batch = batch or JOURNAL_BATCH
    base = _journal_where(select(JournalEntry), date_from, date_to).order_by(
        JournalEntry.entry_date, JournalEntry.id).limit(batch)
    stmt = base
    while True:
        entries = list(session.scalars(stmt).all())
        if not entries:
            return
        yield from _with_lines(session, entries, lang)
        if len(entries) < batch:
            return
        last = entries[-1]
        stmt = base.where(or_(JournalEntry.entry_date > last.entry_date,
                              and_(JournalEntry.entry_date == last.entry_date, JournalEntry.id > last.id)))


def journal_line_count(session: Session, date_from: dt.date, date_to: dt.date) -> int:
    """How many lines the posted entries of a range have: the rows of the 仕訳帳 as a table."""
    stmt = _journal_where(select(func.count()).select_from(JournalLine)
                          .join(JournalEntry, JournalEntry.id == JournalLine.entry_id), date_from, date_to)
    return int(session.scalar(stmt) or 0)


def get_entry(session: Session, entry_id: int, lang: str = "ja") -> JournalRow | None:
    entry = session.get(JournalEntry, entry_id)
    if entry is None:
        return None
    return _with_lines(session, [entry], lang)[0]


def _with_lines(session: Session, entries: list[JournalEntry], lang: str = "ja") -> list[JournalRow]:
    ids = [e.id for e in entries]
    by_entry: dict[int, list[JournalRowLine]] = defaultdict(list)
    if ids:
        for line, code, name, sub, dep in session.execute(
                select(JournalLine, Account.code, Account.name_in(lang), SubAccount.name, Department.name)
                .join(Account, Account.id == JournalLine.account_id)
                .outerjoin(SubAccount, SubAccount.id == JournalLine.sub_account_id)
                .outerjoin(Department, Department.id == JournalLine.department_id)
                .where(JournalLine.entry_id.in_(ids)).order_by(JournalLine.entry_id, JournalLine.line_no)):
            by_entry[line.entry_id].append(JournalRowLine(code, name, sub or "", dep or "", line.tax_category,
                                                          line.debit, line.credit, line.memo))
    rows = []
    for e in entries:
        lines = by_entry.get(e.id, [])
        if e.status != "posted":  # a draft or an entry waiting for 承認: its lines as entered
            lines = _draft_lines(session, e, lang)
        rows.append(JournalRow(e.id, entry_number(e.fiscal_year, e.number) if e.number else "", e.entry_date,
                               e.description, e.counterparty, e.status, e.source, e.total, e.reverses_id,
                               e.corrects_id, lines))
    return rows


def _draft_lines(session: Session, entry: JournalEntry, lang: str) -> list[JournalRowLine]:
    import json

    names = dict(session.execute(select(Account.code, Account.name_in(lang))).all())
    return [JournalRowLine(item["account_code"], names.get(item["account_code"], item["account_code"]),
                           item.get("sub_account") or "", item.get("department") or "", item.get("tax_category"),
                           item["debit"], item["credit"], item.get("memo", ""))
            for item in json.loads(entry.draft_lines or "[]")]


# ---------------------------------------------------------------- 消費税集計表


@dataclass(frozen=True)
class TaxRow:
    tax_category: str
    account_code: str
    account_name: str
    debit: int
    credit: int


def tax_summary(session: Session, date_from: dt.date, date_to: dt.date, lang: str = "ja") -> list[TaxRow]:
    """Totals per tax category and account over whole months (the report works by month)."""
    p_from, p_to = period_of(date_from), period_of(date_to)
    infos = accounts(session, lang)
    rows = []
    for cat, acc, debit, credit in session.execute(
            select(TaxBalance.tax_category, TaxBalance.account_id, func.sum(TaxBalance.debit),
                   func.sum(TaxBalance.credit))
            .where(TaxBalance.period >= p_from, TaxBalance.period <= p_to)
            .group_by(TaxBalance.tax_category, TaxBalance.account_id)
            .order_by(TaxBalance.tax_category, TaxBalance.account_id)):
        info = infos[acc]
        rows.append(TaxRow(cat, info.code, info.name, int(debit or 0), int(credit or 0)))
    return rows


# ---------------------------------------------------------------- the consistency check


@dataclass(frozen=True)
class BalanceDifference:
    account_id: int
    sub_account_id: int
    department_id: int
    period: int
    is_closing: bool
    maintained: tuple[int, int, int]  # debit, credit, lines
    recomputed: tuple[int, int, int]

    def describe(self, t: Translator) -> str:
        """One line of ``ennoshita ledger check`` in ``t``'s language: the balance row (ids, month) and both sums."""
        (debit, credit, lines), (debit_re, credit_re, lines_re) = self.maintained, self.recomputed
        return t("ledger.check_diff", account=self.account_id, sub=self.sub_account_id, dept=self.department_id,
                 year=self.period // 100, month=f"{self.period % 100:02d}",
                 closing=t("ledger.check_closing") if self.is_closing else "",
                 debit=f"{debit:,}", credit=f"{credit:,}", lines=lines,
                 debit_re=f"{debit_re:,}", credit_re=f"{credit_re:,}", lines_re=lines_re)


def check_balances(session: Session) -> list[BalanceDifference]:
    """Recompute every maintained balance from the posted lines and list the differences (ledger check)."""
    period_expr = (func.extract("year", JournalLine.entry_date) * 100
                   + func.extract("month", JournalLine.entry_date))
    if session.get_bind().dialect.name == "sqlite":
        period_expr = func.cast(func.strftime("%Y%m", JournalLine.entry_date), Balance.period.type)
    inner = (select(JournalLine.account_id.label("acc"),
                    func.coalesce(JournalLine.sub_account_id, 0).label("sub"),
                    func.coalesce(JournalLine.department_id, 0).label("dep"),
                    period_expr.label("period"),
                    (JournalEntry.source == "closing").label("closing"),
                    JournalLine.debit.label("debit"), JournalLine.credit.label("credit"))
             .join(JournalEntry, JournalEntry.id == JournalLine.entry_id).subquery())
    recomputed: dict[tuple[int, int, int, int, bool], tuple[int, int, int]] = {}
    for acc, sub, dep, period, closing, debit, credit, count in session.execute(
            select(inner.c.acc, inner.c.sub, inner.c.dep, inner.c.period, inner.c.closing,
                   func.sum(inner.c.debit), func.sum(inner.c.credit), func.count())
            .group_by(inner.c.acc, inner.c.sub, inner.c.dep, inner.c.period, inner.c.closing)):
        recomputed[(acc, sub, dep, int(period), bool(closing))] = (int(debit or 0), int(credit or 0), int(count))
    maintained = {(b.account_id, b.sub_account_id, b.department_id, b.period, b.is_closing):
                  (b.debit, b.credit, b.line_count) for b in session.scalars(select(Balance))}
    diffs = []
    for key in sorted(set(recomputed) | set(maintained)):
        m = maintained.get(key, (0, 0, 0))
        r = recomputed.get(key, (0, 0, 0))
        if m != r:
            diffs.append(BalanceDifference(*key, maintained=m, recomputed=r))
    return diffs
