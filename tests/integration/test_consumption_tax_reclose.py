"""決算締めの解除 and the 消費税 settlement, on SQLite and PostgreSQL: a year closed, reopened, corrected and closed
again settles its 消費税 on the figures it closes with. The settlement posted by the first close is never edited: the
re-close takes it back with a 取消 (linked to it, dated like it) and posts the settlement of the current figures; a
year closed again without a change keeps its settlement as it stands. Figures by hand:

Company: fiscal year April-March, 税抜経理, 端数 floor.

Story 1 (no 中間申告), FY2026:
  課税売上10% 1,100,000 税込 -> 売上高 1,000,000 + 仮受消費税 100,000;
  課税仕入10% 330,000 税込 -> 仕入高 300,000 + 仮払消費税 30,000.
  Return: 課税標準額 1,000,000 x 7.8% = 78,000; 仕入税額 30,000 x 78/100 = 23,400 (積上げ); 差引 54,600;
  地方 54,600 x 22/78 = 15,400; 納付税額 70,000.
  First close: Dr 仮受 100,000 / Cr 仮払 30,000, Cr 未払消費税等 70,000 (100,000 - 30,000 - 70,000 = 0 left over).
  Reopened, a sale of 123,456 税込 on 2027-03-15: 仮受 123,456 x 10/110 = 11,223.2 -> 11,223, 売上高 112,233.
  Return: 課税売上 税込 1,223,456 x 100/110 = 1,112,232.7 -> 課税標準額 1,112,000 x 7.8% = 86,736; 差引 86,736 -
  23,400 = 63,336 -> 63,300; 地方 63,300 x 22/78 = 17,853.8 -> 17,800; 納付税額 81,100.
  Second close: Dr 仮受 111,223 / Cr 仮払 30,000, Cr 未払消費税等 81,100, Cr 雑収入 123 (111,223 - 30,000 - 81,100).
  Net income: 売上高 1,112,233 + 雑収入 123 - 仕入高 300,000 = 812,356.

Story 2 (中間納付), FY2025 closed with 課税売上10% 11,000,000 税込: 確定消費税額 10,000,000 x 7.8% = 780,000 (over
  480,000: one 六月中間申告 in FY2026, 780,000 x 6/12 = 390,000 国税 + 390,000 x 22/78 = 110,000 地方, 納期限
  2026-11-30); its 未払消費税等 780,000 + 220,000 = 1,000,000 paid 2026-05-31.
  FY2026: 課税売上10% 6,600,000 税込 -> 仮受 600,000; the 中間納付 500,000 paid 2026-11-30 (Dr 仮払税金).
  Return: 6,000,000 x 7.8% = 468,000; 地方 132,000; 納付 600,000 less 中間 500,000 = 100,000.
  First close: Dr 仮受 600,000 / Cr 仮払税金 500,000, Cr 未払消費税等 100,000.
  Reopened, a sale of 1,100,000 税込 on 2027-03-20 (仮受 100,000): 7,000,000 x 7.8% = 546,000; 地方 154,000;
  ⑪ 546,000 - 390,000 = 156,000; ㉑ 154,000 - 110,000 = 44,000; payable 200,000.
  Second close: Dr 仮受 700,000 / Cr 仮払税金 500,000, Cr 未払消費税等 200,000.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from ennoshita.actor import Actor
from ennoshita.db import Database
from ennoshita.identity import company as company_service
from ennoshita.ledger import consumption_tax, ctax_interim, ctax_settlement, queries, services
from ennoshita.ledger.models import Account, JournalEntry, JournalLine
from ennoshita.ledger.rules import EntryDraft, LineDraft
from tests.conftest import open_posting_years

ACCOUNTANT = Actor(user_id=None, name="経理 花子", roles=frozenset({"accounting"}), via="cli")
D = dt.date
FY2026_END = D(2027, 3, 31)
OUTPUT_TAX, INPUT_TAX, PREPAID_TAX, TAX_PAYABLE, RETAINED = "2220", "1460", "1455", "2180", "3220"


def L(account: str, debit: int = 0, credit: int = 0, tax: str | None = None) -> LineDraft:  # noqa: N802
    return LineDraft(account_code=account, debit=debit, credit=credit, tax_category=tax)


def _sale(db: Database, day: dt.date, gross: int) -> None:
    services.post_entry(db.uow(), ACCOUNTANT, EntryDraft(day, "売上", "", (
        L("売掛金", gross), L("売上高", credit=gross, tax="sales_10"))))


@pytest.fixture
def company(db: Database) -> Database:
    company_service.update_company(db.uow(), Actor.system(), {
        "name": "テスト株式会社", "fiscal_year_start_month": 4, "tax_accounting": "exclusive", "tax_rounding": "floor"})
    return db


def _balance(db: Database, code: str, until: dt.date = FY2026_END) -> int:
    """Debit-positive balance of an account from every posted line up to ``until`` (not the maintained totals)."""
    with db.uow() as uow:
        d, c = uow.session.execute(
            select(func.coalesce(func.sum(JournalLine.debit), 0), func.coalesce(func.sum(JournalLine.credit), 0))
            .join(Account, Account.id == JournalLine.account_id)
            .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
            .where(Account.code == code, JournalEntry.status == "posted", JournalEntry.entry_date <= until)).one()
        return int(d) - int(c)


def _settlements(db: Database, fiscal_year: int) -> list[tuple[int, int | None, dt.date, list[tuple[str, int, int]]]]:
    """Every settlement entry of the year (id, the entry it reverses, date, lines), in posting order."""
    with db.uow() as uow:
        s = uow.session
        entries = s.scalars(select(JournalEntry).where(
            JournalEntry.source == ctax_settlement.SETTLEMENT_SOURCE, JournalEntry.source_ref == str(fiscal_year))
            .order_by(JournalEntry.id)).all()
        return [(e.id, e.reverses_id, e.entry_date, [(code, int(d), int(c)) for code, d, c in s.execute(
            select(Account.code, JournalLine.debit, JournalLine.credit)
            .join(Account, Account.id == JournalLine.account_id)
            .where(JournalLine.entry_id == e.id).order_by(JournalLine.line_no))]) for e in entries]


def test_a_year_closed_again_after_a_sale_settles_its_tax_on_the_new_figures(company: Database) -> None:
    db = company
    _sale(db, D(2026, 5, 10), 1_100_000)
    services.post_entry(db.uow(), ACCOUNTANT, EntryDraft(D(2026, 6, 10), "仕入", "", (
        L("仕入高", 330_000, tax="purchase_10"), L("買掛金", credit=330_000))))
    first = services.close_year(db.uow(), ACCOUNTANT, 2026)
    assert first.net_income == 1_000_000 - 300_000
    assert (_balance(db, OUTPUT_TAX), _balance(db, INPUT_TAX), _balance(db, TAX_PAYABLE)) == (0, 0, -70_000)

    services.reopen_year(db.uow(), ACCOUNTANT, 2026, "売上の計上漏れ")
    # closed again without a change: the settlement stands as it is, nothing reversed
    services.close_year(db.uow(), ACCOUNTANT, 2026)
    assert [(rev, lines) for _id, rev, _day, lines in _settlements(db, 2026)] == [
        (None, [(OUTPUT_TAX, 100_000, 0), (INPUT_TAX, 0, 30_000), (TAX_PAYABLE, 0, 70_000)])]

    services.reopen_year(db.uow(), ACCOUNTANT, 2026, "売上の計上漏れ")
    _sale(db, D(2027, 3, 15), 123_456)
    assert _balance(db, OUTPUT_TAX) == -11_223  # the new sale's 仮受, not settled yet
    # the settlement the close would post now is the one of the current figures
    draft = ctax_settlement.propose_settlement(db.uow(), ACCOUNTANT, 2026)
    assert draft is not None and [(x.account_code, x.debit, x.credit) for x in draft.lines] == [
        (OUTPUT_TAX, 111_223, 0), (INPUT_TAX, 0, 30_000), (TAX_PAYABLE, 0, 81_100), ("7130", 0, 123)]
    second = services.close_year(db.uow(), ACCOUNTANT, 2026)
    assert second.net_income == 1_112_233 + 123 - 300_000

    with db.uow() as uow:
        r = consumption_tax.fiscal_year_return(uow.session, 2026)
    assert (r.taxable_base, r.output_tax, r.input_tax, r.national_due, r.local_due, r.payable_total) == (
        1_112_000, 86_736, 23_400, 63_300, 17_800, 81_100)
    # year end: 仮受/仮払 cleared, 未払消費税等 = the return's 納付税額, the year's profit carried once
    assert (_balance(db, OUTPUT_TAX), _balance(db, INPUT_TAX)) == (0, 0)
    assert _balance(db, TAX_PAYABLE) == -81_100
    # the first settlement stands as posted, taken back by a 取消 of the year's end; the new one replaces it
    (old_id, old_rev, old_day, old_lines), (rev_id, rev_of, rev_day, rev_lines), (new_id, new_rev, new_day, new_lines) \
        = _settlements(db, 2026)
    assert (old_rev, old_day, old_lines) == (
        None, FY2026_END, [(OUTPUT_TAX, 100_000, 0), (INPUT_TAX, 0, 30_000), (TAX_PAYABLE, 0, 70_000)])
    assert (rev_of, rev_day) == (old_id, FY2026_END)
    assert sorted(rev_lines) == sorted((code, c, d) for code, d, c in old_lines)  # post + reverse = nothing
    assert (new_rev, new_day, new_lines) == (None, FY2026_END, [
        (OUTPUT_TAX, 111_223, 0), (INPUT_TAX, 0, 30_000), (TAX_PAYABLE, 0, 81_100), ("7130", 0, 123)])
    assert new_id > rev_id
    assert ctax_settlement.propose_settlement(db.uow(), ACCOUNTANT, 2026) is None  # settled on these figures
    with db.uow() as uow:
        bs = queries.balance_sheet(uow.session, FY2026_END, 4)
        assert bs.figures["assets"] == bs.figures["liabilities_and_net_assets"]
        assert queries.check_balances(uow.session) == []
        assert queries.income_statement(uow.session, D(2026, 4, 1), FY2026_END).figures["net_income"] == 812_356
    assert _balance(db, RETAINED) == -812_356


def test_a_settlement_posted_before_more_entries_is_replaced_by_the_close(company: Database) -> None:
    db = company
    _sale(db, D(2026, 5, 10), 1_100_000)
    early = ctax_settlement.post_settlement(db.uow(), ACCOUNTANT, 2026)
    assert early is not None
    assert ctax_settlement.post_settlement(db.uow(), ACCOUNTANT, 2026) is None  # up to date: nothing to post
    # 課税標準額 1,100,000 -> 1,000,000 x 7.8% = 78,000, 地方 22,000: 未払 100,000 = 仮受 100,000
    assert _balance(db, TAX_PAYABLE) == -100_000
    _sale(db, D(2026, 12, 1), 220_000)  # 仮受 20,000; 1,200,000 x 7.8% = 93,600, 地方 26,400: 120,000
    services.close_year(db.uow(), ACCOUNTANT, 2026)
    assert (_balance(db, OUTPUT_TAX), _balance(db, TAX_PAYABLE)) == (0, -120_000)
    assert [(rev is not None) for _id, rev, _day, _lines in _settlements(db, 2026)] == [False, True, False]


def test_reclosing_keeps_deducting_the_interim_payment(company: Database) -> None:
    db = company
    open_posting_years(db, 2025)
    _sale(db, D(2025, 5, 10), 11_000_000)
    services.close_year(db.uow(), ACCOUNTANT, 2025)
    services.post_entry(db.uow(), ACCOUNTANT, EntryDraft(D(2026, 5, 31), "FY2025 消費税等 納付", "税務署", (
        L("未払消費税等", 1_000_000), L("普通預金", credit=1_000_000))))
    _sale(db, D(2026, 5, 10), 6_600_000)
    schedule = ctax_interim.interim_schedule(db.uow(), ACCOUNTANT, 2026)
    assert [(p.national, p.local, p.due) for p in schedule.periods] == [(390_000, 110_000, D(2026, 11, 30))]
    ctax_interim.pay_interim(db.uow(), ACCOUNTANT, 2026, 1)
    services.close_year(db.uow(), ACCOUNTANT, 2026)
    assert (_balance(db, OUTPUT_TAX), _balance(db, PREPAID_TAX), _balance(db, TAX_PAYABLE)) == (0, 0, -100_000)

    services.reopen_year(db.uow(), ACCOUNTANT, 2026, "売上の計上漏れ")
    _sale(db, D(2027, 3, 20), 1_100_000)
    services.close_year(db.uow(), ACCOUNTANT, 2026)
    with db.uow() as uow:
        r = consumption_tax.fiscal_year_return(uow.session, 2026)
    assert (r.national_due, r.local_due, r.interim_national, r.interim_local) == (546_000, 154_000, 390_000, 110_000)
    assert (r.national_payable, r.local_payable, r.payable_total) == (156_000, 44_000, 200_000)
    assert (_balance(db, OUTPUT_TAX), _balance(db, INPUT_TAX), _balance(db, PREPAID_TAX)) == (0, 0, 0)
    assert _balance(db, TAX_PAYABLE) == -200_000
    assert [lines for _id, rev, _day, lines in _settlements(db, 2026) if rev is None][-1] == [
        (OUTPUT_TAX, 700_000, 0), (PREPAID_TAX, 0, 500_000), (TAX_PAYABLE, 0, 200_000)]


def test_tax_inclusive_books_reclosed_book_the_new_tax_once(company: Database) -> None:
    """税込経理: no 仮受/仮払; the settlement books the tax due to 租税公課. 1,100,000 税込 -> 課税標準額
    1,000,000 x 7.8% = 78,000 + 地方 22,000 = 100,000; with 220,000 more, 1,200,000 x 7.8% = 93,600 + 26,400 =
    120,000. The re-close takes the 100,000 back and books 120,000: 租税公課 120,000 once, net income 1,320,000 -
    120,000 = 1,200,000."""
    db = company
    company_service.update_company(db.uow(), Actor.system(), {"tax_accounting": "inclusive"})
    _sale(db, D(2026, 5, 10), 1_100_000)
    assert services.close_year(db.uow(), ACCOUNTANT, 2026).net_income == 1_000_000
    assert _balance(db, TAX_PAYABLE) == -100_000
    services.reopen_year(db.uow(), ACCOUNTANT, 2026, "売上の計上漏れ")
    _sale(db, D(2027, 3, 1), 220_000)
    assert services.close_year(db.uow(), ACCOUNTANT, 2026).net_income == 1_200_000
    assert (_balance(db, OUTPUT_TAX), _balance(db, TAX_PAYABLE)) == (0, -120_000)
    assert [(rev is not None, lines) for _id, rev, _day, lines in _settlements(db, 2026)] == [
        (False, [("6390", 100_000, 0), (TAX_PAYABLE, 0, 100_000)]),
        (True, [("6390", 0, 100_000), (TAX_PAYABLE, 100_000, 0)]),
        (False, [("6390", 120_000, 0), (TAX_PAYABLE, 0, 120_000)])]
