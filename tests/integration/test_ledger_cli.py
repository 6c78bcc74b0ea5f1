"""The ledger CLI on SQLite and PostgreSQL: reports in every format, month locks, the balance check, recurring
entries, the year-end close, and a CSV export that imports into a fresh database with the same books.

The books (fiscal year from April, 税抜経理, tax rounded down), with the figures computed by hand:

    2026-04-01  普通預金 1,000,000 / 資本金 1,000,000
    2026-05-10  売掛金(A001) 330,000 / 売上高 300,000 (部門 D10) + 仮受消費税 30,000   (sales_10)
    2026-05-20  普通預金 330,000 / 売掛金(A001) 330,000
    2026-05-25  地代家賃 120,000 (部門 D20) / 普通預金 120,000
    2026-06-05  売掛金(A002) 55,000 / 売上高 50,000 (部門 D10) + 仮受消費税 5,000       (sales_10)

May: 普通預金 opens 1,000,000, +330,000 -120,000 = 1,210,000; 売掛金 330,000 in and out; 売上高 300,000.
FY2026 so far: 売上高 350,000 - 地代家賃 120,000 = 当期純利益 230,000.
BS at 2026-06-30: 普通預金 1,210,000 + 売掛金 55,000 = 1,265,000
                = 仮受消費税 35,000 + 資本金 1,000,000 + 当期純利益 230,000.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from typer.testing import CliRunner

from ennoshita.actor import Actor
from ennoshita.cli.main import app
from ennoshita.db import Database
from ennoshita.identity import company as company_service
from ennoshita.ledger import services
from ennoshita.ledger.models import JournalEntry
from ennoshita.ledger.rules import EntryDraft, LineDraft

runner = CliRunner(env={"ENNOSHITA_LANG": "ja"})
ACCOUNTANT = Actor(user_id=None, name="経理 花子", roles=frozenset({"accounting"}), via="cli")
COMPANY = {"name": "テスト株式会社", "fiscal_year_start_month": 4, "tax_accounting": "exclusive",
           "tax_rounding": "floor"}


def L(account: str, debit: int = 0, credit: int = 0, tax: str | None = None, sub: str | None = None,  # noqa: N802
      dept: str | None = None) -> LineDraft:
    return LineDraft(account_code=account, debit=debit, credit=credit, tax_category=tax, sub_account=sub,
                     department=dept, memo="")


def _company(db: Database) -> None:
    company_service.update_company(db.uow(), Actor.system(), dict(COMPANY))


@pytest.fixture
def books(db: Database) -> Database:
    _company(db)
    services.add_sub_account(db.uow(), ACCOUNTANT, "売掛金", "A001", "株式会社あさひ")
    services.add_sub_account(db.uow(), ACCOUNTANT, "売掛金", "A002", "有限会社ひかり")
    services.add_department(db.uow(), ACCOUNTANT, "D10", "営業部")
    services.add_department(db.uow(), ACCOUNTANT, "D20", "管理部")
    for day, description, lines in (
        (dt.date(2026, 4, 1), "出資", (L("普通預金", 1_000_000), L("資本金", credit=1_000_000))),
        (dt.date(2026, 5, 10), "売上 あさひ", (L("売掛金", 330_000, sub="A001"),
                                              L("売上高", credit=330_000, tax="sales_10", dept="D10"))),
        (dt.date(2026, 5, 20), "入金 あさひ", (L("普通預金", 330_000), L("売掛金", credit=330_000, sub="A001"))),
        (dt.date(2026, 5, 25), "家賃", (L("地代家賃", 120_000, dept="D20"), L("普通預金", credit=120_000))),
        (dt.date(2026, 6, 5), "売上 ひかり", (L("売掛金", 55_000, sub="A002"),
                                             L("売上高", credit=55_000, tax="sales_10", dept="D10"))),
    ):
        services.post_entry(db.uow(), ACCOUNTANT, EntryDraft(day, description, "", lines))
    return db


def _run(db: Database, *args: str, code: int = 0) -> Any:
    r = runner.invoke(app, [*args, "--database-url", db.url])
    assert r.exit_code == code, (r.stdout, r.stderr)
    assert "Traceback" not in r.output
    return r


def _errors(r: Any) -> list[str]:
    return [ln for ln in r.stderr.splitlines() if ln.startswith("エラー:")]


def _tb(db: Database, date_from: str, date_to: str) -> dict[str, dict[str, Any]]:
    r = _run(db, "report", "trial-balance", "--from", date_from, "--to", date_to, "--format", "json")
    return {row["account_name"]: row for row in json.loads(r.stdout)}


def _csv(stdout: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(stdout.lstrip("\ufeff"))))


def test_trial_balance_json_csv_and_table(books: Database) -> None:
    tb = _tb(books, "2026-05-01", "2026-05-31")
    figures = {name: (tb[name]["opening"], tb[name]["debit"], tb[name]["credit"], tb[name]["closing"])
               for name in ("普通預金", "売掛金", "売上高", "仮受消費税", "資本金")}
    assert figures == {
        "普通預金": (1_000_000, 330_000, 120_000, 1_210_000),
        "売掛金": (0, 330_000, 330_000, 0),
        "売上高": (0, 0, 300_000, -300_000),  # closing signed debit-positive
        "仮受消費税": (0, 0, 30_000, -30_000),
        "資本金": (-1_000_000, 0, 0, -1_000_000),
    }
    assert sum(row["closing"] for row in tb.values()) == 0
    assert sum(row["debit"] for row in tb.values()) == sum(row["credit"] for row in tb.values()) == 780_000

    rows = _csv(_run(books, "report", "trial-balance", "--from", "2026-05-01", "--to", "2026-05-31",
                     "--format", "csv").stdout)
    bank = next(r for r in rows if "普通預金" in r)
    assert {"1000000", "330000", "120000", "1210000"} <= set(bank)

    # seven columns (借方残高 / 貸方残高 since issue 13): a terminal of 160 columns shows them whole
    r = runner.invoke(app, ["report", "trial-balance", "--from", "2026-05-01", "--to", "2026-05-31",
                            "--database-url", books.url], env={"COLUMNS": "160"})
    assert "普通預金" in r.stdout and "1,210,000" in r.stdout

    r = _run(books, "report", "trial-balance", "--from", "2026-05-01", "--to", "2026-05-31", "--format", "yaml",
             code=1)
    assert len(_errors(r)) == 1 and "format" in _errors(r)[0]
    r = _run(books, "report", "trial-balance", "--from", "2026-05-32", "--to", "2026-05-31", code=1)
    assert len(_errors(r)) == 1 and "from" in _errors(r)[0]


def test_pl_bs_monthly_journal_and_tax_reports(books: Database, tmp_path: Path) -> None:
    pl = _csv(_run(books, "report", "pl", "--from", "2026-04-01", "--to", "2027-03-31", "--format", "csv").stdout)
    by_label = {r[1].strip("\u3000 "): r[2] for r in pl[1:] if len(r) >= 3}
    assert by_label["売上高"] == "350000"
    assert by_label["地代家賃"] == "120000"
    assert by_label["営業利益"] == "230000"
    assert by_label["当期純利益"] == "230000"
    pl_json = json.loads(_run(books, "report", "pl", "--from", "2026-04-01", "--to", "2027-03-31",
                              "--format", "json").stdout)
    assert next(r["amount"] for r in pl_json if r["label"] == "当期純利益") == 230_000
    assert "当期純利益" in _run(books, "report", "pl", "--from", "2026-04-01", "--to", "2027-03-31").stdout

    bs = {r["label"].strip("\u3000 "): r["amount"] for r in json.loads(
        _run(books, "report", "bs", "--as-of", "2026-06-30", "--format", "json").stdout)}
    assert bs["普通預金"] == 1_210_000 and bs["売掛金"] == 55_000
    assert bs["仮受消費税"] == 35_000 and bs["資本金"] == 1_000_000
    assert bs["資産合計"] == bs["負債・純資産合計"] == 1_265_000
    assert bs["負債合計"] == 35_000 and bs["純資産合計"] == 1_230_000
    out = tmp_path / "bs.csv"
    _run(books, "report", "bs", "--as-of", "2026-06-30", "--format", "csv", "-o", str(out))
    assert "1265000" in out.read_text(encoding="utf-8-sig")
    _run(books, "report", "bs", "--as-of", "2026-06-30", "--format", "xlsx", code=1)  # binary needs -o
    xlsx = tmp_path / "bs.xlsx"
    _run(books, "report", "bs", "--as-of", "2026-06-30", "--format", "xlsx", "-o", str(xlsx))
    assert xlsx.read_bytes().startswith(b"PK")

    monthly = _csv(_run(books, "report", "monthly", "--fiscal-year", "2026", "--format", "csv").stdout)
    header = monthly[0]
    sales = next(r for r in monthly if r[1] == "売上高")
    assert sales[header.index("2026-05")] == "300000" and sales[header.index("2026-06")] == "50000"
    assert sales[header.index("2026-04")] == "0" and sales[-1] == "350000"
    bank = next(r for r in monthly if r[1] == "普通預金")
    assert bank[header.index("2026-05")] == "1210000"  # balance-sheet accounts show the month-end balance

    journal = _csv(_run(books, "report", "journal", "--from", "2026-05-01", "--to", "2026-05-31",
                        "--format", "csv").stdout)
    numbers = [r[1] for r in journal[1:] if r[1]]
    assert numbers == ["JE-2026-000002", "JE-2026-000003", "JE-2026-000004"]
    debits = sum(int(r[3]) for r in journal[1:] if r[3])
    credits = sum(int(r[5]) for r in journal[1:] if r[5])
    assert debits == credits == 780_000

    tax = _csv(_run(books, "report", "tax", "--from", "2026-04-01", "--to", "2026-06-30", "--format", "csv").stdout)
    cells = {c for row in tax[1:] for c in row}
    assert "350000" in cells and "35000" in cells  # 課税売上 10%: 350,000 of sales, 35,000 of tax
    assert _run(books, "report", "tax", "--from", "2026-04-01", "--to", "2026-06-30").exit_code == 0


def test_general_ledger_by_sub_account_and_department(books: Database) -> None:
    def gl(*extra: str, code: int = 0) -> Any:
        return _run(books, "report", "gl", "--from", "2026-04-01", "--to", "2026-06-30", *extra, "--format", "csv",
                    code=code)

    rows = _csv(gl("--account", "売掛金").stdout)[1:]
    assert [(r[0], r[5], r[6], r[7]) for r in rows[1:]] == [
        ("2026-05-10", "330000", "", "330000"), ("2026-05-20", "", "330000", "0"), ("2026-06-05", "55000", "", "55000")]
    rows = _csv(gl("--account", "売掛金", "--sub-account", "A001").stdout)[1:]
    assert [(r[0], r[7]) for r in rows[1:]] == [("2026-05-10", "330000"), ("2026-05-20", "0")]
    rows = _csv(gl("--account", "売掛金", "--sub-account", "有限会社ひかり").stdout)[1:]
    assert [(r[0], r[5]) for r in rows[1:]] == [("2026-06-05", "55000")]

    rows = _csv(gl("--account", "売上高", "--department", "D10").stdout)[1:]
    assert [(r[0], r[6]) for r in rows[1:]] == [("2026-05-10", "300000"), ("2026-06-05", "50000")]
    rows = _csv(gl("--account", "売上高", "--department", "管理部").stdout)[1:]
    assert rows[1:] == []
    rows = _csv(gl("--account", "地代家賃", "--department", "D20").stdout)[1:]
    assert [(r[0], r[5]) for r in rows[1:]] == [("2026-05-25", "120000")]

    r = gl("--account", "売掛金", "--sub-account", "Z999", code=1)
    assert len(_errors(r)) == 1 and "Z999" in _errors(r)[0]
    r = gl("--account", "売上高", "--department", "D99", code=1)
    assert len(_errors(r)) == 1 and "D99" in _errors(r)[0]
    r = gl("--account", "存在しない科目", code=1)
    assert len(_errors(r)) == 1
    assert "総勘定元帳 1140 普通預金" in _run(books, "report", "gl", "--account", "普通預金", "--from", "2026-04-01",
                                        "--to", "2026-06-30").stdout


JULY_CSV = ("entry_no,date,description,counterparty,account,sub_account,department,tax_category,debit,credit,memo\n"
            "X1,2026-07-15,現金売上,,現金,,,,5000,,\n"
            "X1,2026-07-15,現金売上,,売上高,,,,,5000,\n")


def test_a_locked_month_refuses_posting_until_unlocked_and_the_unlock_is_audited(books: Database,
                                                                                  tmp_path: Path) -> None:
    r = _run(books, "period", "lock", "2026-07")
    assert "2026-07" in r.stdout
    r = _run(books, "period", "lock", "2026-07", code=1)  # already locked
    assert len(_errors(r)) == 1

    july = tmp_path / "july.csv"
    july.write_text(JULY_CSV, encoding="utf-8")
    r = _run(books, "journal", "import", str(july), "--format", "csv", code=1)
    errors = _errors(r)
    assert len(errors) == 1 and "2026-07" in errors[0] and "締め" in errors[0]
    assert "現金" not in _tb(books, "2026-07-01", "2026-07-31")

    r = _run(books, "period", "unlock", "2026-07", "--reason", "売上の計上漏れ")
    assert "2026-07" in r.stdout
    with books.engine.connect() as conn:
        audited = conn.execute(text("SELECT entity_id, after FROM audit_records WHERE entity_type = 'period' "
                                    "AND action = 'unlock'")).all()
    assert len(audited) == 1 and audited[0][0] == "2026-07" and "売上の計上漏れ" in audited[0][1]
    _run(books, "period", "unlock", "2026-07", code=1)  # not locked any more

    r = _run(books, "journal", "import", str(july), "--format", "csv")
    assert "1" in r.stdout
    assert _tb(books, "2026-07-01", "2026-07-31")["現金"]["debit"] == 5_000
    _run(books, "period", "lock", "2026-13", code=1)


def test_csv_export_imports_into_a_fresh_database_with_the_same_trial_balance(
        books: Database, templates: Any, tmp_path: Path) -> None:
    exported = tmp_path / "journal.csv"
    _run(books, "journal", "export", "--format", "csv", "-o", str(exported))
    rows = _csv(exported.read_text(encoding="utf-8"))
    assert rows[0][:5] == ["entry_no", "date", "description", "counterparty", "account"]
    assert len({r[0] for r in rows[1:]}) == 5

    fresh = Database(templates.sqlite(tmp_path / "fresh.db") if books.url.startswith("sqlite")
                     else templates.postgresql())
    try:
        _company(fresh)  # the masters (補助科目, 部門) are not in a journal file: the import refers to them
        services.add_sub_account(fresh.uow(), ACCOUNTANT, "売掛金", "A001", "株式会社あさひ")
        services.add_sub_account(fresh.uow(), ACCOUNTANT, "売掛金", "A002", "有限会社ひかり")
        services.add_department(fresh.uow(), ACCOUNTANT, "D10", "営業部")
        services.add_department(fresh.uow(), ACCOUNTANT, "D20", "管理部")
        r = _run(fresh, "journal", "import", str(exported), "--format", "csv")
        assert "5" in r.stdout
        for date_from, date_to in (("2026-04-01", "2027-03-31"), ("2026-05-01", "2026-05-31")):
            assert _tb(fresh, date_from, date_to) == _tb(books, date_from, date_to)
        sub = _csv(_run(fresh, "report", "gl", "--account", "売掛金", "--sub-account", "A001", "--from",
                        "2026-04-01", "--to", "2026-06-30", "--format", "csv").stdout)
        assert [r[7] for r in sub[2:]] == ["330000", "0"]
        _run(fresh, "ledger", "check")
    finally:
        fresh.dispose()

    partial = _run(books, "journal", "export", "--format", "csv", "--from", "2026-05-01", "--to", "2026-05-31")
    assert {r[0] for r in _csv(partial.stdout)[1:]} == {"JE-2026-000002", "JE-2026-000003", "JE-2026-000004"}
    _run(books, "journal", "export", "--format", "pdf", code=1)
    r = _run(books, "journal", "import", str(tmp_path / "missing.csv"), "--format", "csv", code=1)
    assert len(_errors(r)) == 1


def test_hledger_export_has_the_postings(books: Database) -> None:
    out = _run(books, "journal", "export", "--format", "hledger").stdout
    blocks = [b.strip() for b in out.split("\n\n") if b.strip() and not b.strip().startswith(";")]
    assert len(blocks) == 5
    rent = next(b for b in blocks if "(JE-2026-000004)" in b).splitlines()
    assert rent[0].startswith("2026-05-25") and "家賃" in rent[0]
    postings = [" ".join(line.split()) for line in rent[1:]]
    assert any(p.startswith("地代家賃") and p.endswith("120000 JPY") for p in postings)
    assert any(p.startswith("普通預金") and p.endswith("-120000 JPY") for p in postings)
    sale = next(b for b in blocks if "(JE-2026-000002)" in b)
    amounts = [int(line.split()[-2]) for line in sale.splitlines()[1:] if line.strip().endswith("JPY")]
    assert sorted(amounts) == [-300_000, -30_000, 330_000] and sum(amounts) == 0
    total = sum(int(line.split()[-2]) for b in blocks for line in b.splitlines()[1:] if line.strip().endswith("JPY"))
    assert total == 0


def test_ledger_check_recurring_and_close_year(books: Database) -> None:
    r = _run(books, "ledger", "check")
    assert r.stdout.startswith("残高は転記の合計と一致し")

    services.add_recurring(books.uow(), ACCOUNTANT, services.RecurringInput(
        "倉庫賃料", "倉庫賃料", "大家", 1, 25, dt.date(2026, 7, 1), None,
        (L("地代家賃", 10_000), L("普通預金", credit=10_000))))
    r = _run(books, "ledger", "recurring", "--until", "2026-09-30")
    assert "3" in r.stdout  # July, August, September
    assert _tb(books, "2026-07-01", "2026-09-30")["地代家賃"]["debit"] == 30_000
    r = _run(books, "ledger", "recurring", "--until", "2026-09-30")
    assert "0" in r.stdout  # nothing more is due

    # FY2026: 売上高 350,000 - 地代家賃 (120,000 + 30,000) = 200,000
    r = _run(books, "ledger", "close-year", "2026")
    assert "2026" in r.stdout and "200,000" in r.stdout
    bs = {x["label"].strip("\u3000 "): x["amount"] for x in json.loads(
        _run(books, "report", "bs", "--as-of", "2027-04-30", "--format", "json").stdout)}
    assert bs["繰越利益剰余金"] == 200_000
    assert bs["資産合計"] == bs["負債・純資産合計"] == 1_235_000  # 1,265,000 - 30,000 of rent
    r = _run(books, "ledger", "close-year", "2026", code=1)
    assert len(_errors(r)) == 1
    july = _run(books, "period", "unlock", "2026-07", "--reason", "x").exit_code
    assert july == 0  # the close locked every month of the year
    assert _run(books, "ledger", "check").stdout.startswith("残高は転記の合計と一致し")

    # a maintained balance that no longer equals its postings is reported, exit 1
    with books.engine.begin() as conn:
        conn.execute(text("UPDATE ledger_balances SET debit = debit + 1 WHERE period = "
                          "(SELECT MIN(period) FROM ledger_balances)"))
    r = _run(books, "ledger", "check", code=1)
    assert r.stdout.startswith("残高の不一致: 勘定科目 #")
    with books.uow() as uow:
        assert uow.session.scalar(select(JournalEntry.id).limit(1)) is not None


def test_journal_and_gl_files_hold_the_whole_range_past_any_page_or_batch(books: Database, tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """More entries than a page, a read batch and a write batch: CSV and JSON hold every one; the screen table says
    which page of how many; XLSX and PDF above the row limit are refused in one line, leaving no file."""
    from ennoshita import tabular
    from ennoshita.cli import ledger as cli_ledger
    from ennoshita.ledger import queries

    for day in range(1, 8):  # 7 more entries in July: 12 in all, 9 lines of 普通預金 in April-July
        services.post_entry(books.uow(), ACCOUNTANT, EntryDraft(dt.date(2026, 7, day), f"現金売上 {day}", "", (
            L("普通預金", 1_000 * day), L("売上高", credit=1_000 * day))))
    monkeypatch.setattr(cli_ledger, "CLI_PAGE", 2)
    monkeypatch.setattr(queries, "JOURNAL_BATCH", 2)
    monkeypatch.setattr(queries, "GL_BATCH", 2)
    monkeypatch.setattr(tabular, "STREAM_BATCH", 3)
    span = ("--from", "2026-04-01", "--to", "2026-07-31")

    journal = _csv(_run(books, "report", "journal", *span, "--format", "csv").stdout)
    assert len([r for r in journal[1:] if r[1]]) == 12  # every entry, not a page of 2
    assert len(journal) == 1 + 26  # the header and every line (12 entries, 26 lines)
    assert sum(int(r[3]) for r in journal[1:] if r[3]) == sum(int(r[5]) for r in journal[1:] if r[5])
    out = tmp_path / "journal.json"
    r = _run(books, "report", "journal", *span, "--format", "json", "--page", "2", "-o", str(out))
    assert "--page" in r.stderr  # the page is not applied to a file, and it says so
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert len(rows) == 26 and len({r["entry_no"] for r in rows if r["entry_no"]}) == 12
    assert not (tmp_path / "journal.json.part").exists()

    gl = _csv(_run(books, "report", "gl", "--account", "普通預金", *span, "--format", "csv").stdout)[1:]
    assert len(gl) == 1 + 10  # the opening balance and every line
    assert gl[-1][7] == str(1_210_000 + 28_000)  # the running balance carried across every batch
    gl_json = json.loads(_run(books, "report", "gl", "--account", "普通預金", *span, "--format", "json").stdout)
    assert [row["balance"] for row in gl_json[1:]][-3:] == [1_210_000 + 15_000, 1_210_000 + 21_000, 1_238_000]

    r = _run(books, "report", "journal", *span)
    assert "出資" in r.stdout and "家賃" not in r.stdout  # entries 1 and 2 only
    assert "6 ページ中 1 ページ目" in r.stdout and "全 12 件" in r.stdout
    r = _run(books, "report", "gl", "--account", "普通預金", *span, "--page", "5")
    assert "5 ページ中 5 ページ目" in r.stdout and "全 10 件" in r.stdout

    monkeypatch.setitem(tabular.ROW_LIMITS, "xlsx", 20)
    xlsx = tmp_path / "journal.xlsx"
    r = _run(books, "report", "journal", *span, "--format", "xlsx", "-o", str(xlsx), code=1)
    message = " ".join(r.stderr.split())  # one message (rich wraps it at the test console's width)
    assert len(_errors(r)) == 1 and "20 行まで" in message and "26 行" in message and "csv" in message
    assert not xlsx.exists()
    _run(books, "report", "gl", "--account", "普通預金", *span, "--format", "xlsx", "-o", str(xlsx))
    assert xlsx.read_bytes().startswith(b"PK")
    r = _run(books, "report", "journal", *span, "--format", "pdf", code=1)  # a binary file needs -o
    assert len(_errors(r)) == 1
