"""Work lists stay fast on years of data: 100,000 requests in the desk queues, 100,000 invoices in the
sales invoice list and 100,000 expense claims, timed through the real app (TestClient: routing, queries,
template rendering).

Rows are added in bulk beside the demo company (every request and invoice belongs to demo users and
customers). Target: each page's server time under 100 ms at 100,000 rows.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from functools import partial

from fastapi.testclient import TestClient
from sqlalchemy import select, text

from bench.common import fresh_database, machine, ms, timed, write_section
from ennoshita.bulk import insert_rows
from ennoshita.db import Database
from ennoshita.demo import load_demo
from ennoshita.desk.rules import REQUEST_TYPES
from ennoshita.identity.models import User
from ennoshita.partners.models import Partner
from ennoshita.settings import Settings
from ennoshita.web.app import create_app

ROWS = 100_000
DESK_COLUMNS = ("number", "type", "title", "fields", "team", "status", "requester_id", "requester_department",
                "assignee_id", "due_date", "sla_due_at", "created_at", "started_at", "completed_at", "lead_minutes",
                "on_time", "document_kind", "document_id", "document_number", "overdue_notified")
ATTACHMENT_COLUMNS = ("owner_type", "owner_id", "filename", "content_type", "size", "sha256", "content",
                      "transaction_date", "amount", "counterparty", "uploaded_by", "uploaded_at")
CLAIM_COLUMNS = ("number", "employee_id", "department", "title", "status", "total", "created_at", "journal_entry_ids",
                 "payment_status")
INVOICE_COLUMNS = ("id", "number", "kind", "partner_id", "issue_date", "period_from", "period_to", "due_date",
                   "billing", "subject", "recipient_name", "issuer_name", "issuer_registration_number", "price_entry",
                   "rounding", "net_10", "tax_10", "net_8", "tax_8", "net_0", "net", "tax", "gross",
                   "previous_billed", "received", "carried_over", "billed", "original_id", "replaces_id", "notes",
                   "journal_entry_id", "issued_by", "issued_at")


def fill(db: Database) -> None:
    rng = random.Random(11)
    with db.uow() as uow:
        s = uow.session
        users = {u.email.split("@")[0]: u.id for u in s.scalars(select(User))}
        customers = list(s.execute(select(Partner.id, Partner.name).where(Partner.is_customer.is_(True))))
        start = dt.datetime(2023, 4, 3, 0, tzinfo=dt.UTC)
        types = list(REQUEST_TYPES.values())
        rows = []
        for i in range(ROWS):
            rtype = types[i % len(types)]
            created = start + dt.timedelta(minutes=13 * i)
            done = i < ROWS - 300
            rows.append((f"REQ-B-{i:07d}", rtype.code, f"ベンチ依頼 {i}", json.dumps({"details": "x"}), rtype.team,
                         "done" if done else "received", users["eigyo"], "営業部",
                         users["jimu"] if done else None, None, created + dt.timedelta(hours=20), created,
                         created if done else None, created + dt.timedelta(hours=5) if done else None,
                         300 if done else None, done if done else None, None, None, None, False))
        insert_rows(s, "desk_requests", DESK_COLUMNS, rows)
        top = int(s.scalar(text("SELECT COALESCE(MAX(id), 0) FROM invoices")) or 0)
        invoices, receivables = [], []
        for n in range(ROWS):
            inv_id = top + 1 + n
            pid, name = customers[n % len(customers)]
            day = dt.date(2023, 4, 1) + dt.timedelta(days=n // 100)
            net = rng.randrange(1_000, 2_000_000)
            tax = net // 10
            invoices.append((inv_id, f"INV-B-{n:07d}", "invoice", pid, day, None, None, day + dt.timedelta(days=30),
                             "manual", "", name, "株式会社さくら精機", "T7123456789012", "exclusive", "floor", net, tax,
                             0, 0, 0, net, tax, net + tax, None, None, None, net + tax, None, None, "", None, None,
                             dt.datetime(2023, 4, 1, tzinfo=dt.UTC)))
            if n % 3:
                receivables.append((inv_id, pid, day + dt.timedelta(days=30), net + tax, net + tax, 0, "paid"))
            else:  # still open, some of it long overdue: the aging and overdue lists have work to do
                receivables.append((inv_id, pid, day + dt.timedelta(days=30), net + tax, 0, net + tax, "open"))
        insert_rows(s, "invoices", INVOICE_COLUMNS, invoices)
        claims = [(f"EXP-B-{n:07d}", users["eigyo"], "営業部", f"ベンチ経費 {n}",
                   "approved" if n < ROWS - 50 else "pending_approval", rng.randrange(500, 80_000),
                   dt.datetime(2023, 4, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=15 * n), "[]",
                   "paid" if n < ROWS - 500 else "unpaid") for n in range(ROWS)]
        insert_rows(s, "expense_claims", CLAIM_COLUMNS, claims)
        payees = ["東京電力エナジーパートナー株式会社", "渋谷ビルディング株式会社", "日本交通株式会社", "文具のまるや",
                  "株式会社オフィスサプライ東京", "喫茶ルオー"]
        receipt = b"%PDF-1.4\n" + bytes(rng.randrange(256) for _ in range(2_000))  # a small scanned receipt
        files = [("expense_claim", str(n % 5_000 + 1), f"領収書_{n:06d}.pdf", "application/pdf", len(receipt),
                  "0" * 64, receipt, dt.date(2023, 4, 1) + dt.timedelta(days=n // 100), rng.randrange(100, 200_000),
                  payees[n % len(payees)], users["eigyo"], dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
                 for n in range(ROWS)]
        insert_rows(s, "attachments", ATTACHMENT_COLUMNS, files)
        insert_rows(s, "receivables", ("invoice_id", "partner_id", "due_date", "amount", "paid_amount",
                                       "open_amount", "status"), receivables)
        if s.get_bind().dialect.name == "postgresql":
            for table in ("desk_requests", "invoices", "expense_claims", "attachments"):
                s.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"(SELECT max(id) FROM {table}))"))
        uow.commit()


def _client(db: Database, email: str) -> TestClient:
    client = TestClient(create_app(Settings(database_url=db.url, secret_key="bench"), db))
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    client.post("/login", data={"email": email, "password": "ennoshita-demo", "csrf_token": token})
    return client


CASES = (
    ("jimu", "/desk/queue (営業事務, first page)", "/desk/queue"),
    ("jimu", "/desk/queue?status=done&page=300", "/desk/queue?status=done&page=300"),
    ("eigyo", "/desk/mine (the requester's 100,000)", "/desk/mine"),
    ("jimu", "/desk/dashboard?month=2024-06", "/desk/dashboard?month=2024-06"),
    ("jimu", "/sales/invoices (first page)", "/sales/invoices"),
    ("jimu", "/sales/invoices?page=1000", "/sales/invoices?page=1000"),
    ("jimu", "/sales/invoices?q=INV-B-0099", "/sales/invoices?q=INV-B-0099"),
    ("eigyo", "/expenses (the employee's 100,000 claims)", "/expenses"),
    ("keiri", "/expenses/all?page=1000", "/expenses/all?page=1000"),
    ("keiri", "/expenses/all?q=EXP-B-00999", "/expenses/all?q=EXP-B-00999"),
    ("keiri", "/ledger/evidence (証憑検索, 100,000 files, first page)", "/ledger/evidence"),
    ("keiri", "/ledger/evidence?page=1000", "/ledger/evidence?page=1000"),
    ("keiri", "/ledger/evidence?counterparty=まるや&from=2024-01-01&to=2024-12-31&amount_min=50000",
     "/ledger/evidence?counterparty=%E3%81%BE%E3%82%8B%E3%82%84&from=2024-01-01&to=2024-12-31&amount_min=50000"),
    ("jimu", "/sales/aging (売掛金年齢表)", "/sales/aging?as_of=2026-11-30"),
    ("jimu", "/sales/overdue (延滞一覧)", "/sales/overdue?as_of=2026-11-30"),
)


def run() -> None:
    results: dict[str, dict[str, float]] = {}
    for backend in ("sqlite", "postgresql"):
        with fresh_database(backend, "lists") as db:
            load_demo(db)
            fill(db)
            if backend == "postgresql":  # what autovacuum does on a live database after a bulk load
                with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.exec_driver_sql("VACUUM ANALYZE")
            clients = {who: _client(db, f"{who}@demo.ennoshita.jp") for who in ("jimu", "eigyo", "keiri")}
            for who, label, path in CASES:
                response = clients[who].get(path)
                assert response.status_code == 200, (path, response.status_code)
                results.setdefault(label, {})[backend] = timed(partial(clients[who].get, path))
                print(f"  {backend} {label}: {ms(results[label][backend])}", flush=True)
    lines = ["## Work lists at 100,000 rows", "",
             f"Machine: {machine()}. Command: `make bench` (`python -m bench lists`). 100,000 requests, 100,000 "
             "invoices (a third of them still open), 100,000 expense claims and 100,000 stored files beside the "
             "demo company (PostgreSQL vacuumed and analysed after the bulk load, as autovacuum would); median of 7 "
             "requests through the real app (TestClient), "
             "so each figure includes template rendering. Target: < 100 ms.", "",
             "| page | SQLite | PostgreSQL |", "| --- | ---: | ---: |"]
    for label, by in results.items():
        lines.append(f"| `{label}` | {ms(by['sqlite'])} | {ms(by['postgresql'])} |")
    write_section("lists", "\n".join(lines))


if __name__ == "__main__":
    run()
