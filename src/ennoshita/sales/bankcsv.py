"""Bank statement CSV: the deposits (入金) of a downloaded statement, for payment matching.

Two layouts are read:

``generic`` — our documented UTF-8 layout, one deposit per row::

    date,payer_kana,amount,description
    2026-11-24,ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ,"110,000",11月分

  ``date`` as 2026-11-24, 2026/11/24 or 和暦 R8.11.24; ``amount`` a positive number of yen (commas
  allowed); ``description`` optional.

``japanese`` — the statement most Japanese internet banking services export: a header row with a
  date column (日付 / 取引日 / お取引日 …), 摘要 (for a transfer, 振込 + the 振込依頼人名 in カナ),
  入金額, and usually 出金額 and 残高. Lines before the header (account number, period) are skipped.
  Only rows with 入金額 > 0 become deposits; withdrawals are counted and left out.

The bytes may be UTF-8 (with or without BOM) or Shift_JIS (cp932): a BOM means UTF-8, otherwise
UTF-8 is tried and cp932 used when that fails. An unknown header raises
``Invalid("sales.error.bank_csv_layout")`` naming the header seen; a bad row becomes a
:class:`~ennoshita.errors.Problem` with its line number, and every bad row is reported, not only
the first.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from ennoshita import textfiles
from ennoshita.dates import wareki_date
from ennoshita.errors import Invalid, Problem
from ennoshita.money import yen_in_range

HEADER_SCAN_ROWS = 10
MAX_PROBLEMS = 1000  # a file with more bad rows reports the first thousand


class BankCsvLayout(enum.StrEnum):
    GENERIC = "generic"
    JAPANESE = "japanese"


@dataclass(frozen=True)
class BankDeposit:
    line: int  # line number in the file (1-based), for messages
    date: dt.date
    payer_kana: str  # 振込依頼人名: NFKC-normalised, the 振込 marker removed
    amount: int
    description: str  # the 摘要 as the bank wrote it
    balance: int | None = None


@dataclass(frozen=True)
class BankCsvResult:
    layout: BankCsvLayout
    encoding: str
    header: tuple[str, ...]
    deposits: tuple[BankDeposit, ...]
    problems: tuple[Problem, ...]
    skipped_rows: int  # withdrawals and rows without a deposit


# Column names as banks spell them, after NFKC, without spaces or a "(円)" unit.
_JP_COLUMNS: dict[str, tuple[str, ...]] = {
    "date": ("日付", "取引日", "お取引日", "取扱日", "お取扱日", "年月日", "取引日付", "お取引日付",
             "入出金日", "勘定日", "日時", "取引日時"),
    "description": ("摘要", "摘要内容", "お取引内容", "取引内容", "内容", "振込依頼人名", "お振込人名",
                    "依頼人名", "取引区分・摘要"),
    "deposit": ("入金額", "入金金額", "入金", "お預入金額", "お預入れ金額", "預入金額", "お預り金額",
                "預り金額", "お預け入れ金額"),
    "withdrawal": ("出金額", "出金金額", "出金", "お引出金額", "お引出し金額", "引出金額", "お支払金額",
                   "支払金額", "お引き出し金額"),
    "balance": ("残高", "差引残高", "残高金額", "お取引後残高", "現在残高"),
}
_JP_REQUIRED = ("date", "description", "deposit")
_GENERIC_COLUMNS = ("date", "payer_kana", "amount", "description")

_UNIT = re.compile(r"[(\[].*?[)\]]")
_ISO = re.compile(r"^(\d{4})[/\-.年](\d{1,2})[/\-.月](\d{1,2})日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_WAREKI = re.compile(r"^(令和|平成|昭和|[RHS])\s*(\d{1,2}|元)[/\-.年](\d{1,2})[/\-.月](\d{1,2})日?$")
_ERA_BASE = {"令和": 2018, "R": 2018, "平成": 1988, "H": 1988, "昭和": 1925, "S": 1925}
_TRANSFER_MARK = re.compile(
    r"^(?:振込入金|振込み|振込|フリコミニユウキン|フリコミニュウキン|フリコミ|振替|フリカエ)\s*"
)
_REQUESTER_CODE = re.compile(r"^\d{10}\s+")


def decode_bank_csv(data: bytes) -> tuple[str, str]:
    """``(text, encoding)``: the shared detection of :mod:`ennoshita.textfiles` (BOM, UTF-8, cp932), and its
    whole-file error, as every import says it."""
    return textfiles.decode(data)


def parse_bank_date(text: str) -> dt.date | None:
    """A statement date: 2026/11/24, 2026-11-24, 20261124, 2026年11月24日, R8.11.24, 令和8年11月24日."""
    value = unicodedata.normalize("NFKC", text).strip().upper()
    try:
        if match := _ISO.match(value) or _COMPACT.match(value):
            return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        if match := _WAREKI.match(value):
            era, year, month, day = match.groups()
            number = 1 if year == "元" else int(year)
            return wareki_date(era, number, int(month), int(day))
    except ValueError:
        return None
    return None


def parse_yen(text: str) -> int | None:
    """Whole yen from ``1,234`` / ``¥1,234`` / ``1234円`` (full-width too); None when the cell is empty.

    Raises ValueError for anything else (decimals, letters).
    """
    value = unicodedata.normalize("NFKC", text).strip()
    value = value.replace(",", "").replace("¥", "").replace("\\", "").replace("円", "").replace(" ", "")
    if value in ("", "-", "―", "—"):
        return None
    sign = 1
    if value.startswith(("-", "−", "▲", "△")):
        sign, value = -1, value[1:]
    if not value.isascii() or not value.isdigit() or len(value) > 15 or not yen_in_range(int(value)):
        raise ValueError(text)  # beyond ¥999,999,999,999 is no statement amount
    return sign * int(value)


def payer_from_description(description: str) -> str:
    """The 振込依頼人名 in a 摘要: NFKC, without the leading 振込/フリコミ and a 10-digit 依頼人コード."""
    value = unicodedata.normalize("NFKC", description).strip()
    value = _TRANSFER_MARK.sub("", value)
    value = _REQUESTER_CODE.sub("", value)
    return " ".join(value.split())


def _header_name(cell: str) -> str:
    value = unicodedata.normalize("NFKC", cell).strip().lstrip("\ufeff")
    return _UNIT.sub("", value).replace(" ", "").replace("　", "")


def _japanese_columns(row: list[str]) -> dict[str, int] | None:
    names = [_header_name(cell) for cell in row]
    found: dict[str, int] = {}
    for role, spellings in _JP_COLUMNS.items():
        for index, name in enumerate(names):
            if name in spellings:
                found[role] = index
                break
    return found if all(role in found for role in _JP_REQUIRED) else None


def _generic_columns(row: list[str]) -> dict[str, int] | None:
    names = [_header_name(cell).lower() for cell in row]
    if names[:3] != list(_GENERIC_COLUMNS[:3]):
        return None
    return {name: names.index(name) for name in _GENERIC_COLUMNS if name in names}


def _cell(row: list[str], index: int | None) -> str:
    if index is None or index >= len(row):
        return ""
    return row[index].strip()


def parse_bank_csv(data: bytes | str) -> BankCsvResult:
    """Deposits of a bank statement CSV, with every row problem collected.

    Raises :class:`Invalid` (``sales.error.bank_csv_layout``, parameter ``header``) when no known
    header is found in the first rows, and ``textfiles.undecodable`` (``import.error.encoding``) for undecodable bytes.
    """
    if isinstance(data, bytes):
        text, encoding = decode_bank_csv(data)
    else:
        text, encoding = data.lstrip("\ufeff"), "text"
    reader = BankCsvReader(io.StringIO(text, newline=""), encoding)
    deposits = tuple(reader.deposits(max_problems=None))
    return BankCsvResult(reader.layout, encoding, reader.header, deposits, tuple(reader.problems), reader.skipped)


def open_bank_csv(stream: IO[bytes] | io.RawIOBase, max_rows: int | None = None) -> BankCsvReader:
    """A streaming reader over an uploaded file (a spooled temporary file): memory does not grow with it."""
    text = textfiles.open_text(stream)  # textfiles.undecodable when neither UTF-8 nor cp932
    return BankCsvReader(text, text.encoding, max_rows)


class BankCsvReader:
    """The header is found on construction; :meth:`deposits` then yields each good deposit as it reads, and
    collects ``problems`` (bad rows, with their line) and ``skipped`` (withdrawals) on the way."""

    def __init__(self, text: IO[str], encoding: str, max_rows: int | None = None) -> None:
        self.encoding = encoding
        self.max_rows = max_rows
        self.problems: list[Problem] = []
        self.skipped = 0
        self.rows = 0  # data rows read (blank rows not counted)
        self._reader = csv.reader(text)
        layout: BankCsvLayout | None = None
        columns: dict[str, int] = {}
        header: list[str] = []
        first_seen: list[str] | None = None
        scanned = 0
        for row in textfiles.rows(self._reader, self.problems.append):
            if not any(cell.strip() for cell in row):
                continue
            if first_seen is None:
                first_seen = row
            scanned += 1
            if (found := _generic_columns(row)) is not None:
                layout, columns, header = BankCsvLayout.GENERIC, found, row
                break
            if (found := _japanese_columns(row)) is not None:
                layout, columns, header = BankCsvLayout.JAPANESE, found, row
                break
            if scanned >= HEADER_SCAN_ROWS:
                break
        if layout is None:
            seen = ",".join(cell.strip().lstrip("\ufeff") for cell in first_seen or [])
            raise Invalid("sales.error.bank_csv_layout", field="file", header=seen)
        self.layout = layout
        self.columns = columns
        self.header = tuple(cell.strip().lstrip("\ufeff") for cell in header)
        self.names = {role: header[index].strip().lstrip("\ufeff") for role, index in columns.items()}

    def deposits(self, max_problems: int | None = MAX_PROBLEMS) -> Iterator[BankDeposit]:
        """The good deposits, in file order. Reading stops after ``max_problems`` problems (the first ones are
        what a person fixes first) and, with ``max_rows``, raises 422 once the file has more data rows."""
        layout, columns, names, problems = self.layout, self.columns, self.names, self.problems
        amount_role = "amount" if layout is BankCsvLayout.GENERIC else "deposit"
        payer_role = "payer_kana" if layout is BankCsvLayout.GENERIC else "description"
        needed = max(columns[role] for role in ("date", amount_role, payer_role)) + 1
        reader = self._reader
        for row in textfiles.rows(reader, problems.append):
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            self.rows += 1
            if self.max_rows is not None and self.rows > self.max_rows:
                raise Invalid("upload.error.too_many_rows", field="file", max=f"{self.max_rows:,}")
            if max_problems is not None and len(problems) >= max_problems:
                continue  # count the rows (the cap above), keep no more problems
            if len(row) < needed:
                problems.append(Problem("sales.error.bank_csv_columns", None, {"expected": needed,
                                                                                "found": len(row)}, line))
                continue
            row_problems: list[Problem] = []
            amount_text = _cell(row, columns[amount_role])
            try:
                amount = parse_yen(amount_text)
            except ValueError:
                amount = -1  # reported below
            if layout is BankCsvLayout.JAPANESE and (amount is None or amount == 0):
                self.skipped += 1  # a withdrawal (出金) or an information row without 入金額
                continue
            if amount is None or amount <= 0:
                row_problems.append(Problem("sales.error.bank_csv_amount", names[amount_role],
                                            {"value": amount_text}, line))
            balance: int | None = None
            if "balance" in columns:
                try:
                    balance = parse_yen(_cell(row, columns["balance"]))
                except ValueError:
                    row_problems.append(Problem("sales.error.bank_csv_amount", names["balance"],
                                                {"value": _cell(row, columns["balance"])}, line))
            date = parse_bank_date(_cell(row, columns["date"]))
            if date is None:
                row_problems.append(Problem("sales.error.bank_csv_date", names["date"],
                                            {"value": _cell(row, columns["date"])}, line))
            raw = _cell(row, columns[payer_role])
            payer = payer_from_description(raw)
            if not payer:
                row_problems.append(Problem("sales.error.bank_csv_payer", names[payer_role], {}, line))
            if row_problems:
                problems.extend(row_problems)
                continue
            assert date is not None and amount is not None
            description = _cell(row, columns.get("description")) if layout is BankCsvLayout.GENERIC else raw
            yield BankDeposit(line, date, payer, amount, description, balance)
