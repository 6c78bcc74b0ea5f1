"""Responsiveness (issue 14 item 15): how long `/api/v1/health`, a logged-in page and an API call take while the
server works, against the 200 ms target.

The real server runs in a child process (`uvicorn --factory ennoshita.web.app:create_app`, one worker, the
production shape for SQLite) on a fresh database. A probe thread asks for health, the home page (logged in) and
`GET /api/v1/company` (bearer token) one after the other, for the whole of each scenario:

- idle: nothing else runs;
- import: a 300,000-entry 弥生 file (about 840,000 lines after the tax split) posted to
  `POST /api/v1/journal-entries/import`;
- failed logins: 8 threads post wrong passwords to `/login` as fast as the server answers (argon2 each).

Set ENNOSHITA_BENCH_IMPORT_ENTRIES to run a smaller import.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from sqlalchemy import select

from bench.common import WORK, fresh_database, machine, write_section
from bench.ledger import generate
from ennoshita.actor import Actor
from ennoshita.db import Database
from ennoshita.identity import company as company_service
from ennoshita.identity import services as identity

ENTRIES = int(os.environ.get("ENNOSHITA_BENCH_IMPORT_ENTRIES", "300000"))
PORT = 8106
EMAIL = "bench@example.jp"
PASSWORD = "bench-password-1234"
TARGET_MS = 200.0
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _prepare(db: Database) -> str:
    from ennoshita.identity.models import Company

    company_service.update_company(db.uow(), Actor.system(), {"name": "ベンチ株式会社", "fiscal_year_start_month": 4})
    with db.uow() as uow:
        for company in uow.session.scalars(select(Company)):
            company.first_fiscal_year = 2023
        uow.commit()
    identity.create_user(db.uow(), Actor.system(), identity.NewUser(EMAIL, "ベンチ 太郎", ("admin",), PASSWORD))
    uid = identity.find_user_id(db.uow(), EMAIL)
    plain, _ = identity.create_api_token(db.uow(), Actor.system(), "bench", user_id=uid)
    return plain


def _serve(db: Database) -> subprocess.Popen[bytes]:
    env = dict(os.environ, ENNOSHITA_DATABASE_URL=db.url, ENNOSHITA_SECRET_KEY="bench-secret")
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory", "ennoshita.web.app:create_app",
                             "--host", "127.0.0.1", "--port", str(PORT), "--log-level", "warning"], env=env)
    for _ in range(300):
        try:
            if httpx.get(f"http://127.0.0.1:{PORT}/api/v1/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError("the server did not start")


def _login(base: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=120, follow_redirects=True)
    page = client.get("/login")
    match = CSRF.search(page.text)
    assert match, page.text[:200]
    response = client.post("/login", data={"email": EMAIL, "password": PASSWORD, "next": "/",
                                           "csrf_token": match.group(1)})
    assert response.status_code == 200 and "/login" not in str(response.url), response.status_code
    return client


class Probe(threading.Thread):
    """Health, the home page and an API call, one after the other, until stopped; latencies in ms per kind."""

    def __init__(self, base: str, token: str) -> None:
        super().__init__(daemon=True)
        self.page = _login(base)
        self.api = httpx.Client(base_url=base, timeout=120, headers={"Authorization": f"Bearer {token}"},
                                follow_redirects=True)
        self.stop = threading.Event()
        self.samples: dict[str, list[float]] = {"health": [], "page": [], "api": []}
        self.errors = 0

    def run(self) -> None:
        while not self.stop.is_set():
            for kind, call in (("health", lambda: self.api.get("/api/v1/health")),
                               ("page", lambda: self.page.get("/")),
                               ("api", lambda: self.api.get("/api/v1/company"))):
                start = time.perf_counter()
                response = call()
                self.samples[kind].append((time.perf_counter() - start) * 1000)
                if response.status_code != 200:
                    self.errors += 1
            time.sleep(0.05)


def _during(base: str, token: str, work: Callable[[], object]) -> tuple[Probe, float]:
    probe = Probe(base, token)
    probe.start()
    time.sleep(0.3)
    start = time.perf_counter()
    work()
    seconds = time.perf_counter() - start
    probe.stop.set()
    probe.join(120)
    return probe, seconds


def _import(base: str, token: str, path: Path) -> None:
    with path.open("rb") as fh, httpx.Client(base_url=base, timeout=3600) as client:
        response = client.post("/api/v1/journal-entries/import", headers={"Authorization": f"Bearer {token}"},
                               files={"file": (path.name, fh, "text/csv")}, data={"format": "yayoi"})
    if response.status_code != 201:
        raise RuntimeError(f"import answered {response.status_code}: {response.text[:300]}")


def _failed_logins(base: str, seconds: float = 6.0, threads: int = 8) -> int:
    done = [0]
    until = time.perf_counter() + seconds

    def attack(n: int) -> None:
        with httpx.Client(base_url=base, timeout=120) as client:
            match = CSRF.search(client.get("/login").text)
            assert match
            while time.perf_counter() < until:
                client.post("/login", data={"email": f"nobody{n}-{done[0]}@example.jp", "password": "wrong",
                                            "next": "/", "csrf_token": match.group(1)})
                done[0] += 1

    workers = [threading.Thread(target=attack, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return done[0]


def _figures(samples: list[float]) -> str:
    if not samples:
        return "-"
    worst = max(samples)
    mark = "" if worst <= TARGET_MS else " ⚠"
    return f"{statistics.median(samples):.0f} / {worst:.0f} ms{mark}"


def _measure(backend: str, source: Path) -> list[str]:
    rows: list[str] = []
    with fresh_database(backend, "responsive") as db:
        token = _prepare(db)
        server = _serve(db)
        base = f"http://127.0.0.1:{PORT}"
        attempts: list[int] = []
        try:
            idle, idle_s = _during(base, token, lambda: time.sleep(3))
            imported, import_s = _during(base, token, lambda: _import(base, token, source))
            logins, login_s = _during(base, token, lambda: attempts.append(_failed_logins(base)))
        finally:
            server.terminate()
            server.wait(30)
    label = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[backend]
    for name, probe, what in (
            ("idle", idle, f"{seconds_text(idle_s)}"),
            (f"弥生 import of {ENTRIES:,} entries", imported, f"import {seconds_text(import_s)}"),
            ("8 threads of failed logins", logins,
             f"{attempts[0] if attempts else 0:,} failed logins in {seconds_text(login_s)}")):
        rows.append(f"| {label} | {name} ({what}) | {_figures(probe.samples['health'])} | "
                    f"{_figures(probe.samples['page'])} | {_figures(probe.samples['api'])} | "
                    f"{len(probe.samples['health'])} | {probe.errors} |")
        print(rows[-1], flush=True)
    return rows


def run() -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    source = WORK / f"ledger_{ENTRIES}.yayoi.csv"
    if not source.exists():
        generate(source, ENTRIES)
    rows: list[str] = []
    for backend in os.environ.get("ENNOSHITA_BENCH_BACKENDS", "sqlite,postgresql").split(","):
        rows += _measure(backend, source)
    write_section("responsiveness", "\n".join([
        "## Responsiveness while the server works (target: every request < 200 ms)",
        "",
        f"Machine: {machine()} (shared with other work while measured). Command: `python -m bench responsiveness`. "
        "One uvicorn worker in a child process, a fresh database; a probe asks for `/api/v1/health`, the home page "
        "(logged in) and `GET /api/v1/company` (token) in turn, 50 ms apart, during each scenario. Figures are "
        "median / max; ⚠ marks a max above 200 ms.",
        "",
        "| database | scenario | health | page | API call | probes | errors |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
        *rows,
        "",
        f"Measured {time.strftime('%Y-%m-%d')}.",
    ]))


def seconds_text(seconds: float) -> str:
    return f"{seconds:.1f} s"
