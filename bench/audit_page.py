"""The audit page stays fast on years of data: 100,000 audit records, page and filter timings.

The records are appended with a valid hash chain (computed exactly as the service does) in bulk, then
the web page and the API are timed through the real app: first page, a deep page, filters, CSV is not
timed (it streams). Target: each page's server time under 100 ms at 100,000 rows.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import partial

from fastapi.testclient import TestClient
from sqlalchemy import insert

from bench.common import fresh_database, machine, ms, timed, write_section
from ennoshita.actor import Actor
from ennoshita.audit.models import AuditRecord
from ennoshita.audit.rules import GENESIS, canonical_json, chain_hash
from ennoshita.audit.services import stamp
from ennoshita.db import Database
from ennoshita.demo import load_demo
from ennoshita.identity import services as identity
from ennoshita.settings import Settings
from ennoshita.web.app import create_app

ROWS = 100_000
ACTIONS = ("create", "update", "login", "logout", "set_roles")


def fill(db: Database, rows: int) -> None:
    with db.uow() as uow:
        last = uow.session.query(AuditRecord).order_by(AuditRecord.id.desc()).first()
        prev = last.hash if last else GENESIS
        next_id = (last.id + 1) if last else 1
        start = dt.datetime(2023, 4, 1, tzinfo=dt.UTC)
        batch = []
        for i in range(rows):
            moment = start + dt.timedelta(minutes=15 * i)
            after = canonical_json({"seq": i, "name": f"取引先{i}"})
            fields = {"id": next_id + i, "occurred_at": stamp(moment), "actor_id": 1 + i % 9,
                      "actor_name": f"user{1 + i % 9}", "via": ("web", "api", "cli")[i % 3],
                      "entity_type": ("user", "company", "api_token")[i % 3], "entity_id": str(i % 500),
                      "action": ACTIONS[i % 5], "before": None, "after": after}
            h = chain_hash(prev, fields)
            batch.append({**fields, "occurred_at": moment, "prev_hash": prev, "hash": h})
            prev = h
            if len(batch) == 5000:
                uow.session.execute(insert(AuditRecord), batch)
                batch = []
        if batch:
            uow.session.execute(insert(AuditRecord), batch)
        uow.commit()


def run() -> None:
    lines = [f"## Audit page at {ROWS:,} records", "", f"Machine: {machine()}. Command: `make bench` "
             "(`python -m bench audit_page`). Median of 7 requests through the real app (TestClient), "
             "so each figure includes template rendering. Target: < 100 ms.", "",
             "| request | SQLite | PostgreSQL |", "| --- | ---: | ---: |"]
    results: dict[str, dict[str, float]] = {}
    for backend in ("sqlite", "postgresql"):
        with fresh_database(backend, "audit") as db:
            load_demo(db)
            fill(db, ROWS)
            if backend == "postgresql":
                with db.engine.connect() as conn:
                    conn.exec_driver_sql("ANALYZE")
                    conn.commit()  # statistics are transactional: without the commit the planner never sees them
            app = create_app(Settings(database_url=db.url, secret_key="bench"), db)
            client = TestClient(app)
            page = client.get("/login")
            token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
            client.post("/login", data={"email": "admin@demo.ennoshita.jp", "password": "ennoshita-demo",
                                        "csrf_token": token})
            uid = identity.find_user_id(db.uow(), "admin@demo.ennoshita.jp")
            api_token, _ = identity.create_api_token(db.uow(), Actor.system(), "bench", user_id=uid)
            headers = {"Authorization": f"Bearer {api_token}"}
            cases = [
                ("/audit (first page)", "/audit", {}),
                ("/audit?page=1000", "/audit?page=1000", {}),
                ("/audit?action=login&user=3", "/audit?action=login&user=3", {}),
                ("/audit?from=2024-01-01&to=2024-01-31", "/audit?from=2024-01-01&to=2024-01-31", {}),
                ("/audit?entity_type=company&entity_id=42", "/audit?entity_type=company&entity_id=42", {}),
                ("GET /api/v1/audit?action=update", "/api/v1/audit?action=update", headers),
            ]
            for label, path, hdrs in cases:
                assert client.get(path, headers=hdrs).status_code == 200
                results.setdefault(label, {})[backend] = timed(partial(client.get, path, headers=hdrs))
    for label, by in results.items():
        lines.append(f"| `{label}` | {ms(by['sqlite'])} | {ms(by['postgresql'])} |")
    write_section("audit_page", "\n".join(lines))
    print("\n".join(lines))
