"""The CLI: users, tokens, role checks, backup and restore, on both databases."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text
from typer.testing import CliRunner

from ennoshita.cli.main import app
from ennoshita.db import Database

runner = CliRunner()


def test_user_add_list_deactivate_and_token(demo_db: Database) -> None:
    url = demo_db.url
    r = runner.invoke(app, ["user", "add", "--email", "cli@demo.ennoshita.jp", "--name", "CLI 太郎",
                            "--role", "accounting", "--role", "auditor", "--password-stdin",
                            "--database-url", url], input="a-long-password\n")
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["user", "list", "--database-url", url])
    assert "cli@demo.ennoshita.jp" in r.stdout and "経理、監査人" in r.stdout  # the roles as the screens name them
    r = runner.invoke(app, ["token", "create", "--email", "cli@demo.ennoshita.jp", "--database-url", url])
    assert r.exit_code == 0 and r.stdout.strip().startswith("ens_")
    r = runner.invoke(app, ["user", "deactivate", "--email", "cli@demo.ennoshita.jp", "--database-url", url])
    assert r.exit_code == 0


def test_cli_bad_input_gives_one_line_per_problem_and_exit_1(demo_db: Database) -> None:
    r = runner.invoke(app, ["user", "add", "--email", "bad", "--name", "x", "--role", "wizard",
                            "--password-stdin", "--database-url", demo_db.url], input="short\n")
    assert r.exit_code == 1
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(lines) == 3
    assert any(line.startswith("エラー: --password-stdin:") for line in lines)
    assert "Traceback" not in r.output


def test_cli_role_denial(demo_db: Database) -> None:
    r = runner.invoke(app, ["user", "add", "--email", "x@demo.ennoshita.jp", "--name", "x", "--role", "admin",
                            "--password-stdin", "--as-user", "eigyo@demo.ennoshita.jp",
                            "--database-url", demo_db.url], input="a-long-password\n")
    assert r.exit_code == 1
    assert "権限がありません" in r.stderr
    r = runner.invoke(app, ["user", "list", "--as-user", "eigyo@demo.ennoshita.jp", "--database-url", demo_db.url])
    assert r.exit_code == 1


def _snapshot(db: Database) -> list[tuple[object, ...]]:
    with db.engine.connect() as conn:
        users = conn.execute(text("SELECT id, email, display_name FROM users ORDER BY id")).all()
        audit = conn.execute(text("SELECT id, hash FROM audit_records ORDER BY id")).all()
        company = conn.execute(text("SELECT name, registration_number FROM company")).all()
    return [tuple(r) for r in [*users, *audit, *company]]


def test_backup_then_restore_gives_the_same_data(demo_db: Database, tmp_path: Path) -> None:
    before = _snapshot(demo_db)
    target = tmp_path / "backup.bin"
    r = runner.invoke(app, ["backup", str(target), "--database-url", demo_db.url])
    assert r.exit_code == 0, r.output
    # Change the data after the backup: a new user and new audit records.
    r = runner.invoke(app, ["user", "add", "--email", "late@demo.ennoshita.jp", "--name", "late", "--role", "hr",
                            "--password-stdin", "--database-url", demo_db.url], input="a-long-password\n")
    assert r.exit_code == 0
    assert _snapshot(demo_db) != before
    demo_db.dispose()
    r = runner.invoke(app, ["restore", str(target), "--database-url", demo_db.url])
    assert r.exit_code == 0, r.output
    assert _snapshot(demo_db) == before
    r = runner.invoke(app, ["audit", "verify", "--database-url", demo_db.url])
    assert r.exit_code == 0 and r.stdout.startswith("検証結果: 正常です。")
