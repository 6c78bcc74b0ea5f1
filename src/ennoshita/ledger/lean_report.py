"""The 残高試算表 on a bare DB-API connection, for a command line that must start fast (issue 13 item 3).

``ennoshita report trial-balance --format json`` is one query over the maintained balances, yet importing
SQLAlchemy alone costs about 0.25 s of CPU, more than the whole report. This module reads the same tables with
the same rule as :func:`ennoshita.ledger.queries.trial_balance` (whole months from ``ledger_balances``, the
partial months at the edges from ``journal_lines``; openings carry balance-sheet accounts and move what the
income-statement accounts held before the fiscal year into 繰越利益剰余金), through ``sqlite3`` or ``psycopg``
directly, and imports nothing else of the project but :mod:`ennoshita.dates` and the chart's section order.
tests/integration/test_ledger_lean_report.py checks it against the service on SQLite and PostgreSQL.

It reads only; anything it does not expect (a URL of another kind, a missing file or table, no company)
returns ``None`` and the caller takes the ordinary path, which reports the problem as it always has.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ennoshita.dates import end_of_month, fiscal_year_bounds, fiscal_year_of
from ennoshita.ledger.chart import CODE_RETAINED_EARNINGS, SECTION_ORDER

Fetch = Callable[[str, Sequence[Any]], list[tuple[Any, ...]]]


@dataclass(frozen=True)
class LeanRow:
    account_code: str
    account_name: str
    opening: int
    debit: int
    credit: int
    closing: int


def _period(day: dt.date) -> int:
    return day.year * 100 + day.month


def _month_span(date_from: dt.date, date_to: dt.date) -> tuple[int, int] | None:
    first = date_from if date_from.day == 1 else end_of_month(date_from.year, date_from.month) + dt.timedelta(1)
    last_end = date_to if date_to == end_of_month(date_to.year, date_to.month) else (
        dt.date(date_to.year, date_to.month, 1) - dt.timedelta(1))
    if first > last_end:
        return None
    return _period(first), _period(last_end)


def _edge_ranges(date_from: dt.date, date_to: dt.date) -> list[tuple[dt.date, dt.date]]:
    span = _month_span(date_from, date_to)
    if span is None:
        return [(date_from, date_to)]
    p_first, p_last = span
    ranges = []
    first_day = dt.date(p_first // 100, p_first % 100, 1)
    if date_from < first_day:
        ranges.append((date_from, first_day - dt.timedelta(1)))
    last_day = end_of_month(p_last // 100, p_last % 100)
    if date_to > last_day:
        ranges.append((last_day + dt.timedelta(1), date_to))
    return ranges


def _all_before(fetch: Fetch, day: dt.date) -> dict[int, int]:
    """Debit-positive balance of every account before ``day``, closing entries included."""
    out: dict[int, int] = defaultdict(int)
    for acc, bal in fetch("SELECT account_id, SUM(debit - credit) FROM ledger_balances WHERE period < ? "
                          "GROUP BY account_id", (_period(day),)):
        out[acc] += int(bal or 0)
    if day.day > 1:
        for acc, bal in fetch("SELECT account_id, SUM(debit - credit) FROM journal_lines "
                              "WHERE entry_date >= ? AND entry_date < ? GROUP BY account_id",
                              (dt.date(day.year, day.month, 1), day)):
            out[acc] += int(bal or 0)
    return out


def trial_balance(fetch: Fetch, date_from: dt.date, date_to: dt.date, start_month: int, lang: str = "ja"
                  ) -> list[LeanRow]:
    """The rows of ``queries.trial_balance(session, date_from, date_to, start_month, lang=lang)`` (no dimension,
    accounts without opening or movement left out), in its order, the accounts named in ``lang`` as
    :meth:`ennoshita.ledger.models.Account.name_in` names them. ``fetch(sql, params)`` runs SQL with ``?``
    markers."""
    name = "COALESCE(NULLIF(name_en, ''), name)" if lang == "en" else "name"
    infos = {r[0]: r for r in fetch(f"SELECT id, code, {name}, category, section FROM accounts", ())}

    def is_pl(acc: int) -> bool:
        return str(infos[acc][3]) in ("revenue", "expense")

    before = _all_before(fetch, date_from)
    fy_start, _ = fiscal_year_bounds(fiscal_year_of(date_from, start_month), start_month)
    before_fy = _all_before(fetch, fy_start) if fy_start < date_from else dict(before)
    opening: dict[int, int] = {}
    carried = 0
    for acc, bal in before.items():
        if is_pl(acc):
            opening[acc] = bal - before_fy.get(acc, 0)
            carried += before_fy.get(acc, 0)
        else:
            opening[acc] = bal
    if carried:
        re_id = next((i for i, r in infos.items() if r[1] == CODE_RETAINED_EARNINGS), None)
        if re_id is not None:
            opening[re_id] = opening.get(re_id, 0) + carried
    moves: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    if date_from <= date_to:
        span = _month_span(date_from, date_to)
        if span is not None:
            for acc, debit, credit in fetch(
                    "SELECT account_id, SUM(debit), SUM(credit) FROM ledger_balances "
                    "WHERE period >= ? AND period <= ? AND is_closing = ? GROUP BY account_id",
                    (span[0], span[1], False)):
                moves[acc][0] += int(debit or 0)
                moves[acc][1] += int(credit or 0)
        for lo, hi in _edge_ranges(date_from, date_to):
            for acc, debit, credit in fetch(
                    "SELECT l.account_id, SUM(l.debit), SUM(l.credit) FROM journal_lines l "
                    "JOIN journal_entries e ON e.id = l.entry_id "
                    "WHERE l.entry_date >= ? AND l.entry_date <= ? AND e.source != 'closing' "
                    "GROUP BY l.account_id", (lo, hi)):
                moves[acc][0] += int(debit or 0)
                moves[acc][1] += int(credit or 0)
    rows = []
    for acc in sorted(infos, key=lambda i: (SECTION_ORDER.get(infos[i][4], 99), infos[i][1])):
        o = opening.get(acc, 0)
        d, c = moves.get(acc, [0, 0])
        if o == 0 and d == 0 and c == 0:
            continue
        rows.append(LeanRow(infos[acc][1], infos[acc][2], o, d, c, o + d - c))
    return rows


def connect(url: str) -> tuple[Fetch, Callable[[], None]] | None:
    """``(fetch, close)`` for a ``sqlite:///`` file or a ``postgresql+psycopg://`` URL, or None for anything
    else (the caller then takes the ordinary path)."""
    if url.startswith("sqlite:///"):
        import sqlite3

        path = url[len("sqlite:///"):]
        if not path or "?" in path or path.startswith("file:") or path == ":memory:" or not Path(path).is_file():
            return None
        conn = sqlite3.connect(path, timeout=30, isolation_level=None)
        conn.execute("BEGIN")  # one snapshot for every query of the report, as the session's transaction

        def fetch_sqlite(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
            args = [p.isoformat() if isinstance(p, dt.date) else p for p in params]
            return conn.execute(sql, args).fetchall()

        return fetch_sqlite, conn.close
    if url.startswith("postgresql+psycopg://"):
        import psycopg

        pg = psycopg.connect("postgresql://" + url[len("postgresql+psycopg://"):], autocommit=False)

        def fetch_pg(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
            with pg.cursor() as cur:
                cur.execute(sql.replace("?", "%s"), list(params))
                return cur.fetchall()

        return fetch_pg, pg.close
    return None


def start_month(fetch: Fetch) -> int | None:
    """The company's 期首月, or None when the company is not set up."""
    found = fetch("SELECT fiscal_year_start_month FROM company WHERE id = ?", (1,))
    return int(found[0][0]) if found else None
