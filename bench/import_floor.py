"""The SQLite floor of the 弥生 import (issue 13 item 3): the writer's own statements, replayed from rows made ready
beforehand, with no parsing, no checks and no Python between the statements beyond cutting the batches.

``extract(db, out)`` takes the entries and lines an import wrote (their ids made batch-relative again, as the checker
hands them to the writer) into a marshal file; ``python -m bench.import_floor DB ROWS`` replays them into the empty
database ``DB`` on a connection with the application's pragmas (``ennoshita.db``): drop the journal's secondary
indexes, INSERT the batches with ``ennoshita.ledger.importer._insert_many`` (64 rows to a statement), build the
indexes again, COMMIT. It prints the seconds of each phase as JSON. Whatever the import does besides (interpreter
start-up, reading and checking the file, balances, the audit record) comes on top of this figure."""

from __future__ import annotations

import json
import marshal
import sqlite3
import sys
import time
from pathlib import Path

from ennoshita.db import _sqlite_pragmas
from ennoshita.ledger.importer import BATCH, ENTRY_COLUMNS, LINE_COLUMNS, _insert_many

HEADS = ("SELECT id - 1, fiscal_year, number - 1, entry_date, description, counterparty, source_ref, total "
         "FROM journal_entries ORDER BY id")
LINES = ("SELECT entry_id - 1, line_no, entry_date, account_id, sub_account_id, department_id, tax_category, debit, "
         "credit, memo, source_row FROM journal_lines ORDER BY id")


def extract(db: Path, out: Path) -> tuple[int, int]:
    """The imported rows of ``db`` (an import into an empty journal: ids and numbers start at 1) into ``out``."""
    with sqlite3.connect(db) as conn:
        heads = conn.execute(HEADS).fetchall()
        lines = conn.execute(LINES).fetchall()
    out.write_bytes(marshal.dumps((heads, lines)))
    return len(heads), len(lines)


def replay(db: str, rows: Path) -> dict[str, float]:
    heads, lines = marshal.loads(rows.read_bytes())
    start = time.perf_counter()
    conn = sqlite3.connect(db, isolation_level=None)
    _sqlite_pragmas(conn, None)
    conn.execute("PRAGMA foreign_keys=OFF")  # as the import's BULK_LOAD connection
    conn.execute("BEGIN IMMEDIATE")
    found = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                         "AND tbl_name IN ('journal_lines', 'journal_entries') ORDER BY name").fetchall()
    for name, _sql in found:
        conn.execute(f'DROP INDEX "{name}"')
    cur = conn.cursor()
    entry_sql = (f"INSERT INTO journal_entries ({', '.join(ENTRY_COLUMNS)}) VALUES ",
                 "(? + 1, ?, ? + 1, ?, ?, ?, 'posted', 'import_yayoi', ?, ?, NULL, '2026-12-06 00:00:00.000000', "
                 "NULL, '2026-12-06 00:00:00.000000')")
    line_sql = (f"INSERT INTO journal_lines ({', '.join(LINE_COLUMNS)}) VALUES ",
                f"(? + 1{', ?' * (len(LINE_COLUMNS) - 1)})")
    taken = 0
    for first in range(0, len(heads), BATCH):
        batch = heads[first:first + BATCH]
        last = batch[-1][0]
        end = taken
        while end < len(lines) and lines[end][0] <= last:
            end += 1
        _insert_many(cur, *entry_sql, batch)
        _insert_many(cur, *line_sql, lines[taken:end])
        taken = end
    inserted = time.perf_counter()
    for _name, sql in found:
        conn.execute(sql)
    indexed = time.perf_counter()
    conn.execute("COMMIT")
    conn.close()
    done = time.perf_counter()
    return {"inserts": inserted - start, "indexes": indexed - inserted, "commit": done - indexed,
            "total": done - start}


if __name__ == "__main__":
    print(json.dumps(replay(sys.argv[1], Path(sys.argv[2]))))
