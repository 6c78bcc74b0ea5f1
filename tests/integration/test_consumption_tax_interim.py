"""消費税の中間申告 over two years of books, on SQLite and PostgreSQL: the closed year's return sets the next year's
中間申告, a period is paid once (Dr 仮払税金 / Cr 普通預金), a 取消 makes it unpaid again, and the next year's final
return and settlement deduct them. Figures by hand:

Company: fiscal year April-March, 税抜経理.

FY2025 (closed): 課税売上10% 88,000,000 税込 -> 売上高 80,000,000 + 仮受消費税 8,000,000; no purchases.
  課税標準額 80,000,000 x 7.8% = 6,240,000 = 差引税額 (確定消費税額); 地方 6,240,000 x 22/78 = 1,760,000;
  未払消費税等 8,000,000 paid on 2026-06-01.
FY2026 中間申告: 6,240,000 is over 4,000,000 and up to 48,000,000 -> 3 times (三月中間申告):
  each 6,240,000 x 3/12 = 1,560,000 国税 + 1,560,000 x 22/78 = 440,000 地方 = 2,000,000;
  納期限 2026-08-31 (Mon), 2026-11-30 (Mon), 2027-02-28 is a Sunday -> 2027-03-01 (Mon).
FY2026 books: 課税売上10% 110,000,000 税込 -> 売上高 100,000,000 + 仮受 10,000,000;
  課税仕入10% 22,000,000 税込 -> 仕入高 20,000,000 + 仮払 2,000,000.
  Return: 課税標準額 100,000,000 x 7.8% = 7,800,000; 仕入税額 2,000,000 x 78/100 = 1,560,000 (積上げ);
  差引税額 6,240,000; 地方 1,760,000; the year's tax 8,000,000.
  ⑩ 中間納付税額 3 x 1,560,000 = 4,680,000 (the third unpaid: deducted all the same, 消費税法44条);
  ⑪ 納付税額 6,240,000 - 4,680,000 = 1,560,000; ⑳ 3 x 440,000 = 1,320,000; ㉑ 1,760,000 - 1,320,000 = 440,000.
  Settlement (periods 1 and 2 paid, 4,000,000 in 仮払税金): Dr 仮受消費税 10,000,000 / Cr 仮払消費税 2,000,000,
  Cr 仮払税金 4,000,000, Cr 未払消費税等 4,000,000 (the final 2,000,000 + the unpaid third period 2,000,000).
"""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from ennoshita.actor import Actor
from ennoshita.audit.models import AuditRecord
from ennoshita.db import Database
from ennoshita.errors import Conflict, Forbidden, Invalid
from ennoshita.identity import company as company_service
from ennoshita.ledger import consumption_tax, ctax_interim, ctax_settlement, services
from ennoshita.ledger.models import Account, JournalEntry, JournalLine
from ennoshita.ledger.rules import EntryDraft, LineDraft
from tests.conftest import ACCOUNTING, AUDITOR, REQUESTER, login, open_posting_years
from tests.integration.test_api import auth, token_for

ACCOUNTANT = Actor(user_id=None, name="経理 花子", roles=frozenset({"accounting"}), via="cli")
AUDITOR_ACTOR = Actor(user_id=None, name="監査 次郎", roles=frozenset({"auditor"}), via="cli")
D = dt.date


def L(account: str, debit: int = 0, credit: int = 0, tax: str | None = None) -> LineDraft:  # noqa: N802
    return LineDraft(account_code=account, debit=debit, credit=credit, tax_category=tax)


@pytest.fixture
def books(db: Database) -> Database:
    company_service.update_company(db.uow(), Actor.system(), {
        "name": "テスト株式会社", "fiscal_year_start_month": 4, "tax_accounting": "exclusive", "tax_rounding": "floor"})
    open_posting_years(db, 2025)
    services.post_entry(db.uow(), ACCOUNTANT, EntryDraft(D(2025, 5, 10), "FY2025 売上", "", (
        L("売掛金", 88_000_000), L("売上高", credit=88_000_000, tax="sales_10"))))
    services.close_year(db.uow(), ACCOUNTANT, 2025)  # 未払消費税等 8,000,000, paid by its 納期限
    services.post_entry(db.uow(), ACCOUNTANT, EntryDraft(D(2026, 6, 1), "FY2025 消費税等 納付", "税務署", (
        L("未払消費税等", 8_000_000), L("普通預金", credit=8_000_000))))
    services.post_entry(db.uow(), ACCOUNTANT, EntryDraft(D(2026, 5, 10), "FY2026 売上", "", (
        L("売掛金", 110_000_000), L("売上高", credit=110_000_000, tax="sales_10"))))
    services.post_entry(db.uow(), ACCOUNTANT, EntryDraft(D(2026, 5, 11), "FY2026 仕入", "", (
        L("仕入高", 22_000_000, tax="purchase_10"), L("買掛金", credit=22_000_000))))
    return db


def _lines(db: Database, entry_id: int) -> list[tuple[str, int, int]]:
    with db.uow() as uow:
        return [(code, int(d), int(c)) for code, d, c in uow.session.execute(
            select(Account.code, JournalLine.debit, JournalLine.credit)
            .join(Account, Account.id == JournalLine.account_id)
            .where(JournalLine.entry_id == entry_id).order_by(JournalLine.line_no))]


def test_the_closed_years_tax_sets_the_next_years_interim_returns_paid_once_and_deducted(books: Database) -> None:
    db = books
    with db.uow() as uow:
        assert consumption_tax.base_return(uow.session, 2025).national_due == 6_240_000
    schedule = ctax_interim.interim_schedule(db.uow(), AUDITOR_ACTOR, 2026)  # the auditor reads it
    assert (schedule.previous_national, schedule.count) == (6_240_000, 3)
    assert [(p.number, p.start, p.end, p.due, p.national, p.local, p.paid) for p in schedule.periods] == [
        (1, D(2026, 4, 1), D(2026, 6, 30), D(2026, 8, 31), 1_560_000, 440_000, False),
        (2, D(2026, 7, 1), D(2026, 9, 30), D(2026, 11, 30), 1_560_000, 440_000, False),
        (3, D(2026, 10, 1), D(2026, 12, 31), D(2027, 3, 1), 1_560_000, 440_000, False)]
    with pytest.raises(Forbidden):  # the auditor does not pay
        ctax_interim.pay_interim(db.uow(), AUDITOR_ACTOR, 2026, 1)

    # the first period paid on its 納期限: one entry, 仮払税金 / 普通預金, with its audit record
    paid = ctax_interim.pay_interim(db.uow(), ACCOUNTANT, 2026, 1)
    assert (paid.paid_date, paid.total) == (D(2026, 8, 31), 2_000_000)
    assert paid.journal_entry_id is not None
    assert _lines(db, paid.journal_entry_id) == [("1455", 1_560_000, 0), ("1455", 440_000, 0), ("1140", 0, 2_000_000)]
    with db.uow() as uow:
        entry = uow.session.get(JournalEntry, paid.journal_entry_id)
        assert entry is not None and (entry.source, entry.source_ref, entry.entry_date) == (
            "ctax_interim", "2026-01", D(2026, 8, 31))
        # the period and the 納期限 written as the journal writes dates (第1期: April-June, due two months after)
        assert entry.description == ("消費税及び地方消費税 中間納付 2026年度 消費税 中間申告 第1期"
                                     "（2026年4月1日〜2026年6月30日）")
        assert uow.session.scalars(select(AuditRecord.action).where(
            AuditRecord.entity_type == "consumption_tax_interim", AuditRecord.entity_id == "2026-01")).all() == ["pay"]

    # paid once: a second payment names the period and the first payment
    with pytest.raises(Conflict) as twice:
        ctax_interim.pay_interim(db.uow(), ACCOUNTANT, 2026, 1, D(2026, 9, 1))
    assert twice.value.problems[0].key == "ledger.error.ctax_interim_paid"
    assert twice.value.problems[0].params["number"] == 1
    assert twice.value.problems[0].params["date"] == dt.date(2026, 8, 31)
    with pytest.raises(Invalid) as no_such:
        ctax_interim.pay_interim(db.uow(), ACCOUNTANT, 2026, 4)
    assert no_such.value.problems[0].key == "ledger.error.ctax_interim_no_period"
    with pytest.raises(Invalid) as early:  # the third period ends 2026-12-31
        ctax_interim.pay_interim(db.uow(), ACCOUNTANT, 2026, 3, D(2026, 12, 31))
    assert early.value.problems[0].key == "ledger.error.ctax_interim_before_end"

    # 取消 of the payment: the period is unpaid again, and can be paid again
    services.reverse_entry(db.uow(), ACCOUNTANT, paid.journal_entry_id)
    assert not ctax_interim.interim_schedule(db.uow(), ACCOUNTANT, 2026).periods[0].paid
    with db.uow() as uow:
        assert ctax_interim.paid_in_year(uow.session, 2026) == 0
    again = ctax_interim.pay_interim(db.uow(), ACCOUNTANT, 2026, 1, D(2026, 9, 1))
    assert again.paid_date == D(2026, 9, 1) and again.journal_entry_id != paid.journal_entry_id
    ctax_interim.pay_interim(db.uow(), ACCOUNTANT, 2026, 2)
    schedule = ctax_interim.interim_schedule(db.uow(), ACCOUNTANT, 2026)
    assert [(p.number, p.paid_date) for p in schedule.periods] == [
        (1, D(2026, 9, 1)), (2, D(2026, 11, 30)), (3, None)]

    # the final return deducts every scheduled period, the unpaid third one too (消費税法44条)
    r = consumption_tax.consumption_tax_return(db.uow(), ACCOUNTANT, 2026)
    assert (r.output_tax, r.deductible, r.national_due, r.local_due) == (7_800_000, 1_560_000, 6_240_000, 1_760_000)
    assert (r.interim_national, r.interim_local, r.interim_unpaid) == (4_680_000, 1_320_000, (3,))
    assert (r.national_payable, r.local_payable, r.payable_total) == (1_560_000, 440_000, 2_000_000)

    # the year-end settlement clears 仮払税金 and books the rest to 未払消費税等
    draft = ctax_settlement.propose_settlement(db.uow(), ACCOUNTANT, 2026)
    assert draft is not None
    assert [(ln.account_code, ln.debit, ln.credit) for ln in draft.lines] == [
        ("2220", 10_000_000, 0), ("1460", 0, 2_000_000), ("1455", 0, 4_000_000), ("2180", 0, 4_000_000)]
    services.close_year(db.uow(), ACCOUNTANT, 2026)
    with db.uow() as uow:
        def balance(code: str) -> int:
            d, c = uow.session.execute(
                select(func.coalesce(func.sum(JournalLine.debit), 0), func.coalesce(func.sum(JournalLine.credit), 0))
                .join(Account, Account.id == JournalLine.account_id).where(Account.code == code)).one()
            return int(d) - int(c)
        assert (balance("1455"), balance("1460"), balance("2220")) == (0, 0, 0)
        assert balance("2180") == -4_000_000

    # the third period paid late, after the year's end: it clears 未払消費税等, where the settlement booked it
    late = ctax_interim.pay_interim(db.uow(), ACCOUNTANT, 2026, 3, D(2027, 4, 30))
    assert late.journal_entry_id is not None
    assert _lines(db, late.journal_entry_id) == [("2180", 1_560_000, 0), ("2180", 440_000, 0), ("1140", 0, 2_000_000)]
    assert consumption_tax.consumption_tax_return(db.uow(), ACCOUNTANT, 2026).interim_unpaid == ()
    with db.uow() as uow:
        assert balance("2180") == -2_000_000  # the final return's 1,560,000 + 440,000


def test_a_year_after_a_small_or_unclosed_one_has_none_unless_a_larger_tax_was_filed(db: Database) -> None:
    company_service.update_company(db.uow(), Actor.system(), {
        "name": "テスト株式会社", "fiscal_year_start_month": 4, "tax_accounting": "exclusive", "tax_rounding": "floor"})
    open_posting_years(db, 2025)
    # 課税標準額 6,153,846 -> 6,153,000 x 7.8% = 479,934 -> 479,900: ¥480,000 or less
    services.post_entry(db.uow(), ACCOUNTANT, EntryDraft(D(2025, 5, 10), "FY2025 売上", "", (
        L("売掛金", 6_769_230), L("売上高", credit=6_769_230, tax="sales_10"))))
    unclosed = ctax_interim.interim_schedule(db.uow(), ACCOUNTANT, 2026)
    assert (unclosed.previous_national, unclosed.periods) == (None, ())
    services.close_year(db.uow(), ACCOUNTANT, 2025)
    small = ctax_interim.interim_schedule(db.uow(), ACCOUNTANT, 2026)
    assert (small.previous_national, small.count, small.periods) == (479_900, 0, ())
    with pytest.raises(Invalid):
        ctax_interim.pay_interim(db.uow(), ACCOUNTANT, 2026, 1)

    # a 修正申告 filed 6,240,000: the 中間申告 follow the filed figure (three of 1,560,000 + 440,000), the books'
    # return stays what it is; the auditor may not record it; once a period is paid, the figure stays
    with pytest.raises(Forbidden):
        ctax_interim.set_filed_national(db.uow(), AUDITOR_ACTOR, 2025, 6_240_000)
    filed = ctax_interim.set_filed_national(db.uow(), ACCOUNTANT, 2025, 6_240_000)
    assert (filed.previous_national, filed.computed_national, filed.count) == (6_240_000, 479_900, 3)
    assert {(p.national, p.local) for p in filed.periods} == {(1_560_000, 440_000)}
    ctax_interim.pay_interim(db.uow(), ACCOUNTANT, 2026, 1)
    with pytest.raises(Conflict) as paid:
        ctax_interim.set_filed_national(db.uow(), ACCOUNTANT, 2025, None)
    assert paid.value.problems[0].key == "ledger.error.ctax_interim_paid_already"
    entry = ctax_interim.interim_schedule(db.uow(), ACCOUNTANT, 2026).periods[0].journal_entry_id
    assert entry is not None
    services.reverse_entry(db.uow(), ACCOUNTANT, entry)
    back = ctax_interim.set_filed_national(db.uow(), ACCOUNTANT, 2025, None)
    assert (back.previous_national, back.computed_national, back.periods) == (479_900, None, ())


def test_the_api_lists_and_pays_for_accounting_and_refuses_the_others(client: TestClient, demo_db: Database) -> None:
    keiri = auth(token_for(demo_db, ACCOUNTING))
    auditor = auth(token_for(demo_db, AUDITOR))
    requester = auth(token_for(demo_db, REQUESTER))
    path = "/api/v1/consumption-tax/years/2026/interim"
    listed = client.get(path, headers=auditor)
    assert listed.status_code == 200
    body = listed.json()
    assert body["count"] == 3 and [p["paid"] for p in body["periods"]] == [True, False, False]  # the demo paid #1
    refused = client.post(f"{path}/2/payment", headers=auditor, json={})
    assert refused.status_code == 403 and refused.headers["content-type"] == "application/problem+json"
    assert client.get(path, headers=requester).status_code == 403
    paid = client.post(f"{path}/2/payment", headers=keiri, json={"paid_date": "2026-11-30"})
    assert paid.status_code == 201 and paid.json()["paid_date"] == "2026-11-30"
    twice = client.post(f"{path}/2/payment", headers=keiri, json={})
    assert twice.status_code == 409 and twice.headers["content-type"] == "application/problem+json"
    report = client.get("/api/v1/reports/consumption-tax", headers=auditor, params={"fiscal_year": 2026}).json()
    assert report["interim_unpaid"] == [3]
    assert report["national_payable"] == report["national_due"] - report["interim_national"]


def test_the_consumption_tax_screen_shows_and_pays_the_interim_returns(client: TestClient) -> None:
    """The demo's FY2026 (FY2025's 確定消費税額 13,444,100: three 中間申告 of 3,361,000 + 947,900): the first paid on
    its 納期限 2026-08-31 by the demo, the others not; the second paid on the screen, then refused a second time."""
    token = login(client, ACCOUNTING)
    html = client.get("/ledger/consumption-tax?fiscal_year=2026").text
    assert "中間申告・中間納付（2026年度）" in html and "年3回" in html
    assert "納付済 2026年8月31日" in html and "未納付" in html  # a date in a message: the screens' format
    assert "中間納付税額（⑩）" in html and "¥3,361,000" in html and "¥947,900" in html
    paid = client.post("/ledger/consumption-tax/interim", data={
        "csrf_token": token, "fiscal_year": "2026", "number": "2", "paid_date": "2026-11-30"}, follow_redirects=True)
    assert paid.status_code == 200 and "第2期の中間納付を記帳しました" in paid.text
    assert "納付済 2026年11月30日" in paid.text
    twice = client.post("/ledger/consumption-tax/interim", data={
        "csrf_token": token, "fiscal_year": "2026", "number": "2"})
    assert twice.status_code == 409
    assert "中間申告 第2期（2026年7月1日〜2026年9月30日）は 2026年11月30日 に納付済み" in twice.text
    client.post("/language", data={"language": "en", "next": "/", "csrf_token": token})
    english = client.get("/ledger/consumption-tax?fiscal_year=2026").text
    assert "Interim returns and payments (fiscal year 2026)" in english and "Paid 2026-08-31" in english
    assert "中間申告・中間納付" not in english


def test_the_cli_lists_and_pays_the_interim_returns(books: Database) -> None:
    from typer.testing import CliRunner

    from ennoshita.cli.main import app

    runner = CliRunner(env={"ENNOSHITA_LANG": "ja", "COLUMNS": "200"})

    def run(*args: str, code: int = 0) -> str:
        r = runner.invoke(app, [*args, "--database-url", books.url])
        assert r.exit_code == code, (r.stdout, r.stderr)
        assert "Traceback" not in r.output
        return r.output

    listed = run("ledger", "tax-interim", "2026")
    assert "年3回" in listed and "2027-03-01" in listed and "1,560,000" in listed and "440,000" in listed
    assert "第1期の中間納付を記帳しました" in run("ledger", "pay-tax-interim", "2026", "1", "--paid-date", "2026-08-31")
    assert "第1期（2026年4月1日〜2026年6月30日）は 2026年8月31日 に納付済み" in run(
        "ledger", "pay-tax-interim", "2026", "1", code=1)
    assert "納付済 2026年8月31日" in run("ledger", "tax-interim", "2026")


def test_under_tax_inclusive_books_the_settlement_clears_the_interim_payments_too(db: Database) -> None:
    """税込経理: the same story (FY2025 課税売上 88,000,000 税込 -> 確定消費税額 6,240,000). FY2026: 課税売上
    110,000,000 税込 -> 課税標準額 100,000,000 x 7.8% = 7,800,000; 課税仕入 22,000,000 税込 -> 22,000,000 x
    7.8/110 = 1,560,000 (割戻し: no 仮払消費税 under 税込経理); 差引 6,240,000, 地方 1,760,000, the year's tax
    8,000,000 to 租税公課. Two periods paid (4,000,000 in 仮払税金): Dr 租税公課 8,000,000 / Cr 仮払税金 4,000,000,
    Cr 未払消費税等 4,000,000."""
    company_service.update_company(db.uow(), Actor.system(), {
        "name": "テスト株式会社", "fiscal_year_start_month": 4, "tax_accounting": "inclusive", "tax_rounding": "floor"})
    open_posting_years(db, 2025)
    services.post_entry(db.uow(), ACCOUNTANT, EntryDraft(D(2025, 5, 10), "FY2025 売上", "", (
        L("売掛金", 88_000_000), L("売上高", credit=88_000_000, tax="sales_10"))))
    services.close_year(db.uow(), ACCOUNTANT, 2025)
    services.post_entry(db.uow(), ACCOUNTANT, EntryDraft(D(2026, 5, 10), "FY2026 売上", "", (
        L("売掛金", 110_000_000), L("売上高", credit=110_000_000, tax="sales_10"))))
    services.post_entry(db.uow(), ACCOUNTANT, EntryDraft(D(2026, 5, 11), "FY2026 仕入", "", (
        L("仕入高", 22_000_000, tax="purchase_10"), L("買掛金", credit=22_000_000))))
    assert ctax_interim.interim_schedule(db.uow(), ACCOUNTANT, 2026).previous_national == 6_240_000
    ctax_interim.pay_interim(db.uow(), ACCOUNTANT, 2026, 1)
    ctax_interim.pay_interim(db.uow(), ACCOUNTANT, 2026, 2)
    r = consumption_tax.consumption_tax_return(db.uow(), ACCOUNTANT, 2026)
    assert (r.national_due, r.local_due, r.national_payable, r.local_payable) == (
        6_240_000, 1_760_000, 1_560_000, 440_000)
    draft = ctax_settlement.propose_settlement(db.uow(), ACCOUNTANT, 2026)
    assert draft is not None
    assert [(ln.account_code, ln.debit, ln.credit) for ln in draft.lines] == [
        ("6390", 8_000_000, 0), ("1455", 0, 4_000_000), ("2180", 0, 4_000_000)]
