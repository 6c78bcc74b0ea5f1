"""The ledger at scale: 3 years, 1,000,000 journal entries (about 2.8 million lines) over the standard chart.

Measured on SQLite and on PostgreSQL in one run:
- import throughput through the real path (`ennoshita journal import --format yayoi`, validation included),
  in a child process so that its peak memory (max RSS) is measured too;
- 残高試算表 for one fiscal year, 月次推移表, the first page of 総勘定元帳 for the busiest account, and posting one
  more entry while a million exist;
then the same books are exported with `journal export --format hledger`, and `hledger bal` and `ledger bal`
(Debian packages) are timed on that file; every account's balance must equal ours.

Set ENNOSHITA_BENCH_ENTRIES to run smaller (the default is the issue's 1,000,000).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import shutil
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

from bench.common import WORK, fresh_database, machine, ms, timed, write_section
from ennoshita.actor import Actor
from ennoshita.db import Database
from ennoshita.identity import company as company_service
from ennoshita.ledger import queries, services
from ennoshita.ledger.rules import EntryDraft, LineDraft

ENTRIES = int(os.environ.get("ENNOSHITA_BENCH_ENTRIES", "1000000"))
START = dt.date(2023, 4, 1)
DAYS = 3 * 365
EXPENSES = ("旅費交通費", "通信費", "消耗品費", "会議費", "水道光熱費", "支払手数料", "地代家賃", "外注費")
ACTOR = Actor(user_id=None, name="bench", roles=frozenset({"admin"}), via="cli")


def _row(flag: str, no: int, day: dt.date, d: tuple[str, str, int, str], c: tuple[str, str, int, str],
         memo: str) -> str:
    def side(s: tuple[str, str, int, str]) -> str:
        acc, tax, amount, taxamt = s
        return f"{acc},,,{tax},{amount},{taxamt}" if acc else ",,,,,"
    return (f"{flag},{no},,{day:%Y/%m/%d},{side(d)},{side(c)},{memo},,,0,,,0,0,no\r\n")


def generate(path: Path, entries: int) -> None:
    """A 弥生 file: 50% sales with 10% tax, 30% expenses with input tax, 20% collections; 3 lines average."""
    rng = random.Random(42)
    empty = ("", "", 0, "")
    with path.open("w", encoding="cp932", newline="") as fh:
        for i in range(1, entries + 1):
            day = START + dt.timedelta(days=(i - 1) * DAYS // entries)
            kind = rng.random()
            if kind < 0.5:
                amount = rng.randrange(1, 5000) * 110
                fh.write(_row("2000", i, day, ("売掛金", "", amount, ""),
                              ("売上高", "課税売上込10%", amount, str(amount // 11)), f"売上 {i}"))
            elif kind < 0.8:
                amount = rng.randrange(1, 2000) * 55
                acc = EXPENSES[i % len(EXPENSES)]
                fh.write(_row("2000", i, day, (acc, "課対仕入込10%適格", amount, str(amount // 11)),
                              ("普通預金", "", amount, ""), f"経費 {i}"))
            else:
                amount = rng.randrange(1, 5000) * 100
                fh.write(_row("2110", i, day, ("普通預金", "", amount, ""), empty, f"入金 {i}"))
                fh.write(_row("2101", i, day, empty, ("売掛金", "", amount, ""), f"入金 {i}"))


def _import(db: Database, path: Path) -> tuple[float, str, str]:
    """Run the CLI import in a child process; (seconds, peak RSS text, output). The import parses a large file in
    a process of its own while the first writes: both peaks are reported (their sum is the import's)."""
    env = dict(os.environ, ENNOSHITA_LANG="en")
    # The child reports its own peak RSS (RUSAGE_CHILDREN would mix in every earlier child, hledger included).
    wrapper = ("import resource, runpy, sys\n"
               "sys.argv = ['ennoshita'] + sys.argv[1:]\n"
               "try:\n    runpy.run_module('ennoshita.cli.main', run_name='__main__')\n"
               "finally:\n"
               "    print('MAXRSS_KB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,\n"
               "          resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n")
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", wrapper, "journal", "import", str(path), "--format", "yayoi",
                           "--database-url", db.url], capture_output=True, text=True, env=env, check=False)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    m = re.search(r"MAXRSS_KB (\d+) (\d+)", proc.stderr)
    if not m:
        return seconds, "?", proc.stdout.strip()
    main, parser = int(m.group(1)) // 1024, int(m.group(2)) // 1024
    rss = f"{main} MB" + (f" + parser process {parser} MB" if parser else "")
    return seconds, rss, proc.stdout.strip()


def _our_balances(db: Database) -> dict[str, int]:
    with db.uow() as uow:
        tb = queries.trial_balance(uow.session, START, START + dt.timedelta(days=DAYS + 400), 4, include_zero=False)
    # hledger/ledger see all postings ever: compare closing balances of the whole period, debit-positive.
    return {r.account_name: r.closing for r in tb.rows if r.closing}


_BAL_LINE = re.compile(r"^\s*(-?[\d,]+)\s+JPY\s+(.+?)\s*$")


def _tool_balances(cmd: list[str]) -> tuple[float, dict[str, int]]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed: {proc.stderr[-500:]}")
    out: dict[str, int] = {}
    for line in proc.stdout.splitlines():
        m = _BAL_LINE.match(line)
        if m:
            out[m.group(2).strip()] = int(m.group(1).replace(",", ""))
    return seconds, out


def _post_one(db: Database) -> None:
    services.post_entry(db.uow(), ACTOR, EntryDraft(dt.date(2026, 3, 15), "追加の売上", "", (
        LineDraft("現金", 1000, 0), LineDraft("売上高", 0, 1000, "sales_10"))))


def run() -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    source = WORK / f"ledger_{ENTRIES}.yayoi.csv"
    if not source.exists():
        t0 = time.perf_counter()
        generate(source, ENTRIES)
        print(f"generated {source} in {time.perf_counter() - t0:.1f}s", flush=True)
    lines = ENTRIES * 28 // 10  # ~2.8 lines per entry after the tax split (counted exactly below)
    results: dict[str, dict[str, str]] = {}
    balances_equal: dict[str, str] = {}
    journal_path = WORK / "ledger.hledger.journal"
    tool_rows: list[str] = []
    for backend in ("sqlite", "postgresql"):
        with fresh_database(backend, "ledger") as db:
            company_service.update_company(db.uow(), Actor.system(), {"name": "ベンチ株式会社",
                                                                      "fiscal_year_start_month": 4})
            seconds, rss, output = _import(db, source)
            m = re.search(r"\(([\d,]+) lines\)", output)
            if m:
                lines = int(m.group(1).replace(",", ""))
            if backend == "postgresql":
                with db.engine.connect() as conn:
                    conn.exec_driver_sql("ANALYZE")
                    conn.commit()  # statistics are transactional: without the commit the planner never sees them
            r = results.setdefault(backend, {})
            r["import"] = f"{seconds:.1f} s = {lines / seconds:,.0f} lines/s, peak {rss}"
            with db.uow() as uow:
                s = uow.session
                busiest = queries.accounts(s)
                ar = next(a.id for a in busiest.values() if a.name == "売掛金")
                r["trial balance FY2024"] = ms(timed(lambda: queries.trial_balance(
                    s, dt.date(2024, 4, 1), dt.date(2025, 3, 31), 4)))  # noqa: B023
                r["monthly FY2024"] = ms(timed(lambda: queries.monthly(s, 2024, 4)))  # noqa: B023
                r["GL first page 売掛金 FY2024"] = ms(timed(lambda: queries.general_ledger(
                    s, ar, dt.date(2024, 4, 1), dt.date(2025, 3, 31), 4)))  # noqa: B023
                r["PL FY2024"] = ms(timed(lambda: queries.income_statement(
                    s, dt.date(2024, 4, 1), dt.date(2025, 3, 31))))  # noqa: B023
                r["BS 2025-03-31"] = ms(timed(lambda: queries.balance_sheet(s, dt.date(2025, 3, 31), 4)))  # noqa: B023
            r["post one more entry"] = ms(timed(partial(_post_one, db), repeat=9))
            ours = _our_balances(db)
            if backend == "sqlite":
                t0 = time.perf_counter()
                subprocess.run([sys.executable, "-m", "ennoshita.cli.main", "journal", "export", "--format",
                                "hledger", "--output", str(journal_path), "--database-url", db.url], check=True)
                export_s = time.perf_counter() - t0
                tool_rows.append(f"| ennoshita `journal export --format hledger` | {export_s:.1f} s |")
                for tool, cmd in (("hledger", ["hledger", "-f", str(journal_path), "bal", "--flat", "--no-total"]),
                                  ("ledger", ["ledger", "-f", str(journal_path), "bal", "--flat", "--no-total"])):
                    if shutil.which(tool) is None:
                        tool_rows.append(f"| `{tool} bal` | not installed |")
                        continue
                    t_sec, theirs = _tool_balances(cmd)
                    tool_rows.append(f"| `{tool} bal` on the same books | {t_sec:.1f} s |")
                    diff = {k: (v, theirs.get(k)) for k, v in ours.items() if theirs.get(k) != v}
                    diff.update({k: (ours.get(k), v) for k, v in theirs.items() if k not in ours and v})
                    balances_equal[tool] = ("equal for every account" if not diff
                                            else f"DIFFERENT: {list(diff.items())[:5]}")
    lines_md = [
        f"## Ledger: {ENTRIES:,} journal entries ({lines:,} lines), 3 fiscal years",
        "",
        f"Machine: {machine()}. Command: `make bench` (`python -m bench ledger`). Import is the real CLI path "
        "(`ennoshita journal import --format yayoi`: parsing, validation, tax split, numbering, maintained "
        "balances) in a child process; report times are the median of 7 runs of the service query.",
        "",
        "| measure | SQLite | PostgreSQL |",
        "| --- | ---: | ---: |",
    ]
    for key in results["sqlite"]:
        lines_md.append(f"| {key} | {results['sqlite'][key]} | {results['postgresql'].get(key, '')} |")
    lines_md += ["", "Peers on the same books (exported once, from SQLite):", "", "| tool | time |", "| --- | ---: |",
                 *tool_rows, ""]
    for tool, verdict in balances_equal.items():
        lines_md.append(f"- balances against `{tool} bal`: {verdict}")
    write_section("ledger", "\n".join(lines_md))
    print("\n".join(lines_md))
