"""A problem of an imported file's line names its column as the file's format does: 借方勘定科目, 貸方金額, 取引日付,
識別フラグ in Japanese for a 弥生 file, Debit account, Credit amount ... in English; never the service's
identifier (account, amount, date, flag). Before, `ennoshita journal import` printed "1行目: amount: ..." and
"Line 3: tax_category: ...", and the web import screen named no column."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from ennoshita.cli.main import app
from ennoshita.db import Database
from tests.conftest import ACCOUNTING, csrf_of, login

runner = CliRunner()


def _row(flag: str, no: str, day: str, debit: str, debit_amount: str, credit: str, credit_tax: str,
         credit_amount: str) -> str:
    return (f"{flag},{no},,{day},{debit},,,対象外,{debit_amount},,{credit},,,{credit_tax},{credit_amount},,テスト,"
            ",,0,,,0,0,no\r\n")


# line 1: an amount that is no number; 2: no such date; 3: a tax category 弥生 has not; 4: a stray flag;
# 5: an account the chart has not (found when the voucher is posted)
BAD = (_row("2000", "1", "2026/12/01", "売掛金", "abc", "売上高", "課税売上込10%", "110000")
       + _row("2000", "2", "2026/13/45", "現金", "1000", "売上高", "課税売上込10%", "1000")
       + _row("2000", "3", "2026/12/01", "現金", "1000", "売上高", "へんな税区分", "1000")
       + _row("9999", "4", "2026/12/01", "現金", "1000", "売上高", "課税売上込10%", "1000")
       + _row("2000", "5", "2026/12/01", "現金", "1000", "存在しない科目", "課税売上込10%", "1000"))

JA = ["1行目: 借方金額: ", "2行目: 取引日付: ", "3行目: 貸方税区分: ", "4行目: 識別フラグ: ", "5行目: 貸方勘定科目: "]
EN = ["Line 1: Debit amount: ", "Line 2: Transaction date: ", "Line 3: Credit tax category: ",
      "Line 4: Identification flag: ", "Line 5: Credit account: "]


@pytest.mark.parametrize(("lang", "expected"), [("ja", JA), ("en", EN)])
def test_cli_names_the_yayoi_columns(demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     lang: str, expected: list[str]) -> None:
    file = tmp_path / "bad.csv"
    file.write_bytes(BAD.encode("cp932"))
    monkeypatch.setenv("ENNOSHITA_LANG", lang)
    r = runner.invoke(app, ["journal", "import", str(file), "--format", "yayoi", "--database-url", demo_db.url])
    assert r.exit_code == 1
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(lines) == 5, r.stderr
    for line, start in zip(lines, expected, strict=True):
        assert start in line, (line, start)
    for raw in ("amount", "date", "tax_category", "flag", "account"):
        assert f": {raw}: " not in r.stderr


def test_web_import_names_the_yayoi_columns(client: TestClient) -> None:
    csrf = login(client, ACCOUNTING)
    for lang, expected in (("ja", JA), ("en", EN)):
        if lang == "en":
            client.post("/language", data={"language": "en", "next": "/", "csrf_token": csrf})
            csrf = csrf_of(client.get("/me").text)
        page = client.post("/ledger/import", data={"format": "yayoi", "csrf_token": csrf},
                           files={"file": ("bad.csv", BAD.encode("cp932"), "text/csv")}).text
        for start in expected:
            line, column = start.split(": ", 1)
            assert column.rstrip(": ") in page, (lang, start)
        assert "tax_category" not in page


def test_journal_csv_and_attendance_name_their_columns(demo_db: Database, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    journal = tmp_path / "journal.csv"
    journal.write_text("entry_no,date,description,counterparty,account,sub_account,department,tax_category,debit,"
                       "credit,memo\n1,2026-02-30,x,,現金,,,,1000,0,\n2,2026-12-01,x,,無い科目,,,,1000,0,\n"
                       "2,2026-12-01,x,,売上高,,,,0,1000,\n", encoding="utf-8")
    attendance = tmp_path / "attendance.csv"
    attendance.write_text("employee_number,date,clock_in,clock_out,break_minutes\n0001,2026-13-01,09:00,18:00,60\n",
                          encoding="utf-8")
    for lang, journal_lines, attendance_line in (
            ("ja", ["2行目: 日付（date）: ", "3行目: 勘定科目（account）: "], "2行目: 日付（date）: "),
            ("en", ["Line 2: Date (date): ", "Line 3: Account (account): "], "Line 2: Date (date): ")):
        monkeypatch.setenv("ENNOSHITA_LANG", lang)
        r = runner.invoke(app, ["journal", "import", str(journal), "--format", "csv", "--database-url", demo_db.url])
        assert r.exit_code == 1 and all(s in r.stderr for s in journal_lines), r.stderr
        r = runner.invoke(app, ["hr", "attendance", "import", str(attendance), "--database-url", demo_db.url])
        assert r.exit_code == 1 and attendance_line in r.stderr, r.stderr


def test_partner_import_names_its_columns(demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Before: 「3行目: closing_day: ...」, the header's identifier alone."""
    file = tmp_path / "partners.csv"
    file.write_text("code,name,closing_day,is_customer\nIMP-001,株式会社取込一号,31,1\n"
                    "IMP-002,株式会社取込二号,abc,1\n", encoding="utf-8")
    for lang, expected in (("ja", "3行目: 締日（closing_day）: "), ("en", "Line 3: Closing day (closing_day): ")):
        monkeypatch.setenv("ENNOSHITA_LANG", lang)
        r = runner.invoke(app, ["sales", "partners", "import", str(file), "--database-url", demo_db.url])
        assert r.exit_code == 1 and expected in r.stderr, r.stderr
