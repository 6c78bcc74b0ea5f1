"""The 弥生会計 仕訳日記帳 import/export format, and the hledger journal writer.

弥生's format is a Shift_JIS (cp932) CSV without a header, 25 columns per row:

 1 識別フラグ  2 伝票No  3 決算  4 取引日付  5 借方勘定科目  6 借方補助科目  7 借方部門  8 借方税区分
 9 借方金額  10 借方税金額  11 貸方勘定科目  12 貸方補助科目  13 貸方部門  14 貸方税区分  15 貸方金額
 16 貸方税金額  17 摘要  18 番号  19 期日  20 タイプ  21 生成元  22 仕訳メモ  23 付箋1  24 付箋2  25 調整

識別フラグ: 2000 a one-line voucher (2111 is accepted as the same on import); a multi-line voucher is 2110
(first line), 2100 (middle lines), 2101 (last line). Amounts are tax-inclusive; 借方税金額/貸方税金額 are the
tax the source system computed and are kept as given (blank: computed by the company's rule). Dates are
西暦 (2026/04/01) or 和暦 (R07/4/1, H31/4/30). A side whose account is blank (or 諸口) is no posting.

Parsing streams: :func:`parse_yayoi` yields one :class:`ParsedVoucher` (or the list of problems of one
voucher, each with its 1-based line number) at a time.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import IO, Any, NamedTuple, cast

from ennoshita import textfiles
from ennoshita.dates import wareki_date
from ennoshita.errors import Invalid, Problem
from ennoshita.ledger.taxes import (
    PURPOSE_COMMON,
    PURPOSE_NON_TAXABLE,
    PURPOSE_TAXABLE,
    business_type_of,
    split_purpose,
    transitional_deduction_ratio,
    with_business_type,
)
from ennoshita.money import MAX_YEN
from ennoshita.security import cells

COLUMNS = 25
SINGLE = ("2000", "2111")
FIRST, MIDDLE, LAST = "2110", "2100", "2101"
INVOICE_ERA = dt.date(2023, 10, 1)


class ParsedLine(NamedTuple):
    """One posting side of a voucher (a named tuple: an import creates millions of them)."""

    line: int
    account: str
    sub_account: str | None
    department: str | None
    tax_category: str | None
    debit: int
    credit: int
    tax_amount: int | None
    memo: str
    split: bool = True  # the amount is tax-inclusive and may be split under 税抜経理
    row: int | None = None  # the 弥生 row (within its voucher) this side was on


class ParsedVoucher(NamedTuple):
    line: int
    date: dt.date
    description: str
    counterparty: str
    ref: str | None
    lines: tuple[ParsedLine, ...]


# ---------------------------------------------------------------- 税区分

_TO_OURS = {
    "課税売上込10%": "sales_10",
    "課税売上込軽減8%": "sales_8r",
    "非課売上": "sales_exempt",
    "輸出売上": "sales_export",
    "課対仕入込10%": "purchase_10",
    "課対仕入込軽減8%": "purchase_8r",
    "課対仕入込10%適格": "purchase_10",
    "課対仕入込軽減8%適格": "purchase_8r",
    "非課仕入": "purchase_exempt",
    "対象外": "out_of_scope",
    "不課税": "out_of_scope",
}
# The names 弥生 writes and the variants other systems write in 弥生's format (freee: 課対仕入内10%適格,
# 課対仕入込10%控不, 課税売上内10%, 課対仕入内8%(軽)): kind, 込/内 (tax-inclusive), rate, then 適格 /
# 区分NN% (経過措置) / 控不 (控除不可: no credit at all). 外 (tax-exclusive amounts) is not accepted.
# 用途区分 (個別対応方式) is the 仕入 kind's first two characters: 課対 課税売上対応, 非対 非課税売上対応, 共対 共通対応
# (弥生会計 and freee name them so: 課対仕入, 非対仕入, 共対仕入 and their 込/内 rate variants).
_GRAMMAR = re.compile(r"^(課税売上|課対仕入|非対仕入|共対仕入|非課売上|非課仕入|輸出売上)(?:込|内)?"
                      r"(10%|軽減8%|8%軽減|8%\(軽\)|8%（軽）)?(適格|区分(\d+)%|控不|控除不可|控\d+|[一二三四五六])?$")
_KIND = {"非課売上": "sales_exempt", "非課仕入": "purchase_exempt", "輸出売上": "sales_export"}
# 簡易課税の事業区分 on a 売上 name: the type's kanji numeral at the end (課税売上込10%一 … 課税売上込軽減8%六,
# 輸出売上一 …). Sources (checked 2026-12): 弥生's support FAQ says each 売上 carries its 簡易課税事業区分 第一種〜
# 第六種, the company setting being the default (https://support.yayoi-kk.co.jp/faq_Subcontents.html?page_id=28361),
# and names the undetermined one 「課税売上簡易売上不明10%」 (page_id=17942); a 弥生会計04 user's question and its
# answer show the type as a trailing kanji numeral: 「売上5%一から売上5%五まであります」「売上5%三が第三種事業」
# (https://d3vj4k4n1zwj.cloudfront.net/qa/q2479081.html). The exact current CSV spelling (課税売上込10%一) was not
# read from a 弥生 document; an unknown suffix is refused, so a different spelling fails loudly on import.
_TYPE_KANJI = "一二三四五六"
_PURPOSE_OF = {"課対仕入": PURPOSE_TAXABLE, "非対仕入": PURPOSE_NON_TAXABLE, "共対仕入": PURPOSE_COMMON}
_PREFIX_OF = {v: k for k, v in _PURPOSE_OF.items()}


@lru_cache(maxsize=1024)
def tax_from_yayoi(text: str) -> str | None:
    """Our category code for a 弥生 税区分 name; '' -> None; raises KeyError when unknown."""
    text = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
    if not text:
        return None
    if text in _TO_OURS:
        return _tag(_TO_OURS[text], "課対仕入" if text.startswith("課対仕入") else "")
    m = _GRAMMAR.match(text)
    if m is None:
        raise KeyError(text)
    kind, rate, suffix = m.group(1), m.group(2), m.group(3) or ""
    typed = len(suffix) == 1 and suffix in _TYPE_KANJI
    if typed and kind not in ("課税売上", "輸出売上"):
        raise KeyError(text)
    if kind in _KIND:
        if suffix and (not typed or kind != "輸出売上"):
            raise KeyError(text)
        return with_business_type(_KIND[kind], _TYPE_KANJI.index(suffix) + 1 if typed else None)
    if rate is None:
        raise KeyError(text)
    reduced = rate != "10%"
    if kind == "課税売上":
        if suffix and not typed:
            raise KeyError(text)
        btype = _TYPE_KANJI.index(suffix) + 1 if typed else None
        return with_business_type("sales_8r" if reduced else "sales_10", btype)
    if suffix in ("控不", "控除不可"):
        return "out_of_scope"  # a purchase with no input-tax credit: its whole amount stays in the cost
    if suffix.startswith("区分") or suffix.startswith("控"):
        return _tag("purchase_8r_transitional" if reduced else "purchase_10_transitional", kind)
    return _tag("purchase_8r" if reduced else "purchase_10", kind)


def _tag(code: str, kind: str) -> str:
    purpose = _PURPOSE_OF.get(kind)
    return f"{code}:{purpose}" if purpose else code


def tax_to_yayoi(category: str | None, day: dt.date) -> str:
    """弥生's name for our category on a transaction date (invoice-era purchases carry 適格 / 区分NN%)."""
    if category is None:
        return ""
    base, purpose = split_purpose(category)
    name = _untagged_to_yayoi(base or "", day)
    btype = business_type_of(category)
    if btype:
        return name + _TYPE_KANJI[btype - 1]
    if purpose and name.startswith("課対仕入"):
        return _PREFIX_OF[purpose] + name[len("課対仕入"):]
    return name


def _untagged_to_yayoi(category: str, day: dt.date) -> str:
    era = day >= INVOICE_ERA
    if category in ("purchase_10", "purchase_10_small"):  # 少額特例: a fully creditable purchase for 弥生
        return "課対仕入込10%適格" if era else "課対仕入込10%"
    if category in ("purchase_8r", "purchase_8r_small"):
        return "課対仕入込軽減8%適格" if era else "課対仕入込軽減8%"
    if category in ("purchase_10_transitional", "purchase_8r_transitional"):
        base = "課対仕入込10%" if category == "purchase_10_transitional" else "課対仕入込軽減8%"
        if not era:
            return base  # before the invoice system: an ordinary, fully deductible 課税仕入れ
        ratio = transitional_deduction_ratio(day)
        if ratio == 0:
            return "対象外"  # after 2031-09-30 nothing is deductible (freee: 税区分としては対象外)
        return f"{base}区分{int(ratio * 100)}%"
    for name, code in _TO_OURS.items():
        if code == category and name not in ("不課税",):
            return name
    return "対象外"


# ---------------------------------------------------------------- dates and amounts

_ERA_START = {"R": 2018, "H": 1988, "S": 1925}
_WAREKI = re.compile(r"^([RHS])(\d{1,2})[./](\d{1,2})[./](\d{1,2})$")
_SEIREKI = re.compile(r"^(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})$")


@lru_cache(maxsize=4096)
def parse_date(text: str) -> dt.date:
    text = text.strip().upper()
    m = _SEIREKI.match(text)
    if m:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _WAREKI.match(text)
    if m:
        return wareki_date(m.group(1), int(m.group(2)), int(m.group(3)), int(m.group(4)))
    raise ValueError(text)


def _amount(text: str) -> int:
    text = text.strip().replace(",", "")
    if not text:
        return 0
    digits = text[1:] if text[0] == "-" else text  # -?\d{1,15}: isdecimal() is exactly \d (Unicode Nd)
    if not (len(digits) <= 15 and digits.isdecimal()):
        raise ValueError(text)
    value = int(text)
    if not -MAX_YEN <= value <= MAX_YEN:  # money.yen_in_range, inlined: an import calls this a million times
        raise ValueError(text)  # beyond ¥999,999,999,999 (the bound of every yen amount)
    return value


# ---------------------------------------------------------------- parsing


def _reader(stream: IO[bytes] | Iterable[str]) -> Any:
    if hasattr(stream, "read"):  # cp932 as 弥生 writes it, or UTF-8 (with BOM: Excel's "CSV UTF-8")
        return csv.reader(textfiles.open_text(cast(IO[bytes], stream)))
    return csv.reader(stream)


def _side(row: list[str], offset: int, line: int, problems: list[Problem], memo: str, debit: bool,
          row_no: int) -> ParsedLine | None:
    account = row[offset].strip()
    if not account or account == "諸口":
        return None
    side = "debit" if debit else "credit"  # the column: 借方税区分 / 貸方税区分, 借方金額 / 貸方金額
    try:
        category = tax_from_yayoi(row[offset + 3])
    except KeyError:
        problems.append(Problem("ledger.error.yayoi_tax", f"{side}_tax_category", {"value": row[offset + 3]}, line))
        category = None
    amount_text = row[offset + 4]
    tax_text = row[offset + 5]
    try:
        amount = _amount(amount_text)
        tax_text = tax_text.strip()
        tax: int | None = _amount(tax_text) if tax_text else None
    except ValueError as exc:
        problems.append(Problem("ledger.error.bad_amount", f"{side}_amount", {"value": str(exc)}, line))
        return None
    if amount <= 0:
        problems.append(Problem("ledger.error.bad_amount", f"{side}_amount", {"value": amount_text}, line))
        return None
    return ParsedLine(line, account, row[offset + 1].strip() or None, row[offset + 2].strip() or None, category,
                      amount if debit else 0, 0 if debit else amount, tax, memo, True, row_no)


def parse_yayoi(stream: IO[bytes] | Iterable[str]) -> Iterator[ParsedVoucher | list[Problem]]:
    """Vouchers of a 弥生 file, one at a time; a voucher with problems yields the list of its problems."""
    for item in voucher_rows(stream):
        yield item if isinstance(item[0], Problem) else voucher(item)


# The rows of one voucher: (1-based line number, the row's cells), in file order
VoucherRows = list[tuple[int, list[str]]]


def voucher_rows(stream: IO[bytes] | Iterable[str]) -> Iterator[VoucherRows | list[Problem]]:
    """The rows of a 弥生 file grouped by voucher (識別フラグ), one voucher at a time, or the problems of a row
    that belongs to no voucher (a stray flag, too few columns, undecodable bytes). :func:`voucher` parses a
    group; the import's fast path (``ledger.importer``) reads the same groups."""
    group: VoucherRows = []
    try:
        reader = _reader(stream)
    except Invalid as exc:  # the whole file's encoding cannot be read (textfiles.undecodable): no line
        yield exc.problems
        return
    undecodable: list[Problem] = []
    for row in textfiles.rows(reader, undecodable.append):
        line = reader.line_num
        if len(row) < 17:
            if not row or all(not c.strip() for c in row):
                continue
            yield [Problem("ledger.error.yayoi_columns", "row", {"count": len(row)}, line)]
            continue
        flag = row[0].strip()
        if not flag and all(not c.strip() for c in row):
            continue
        if flag in SINGLE:
            if group:
                yield [Problem("ledger.error.yayoi_flag", "flag", {"flag": flag}, group[0][0])]
                group = []
            yield [(line, row)]
        elif flag == FIRST:
            if group:
                yield [Problem("ledger.error.yayoi_flag", "flag", {"flag": FIRST}, group[0][0])]
            group = [(line, row)]
        elif flag in (MIDDLE, LAST):
            if not group:
                yield [Problem("ledger.error.yayoi_flag", "flag", {"flag": flag}, line)]
                continue
            group.append((line, row))
            if flag == LAST:
                yield group
                group = []
        else:
            yield [Problem("ledger.error.yayoi_flag", "flag", {"flag": flag}, line)]
    if undecodable:
        yield undecodable
        return
    if group:
        yield [Problem("ledger.error.yayoi_flag", "flag", {"flag": group[-1][1][0]}, group[0][0])]


def voucher(rows: VoucherRows) -> ParsedVoucher | list[Problem]:
    """One voucher from its rows (:func:`voucher_rows`), or its problems."""
    problems: list[Problem] = []
    first_line, first = rows[0]
    try:
        day = parse_date(first[3])
    except ValueError:
        return [Problem("ledger.error.bad_date", "date", {"value": first[3]}, first_line)]
    lines: list[ParsedLine] = []
    row_no = 0
    for line, row in rows:
        row_no += 1
        memo = row[16].strip()
        side = _side(row, 4, line, problems, memo, True, row_no)
        if side is not None:
            lines.append(side)
        side = _side(row, 10, line, problems, memo, False, row_no)
        if side is not None:
            lines.append(side)
    if problems:
        return problems
    if not lines:
        return [Problem("ledger.error.too_few_lines", "row", {}, first_line)]
    return ParsedVoucher(first_line, day, first[16].strip(), "", first[1].strip() or None, tuple(lines))


# ---------------------------------------------------------------- writing


@dataclass(frozen=True)
class ExportRow:
    """One 弥生 row: a debit side, a credit side (either may be empty), the 摘要."""

    debit: ParsedLine | None
    credit: ParsedLine | None
    memo: str


def rows_of(voucher: ParsedVoucher) -> list[ExportRow]:
    """Pair a voucher's lines back into 弥生 rows: a debit followed by a credit with the same memo share a row."""
    out: list[ExportRow] = []
    lines = list(voucher.lines)
    if lines and all(x.row is not None for x in lines):
        by_row: dict[int, list[ParsedLine]] = {}
        for x in lines:
            by_row.setdefault(x.row or 0, []).append(x)
        for group in by_row.values():
            debit = next((x for x in group if x.debit), None)
            credit = next((x for x in group if x.credit), None)
            out.append(ExportRow(debit, credit, group[0].memo))
        return out
    i = 0
    while i < len(lines):
        cur = lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if cur.debit and nxt is not None and nxt.credit and nxt.memo == cur.memo:
            out.append(ExportRow(cur, nxt, cur.memo))
            i += 2
        elif cur.debit:
            out.append(ExportRow(cur, None, cur.memo))
            i += 1
        else:
            out.append(ExportRow(None, cur, cur.memo))
            i += 1
    return out


def _side_cells(side: ParsedLine | None, day: dt.date) -> list[str]:
    if side is None:
        return ["", "", "", "", "", ""]
    amount = side.debit or side.credit
    tax = "" if side.tax_amount is None else str(side.tax_amount)
    return [side.account, side.sub_account or "", side.department or "", tax_to_yayoi(side.tax_category, day),
            str(amount), tax]


def write_yayoi(vouchers: Iterable[ParsedVoucher]) -> Iterator[bytes]:
    """cp932 CRLF rows, one voucher at a time (streaming)."""
    buf = io.StringIO()
    writer = cells.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    for v in vouchers:
        rows = rows_of(v)
        for i, row in enumerate(rows):
            if len(rows) == 1:
                flag = "2000"
            else:
                flag = FIRST if i == 0 else (LAST if i == len(rows) - 1 else MIDDLE)
            writer.writerow([flag, v.ref or "", "", f"{v.date:%Y/%m/%d}", *_side_cells(row.debit, v.date),
                             *_side_cells(row.credit, v.date), row.memo, "", "", "0", "", "", "0", "0", "no"])
        yield buf.getvalue().encode("cp932", errors="replace")
        buf.seek(0)
        buf.truncate()


def _hl_account(name: str, sub: str | None) -> str:
    clean = re.sub(r"\s{2,}|[;\t]", " ", name).strip()
    if sub:
        clean += ":" + re.sub(r"\s{2,}|[;\t]", " ", sub).strip()
    return clean


def write_hledger(vouchers: Iterable[ParsedVoucher]) -> Iterator[str]:
    """An hledger (and ledger-cli) journal: integer JPY amounts, one transaction per voucher."""
    yield "; exported by ennoshita (amounts in whole yen)\n\n"
    for v in vouchers:
        head = f"{v.date:%Y-%m-%d} * ({v.ref or ''}) {v.description or '-'}".rstrip()
        parts = [head.replace("\n", " ")]
        for line in v.lines:
            amount = line.debit - line.credit
            parts.append(f"    {_hl_account(line.account, line.sub_account)}  {amount} JPY")
        yield "\n".join(parts) + "\n\n"


def vouchers_from_rows(rows: Iterable[Any], names: dict[int, str], subs: dict[int, str], deps: dict[int, str],
                       tax_accounts: frozenset[int] = frozenset()) -> Iterator[ParsedVoucher]:
    """Group posted (entry, line) rows, ordered by entry, into vouchers, merging each 仮受/仮払消費税 line into
    the line it was split from (same side, same category) so the amounts are tax-inclusive again."""
    from ennoshita.ledger.rules import entry_number

    current: int | None = None
    head: Any = None
    lines: list[ParsedLine] = []

    def emit() -> ParsedVoucher:
        if getattr(head, "source", None) == "import_yayoi" and head.source_ref:
            ref = head.source_ref  # the 伝票No of the imported file, so that an export gives the file back
        else:
            ref = entry_number(head.fiscal_year, head.number) if head.number else None
        return ParsedVoucher(0, head.entry_date, head.description, head.counterparty, ref, tuple(lines))

    for r in rows:
        if r.id != current:
            if current is not None:
                yield emit()
            current, head, lines = r.id, r, []
        if r.account_id in tax_accounts and lines and r.tax_category and lines[-1].tax_category == r.tax_category \
                and bool(lines[-1].debit) == bool(r.debit) and lines[-1].tax_amount is None:
            prev = lines[-1]
            tax = r.debit or r.credit
            lines[-1] = ParsedLine(prev.line, prev.account, prev.sub_account, prev.department, prev.tax_category,
                                   prev.debit + r.debit, prev.credit + r.credit, tax, prev.memo, row=prev.row)
            continue
        lines.append(ParsedLine(0, names[r.account_id], subs.get(r.sub_account_id) if r.sub_account_id else None,
                                deps.get(r.department_id) if r.department_id else None, r.tax_category, r.debit,
                                r.credit, None, r.memo, row=getattr(r, "source_row", None)))
    if current is not None:
        yield emit()
