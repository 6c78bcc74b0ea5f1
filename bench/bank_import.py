"""Bank CSV import (issue 14 item 11): peak memory and rows/s for 1 MB, 10 MB and 50 MB statements.

Each import runs the service (`sales.receivables.import_bank_csv`) in a child process on a fresh database, reading
the file as a stream the way the web and API routes hand it over (a spooled upload): the child reports its peak
RSS (max RSS) and its RSS before the import, so the figure is what the import itself adds. The files are the
Japanese bank layout in Shift_JIS (日付, 摘要 with 振込 + カナ, 出金額, 入金額, 残高), one withdrawal in five.
50 MB is above the default web/API cap (20 MB): it is measured through the service to show memory stays flat.

Set ENNOSHITA_BENCH_BANK_MB (e.g. "1,10") to run fewer sizes.
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
import time
from pathlib import Path

from bench.common import WORK, fresh_database, machine, write_section

SIZES = tuple(int(x) for x in os.environ.get("ENNOSHITA_BENCH_BANK_MB", "1,10,50").split(","))
NAMES = ("ﾔﾏﾀﾞｼﾖｳｼﾞ", "ｶ)ｻｸﾗﾃﾞﾝｷ", "ﾀﾅｶ ﾀﾛｳ", "ﾕ)ﾐﾄﾞﾘｼﾖｳｶｲ", "ｶ)ｱｵｿﾞﾗｹﾝｾﾂ", "ｽｽﾞｷ ﾊﾅｺ")

CHILD = """
import sys, time
def status(field):  # this process's own figures (ru_maxrss would include the parent's, inherited over fork)
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1])
from ennoshita.actor import Actor
from ennoshita.db import Database
from ennoshita.sales import receivables
db = Database(sys.argv[1])
actor = Actor(user_id=None, name="bench", roles=frozenset({"admin"}), via="cli")
before = status("VmRSS")
start = time.perf_counter()
with open(sys.argv[2], "rb") as fh:
    result = receivables.import_bank_csv(db.uow(), actor, fh)
seconds = time.perf_counter() - start
print("RESULT", result.imported, result.skipped, seconds, before, status("VmHWM"))
"""


def generate(path: Path, megabytes: int) -> int:
    """A statement of about ``megabytes`` MB; returns its data rows."""
    rng = random.Random(megabytes)
    target = megabytes * 1024 * 1024
    balance = 10_000_000
    rows = 0
    with path.open("w", encoding="cp932", newline="") as fh:
        fh.write("口座番号,1234567\r\n照会期間,2026/04/01～2026/11/30\r\n")
        fh.write("日付,摘要,出金額,入金額,残高,メモ\r\n")
        while fh.tell() < target:
            rows += 1
            day = f"2026/{4 + rows % 8:02d}/{1 + rows % 28:02d}"
            if rows % 5 == 0:
                amount = rng.randrange(1, 3000) * 100
                balance -= amount
                fh.write(f"{day},振込手数料 他,{amount},,{balance},\r\n")
            else:
                amount = rng.randrange(1, 5000) * 110
                balance += amount
                name = NAMES[rows % len(NAMES)]
                fh.write(f"{day},振込 {name},,{amount},{balance},請求{rows}\r\n")
    return rows


def run() -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    results: dict[tuple[int, str], str] = {}
    for mb in SIZES:
        path = WORK / f"bank_{mb}mb.csv"
        rows = generate(path, mb)
        for backend in ("sqlite", "postgresql"):
            with fresh_database(backend, f"bank{mb}") as db:
                proc = subprocess.run([sys.executable, "-c", CHILD, db.url, str(path)], capture_output=True,
                                      text=True, check=False)
            m = re.search(r"RESULT (\d+) (\d+) ([\d.]+) (\d+) (\d+)", proc.stdout)
            if proc.returncode != 0 or not m:
                results[(mb, backend)] = "failed: " + proc.stderr.strip().splitlines()[-1][:80]
                continue
            imported, _skipped, seconds = int(m.group(1)), int(m.group(2)), float(m.group(3))
            before, peak = int(m.group(4)) // 1024, int(m.group(5)) // 1024
            results[(mb, backend)] = (f"{seconds:.1f} s = {rows / seconds:,.0f} rows/s; peak {peak} MB "
                                      f"(+{peak - before} MB over the {before} MB before)")
            print(mb, backend, results[(mb, backend)], f"deposits {imported:,}", flush=True)
        results[(mb, "rows")] = f"{rows:,}"
    table = ["| file | data rows | SQLite | PostgreSQL |", "| --- | ---: | --- | --- |"]
    for mb in SIZES:
        table.append(f"| {mb} MB | {results[(mb, 'rows')]} | {results[(mb, 'sqlite')]} | "
                     f"{results[(mb, 'postgresql')]} |")
    write_section("bank_import", "\n".join([
        "## Bank CSV import: 1 MB / 10 MB / 50 MB statements",
        "",
        f"Machine: {machine()} (shared with other work while measured). Command: `python -m bench bank_import`. "
        "The service reads the file as a stream in two passes (check every row and hash; then write in batches "
        "of 1,000: COPY on PostgreSQL, executemany on SQLite), in one transaction, in a child process whose "
        "peak RSS (VmHWM) is reported with what the import added to the RSS it had before (VmRSS). "
        "The file itself never sits in memory; the fixed part is an 8 MB Bloom filter that finds the deposits that "
        "may repeat (same day, amount and payer); only those are counted (the occurrence number that makes "
        "re-imports idempotent). This generated file repeats keys far more than a real statement (56 dates × 6 "
        "payers), so at 50 MB many keys truly repeat and are counted (the +65 MB); rows are capped by "
        "`ENNOSHITA_BANK_CSV_MAX_ROWS` (200,000) and bytes by `ENNOSHITA_BANK_CSV_MAX_BYTES` (20 MB) at the web/API "
        "door, so 50 MB is measured through the service.",
        "",
        *table,
        "",
        f"Measured {time.strftime('%Y-%m-%d')}.",
    ]))
