"""全銀協 総合振込 files: record layout, a worked example written out by hand, kana, problems, round trip."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ennoshita.errors import Invalid
from ennoshita.purchasing.zengin import (
    ZenginHeader,
    ZenginTrailer,
    ZenginTransfer,
    build_file,
    parse_file,
    to_zengin_kana,
    truncate,
)

HEADER = ZenginHeader(
    requester_code="1234567890", requester_name="株式会社エノシタ", transfer_date=dt.date(2026, 11, 25),
    bank_code="0001", bank_name="ミズホ", branch_code="001", branch_name="トウキョウ",
    account_type="1", account_number="1234567",
)
YAMADA = ZenginTransfer(
    bank_code="0005", bank_name="ﾐﾂﾋﾞｼUFJ", branch_code="123", branch_name="シンジュク", account_type="2",
    account_number="7654321", recipient_name="ヤマダショウジ株式会社", amount=1_234_567, customer_code1="0000000042",
)
SUZUKI = ZenginTransfer(
    bank_code="0009", bank_name="", branch_code="456", branch_name="", account_type="1",
    account_number="0000123", recipient_name="すずき　いちろう", amount=500,
)


def pad(text: str, width: int) -> str:
    assert len(text) <= width
    return text + " " * (width - len(text))


# The worked example, field by field from the layout (widths in the comments), not from the code.
EXPECTED_HEADER = (
    "1"  # データ区分
    + "21"  # 種別コード 総合振込
    + "0"  # コード区分 JIS
    + "1234567890"  # 振込依頼人コード N10
    + pad("ｶ)ｴﾉｼﾀ", 40)  # 振込依頼人名 C40
    + "1125"  # 取組日 MMDD
    + "0001" + pad("ﾐｽﾞﾎ", 15)  # 仕向銀行 N4 C15
    + "001" + pad("ﾄｳｷﾖｳ", 15)  # 仕向支店 N3 C15
    + "1"  # 預金種目 普通
    + "1234567"  # 口座番号 N7
    + " " * 17  # ダミー
)
EXPECTED_YAMADA = (
    "2"
    + "0005" + pad("ﾐﾂﾋﾞｼUFJ", 15)
    + "123" + pad("ｼﾝｼﾞﾕｸ", 15)  # small ュ made large
    + "0000"  # 手形交換所番号 N4 (unused: zero-filled)
    + "2"  # 当座
    + "7654321"
    + pad("ﾔﾏﾀﾞｼﾖｳｼﾞ(ｶ", 30)  # 後株: (ｶ at the end
    + "0001234567"  # 振込金額 N10
    + "0"  # 新規コード
    + "0000000042" + "0" * 10  # 顧客コード1, 2 (N10: zeros when none)
    + "7"  # 電信
    + " "  # 識別表示
    + " " * 7
)
EXPECTED_SUZUKI = (
    "2" + "0009" + " " * 15 + "456" + " " * 15 + "0000" + "1" + "0000123"
    + pad("ｽｽﾞｷ ｲﾁﾛｳ", 30) + "0000000500" + "0" + "0" * 20 + "7" + " " + " " * 7
)
EXPECTED_TRAILER = "8" + "000002" + "000001235067" + " " * 101  # 1,234,567 + 500
EXPECTED_END = "9" + " " * 119


def test_the_layouts_are_120_characters() -> None:
    for record in (EXPECTED_HEADER, EXPECTED_YAMADA, EXPECTED_SUZUKI, EXPECTED_TRAILER, EXPECTED_END):
        assert len(record) == 120


def test_worked_example_with_crlf() -> None:
    data = build_file(HEADER, [YAMADA, SUZUKI])
    expected = "".join(r + "\r\n" for r in (EXPECTED_HEADER, EXPECTED_YAMADA, EXPECTED_SUZUKI, EXPECTED_TRAILER,
                                             EXPECTED_END))
    assert data == expected.encode("cp932")
    assert len(data) == 5 * 122
    assert all(len(line) == 120 for line in data.split(b"\r\n")[:-1])


def test_worked_example_without_line_endings() -> None:
    data = build_file(HEADER, [YAMADA, SUZUKI], line_ending="none")
    assert len(data) == 5 * 120
    assert b"\r" not in data and b"\n" not in data
    records = [data[i:i + 120] for i in range(0, len(data), 120)]
    assert records[1] == EXPECTED_YAMADA.encode("cp932")
    assert records[3] == EXPECTED_TRAILER.encode("cp932")


def test_every_character_is_one_byte() -> None:
    data = build_file(HEADER, [YAMADA, SUZUKI], line_ending="none")
    assert len(data) == len(data.decode("cp932"))


@pytest.mark.parametrize("line_ending", ["crlf", "none"])
def test_round_trip(line_ending: str) -> None:
    data = build_file(HEADER, [YAMADA, SUZUKI], line_ending=line_ending)  # type: ignore[arg-type]
    header, transfers, trailer = parse_file(data, year=2026)
    assert header == ZenginHeader("1234567890", "ｶ)ｴﾉｼﾀ", dt.date(2026, 11, 25), "0001", "ﾐｽﾞﾎ", "001", "ﾄｳｷﾖｳ",
                                  "1", "1234567")
    assert transfers[0].recipient_name == "ﾔﾏﾀﾞｼﾖｳｼﾞ(ｶ"
    assert transfers[0].customer_code1 == "0000000042" and transfers[0].customer_code2 == ""
    assert [t.amount for t in transfers] == [1_234_567, 500]
    assert trailer == ZenginTrailer(2, 1_235_067)


def test_crlf_and_none_lengths() -> None:
    transfers = [SUZUKI] * 7
    n = 7 + 3
    assert len(build_file(HEADER, transfers, line_ending="crlf")) == n * 122
    assert len(build_file(HEADER, transfers, line_ending="none")) == n * 120


# --- kana -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    # 株式会社山田商事 registered with カナ ｶﾌﾞｼｷｶﾞｲｼｬﾔﾏﾀﾞｼｮｳｼﾞ: 前株 → ｶ) before the name.
    ("ｶﾌﾞｼｷｶﾞｲｼｬﾔﾏﾀﾞｼｮｳｼﾞ", "ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ"),
    ("株式会社ヤマダショウジ", "ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ"),
    ("カブシキガイシャ　ヤマダショウジ", "ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ"),
    # 後株 → (ｶ after the name.
    ("ヤマダショウジカブシキガイシャ", "ﾔﾏﾀﾞｼﾖｳｼﾞ(ｶ"),
    ("ヤマダショウジ株式会社", "ﾔﾏﾀﾞｼﾖｳｼﾞ(ｶ"),
    # In the middle (before a branch name) → (ｶ).
    ("ヤマダ株式会社トウキョウシテン", "ﾔﾏﾀﾞ(ｶ)ﾄｳｷﾖｳｼﾃﾝ"),
    ("(株)ヤマダ", "ｶ)ﾔﾏﾀﾞ"),
    ("㈲ヤマダ", "ﾕ)ﾔﾏﾀﾞ"),
    ("有限会社ヤマダ", "ﾕ)ﾔﾏﾀﾞ"),
    ("合同会社ヤマダ", "ﾄﾞ)ﾔﾏﾀﾞ"),
    ("ヤマダ合同会社", "ﾔﾏﾀﾞ(ﾄﾞ"),
    ("医療法人ヤマダカイ", "ｲ)ﾔﾏﾀﾞｶｲ"),
    ("ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ", "ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ"),  # already in 全銀 form
    # Small kana made large; hiragana to katakana; full-width to half-width.
    ("キャッシュ", "ｷﾔﾂｼﾕ"),
    ("ｷｬｯｼｭ", "ｷﾔﾂｼﾕ"),
    ("きゃっしゅ", "ｷﾔﾂｼﾕ"),
    ("ヴァイオリン", "ｳﾞｱｲｵﾘﾝ"),
    ("ヲ", "ｵ"),
    # Long vowel → '-'.
    ("スーパー", "ｽ-ﾊﾟ-"),
    ("ｽｰﾊﾟｰ", "ｽ-ﾊﾟ-"),
    # Latin upper-cased, full-width ASCII half-width, spaces collapsed.
    ("ａｂｃ　ｓｈｏｐ １２３", "ABC SHOP 123"),
    ("abc  shop", "ABC SHOP"),
    ("スミス・ジョン", "ｽﾐｽ.ｼﾞﾖﾝ"),
])
def test_to_zengin_kana(text: str, expected: str) -> None:
    assert to_zengin_kana(text) == expected


@pytest.mark.parametrize(("text", "chars"), [
    ("山田商事", "山田商事"),
    ("株式会社山田", "山田"),
    ("ヤマダ@ショウジ", "@"),
    ("ヤマダ&コ", "&"),
])
def test_characters_without_a_zengin_form_are_refused(text: str, chars: str) -> None:
    with pytest.raises(Invalid) as caught:
        to_zengin_kana(text, field="recipient_name")
    [problem] = caught.value.problems
    assert problem.field == "recipient_name"
    assert problem.key == "purchasing.error.zengin_characters"
    assert problem.params["chars"] == chars


# --- problems --------------------------------------------------------------------------------------

def _fields_of(error: Invalid) -> set[str | None]:
    return {p.field for p in error.problems}


def test_every_problem_is_reported_with_its_place() -> None:
    bad = [
        YAMADA,
        ZenginTransfer(bank_code="05", bank_name="", branch_code="12a", branch_name="", account_type="3",
                       account_number="123456", recipient_name="", amount=0),
        ZenginTransfer(bank_code="0005", bank_name="", branch_code="123", branch_name="", account_type="1",
                       account_number="1234567", recipient_name="山田", amount=10_000_000_000,
                       customer_code1="42", transfer_kind="9"),
        ZenginTransfer(bank_code="0005", bank_name="", branch_code="123", branch_name="", account_type="1",
                       account_number="１２３４５６７", recipient_name="ﾔﾏﾀﾞ", amount=-1),
    ]
    header = ZenginHeader("12345", "", dt.date(2026, 11, 25), "0001", "", "001", "", "1", "1234567")
    with pytest.raises(Invalid) as caught:
        build_file(header, bad)
    assert _fields_of(caught.value) == {
        "header.requester_code", "header.requester_name",
        "transfers[1].bank_code", "transfers[1].branch_code", "transfers[1].account_type",
        "transfers[1].account_number", "transfers[1].recipient_name", "transfers[1].amount",
        "transfers[2].recipient_name", "transfers[2].amount", "transfers[2].customer_code1",
        "transfers[2].transfer_kind",
        "transfers[3].account_number", "transfers[3].amount",
    }


def test_names_are_truncated_not_refused() -> None:
    long_name = "ア" * 35
    data = build_file(HEADER, [ZenginTransfer("0005", "ア" * 20, "123", "", "1", "1234567", long_name, 1)],
                      line_ending="none")
    record = data[120:240].decode("cp932")
    assert record[5:20] == "ｱ" * 15
    assert record[50:80] == "ｱ" * 30
    _, [transfer], _ = parse_file(data, year=2026)
    assert transfer.recipient_name == "ｱ" * 30


def test_an_empty_transfer_list_is_refused() -> None:
    with pytest.raises(Invalid) as caught:
        build_file(HEADER, [])
    assert _fields_of(caught.value) == {"transfers"}


def test_the_largest_amount_fits() -> None:
    transfer = ZenginTransfer("0005", "", "123", "", "1", "1234567", "ﾔﾏﾀﾞ", 9_999_999_999)
    data = build_file(HEADER, [transfer], line_ending="none")
    assert data[120 + 80:120 + 90] == b"9999999999"
    assert data[240:259] == b"8000001009999999999"


# --- reading back ----------------------------------------------------------------------------------

def test_parse_refuses_a_trailer_that_does_not_add_up() -> None:
    data = bytearray(build_file(HEADER, [YAMADA, SUZUKI], line_ending="none"))
    data[360 + 7:360 + 19] = b"000001235068"
    with pytest.raises(Invalid) as caught:
        parse_file(bytes(data), year=2026)
    assert _fields_of(caught.value) == {"total"}


def test_parse_refuses_a_short_record_and_a_bad_order() -> None:
    data = build_file(HEADER, [YAMADA], line_ending="crlf")
    lines = data.split(b"\r\n")
    with pytest.raises(Invalid) as caught:
        parse_file(b"\r\n".join([lines[0][:119], *lines[1:]]), year=2026)
    assert caught.value.problems[0].line == 1
    with pytest.raises(Invalid):
        parse_file(b"\r\n".join([lines[1], lines[0], *lines[2:]]), year=2026)


def test_parse_accepts_zeros_as_clearing_house() -> None:
    data = bytearray(build_file(HEADER, [YAMADA], line_ending="none"))
    data[120 + 38:120 + 42] = b"0000"
    _, [transfer], _ = parse_file(bytes(data), year=2026)
    assert transfer == ZenginTransfer("0005", "ﾐﾂﾋﾞｼUFJ", "123", "ｼﾝｼﾞﾕｸ", "2", "7654321", "ﾔﾏﾀﾞｼﾖｳｼﾞ(ｶ",
                                      1_234_567, "0", "0000000042", "", "7")


# --- property: any valid transfer list round-trips ---------------------------------------------------

# Syllables that are already in 全銀 form and form no legal-form spelling; names are words of them.
_SYLLABLES = ["ｱ", "ｲ", "ｳ", "ﾔ", "ﾏ", "ﾀﾞ", "ﾊﾟ", "ﾝ", "A", "B", "Z", "0", "9", ".", "-", "/"]
_word = st.lists(st.sampled_from(_SYLLABLES), min_size=1, max_size=6).map("".join)


def _name(width: int, required: bool) -> st.SearchStrategy[str]:
    names = st.lists(_word, min_size=1, max_size=4).map(" ".join).filter(lambda s: len(s) <= width)
    return names if required else st.one_of(st.just(""), names)


def _digits(width: int) -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789", min_size=width, max_size=width)


_transfers = st.builds(
    ZenginTransfer,
    bank_code=_digits(4), bank_name=_name(15, False), branch_code=_digits(3), branch_name=_name(15, False),
    account_type=st.sampled_from(["1", "2", "4", "9"]), account_number=_digits(7),
    recipient_name=_name(30, True), amount=st.integers(1, 9_999_999_999),
    new_code=st.sampled_from(["0", "1", "2"]),
    # all zeros is how the file says "no code", so it reads back as ""
    customer_code1=st.one_of(st.just(""), _digits(10).filter(lambda c: c.strip("0") != "")),
    customer_code2=st.one_of(st.just(""), _digits(10).filter(lambda c: c.strip("0") != "")),
    transfer_kind=st.sampled_from(["7", "8"]),
)


@settings(max_examples=60, deadline=None)
@given(transfers=st.lists(_transfers, min_size=1, max_size=8), crlf=st.booleans(),
       day=st.dates(dt.date(2024, 1, 1), dt.date(2032, 12, 31)))
def test_any_valid_transfer_list_round_trips(transfers: list[ZenginTransfer], crlf: bool, day: dt.date) -> None:
    header = ZenginHeader("0000000001", "ｴﾉｼﾀ", day, "0001", "", "001", "", "1", "0000001")
    data = build_file(header, transfers, line_ending="crlf" if crlf else "none")
    assert len(data) == (len(transfers) + 3) * (122 if crlf else 120)
    parsed_header, parsed, trailer = parse_file(data, year=day.year)
    assert parsed_header == header
    assert parsed == transfers
    assert trailer == ZenginTrailer(len(transfers), sum(t.amount for t in transfers))


def test_a_sound_mark_past_the_limit_takes_its_letter_with_it() -> None:
    # 29 letters then ﾎﾞ: byte 30 is ﾎ, byte 31 its ﾞ. Cutting at 30 would leave ﾎ (a different sound): drop both.
    name = "ｱ" * 29 + "ﾎﾞ"
    transfer = ZenginTransfer("0009", "", "456", "", "1", "0000123", name, 500)
    _h, (parsed,), _t = parse_file(build_file(HEADER, [transfer]), year=2026)
    assert parsed.recipient_name == "ｱ" * 29
    # a 半濁点 at byte 31 likewise; a mark inside the limit is kept with its letter
    assert truncate("ｱ" * 29 + "ﾎﾟ", 30) == "ｱ" * 29
    assert truncate("ｱ" * 28 + "ﾎﾞ" + "ｱ", 30) == "ｱ" * 28 + "ﾎﾞ"


def test_edi_information_takes_the_place_of_the_customer_codes() -> None:
    transfer = ZenginTransfer("0009", "", "456", "", "1", "0000123", "ｽｽﾞｷ", 500, edi="INV-2027-0042")
    data = build_file(HEADER, [transfer], line_ending="none")
    record = data[120:240].decode("cp932")
    # 1+4+15+3+15+4+1+7+30+10+1 = 91 bytes before the codes: EDI C20, then 振込指定区分 7 and 識別表示 Y
    assert record[91:111] == pad("INV-2027-0042", 20)
    assert record[111:113] == "7Y"
    _h, (parsed,), _t = parse_file(data, year=2026)
    assert (parsed.edi, parsed.customer_code1, parsed.customer_code2) == ("INV-2027-0042", "", "")
