"""売掛金年齢表, 延滞一覧 and 消込取消 on SQLite and PostgreSQL.

Invoices are entered at 10% on whole thousands, so gross = net x 1.1; every figure below is worked by hand.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select, text

from ennoshita.actor import Actor
from ennoshita.audit.models import AuditRecord
from ennoshita.dates import today_tokyo
from ennoshita.db import Database
from ennoshita.errors import Conflict, Forbidden, Invalid
from ennoshita.identity import company as company_service
from ennoshita.ledger import queries as ledger_queries
from ennoshita.ledger import services as ledger_services
from ennoshita.ledger.models import JournalEntry
from ennoshita.sales import aging, billing, partners, receivables
from ennoshita.sales import settings as sales_settings
from ennoshita.sales.lines import LineInput
from ennoshita.sales.models import BankDeposit, ReceiptAllocation, Receivable
from ennoshita.sales.queries import PageRequest

CLERK = Actor(user_id=None, name="営業事務 一郎", roles=frozenset({"sales_admin"}), via="cli")
ACCOUNTANT = Actor(user_id=None, name="経理 花子", roles=frozenset({"accounting"}), via="cli")
REQUESTER = Actor(user_id=None, name="営業 翔", roles=frozenset({"requester"}), via="cli")
AS_OF = dt.date(2026, 12, 31)


@pytest.fixture
def company(db: Database) -> Database:
    company_service.update_company(db.uow(), Actor.system(), {
        "name": "株式会社さくら精機", "registration_number": "T7123456789012", "fiscal_year_start_month": 4,
        "tax_accounting": "exclusive", "tax_rounding": "floor"})
    return db


def _customer(db: Database, code: str, name: str, kana: str) -> int:
    return partners.create_partner(db.uow(), CLERK, partners.PartnerInput(
        code=code, name=name, name_kana=kana, closing_day=31, months_after=1, pay_day=31)).id


def _invoice(db: Database, customer: int, issued: dt.date, due: dt.date, net: int) -> billing.InvoiceSummary:
    inv = billing.issue_invoice(db.uow(), CLERK, billing.InvoiceInput(
        partner_id=customer, issue_date=issued, lines=(LineInput("保守作業", "1", str(net), "10"),), due_date=due))
    assert inv.gross == net * 11 // 10
    return inv


def test_aging_and_overdue_by_hand(company: Database) -> None:
    db = company
    a = _customer(db, "C101", "株式会社青葉商事", "アオバシヨウジ")
    b = _customer(db, "C102", "みなと食品株式会社", "ミナトシヨクヒン")
    # as of 12/31:           due         days past due  bucket    gross
    a1 = _invoice(db, a, dt.date(2026, 8, 1), dt.date(2026, 9, 30), 10_000)   # 92  over_90  11,000
    a2 = _invoice(db, a, dt.date(2026, 10, 1), dt.date(2026, 10, 2), 20_000)  # 90  d61_90   22,000
    a3 = _invoice(db, a, dt.date(2026, 11, 1), dt.date(2026, 11, 30), 30_000)  # 31  d31_60   33,000
    b1 = _invoice(db, b, dt.date(2026, 11, 15), dt.date(2026, 12, 1), 5_000)   # 30  d1_30     5,500
    _invoice(db, b, dt.date(2026, 12, 10), dt.date(2026, 12, 31), 8_000)       # 0   not_due   8,800
    _invoice(db, b, dt.date(2027, 1, 5), dt.date(2027, 1, 31), 1_000)          # issued after the date: left out

    report = aging.aging(db.uow(), ACCOUNTANT, AS_OF)
    rows = {r.partner_code: r for r in report.page.rows}
    assert [r.partner_code for r in report.page.rows] == ["C101", "C102"] and report.page.total == 2
    assert rows["C101"].buckets == {"not_due": 0, "d1_30": 0, "d31_60": 33_000, "d61_90": 22_000,
                                    "over_90": 11_000}
    assert rows["C101"].total == 66_000 and rows["C101"].overdue == 66_000
    assert rows["C102"].buckets == {"not_due": 8_800, "d1_30": 5_500, "d31_60": 0, "d61_90": 0, "over_90": 0}
    assert rows["C102"].total == 14_300 and rows["C102"].overdue == 5_500
    assert report.totals == {"not_due": 8_800, "d1_30": 5_500, "d31_60": 33_000, "d61_90": 22_000,
                             "over_90": 11_000, "total": 80_300}

    # a day later every boundary moves: a2 is 91 days late, a3 32, b1 31, b2 1 (and b3 is still not issued)
    later = aging.aging(db.uow(), ACCOUNTANT, dt.date(2027, 1, 1)).totals
    assert later == {"not_due": 0, "d1_30": 8_800, "d31_60": 5_500 + 33_000, "d61_90": 0,
                     "over_90": 11_000 + 22_000, "total": 80_300}
    # on 1/5 b3 is issued and not yet due
    assert aging.aging(db.uow(), ACCOUNTANT, dt.date(2027, 1, 5)).totals["not_due"] == 1_100

    # paged in the database, and filtered by customer
    second = aging.aging(db.uow(), ACCOUNTANT, AS_OF, PageRequest(2, 1))
    assert (second.page.total, [r.partner_code for r in second.page.rows]) == (2, ["C102"])
    assert second.totals["total"] == 80_300
    only_b = aging.aging(db.uow(), ACCOUNTANT, AS_OF, partner_id=b)
    assert [r.partner_code for r in only_b.page.rows] == ["C102"] and only_b.totals["total"] == 14_300

    # 延滞一覧: due before 12/31 and still open, oldest first
    late = aging.overdue(db.uow(), ACCOUNTANT, AS_OF)
    assert [(r.number, r.days_overdue, r.bucket, r.open_amount) for r in late.page.rows] == [
        (a1.number, 92, "over_90", 11_000), (a2.number, 90, "d61_90", 22_000),
        (a3.number, 31, "d31_60", 33_000), (b1.number, 30, "d1_30", 5_500)]
    assert (late.page.total, late.total_open) == (4, 71_500)
    page2 = aging.overdue(db.uow(), ACCOUNTANT, AS_OF, PageRequest(2, 3))
    assert [r.number for r in page2.page.rows] == [b1.number] and page2.page.total == 4
    just_b = aging.overdue(db.uow(), ACCOUNTANT, AS_OF, partner_id=b)
    assert [(r.number, r.partner_name) for r in just_b.page.rows] == [(b1.number, "みなと食品株式会社")]
    assert just_b.total_open == 5_500

    # a credit note reduces what is open; a paid invoice leaves both lists
    billing.issue_credit_note(db.uow(), CLERK, billing.CreditNoteInput(
        a1.id, dt.date(2026, 12, 5), (LineInput("値引", "1", "4000", "10"),), "値引"))  # 4,400 off a1
    receivables.import_bank_csv(db.uow(), CLERK, (
        "日付,摘要,入金額,出金額,残高\n2026/12/20,振込 ミナトシヨクヒン,5500,,5500\n").encode("cp932"))
    with db.uow() as uow:
        dep = uow.session.scalar(select(BankDeposit.id))
    assert dep is not None
    receivables.confirm_matches(db.uow(), CLERK, [receivables.MatchInput(dep, ((b1.id, 5_500),))])
    assert aging.aging(db.uow(), ACCOUNTANT, AS_OF).totals == {
        "not_due": 8_800, "d1_30": 0, "d31_60": 33_000, "d61_90": 22_000, "over_90": 6_600, "total": 70_400}
    assert [r.number for r in aging.overdue(db.uow(), ACCOUNTANT, AS_OF).page.rows] == [
        a1.number, a2.number, a3.number]
    with pytest.raises(Forbidden):
        aging.aging(db.uow(), REQUESTER, AS_OF)
    with pytest.raises(Forbidden):
        aging.overdue(db.uow(), REQUESTER, AS_OF)


def _balances(db: Database) -> dict[str, tuple[int, int]]:
    with db.uow() as uow:
        return {r.account_code: (r.debit, r.credit) for r in ledger_queries.trial_balance(
            uow.session, dt.date(2026, 4, 1), dt.date(2027, 3, 31), 4).rows}


def test_match_unmatch_and_match_again(company: Database) -> None:
    db = company
    sales_settings.update_settings(db.uow(), CLERK, "transfer_fee")  # the fee as 支払手数料 (not the default)
    customer = _customer(db, "C201", "株式会社青葉商事", "アオバシヨウジ")
    inv1 = _invoice(db, customer, dt.date(2026, 10, 1), dt.date(2026, 10, 30), 30_000)  # 33,000
    inv2 = _invoice(db, customer, dt.date(2026, 10, 10), dt.date(2026, 12, 31), 10_000)  # 11,000
    receivables.import_bank_csv(db.uow(), CLERK, (
        "日付,摘要,入金額,出金額,残高\n"
        "2026/10/30,振込 カ)アオバシヨウジ,43340,,43340\n"     # 44,000 less a 660 fee
        "2026/12/01,振込 ヤマダ タロウ,5000,,48340\n").encode("cp932"))
    with db.uow() as uow:
        deposits = {d.amount: d.id for d in uow.session.scalars(select(BankDeposit))}
    dep = deposits[43_340]

    receivables.confirm_matches(db.uow(), CLERK, [receivables.MatchInput(
        dep, ((inv1.id, 33_000), (inv2.id, 11_000)), fee=660)])
    with db.uow() as uow:
        row = uow.session.get(BankDeposit, dep)
        assert row is not None and row.status == "matched" and row.journal_entry_id is not None
        original_entry = row.journal_entry_id
    # 普通預金 43,340 + 支払手数料 600 + 仮払消費税 60 / 売掛金 44,000
    tb = _balances(db)
    assert tb["1140"] == (43_340, 0) and tb["1220"] == (44_000, 44_000) and tb["6340"] == (600, 0)
    assert receivables.ar_check(db.uow(), ACCOUNTANT).subledger == 0
    assert aging.aging(db.uow(), ACCOUNTANT, AS_OF).totals["total"] == 0
    assert [m.deposit_id for m in receivables.matched(db.uow(), ACCOUNTANT)] == [dep]

    # refused: without a reason, by someone who may not edit sales, a deposit never matched, one not there
    with pytest.raises(Invalid) as no_reason:
        receivables.unmatch(db.uow(), CLERK, dep, "  ")
    assert no_reason.value.problems[0].field == "reason"
    with pytest.raises(Forbidden):
        receivables.unmatch(db.uow(), ACCOUNTANT, dep, "誤消込")
    with pytest.raises(Conflict):
        receivables.unmatch(db.uow(), CLERK, deposits[5_000], "誤消込")
    with pytest.raises(Exception) as missing:
        receivables.unmatch(db.uow(), CLERK, 999_999, "誤消込")
    assert getattr(missing.value, "status", None) == 404

    result = receivables.unmatch(db.uow(), CLERK, dep, "別の取引先の入金を消し込んだため")
    assert sorted(result.reopened) == sorted([(inv1.id, 33_000), (inv2.id, 11_000)])

    # the AR is open again, by the amounts the match cleared
    with db.uow() as uow:
        s = uow.session
        recs = {r.invoice_id: (r.status, r.paid_amount, r.open_amount) for r in s.scalars(select(Receivable))}
        assert recs == {inv1.id: ("open", 0, 33_000), inv2.id: ("open", 0, 11_000)}
        # the allocations are immutable: the 取消 offsets them, so they net to nothing
        allocs = s.execute(select(ReceiptAllocation.amount, ReceiptAllocation.fee).order_by(ReceiptAllocation.id)).all()
        assert [tuple(a) for a in allocs] == [(33_000, 0), (11_000, 660), (-33_000, 0), (-11_000, -660)]
        row = s.get(BankDeposit, dep)
        assert row is not None and (row.status, row.journal_entry_id, row.partner_id) == ("unmatched", None, None)
        # the reversal is the ledger's 取消, linked to the match's entry, on the deposit's date
        reversal = s.get(JournalEntry, result.reversal_id)
        assert reversal is not None and reversal.reverses_id == original_entry and reversal.source == "reversal"
        assert reversal.entry_date == dt.date(2026, 10, 30) and reversal.total == 44_000
        assert "別の取引先の入金を消し込んだため" in reversal.description
        # the audit record names the reason and what was undone
        audit = s.scalars(select(AuditRecord).where(AuditRecord.entity_type == "bank_deposit",
                                                    AuditRecord.entity_id == str(dep),
                                                    AuditRecord.action == "unmatch")).all()
        assert len(audit) == 1 and audit[0].actor_name == CLERK.name
        after = json.loads(audit[0].after or "{}")
        assert after["reason"] == "別の取引先の入金を消し込んだため" and after["reversal_id"] == result.reversal_id
        assert sorted(map(tuple, after["allocations"])) == sorted([(inv1.id, 33_000, 0), (inv2.id, 11_000, 660)])
        assert json.loads(audit[0].before or "{}")["journal_entry_id"] == original_entry
    # the ledger is back: 普通預金 nets to 0, 売掛金 open 44,000, the fee reversed
    tb = _balances(db)
    assert tb["1140"] == (43_340, 43_340) and tb["1220"] == (88_000, 44_000) and tb["6340"] == (600, 600)
    check = receivables.ar_check(db.uow(), ACCOUNTANT)
    assert (check.subledger, check.ledger, check.ok) == (44_000, 44_000, True)
    assert aging.aging(db.uow(), ACCOUNTANT, AS_OF).totals["d61_90"] == 33_000  # inv1 is 62 days late again

    # a second 取消 is refused and changes nothing
    with pytest.raises(Conflict):
        receivables.unmatch(db.uow(), CLERK, dep, "もう一度")
    assert receivables.ar_check(db.uow(), ACCOUNTANT).subledger == 44_000

    # the deposit is proposed again and can be matched anew
    proposal = next(p for p in receivables.propose(db.uow(), CLERK) if p.deposit_id == dep)
    assert proposal.partner_id == customer
    receivables.confirm_matches(db.uow(), CLERK, [receivables.MatchInput(
        dep, ((inv1.id, 33_000), (inv2.id, 11_000)), fee=660)])
    check = receivables.ar_check(db.uow(), ACCOUNTANT)
    assert (check.subledger, check.ledger) == (0, 0)
    with db.uow() as uow:
        row = uow.session.get(BankDeposit, dep)
        assert row is not None and row.status == "matched" and row.journal_entry_id not in (None, original_entry)
        assert uow.session.scalar(select(func.sum(ReceiptAllocation.amount))) == 44_000
    assert [m.invoices for m in receivables.matched(db.uow(), ACCOUNTANT)] == [
        ((inv1.id, inv1.number, 33_000), (inv2.id, inv2.number, 11_000))]

    # with October locked the 取消 cannot go back there: it is dated today instead
    ledger_services.lock_month(db.uow(), Actor.system(), "2026-10")
    again = receivables.unmatch(db.uow(), CLERK, dep, "入金日の誤り")
    with db.uow() as uow:
        reversal = uow.session.get(JournalEntry, again.reversal_id)
        assert reversal is not None and reversal.entry_date == today_tokyo()
    assert receivables.ar_check(db.uow(), ACCOUNTANT).ok


def _receivable_on(db: Database, partner_code: str, day: dt.date) -> int:
    """The ledger's 売掛金 on the customer's 補助科目 at the end of ``day``, straight from the journal lines."""
    with db.uow() as uow:
        return int(uow.session.execute(text(
            "SELECT COALESCE(SUM(jl.debit - jl.credit), 0) FROM journal_lines jl "
            "JOIN accounts a ON a.id = jl.account_id JOIN sub_accounts sa ON sa.id = jl.sub_account_id "
            "WHERE a.code = '1220' AND sa.code = :c AND jl.entry_date <= :d"), {"c": partner_code, "d": day}
        ).scalar_one())


def test_aging_as_of_a_past_date_shows_what_was_owed_that_day(company: Database) -> None:
    """A 期末 年齢表 drawn up after the customer paid: as of the date, the invoice paid later is still owed and the
    credit note issued later has not reduced anything, as in the ledger's 売掛金 of that day. Failed before: the
    report aged today's open amounts, so as of 2026-11-10 it showed ¥8,800 while the ledger held ¥41,800."""
    db = company
    a = _customer(db, "C301", "株式会社青葉商事", "アオバシヨウジ")
    inv1 = _invoice(db, a, dt.date(2026, 10, 1), dt.date(2026, 10, 31), 30_000)  # 33,000
    inv2 = _invoice(db, a, dt.date(2026, 10, 10), dt.date(2026, 11, 30), 10_000)  # 11,000
    billing.issue_credit_note(db.uow(), CLERK, billing.CreditNoteInput(
        inv2.id, dt.date(2026, 11, 5), (LineInput("値引", "1", "2000", "10"),), "値引"))  # 2,200 off inv2 on 11/5
    receivables.import_bank_csv(db.uow(), CLERK, (
        "日付,摘要,入金額,出金額,残高\n2026/11/20,振込 アオバシヨウジ,33000,,33000\n").encode("cp932"))
    with db.uow() as uow:
        dep = uow.session.scalar(select(BankDeposit.id))
    assert dep is not None
    receivables.confirm_matches(db.uow(), CLERK, [receivables.MatchInput(dep, ((inv1.id, 33_000),))])

    def totals(day: dt.date) -> dict[str, int]:
        return aging.aging(db.uow(), ACCOUNTANT, day).totals

    # 10/31: inv1 due that day (未到来) 33,000 + inv2 11,000 = 44,000
    assert totals(dt.date(2026, 10, 31)) == {"not_due": 44_000, "d1_30": 0, "d31_60": 0, "d61_90": 0,
                                             "over_90": 0, "total": 44_000}
    # 11/10: inv1 10 days late, not paid until 11/20: 33,000; inv2 less the credit note of 11/5: 11,000 - 2,200
    assert totals(dt.date(2026, 11, 10)) == {"not_due": 8_800, "d1_30": 33_000, "d31_60": 0, "d61_90": 0,
                                             "over_90": 0, "total": 41_800}
    late = aging.overdue(db.uow(), ACCOUNTANT, dt.date(2026, 11, 10))
    assert [(r.number, r.days_overdue, r.open_amount) for r in late.page.rows] == [(inv1.number, 10, 33_000)]
    assert late.total_open == 33_000
    # 11/4: before the credit note: 33,000 (4 days late) + 11,000
    assert totals(dt.date(2026, 11, 4))["total"] == 44_000
    # 12/31: inv1 paid on 11/20; inv2 8,800, 31 days late
    assert totals(AS_OF) == {"not_due": 0, "d1_30": 0, "d31_60": 8_800, "d61_90": 0, "over_90": 0, "total": 8_800}
    # each date's 年齢表 is the ledger's 売掛金 of that day
    for day in (dt.date(2026, 10, 31), dt.date(2026, 11, 4), dt.date(2026, 11, 10), dt.date(2026, 11, 20), AS_OF):
        assert totals(day)["total"] == _receivable_on(db, "C301", day), day
