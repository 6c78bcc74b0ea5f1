"""The CLI as a shell user meets it, whole process (issue 13 item 3), on 200,000 vouchers (SQLite):

- `ennoshita --help`;
- `ennoshita report trial-balance --format json` for the three years, against `ledger bal` (ledger-cli) on the
  same books (exported once with `journal export --format hledger`), both timed as whole processes;
- `ennoshita journal import --format yayoi` on two shapes of 弥生 file: the benchmark's own (one row per
  voucher where it can, 1.2 rows per voucher) and the shape 弥生 files really have, one posting per row
  (349,733 rows: multi-line vouchers 2110/2100/2101 beside single-row 2000 vouchers).

Set ENNOSHITA_BENCH_VOUCHERS to run smaller (default 200,000).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.common import WORK, fresh_database, machine, write_section
from bench.ledger import DAYS, EXPENSES, START, _row, generate
from ennoshita.actor import Actor
from ennoshita.identity import company as company_service

VOUCHERS = int(os.environ.get("ENNOSHITA_BENCH_VOUCHERS", "200000"))
CLI = [sys.executable, "-m", "ennoshita.cli.main"]
ENTRY = str(Path(sys.executable).with_name("ennoshita"))


def generate_per_row(path: Path, vouchers: int) -> int:
    """One posting per row: 149,733 of 200,000 vouchers (the same share when smaller) are written as a debit row
    and a credit row (2110 first, 2101 last); the rest are single rows (2000). Returns the number of rows."""
    rng = random.Random(7)
    multi = set(rng.sample(range(1, vouchers + 1), vouchers * 149_733 // 200_000))
    empty = ("", "", 0, "")
    rows = 0
    with path.open("w", encoding="cp932", newline="") as fh:
        for i in range(1, vouchers + 1):
            day = START + dt.timedelta(days=(i - 1) * DAYS // vouchers)
            if rng.random() < 0.6:
                amount = rng.randrange(1, 5000) * 110
                debit, credit = ("売掛金", "", amount, ""), ("売上高", "課税売上込10%", amount, str(amount // 11))
                memo = f"売上 {i}"
            else:
                amount = rng.randrange(1, 2000) * 55
                debit = (EXPENSES[i % len(EXPENSES)], "課対仕入込10%適格", amount, str(amount // 11))
                credit, memo = ("普通預金", "", amount, ""), f"経費 {i}"
            if i in multi:
                fh.write(_row("2110", i, day, debit, empty, memo))
                fh.write(_row("2101", i, day, empty, credit, memo))
                rows += 2
            else:
                fh.write(_row("2000", i, day, debit, credit, memo))
                rows += 1
    return rows


def _whole(cmd: list[str], repeat: int = 5) -> float:
    """Median wall time of the whole process (start-up included), after one warm-up run."""
    samples = []
    for n in range(repeat + 1):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, env=dict(os.environ, ENNOSHITA_LANG="en"))
        if n:
            samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def _import_rate(url: str, path: Path, rows: int) -> str:
    start = time.perf_counter()
    subprocess.run([*CLI, "journal", "import", str(path), "--format", "yayoi", "--database-url", url], check=True,
                   capture_output=True)
    seconds = time.perf_counter() - start
    return f"{seconds:.1f} s = {rows / seconds:,.0f} rows/s"


def run() -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    own = WORK / f"cli_{VOUCHERS}.yayoi.csv"
    per_row = WORK / f"cli_{VOUCHERS}_per_row.yayoi.csv"
    generate(own, VOUCHERS)
    own_rows = sum(1 for _ in own.open("rb"))
    per_row_rows = generate_per_row(per_row, VOUCHERS)
    table: list[tuple[str, str]] = []
    table.append(("`ennoshita --help`", f"{_whole([ENTRY, '--help']) * 1000:.0f} ms"))
    journal = WORK / "cli_startup.hledger.journal"
    with fresh_database("sqlite", "cli_startup") as db:
        company_service.update_company(db.uow(), Actor.system(), {"name": "ベンチ株式会社",
                                                                  "fiscal_year_start_month": 4})
        table.append((f"import, the benchmark's shape ({own_rows:,} rows)", _import_rate(db.url, own, own_rows)))
        tb = [ENTRY, "report", "trial-balance", "--from", "2023-04-01", "--to", "2026-03-31", "--format", "json",
              "--database-url", db.url]
        table.append((f"`ennoshita report trial-balance --format json` ({VOUCHERS:,} vouchers)",
                      f"{_whole(tb) * 1000:.0f} ms"))
        subprocess.run([*CLI, "journal", "export", "--format", "hledger", "--output", str(journal),
                        "--database-url", db.url], check=True, capture_output=True)
        for tool in ("ledger", "hledger"):
            if shutil.which(tool):
                seconds = _whole([tool, "-f", str(journal), "bal", "--flat", "--no-total"], repeat=3)
                table.append((f"`{tool} bal` on the same books", f"{seconds * 1000:.0f} ms"))
            else:
                table.append((f"`{tool} bal`", "not installed"))
    with fresh_database("sqlite", "cli_startup_rows") as db:
        company_service.update_company(db.uow(), Actor.system(), {"name": "ベンチ株式会社",
                                                                  "fiscal_year_start_month": 4})
        table.append((f"import, one posting per row ({per_row_rows:,} rows)",
                      _import_rate(db.url, per_row, per_row_rows)))
    lines = [
        f"## CLI whole process: start-up, trial balance and 弥生 import on {VOUCHERS:,} vouchers",
        "",
        f"Machine: {machine()}, load average {os.getloadavg()[0]:.1f} when the run ended (a shared machine inflates "
        "every figure). Command: `python -m bench cli_startup`. Every figure is a whole process "
        "(interpreter start-up included), SQLite; start-up and reports are the median of 5 runs.",
        "",
        "| measure | time |",
        "| --- | ---: |",
        *(f"| {k} | {v} |" for k, v in table),
    ]
    write_section("cli_startup", "\n".join(lines))
    print("\n".join(lines))
