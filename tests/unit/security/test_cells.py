"""Spreadsheet formula injection (issue 14 item 12): a text cell never becomes a formula in any CSV or XLSX
export, while signed numbers stay numbers. Before the fix both tests failed: the XLSX cell was typed as a
formula and the CSV cell began with ``=``."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from ennoshita.security.cells import safe_text
from ennoshita.tabular import Column, Table, to_csv, to_xlsx

EVIL = '=HYPERLINK("http://attacker.example/","請求書を開く")'


def _table() -> Table:
    t = Table("売掛金年齢表", "2026-11-30", [Column("partner", "取引先"), Column("note", "摘要"),
                                              Column("amount", "金額", "yen")])
    t.add({"partner": EVIL, "note": "-1200", "amount": -1200})
    t.add({"partner": "+81 3 1234", "note": "@SUM(A1)", "amount": 5})
    t.add({"partner": "株式会社\x07ベル", "note": "\tTAB", "amount": 0})
    return t


def test_xlsx_cells_are_never_formulas() -> None:
    ws = load_workbook(io.BytesIO(to_xlsx(_table()))).active
    rows = list(ws.iter_rows(min_row=4, values_only=False))
    assert all(cell.data_type != "f" for row in rows for cell in row)
    assert rows[0][0].value == "'" + EVIL and rows[0][2].value == -1200  # the amount stays a number
    assert rows[2][0].value == "株式会社ベル"  # a control character stored before the rule cannot break the file


def test_csv_cells_are_neutralised_and_numbers_kept() -> None:
    text = to_csv(_table()).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1] == ["'" + EVIL, "-1200", "-1200"]
    assert rows[2] == ["'+81 3 1234", "'@SUM(A1)", "5"]
    assert rows[3][1] == "'\tTAB"


def test_safe_text_rules() -> None:
    # OWASP: =, +, -, @, tab and CR trigger; a signed number does not
    assert [safe_text(s) for s in ("=1+1", "+1", "-1,234", "-3.5", "@A1", "-x", "普通の摘要")] == [
        "'=1+1", "+1", "-1,234", "-3.5", "'@A1", "'-x", "普通の摘要"]
