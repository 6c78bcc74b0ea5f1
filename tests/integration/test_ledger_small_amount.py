"""少額特例 on manual journal entries (issue 11 item 7), on SQLite and PostgreSQL.

平成28年改正法附則53条の2: a company whose 基準期間 taxable sales were ¥100,000,000 or less may credit in full a
purchase under ¥10,000 税込 made from 2023-10-01 to 2029-09-30 without a qualified invoice. On a journal entry
the 税区分 課税仕入10%(少額特例) records that basis; figures computed by hand in the comments.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from sqlalchemy import text

from ennoshita.actor import Actor
from ennoshita.db import Database
from ennoshita.errors import Invalid
from ennoshita.identity import company as company_service
from ennoshita.ledger import services
from ennoshita.ledger.ctax_base import tax_base
from ennoshita.ledger.posting import small_amount_problems
from ennoshita.ledger.rules import EntryDraft, LineDraft
from ennoshita.ledger.yayoi import tax_to_yayoi

ACCOUNTANT = Actor(user_id=None, name="経理 花子", roles=frozenset({"accounting"}), via="cli")
DAY = dt.date(2026, 11, 10)


def _entry(day: dt.date, amount: int, category: str = "purchase_10_small") -> EntryDraft:
    return EntryDraft(day, "文具 町の文具店 (登録なし)", "町の文具店", (
        LineDraft("消耗品費", amount, 0, category), LineDraft("現金", 0, amount)))


def _books(db: Database, enabled: bool, base_period: str) -> None:
    company_service.update_company(db.uow(), Actor.system(), {
        "name": "テスト株式会社", "fiscal_year_start_month": 4, "tax_accounting": "exclusive", "tax_rounding": "floor",
        "small_amount_exception": enabled, "base_period_taxable_sales": base_period})


def _input_tax(db: Database) -> int:
    with db.uow() as uow:
        return int(uow.session.execute(text(
            "SELECT COALESCE(SUM(jl.debit - jl.credit), 0) FROM journal_lines jl JOIN accounts a "
            "ON a.id = jl.account_id WHERE a.code = '1460'")).scalar_one())


def test_a_small_purchase_without_invoice_is_credited_in_full_on_a_journal_entry(db: Database) -> None:
    """Failed before: there was no such category, so a manual entry could only take the 経過措置 share (70%)."""
    _books(db, True, "80,000,000")
    # 9,900 税込 on 2026-11-10: tax 9,900 x 10/110 = 900 credited in full (経過措置 would give 900 x 0.7 = 630)
    posted = services.post_entry(db.uow(), ACCOUNTANT, _entry(DAY, 9_900))
    assert posted.entry_no
    assert _input_tax(db) == 900
    with db.uow() as uow:
        rows = uow.session.execute(text(
            "SELECT a.code, jl.tax_category, jl.debit FROM journal_lines jl JOIN accounts a ON a.id = jl.account_id "
            "WHERE jl.debit > 0 ORDER BY a.code")).all()
    # the basis stays on the lines: 消耗品費 9,000 and 仮払消費税 900, both 課税仕入10%(少額特例)
    assert [(r[0], r[1], int(r[2])) for r in rows] == [("1460", "purchase_10_small:common", 900),
                                                       ("6270", "purchase_10_small:common", 9_000)]
    # the tax summary counts it as a fully creditable 10% purchase: 9,900 税込 at share 1, 仮払 900
    with db.uow() as uow:
        base = tax_base(uow.session, dt.date(2026, 4, 1), dt.date(2027, 3, 31))
    assert base.purchases_gross == {(10, Fraction(1)): 9_900} and base.input_tax_booked == {10: 900}
    assert tax_to_yayoi("purchase_10_small", DAY) == "課対仕入込10%適格"
    # a reversal carries the category and nets to zero
    services.reverse_entry(db.uow(), ACCOUNTANT, posted.id)
    assert _input_tax(db) == 0


def test_the_small_amount_category_is_refused_when_the_conditions_do_not_hold(db: Database) -> None:
    _books(db, True, "80,000,000")
    # ¥10,000 税込 is not under ¥10,000
    with pytest.raises(Invalid) as limit:
        services.post_entry(db.uow(), ACCOUNTANT, _entry(DAY, 10_000))
    assert [(p.key, p.field) for p in limit.value.problems] == [
        ("ledger.error.small_amount_limit", "lines[0].tax_category")]
    # after 2029-09-30 the exception has ended (the rule itself: the books cannot take 2029 entries yet) and it
    # began with the invoice system on 2023-10-01
    assert [p.key for p in small_amount_problems(_entry(dt.date(2029, 10, 1), 5_500), True)] == [
        "ledger.error.small_amount_period"]
    assert [p.key for p in small_amount_problems(_entry(dt.date(2023, 9, 30), 5_500), True)] == [
        "ledger.error.small_amount_period"]
    assert small_amount_problems(_entry(dt.date(2029, 9, 30), 5_500), True) == []
    # a company whose 基準期間 taxable sales exceed ¥100,000,000 does not qualify (nor one without the setting)
    _books(db, True, "100,000,001")
    with pytest.raises(Invalid) as company:
        services.post_entry(db.uow(), ACCOUNTANT, _entry(DAY, 5_500))
    assert [p.key for p in company.value.problems] == ["ledger.error.small_amount_company"]
    _books(db, False, "80,000,000")
    with pytest.raises(Invalid):
        services.save_draft(db.uow(), ACCOUNTANT, _entry(DAY, 5_500))
    assert _input_tax(db) == 0
