"""Upgrading an empty database to head gives exactly the schema of the models, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from ennoshita.db import Database
from ennoshita.migrations import current_revision, head_revision
from ennoshita.models import Base


def test_migrated_schema_equals_the_models(db: Database) -> None:
    assert current_revision(db.engine) == head_revision(db.url)
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == []
