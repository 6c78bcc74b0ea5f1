"""Bank statement CSV: both layouts, both encodings, every bad row reported with its line."""

from __future__ import annotations

import codecs
import datetime as dt

import pytest

from ennoshita.errors import Invalid
from ennoshita.sales.bankcsv import (
    BankCsvLayout,
    decode_bank_csv,
    parse_bank_csv,
    parse_bank_date,
    parse_yen,
    payer_from_description,
)

D = dt.date

# What an internet-banking download looks like: two information lines, then the header (line 3).
JAPANESE = (
    "口座番号,普通 1234567\r\n"
    "照会期間,2026/11/01～2026/11/30\r\n"
    "日付,摘要,出金額,入金額,残高,メモ\r\n"
    '2026/11/02,振込 ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ,,"109,560","1,109,560",\r\n'
    '2026/11/05,カード ｺﾝﾋﾞﾆ,"3,300",,"1,106,260",\r\n'
    'R8.11.24,ﾌﾘｺﾐ ﾕ)ｽｽﾞｷｺｳｷﾞﾖｳ,,"55,000","1,161,260",\r\n'
    "2026-11-30,振込 ｻﾄｳｼﾖｳﾃﾝ(ｶ,,８８０円,1162140,\r\n"
)


def test_a_shift_jis_statement() -> None:
    data = JAPANESE.encode("cp932")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the point of this test: these bytes are not UTF-8
    result = parse_bank_csv(data)
    assert (result.layout, result.encoding) == (BankCsvLayout.JAPANESE, "cp932")
    assert result.header == ("日付", "摘要", "出金額", "入金額", "残高", "メモ")
    assert result.problems == ()
    assert [(d.line, d.date, d.payer_kana, d.amount, d.balance) for d in result.deposits] == [
        (4, D(2026, 11, 2), "カ)ヤマダシヨウジ", 109560, 1109560),
        (6, D(2026, 11, 24), "ユ)スズキコウギヨウ", 55000, 1161260),  # 令和8年 = 2026
        (7, D(2026, 11, 30), "サトウシヨウテン(カ", 880, 1162140),
    ]
    assert result.deposits[0].description == "振込 ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ"
    assert result.skipped_rows == 1  # the card payment (出金)


def test_the_same_statement_in_utf8_with_and_without_bom() -> None:
    plain = parse_bank_csv(JAPANESE.encode("utf-8"))
    bom = parse_bank_csv(codecs.BOM_UTF8 + JAPANESE.encode("utf-8"))
    assert (plain.encoding, bom.encoding) == ("utf-8", "utf-8-sig")
    assert plain.deposits == bom.deposits == parse_bank_csv(JAPANESE.encode("cp932")).deposits


@pytest.mark.parametrize("header", [
    "お取引日,お取引内容,お引出金額,お預入金額,差引残高",
    "取引日,摘要,出金金額,入金金額,残高",
    "取引日,摘要,出金額(円),入金額(円),残高(円)",
    "\ufeff日付,摘要,出金額,入金額,残高",
])
def test_column_name_variations(header: str) -> None:
    text = header + "\n" + '2026/11/24,振込 ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ,,"110,000","2,000,000"\n'
    result = parse_bank_csv(text.encode("cp932" if "\ufeff" not in header else "utf-8"))
    assert [(d.date, d.amount, d.balance) for d in result.deposits] == [(D(2026, 11, 24), 110000, 2000000)]


def test_the_generic_layout() -> None:
    text = (
        "date,payer_kana,amount,description\n"
        '2026-11-24,ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ,"110,000",11月分\n'
        "2026/11/25,ﾀﾅｶ ﾀﾛｳ,5500,\n"
    )
    result = parse_bank_csv(text.encode("utf-8"))
    assert result.layout is BankCsvLayout.GENERIC
    assert [(d.line, d.date, d.payer_kana, d.amount, d.description) for d in result.deposits] == [
        (2, D(2026, 11, 24), "カ)ヤマダシヨウジ", 110000, "11月分"),
        (3, D(2026, 11, 25), "タナカ タロウ", 5500, ""),
    ]


def test_every_bad_row_is_reported_with_its_line() -> None:
    text = (
        "日付,摘要,出金額,入金額,残高\n"  # line 1
        "2026/11/02,振込 ｶ)ﾔﾏﾀﾞ,,1000,1000\n"  # 2: fine
        "2026/13/40,振込 ｶ)ｽｽﾞｷ,,2000,3000\n"  # 3: no such date
        "2026/11/04,振込 ｶ)ｻﾄｳ,,12.5,3000\n"  # 4: not whole yen
        "2026/11/05,,,500,3500\n"  # 5: no payer
        "2026/11/06\n"  # 6: too few columns
        "昨日,振込 ｶ)ｲﾄｳ,,abc,3500\n"  # 7: two problems on one row
    )
    result = parse_bank_csv(text.encode("cp932"))
    assert [d.line for d in result.deposits] == [2]
    assert [(p.line, p.key, p.field) for p in result.problems] == [
        (3, "sales.error.bank_csv_date", "日付"),
        (4, "sales.error.bank_csv_amount", "入金額"),
        (5, "sales.error.bank_csv_payer", "摘要"),
        (6, "sales.error.bank_csv_columns", None),
        (7, "sales.error.bank_csv_amount", "入金額"),
        (7, "sales.error.bank_csv_date", "日付"),
    ]
    assert result.problems[1].params == {"value": "12.5"}


def test_a_generic_row_must_be_a_positive_amount() -> None:
    text = "date,payer_kana,amount,description\n2026-11-24,ｶ)ﾔﾏﾀﾞ,-500,\n2026-11-25,ｶ)ﾔﾏﾀﾞ,,\n"
    result = parse_bank_csv(text)
    assert result.deposits == ()
    assert [(p.line, p.key) for p in result.problems] == [(2, "sales.error.bank_csv_amount"),
                                                         (3, "sales.error.bank_csv_amount")]


def test_an_unknown_layout_names_the_header_it_saw() -> None:
    with pytest.raises(Invalid) as caught:
        parse_bank_csv(b"Date,Memo,Credit,Debit\n2026-11-24,x,1,\n")
    assert caught.value.key == "sales.error.bank_csv_layout"
    assert caught.value.params["header"] == "Date,Memo,Credit,Debit"
    assert caught.value.problems[0].field == "file"


def test_an_empty_file_is_an_unknown_layout() -> None:
    with pytest.raises(Invalid) as caught:
        parse_bank_csv(b"")
    assert caught.value.key == "sales.error.bank_csv_layout"


def test_bytes_that_are_neither_utf8_nor_shift_jis() -> None:
    with pytest.raises(Invalid) as caught:
        decode_bank_csv(b"\x82\xa0\x85\x40")  # あ, then a lead byte cp932 leaves undefined
    assert caught.value.key == "import.error.encoding"  # as every import says it (ennoshita.textfiles)
    assert [(p.field, p.line) for p in caught.value.problems] == [("file", None)]


@pytest.mark.parametrize(("text", "expected"), [
    ("2026/11/24", D(2026, 11, 24)),
    ("2026-11-24", D(2026, 11, 24)),
    ("2026/1/4", D(2026, 1, 4)),
    ("20261124", D(2026, 11, 24)),
    ("2026年11月24日", D(2026, 11, 24)),
    ("２０２６／１１／２４", D(2026, 11, 24)),
    ("2026/11/24 10:15", D(2026, 11, 24)),
    ("R8.11.24", D(2026, 11, 24)),  # 令和8年: 2018 + 8
    ("R08/11/24", D(2026, 11, 24)),
    ("令和8年11月24日", D(2026, 11, 24)),
    ("令和元年5月1日", D(2019, 5, 1)),
    ("H31.4.30", D(2019, 4, 30)),  # 平成31年: 1988 + 31
    ("2026/02/30", None),
    ("", None),
    ("11/24", None),
])
def test_statement_dates(text: str, expected: dt.date | None) -> None:
    assert parse_bank_date(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("1,234,567", 1234567), ("¥1,234", 1234), ("￥1,234", 1234), ("１，２３４円", 1234), ("", None), ("0", 0),
])
def test_yen_cells(text: str, expected: int | None) -> None:
    assert parse_yen(text) == expected


@pytest.mark.parametrize("text", ["12.5", "abc", "1 234x"])
def test_bad_yen_cells(text: str) -> None:
    with pytest.raises(ValueError):
        parse_yen(text)


@pytest.mark.parametrize(("description", "payer"), [
    ("振込 ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ", "カ)ヤマダシヨウジ"),
    ("振込　カ）ヤマダシヨウジ", "カ)ヤマダシヨウジ"),
    ("ﾌﾘｺﾐ ﾔﾏﾀﾞｼﾖｳｼﾞ(ｶ", "ヤマダシヨウジ(カ"),
    ("振込入金 1234567890 ﾀﾅｶ ﾀﾛｳ", "タナカ タロウ"),  # 10-digit 振込依頼人コード dropped
    ("ﾀﾅｶ ﾀﾛｳ", "タナカ タロウ"),
])
def test_the_payer_inside_a_description(description: str, payer: str) -> None:
    assert payer_from_description(description) == payer
