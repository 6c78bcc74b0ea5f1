"""The 弥生 import's fast path (``importer._FastYayoi``) against the general path (``yayoi.voucher`` then
``_Resolver.resolve``), on SQLite and PostgreSQL: for a file of every kind of row the two give the same entry and
line rows, the same maintained balances, the same lines digest and the same problems; and the import's digest
is the one ``ledger.integrity`` recomputes from the database (the oracle is the general path, which predates the
fast one, and the integrity check's own reading of the stored lines)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from sqlalchemy import select

from ennoshita.actor import Actor
from ennoshita.db import Database
from ennoshita.identity import company as company_service
from ennoshita.ledger import importer, integrity, services
from ennoshita.ledger.models import JournalEntry
from ennoshita.ledger.posting import ChartIndex, PostingContext

ADMIN = Actor(user_id=None, name="管理者", roles=frozenset({"admin"}), via="cli")


def row(flag: str, no: str, date: str, debit: tuple[str, ...], credit: tuple[str, ...], memo: str) -> str:
    """``debit`` / ``credit``: (account, sub-account, department, 税区分, amount, tax amount) cells."""
    return ",".join([flag, no, "", date, *debit, *credit, memo, "", "", "0", "", "", "0", "0", "no"]) + "\r\n"


E = ("", "", "", "", "", "")
GOOD = "".join([
    row("2000", "1", "2026/04/01", ("普通預金", "", "", "", "1000000", ""),
        ("資本金", "", "", "", "1000000", ""), "設立"),
    row("2000", "2", "2026/04/02", ("売掛金", "A社", "", "", "110000", ""),
        ("売上高", "", "営業部", "課税売上込10%", "110000", "10000"), "A社 4月分"),
    # the tax left blank: computed by the company's rounding
    row("2000", "3", "2026/04/03", ("会議費", "", "", "課対仕入込軽減8%適格", "3241", ""),
        ("現金", "", "", "", "3241", ""),
        "弁当"),
    # 経過措置 (区分80%): the stated tax capped at the deductible share
    row("2000", "4", "2026/04/04", ("消耗品費", "", "営業部", "課対仕入込10%区分80%", "11000", "1000"),
        ("現金", "", "", "", "11000", ""), "備品"),
    # amounts as people type them: commas, spaces, full-width digits, a 和暦 date, 諸口
    row("2110", "5", "R08/4/5", ("旅費交通費", "", "", "課対仕入込10%適格", '"1,100"', " 100 "),
        ("諸口", "", "", "", "1100", ""), "交通費"),
    row("2101", "5", "R08/4/5", ("諸口", "", "", "", "1100", ""), ("現金", "", "", "", "１１００", ""), "交通費"),
    row("2110", "6", "2026/04/25", ("給料手当", "", "営業部", "", "300000", ""), E, "4月給与"),
    row("2100", "6", "2026/04/25", E, ("預り金", "", "", "", "30000", ""), "4月給与 源泉"),
    row("2101", "6", "2026/04/25", E, ("普通預金", "", "", "", "270000", ""), "4月給与"),
    row("2000", "7", "2026/04/26", ("支払手数料", "", "", "課対仕入内10%適格", "440", "40"),
        ("普通預金", "", "", "", "440", ""),
        "振込手数料 'quote' \\ 円"),
    row("2110", "8", "2026/04/27", ("売掛金", "A社", "", "", "55000", ""),
        ("売上高", "", "", "課税売上込10%", "50000", ""), "混在"),
    row("2101", "8", "2026/04/27", E, ("仮受消費税", "", "", "", "5000", ""), "混在"),
    row("2000", "9", "2026/04/28", ("租税公課", "", "", "対象外", "5000", ""),
        ("現金", "", "", "", "5000", ""), "印紙"),
    row("2000", "10", "2026/04/29", ("会議費", "", "", "課対仕入込10%", "1100", "-5"), ("現金", "", "", "", "1100", ""),
        "負の税額"),
])
BAD_ROWS = [
    row("2000", "11", "2026/04/30", ("存在しない科目", "", "", "", "100", ""), ("現金", "", "", "", "100", ""), "x"),
    row("2000", "12", "2026/04/30", ("会議費", "", "", "", "100", ""), ("現金", "", "", "", "99", ""), "x"),
    row("2000", "13", "2026/13/30", ("会議費", "", "", "", "100", ""), ("現金", "", "", "", "100", ""), "x"),
    row("2000", "14", "2026/04/30", ("会議費", "", "", "謎の税区分", "100", ""), ("現金", "", "", "", "100", ""), "x"),
    row("2000", "15", "2026/04/30", ("会議費", "Z社", "", "", "100", ""), ("現金", "", "", "", "100", ""), "x"),
    row("2000", "16", "2026/04/30", ("会議費", "", "", "", "0", ""), ("現金", "", "", "", "0", ""), "x"),
    row("2000", "17", "2026/04/30", ("会議費", "", "", "", "12x", ""), ("現金", "", "", "", "12x", ""), "x"),
    row("2000", "18", "2026/04/30", ("会議費", "", "", "", "1000000000000", ""),
        ("現金", "", "", "", "1000000000000", ""),
        "x"),
    row("2000", "19", "2026/04/30", ("会議費", "", "", "課対仕入込10%", "1100", "1x"),
        ("現金", "", "", "", "1100", ""), "x"),
    row("2101", "20", "2026/04/30", E, ("現金", "", "", "", "100", ""), "x"),
    # a bad tax amount on a side that splits no tax is refused all the same
    row("2000", "21", "2026/04/30", ("会議費", "", "", "", "100", ""), ("現金", "", "", "", "100", "zz"), "x"),
    row("2000", "22", "1990/04/01", ("会議費", "", "", "", "100", ""), ("現金", "", "", "", "100", ""), "x"),
    row("2000", "23", "2026/04/30", ("会議費", "", "存在しない部門", "", "100", ""),
        ("現金", "", "", "", "100", ""), "x"),
]
BAD = GOOD + "".join(BAD_ROWS)


@pytest.fixture(params=["exclusive", "inclusive"])
def books(db: Database, request: pytest.FixtureRequest) -> Database:
    company_service.update_company(db.uow(), Actor.system(), {"name": "高速取込株式会社", "fiscal_year_start_month": 4,
                                                              "tax_accounting": request.param})
    services.add_sub_account(db.uow(), ADMIN, "売掛金", "A001", "A社")
    services.add_department(db.uow(), ADMIN, "D1", "営業部")
    return db


def _check(db: Database, text: str, fast: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, ...]:
    with monkeypatch.context() as m:
        if not fast:
            m.setattr(importer._FastYayoi, "add", lambda *_args: 0)
        with db.uow() as uow:
            s = uow.session
            resolver = importer._Resolver(ChartIndex.load(s), PostingContext.load(s))
        checker = importer._Checker(importer._HashingReader(io.BytesIO(text.encode("cp932"))), "yayoi", resolver)
        batches = [(heads, lines) for heads, lines, _done in checker.batches()]
    problems = [(p.key, p.field, p.params, p.line) for p in checker.problems]
    return (batches, problems, checker.deltas.balances, checker.deltas.taxes, checker.entries, checker.lines,
            checker.lines_digest)


@pytest.mark.parametrize("text", [GOOD, BAD] + [GOOD + bad for bad in BAD_ROWS],
                         ids=["good", "bad"] + [f"bad{i}" for i in range(len(BAD_ROWS))])
def test_fast_path_gives_what_the_general_path_gives(books: Database, text: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    fast = _check(books, text, True, monkeypatch)
    general = _check(books, text, False, monkeypatch)
    assert fast == general
    if text == GOOD:
        assert not fast[1], fast[1]
        assert fast[4] == 10
    elif text == BAD:
        # each bad voucher is named by its line (the general path's problems, found through the fast path too)
        assert {p[3] for p in fast[1]} >= set(range(15, 28))
    else:
        assert fast[1] and {p[3] for p in fast[1]} == {15}


def test_imported_digest_is_the_one_recomputed_from_the_database(books: Database,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer, "BATCH", 3)  # several batches, the digest chained across them
    result = importer.import_journal(books.uow(), ADMIN, io.BytesIO(GOOD.encode("cp932")), "yayoi")
    assert result.entries == 10
    with books.uow() as uow:
        assert integrity.import_mismatches(uow.session) == []


def test_numbers_stay_gapless_per_fiscal_year_across_batches(books: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of one fiscal year (written as the checker made them) and of two (numbered row by row), in file
    order: each year's numbers run 1, 2, 3 ... in the order of the file, ids ascending."""
    monkeypatch.setattr(importer, "BATCH", 3)
    dates = ["2026/04/01", "2026/04/02", "2026/04/03",  # batch 1: FY2026 only
             "2026/03/30", "2026/04/04", "2026/03/31",  # batch 2: both years
             "2026/04/05"]  # batch 3: the last, short
    text = "".join(row("2000", str(i), d, ("現金", "", "", "", str(100 + i), ""),
                       ("資本金", "", "", "", str(100 + i), ""), f"#{i}") for i, d in enumerate(dates, start=1))
    result = importer.import_journal(books.uow(), ADMIN, io.BytesIO(text.encode("cp932")), "yayoi")
    assert (result.first_entry, result.last_entry) == ("JE-2026-000001", "JE-2026-000005")
    with books.uow() as uow:
        got = uow.session.execute(select(JournalEntry.id, JournalEntry.fiscal_year, JournalEntry.number,
                                         JournalEntry.description, JournalEntry.total)
                                  .order_by(JournalEntry.id)).all()
        assert [(fy, n, d, t) for _id, fy, n, d, t in got] == [
            (2026, 1, "#1", 101), (2026, 2, "#2", 102), (2026, 3, "#3", 103), (2025, 1, "#4", 104),
            (2026, 4, "#5", 105), (2025, 2, "#6", 106), (2026, 5, "#7", 107)]
        assert [r[0] for r in got] == list(range(got[0][0], got[0][0] + 7))
        assert integrity.import_mismatches(uow.session) == []
