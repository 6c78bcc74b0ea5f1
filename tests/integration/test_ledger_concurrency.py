"""Several people post at once, and an import runs while others work: everything lands, every number is used
exactly once, and the maintained balances stay equal to the sum of postings (SQLite waits, PostgreSQL
serialises the numbering)."""

from __future__ import annotations

import datetime as dt
import io
import threading

from sqlalchemy import select

from ennoshita.actor import Actor
from ennoshita.db import Database
from ennoshita.identity import company as company_service
from ennoshita.ledger import importer, queries, services
from ennoshita.ledger.models import JournalEntry
from ennoshita.ledger.rules import EntryDraft, LineDraft

ACCOUNTANT = Actor(user_id=None, name="経理", roles=frozenset({"accounting"}), via="api")


def _yayoi(n: int) -> bytes:
    rows = [f"2000,{i},,2026/05/{1 + i % 28:02d},現金,,,,{1000 + i},,売上高,,,,{1000 + i},,取込 {i},,,0,,,0,0,no\r\n"
            for i in range(1, n + 1)]
    return "".join(rows).encode("cp932")


def test_concurrent_postings_and_an_import_all_land_with_gapless_numbers(db: Database) -> None:
    company_service.update_company(db.uow(), Actor.system(), {"name": "同時株式会社", "fiscal_year_start_month": 4})
    errors: list[BaseException] = []

    def poster(worker: int) -> None:
        try:
            for i in range(15):
                services.post_entry(db.uow(), ACCOUNTANT, EntryDraft(dt.date(2026, 6, 1 + i), f"w{worker}-{i}", "", (
                    LineDraft("普通預金", 100 * (worker + 1), 0), LineDraft("売上高", 0, 100 * (worker + 1)))))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    def import_file() -> None:
        try:
            importer.import_journal(db.uow(), ACCOUNTANT, io.BytesIO(_yayoi(200)), "yayoi")
        except BaseException as exc:  # pragma: no cover
            errors.append(exc)

    threads = [threading.Thread(target=poster, args=(w,)) for w in range(3)] + [threading.Thread(target=import_file)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    with db.uow() as uow:
        numbers = sorted(uow.session.scalars(select(JournalEntry.number).where(JournalEntry.fiscal_year == 2026)))
        assert numbers == list(range(1, 3 * 15 + 200 + 1))
        assert queries.check_balances(uow.session) == []
