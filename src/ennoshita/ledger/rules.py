"""Journal entry rules as pure functions: balancing, the 税抜経理 tax split, numbering, reversal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ennoshita.errors import Problem
from ennoshita.ledger.taxes import CATEGORIES, TRANSITIONAL_DEDUCTION, split_line
from ennoshita.money import MAX_YEN, Rounding, total_in_range, yen_in_range

TRANSITIONAL_START = TRANSITIONAL_DEDUCTION[0][0]  # 2023-10-01, the start of the invoice system


@dataclass(frozen=True)
class LineDraft:
    """One line as entered: an account (code or name), a debit or a credit in yen, and its attributes."""

    account_code: str
    debit: int
    credit: int
    tax_category: str | None = None
    sub_account: str | None = None
    department: str | None = None
    memo: str = ""


@dataclass(frozen=True)
class EntryDraft:
    date: dt.date
    description: str
    counterparty: str
    lines: tuple[LineDraft, ...]


def check_balanced(lines: Sequence[LineDraft], field: str = "lines") -> list[Problem]:
    """Every problem that keeps the lines from being a valid entry: each line one positive side, at least two
    lines, and debits equal to credits to the yen."""
    problems: list[Problem] = []
    if len(lines) < 2:
        problems.append(Problem("ledger.error.too_few_lines", field))
    for i, line in enumerate(lines):
        where = f"{field}[{i}]"
        if not isinstance(line.debit, int) or not isinstance(line.credit, int):
            problems.append(Problem("ledger.error.amount_not_integer", f"{where}.debit"))
            continue
        if not yen_in_range(line.debit) or not yen_in_range(line.credit):
            side = "debit" if not yen_in_range(line.debit) else "credit"
            problems.append(Problem("error.amount_range", f"{where}.{side}", {"max": f"{MAX_YEN:,}"}))
            continue
        if line.debit < 0 or line.credit < 0:  # beside the amount that is negative, not always the debit
            side = "debit" if line.debit < 0 else "credit"
            problems.append(Problem("ledger.error.negative_amount", f"{where}.{side}"))
        elif (line.debit > 0) == (line.credit > 0):
            problems.append(Problem("ledger.error.one_side", f"{where}.debit"))
        if line.tax_category and line.tax_category not in CATEGORIES:
            problems.append(Problem("ledger.error.tax_category", f"{where}.tax_category",
                                    {"category": line.tax_category}))
    debit = sum(line.debit for line in lines if yen_in_range(line.debit))
    credit = sum(line.credit for line in lines if yen_in_range(line.credit))
    if not total_in_range(debit) or not total_in_range(credit):
        problems.append(Problem("error.total_range", field))
    elif debit != credit:
        problems.append(Problem("ledger.error.unbalanced", field, {"debit": debit, "credit": credit,
                                                                   "difference": debit - credit}))
    return problems


def expand_tax(lines: Sequence[LineDraft], tax_accounting: str, rule: Rounding, output_tax_account: str,
               input_tax_account: str, day: dt.date | None = None,
               given: set[str] | None = None) -> list[LineDraft]:
    """Under 税抜経理, split each line with a taxable category (entered tax-inclusive) into its net amount and a
    仮受消費税 (sales) / 仮払消費税 (purchases) line on the same side, carrying the same category. Under 税込経理
    the lines are unchanged. The entry stays balanced: net + tax = the amount entered.

    This is the one split rule of every posting path. ``given``: for a document that computed its tax (a
    qualified invoice or a bill computes it once per rate), the categories whose 仮受/仮払消費税 line the
    document gives: those lines and the lines of those categories (and of their 事業区分 variants) are kept as
    they are; every other taxable line is split (a bank fee on a payment run, an expense line). ``None`` (an
    entry typed by a person, an import): every taxable line is split.

    A purchase from a supplier that is not a qualified-invoice issuer (経過措置 categories) puts only the
    deductible share of its tax in 仮払消費税 (80% / 70% / 50% / 30% by the transaction ``day``, from the dated
    table in :mod:`ennoshita.ledger.taxes`); the rest stays in the cost, as 国税庁's 消費税経理通達関係Q&A
    describes for the transitional period. Before the invoice system (and without a ``day``) the whole tax
    is deductible."""
    if tax_accounting != "exclusive":
        return list(lines)
    tax_accounts = {output_tax_account, input_tax_account} if given is not None else set()
    kept = given or set()
    out: list[LineDraft] = []
    for line in lines:
        cat = CATEGORIES.get(line.tax_category or "")
        # a 売上高 line tagged with its 事業区分 (sales_10:t2) shares the rate's one 仮受消費税 line (sales_10)
        if cat is None or line.tax_category in kept or (cat.business_type and cat.base in kept) \
                or line.account_code in tax_accounts:
            out.append(line)
            continue
        amount = line.debit or line.credit
        net, tax = split_line(amount, cat, day, rule)
        if tax == 0 or net <= 0:  # nothing to split (or a 1-yen amount rounded up entirely into tax)
            out.append(line)
            continue
        account = input_tax_account if cat.direction == "purchase" else output_tax_account
        if line.debit:
            out.append(replace(line, debit=net))
            out.append(LineDraft(account, tax, 0, line.tax_category, None, line.department, ""))
        else:
            out.append(replace(line, credit=net))
            out.append(LineDraft(account, 0, tax, line.tax_category, None, line.department, ""))
    return out


def entry_number(fiscal_year: int, seq: int) -> str:
    """Human entry number: ``JE-2026-000123`` (gapless per fiscal year)."""
    return f"JE-{fiscal_year}-{seq:06d}"


def reversal_of(lines: Sequence[LineDraft]) -> list[LineDraft]:
    """The lines of a reversing entry: debits and credits swapped."""
    return [replace(line, debit=line.credit, credit=line.debit) for line in lines]
