"""The 消費税 return's inputs from the books (:class:`ennoshita.ledger.ctax_rules.TaxBase`): the maintained totals
per month, 税区分 and account, and the 経過措置 share of a purchase from a supplier not registered (deductible by
its month: :func:`ennoshita.ledger.taxes.transitional_deduction_ratio`), a 取消 counting at its original's share."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from ennoshita.dates import end_of_month
from ennoshita.ledger import chart
from ennoshita.ledger.ctax_rules import TaxBase
from ennoshita.ledger.models import Account, JournalEntry, JournalLine, TaxBalance
from ennoshita.ledger.posting import period_of
from ennoshita.ledger.taxes import (
    CATEGORIES,
    PURPOSE_NON_TAXABLE,
    PURPOSE_TAXABLE,
    transitional_deduction_ratio,
)


def tax_base(session: Session, date_from: dt.date, date_to: dt.date) -> TaxBase:
    """The return's inputs from the maintained totals per month, 税区分 and account (no line scan)."""
    tax_ids = set(session.scalars(select(Account.id).where(
        Account.code.in_((chart.CODE_INPUT_TAX, chart.CODE_OUTPUT_TAX)))))
    base = TaxBase()
    sales: dict[int, int] = defaultdict(int)
    sales_tax: dict[int, int] = defaultdict(int)
    purchases: dict[tuple[int, Fraction], int] = defaultdict(int)
    input_tax: dict[int, int] = defaultdict(int)
    by_purpose: dict[str, dict[tuple[int, Fraction], int]] = defaultdict(lambda: defaultdict(int))
    tax_by_purpose: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    by_type: dict[tuple[int, int], int] = defaultdict(int)
    for period, code, account_id, debit, credit in session.execute(
            select(TaxBalance.period, TaxBalance.tax_category, TaxBalance.account_id, TaxBalance.debit,
                   TaxBalance.credit)
            .where(TaxBalance.period >= period_of(date_from), TaxBalance.period <= period_of(date_to))):
        cat = CATEGORIES.get(code)
        if cat is None:
            continue
        rate = int(cat.rate * 100)
        is_tax = account_id in tax_ids
        if cat.direction == "sales":
            amount = int(credit) - int(debit)
            if cat.ratio_class == "zero_rated":
                base.export_sales += amount
            elif cat.ratio_class == "non_taxable":
                base.non_taxable_sales += amount
            elif cat.taxable:
                sales[rate] += amount
                if is_tax:
                    sales_tax[rate] += amount
            if cat.takes_business_type and not is_tax:
                by_type[(cat.business_type, rate)] += amount
        elif cat.direction == "purchase" and cat.taxable:
            amount = int(debit) - int(credit)
            day = dt.date(period // 100, period % 100, 1)
            share = transitional_deduction_ratio(day) if cat.transitional else Fraction(1)
            purchases[(rate, share)] += amount
            if cat.purpose in (PURPOSE_TAXABLE, PURPOSE_NON_TAXABLE):
                by_purpose[cat.purpose][(rate, share)] += amount
            if is_tax:
                input_tax[rate] += amount
                if cat.purpose in (PURPOSE_TAXABLE, PURPOSE_NON_TAXABLE):
                    tax_by_purpose[cat.purpose][rate] += amount
    _reversals_at_the_original_share(session, date_from, date_to, purchases, by_purpose)
    base.sales_gross, base.sales_tax_booked = dict(sales), dict(sales_tax)
    base.purchases_gross, base.input_tax_booked = dict(purchases), dict(input_tax)
    base.purchases_by_purpose = {k: dict(v) for k, v in by_purpose.items()}
    base.input_tax_by_purpose = {k: dict(v) for k, v in tax_by_purpose.items()}
    base.sales_by_type = {k: v for k, v in by_type.items() if v}
    return base


# The source of purchasing's 請求基準 month-end accrual (purchasing.recognition.ACCRUAL_SOURCE, which the ledger
# does not import): its reversal hands the purchase over to the bill (see _reversals_at_the_original_share)
HANDED_OVER_SOURCE = "purchasing_accrual"


def _reversals_at_the_original_share(session: Session, date_from: dt.date, date_to: dt.date,
                                     purchases: dict[tuple[int, Fraction], int],
                                     by_purpose: dict[str, dict[tuple[int, Fraction], int]]) -> None:
    """A 取消 (a reversing entry, ``reverses_id``) of a 経過措置 purchase takes back what the purchase counted: its
    share is the one of the purchase's own date, not of the reversal's month. The maintained totals key the share
    by the month a line is posted in, so a purchase of September 2026 (80%) cancelled in October (70%) would leave
    10% of it on the return; this moves each such reversal line to its original's share. Reversals are few and
    read through their entries' index, so the return still scans no purchase lines.

    Not so the 翌月初戻し of the 請求基準 month-end accrual (purchasing, ``HANDED_OVER_SOURCE``): it cancels no
    purchase but hands it over to the bill posted after it, which counts in the reversal's month; the reversal
    stays at that month's share too, so the purchase counts once, at its accrual's (the receipt month's) share."""
    transitional = [code for code, cat in CATEGORIES.items() if cat.transitional and cat.direction == "purchase"]
    original = aliased(JournalEntry)
    first = dt.date(date_from.year, date_from.month, 1)
    last = end_of_month(date_to.year, date_to.month)
    rows = session.execute(
        select(JournalLine.entry_date, original.entry_date, JournalLine.tax_category, JournalLine.debit,
               JournalLine.credit)
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .join(original, original.id == JournalEntry.reverses_id)
        .where(JournalEntry.reverses_id.is_not(None), JournalEntry.status == "posted",
               JournalEntry.entry_date >= first, JournalEntry.entry_date <= last,
               JournalLine.tax_category.in_(transitional), original.source != HANDED_OVER_SOURCE))
    touched: set[tuple[int, Fraction]] = set()
    for day, original_day, code, debit, credit in rows:
        cat = CATEGORIES.get(code or "")
        if cat is None:
            continue
        posted_share = transitional_deduction_ratio(dt.date(day.year, day.month, 1))
        own_share = transitional_deduction_ratio(dt.date(original_day.year, original_day.month, 1))
        if posted_share == own_share:
            continue
        rate = int(cat.rate * 100)
        amount = int(debit) - int(credit)
        for counted in [purchases] + ([by_purpose[cat.purpose]] if cat.purpose in (PURPOSE_TAXABLE,
                                                                                   PURPOSE_NON_TAXABLE) else []):
            counted[(rate, posted_share)] -= amount
            counted[(rate, own_share)] += amount
        touched.update({(rate, posted_share), (rate, own_share)})
    for counted in [purchases, *by_purpose.values()]:
        for key in touched:
            if key in counted and counted[key] == 0:
                del counted[key]
