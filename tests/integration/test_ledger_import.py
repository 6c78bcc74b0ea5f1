"""弥生 and CSV import on SQLite and PostgreSQL: round trip to the same bytes, all-or-nothing on bad files,
the reports the CLI gives for what was imported."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from ennoshita.actor import Actor
from ennoshita.cli.main import app
from ennoshita.db import Database
from ennoshita.errors import Invalid
from ennoshita.identity import company as company_service
from ennoshita.ledger import importer, services
from ennoshita.ledger.models import JournalEntry

runner = CliRunner()
ACCOUNTANT = Actor(user_id=None, name="経理", roles=frozenset({"accounting"}), via="cli")


def row(flag: str, no: str, date: str, d_acc: str, d_amt: str, c_acc: str, c_amt: str, memo: str,
        d_tax: str = "", c_tax: str = "", d_taxamt: str = "", c_taxamt: str = "") -> str:
    cells = [flag, no, "", date, d_acc, "", "", d_tax, d_amt, d_taxamt, c_acc, "", "", c_tax, c_amt, c_taxamt,
             memo, "", "", "0", "", "", "0", "0", "no"]
    return ",".join(cells) + "\r\n"


# A small book as 弥生 writes it: opening capital, a sale with 10% tax, a reduced-rate purchase, payroll.
YAYOI = (
    row("2000", "1", "2026/04/01", "普通預金", "1000000", "資本金", "1000000", "設立")
    + row("2000", "2", "2026/04/10", "売掛金", "110000", "売上高", "110000", "A社 4月分", c_tax="課税売上込10%",
          c_taxamt="10000")
    + row("2000", "3", "2026/04/15", "会議費", "3240", "現金", "3240", "弁当", d_tax="課対仕入込軽減8%適格",
          d_taxamt="240")
    + row("2110", "4", "2026/04/25", "給料手当", "300000", "", "", "4月給与")
    + row("2100", "4", "2026/04/25", "", "", "預り金", "30000", "4月給与")
    + row("2101", "4", "2026/04/25", "", "", "普通預金", "270000", "4月給与")
)


@pytest.fixture
def books(db: Database) -> Database:
    company_service.update_company(db.uow(), Actor.system(), {"name": "取込テスト株式会社",
                                                              "fiscal_year_start_month": 4})
    return db


def test_yayoi_import_reports_and_export_round_trip(books: Database, tmp_path: Path) -> None:
    result = importer.import_journal(books.uow(), ACCOUNTANT, io.BytesIO(YAYOI.encode("cp932")), "yayoi")
    assert (result.entries, result.first_entry, result.last_entry) == (4, "JE-2026-000001", "JE-2026-000004")
    path = tmp_path / "export.txt"
    r = runner.invoke(app, ["journal", "export", "--format", "yayoi", "--output", str(path),
                            "--database-url", books.url])
    assert r.exit_code == 0, r.output
    assert path.read_bytes() == YAYOI.encode("cp932")
    r = runner.invoke(app, ["report", "trial-balance", "--from", "2026-04-01", "--to", "2026-04-30",
                            "--format", "json", "--database-url", books.url])
    rows = {x["account_name"]: x for x in json.loads(r.stdout)}
    # 売上高 100,000 net of the file's 10,000 tax; 会議費 3,000 net of 240; 普通預金 1,000,000 - 270,000.
    assert rows["売上高"]["credit"] == 100_000 and rows["売上高"]["closing"] == -100_000
    assert rows["仮受消費税"]["closing"] == -10_000
    assert rows["会議費"]["closing"] == 3_000 and rows["仮払消費税"]["closing"] == 240
    assert rows["普通預金"]["closing"] == 730_000
    assert sum(x["closing"] for x in rows.values()) == 0
    assert {"account_code", "account_name", "opening", "debit", "credit", "closing"} <= set(rows["現金"])


def test_generic_csv_export_imports_back_to_the_same_books(books: Database, db: Database) -> None:
    importer.import_journal(books.uow(), ACCOUNTANT, io.BytesIO(YAYOI.encode("cp932")), "yayoi")
    exported = b"".join(importer.export_journal(books.uow(), ACCOUNTANT, "csv"))
    assert exported.startswith(b"\xef\xbb\xbfentry_no,date,description")
    # Import into the same database again: the books double, entry by entry.
    importer.import_journal(books.uow(), ACCOUNTANT, io.BytesIO(exported), "csv")
    again = b"".join(importer.export_journal(books.uow(), ACCOUNTANT, "csv"))
    body = exported.split(b"\r\n", 1)[1]
    assert again.count(b"\r\n") == 1 + 2 * body.count(b"\r\n")


def test_a_bad_file_imports_nothing_and_lists_every_bad_line(books: Database) -> None:
    services.lock_month(books.uow(), ACCOUNTANT, "2026-05")
    bad = (row("2000", "1", "2026/04/01", "普通預金", "1000", "資本金", "1000", "ok")
           + row("2000", "2", "2026/04/02", "謎の科目", "500", "現金", "500", "unknown account")
           + row("2000", "3", "2026/13/01", "現金", "500", "売上高", "500", "bad date")
           + row("2000", "4", "2026/04/03", "現金", "500", "売上高", "400", "unbalanced")
           + row("2000", "5", "2026/05/03", "現金", "500", "売上高", "500", "locked month"))
    with pytest.raises(Invalid) as err:
        importer.import_journal(books.uow(), ACCOUNTANT, io.BytesIO(bad.encode("cp932")), "yayoi")
    found = sorted((p.line, p.key) for p in err.value.problems)
    assert found == [(2, "ledger.error.unknown_account"), (3, "ledger.error.bad_date"),
                     (4, "ledger.error.unbalanced_voucher"), (5, "ledger.error.period_locked")]
    with books.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(JournalEntry)) == 0


def test_cli_import_failure_prints_one_line_per_problem(books: Database, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(row("2000", "1", "2026/04/01", "謎", "1", "現金", "1", "x").encode("cp932"))
    r = runner.invoke(app, ["journal", "import", str(path), "--format", "yayoi", "--database-url", books.url])
    assert r.exit_code == 1
    assert "1行目" in r.stderr and "謎" in r.stderr
    assert "Traceback" not in r.output


def test_hledger_export_lists_every_posting(books: Database) -> None:
    importer.import_journal(books.uow(), ACCOUNTANT, io.BytesIO(YAYOI.encode("cp932")), "yayoi")
    text = b"".join(importer.export_journal(books.uow(), ACCOUNTANT, "hledger")).decode()
    assert "2026-04-10 * (2) A社 4月分" in text  # the 伝票No of the imported file
    assert "    仮受消費税  -10000 JPY" in text


@pytest.fixture
def in_child(monkeypatch: pytest.MonkeyPatch) -> None:
    """Parse in the forked child process (as for large files), in batches of three entries."""
    monkeypatch.setattr(importer, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(importer, "BATCH", 3)
    monkeypatch.setattr(importer, "DEFER_INDEXES_MIN_BYTES", 0)  # and, on SQLite, the indexes built at the end


def test_parsing_in_a_child_process_gives_the_same_books(books: Database, in_child: None) -> None:
    from ennoshita.ledger import queries

    # A second fiscal year (from 2027/04) inside one batch: numbering restarts at 1 for it.
    data = YAYOI + row("2000", "5", "2027/04/01", "現金", "500", "売上高", "500", "翌年度", c_tax="課税売上込10%",
                      c_taxamt="45")
    progress: list[int] = []
    result = importer.import_journal(books.uow(), ACCOUNTANT, io.BytesIO(data.encode("cp932")), "yayoi",
                                     progress=progress.append, parallel=True)
    assert (result.entries, result.lines) == (5, 14)
    assert (result.first_entry, result.last_entry) == ("JE-2026-000001", "JE-2027-000001")
    assert progress and progress[-1] == len(data.encode("cp932"))
    exported = b"".join(importer.export_journal(books.uow(), ACCOUNTANT, "yayoi"))
    assert exported == data.encode("cp932")
    with books.uow() as uow:
        assert queries.check_balances(uow.session) == []
        numbers = uow.session.execute(select(JournalEntry.fiscal_year, JournalEntry.number)
                                      .order_by(JournalEntry.id)).all()
    assert [tuple(n) for n in numbers] == [(2026, 1), (2026, 2), (2026, 3), (2026, 4), (2027, 1)]


def test_a_bad_file_parsed_in_a_child_imports_nothing(books: Database, in_child: None) -> None:
    bad = YAYOI + row("2000", "9", "2026/04/30", "謎の科目", "500", "現金", "500", "unknown account") + YAYOI
    with pytest.raises(Invalid) as err:
        importer.import_journal(books.uow(), ACCOUNTANT, io.BytesIO(bad.encode("cp932")), "yayoi", parallel=True)
    assert [(p.line, p.key) for p in err.value.problems] == [(7, "ledger.error.unknown_account")]
    with books.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(JournalEntry)) == 0
    # The same connection (and its pool) works afterwards.
    result = importer.import_journal(books.uow(), ACCOUNTANT, io.BytesIO(YAYOI.encode("cp932")), "yayoi")
    assert result.first_entry == "JE-2026-000001"


def test_a_failed_write_stops_the_child_and_keeps_nothing(books: Database, in_child: None,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import multiprocessing

    calls: list[int] = []
    real = importer._Writer.write

    def failing(writer: object, heads: list[object], lines: list[object]) -> None:
        calls.append(len(heads))
        if len(calls) > 1:  # the second batch (the first is in the transaction by then)
            raise RuntimeError("disk full")
        real(writer, heads, lines)  # type: ignore[arg-type]

    monkeypatch.setattr(importer._Writer, "write", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        importer.import_journal(books.uow(), ACCOUNTANT, io.BytesIO((YAYOI * 3).encode("cp932")), "yayoi",
                                parallel=True)
    assert multiprocessing.active_children() == []
    with books.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(JournalEntry)) == 0


def test_the_connection_gets_its_foreign_key_checks_back_after_an_import(books: Database) -> None:
    from sqlalchemy import text

    importer.import_journal(books.uow(), ACCOUNTANT, io.BytesIO(YAYOI.encode("cp932")), "yayoi")
    if books.dialect == "sqlite":
        with books.uow() as uow:  # the pooled connection the import used
            assert uow.session.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_entry_ids_with_gaps_get_the_right_lines(books: Database, in_child: None,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from ennoshita.ledger.models import JournalLine

    real = importer.reserve_ids

    def gapped(session: object, table: str, count: int) -> list[int]:
        ids = real(session, table, 2 * count)  # type: ignore[arg-type]
        return ids[::2]  # as when another session takes ids from the PostgreSQL sequence meanwhile

    monkeypatch.setattr(importer, "reserve_ids", gapped)
    importer.import_journal(books.uow(), ACCOUNTANT, io.BytesIO(YAYOI.encode("cp932")), "yayoi")
    with books.uow() as uow:
        pairs = uow.session.execute(select(JournalEntry.source_ref, JournalLine.memo)
                                    .join(JournalLine, JournalLine.entry_id == JournalEntry.id)
                                    .order_by(JournalLine.id)).all()
    assert [tuple(p) for p in pairs] == [("1", "設立")] * 2 + [("2", "A社 4月分")] * 3 + [("3", "弁当")] * 3 \
        + [("4", "4月給与")] * 3


def _journal_indexes(db: Database) -> list[tuple[str, str]]:
    from sqlalchemy import text

    with db.uow() as uow:
        return [tuple(r) for r in uow.session.execute(text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name LIKE 'journal_%' ORDER BY name"))]


def test_a_large_load_keeps_the_journal_indexes_whether_it_fails_or_not(books: Database, in_child: None) -> None:
    """A large file into a small SQLite journal drops the journal's indexes for the load and builds them again
    before the commit; a failed import rolls the drop back with the rows."""
    if books.dialect != "sqlite":
        return
    before = _journal_indexes(books)
    assert any(name == "ix_journal_lines_account" for name, _sql in before)
    bad = YAYOI * 2 + row("2000", "9", "2026/04/30", "謎の科目", "500", "現金", "500", "unknown account")
    with pytest.raises(Invalid):
        importer.import_journal(books.uow(), ACCOUNTANT, io.BytesIO(bad.encode("cp932")), "yayoi", parallel=True)
    assert _journal_indexes(books) == before
    result = importer.import_journal(books.uow(), ACCOUNTANT, io.BytesIO((YAYOI * 2).encode("cp932")), "yayoi",
                                     parallel=True)
    assert result.entries == 8
    assert _journal_indexes(books) == before
    from sqlalchemy import text

    with books.uow() as uow:
        assert uow.session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
