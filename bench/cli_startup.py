"""The CLI as a shell user meets it, whole process (issue 13 item 3), on 200,000 vouchers (SQLite):

- `ennoshita --help`;
- `ennoshita report trial-balance --format json` for the three years, against `ledger bal` (ledger-cli) on the
  same books (exported once with `journal export --format hledger`), both timed as whole processes;
- `ennoshita journal import --format yayoi` on two shapes of 弥生 file: the benchmark's own (one row per
  voucher where it can, 1.2 rows per voucher) and the shape 弥生 files really have, one posting per row
  (349,733 rows: multi-line vouchers 2110/2100/2101 beside single-row 2000 vouchers);
- the floor under the first of them: the import's own SQLite statements replayed from the rows it wrote
  (`bench.import_floor`), so that the part of the import's time no parsing or Python work could take away is
  measured on the same machine in the same run.

Set ENNOSHITA_BENCH_VOUCHERS to run smaller (default 200,000).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import resource
import shutil
import sqlite3
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
# ENNOSHITA_BENCH_PEERS=0 leaves out the peers (the hledger export and `ledger bal`), e.g. on a crowded machine.
PEERS = os.environ.get("ENNOSHITA_BENCH_PEERS", "1") != "0"
# Each import is run this many times (fresh database each time): the best and the median are reported.
IMPORT_REPEAT = int(os.environ.get("ENNOSHITA_BENCH_IMPORT_REPEAT", "3"))
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


def _children_cpu() -> float:
    """User + system CPU seconds of every finished child process (and of their children) so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed_process(cmd: list[str], **kwargs: object) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the whole process tree) of one run of ``cmd``."""
    cpu = _children_cpu()
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, **kwargs)  # type: ignore[call-overload]
    return time.perf_counter() - start, _children_cpu() - cpu


def _whole(cmd: list[str], repeat: int = 5) -> tuple[float, float]:
    """Median (wall, CPU) of the whole process (start-up included), after one warm-up run."""
    samples = [_timed_process(cmd, env=dict(os.environ, ENNOSHITA_LANG="en")) for _ in range(repeat + 1)][1:]
    return statistics.median(w for w, _ in samples), statistics.median(c for _, c in samples)


def _ms(pair: tuple[float, float]) -> str:
    return f"{pair[0] * 1000:,.0f} ms | {pair[1] * 1000:,.0f} ms"


def _import_rate(url: str, path: Path, rows: int, repeat: int = IMPORT_REPEAT) -> str:
    """Import ``path`` ``repeat`` times, each into a fresh copy of the (empty) database at ``url``, the last into
    that database itself (the reports read it): the best and the median wall time, the median CPU time, and the
    load average (1 min) before each run."""
    target = url.removeprefix("sqlite:///")
    runs: list[tuple[float, float, float]] = []
    for i in range(repeat):
        db_path = target
        if i < repeat - 1:
            db_path = f"{target}.rep{i}"
            for suffix in ("", "-wal", "-shm"):
                Path(db_path + suffix).unlink(missing_ok=True)
            with sqlite3.connect(target) as src, sqlite3.connect(db_path) as dst:
                src.backup(dst)
        load = os.getloadavg()[0]
        wall, cpu = _timed_process([ENTRY, "journal", "import", str(path), "--format", "yayoi",
                                    "--database-url", f"sqlite:///{db_path}"])
        runs.append((wall, cpu, load))
        if db_path != target:
            for suffix in ("", "-wal", "-shm"):
                Path(db_path + suffix).unlink(missing_ok=True)
    best = min(w for w, _c, _l in runs)
    median = statistics.median(w for w, _c, _l in runs)
    cpu = statistics.median(c for _w, c, _l in runs)
    loads = ", ".join(f"{load:.1f}" for _w, _c, load in runs)
    return (f"best {best:.2f} s = {rows / best:,.0f} rows/s, median {median:.2f} s = {rows / median:,.0f} rows/s "
            f"(load {loads}) | {cpu:.2f} s = {rows / cpu:,.0f} rows/s")


def _floor(url: str, empty: Path, rows: int, repeat: int = IMPORT_REPEAT) -> str:
    """The writer's statements alone (bench.import_floor) on the rows the import wrote into ``url``, each run into
    a fresh copy of ``empty``: the best and the median of the in-process SQLite time, by phase."""
    from bench import import_floor

    ready = WORK / "cli_floor.rows"
    import_floor.extract(Path(url.removeprefix("sqlite:///")), ready)
    runs = []
    for _ in range(repeat):
        target = WORK / "cli_floor.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.copy(empty, target)
        out = subprocess.run([sys.executable, "-m", "bench.import_floor", str(target), str(ready)], check=True,
                             capture_output=True, text=True)
        runs.append(json.loads(out.stdout))
    best = min(runs, key=lambda r: r["total"])
    median = statistics.median(r["total"] for r in runs)
    return (f"best {best['total']:.2f} s = {rows / best['total']:,.0f} rows/s (INSERTs {best['inserts']:.2f} s, "
            f"index builds {best['indexes']:.2f} s, commit {best['commit']:.2f} s), median {median:.2f} s | ")


def run() -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    own = WORK / f"cli_{VOUCHERS}.yayoi.csv"
    per_row = WORK / f"cli_{VOUCHERS}_per_row.yayoi.csv"
    generate(own, VOUCHERS)
    own_rows = sum(1 for _ in own.open("rb"))
    per_row_rows = generate_per_row(per_row, VOUCHERS)
    table: list[tuple[str, str]] = []
    loads = [os.getloadavg()[0]]
    table.append(("`ennoshita --help`", _ms(_whole([ENTRY, "--help"]))))
    journal = WORK / "cli_startup.hledger.journal"
    with fresh_database("sqlite", "cli_startup") as db:
        company_service.update_company(db.uow(), Actor.system(), {"name": "ベンチ株式会社",
                                                                  "fiscal_year_start_month": 4})
        empty = WORK / "cli_floor_empty.db"
        with sqlite3.connect(db.url.removeprefix("sqlite:///")) as src, sqlite3.connect(empty) as dst:
            src.backup(dst)
        table.append((f"import, the benchmark's shape ({own_rows:,} rows)", _import_rate(db.url, own, own_rows)))
        table.append(("its SQLite statements alone, replayed from ready rows (no parsing, no checks)",
                      _floor(db.url, empty, own_rows)))
        tb = [ENTRY, "report", "trial-balance", "--from", "2023-04-01", "--to", "2026-03-31", "--format", "json",
              "--database-url", db.url]
        table.append((f"`ennoshita report trial-balance --format json` ({VOUCHERS:,} vouchers)", _ms(_whole(tb))))
        if not PEERS:
            table.append(("`ledger bal` on the same books", "not run (ENNOSHITA_BENCH_PEERS=0) | "))
        else:
            subprocess.run([*CLI, "journal", "export", "--format", "hledger", "--output", str(journal),
                            "--database-url", db.url], check=True, capture_output=True)
        for tool in ("ledger", "hledger") if PEERS else ():
            if shutil.which(tool):
                table.append((f"`{tool} bal` on the same books",
                              _ms(_whole([tool, "-f", str(journal), "bal", "--flat", "--no-total"], repeat=3))))
            else:
                table.append((f"`{tool} bal`", "not installed | "))
        loads.append(os.getloadavg()[0])
    with fresh_database("sqlite", "cli_startup_rows") as db:
        company_service.update_company(db.uow(), Actor.system(), {"name": "ベンチ株式会社",
                                                                  "fiscal_year_start_month": 4})
        table.append((f"import, one posting per row ({per_row_rows:,} rows)",
                      _import_rate(db.url, per_row, per_row_rows)))
    loads.append(os.getloadavg()[0])
    lines = [
        f"## CLI whole process: start-up, trial balance and 弥生 import on {VOUCHERS:,} vouchers",
        "",
        f"Machine: {machine()}; load average (1 min) {', '.join(f'{x:.1f}' for x in loads)} at the start, after "
        "the reports and at the end: the machine is shared, so wall time is inflated by the other work and the "
        "CPU time (user + system of the whole process tree: the command, and for the import its parsing child, "
        "from `getrusage(RUSAGE_CHILDREN)`) is the figure to compare with the targets. Command: "
        "`python -m bench cli_startup`. Every figure is a whole process through the installed `ennoshita` entry "
        "point (interpreter start-up included), SQLite; start-up and reports are the median of 5 runs after "
        f"a warm-up; each import is run {IMPORT_REPEAT} times into a fresh database (best and median wall time, "
        "with the load average before each run; median CPU). Targets (issue 13 item 3): `--help` < 0.3 s, "
        "trial balance JSON < 0.5 s, import >= 100,000 "
        "rows/s on each shape.",
        "",
        "| measure | wall | CPU |",
        "| --- | ---: | ---: |",
        *(f"| {k} | {v} |" for k, v in table),
    ]
    write_section("cli_startup", "\n".join(lines))
    print("\n".join(lines))
