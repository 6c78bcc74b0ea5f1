"""Seeds the standard Japanese SME chart of accounts (run by the ledger's first migration)."""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from ennoshita.ledger import chart
from ennoshita.ledger.models import Account


def chart_rows() -> list[dict[str, object]]:
    return [
        {"code": a.code, "name": a.name, "name_kana": a.kana, "name_en": a.name_en, "category": a.category,
         "section": a.section, "normal_side": a.normal_side, "default_tax_category": a.default_tax_category,
         "active": True}
        for a in chart.ACCOUNTS
    ]


def seed_chart(conn: Connection) -> None:
    """Insert the standard accounts that are not there yet (by code)."""
    have = set(conn.execute(select(Account.code)).scalars())
    rows = [r for r in chart_rows() if r["code"] not in have]
    if rows:
        conn.execute(insert(Account), rows)
