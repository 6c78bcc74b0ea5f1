"""Report files are never cut short, on SQLite and PostgreSQL.

A 仕訳帳 or 総勘定元帳 downloaded as CSV or JSON holds every entry and line of the range, however long (it is
streamed in batches); as XLSX or PDF it is written whole up to the format's row limit and refused above it with
a message naming the limit and suggesting CSV or a shorter period, never silently truncated.

The limits and batch sizes are patched down (batches of a few rows, files of 10 rows) so that a few dozen
entries cross every boundary the real sizes (thousands) would.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import func, select

from ennoshita import tabular
from ennoshita.actor import Actor
from ennoshita.db import Database
from ennoshita.ledger import queries
from ennoshita.ledger.batch import post_many
from ennoshita.ledger.models import Account, JournalEntry, JournalLine
from ennoshita.ledger.rules import EntryDraft, LineDraft
from tests.conftest import ACCOUNTING, login
from tests.integration.test_api import auth, token_for

ACCOUNTANT = Actor(user_id=None, name="経理 花子", roles=frozenset({"accounting"}), via="cli")
FIRST, LAST = dt.date(2027, 2, 15), dt.date(2027, 2, 21)  # days of the open year the demo books leave empty
ENTRIES = 23
LIMIT = 10
RANGE = f"from={FIRST}&to={LAST}"
SHORT = f"from={FIRST}&to={FIRST}"  # the first day: 4 entries, under the limit


def drafts() -> list[EntryDraft]:
    """23 entries over 7 days (several a day, so batches end in the middle of a day); every third has 3 lines."""
    found = []
    for i in range(ENTRIES):
        day = FIRST + dt.timedelta(days=i * 7 // ENTRIES)
        lines = [LineDraft("6270", 1000 + i, 0, "out_of_scope", memo=f"明細{i}")]
        if i % 3 == 0:
            lines.append(LineDraft("6280", 500, 0, "out_of_scope"))
        lines.append(LineDraft("1120", 0, sum(x.debit for x in lines)))
        found.append(EntryDraft(day, f"大量仕訳 {i}", "文具のさくら", tuple(lines)))
    return found


@pytest.fixture
def many(demo_db: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    with demo_db.uow() as uow:
        post_many(uow.session, ACCOUNTANT, drafts(), source="import",
                  source_refs=[f"downloads-{i}" for i in range(ENTRIES)])
        uow.commit()
    monkeypatch.setattr(queries, "JOURNAL_BATCH", 4)
    monkeypatch.setattr(queries, "GL_BATCH", 5)
    monkeypatch.setattr(tabular, "STREAM_BATCH", 3)
    monkeypatch.setitem(tabular.ROW_LIMITS, "xlsx", LIMIT)
    monkeypatch.setitem(tabular.ROW_LIMITS, "pdf", LIMIT)
    return demo_db


def journal_lines(db: Database, first: dt.date = FIRST, last: dt.date = LAST) -> int:
    with db.uow() as uow:
        return int(uow.session.scalar(
            select(func.count()).select_from(JournalLine).join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
            .where(JournalEntry.status == "posted", JournalEntry.entry_date >= first,
                   JournalEntry.entry_date <= last)) or 0)


def petty_cash_balances(db: Database) -> list[int]:
    """The 小口現金 ledger of the range in one page (the reference the streamed file must match)."""
    with db.uow() as uow:
        account_id = uow.session.scalar(select(Account.id).where(Account.code == "1120"))
        assert account_id is not None
        gl = queries.general_ledger(uow.session, account_id, FIRST, LAST, 4, page=1, per_page=10_000)
    return [gl.opening] + [x.balance for x in gl.lines]


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))[1:]


def test_the_journal_file_holds_every_entry_of_a_long_range(client: TestClient, many: Database) -> None:
    login(client, ACCOUNTING)
    lines = journal_lines(many)
    assert lines == ENTRIES * 2 + 8 and lines > LIMIT
    url = f"/ledger/journal?{RANGE}"

    as_csv = client.get(url + "&format=csv")
    assert as_csv.status_code == 200 and "attachment" in as_csv.headers["content-disposition"]
    rows = csv_rows(as_csv.content)
    assert len(rows) == lines
    numbers = [r[1] for r in rows if r[1]]
    assert len(numbers) == len(set(numbers)) == ENTRIES  # each entry once, none lost at a batch boundary
    assert sorted(r[6].split(" ")[1] for r in rows if r[6].startswith("大量仕訳")) == sorted(
        str(i) for i in range(ENTRIES))

    as_json = json.loads(client.get(url + "&format=json").content)
    assert len(as_json) == lines
    assert [str(x["entry_no"]) for x in as_json if x["entry_no"]] == numbers

    # The screen still pages (50 entries a page); the file is not one page of it.
    assert client.get(url).status_code == 200


def test_the_general_ledger_file_holds_every_line_with_its_running_balance(client: TestClient,
                                                                          many: Database) -> None:
    login(client, ACCOUNTING)
    expected = petty_cash_balances(many)
    assert len(expected) == ENTRIES + 1  # the opening balance and one line per entry
    url = f"/ledger/general-ledger?account=1120&{RANGE}"

    rows = csv_rows(client.get(url + "&format=csv").content)
    assert [int(r[7]) for r in rows] == expected
    as_json = json.loads(client.get(url + "&format=json").content)
    assert [x["balance"] for x in as_json] == expected


@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
def test_a_spreadsheet_or_pdf_above_the_limit_is_refused_not_cut_short(client: TestClient, many: Database,
                                                                       fmt: str) -> None:
    login(client, ACCOUNTING)
    for url in (f"/ledger/journal?{RANGE}", f"/ledger/general-ledger?account=1120&{RANGE}"):
        refused = client.get(f"{url}&format={fmt}")
        assert refused.status_code == 422, url
        assert "attachment" not in refused.headers.get("content-disposition", "")
        assert f"{fmt.upper()} ファイルは {LIMIT} 行までです" in refused.text, url
        assert "CSV でダウンロードするか、期間を短くしてください" in refused.text

    for url, rows in ((f"/ledger/journal?{SHORT}", journal_lines(many, FIRST, FIRST)),
                      (f"/ledger/general-ledger?account=1120&{SHORT}", 1 + 4)):
        assert rows <= LIMIT
        ok = client.get(f"{url}&format={fmt}")
        assert ok.status_code == 200, url
        if fmt == "xlsx":
            assert load_workbook(io.BytesIO(ok.content)).active.max_row == 3 + rows, url  # title, range, header
        else:
            assert ok.content.startswith(b"%PDF"), url


def test_api_files_cover_the_whole_range_whatever_the_page(client: TestClient, many: Database) -> None:
    keiri = auth(token_for(many, ACCOUNTING))
    params = {"from": FIRST.isoformat(), "to": LAST.isoformat(), "per_page": 5, "page": 2}

    journal = client.get("/api/v1/reports/journal", headers=keiri, params={**params, "format": "csv"})
    assert journal.status_code == 200
    assert len(csv_rows(journal.content)) == journal_lines(many)
    gl = client.get("/api/v1/reports/gl", headers=keiri, params={**params, "account": "1120", "format": "csv"})
    assert [int(r[7]) for r in csv_rows(gl.content)] == petty_cash_balances(many)

    # JSON stays paged, and says how many there are.
    page = client.get("/api/v1/reports/journal", headers=keiri, params=params).json()
    assert page["total"] == ENTRIES and len(page["items"]) == 5

    for path, extra in (("journal", {}), ("gl", {"account": "1120"})):
        refused = client.get(f"/api/v1/reports/{path}", headers={**keiri, "Accept-Language": "en"},
                             params={**params, **extra, "format": "xlsx"})
        assert refused.status_code == 422, path
        assert refused.headers["content-type"].startswith("application/problem+json")
        problem = refused.json()
        assert problem["type"] == "urn:ennoshita:problem:ledger_ui.error.file_too_long"
        assert f"limited to {LIMIT} rows" in problem["title"] or f"{LIMIT} 行まで" in problem["title"]
        assert "CSV" in problem["title"]
