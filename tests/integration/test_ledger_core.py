"""The ledger's core on SQLite and PostgreSQL: posting, numbering, immutability, 訂正, locks, close, reports.

The books are written as a bookkeeper would read them, and the expected figures are computed by hand in
the comments.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from ennoshita.actor import Actor
from ennoshita.db import Database
from ennoshita.errors import Conflict, Forbidden, Invalid
from ennoshita.identity import company as company_service
from ennoshita.ledger import queries, services
from ennoshita.ledger.models import Account, JournalEntry
from ennoshita.ledger.rules import EntryDraft, LineDraft

ACCOUNTANT = Actor(user_id=None, name="経理 花子", roles=frozenset({"accounting"}), via="cli")


def L(account: str, debit: int = 0, credit: int = 0, tax: str | None = None, sub: str | None = None) -> LineDraft:  # noqa: N802
    return LineDraft(account_code=account, debit=debit, credit=credit, tax_category=tax, sub_account=sub,
                     department=None, memo="")


@pytest.fixture
def books(db: Database) -> Database:
    company_service.update_company(db.uow(), Actor.system(), {
        "name": "テスト株式会社", "fiscal_year_start_month": 4, "tax_accounting": "exclusive", "tax_rounding": "floor"})
    return db


def account_id(db: Database, name: str) -> int:
    with db.uow() as uow:
        return int(uow.session.scalar(select(Account.id).where(Account.name == name)))  # type: ignore[arg-type]


def test_posting_numbers_are_gapless_per_fiscal_year(books: Database) -> None:
    numbers = []
    for day in (dt.date(2026, 3, 31), dt.date(2026, 4, 1), dt.date(2026, 4, 2), dt.date(2027, 3, 31)):
        p = services.post_entry(books.uow(), ACCOUNTANT, EntryDraft(day, "現金売上", "", (
            L("現金", 1000), L("売上高", credit=1000))))
        numbers.append(p.entry_no)
    # 2026-03-31 belongs to fiscal year 2025 (April start); the others to 2026.
    assert numbers == ["JE-2025-000001", "JE-2026-000001", "JE-2026-000002", "JE-2026-000003"]


def test_an_unbalanced_entry_is_refused_and_nothing_is_written(books: Database) -> None:
    with pytest.raises(Invalid) as err:
        services.post_entry(books.uow(), ACCOUNTANT, EntryDraft(dt.date(2026, 5, 1), "不一致", "", (
            L("現金", 1000), L("売上高", credit=999))))
    assert err.value.problems
    with books.uow() as uow:
        assert uow.session.scalar(select(JournalEntry.id)) is None


def test_unknown_accounts_are_reported_not_created(books: Database) -> None:
    with pytest.raises(Invalid) as err:
        services.post_entry(books.uow(), ACCOUNTANT, EntryDraft(dt.date(2026, 5, 1), "x", "", (
            L("存在しない科目", 1000), L("売上高", credit=1000))))
    assert [p.key for p in err.value.problems] == ["ledger.error.unknown_account"]
    assert err.value.problems[0].field == "lines[0].account"


def test_tax_exclusive_bookkeeping_splits_tax_inclusive_lines(books: Database) -> None:
    # 11,000 incl. 10% sales -> 売上高 10,000 + 仮受消費税 1,000; 1,080 incl. 8% purchase -> 1,000 + 80.
    services.post_entry(books.uow(), ACCOUNTANT, EntryDraft(dt.date(2026, 5, 10), "売上", "A社", (
        L("普通預金", 11_000), L("売上高", credit=11_000, tax="sales_10"))))
    services.post_entry(books.uow(), ACCOUNTANT, EntryDraft(dt.date(2026, 5, 11), "弁当", "B店", (
        L("会議費", 1_080, tax="purchase_8r"), L("現金", credit=1_080))))
    with books.uow() as uow:
        tb = queries.trial_balance(uow.session, dt.date(2026, 5, 1), dt.date(2026, 5, 31), 4)
    by_name = {r.account_name: r for r in tb.rows}
    assert by_name["売上高"].credit == 10_000
    assert by_name["仮受消費税"].credit == 1_000
    assert by_name["会議費"].debit == 1_000
    assert by_name["仮払消費税"].debit == 80
    assert tb.balanced


def test_posted_entries_cannot_be_changed_by_the_service_or_behind_it(books: Database) -> None:
    p = services.post_entry(books.uow(), ACCOUNTANT, EntryDraft(dt.date(2026, 6, 1), "現金売上", "", (
        L("現金", 5000), L("売上高", credit=5000))))
    with pytest.raises(Conflict):
        services.save_draft(books.uow(), ACCOUNTANT, EntryDraft(dt.date(2026, 6, 1), "改ざん", "", (
            L("現金", 1), L("売上高", credit=1))), entry_id=p.id)
    for stmt in ("UPDATE journal_lines SET debit = 1 WHERE entry_id = :i",
                 "DELETE FROM journal_lines WHERE entry_id = :i",
                 "UPDATE journal_entries SET description = 'x' WHERE id = :i",
                 "DELETE FROM journal_entries WHERE id = :i"):
        with pytest.raises(DBAPIError, match="immutable"), books.engine.begin() as conn:
            conn.execute(text(stmt), {"i": p.id})


def test_correction_is_a_reversal_plus_the_corrected_entry(books: Database) -> None:
    p = services.post_entry(books.uow(), ACCOUNTANT, EntryDraft(dt.date(2026, 6, 5), "消耗品", "文具店", (
        L("消耗品費", 3000), L("現金", credit=3000))))
    corrected = EntryDraft(dt.date(2026, 6, 5), "消耗品", "文具店", (L("消耗品費", 3300), L("現金", credit=3300)))
    rev, new = services.correct_entry(books.uow(), ACCOUNTANT, p.id, corrected)
    with books.uow() as uow:
        s = uow.session
        assert s.get(JournalEntry, rev.id).reverses_id == p.id  # type: ignore[union-attr]
        assert s.get(JournalEntry, new.id).corrects_id == p.id  # type: ignore[union-attr]
        tb = queries.trial_balance(s, dt.date(2026, 6, 1), dt.date(2026, 6, 30), 4)
    expense = next(r for r in tb.rows if r.account_name == "消耗品費")
    # 3,000 posted, 3,000 reversed, 3,300 posted: balance 3,300, movements 6,300 / 3,000.
    assert (expense.debit, expense.credit, expense.closing) == (6_300, 3_000, 3_300)
    with pytest.raises(Conflict):
        services.reverse_entry(books.uow(), ACCOUNTANT, p.id)


def test_a_locked_month_refuses_posting_until_unlocked(books: Database) -> None:
    services.lock_month(books.uow(), ACCOUNTANT, "2026-07")
    draft = EntryDraft(dt.date(2026, 7, 15), "締め後", "", (L("現金", 100), L("売上高", credit=100)))
    with pytest.raises(Invalid) as err:
        services.post_entry(books.uow(), ACCOUNTANT, draft)
    assert err.value.problems[0].key == "ledger.error.period_locked"
    services.unlock_month(books.uow(), ACCOUNTANT, "2026-07", "訂正のため")
    assert services.post_entry(books.uow(), ACCOUNTANT, draft).entry_no == "JE-2026-000001"


def test_roles_other_than_accounting_cannot_post(books: Database) -> None:
    sales = Actor(user_id=None, name="営業事務", roles=frozenset({"sales_admin"}), via="web")
    with pytest.raises(Forbidden):
        services.post_entry(books.uow(), sales, EntryDraft(dt.date(2026, 6, 1), "x", "", (
            L("現金", 1), L("売上高", credit=1))))


def test_year_end_close_carries_net_income_to_retained_earnings(books: Database) -> None:
    # FY2026: sales 500,000, rent 200,000, salaries 100,000 -> net income 200,000.
    for day, lines in (
        (dt.date(2026, 4, 1), (L("普通預金", 1_000_000), L("資本金", credit=1_000_000))),
        (dt.date(2026, 5, 1), (L("普通預金", 500_000), L("売上高", credit=500_000))),
        (dt.date(2026, 6, 1), (L("地代家賃", 200_000), L("普通預金", credit=200_000))),
        (dt.date(2027, 3, 25), (L("給料手当", 100_000), L("普通預金", credit=100_000))),
    ):
        services.post_entry(books.uow(), ACCOUNTANT, EntryDraft(day, "取引", "", lines))
    with books.uow() as uow:
        pl = queries.income_statement(uow.session, dt.date(2026, 4, 1), dt.date(2027, 3, 31))
        bs_before = queries.balance_sheet(uow.session, dt.date(2027, 3, 31), 4)
    assert pl.figures["net_income"] == 200_000
    assert bs_before.figures["assets"] == bs_before.figures["liabilities_and_net_assets"] == 1_200_000
    result = services.close_year(books.uow(), ACCOUNTANT, 2026)
    assert result.net_income == 200_000
    with books.uow() as uow:
        s = uow.session
        pl_after = queries.income_statement(s, dt.date(2026, 4, 1), dt.date(2027, 3, 31))
        bs_next = queries.balance_sheet(s, dt.date(2027, 4, 30), 4)
        tb_next = queries.trial_balance(s, dt.date(2027, 4, 1), dt.date(2027, 4, 30), 4)
        assert queries.check_balances(s) == []
    assert pl_after.figures["net_income"] == 200_000  # the closed year's statement still shows it
    re_line = next(line for line in bs_next.lines if line.label == "繰越利益剰余金")
    assert re_line.amount == 200_000
    assert bs_next.figures["assets"] == bs_next.figures["liabilities_and_net_assets"] == 1_200_000
    opening = {r.account_name: r.opening for r in tb_next.rows}
    assert opening["繰越利益剰余金"] == -200_000  # credit balance, debit-positive
    assert "売上高" not in opening
    with pytest.raises(Invalid):
        services.post_entry(books.uow(), ACCOUNTANT, EntryDraft(dt.date(2027, 3, 31), "締め後", "", (
            L("現金", 1), L("売上高", credit=1))))


def test_general_ledger_running_balance_across_pages(books: Database) -> None:
    for i in range(1, 8):  # cash receipts of 1,000 x i on days 1..7
        services.post_entry(books.uow(), ACCOUNTANT, EntryDraft(dt.date(2026, 8, i), f"入金{i}", "", (
            L("現金", 1000 * i), L("売上高", credit=1000 * i))))
    cash = account_id(books, "現金")
    with books.uow() as uow:
        p1 = queries.general_ledger(uow.session, cash, dt.date(2026, 8, 1), dt.date(2026, 8, 31), 4, per_page=3)
        p3 = queries.general_ledger(uow.session, cash, dt.date(2026, 8, 1), dt.date(2026, 8, 31), 4, page=3, per_page=3)
    assert [line.balance for line in p1.lines] == [1000, 3000, 6000]
    # Page 3 holds the 7th line: 1+2+...+7 = 28 thousand.
    assert [line.balance for line in p3.lines] == [28_000]
    assert p1.total == 7 and p1.pages == 3


def test_search_combines_the_e_book_fields(books: Database) -> None:
    for day, cp, amount in ((dt.date(2026, 9, 1), "株式会社アルファ", 50_000),
                            (dt.date(2026, 9, 2), "株式会社ベータ", 50_000),
                            (dt.date(2026, 9, 3), "株式会社アルファ", 90_000)):
        services.post_entry(books.uow(), ACCOUNTANT, EntryDraft(day, "売上", cp, (
            L("売掛金", amount), L("売上高", credit=amount))))
    with books.uow() as uow:
        page = queries.search_entries(uow.session, queries.EntrySearch(
            date_from=dt.date(2026, 9, 1), date_to=dt.date(2026, 9, 30), amount_min=40_000, amount_max=60_000,
            counterparty="アルファ"))
    assert [(r.counterparty, r.total) for r in page.rows] == [("株式会社アルファ", 50_000)]
