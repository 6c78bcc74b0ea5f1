"""Property: any set of posted entries gives books that balance, on SQLite and PostgreSQL.

Hypothesis generates 1..15 entries of 2..5 lines over the seeded chart (assets, liabilities, equity, revenue,
expenses), dated inside one fiscal year, with yen amounts of 1..10,000,000 and random 税区分; each entry
balances by construction (the lines of one side get random amounts, the lines of the other side partition
their total). They are posted through ``services.post_entry`` (what the entry screen and the API call), under
税抜経理 or 税込経理 and any rounding rule. Then:

- the 残高試算表 of the year has debits == credits, each account's movements are those generated, and each
  closing is opening + debit − credit (checked against the balance sheet by the account's normal side);
- the same over a random date range that cuts months (the report's edge path, read from the lines);
- the 貸借対照表 balances (資産 == 負債 + 純資産 with the year's profit), mid-year and at year end;
- the 損益計算書's 当期純利益 equals revenue − expenses computed here from the generated lines (with our own
  tax split), not from the system's tables;
- ``check_balances`` finds no difference between the maintained balances and the postings;
- the 月次推移表: each month of an income-statement account is that month's generated movement, the twelve add
  up to the year, and a balance-sheet account ends the year at its closing;
- 決算締め carries exactly that net income to 繰越利益剰余金, and everything still balances; the next year's
  前期繰越 is the balance-sheet accounts as closed, straight from the lines.

The ``db`` fixture is one database per test, so the examples share it: each example books a fiscal year of
its own (the next one) and compares *deltas* against the posted lines before it.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from ennoshita.actor import Actor
from ennoshita.db import Database
from ennoshita.identity import company as company_service
from ennoshita.ledger import chart, ctax_settlement, queries, services
from ennoshita.ledger.models import Account, JournalLine
from ennoshita.ledger.rules import EntryDraft, LineDraft

ACCOUNTANT = Actor(user_id=None, name="経理 花子", roles=frozenset({"accounting"}), via="cli")
START_MONTH = 4
# Fiscal years from 2023 (April starts) run through every step of the 経過措置 (80/70/50/30%, then none).
FIRST_YEAR = 2023
# Shrinking re-posts on the shared database and can take Hypothesis's full five minutes; a failure reports its
# generated example at once without it. Set LEDGER_PROPERTY_SHRINK=1 to get a minimal example instead.
PHASES = tuple(Phase) if os.environ.get("LEDGER_PROPERTY_SHRINK") else tuple(p for p in Phase if p != Phase.shrink)

CATEGORIES = ("asset", "liability", "equity", "revenue", "expense")
BY_CATEGORY: dict[str, list[chart.ChartAccount]] = {
    cat: [a for a in chart.ACCOUNTS if a.category == cat] for cat in CATEGORIES}
BY_CODE = {a.code: a for a in chart.ACCOUNTS}

# The oracle's own table of the taxable 税区分: (rate in %, direction). Non-taxable ones are not split.
TAXABLE = {"sales_10": (10, "sales"), "sales_8r": (8, "sales"), "purchase_10": (10, "purchase"),
           "purchase_8r": (8, "purchase"), "purchase_10_transitional": (10, "purchase"),
           "purchase_8r_transitional": (8, "purchase")}
UNTAXED = ("sales_exempt", "sales_export", "purchase_exempt", "out_of_scope")
INPUT_TAX, OUTPUT_TAX = "1460", "2220"  # 仮払消費税, 仮受消費税 (checked against the seeded chart below)


def assert_groups_add_up(bs: queries.Statement) -> None:
    """Each group of the 貸借対照表 (有形固定資産 ..., 株主資本 ...) is the sum of its accounts' lines as shown, and
    each 合計 the sum of its groups."""
    f = bs.figures
    by_group: dict[str, int] = {}
    for line in bs.lines:
        if line.kind == "account" and line.code:
            key = BY_CODE[line.code].subsection
            by_group[key] = by_group.get(key, 0) + line.amount
    for key in ("current_assets", "deferred_assets", "current_liabilities", "long_term_liabilities",
                *chart.SUBSECTIONS["fixed_assets"], *chart.SUBSECTIONS["net_assets"]):
        assert f[key] == by_group.get(key, 0), key
    assert f["fixed_assets"] == sum(f[k] for k in chart.SUBSECTIONS["fixed_assets"])
    assert f["assets"] == f["current_assets"] + f["fixed_assets"] + f["deferred_assets"]
    assert f["liabilities"] == f["current_liabilities"] + f["long_term_liabilities"]
    assert f["retained_earnings"] == f["legal_retained_earnings"] + f["other_retained_earnings"]
    assert f["shareholders_equity"] == (f["capital_stock"] + f["stock_subscriptions"] + f["capital_surplus"]
                                        + f["retained_earnings"] + f["treasury_shares"])
    assert f["net_assets"] == f["shareholders_equity"] + f["valuation_adjustments"] + f["share_acquisition_rights"]


# ---------------------------------------------------------------- generated data


@dataclass(frozen=True)
class GenLine:
    code: str
    by_name: bool  # enter the account by its name instead of its code (both are accepted)
    debit: int
    credit: int
    tax: str | None


@dataclass(frozen=True)
class GenEntry:
    day_offset: int  # days from the fiscal year's first day (wrapped to the year's length)
    description: str
    lines: tuple[GenLine, ...]


@dataclass(frozen=True)
class Example:
    tax_accounting: str
    rounding: str
    entries: tuple[GenEntry, ...]
    range_offsets: tuple[int, int]  # a sub-range of the year for the month-cutting trial balance


accounts_st = st.sampled_from(CATEGORIES).flatmap(lambda cat: st.sampled_from(BY_CATEGORY[cat]))
tax_st = st.one_of(st.none(), st.sampled_from(sorted(TAXABLE)), st.sampled_from(UNTAXED))
amount_st = st.integers(min_value=1, max_value=10_000_000)
text_st = st.text(alphabet="旅費交通費売上仕入家賃現金振込あいうアイウｱｲｳ０１２ABC -・（）", max_size=30)


@st.composite
def entry_st(draw: st.DrawFn) -> GenEntry:
    n = draw(st.integers(min_value=2, max_value=5))
    n_drawn = draw(st.integers(min_value=1, max_value=n - 1))
    drawn_side = draw(st.sampled_from(("debit", "credit")))
    amounts = [draw(amount_st) for _ in range(n_drawn)]
    total = sum(amounts)
    # The other side partitions the same total into positive parts (fewer parts if the total is tiny).
    n_other = min(n - n_drawn, total)
    cuts = sorted(draw(st.lists(st.integers(min_value=1, max_value=total - 1), min_size=n_other - 1,
                                max_size=n_other - 1, unique=True))) if n_other > 1 else []
    parts = [b - a for a, b in itertools.pairwise([0, *cuts, total])]
    assert sum(parts) == total and all(p > 0 for p in parts)
    lines = []
    for i, amount in enumerate(amounts + parts):
        on_drawn = i < n_drawn
        is_debit = (drawn_side == "debit") == on_drawn
        acc = draw(accounts_st)
        lines.append(GenLine(acc.code, draw(st.booleans()), amount if is_debit else 0, 0 if is_debit else amount,
                             draw(tax_st)))
    order = draw(st.permutations(range(len(lines))))
    return GenEntry(draw(st.integers(min_value=0, max_value=365)), draw(text_st),
                    tuple(lines[i] for i in order))


example_st = st.builds(
    Example,
    tax_accounting=st.sampled_from(("exclusive", "inclusive")),
    rounding=st.sampled_from(("floor", "half_up", "ceil")),
    entries=st.lists(entry_st(), min_size=1, max_size=15).map(tuple),
    range_offsets=st.tuples(st.integers(0, 365), st.integers(0, 365)),
)


# ---------------------------------------------------------------- the oracle (pure Python, from the draws)


def tax_of(gross: int, rate: int, rounding: str) -> int:
    """gross × rate / (100 + rate) rounded by the company's rule, in integers."""
    num, den = gross * rate, 100 + rate
    if rounding == "floor":
        return num // den
    if rounding == "ceil":
        return -(-num // den)
    return (2 * num + den) // (2 * den)  # half up (amounts are positive)


# The oracle's own copy of the 経過措置 steps (令和8年度改正): the share of the input tax that is deductible.
TRANSITIONAL_SHARE = ((dt.date(2023, 10, 1), dt.date(2026, 9, 30), 80),
                      (dt.date(2026, 10, 1), dt.date(2028, 9, 30), 70),
                      (dt.date(2028, 10, 1), dt.date(2030, 9, 30), 50),
                      (dt.date(2030, 10, 1), dt.date(2031, 9, 30), 30))


def round_share(tax: int, percent: int, rounding: str) -> int:
    return tax_of_ratio(tax * percent, 100, rounding)


def tax_of_ratio(num: int, den: int, rounding: str) -> int:
    if rounding == "floor":
        return num // den
    if rounding == "ceil":
        return -(-num // den)
    return (2 * num + den) // (2 * den)


def share_on(day: dt.date) -> int:
    if day < TRANSITIONAL_SHARE[0][0]:
        return 100  # before the invoice system every purchase was fully deductible
    return next((pct for first, last, pct in TRANSITIONAL_SHARE if first <= day <= last), 0)


def booked_lines(line: GenLine, tax_accounting: str, rounding: str, day: dt.date) -> list[tuple[str, int, int]]:
    """(account code, debit, credit) as the books should hold them: under 税抜経理 a taxable line is entered
    tax-inclusive and becomes net + 仮払/仮受消費税 on the same side; a 経過措置 purchase puts only the share
    deductible on its date into 仮払消費税."""
    if tax_accounting != "exclusive" or line.tax not in TAXABLE:
        return [(line.code, line.debit, line.credit)]
    rate, direction = TAXABLE[line.tax]
    gross = line.debit or line.credit
    tax = tax_of(gross, rate, rounding)
    if line.tax.endswith("_transitional"):
        tax = round_share(tax, share_on(day), rounding)
    if tax == 0 or gross - tax <= 0:
        return [(line.code, line.debit, line.credit)]
    tax_code = INPUT_TAX if direction == "purchase" else OUTPUT_TAX
    if line.debit:
        return [(line.code, gross - tax, 0), (tax_code, tax, 0)]
    return [(line.code, 0, gross - tax), (tax_code, 0, tax)]


def moves_of(example: Example, days: list[dt.date], lo: dt.date, hi: dt.date) -> dict[str, list[int]]:
    """{account code: [debit, credit]} of the generated entries dated in [lo, hi]."""
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for entry, day in zip(example.entries, days, strict=True):
        if lo <= day <= hi:
            for line in entry.lines:
                for code, debit, credit in booked_lines(line, example.tax_accounting, example.rounding, day):
                    out[code][0] += debit
                    out[code][1] += credit
    return out


def net_income_of(moves: dict[str, list[int]]) -> int:
    revenue = sum(c - d for code, (d, c) in moves.items() if BY_CODE[code].category == "revenue")
    expenses = sum(d - c for code, (d, c) in moves.items() if BY_CODE[code].category == "expense")
    return revenue - expenses


def natural(code: str, debit_positive: int) -> int:
    return debit_positive if BY_CODE[code].normal_side == "debit" else -debit_positive


# ---------------------------------------------------------------- the test


@pytest.fixture
def books(db: Database) -> Iterator[Database]:
    company_service.update_company(db.uow(), Actor.system(), {
        "name": "プロパティ株式会社", "fiscal_year_start_month": START_MONTH, "tax_accounting": "exclusive",
        "tax_rounding": "floor"})
    with db.uow() as uow:
        active = dict(uow.session.execute(
            select(Account.code, Account.name).where(Account.active.is_(True))).all())
    # The strategies draw from the seeded chart: every account they may pick is there and active, under the
    # same name (accounts are entered by code or by name).
    assert all(active.get(a.code) == a.name for accs in BY_CATEGORY.values() for a in accs)
    assert active[INPUT_TAX] == "仮払消費税" and active[OUTPUT_TAX] == "仮受消費税"
    assert active[chart.CODE_RETAINED_EARNINGS] == "繰越利益剰余金"
    yield db


def raw_cumulative(db: Database) -> dict[str, int]:
    """Debit-positive sum of every posted line per account code, straight from the lines (the baseline)."""
    with db.uow() as uow:
        return {code: int(bal) for code, bal in uow.session.execute(
            select(Account.code, func.sum(JournalLine.debit - JournalLine.credit))
            .join(Account, Account.id == JournalLine.account_id).group_by(Account.code))}


def test_posted_entries_always_give_balanced_books(books: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    # each example books a fresh fiscal year after the last (2023 up to 2023 + 25), beyond the years a posting
    # may fall in (up to the current fiscal year + 1): open them all for this property
    monkeypatch.setattr("ennoshita.ledger.posting.posting_years", lambda _s, _m: (FIRST_YEAR, FIRST_YEAR + 100))
    years = itertools.count(FIRST_YEAR)

    @settings(max_examples=25, deadline=None, phases=PHASES, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                      HealthCheck.too_slow,
                                                                      HealthCheck.data_too_large])
    @given(example=example_st)
    def check(example: Example) -> None:
        fy = next(years)  # a fresh fiscal year per example: its movements are this example's only
        fy_start, fy_end = dt.date(fy, START_MONTH, 1), dt.date(fy + 1, START_MONTH, 1) - dt.timedelta(1)
        length = (fy_end - fy_start).days + 1
        days = [fy_start + dt.timedelta(e.day_offset % length) for e in example.entries]
        company_service.update_company(books.uow(), Actor.system(), {
            "tax_accounting": example.tax_accounting, "tax_rounding": example.rounding})
        before = raw_cumulative(books)

        for entry, day in zip(example.entries, days, strict=True):
            services.post_entry(books.uow(), ACCOUNTANT, EntryDraft(day, entry.description, "", tuple(
                LineDraft(BY_CODE[ln.code].name if ln.by_name else ln.code, ln.debit, ln.credit, ln.tax)
                for ln in entry.lines)))

        year_moves = moves_of(example, days, fy_start, fy_end)
        net_income = net_income_of(year_moves)
        grand_total = sum(d for d, _c in year_moves.values())
        # Openings at the year's start: balance-sheet accounts carry everything before; income-statement
        # accounts start at zero and whatever they held (years not closed) opens in 繰越利益剰余金.
        opening = {code: bal for code, bal in before.items() if BY_CODE[code].category not in ("revenue", "expense")}
        carried = sum(bal for code, bal in before.items() if BY_CODE[code].category in ("revenue", "expense"))
        if carried:
            opening[chart.CODE_RETAINED_EARNINGS] = opening.get(chart.CODE_RETAINED_EARNINGS, 0) + carried
        closing = {code: opening.get(code, 0) + year_moves.get(code, [0, 0])[0] - year_moves.get(code, [0, 0])[1]
                   for code in set(opening) | set(year_moves)}

        with books.uow() as uow:
            s = uow.session
            # 残高試算表 of the year.
            tb = queries.trial_balance(s, fy_start, fy_end, START_MONTH)
            assert tb.total_debit == tb.total_credit == grand_total
            assert tb.balanced
            rows = {r.account_code: r for r in tb.rows}
            assert {c for c, (d, cr) in year_moves.items() if d or cr} <= set(rows)
            for code, row in rows.items():
                d, c = year_moves.get(code, [0, 0])
                assert (row.debit, row.credit) == (d, c), code
                assert row.opening == opening.get(code, 0), code
                assert row.closing == row.opening + row.debit - row.credit == closing[code], code

            # 月次推移表: each month of an income-statement account is that month's generated movement and the
            # twelve add up to the year; a balance-sheet account's last month-end is its closing.
            month_starts = [dt.date(fy + (START_MONTH + i - 1) // 12, (START_MONTH + i - 1) % 12 + 1, 1)
                            for i in range(12)]
            by_month = [moves_of(example, days, m, (month_starts[i + 1] if i < 11 else fy_end + dt.timedelta(1))
                                 - dt.timedelta(1)) for i, m in enumerate(month_starts)]
            for mrow in queries.monthly(s, fy, START_MONTH).rows:
                code = mrow.account_code
                if BY_CODE[code].category in ("revenue", "expense"):
                    expected = [natural(code, m.get(code, [0, 0])[0] - m.get(code, [0, 0])[1]) for m in by_month]
                    assert mrow.months == expected, code
                    d, c = year_moves.get(code, [0, 0])
                    assert sum(mrow.months) == mrow.total == natural(code, d - c), code
                else:
                    assert mrow.months[-1] == mrow.total == natural(code, closing.get(code, 0)), code

            # The same over a range that cuts months: movements and openings inside the year.
            lo, hi = sorted(fy_start + dt.timedelta(o % length) for o in example.range_offsets)
            part = queries.trial_balance(s, lo, hi, START_MONTH)
            part_moves = moves_of(example, days, lo, hi)
            earlier = moves_of(example, days, fy_start, lo - dt.timedelta(1))
            assert part.total_debit == part.total_credit == sum(d for d, _c in part_moves.values())
            for row in part.rows:
                d, c = part_moves.get(row.account_code, [0, 0])
                e_d, e_c = earlier.get(row.account_code, [0, 0])
                assert (row.debit, row.credit) == (d, c), row.account_code
                assert row.opening == opening.get(row.account_code, 0) + e_d - e_c, row.account_code

            # 損益計算書: the system's net income is the oracle's revenue − expenses.
            pl = queries.income_statement(s, fy_start, fy_end)
            assert pl.figures["net_income"] == net_income

            # 貸借対照表 at year end: it balances, with the year's profit in net assets, and every account
            # shows its closing on its normal side.
            bs = queries.balance_sheet(s, fy_end, START_MONTH)
            assert bs.figures["assets"] == bs.figures["liabilities_and_net_assets"]
            assert bs.figures["current_net_income"] == net_income
            shown = {line.code: line.amount for line in bs.lines if line.kind == "account" and line.code}
            for code, bal in closing.items():
                if BY_CODE[code].category in ("revenue", "expense"):
                    continue
                # 繰越利益剰余金 holds the year's profit until the close (shown inside it as うち当期純利益)
                inside = net_income if code == chart.CODE_RETAINED_EARNINGS else 0
                assert shown.get(code, 0) == natural(code, bal) + inside, code
            assert_groups_add_up(bs)
            # ... and at any day of the year.
            mid = queries.balance_sheet(s, lo, START_MONTH)
            assert mid.figures["assets"] == mid.figures["liabilities_and_net_assets"]
            assert_groups_add_up(mid)

            assert queries.check_balances(s) == []

        # The year-end 消費税 settlement (its figures are tested against hand computations in
        # test_consumption_tax*) clears 仮受/仮払消費税 against the tax due and moves what is left to 雑収入 /
        # 雑損失 (税込経理: the tax due to 租税公課): the close carries that too, so add its P/L lines.
        settled = ctax_settlement.post_settlement(books.uow(), ACCOUNTANT, fy)
        settlement_pl = settlement_moves = 0
        if settled is not None:
            with books.uow() as uow:
                for code, d, c in uow.session.execute(
                        select(Account.code, JournalLine.debit, JournalLine.credit)
                        .join(Account, Account.id == JournalLine.account_id)
                        .where(JournalLine.entry_id == settled.id)):
                    settlement_moves += d
                    if BY_CODE[code].category in ("revenue", "expense"):
                        settlement_pl += c - d
        net_income += settlement_pl
        grand_total += settlement_moves
        # 決算締め: the closing entry carries exactly the net income to 繰越利益剰余金.
        result = services.close_year(books.uow(), ACCOUNTANT, fy)
        assert result.net_income == net_income
        after = raw_cumulative(books)
        re_code = chart.CODE_RETAINED_EARNINGS
        re_moves = year_moves.get(re_code, [0, 0])
        # Debit-positive: a profit credits 繰越利益剰余金.
        assert after.get(re_code, 0) - before.get(re_code, 0) - (re_moves[0] - re_moves[1]) == -net_income
        assert all(bal == 0 for code, bal in after.items() if BY_CODE[code].category in ("revenue", "expense"))
        with books.uow() as uow:
            s = uow.session
            assert queries.check_balances(s) == []
            assert queries.income_statement(s, fy_start, fy_end).figures["net_income"] == net_income
            bs = queries.balance_sheet(s, fy_end, START_MONTH)
            assert bs.figures["assets"] == bs.figures["liabilities_and_net_assets"]
            assert bs.figures["current_net_income"] == 0
            tb = queries.trial_balance(s, fy_start, fy_end, START_MONTH)
            assert tb.total_debit == tb.total_credit == grand_total  # the closing entry is not a movement
            # 前期繰越: the next year opens with the balance-sheet accounts as closed (繰越利益剰余金 with the
            # year's profit) and the income-statement accounts at zero, straight from the lines
            next_start = fy_end + dt.timedelta(1)
            carried_over = {r.account_code: r.opening
                            for r in queries.trial_balance(s, next_start, next_start, START_MONTH).rows if r.opening}
            assert carried_over == {code: bal for code, bal in after.items()
                                    if bal and BY_CODE[code].category not in ("revenue", "expense")}

    check()
