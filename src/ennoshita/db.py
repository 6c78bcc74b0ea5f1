"""Engine, session and unit of work for SQLite and PostgreSQL.

A service owns its transaction: ``with uow: ...; uow.commit()``; leaving the block without a commit
rolls back, so a use case is all or nothing.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


# Execution option for a session's first connection (``session.connection(execution_options={BULK_LOAD:
# True})``): a bulk import whose every reference was checked in the same transaction. On SQLite the
# transaction then runs without the per-row foreign key lookups; elsewhere the option changes nothing.
BULK_LOAD = "ennoshita_bulk_load"


# Set for the duration of a request that only reads (GET/HEAD, see web/app.py): its SQLite transactions begin
# DEFERRED, so a page or /api/v1/health reads its snapshot while a long import holds the write lock, instead of
# queueing behind it for the busy timeout (issue 14 item 15). Writers still begin IMMEDIATE.
READ_INTENT: ContextVar[bool] = ContextVar("ennoshita_read_intent", default=False)


@contextmanager
def read_intent(enabled: bool = True) -> Iterator[None]:
    token = READ_INTENT.set(enabled)
    try:
        yield
    finally:
        READ_INTENT.reset(token)


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def private_file(path: Path) -> None:
    """Create ``path`` readable by its owner only (0600), or narrow an existing file to that: the books, the
    audit trail and the backups are nobody else's business on the server (SQLite's -wal/-shm follow)."""
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        return
    try:
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)
    except OSError:  # not ours to change: leave it
        pass


def make_engine(url: str) -> Engine:
    """An engine with the project's connection settings (SQLite: WAL, FKs, busy timeout)."""
    if is_sqlite(url):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:" and not path.startswith("file:"):
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            private_file(Path(path.split("?", 1)[0]))
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)

        # Let SQLAlchemy emit BEGIN itself so that BEGIN IMMEDIATE can serialise writers.
        @event.listens_for(engine, "connect")
        def _no_pysqlite_tx(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            if conn.get_execution_options().get(BULK_LOAD):
                # The pragma only takes effect outside a transaction; the connection gets the checks back
                # when it returns to the pool.
                conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
                conn.info["foreign_keys_off"] = True
            write = conn.info.get("write", True) and not READ_INTENT.get()
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        @event.listens_for(engine, "checkin")
        def _checkin(dbapi_connection: Any, record: Any) -> None:
            if record is not None and record.info.pop("foreign_keys_off", False) and dbapi_connection is not None:
                cursor = dbapi_connection.cursor()
                cursor.execute("PRAGMA foreign_keys=ON")
                cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


class UnitOfWork:
    """One database transaction for one use case."""

    def __init__(self, session_factory: Callable[[], Session]) -> None:
        self._factory = session_factory
        self._session: Session | None = None
        self.committed = False

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("UnitOfWork used outside 'with'")
        return self._session

    def __enter__(self) -> UnitOfWork:
        self._session = self._factory()
        self.committed = False
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._session is not None
        if not self.committed:
            self._session.rollback()
        self._session.close()
        self._session = None

    def commit(self) -> None:
        self.session.commit()
        self.committed = True

    def flush(self) -> None:
        self.session.flush()


class Database:
    """The engine and session factory of one configured database."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.sessions)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def dispose(self) -> None:
        self.engine.dispose()


# every session refuses control characters in stored text (issue 14): registered wherever a Database is used
from ennoshita.security import stored_text as _text_rules  # noqa: E402, F401
