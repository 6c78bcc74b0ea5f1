"""Issue 14 items 8 and 9: every yen amount is bounded (a line at most ¥999,999,999,999, totals fit BIGINT,
Decimal inputs bounded before arithmetic) and posting dates lie in the company's fiscal years; bad input answers
422 naming the field or line and writes nothing. Each case answered 500 or was accepted before the fix."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from ennoshita.db import Database
from ennoshita.ledger.models import JournalEntry
from tests.integration.test_api import auth, token_for
from tests.integration.test_ledger_import import row

HUGE = 99999999999999999999  # above 2**63
INT64_MAX = 9223372036854775807


def _entries(db: Database) -> int:
    with db.uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(JournalEntry)) or 0)


def _problem(response: Any) -> set[str]:
    assert response.status_code == 422, (response.status_code, response.text)
    return {e["field"] for e in response.json()["errors"]}


def _entry(debit: Any, date: str = "2026-11-20") -> dict[str, Any]:
    return {"date": date, "description": "限界", "lines": [
        {"account": "6240", "debit": debit}, {"account": "1120", "credit": debit}]}


def test_yen_amounts_are_bounded_everywhere(client: TestClient, demo_db: Database) -> None:
    keiri = auth(token_for(demo_db, "keiri@demo.ennoshita.jp"))
    before = _entries(demo_db)
    assert _problem(client.post("/api/v1/journal-entries", headers=keiri, json=_entry(HUGE))) >= {"lines[0].debit"}
    assert _problem(client.post("/api/v1/journal-entries", headers=keiri, json=_entry(INT64_MAX))) >= {
        "lines[0].debit"}
    # the bound itself is accepted: ¥999,999,999,999
    assert client.post("/api/v1/journal-entries", headers=keiri, json=_entry(999_999_999_999)).status_code == 201
    for amount in (str(INT64_MAX), str(HUGE)):
        data = row("2000", "1", "2026/11/20", "会議費", amount, "現金", amount, "限界")
        r = client.post("/api/v1/journal-entries/import", headers=keiri, data={"format": "yayoi"},
                        files={"file": ("y.csv", data.encode("cp932"), "text/csv")})
        assert r.status_code == 422, r.text
    assert _entries(demo_db) == before + 1  # only the draft at the bound

    admin = auth(token_for(demo_db, "admin@demo.ennoshita.jp"))
    partner = {"code": "C9901", "name": "限界商事", "name_kana": "ゲンカイショウジ", "credit_limit": HUGE}
    assert "credit_limit" in _problem(client.post("/api/v1/partners", headers=admin, json=partner))
    customer = client.get("/api/v1/partners", headers=admin, params={"role": "customer"}).json()["items"][0]["id"]
    for price, qty in (("1E+1000000", "1"), ("1e309", "1"), ("NaN", "1"), ("999999999999", "2"),
                       (str(HUGE), "1"), ("1", "1E+1000000")):
        quote = {"partner_id": customer, "issue_date": "2026-12-01", "valid_until": "2026-12-31", "subject": "限界",
                 "lines": [{"description": "x", "quantity": qty, "unit_price": price, "tax_rate": "10"}]}
        fields = _problem(client.post("/api/v1/quotes", headers=admin, json=quote))
        assert fields & {"lines[0].unit_price", "lines[0].quantity"}, (price, qty, fields)


def test_posting_dates_lie_in_the_fiscal_years(client: TestClient, demo_db: Database) -> None:
    keiri = auth(token_for(demo_db, "keiri@demo.ennoshita.jp"))
    for date in ("1900-01-01", "2117-01-01", "9999-12-31"):
        fields = _problem(client.post("/api/v1/journal-entries", headers=keiri, json=_entry(100, date)))
        assert fields & {"date", "entry_date"}, (date, fields)
    # 和暦 that do not exist: 平成31年5月1日 is 令和元年5月1日; R99 is 2117
    for wareki in ("H31/5/1", "R99/1/1"):
        data = row("2000", "1", wareki, "会議費", "100", "現金", "100", "和暦")
        r = client.post("/api/v1/journal-entries/import", headers=keiri, data={"format": "yayoi"},
                        files={"file": ("y.csv", data.encode("cp932"), "text/csv")})
        assert r.status_code == 422, (wareki, r.text)


IMMUTABLE = ("journal_lines", "journal_entries", "invoices", "invoice_lines", "attachments", "payment_files",
             "supplier_bills", "audit_records")


def test_truncate_is_refused_on_every_immutable_table(demo_db: Database) -> None:
    """Item 17: on PostgreSQL TRUNCATE bypassed the row triggers of every table but the audit table. SQLite has no
    TRUNCATE; its bulk wipe is an unqualified DELETE (the truncate optimisation), which must meet the same refusal on
    the demo company's rows."""
    import pytest
    from sqlalchemy.exc import DBAPIError

    for table in IMMUTABLE:
        with demo_db.engine.connect() as conn:
            if demo_db.dialect != "postgresql":
                assert conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one() > 0, table
            with pytest.raises(DBAPIError, match="immutable|append-only"):
                if demo_db.dialect == "postgresql":
                    conn.exec_driver_sql(f"TRUNCATE {table} CASCADE")
                else:
                    conn.exec_driver_sql(f"DELETE FROM {table}")


def test_import_applies_the_approval_policy(client: TestClient, demo_db: Database) -> None:
    """Item 2: a 弥生 import posted a ¥1,500,000 entry with no approval, where typing it goes to 承認 (demo: from
    ¥1,000,000). 経理 is refused, naming the entry; the administrator (who migrates past books) may import it."""
    data = row("2000", "1", "2026/11/20", "会議費", "1500000", "現金", "1500000", "大口")
    files = {"file": ("y.csv", data.encode("cp932"), "text/csv")}
    keiri = auth(token_for(demo_db, "keiri@demo.ennoshita.jp"))
    before = _entries(demo_db)
    r = client.post("/api/v1/journal-entries/import", headers=keiri, data={"format": "yayoi"}, files=files)
    assert r.status_code == 422 and [e["code"] for e in r.json()["errors"]] == ["ledger.error.import_needs_approval"]
    assert _entries(demo_db) == before
    small = row("2000", "1", "2026/11/20", "会議費", "999999", "現金", "999999", "小口")
    r = client.post("/api/v1/journal-entries/import", headers=keiri, data={"format": "yayoi"},
                    files={"file": ("y.csv", small.encode("cp932"), "text/csv")})
    assert r.status_code == 201, r.text
    admin = auth(token_for(demo_db, "admin@demo.ennoshita.jp"))
    r = client.post("/api/v1/journal-entries/import", headers=admin, data={"format": "yayoi"}, files=files)
    assert r.status_code == 201, r.text
