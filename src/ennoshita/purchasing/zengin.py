"""全銀協 総合振込 (general transfer, 種別コード 21) files: build and read back.

Layout (全銀協制定ファイルフォーマット【総合振込】; cross-checked with the layouts banks publish for
their EB/FB services, e.g. "全銀協制定ファイルフォーマット 【総合振込】"
https://expydoc.com/doc/11700435/ and 群馬銀行/京都銀行/みずほ Web21 "総合振込(全銀形式)" file layouts):
every record is 120 bytes of JIS X 0201 (we write Shift_JIS/cp932, where each allowed character is one
byte), optionally followed by CRLF (then 122 bytes a record). ``N`` fields are digits, right-aligned and
zero-padded; ``C`` fields are half-width characters, left-aligned and space-padded.

ヘッダー・レコード (1 record)::

    データ区分 N1 "1" | 種別コード N2 "21" | コード区分 N1 "0" (JIS) | 振込依頼人コード N10 |
    振込依頼人名 C40 | 取組日 (振込指定日) N4 MMDD | 仕向銀行番号 N4 | 仕向銀行名 C15 |
    仕向支店番号 N3 | 仕向支店名 C15 | 預金種目 N1 | 口座番号 N7 | ダミー C17
    = 1+2+1+10+40+4+4+15+3+15+1+7+17 = 120

データ・レコード (1 per transfer)::

    データ区分 N1 "2" | 被仕向銀行番号 N4 | 被仕向銀行名 C15 | 被仕向支店番号 N3 | 被仕向支店名 C15 |
    手形交換所番号 N4 (unused: "0000", a numeric field is zero-filled) | 預金種目 N1 | 口座番号 N7 |
    受取人名 C30 | 振込金額 N10 | 新規コード N1 | 顧客コード1 N10 | 顧客コード2 N10 (zeros when none) |
    振込指定区分 N1 (7 電信, 8 文書) | 識別表示 C1 (space, or "Y": the 20 bytes of 顧客コード1・2 carry the
    EDI 情報 instead, C20, e.g. the supplier's invoice number, 総合振込 with 金融EDI) | ダミー C7
    = 1+4+15+3+15+4+1+7+30+10+1+10+10+1+1+7 = 120

Reading a file back, spaces and zeros in 手形交換所番号 and 顧客コード both mean "none".

トレーラ・レコード: データ区分 "8" | 合計件数 N6 | 合計金額 N12 | ダミー C101 = 120.
エンド・レコード: データ区分 "9" | ダミー C119 = 120.

Characters (the 全銀 character set): digits, upper-case A-Z, half-width katakana ｱ..ﾝ with ﾞ and ﾟ,
space and the symbols ``( ) - . / , ｢ ｣``. Small kana (ｧ..ｯ), ｦ and ｰ are outside it: small kana are
made large (ｼｮｳｼﾞ → ｼﾖｳｼﾞ), ヲ becomes ｵ, ヰ/ヱ become ｲ/ｴ, the long vowel ー becomes ``-`` and ・ becomes
``.``. ``¥``/``\\`` is not accepted (banks differ).

Legal forms (法人略語, the table :mod:`ennoshita.partners.kana` keeps): a legal form spelled out (in kanji or
kana) or abbreviated in parentheses ((株), ㈱) is replaced by its 略語 with the parenthesis on the side
of the name, as 全銀 prints it: at the start ``ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ`` (株式会社山田商事), at the end
``ﾔﾏﾀﾞｼﾖｳｼﾞ(ｶ`` (山田商事株式会社), in the middle ``ﾔﾏﾀﾞ(ｶ)ﾄｳｷﾖｳｼﾃﾝ``. The position is read from the
text given (normally the partner's registered カナ, which follows the kanji name's order).

Names longer than their field are truncated (banks match on the leading characters); a 濁点/半濁点 (ﾞ ﾟ,
one byte of its own) that would be the first byte cut off takes its base letter with it, so that the name
never ends in a letter whose sound changed (ﾎﾞ at the limit becomes nothing, not ﾎ); codes of the
wrong width, non-digit codes, bad amounts and characters outside the set are refused.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import jaconv

from ennoshita.errors import Invalid, Problem
from ennoshita.partners.kana import KANJI_ABBREVIATIONS, LEGAL_FORM_ABBREVIATIONS, SPELLED_LEGAL_FORMS

RECORD_LENGTH = 120
KIND_GENERAL_TRANSFER = "21"  # 種別コード: 総合振込
KIND_SALARY_TRANSFER = "11"  # 種別コード: 給与振込 (payroll); same 120-byte layout
KINDS = (KIND_GENERAL_TRANSFER, KIND_SALARY_TRANSFER, "12")  # 12: 賞与振込
CODE_JIS = "0"  # コード区分
MAX_AMOUNT = 9_999_999_999  # 振込金額 N10
MAX_TOTAL = 999_999_999_999  # 合計金額 N12
MAX_COUNT = 999_999  # 合計件数 N6

ACCOUNT_TYPES: dict[str, str] = {"1": "普通", "2": "当座", "4": "貯蓄", "9": "その他"}
TRANSFER_KINDS: dict[str, str] = {"7": "電信", "8": "文書"}
NEW_CODES: dict[str, str] = {"0": "その他", "1": "第1回振込分", "2": "変更分"}

LineEnding = Literal["crlf", "none"]

# (field, width): the order and widths of each record; each sums to 120 (checked below).
HEADER_LAYOUT: tuple[tuple[str, int], ...] = (
    ("data_kind", 1), ("kind_code", 2), ("code_kind", 1), ("requester_code", 10), ("requester_name", 40),
    ("transfer_date", 4), ("bank_code", 4), ("bank_name", 15), ("branch_code", 3), ("branch_name", 15),
    ("account_type", 1), ("account_number", 7), ("dummy", 17),
)
DATA_LAYOUT: tuple[tuple[str, int], ...] = (
    ("data_kind", 1), ("bank_code", 4), ("bank_name", 15), ("branch_code", 3), ("branch_name", 15),
    ("clearing_house", 4), ("account_type", 1), ("account_number", 7), ("recipient_name", 30),
    ("amount", 10), ("new_code", 1), ("customer_code1", 10), ("customer_code2", 10), ("transfer_kind", 1),
    ("identification", 1), ("dummy", 7),
)
TRAILER_LAYOUT: tuple[tuple[str, int], ...] = (("data_kind", 1), ("count", 6), ("total", 12), ("dummy", 101))
END_LAYOUT: tuple[tuple[str, int], ...] = (("data_kind", 1), ("dummy", 119))
for _layout in (HEADER_LAYOUT, DATA_LAYOUT, TRAILER_LAYOUT, END_LAYOUT):
    assert sum(width for _, width in _layout) == RECORD_LENGTH
WIDTHS: dict[str, int] = {**dict(HEADER_LAYOUT), **dict(DATA_LAYOUT)}

_KATAKANA = "ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜﾝﾞﾟ"
ALLOWED_CHARACTERS = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ" + _KATAKANA + " ()-./,｢｣")

# Full-width katakana that have no 全銀 form: small kana made large, obsolete kana replaced.
_SMALL_TO_LARGE = str.maketrans("ァィゥェォッャュョヮヵヶヰヱヲ", "アイウエオツヤユヨワカケイエオ")
_PUNCTUATION = str.maketrans({
    "ー": "-", "‐": "-", "‑": "-", "–": "-", "—": "-", "―": "-", "−": "-", "～": "-", "〜": "-",
    "・": ".", "、": ",", "。": ".", "［": "(", "］": ")", "[": "(", "]": ")", "〔": "(", "〕": ")",
})

# Legal form (as named in sales.kana) -> its 全銀 略語.
_ABBREVIATION_OF: dict[str, str] = {form: abbr for abbr, form in LEGAL_FORM_ABBREVIATIONS.items()}
# More spellings (kana, after small kana are made large) than sales.kana knows.
EXTRA_SPELLED_LEGAL_FORMS: dict[str, str] = {
    "シヤダンホウジン": "社団法人",
    "ザイダンホウジン": "財団法人",
    "イツパンザイダンホウジン": "財団法人",
    "コウエキシヤダンホウジン": "社団法人",
    "コウエキザイダンホウジン": "財団法人",
    "シヤカイフクシホウジン": "社会福祉法人",
    "ガツコウホウジン": "学校法人",
    "ゼイリシホウジン": "税理士法人",
    "ベンゴシホウジン": "弁護士法人",
    "NPOホウジン": "特定非営利活動法人",
}
_SPELLED: dict[str, str] = {**SPELLED_LEGAL_FORMS, **EXTRA_SPELLED_LEGAL_FORMS}
_SPELLED_ALT = "|".join(sorted(map(re.escape, _SPELLED), key=len, reverse=True))
# (株), (カ), (ユウ)... : kanji or kana abbreviations already in parentheses.
_PAREN_TABLE: dict[str, str] = {**KANJI_ABBREVIATIONS, **LEGAL_FORM_ABBREVIATIONS}
_PAREN_ALT = "|".join(sorted(map(re.escape, _PAREN_TABLE), key=len, reverse=True))
_LEADING = re.compile(rf"^\s*(?:({_SPELLED_ALT})|\(({_PAREN_ALT})\))\s*")
_TRAILING = re.compile(rf"\s*(?:({_SPELLED_ALT})|\(({_PAREN_ALT})\))\s*$")
_KANJI_ALT = "|".join(map(re.escape, KANJI_ABBREVIATIONS))
_MIDDLE = re.compile(rf"\s*(?:({_SPELLED_ALT})|\(({_KANJI_ALT})\))\s*")


def _abbreviation(match: re.Match[str]) -> str:
    spelled, paren = match.group(1), match.group(2)
    form = _SPELLED[spelled] if spelled else _PAREN_TABLE[paren]
    return _ABBREVIATION_OF.get(form, paren or "")


def _abbreviate_legal_forms(text: str) -> str:
    """株式会社ヤマダ → カ)ヤマダ, ヤマダ株式会社 → ヤマダ(カ, ヤマダ株式会社トウキヨウ → ヤマダ(カ)トウキヨウ."""
    leading = _LEADING.match(text)
    if leading and leading.end() < len(text):
        text = _abbreviation(leading) + ")" + text[leading.end():]
    trailing = _TRAILING.search(text)
    if trailing and trailing.start() > 0:
        text = text[: trailing.start()] + "(" + _abbreviation(trailing)
    return _MIDDLE.sub(lambda m: "(" + _abbreviation(m) + ")" if 0 < m.start() and m.end() < len(text)
                       else m.group(0), text)


def _convert(text: str) -> tuple[str, str]:
    """(converted text, the characters still outside the 全銀 set, each once)."""
    text = unicodedata.normalize("NFKC", text)
    text = jaconv.hira2kata(text).upper().translate(_SMALL_TO_LARGE).translate(_PUNCTUATION)
    text = re.sub(r"\s+", " ", text).strip()
    text = _abbreviate_legal_forms(text)
    text = jaconv.z2h(text, kana=True, digit=True, ascii=True)
    bad = "".join(dict.fromkeys(ch for ch in text if ch not in ALLOWED_CHARACTERS))
    return text, bad


def to_zengin_kana(text: str, *, field: str = "name") -> str:
    """A name in the characters 全銀 allows (not truncated).

    ``'株式会社ヤマダショウジ'`` and ``'ｶﾌﾞｼｷｶﾞｲｼｬﾔﾏﾀﾞｼｮｳｼﾞ'`` → ``'ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ'``; ``'やまだ　しょうじ'`` →
    ``'ﾔﾏﾀﾞ ｼﾖｳｼﾞ'``; ``'スーパー'`` → ``'ｽ-ﾊﾟ-'``. Raises :class:`Invalid` naming ``field`` and the
    characters that have no 全銀 form (kanji, ``@``, ...).
    """
    converted, bad = _convert(text)
    if bad:
        raise Invalid("purchasing.error.zengin_characters", field=field, chars=bad)
    return converted


@dataclass(frozen=True)
class ZenginHeader:
    """The ordering company (振込依頼人) and its account at the sending bank (仕向銀行)."""

    requester_code: str  # 振込依頼人コード (委託者コード), 10 digits
    requester_name: str  # 振込依頼人名, converted to 全銀 kana, truncated to 40
    transfer_date: dt.date  # 取組日 / 振込指定日 (only MMDD is written)
    bank_code: str  # 4 digits
    bank_name: str  # kana, truncated to 15, may be empty
    branch_code: str  # 3 digits
    branch_name: str  # kana, truncated to 15, may be empty
    account_type: str  # 預金種目: 1 普通, 2 当座, 4 貯蓄, 9 その他
    account_number: str  # 7 digits
    kind: str = KIND_GENERAL_TRANSFER  # 種別コード: 21 総合振込, 11 給与振込, 12 賞与振込


@dataclass(frozen=True)
class ZenginTransfer:
    """One transfer (データ・レコード) to a recipient (受取人) at a receiving bank (被仕向銀行)."""

    bank_code: str  # 4 digits
    bank_name: str  # kana, truncated to 15, may be empty
    branch_code: str  # 3 digits
    branch_name: str  # kana, truncated to 15, may be empty
    account_type: str  # 1 普通, 2 当座, 4 貯蓄, 9 その他
    account_number: str  # 7 digits
    recipient_name: str  # 受取人名, kana, truncated to 30, required
    amount: int  # 振込金額, 1..9,999,999,999 yen
    new_code: str = "0"  # 新規コード: 0 その他, 1 第1回振込分, 2 変更分
    customer_code1: str = ""  # 顧客コード1: empty or 10 digits
    customer_code2: str = ""  # 顧客コード2: empty or 10 digits
    transfer_kind: str = "7"  # 振込指定区分: 7 電信, 8 文書
    edi: str = ""  # EDI 情報 (C20, in place of 顧客コード1・2, 識別表示 "Y"): e.g. the supplier's invoice number


@dataclass(frozen=True)
class ZenginTrailer:
    """合計件数 and 合計金額 of the data records."""

    count: int
    total: int


def _digits(value: str, width: int, field: str, problems: list[Problem]) -> str:
    if not (isinstance(value, str) and len(value) == width and value.isascii() and value.isdigit()):
        problems.append(Problem("purchasing.error.zengin_digits", field, {"width": width}))
        return "0" * width
    return value


def _optional_digits(value: str, width: int, field: str, problems: list[Problem]) -> str:
    """A numeric field that may be empty: zero-filled then (全銀協: N fields are digits)."""
    return "0" * width if value == "" else _digits(value, width, field, problems)


SOUND_MARKS = "ﾞﾟ"


def truncate(text: str, width: int) -> str:
    """``text`` cut to ``width`` one-byte characters; a 濁点/半濁点 just past the cut drops its base letter."""
    cut = text[:width]
    if len(text) > width and text[width] in SOUND_MARKS:
        cut = cut[:-1]
    return cut.rstrip()


def edi_text(value: str) -> str:
    """EDI 情報 in the 全銀 characters (others dropped: the field is a reference, not a name), up to 20."""
    converted, _bad = _convert(value)
    return truncate("".join(ch for ch in converted if ch in ALLOWED_CHARACTERS), 20)


def _choice(value: str, allowed: dict[str, str], field: str, problems: list[Problem]) -> str:
    if value not in allowed:
        problems.append(Problem("purchasing.error.zengin_code", field, {"allowed": ", ".join(allowed)}))
        return next(iter(allowed))
    return value


def _name(value: str, width: int, field: str, problems: list[Problem], required: bool) -> str:
    converted, bad = _convert(value)
    if bad:
        problems.append(Problem("purchasing.error.zengin_characters", field, {"chars": bad}))
    converted = truncate(converted, width)
    if required and not converted:
        problems.append(Problem("error.required", field))
    if bad:
        converted = ""
    return converted.ljust(width)


def _amount(value: int, field: str, problems: list[Problem]) -> str:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_AMOUNT:
        problems.append(Problem("purchasing.error.zengin_amount", field, {"max": MAX_AMOUNT}))
        return "0" * 10
    return f"{value:010d}"


def _record(fields: list[str]) -> str:
    record = "".join(fields)
    assert len(record) == RECORD_LENGTH, record
    return record


def _header_record(header: ZenginHeader, problems: list[Problem]) -> str:
    p = "header."
    return _record([
        "1", header.kind if header.kind in KINDS else KIND_GENERAL_TRANSFER, CODE_JIS,
        _digits(header.requester_code, 10, p + "requester_code", problems),
        _name(header.requester_name, 40, p + "requester_name", problems, required=True),
        f"{header.transfer_date.month:02d}{header.transfer_date.day:02d}",
        _digits(header.bank_code, 4, p + "bank_code", problems),
        _name(header.bank_name, 15, p + "bank_name", problems, required=False),
        _digits(header.branch_code, 3, p + "branch_code", problems),
        _name(header.branch_name, 15, p + "branch_name", problems, required=False),
        _choice(header.account_type, ACCOUNT_TYPES, p + "account_type", problems),
        _digits(header.account_number, 7, p + "account_number", problems),
        " " * 17,
    ])


def _data_record(index: int, transfer: ZenginTransfer, problems: list[Problem]) -> str:
    p = f"transfers[{index}]."
    return _record([
        "2",
        _digits(transfer.bank_code, 4, p + "bank_code", problems),
        _name(transfer.bank_name, 15, p + "bank_name", problems, required=False),
        _digits(transfer.branch_code, 3, p + "branch_code", problems),
        _name(transfer.branch_name, 15, p + "branch_name", problems, required=False),
        "0" * 4,  # 手形交換所番号: unused, zero-filled
        _choice(transfer.account_type, ACCOUNT_TYPES, p + "account_type", problems),
        _digits(transfer.account_number, 7, p + "account_number", problems),
        _name(transfer.recipient_name, 30, p + "recipient_name", problems, required=True),
        _amount(transfer.amount, p + "amount", problems),
        _choice(transfer.new_code, NEW_CODES, p + "new_code", problems),
        *_customer_or_edi(transfer, p, problems),
        " " * 7,
    ])


def _customer_or_edi(transfer: ZenginTransfer, p: str, problems: list[Problem]) -> tuple[str, str, str, str]:
    """顧客コード1, 顧客コード2, 振込指定区分, 識別表示 -- or the EDI 情報 (C20) in the codes' place with "Y"."""
    kind = _choice(transfer.transfer_kind, TRANSFER_KINDS, p + "transfer_kind", problems)
    if transfer.edi:
        if transfer.customer_code1 or transfer.customer_code2:
            problems.append(Problem("purchasing.error.zengin_edi_and_codes", p + "edi"))
        edi = edi_text(transfer.edi)
        return edi[:10].ljust(10), edi[10:].ljust(10), kind, "Y"
    return (_optional_digits(transfer.customer_code1, 10, p + "customer_code1", problems),
            _optional_digits(transfer.customer_code2, 10, p + "customer_code2", problems), kind, " ")


def build_file(header: ZenginHeader, transfers: Sequence[ZenginTransfer], line_ending: LineEnding = "crlf") -> bytes:
    """The 総合振込 file: header, one data record per transfer, trailer, end; CRLF after each record
    (``"crlf"``) or none (``"none"``). Raises :class:`Invalid` listing every problem
    (``transfers[3].account_number``, ...)."""
    problems: list[Problem] = []
    if line_ending not in ("crlf", "none"):
        problems.append(Problem("purchasing.error.zengin_code", "line_ending", {"allowed": "crlf, none"}))
    if not transfers:
        problems.append(Problem("error.required", "transfers"))
    records = [_header_record(header, problems)]
    records += [_data_record(i, t, problems) for i, t in enumerate(transfers)]
    total = sum(t.amount for t in transfers if isinstance(t.amount, int))
    if len(transfers) > MAX_COUNT:
        problems.append(Problem("purchasing.error.zengin_count", "transfers", {"max": MAX_COUNT}))
    if total > MAX_TOTAL:
        problems.append(Problem("purchasing.error.zengin_total", "transfers", {"max": MAX_TOTAL}))
    if problems:
        raise Invalid(problems=problems)
    records.append(_record(["8", f"{len(transfers):06d}", f"{total:012d}", " " * 101]))
    records.append(_record(["9", " " * 119]))
    separator = "\r\n" if line_ending == "crlf" else ""
    return "".join(record + separator for record in records).encode("cp932")


# --- reading a file back ---------------------------------------------------------------------------


def _split_records(data: bytes) -> list[bytes]:
    if b"\r" in data or b"\n" in data:
        lines = data.split(b"\r\n")
        if lines and lines[-1] == b"":
            lines.pop()
        return lines
    return [data[i: i + RECORD_LENGTH] for i in range(0, len(data), RECORD_LENGTH)]


def _fields(record: str, layout: tuple[tuple[str, int], ...]) -> dict[str, str]:
    values: dict[str, str] = {}
    position = 0
    for name, width in layout:
        values[name] = record[position: position + width]
        position += width
    return values


def _file_problem(line: int, field: str, what: str) -> Problem:
    return Problem("purchasing.error.zengin_file", field, {"what": what}, line=line)


def parse_file(data: bytes, *, year: int) -> tuple[ZenginHeader, list[ZenginTransfer], ZenginTrailer]:
    """Read a 総合振込 file (with or without CRLF) back into its header, transfers and trailer.

    The file carries 取組日 as MMDD only, so the caller names the ``year`` of the transfer date.
    Raises :class:`Invalid` (one problem per defect, with the 1-based record number as ``line``) on a
    record of the wrong length or kind, a non-digit numeric field, or a trailer that does not add up.
    """
    problems: list[Problem] = []
    raw = _split_records(data)
    records: list[str] = []
    for number, chunk in enumerate(raw, start=1):
        if len(chunk) != RECORD_LENGTH:
            problems.append(_file_problem(number, "record", f"length {len(chunk)}"))
            continue
        try:
            text = chunk.decode("cp932")
        except UnicodeDecodeError:
            problems.append(_file_problem(number, "record", "not Shift_JIS"))
            continue
        if len(text) != RECORD_LENGTH or any(ch not in ALLOWED_CHARACTERS for ch in text):
            problems.append(_file_problem(number, "record", "characters outside the 全銀 set"))
            continue
        records.append(text)
    if problems:
        raise Invalid(problems=problems)
    kinds = "".join(record[0] for record in records)
    if not re.fullmatch(r"12+89", kinds):
        raise Invalid(problems=[_file_problem(0, "records", f"record kinds {kinds!r}, expected 1 2.. 8 9")])

    def digits(line: int, values: dict[str, str], name: str) -> str:
        value = values[name]
        if not (value.isascii() and value.isdigit()):
            problems.append(_file_problem(line, name, "not digits"))
        return value

    def optional_digits(line: int, values: dict[str, str], name: str) -> str:
        return "" if values[name].strip(" 0") == "" else digits(line, values, name)

    h = _fields(records[0], HEADER_LAYOUT)
    if h["kind_code"] not in KINDS:
        problems.append(_file_problem(1, "kind_code", h["kind_code"]))
    if h["code_kind"] != CODE_JIS:
        problems.append(_file_problem(1, "code_kind", h["code_kind"]))
    mmdd = digits(1, h, "transfer_date")
    transfer_date = dt.date(year, 1, 1)
    if mmdd.isdigit():
        try:
            transfer_date = dt.date(year, int(mmdd[:2]), int(mmdd[2:]))
        except ValueError:
            problems.append(_file_problem(1, "transfer_date", mmdd))
    header = ZenginHeader(
        requester_code=digits(1, h, "requester_code"), requester_name=h["requester_name"].rstrip(),
        transfer_date=transfer_date, bank_code=digits(1, h, "bank_code"), bank_name=h["bank_name"].rstrip(),
        branch_code=digits(1, h, "branch_code"), branch_name=h["branch_name"].rstrip(),
        account_type=digits(1, h, "account_type"), account_number=digits(1, h, "account_number"),
        kind=h["kind_code"],
    )
    transfers: list[ZenginTransfer] = []
    for line, record in enumerate(records[1:-2], start=2):
        d = _fields(record, DATA_LAYOUT)
        if d["clearing_house"] not in ("    ", "0000"):
            problems.append(_file_problem(line, "clearing_house", d["clearing_house"]))
        edi = ""
        if d["identification"] == "Y":
            edi = (d["customer_code1"] + d["customer_code2"]).rstrip()
        elif d["identification"] != " ":
            problems.append(_file_problem(line, "identification", d["identification"]))
        amount = digits(line, d, "amount")
        transfers.append(ZenginTransfer(
            bank_code=digits(line, d, "bank_code"), bank_name=d["bank_name"].rstrip(),
            branch_code=digits(line, d, "branch_code"), branch_name=d["branch_name"].rstrip(),
            account_type=digits(line, d, "account_type"), account_number=digits(line, d, "account_number"),
            recipient_name=d["recipient_name"].rstrip(), amount=int(amount) if amount.isdigit() else 0,
            new_code=digits(line, d, "new_code"),
            customer_code1="" if edi else optional_digits(line, d, "customer_code1"),
            customer_code2="" if edi else optional_digits(line, d, "customer_code2"),
            transfer_kind=digits(line, d, "transfer_kind"), edi=edi,
        ))
    trailer_line = len(records) - 1
    t = _fields(records[-2], TRAILER_LAYOUT)
    count, total = digits(trailer_line, t, "count"), digits(trailer_line, t, "total")
    trailer = ZenginTrailer(int(count) if count.isdigit() else -1, int(total) if total.isdigit() else -1)
    if trailer.count != len(transfers):
        problems.append(_file_problem(trailer_line, "count", f"{trailer.count} != {len(transfers)}"))
    if trailer.total != sum(x.amount for x in transfers):
        problems.append(_file_problem(trailer_line, "total", f"{trailer.total} != {sum(x.amount for x in transfers)}"))
    for record_number, record in enumerate(records, start=1):
        if record[0] in "189" and record[{"1": 103, "8": 19, "9": 1}[record[0]]:].strip():
            problems.append(_file_problem(record_number, "dummy", "not blank"))
    if problems:
        raise Invalid(problems=problems)
    return header, transfers, trailer
