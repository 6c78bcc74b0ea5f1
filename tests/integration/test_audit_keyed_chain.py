"""Issue 14 item 16, tampering: the audit chain is keyed (HMAC-SHA256 with a key outside the database) and
anchored by signed checkpoints, and imports chain their lines. Every attack here is made with raw SQL by someone
who owns the database (triggers dropped, as an owner may) but does not hold the key file. Before the change each
of them left ``audit verify`` (and ``ledger check``) saying OK."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Connection
from typer.testing import CliRunner

from ennoshita import audit
from ennoshita.actor import Actor
from ennoshita.audit import checkpoints, keys
from ennoshita.audit.ddl import drop_checkpoint_triggers, drop_triggers
from ennoshita.audit.rules import GENESIS, chain_hash
from ennoshita.audit.services import stamp
from ennoshita.cli.main import app
from ennoshita.db import Database
from ennoshita.identity import company as company_service
from ennoshita.ledger import importer
from tests.integration.test_ledger_import import ACCOUNTANT, YAYOI

runner = CliRunner()


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    """The lines below are read in English (test_cli_messages checks both languages)."""
    monkeypatch.setenv("ENNOSHITA_LANG", "en")

FIELDS = "id, occurred_at, actor_id, actor_name, via, entity_type, entity_id, action, before, after"


def _records(db: Database, n: int) -> None:
    actor = Actor.system()
    with db.uow() as uow:
        for i in range(n):
            audit.record(uow.session, actor, "user", i + 1, "create", after={"name": f"社員{i + 1}"})
        uow.commit()


def _verify(db: Database) -> Any:
    return runner.invoke(app, ["audit", "verify", "--database-url", db.url])


def _fields(row: Any) -> dict[str, Any]:
    moment = row.occurred_at
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    return {"id": row.id, "occurred_at": stamp(moment), "actor_id": row.actor_id, "actor_name": row.actor_name,
            "via": row.via, "entity_type": row.entity_type, "entity_id": row.entity_id, "action": row.action,
            "before": row.before, "after": row.after}


def _rewrite_unkeyed(conn: Connection, from_id: int, version: int | None) -> None:
    """Recompute SHA-256 links (version 1 formula) of every record from ``from_id`` on, as someone without the key
    can; ``version``: also set the records' version column (None: keep it)."""
    rows = conn.execute(text(f"SELECT {FIELDS}, prev_hash, hash FROM audit_records ORDER BY id")).all()
    prev = GENESIS
    for row in rows:
        if row.id >= from_id:
            new = chain_hash(prev, _fields(row))
            sets = "prev_hash = :p, hash = :h" + (", version = :v" if version is not None else "")
            conn.execute(text(f"UPDATE audit_records SET {sets} WHERE id = :i"),
                         {"p": prev, "h": new, "v": version, "i": row.id})
            prev = new
        else:
            prev = row.hash


def test_an_intact_keyed_chain_verifies_and_starts_with_its_marker(db: Database) -> None:
    _records(db, 4)
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT id, entity_type, action, version FROM audit_records ORDER BY id")).all()
    assert [(r.entity_type, r.action, r.version) for r in rows][0] == ("audit_chain", "keyed", 2)
    assert {r.version for r in rows} == {2}
    result = _verify(db)
    assert result.exit_code == 0, result.stdout
    assert result.stdout.splitlines()[0] == f"Verified: all {len(rows)} records are intact."


def test_an_edited_record_with_every_later_hash_recomputed_fails(db: Database) -> None:
    """Failed before: recomputing SHA-256 over the edited record and all later ones gave an intact chain."""
    _records(db, 5)
    for version in (None, 1):  # keep the version (MAC mismatch) or pretend the records are unkeyed
        with db.engine.begin() as conn:
            drop_triggers(conn)
            conn.execute(text("UPDATE audit_records SET after = '{\"name\":\"改ざん\"}' WHERE id = 3"))
            _rewrite_unkeyed(conn, 3, version)
        result = _verify(db)
        assert result.exit_code == 1, result.stdout
        reason = ("its keyed signature does not match its content" if version is None
                  else "it is an unkeyed record after the start of the keyed chain")
        assert f"Verification failed at record #3 ({reason}); the 2 records before it are intact." in result.stdout


def test_a_stripped_marker_fails(db: Database) -> None:
    """The whole chain rewritten as unkeyed records without the marker (the chain an attacker can recompute)."""
    _records(db, 3)
    with db.engine.begin() as conn:
        drop_triggers(conn)
        conn.execute(text("DELETE FROM audit_records WHERE entity_type = 'audit_chain'"))
        _rewrite_unkeyed(conn, 0, 1)
    result = _verify(db)
    assert result.exit_code == 1, result.stdout
    assert "the record that starts the keyed chain is missing" in result.stdout
    # a second marker (a new key's chain appended) is refused as well
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_records SET version = 2 WHERE id = 2"))
    assert _verify(db).exit_code == 1


def test_cutting_the_tail_before_a_checkpoint_fails_even_without_the_checkpoint_rows(db: Database) -> None:
    _records(db, 3)
    backup = runner.invoke(app, ["backup", str(Path(db.url.split("///")[-1]).parent / "b.backup")
                                 if db.dialect == "sqlite" else "/dev/null", "--database-url", db.url])
    if db.dialect == "sqlite":
        assert backup.exit_code == 0, backup.output
        assert "Audit checkpoint: record #4 (4 records)" in backup.output
    else:  # pg_dump to /dev/null is not the point here: take the same checkpoint the backup takes
        with db.uow() as uow:
            cp = checkpoints.take(uow.session, "backup", "test")
            uow.commit()
        checkpoints.publish(cp)
    _records(db, 2)  # records 5 and 6, after the checkpoint at record 4
    assert _verify(db).exit_code == 0
    with db.engine.begin() as conn:
        drop_triggers(conn)
        conn.execute(text("DELETE FROM audit_records WHERE id >= 5"))
    # what comes after the last checkpoint can be cut unnoticed (the README says so)
    assert _verify(db).exit_code == 0
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_records WHERE id >= 3"))
    result = _verify(db)
    assert result.exit_code == 1 and "the chain ends before a checkpoint" in result.stdout, result.stdout
    # the attacker also deletes the checkpoint rows: the file next to the key still holds the checkpoint
    with db.engine.begin() as conn:
        drop_checkpoint_triggers(conn)
        conn.execute(text("DELETE FROM audit_checkpoints"))
    result = _verify(db)
    assert result.exit_code == 1 and "the chain ends before a checkpoint" in result.stdout, result.stdout


def test_deleted_checkpoint_rows_and_a_forged_checkpoint_fail(db: Database) -> None:
    _records(db, 2)
    with db.uow() as uow:
        cp = checkpoints.take(uow.session, "close", "2026-11")
        uow.commit()
    checkpoints.publish(cp)
    with db.engine.begin() as conn:
        drop_checkpoint_triggers(conn)
        conn.execute(text("UPDATE audit_checkpoints SET count = count + 1"))
    result = _verify(db)
    assert result.exit_code == 1 and "a checkpoint's signature is wrong" in result.stdout, result.stdout
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_checkpoints"))
    result = _verify(db)
    assert result.exit_code == 1 and "a checkpoint was deleted from the database" in result.stdout, result.stdout


def test_verify_without_the_key_file_says_so_and_creates_none(db: Database, tmp_path: Path) -> None:
    _records(db, 1)
    missing = tmp_path / "elsewhere" / "audit_key"
    keys.set_key_file(missing)
    result = _verify(db)
    assert result.exit_code == 1
    assert f"the audit trail's key file is missing: {missing}" in result.stdout
    assert not missing.exists() and not missing.parent.exists()
    with db.uow() as uow:
        assert audit.verify(uow.session).reason == "no_key"
    assert not missing.exists()


def test_a_keyed_chain_checked_with_another_key_names_the_marker(db: Database, tmp_path: Path) -> None:
    _records(db, 1)
    other = tmp_path / "other_key"
    other.write_text("ab" * 32 + "\n")
    keys.set_key_file(other)
    result = _verify(db)
    assert result.exit_code == 1 and "(it is keyed with another installation's key)" in result.stdout, result.stdout


def test_an_imported_line_edited_with_its_balance_row_is_found(db: Database) -> None:
    """Failed before: an import writes one audit record for the file and its entries were not compared."""
    from ennoshita.guards import drop_immutable
    from ennoshita.ledger.posting import period_of

    company_service.update_company(db.uow(), Actor.system(), {"name": "取込テスト株式会社",
                                                              "fiscal_year_start_month": 4})
    importer.import_journal(db.uow(), ACCOUNTANT, io.BytesIO(YAYOI.encode("cp932")), "yayoi")
    for args in (["audit", "verify"], ["ledger", "check"]):
        ok = runner.invoke(app, [*args, "--database-url", db.url])
        assert ok.exit_code == 0, ok.stdout
    with db.engine.begin() as conn:
        drop_immutable(conn, "journal_lines")
        line = conn.execute(text(
            "SELECT jl.id, jl.entry_id, jl.account_id, jl.sub_account_id, jl.department_id, jl.entry_date "
            "FROM journal_lines jl WHERE jl.credit > 0 ORDER BY jl.id DESC LIMIT 1")).one()
        day = line.entry_date if isinstance(line.entry_date, dt.date) else dt.date.fromisoformat(line.entry_date)
        conn.execute(text("UPDATE journal_lines SET credit = credit - 1000 WHERE id = :i"), {"i": line.id})
        changed = conn.execute(text(
            "UPDATE ledger_balances SET credit = credit - 1000 WHERE account_id = :a AND sub_account_id = :s "
            "AND department_id = :d AND period = :p AND is_closing = :c"),
            {"a": line.account_id, "s": line.sub_account_id or 0, "d": line.department_id or 0,
             "p": period_of(day), "c": False})
        assert changed.rowcount == 1
    for args in (["audit", "verify"], ["ledger", "check"]):
        result = runner.invoke(app, [*args, "--database-url", db.url])
        assert result.exit_code == 1, result.stdout
        assert "posted in bulk) does not match the posted lines." in result.stdout
        assert "Balance differs" not in result.stdout  # the balance rows agree with the lines: only the trail tells


def test_restore_without_the_key_refuses_unless_the_key_file_is_given(db: Database, tmp_path: Path) -> None:
    if db.dialect != "sqlite":
        return  # the PostgreSQL restore path (pg_restore) is covered by test_security_restore
    _records(db, 2)
    backup = tmp_path / "books.backup"
    assert runner.invoke(app, ["backup", str(backup), "--database-url", db.url]).exit_code == 0
    original = keys.key_path()
    new_machine = tmp_path / "new_machine" / "audit_key"
    keys.set_key_file(new_machine)
    db.dispose()
    refused = runner.invoke(app, ["restore", str(backup), "--database-url", db.url])
    assert refused.exit_code == 1 and "the audit trail's key file is missing" in refused.output, refused.output
    assert not new_machine.exists()
    given = runner.invoke(app, ["restore", str(backup), "--audit-key-file", str(original),
                                "--database-url", db.url])
    assert given.exit_code == 0, given.output
    assert new_machine.read_bytes() == original.read_bytes()
    assert oct(new_machine.stat().st_mode & 0o777) == "0o600"
    db.dispose()
    assert _verify(db).exit_code == 0


def test_a_line_of_a_bulk_posting_edited_with_its_balance_row_is_found(db: Database) -> None:
    """post_many (the billing run's bulk posting) wrote no per-entry ``post`` record: its entries were not compared
    before; now a ``journal_batch`` record chains their lines."""
    from ennoshita.guards import drop_immutable
    from ennoshita.ledger.batch import post_many
    from ennoshita.ledger.rules import EntryDraft, LineDraft

    company_service.update_company(db.uow(), Actor.system(), {"name": "一括テスト株式会社",
                                                              "fiscal_year_start_month": 4})
    drafts = [EntryDraft(dt.date(2026, 4, 10 + i), f"売上 {i}", "A社",
                         (LineDraft("売掛金", 11000 * (i + 1), 0), LineDraft("売上高", 0, 11000 * (i + 1))))
              for i in range(3)]
    with db.uow() as uow:
        post_many(uow.session, Actor.system(), drafts, source="sales", source_refs=["a", "b", "c"])
        uow.commit()
    assert runner.invoke(app, ["ledger", "check", "--database-url", db.url]).exit_code == 0
    with db.engine.begin() as conn:
        drop_immutable(conn, "journal_lines")
        line = conn.execute(text("SELECT id, account_id, sub_account_id, department_id FROM journal_lines "
                                 "WHERE debit > 0 ORDER BY id DESC LIMIT 1")).one()
        conn.execute(text("UPDATE journal_lines SET debit = debit + 1 WHERE id = :i"), {"i": line.id})
        conn.execute(text("UPDATE ledger_balances SET debit = debit + 1 WHERE account_id = :a AND period = 202604 "
                          "AND sub_account_id = :s AND department_id = :d AND is_closing = :c"),
                     {"a": line.account_id, "s": line.sub_account_id or 0, "d": line.department_id or 0, "c": False})
    for args in (["audit", "verify"], ["ledger", "check"]):
        result = runner.invoke(app, [*args, "--database-url", db.url])
        assert result.exit_code == 1, result.stdout
        assert "posted in bulk) does not match the posted lines." in result.stdout
        assert "Balance differs" not in result.stdout
