"""Alembic migrations, driven from code (``ennoshita init``) rather than an alembic.ini on disk."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from ennoshita.db import BULK_LOAD

HERE = Path(__file__).parent


def config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Create or upgrade the schema on ``engine`` to ``revision``."""
    cfg = config(engine.url.render_as_string(hide_password=False))
    if engine.dialect.name != "sqlite":
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
        return
    # SQLite: a batch migration rebuilds a table (copy, drop, rename), which foreign-key enforcement cannot
    # follow (other tables' references to the dropped table count as violations even once the rebuilt table
    # holds the same ids). Enforcement is off for the migration's transaction (the pragma only works outside
    # one: BULK_LOAD sets it before BEGIN, and the pool turns it back on) and every reference is checked before
    # the commit instead.
    with engine.connect() as plain:
        conn = plain.execution_options(**{BULK_LOAD: True})
        with conn.begin():
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
            broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
            if broken:
                raise RuntimeError(f"migration left broken references: {broken[:5]}")


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision(url: str) -> str | None:
    return ScriptDirectory.from_config(config(url)).get_current_head()
