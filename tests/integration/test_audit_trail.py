"""The audit table is append-only on both databases, and `audit verify` finds tampering."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from ennoshita.audit.ddl import drop_triggers
from ennoshita.cli.main import app
from ennoshita.db import Database

runner = CliRunner()


def test_triggers_refuse_update_and_delete(demo_db: Database) -> None:
    for stmt in ("UPDATE audit_records SET action = 'nothing' WHERE id = 1",
                 "DELETE FROM audit_records WHERE id = 1"):
        with pytest.raises(DBAPIError, match="append-only"), demo_db.engine.begin() as conn:
            conn.execute(text(stmt))
    with demo_db.engine.connect() as conn:
        assert conn.execute(text("SELECT action FROM audit_records WHERE id = 1")).scalar() == "create"


def test_verify_reports_ok_with_the_count(demo_db: Database) -> None:
    with demo_db.engine.connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM audit_records")).scalar()
    result = runner.invoke(app, ["audit", "verify", "--database-url", demo_db.url])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"OK {count} records"


def test_verify_names_the_first_record_altered_behind_the_applications_back(demo_db: Database) -> None:
    with demo_db.engine.begin() as conn:
        drop_triggers(conn)
        conn.execute(text("UPDATE audit_records SET after = '{\"name\":\"改ざん\"}' WHERE id = 4"))
    result = runner.invoke(app, ["audit", "verify", "--database-url", demo_db.url])
    assert result.exit_code == 1
    assert "record 4" in result.stdout


def test_verify_detects_a_deleted_record(demo_db: Database) -> None:
    with demo_db.engine.begin() as conn:
        drop_triggers(conn)
        conn.execute(text("DELETE FROM audit_records WHERE id = 3"))
    result = runner.invoke(app, ["audit", "verify", "--database-url", demo_db.url])
    assert result.exit_code == 1
    assert "record 4" in result.stdout
