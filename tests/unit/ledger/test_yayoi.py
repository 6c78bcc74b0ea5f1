"""The 弥生会計 仕訳日記帳 format: flag sequencing, 和暦 dates, tax categories, byte-exact round trip."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from ennoshita.errors import Problem
from ennoshita.ledger.yayoi import ParsedVoucher, parse_date, parse_yayoi, tax_from_yayoi, tax_to_yayoi, write_yayoi


def row(flag: str, no: str, date: str, d_acc: str, d_amt: str, c_acc: str, c_amt: str, memo: str,
        d_tax: str = "", c_tax: str = "", d_taxamt: str = "", c_taxamt: str = "") -> str:
    cells = [flag, no, "", date, d_acc, "", "", d_tax, d_amt, d_taxamt, c_acc, "", "", c_tax, c_amt, c_taxamt,
             memo, "", "", "0", "", "", "0", "0", "no"]
    return ",".join(cells) + "\r\n"


def parse(text: str) -> list[ParsedVoucher | list[Problem]]:
    return list(parse_yayoi(io.BytesIO(text.encode("cp932"))))


def test_single_and_multi_line_vouchers() -> None:
    text = (row("2000", "1", "2026/04/01", "現金", "1000", "売上高", "1000", "現金売上")
            + row("2110", "2", "2026/04/02", "給料手当", "300000", "", "", "4月給与")
            + row("2100", "2", "2026/04/02", "", "", "預り金", "30000", "4月給与")
            + row("2101", "2", "2026/04/02", "", "", "普通預金", "270000", "4月給与"))
    out = parse(text)
    assert all(isinstance(v, ParsedVoucher) for v in out)
    v1, v2 = out
    assert isinstance(v1, ParsedVoucher) and isinstance(v2, ParsedVoucher)
    assert [(x.account, x.debit, x.credit) for x in v1.lines] == [("現金", 1000, 0), ("売上高", 0, 1000)]
    assert [(x.account, x.debit, x.credit, x.line) for x in v2.lines] == [
        ("給料手当", 300000, 0, 2), ("預り金", 0, 30000, 3), ("普通預金", 0, 270000, 4)]


def test_a_middle_line_without_a_first_line_is_an_error_on_its_line() -> None:
    text = (row("2000", "1", "2026/04/01", "現金", "1000", "売上高", "1000", "a")
            + row("2100", "2", "2026/04/02", "", "", "預り金", "30000", "b"))
    out = parse(text)
    assert isinstance(out[1], list)
    assert [(p.key, p.line) for p in out[1]] == [("ledger.error.yayoi_flag", 2)]


def test_an_unfinished_voucher_at_the_end_is_an_error() -> None:
    out = parse(row("2110", "2", "2026/04/02", "給料手当", "300000", "", "", "x"))
    assert isinstance(out[0], list) and out[0][0].line == 1


@pytest.mark.parametrize(("text", "day"), [
    ("2026/04/01", dt.date(2026, 4, 1)), ("R08/4/1", dt.date(2026, 4, 1)), ("R7/04/01", dt.date(2025, 4, 1)),
    ("H31/4/30", dt.date(2019, 4, 30)), ("R01/5/1", dt.date(2019, 5, 1)),
])
def test_dates_in_western_and_japanese_eras(text: str, day: dt.date) -> None:
    assert parse_date(text) == day


def test_tax_categories_both_ways() -> None:
    assert tax_from_yayoi("課税売上込10%") == "sales_10"
    assert tax_from_yayoi("課対仕入込軽減8%適格") == "purchase_8r:taxable"  # 課対: 課税売上対応
    assert tax_from_yayoi("課対仕入込10%区分80%") == "purchase_10_transitional:taxable"
    assert tax_from_yayoi("共対仕入込10%適格") == "purchase_10:common"  # 共対: 共通対応
    assert tax_from_yayoi("非対仕入込10%適格") == "purchase_10:non_taxable"  # 非対: 非課税売上対応
    assert tax_to_yayoi("purchase_10:common", dt.date(2026, 4, 1)) == "共対仕入込10%適格"
    assert tax_to_yayoi("purchase_10_transitional:non_taxable", dt.date(2026, 4, 1)) == "非対仕入込10%区分80%"
    assert tax_to_yayoi("purchase_10:taxable", dt.date(2026, 4, 1)) == "課対仕入込10%適格"
    assert tax_to_yayoi("purchase_10_transitional", dt.date(2026, 9, 30)) == "課対仕入込10%区分80%"
    assert tax_to_yayoi("purchase_10_transitional", dt.date(2026, 10, 1)) == "課対仕入込10%区分70%"
    assert tax_to_yayoi("purchase_10", dt.date(2023, 9, 30)) == "課対仕入込10%"
    assert tax_to_yayoi("purchase_10", dt.date(2023, 10, 1)) == "課対仕入込10%適格"
    with pytest.raises(KeyError):
        tax_from_yayoi("課税売上込5%")


def test_write_then_parse_then_write_gives_the_same_bytes() -> None:
    text = (row("2000", "1", "2026/04/01", "普通預金", "11000", "売上高", "11000", "A社 売上", c_tax="課税売上込10%",
                c_taxamt="1000")
            + row("2110", "2", "2026/04/02", "会議費", "1080", "現金", "1080", "弁当", d_tax="課対仕入込軽減8%適格",
                  d_taxamt="80")
            + row("2101", "2", "2026/04/02", "旅費交通費", "500", "現金", "500", "電車"))
    first = b"".join(write_yayoi(v for v in parse(text) if isinstance(v, ParsedVoucher)))
    assert first == text.encode("cp932")
    second = b"".join(write_yayoi(v for v in parse_yayoi(io.BytesIO(first)) if isinstance(v, ParsedVoucher)))
    assert second == first


def test_a_known_row_in_shift_jis_bytes() -> None:
    parsed = parse(row("2000", "7", "2026/04/01", "現金", "1000", "売上高", "1000", "売上"))
    out = b"".join(write_yayoi(v for v in parsed if isinstance(v, ParsedVoucher)))
    # 現金 in Shift_JIS is 8C BB 8B E0.
    assert out.startswith(b"2000,7,,2026/04/01,\x8c\xbb\x8b\xe0,")
