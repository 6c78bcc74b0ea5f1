"""The audit table is append-only on both databases, and `audit verify` finds tampering."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from ennoshita.audit.ddl import drop_triggers
from ennoshita.cli.main import app
from ennoshita.db import Database

runner = CliRunner()


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    """The lines below are read in English (test_cli_messages checks both languages)."""
    monkeypatch.setenv("ENNOSHITA_LANG", "en")


def test_triggers_refuse_update_and_delete(demo_db: Database) -> None:
    with demo_db.engine.connect() as conn:
        action = conn.execute(text("SELECT action FROM audit_records WHERE id = 1")).scalar()
    for stmt in ("UPDATE audit_records SET action = 'nothing' WHERE id = 1",
                 "DELETE FROM audit_records WHERE id = 1"):
        with pytest.raises(DBAPIError, match="append-only"), demo_db.engine.begin() as conn:
            conn.execute(text(stmt))
    with demo_db.engine.connect() as conn:
        assert conn.execute(text("SELECT action FROM audit_records WHERE id = 1")).scalar() == action


def test_verify_reports_ok_with_the_count(demo_db: Database) -> None:
    with demo_db.engine.connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM audit_records")).scalar()
    result = runner.invoke(app, ["audit", "verify", "--database-url", demo_db.url])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == f"Verified: all {count:,} records are intact."
    assert result.stdout.splitlines()[1].startswith("Audit checkpoint: record #")  # the demo's monthly closes


def test_verify_names_the_first_record_altered_behind_the_applications_back(demo_db: Database) -> None:
    with demo_db.engine.begin() as conn:
        drop_triggers(conn)
        conn.execute(text("UPDATE audit_records SET after = '{\"name\":\"改ざん\"}' WHERE id = 4"))
    result = runner.invoke(app, ["audit", "verify", "--database-url", demo_db.url])
    assert result.exit_code == 1
    assert "failed at record #4 " in result.stdout


def test_verify_detects_a_deleted_record(demo_db: Database) -> None:
    with demo_db.engine.begin() as conn:
        drop_triggers(conn)
        conn.execute(text("DELETE FROM audit_records WHERE id = 3"))
    result = runner.invoke(app, ["audit", "verify", "--database-url", demo_db.url])
    assert result.exit_code == 1
    assert "failed at record #4 " in result.stdout


def test_a_posted_line_edited_with_its_balance_row_is_found_by_audit_verify_and_ledger_check(
        demo_db: Database) -> None:
    """Issue 14 item 16 (failed before: both commands said OK): a journal line's debit raised by ¥1,000 together
    with its maintained balance row, every trigger dropped, so the balances still equal the postings and the
    audit chain is untouched; the line no longer matches the lines chained in its ``post`` audit record."""
    from ennoshita.guards import drop_immutable
    from ennoshita.ledger.posting import period_of

    for args in (["audit", "verify"], ["ledger", "check"]):
        assert runner.invoke(app, [*args, "--database-url", demo_db.url]).exit_code == 0
    with demo_db.engine.begin() as conn:
        drop_immutable(conn, "journal_lines")
        line = conn.execute(text(
            "SELECT jl.id, jl.entry_id, jl.account_id, jl.sub_account_id, jl.department_id, jl.entry_date "
            "FROM journal_lines jl JOIN journal_entries je ON je.id = jl.entry_id "
            "WHERE je.status = 'posted' AND jl.debit > 0 ORDER BY jl.id LIMIT 1")).one()
        day = line.entry_date if isinstance(line.entry_date, dt.date) else dt.date.fromisoformat(line.entry_date)
        conn.execute(text("UPDATE journal_lines SET debit = debit + 1000 WHERE id = :i"), {"i": line.id})
        changed = conn.execute(text(
            "UPDATE ledger_balances SET debit = debit + 1000 WHERE account_id = :a AND sub_account_id = :s "
            "AND department_id = :d AND period = :p AND is_closing = :c"),
            {"a": line.account_id, "s": line.sub_account_id or 0, "d": line.department_id or 0,
             "p": period_of(day), "c": False})
        assert changed.rowcount == 1
    for args in (["audit", "verify"], ["ledger", "check"]):
        result = runner.invoke(app, [*args, "--database-url", demo_db.url])
        assert result.exit_code == 1, result.stdout
        assert f"Entry #{line.entry_id}: its lines do not match its audit record." in result.stdout
        assert "Balance differs" not in result.stdout  # the balance rows were edited to agree: only the chain tells
