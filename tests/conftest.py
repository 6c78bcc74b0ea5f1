"""Shared fixtures: a fresh database per test on SQLite AND PostgreSQL, the web app, logged-in clients.

Each test run migrates one template database per backend (the real Alembic migrations), then every test
gets its own copy: a file copy on SQLite, ``CREATE DATABASE ... TEMPLATE`` on PostgreSQL. The PostgreSQL
databases are named per run and dropped at the end, so runs never share data.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from ennoshita.db import Database
from ennoshita.migrations import upgrade
from ennoshita.settings import Settings
from ennoshita.web.app import create_app

# The audit chain's HMAC key of this test run (issue 14 item 16), outside the repository; each database test then
# works with its own copy in its tmp_path, so the checkpoint files written next to it stay per test.
os.environ["ENNOSHITA_AUDIT_KEY_FILE"] = str(Path(tempfile.mkdtemp(prefix="ens_audit_key_")) / "audit_key")

PG_ADMIN_URL = os.environ.get("ENNOSHITA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
RUN_ID = uuid.uuid4().hex[:8]
BACKENDS = ["sqlite", "postgresql"]


def _pg_admin():  # type: ignore[no-untyped-def]
    return create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")


class _Templates:
    """Per backend, one migrated template and one with the demo company loaded, each built once per run."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.sqlite_templates: dict[bool, Path] = {}
        self.pg_templates: dict[bool, str] = {}
        self.pg_databases: list[str] = []

    def sqlite(self, dest: Path, demo: bool = False) -> str:
        template = self.sqlite_templates.get(demo)
        if template is None:
            template = self.tmp / ("demo.db" if demo else "template.db")
            db = Database(f"sqlite:///{template}")
            upgrade(db.engine)
            if demo:
                _load_demo(db)
            db.dispose()
            raw = sqlite3.connect(template)
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            raw.close()
            self.sqlite_templates[demo] = template
        shutil.copy(template, dest)
        return f"sqlite:///{dest}"

    def postgresql(self, demo: bool = False) -> str:
        admin = _pg_admin()
        template = self.pg_templates.get(demo)
        if template is None:
            template = f"ens_tpl_{RUN_ID}_{'demo' if demo else 'empty'}"
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{template}"'))
            self.pg_databases.append(template)
            db = Database(_pg_url(template))
            upgrade(db.engine)
            if demo:
                _load_demo(db)
            db.dispose()
            self.pg_templates[demo] = template
        name = f"ens_t_{RUN_ID}_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        admin.dispose()
        self.pg_databases.append(name)
        return _pg_url(name)

    def drop_all(self) -> None:
        if not self.pg_databases:
            return
        admin = _pg_admin()
        with admin.connect() as conn:
            for name in reversed(self.pg_databases):
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _load_demo(db: Database) -> None:
    from ennoshita.demo import load_demo

    load_demo(db)


def _pg_url(name: str) -> str:
    return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Templates]:
    tpl = _Templates(tmp_path_factory.mktemp("dbtemplates"))
    yield tpl
    tpl.drop_all()


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, templates: _Templates, tmp_path: Path) -> Iterator[Database]:
    """A fresh, migrated database of each backend: empty, or with the demo company when the test asks for
    ``demo_db`` or ``client`` (copied from a demo template loaded once per run, not loaded per test)."""
    from ennoshita.audit import keys

    demo = bool({"demo_db", "client"} & set(request.fixturenames))
    keys.set_key_file(None)
    session_key = keys.load_key(create=True)
    (tmp_path / "audit").mkdir(exist_ok=True)
    (tmp_path / "audit" / "audit_key").write_text(session_key.hex() + "\n")
    keys.set_key_file(tmp_path / "audit" / "audit_key")
    url = templates.sqlite(tmp_path / "test.db", demo) if request.param == "sqlite" else templates.postgresql(demo)
    database = Database(url)
    yield database
    database.dispose()
    keys.set_key_file(None)


@pytest.fixture
def demo_db(db: Database) -> Database:
    """The fresh database with the demo company loaded (see ``db``)."""
    return db


@pytest.fixture
def app_settings(db: Database, tmp_path: Path) -> Settings:
    return Settings(database_url=db.url, secret_key="test-secret", login_throttle_after=3,
                    login_throttle_seconds=1)


@pytest.fixture
def client(demo_db: Database, app_settings: Settings) -> Iterator[TestClient]:
    app = create_app(app_settings, demo_db)
    with TestClient(app) as c:
        yield c


CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def login(client: TestClient, email: str, password: str = "ennoshita-demo") -> str:
    """Log in through the form; returns the session's CSRF token for later posts."""
    page = client.get("/login")
    response = client.post("/login", data={"email": email, "password": password, "next": "/",
                                           "csrf_token": csrf_of(page.text)}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/me").text)


ADMIN = "admin@demo.ennoshita.jp"
ACCOUNTING = "keiri@demo.ennoshita.jp"
REQUESTER = "eigyo@demo.ennoshita.jp"
AUDITOR = "kansa@demo.ennoshita.jp"


def open_posting_years(db: Database, first_fiscal_year: int) -> None:
    """Let postings go back to ``first_fiscal_year`` (the company setting; by default the first fiscal year with
    data bounds them), for tests whose stories start before their first posting's year."""
    from ennoshita.identity.models import Company

    with db.uow() as uow:
        for company in uow.session.scalars(select(Company)):
            company.first_fiscal_year = first_fiscal_year
        uow.commit()
