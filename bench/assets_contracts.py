"""総務 and 法務 at scale: a monthly depreciation run over 50,000 fixed assets posted to the ledger (target < 10 s on
SQLite), and the contract renewal dashboard at 100,000 contracts (target < 100 ms).

The assets (PCs, servers, desks, cars, fixtures; 定率法 and 定額法; acquired over six years) and the contracts
(a fifth auto-renewing, deadlines spread over four years) are written in bulk; the run is the real service
(``assets.post_run``: schedule per asset, one journal entry, 50,000 register lines, every asset's 累計額), timed
once as it can post a month only once; the dashboard is the service query, median of 7.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import time

from bench.common import fresh_database, machine, ms, timed, write_section
from ennoshita.actor import Actor
from ennoshita.assets import services as assets
from ennoshita.assets import tables
from ennoshita.bulk import insert_rows
from ennoshita.contracts import rules as contract_rules
from ennoshita.contracts import services as contracts
from ennoshita.db import Database
from ennoshita.identity import company as company_service

ASSETS = 50_000
CONTRACTS = 100_000
ADMIN = Actor.system()
TODAY = dt.date(2026, 12, 6)
KINDS = ("pc", "server", "desk_metal", "car", "copier", "fixture_electric", "reception_set")


def fill_assets(db: Database, n: int) -> None:
    rnd = random.Random(17)
    now = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    rows = []
    for i in range(1, n + 1):
        kind = tables.KIND_BY_CODE[KINDS[i % len(KINDS)]]
        acquired = dt.date(2020, 4, 1) + dt.timedelta(days=rnd.randrange(0, 6 * 365))
        method = "straight" if kind.family in ("building_fixture",) or i % 3 == 0 else "declining_200"
        rows.append((i, f"FA-{i:06d}", f"資産 {i}", kind.code, kind.family, kind.account_code, kind.declared_class,
                     kind.life, method, acquired.isoformat(), rnd.randrange(200_000, 5_000_000), 1, "管理部", "本社",
                     "東京都千代田区", "", "", "active", 0, None, now))
    with db.uow() as uow:
        insert_rows(uow.session, "fixed_assets", (
            "id", "number", "name", "kind_code", "family", "account_code", "declared_class", "life", "method",
            "acquired_on", "cost", "quantity", "department", "location", "municipality", "supplier", "note", "status",
            "accumulated", "last_run_month", "created_at"), rows)
        uow.commit()


def fill_contracts(db: Database, n: int) -> None:
    rnd = random.Random(18)
    now = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    rows = []
    for i in range(1, n + 1):
        start = dt.date(2023, 1, 1) + dt.timedelta(days=rnd.randrange(0, 4 * 365))
        end = contract_rules.shift_months(start, 12 * (1 + i % 3)) - dt.timedelta(days=1)
        auto = i % 5 == 0
        terms = contract_rules.Terms(start, end, auto, 12, 3)
        pos = contract_rules.position(terms, TODAY)
        due = pos.deadline if auto else pos.term_end
        rows.append((i, f"CT-{i:06d}", f"契約 {i}", ("nda", "outsourcing", "master", "lease")[i % 4],
                     f"取引先 {i % 997}", "ended" if pos.expired else "signed", start.isoformat(), end.isoformat(),
                     auto, 12, 3 if auto else 0, 0, pos.term_end.isoformat() if pos.term_end else None,
                     pos.deadline.isoformat() if pos.deadline else None, due.isoformat() if due else None, pos.cycles,
                     1, "", False, "other", 0, "", "", now, now))
    with db.uow() as uow:
        insert_rows(uow.session, "contracts", (
            "id", "number", "title", "contract_type", "counterparty", "status", "start_on", "end_on", "auto_renew",
            "renewal_months", "notice_months", "notice_days", "term_end", "notice_deadline", "due_on", "renewals",
            "owner_id",
            "department", "electronic", "stamp_subject", "stamp_duty", "stamp_basis", "description", "created_at",
            "updated_at"), rows)
        uow.commit()


def measure(backend: str) -> dict[str, str]:
    out: dict[str, str] = {}
    with fresh_database(backend, "assets_contracts") as db:
        company_service.update_company(db.uow(), ADMIN, {"name": "ベンチ株式会社", "fiscal_year_start_month": 4})
        fill_assets(db, ASSETS)
        preview = timed(lambda: assets.preview_run(db.uow(), ADMIN, "monthly", dt.date(2026, 11, 1)), repeat=1)
        start, cpu = time.perf_counter(), time.process_time()
        result = assets.post_run(db.uow(), ADMIN, "monthly", dt.date(2026, 11, 1))
        post, post_cpu = time.perf_counter() - start, time.process_time() - cpu
        out["preview"] = f"{preview:.2f} s"
        out["post"] = f"{post:.2f} s wall, {post_cpu:.2f} s CPU of this process ({len(result.lines):,} lines)"
        fill_contracts(db, CONTRACTS)
        rows, total = contracts.dashboard(db.uow(), ADMIN, TODAY)
        first = timed(lambda: contracts.dashboard(db.uow(), ADMIN, TODAY))
        deep = timed(lambda: contracts.dashboard(db.uow(), ADMIN, TODAY, page=max(1, total // 50)))
        out["dashboard"] = f"{ms(first)} ({total:,} due within 60 days)"
        out["dashboard_deep"] = ms(deep)
        out["search"] = ms(timed(lambda: contracts.search(db.uow(), ADMIN, contracts.Search(counterparty="取引先 42"))))
    return out


def run() -> None:
    results = {backend: measure(backend) for backend in ("sqlite", "postgresql")}
    lines = [
        "## 総務・法務: depreciation run over 50,000 assets, renewal dashboard at 100,000 contracts",
        "",
        f"Machine: {machine()}, load average {os.getloadavg()[0]:.1f} while measuring (the machine is shared; "
        "the CPU time of the benchmark process is given beside the wall time). "
        "Command: `make bench` (`python -m bench assets_contracts`). The run is the real "
        "service (one journal entry, a register line and the 累計額 of every asset), timed once; the dashboard "
        "and the search are the service queries, median of 7. Targets: run < 10 s on SQLite, dashboard < 100 ms.",
        "",
        "| measure | SQLite | PostgreSQL |",
        "| --- | ---: | ---: |",
    ]
    labels = {"preview": "monthly run preview, 50,000 assets", "post": "monthly run posted, 50,000 assets",
              "dashboard": "renewal dashboard, first page, 100,000 contracts",
              "dashboard_deep": "renewal dashboard, last page", "search": "contract search by counterparty"}
    for key, label in labels.items():
        lines.append(f"| {label} | {results['sqlite'][key]} | {results['postgresql'][key]} |")
    write_section("assets_contracts", "\n".join(lines))
    print("\n".join(lines))
