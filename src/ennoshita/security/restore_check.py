"""What ``ennoshita restore`` checks: the backup's audit chain, and the schema's triggers.

A backup is a file anyone with access to it could edit: :func:`chain_problem` verifies its audit chain before it
replaces the live database (SQLite) or right after ``pg_restore`` (PostgreSQL). A backup taken after someone
dropped an immutability trigger would carry the hole over: :func:`recreate_triggers` compares the restored
database with a scratch database migrated from the same migrations and re-creates every trigger that is missing.
"""

from __future__ import annotations

import sqlite3
import tempfile
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from ennoshita import audit
from ennoshita.db import Database
from ennoshita.migrations import upgrade

if TYPE_CHECKING:
    from ennoshita.i18n import Translator


def chain_problem(url: str, t: Translator) -> str | None:
    """None when the audit chain of the database at ``url`` verifies with this installation's audit key (and the
    backup's own checkpoints), else what is wrong with it -- including a missing key -- in ``t``'s language."""
    db = Database(url)
    try:
        with db.uow() as uow:
            result = audit.verify(uow.session, checkpoint_file=False)
        if result.ok:
            return None
        if result.reason == "no_key":
            return t("cli.restore_no_key", problem=result.describe(t))
        return result.describe(t)
    except Exception as exc:  # not a database of ours, or unreadable: refuse it as well
        return t("cli.restore_unverifiable", kind=type(exc).__name__)
    finally:
        db.dispose()


def follow_checkpoint_file(url: str, t: Translator) -> str | None:
    """After a restore: the checkpoint file next to the key follows the restored chain (an older backup ends
    before the file's checkpoint, by design). Returns a notice in ``t``'s language when the file was ahead."""
    from ennoshita.audit import checkpoints

    db = Database(url)
    try:
        with db.uow() as uow:
            outside = checkpoints.read_file(uow.session)
            latest = checkpoints.latest(uow.session)
            chain = latest.chain if latest else None
        notice = None
        if outside is not None and (latest is None or outside.seq > latest.seq):
            notice = t("cli.restore_older_chain", seq=outside.seq, at=outside.at)
        if chain is not None:
            checkpoints.replace_file(latest, chain)
        return notice
    finally:
        db.dispose()


def install_key(given: Path, t: Translator) -> str | None:
    """Put the key given to restore where this installation keeps it, when it has none; refuse a different one
    (the refusal in ``t``'s language)."""
    import shutil

    from ennoshita.audit import keys

    target = keys.key_path()
    if target.exists():
        if target.read_bytes().strip() != given.read_bytes().strip():
            return t("cli.restore_other_key", path=str(target))
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(given, target)
    target.chmod(0o600)
    return None


def recreate_triggers(url: str) -> list[str]:
    """Bring the database at ``url`` to the migrations' head and re-create the triggers it lacks."""
    db = Database(url)
    try:
        upgrade(db.engine)
    finally:
        db.dispose()
    return _sqlite_triggers(url) if url.startswith("sqlite") else _pg_triggers(url)


def _sqlite_triggers(url: str) -> list[str]:
    from ennoshita.audit import keys

    with tempfile.TemporaryDirectory() as tmp:
        scratch = Database(f"sqlite:///{Path(tmp) / 'scratch.db'}")
        with keys.key_file(Path(tmp) / "scratch_key"):  # the scratch chain's marker: never the real key
            upgrade(scratch.engine)
        with scratch.engine.connect() as conn:
            rows = conn.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").all()
            wanted: dict[str, str] = {str(r[0]): str(r[1]) for r in rows}
        scratch.dispose()
    target = sqlite3.connect(url.split("///", 1)[1])
    try:
        have = {r[0] for r in target.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        missing = sorted(set(wanted) - have)
        for name in missing:
            target.execute(wanted[name])
        target.commit()
    finally:
        target.close()
    return missing


_PG_TRIGGERS = ("SELECT t.tgname, pg_get_triggerdef(t.oid), pg_get_functiondef(t.tgfoid) FROM pg_trigger t "
                "WHERE NOT t.tgisinternal")


def _pg_triggers(url: str) -> list[str]:
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    name = f"ens_scratch_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        from ennoshita.audit import keys

        scratch = Database(make_url(url).set(database=name).render_as_string(hide_password=False))
        with tempfile.TemporaryDirectory() as tmp, keys.key_file(Path(tmp) / "scratch_key"):
            upgrade(scratch.engine)
        with scratch.engine.connect() as conn:
            wanted = {r[0]: (r[1], r[2]) for r in conn.exec_driver_sql(_PG_TRIGGERS)}
        scratch.dispose()
        target = create_engine(url)
        with target.begin() as conn:
            have = {r[0] for r in conn.exec_driver_sql(_PG_TRIGGERS)}
            missing = sorted(set(wanted) - have)
            for trigger in missing:
                definition, function = wanted[trigger]
                conn.exec_driver_sql(function.replace("%", "%%"))
                conn.exec_driver_sql(definition.replace("%", "%%"))
        target.dispose()
        return missing
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
