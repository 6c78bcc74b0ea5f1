"""経費精算 rules: plain Python, no database.

Lines and their amounts
  * ``receipt`` (領収書): the amount paid, tax included, with the payee and the receipt image;
  * ``transport`` (公共交通機関の運賃): the fare, doubled for a round trip (往復); no receipt needed;
  * ``mileage`` (自家用車の走行距離): distance x the rate per km, rounded down to the yen (切り捨て).

Tax category (税区分) of a line, under the インボイス制度
  * a receipt at 10% / 8% whose payee's 登録番号 is shown is a qualified invoice: 課税仕入10% / 8%(軽減);
    without a 登録番号 the input tax is deductible only in part (経過措置: the ledger applies the dated share),
    so the line is posted as 課税仕入(経過措置);
  * a fare or a mileage allowance paid to an employee for business travel is deductible on the books alone
    (帳簿のみ保存の特例: 公共交通機関特例 and 出張旅費等特例, 消費税法施行令第49条第1項, 施行規則第15条の4;
    国税庁「インボイス制度に関するQ&A」問109, 問110): 課税仕入10% without a 登録番号;
  * 非課税 (e.g. 印紙, 切手 at the post office) and 対象外 (e.g. 慶弔見舞金) carry no tax.

Line kinds and credit basis (``credit_basis``, kept on the line and shown on the claim)
  * a fare is ``domestic`` (国内交通: 課税仕入10%, 出張旅費等特例) or ``international`` (国際交通: 国際線 and other
    international transport are 免税 (消費税法7条1項3号): no input tax, posted 対象外);
  * a receipt without a 登録番号 still gets full credit when it needs no qualified invoice
    (:mod:`ennoshita.purchasing.credit_basis`): ``public_transport`` or ``vending_machine`` under ¥30,000,
    ``admission_ticket`` collected by the machine (消費税法施行令49条1項, 規則15条の4); or, for a company that
    chose the 少額特例 (平成28年改正法附則53条の2), any purchase under ¥10,000 税込 to 2029-09-30
    (``small_amount``); otherwise the 経過措置 share (``transitional``).

Posting (on the last approval): one entry per expense date, each expense line on its account with its tax
category (the ledger splits the tax under 税抜経理) against 未払金 with the employee as 補助科目; the payment
run later posts 未払金 / 普通預金.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from ennoshita.errors import Invalid, Problem
from ennoshita.ledger import EntryDraft, LineDraft, chart
from ennoshita.ledger.taxes import PURPOSE_CODES, with_purpose
from ennoshita.purchasing import credit_basis
from ennoshita.registration import normalize_registration_number

KINDS = ("receipt", "transport", "mileage")
TRANSPORT_SCOPES = ("domestic", "international")
TAX_RATES = ("10", "8", "0", "none")
# Accounts an employee may charge (勘定科目), in the order the form offers them.
EXPENSE_ACCOUNTS: tuple[str, ...] = (
    chart.CODE_TRAVEL,  # 旅費交通費
    chart.CODE_MEETING,  # 会議費
    chart.CODE_ENTERTAINMENT,  # 交際費
    chart.CODE_SUPPLIES,  # 消耗品費
    "6280",  # 事務用品費
    chart.CODE_COMMUNICATION,  # 通信費
    "6320",  # 新聞図書費
    "6490",  # 雑費
)
DEFAULT_RATE_PER_KM = Decimal("20")
MAX_LINE_AMOUNT = 10_000_000
MAX_LINES = 100
EMPLOYEE_SUB_PREFIX = "EMP"


@dataclass(frozen=True)
class LineInput:
    kind: str
    expense_date: dt.date | None
    amount: int | None = None  # receipt: paid amount; transport: the one-way fare
    payee: str = ""
    account_code: str = ""
    tax_rate: str = "10"
    registration_number: str = ""
    purpose: str = ""
    route_from: str = ""
    route_to: str = ""
    round_trip: bool = False
    distance_km: Decimal | None = None
    rate_per_km: Decimal | None = None
    has_receipt: bool = False
    transport_scope: str = "domestic"  # transport: domestic (国内交通) / international (国際交通, 免税)
    no_invoice_reason: str = ""  # receipt: public_transport / vending_machine / admission_ticket
    tax_purpose: str = ""  # 用途区分 (taxable / non_taxable / common); "": the company's default when posted


@dataclass(frozen=True)
class CheckedLine:
    kind: str
    expense_date: dt.date
    amount: int
    payee: str
    account_code: str
    tax_rate: str
    tax_category: str
    registration_number: str | None
    purpose: str
    route_from: str
    route_to: str
    round_trip: bool
    distance_km: Decimal | None
    rate_per_km: Decimal | None
    credit_basis: str = ""
    tax_purpose: str | None = None  # 用途区分 of a 課税仕入 line (None: the company's default)


def employee_sub_code(user_id: int) -> str:
    """The employee's 補助科目 code under 未払金."""
    return f"{EMPLOYEE_SUB_PREFIX}{user_id:05d}"


def tax_category(kind: str, tax_rate: str, registered: bool) -> str:
    """The ledger's 税区分 of a line (see the module text for the rule)."""
    if tax_rate == "0":
        return "purchase_exempt"
    if tax_rate == "none":
        return "out_of_scope"
    if kind in ("transport", "mileage"):
        return "purchase_10"
    if tax_rate == "8":
        return "purchase_8r" if registered else "purchase_8r_transitional"
    return "purchase_10" if registered else "purchase_10_transitional"


def credit_of(kind: str, tax_rate: str, registered: bool, amount: int, day: dt.date, scope: str = "domestic",
              reason: str = "", small_amount: bool = False) -> tuple[str, str]:
    """(税区分, credit basis) of a line: the basis says why no qualified invoice is needed, or none."""
    if kind == "transport" and scope == "international":
        return "out_of_scope", "international"
    category = tax_category(kind, tax_rate, registered)
    if not category.endswith("_transitional"):
        basis = {"transport": "business_travel", "mileage": "business_travel"}.get(kind, "")
        return category, basis if tax_rate in ("10", "8") else ""
    full = category.removesuffix("_transitional")
    if reason and credit_basis.no_invoice_reason_ok(reason, amount):
        return full, reason
    if credit_basis.small_amount_applies(small_amount, day, amount):
        return full, "small_amount"
    return category, "transitional"


def mileage_amount(distance_km: Decimal, rate_per_km: Decimal) -> int:
    """走行距離 x 単価, rounded down to the yen."""
    return int((distance_km * rate_per_km).to_integral_value(rounding="ROUND_FLOOR"))


def _decimal(value: Decimal | None, field: str, problems: list[Problem], places: int) -> Decimal | None:
    if value is None:
        problems.append(Problem("error.required", field))
        return None
    if not value.is_finite() or value <= 0:
        problems.append(Problem("expenses.error.positive", field))
        return None
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int) or -exponent > places:
        problems.append(Problem("expenses.error.decimals", field, {"places": places}))
        return None
    return value


def check_line(line: LineInput, index: int, today: dt.date, small_amount: bool = False
               ) -> tuple[CheckedLine | None, list[Problem]]:
    """One line as it will be kept, or every problem with it (fields named ``lines[i].…``). ``small_amount``:
    the company qualifies for the 少額特例."""
    where = f"lines[{index}]"
    problems: list[Problem] = []
    if line.kind not in KINDS:
        return None, [Problem("expenses.error.kind", f"{where}.kind", {"kind": line.kind})]
    if line.kind == "transport" and line.transport_scope not in TRANSPORT_SCOPES:
        problems.append(Problem("expenses.error.transport_scope", f"{where}.transport_scope"))
    reason = line.no_invoice_reason.strip() if line.kind == "receipt" else ""
    if reason and reason not in credit_basis.NO_INVOICE_REASONS:
        problems.append(Problem("expenses.error.no_invoice_reason", f"{where}.no_invoice_reason"))
    if line.tax_purpose and line.tax_purpose not in PURPOSE_CODES:
        problems.append(Problem("ledger.error.ctax_purpose", f"{where}.tax_purpose", {"value": line.tax_purpose}))
    if line.expense_date is None:
        problems.append(Problem("error.required", f"{where}.expense_date"))
    elif line.expense_date > today:
        problems.append(Problem("expenses.error.future_date", f"{where}.expense_date",
                                {"date": line.expense_date}))
    account = line.account_code or (chart.CODE_TRAVEL if line.kind != "receipt" else "")
    if not account:
        problems.append(Problem("error.required", f"{where}.account_code"))
    elif account not in EXPENSE_ACCOUNTS:
        problems.append(Problem("expenses.error.account", f"{where}.account_code", {"account": account}))
    tax_rate = line.tax_rate if line.kind == "receipt" else "10"
    if tax_rate not in TAX_RATES:
        problems.append(Problem("expenses.error.tax_rate", f"{where}.tax_rate", {"rate": line.tax_rate}))
    registration: str | None = None
    if line.registration_number.strip() and line.kind == "receipt":
        try:
            registration = normalize_registration_number(line.registration_number,
                                                          field=f"{where}.registration_number")
        except Invalid as e:
            problems.extend(e.problems)
    amount = 0
    distance = rate = None
    if line.kind == "mileage":
        distance = _decimal(line.distance_km, f"{where}.distance_km", problems, 1)
        rate = _decimal(line.rate_per_km if line.rate_per_km is not None else DEFAULT_RATE_PER_KM,
                        f"{where}.rate_per_km", problems, 2)
        if distance is not None and rate is not None:
            amount = mileage_amount(distance, rate)
            if amount <= 0:
                problems.append(Problem("expenses.error.positive", f"{where}.distance_km"))
    else:
        if line.amount is None:
            problems.append(Problem("error.required", f"{where}.amount"))
        elif line.amount <= 0:
            problems.append(Problem("expenses.error.positive", f"{where}.amount"))
        else:
            amount = line.amount * (2 if line.kind == "transport" and line.round_trip else 1)
    if amount > MAX_LINE_AMOUNT:
        problems.append(Problem("expenses.error.too_large", f"{where}.amount", {"max": MAX_LINE_AMOUNT}))
    if line.kind == "receipt" and not line.payee.strip():
        problems.append(Problem("error.required", f"{where}.payee"))
    if line.kind != "receipt" and not (line.route_from.strip() and line.route_to.strip()):
        problems.append(Problem("expenses.error.route", f"{where}.route_from"))
    if reason in credit_basis.NO_INVOICE_REASONS and amount and not credit_basis.no_invoice_reason_ok(reason, amount):
        problems.append(Problem("expenses.error.no_invoice_limit", f"{where}.no_invoice_reason",
                                {"limit": credit_basis.NO_INVOICE_REASONS[reason]}))
    if not line.purpose.strip():
        problems.append(Problem("error.required", f"{where}.purpose"))
    if problems or line.expense_date is None:
        return None, problems
    payee = line.payee.strip() or ("" if line.kind == "receipt" else "公共交通機関" if line.kind == "transport"
                                   else "自家用車")
    category, basis = credit_of(line.kind, tax_rate, registration is not None, amount, line.expense_date,
                                line.transport_scope, reason, small_amount)
    return CheckedLine(line.kind, line.expense_date, amount, payee[:200], account, tax_rate, category, registration,
                       line.purpose.strip(), line.route_from.strip()[:100], line.route_to.strip()[:100],
                       line.kind == "transport" and line.round_trip, distance, rate, basis,
                       line.tax_purpose or None), []


def check_lines(lines: Sequence[LineInput], today: dt.date, small_amount: bool = False
                ) -> tuple[list[CheckedLine], list[Problem]]:
    problems: list[Problem] = []
    if not lines:
        problems.append(Problem("expenses.error.no_lines", "lines"))
    if len(lines) > MAX_LINES:
        problems.append(Problem("expenses.error.too_many_lines", "lines", {"max": MAX_LINES}))
    checked: list[CheckedLine] = []
    for i, line in enumerate(lines):
        ok, found = check_line(line, i, today, small_amount)
        problems += found
        if ok is not None:
            checked.append(ok)
    return checked, problems


def receipts_missing(lines: Sequence[tuple[str, bool]]) -> list[Problem]:
    """A receipt line must carry its receipt image (電子帳簿保存法: the scan or photo is the record)."""
    return [Problem("expenses.error.receipt_missing", f"lines[{i}].receipt")
            for i, (kind, has_receipt) in enumerate(lines) if kind == "receipt" and not has_receipt]


def posting_drafts(number: str, employee_name: str, sub_code: str, lines: Sequence[CheckedLine]
                   ) -> list[EntryDraft]:
    """One entry per expense date: each line on its account (tax included, the ledger splits the tax) against
    未払金 for the employee."""
    by_date: dict[dt.date, list[CheckedLine]] = defaultdict(list)
    for line in lines:
        by_date[line.expense_date].append(line)
    drafts = []
    for day in sorted(by_date):
        items = by_date[day]
        out = [LineDraft(line.account_code, line.amount, 0, with_purpose(line.tax_category, line.tax_purpose), None,
                         None, f"{number} {line.payee} {line.purpose}"[:200]) for line in items]
        out.append(LineDraft(chart.CODE_ACCRUED, 0, sum(line.amount for line in items), None, sub_code, None,
                             f"{number} {employee_name}"))
        drafts.append(EntryDraft(day, f"経費精算 {number} {employee_name}", employee_name, tuple(out)))
    return drafts
