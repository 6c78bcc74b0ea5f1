"""Shared benchmark plumbing: fresh databases on SQLite and PostgreSQL, timing, writing RESULTS.md."""

from __future__ import annotations

import os
import platform
import re
import statistics
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from ennoshita.db import Database
from ennoshita.migrations import upgrade

RESULTS = Path(__file__).parent / "RESULTS.md"
WORK = Path(__file__).parent / "out"
PG_ADMIN_URL = os.environ.get("ENNOSHITA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@contextmanager
def fresh_database(backend: str, name: str) -> Iterator[Database]:
    """A migrated, empty database for one benchmark; PostgreSQL databases are dropped afterwards."""
    if backend == "sqlite":
        WORK.mkdir(parents=True, exist_ok=True)
        path = WORK / f"{name}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        db = Database(f"sqlite:///{path}")
        upgrade(db.engine)
        try:
            yield db
        finally:
            db.dispose()
        return
    dbname = f"ens_bench_{name}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{dbname}"'))
    db = Database(make_url(PG_ADMIN_URL).set(database=dbname).render_as_string(hide_password=False))
    upgrade(db.engine)
    try:
        yield db
    finally:
        db.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)'))
        admin.dispose()


def timed(fn: Callable[[], object], repeat: int = 7, warmup: int = 1) -> float:
    """Median wall time in seconds over ``repeat`` runs after ``warmup`` runs."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def write_section(name: str, markdown: str) -> None:
    """Replace (or add) this benchmark's section of RESULTS.md, keeping the others."""
    header = ("# Benchmark results\n\nWritten by `make bench` (`python -m bench [name ...]`). "
              "Each section is replaced when its benchmark runs again.\n")
    text_ = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else header
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{start}\n{markdown.strip()}\n{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    text_ = pattern.sub(lambda _m: block, text_) if pattern.search(text_) else text_.rstrip() + "\n\n" + block + "\n"
    RESULTS.write_text(text_, encoding="utf-8")
