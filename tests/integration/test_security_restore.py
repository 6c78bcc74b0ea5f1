"""Item 18 of issue 14: ``ennoshita restore`` refuses a tampered backup (unless --force) and re-creates the
triggers a backup lacks; backups and the SQLite database are written with mode 0600. Before the fix the tampered
backup was restored silently, the dropped trigger came back missing, and both files were world-readable."""

from __future__ import annotations

import stat
from pathlib import Path

from typer.testing import CliRunner

from ennoshita.audit.ddl import create_triggers, drop_triggers
from ennoshita.cli.main import app
from ennoshita.db import Database

runner = CliRunner()


def _triggers(db: Database) -> set[str]:
    sql = ("SELECT name FROM sqlite_master WHERE type = 'trigger'" if db.dialect == "sqlite" else
           "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
    with db.engine.connect() as conn:
        return {r[0] for r in conn.exec_driver_sql(sql)}


def test_restore_refuses_a_tampered_backup_and_recreates_triggers(demo_db: Database, tmp_path: Path) -> None:
    url = demo_db.url
    backup = tmp_path / "books.backup"
    assert runner.invoke(app, ["backup", str(backup), "--database-url", url]).exit_code == 0
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    if demo_db.dialect == "sqlite":
        assert stat.S_IMODE(Path(url.split("///", 1)[1]).stat().st_mode) == 0o600
    wanted = _triggers(demo_db)

    # someone drops the journal lines' trigger and edits an audit record, then takes a backup
    with demo_db.engine.begin() as conn:
        drop_triggers(conn)
        conn.exec_driver_sql("UPDATE audit_records SET action = 'edited' WHERE id = 3")
        create_triggers(conn)
        if demo_db.dialect == "sqlite":
            conn.exec_driver_sql("DROP TRIGGER journal_lines_no_update")
        else:
            conn.exec_driver_sql("DROP TRIGGER journal_lines_no_change ON journal_lines")
    tampered = tmp_path / "tampered.backup"
    assert runner.invoke(app, ["backup", str(tampered), "--database-url", url]).exit_code == 0
    demo_db.dispose()
    refused = runner.invoke(app, ["restore", str(tampered), "--database-url", url])
    assert refused.exit_code == 1, refused.output
    forced = runner.invoke(app, ["restore", str(tampered), "--force", "--database-url", url])
    assert forced.exit_code == 0 and "警告: " in forced.output, forced.output
    demo_db.dispose()
    assert wanted <= _triggers(demo_db)  # the dropped trigger is back
    # the good backup restores, and every trigger of the migrations is there again
    restored = runner.invoke(app, ["restore", str(backup), "--database-url", url])
    assert restored.exit_code == 0, restored.output
    demo_db.dispose()
    assert wanted <= _triggers(demo_db)
    verified = runner.invoke(app, ["audit", "verify", "--database-url", url])
    assert verified.exit_code == 0, verified.output
