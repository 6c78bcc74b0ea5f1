"""Upgrading an empty database to head gives exactly the schema of the models, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from ennoshita.db import Database
from ennoshita.migrations import current_revision, head_revision, upgrade
from ennoshita.models import Base


def test_migrated_schema_equals_the_models(db: Database) -> None:
    assert current_revision(db.engine) == head_revision(db.url)
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == []


def test_a_database_seeded_before_the_net_asset_accounts_gets_them(db: Database) -> None:
    """0038: a database whose chart was seeded before 会社計算規則's net-asset groups had their standard accounts
    gets them; an account the company already keeps under one of their names (自己株式 under its own code) keeps
    that role, ours is not added beside it."""
    codes = ("3130", "3140", "3230", "3310", "3410", "3510")
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM accounts WHERE code IN ('3130', '3140', '3230', '3310', '3410', '3510')"))
        conn.execute(text("INSERT INTO accounts (code, name, name_kana, name_en, category, section, normal_side, "
                          "active) VALUES ('3399', '自己株式', '', '', 'equity', 'net_assets', 'debit', :t)"),
                     {"t": True})
        conn.execute(text("UPDATE alembic_version SET version_num = '0037'"))
    upgrade(db.engine, "0038")  # only 0038 again: the later migrations are applied already
    assert current_revision(db.engine) == "0038"
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT code, name FROM accounts WHERE code IN ('3130', '3140', '3230', '3310', "
                                 "'3399', '3410', '3510')")).all()
    found = {str(code): str(name) for code, name in rows}
    assert found == {"3130": "その他資本剰余金", "3140": "新株式申込証拠金", "3230": "別途積立金", "3399": "自己株式",
                     "3410": "その他有価証券評価差額金", "3510": "新株予約権"}
    assert set(found) - {"3399"} == set(codes) - {"3310"}
