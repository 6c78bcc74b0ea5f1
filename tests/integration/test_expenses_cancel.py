"""承認済み経費精算の取消 on SQLite and PostgreSQL: post + 取消 = nothing in the books, the claim kept as 取消済 and
never offered for payment again, refused while it is in a payment run (naming the run) or once paid, 経理's alone;
the journal's own 取消 still refuses the claim's entries and their reversals; the employee files the claim anew
from the cancelled one, its receipts copied.

Hand-computed (the claim of tests/integration/test_expenses.py, 税抜経理, 切り捨て): total 8,200 posted as 旅費交通費
(6250) 3,992 + 会議費 (6240) 3,545 + 仮払消費税 (1460) 663 / 未払金 (2150, 補助 EMP of the employee) 8,200, in two
entries (11/10 and 11/12). The 取消 puts the same figures on the other side: each account nets to 0.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select, text

from ennoshita.actor import Actor
from ennoshita.approvals import services as approvals
from ennoshita.dates import today_tokyo
from ennoshita.db import Database
from ennoshita.errors import Conflict, Forbidden, Invalid, InvalidTransition
from ennoshita.expenses import cancellation
from ennoshita.expenses import services as expenses
from ennoshita.ledger import queries as ledger_queries
from ennoshita.ledger import services as ledger
from ennoshita.ledger.models import JournalEntry
from ennoshita.purchasing import payments
from tests.integration.test_expenses import _decide, _lines, _receipts, _sums, org  # noqa: F401

HAND = {"6250": 3_992, "6240": 3_545, "1460": 663}  # debits of the posting; 未払金 credit 8,200


def _approved(db: Database, org: dict[str, Actor]) -> expenses.ClaimView:  # noqa: F811
    ito = org["ito"]
    expenses.save_bank_account(db.uow(), ito, ito.user_id or 0, expenses.BankInput(
        "0005", "123", "ordinary", "12345", "イトウ ショウ"))
    claim = expenses.create_claim(db.uow(), ito, expenses.ClaimInput("11月 営業経費", _lines(), _receipts()),
                                  submit=True)
    _decide(db, org["bucho"], claim.id)
    assert _decide(db, org["keiri"], claim.id) == "approved"
    return expenses.get_claim(db.uow(), ito, claim.id)


def _entries(db: Database) -> int:
    with db.uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(JournalEntry)) or 0)


def _payable_ids(db: Database, keiri: Actor) -> list[int]:
    return [r.id for r in expenses.open_claims(db.uow(), keiri)]


def test_post_and_cancel_leave_nothing_and_the_claim_is_no_longer_paid(
        db: Database, org: dict[str, Actor]) -> None:  # noqa: F811
    keiri, ito, bucho = org["keiri"], org["ito"], org["bucho"]
    claim = _approved(db, org)
    sub = f"EMP{ito.user_id:05d}"
    assert {code: _sums(db, code) for code in HAND} == {code: (amount, 0) for code, amount in HAND.items()}
    assert _sums(db, "2150", sub) == (0, 8_200)
    assert _payable_ids(db, keiri) == [claim.id]

    # the journal's own 取消 and 訂正 refuse the claim's entry, naming the claim and where it is undone
    with pytest.raises(Conflict) as journal:
        ledger.reverse_entry(db.uow(), keiri, claim.journal_entry_ids[0], reason="誤り")
    assert (journal.value.key, journal.value.params) == ("expenses.owned.claim", {"ref": claim.number})

    # 経理's alone: not the employee, not the department head who approved it; a reason is required
    before = _entries(db)
    for who in (ito, bucho):
        with pytest.raises(Forbidden):
            cancellation.cancel_claim(db.uow(), who, claim.id, "二重申請")
    with pytest.raises(Invalid) as no_reason:
        cancellation.cancel_claim(db.uow(), keiri, claim.id, "  ")
    assert [p.field for p in no_reason.value.problems] == ["reason"]
    assert _entries(db) == before and expenses.get_claim(db.uow(), ito, claim.id).status == "approved"

    done = cancellation.cancel_claim(db.uow(), keiri, claim.id, "二重申請（EXP-2026-000009 と同じ領収書）")
    assert (done.status, done.number, done.total) == ("cancelled", claim.number, 8_200)  # kept, not deleted
    assert done.journal_entry_ids == claim.journal_entry_ids and len(done.reversal_entry_ids) == 2
    assert done.cancel_reason == "二重申請（EXP-2026-000009 と同じ領収書）" and done.cancelled_by == "佐藤 花子"
    assert _entries(db) == before + 2
    # post + 取消 = nothing: every account and the employee's 未払金 back to zero
    assert {code: _sums(db, code) for code in HAND} == {code: (amount, amount) for code, amount in HAND.items()}
    assert _sums(db, "2150", sub) == (8_200, 8_200)
    with db.uow() as uow:
        assert ledger_queries.check_balances(uow.session) == []
        reversals = uow.session.execute(select(JournalEntry.entry_date, JournalEntry.reverses_id, JournalEntry.source)
                                        .where(JournalEntry.id.in_(done.reversal_entry_ids))
                                        .order_by(JournalEntry.id)).all()
        rec = uow.session.execute(text("SELECT actor_name, before, after FROM audit_records WHERE entity_type = "
                                       "'expense_claim' AND action = 'cancel'")).one()
    # each reversal dated like its original (the month is open) and linked to it
    assert [(d, r, s) for d, r, s in reversals] == [
        (dt.date(2026, 11, 10), claim.journal_entry_ids[0], "reversal"),
        (dt.date(2026, 11, 12), claim.journal_entry_ids[1], "reversal")]
    assert rec[0] == "佐藤 花子" and json.loads(rec[1])["status"] == "approved"
    assert json.loads(rec[2])["reason"].startswith("二重申請") and json.loads(rec[2])["status"] == "cancelled"

    # never offered for payment again: not on the 支払 screen, and a run naming it refuses it
    assert _payable_ids(db, keiri) == []
    with pytest.raises(Invalid) as run:
        payments.create_payment_run(db.uow(), org["suitou"], payments.PaymentRunInput(
            dt.date(2026, 12, 25), other_items=(("expense_claim", claim.id),)))
    assert "expenses.error.not_payable" in {p.key for p in run.value.problems}
    with pytest.raises(InvalidTransition) as again:
        cancellation.cancel_claim(db.uow(), keiri, claim.id, "もう一度")
    assert again.value.key == "expenses.error.already_cancelled"
    # the journal still refuses: the original (already reversed) and the 取消 of the 取消
    with pytest.raises(Conflict):
        ledger.reverse_entry(db.uow(), keiri, claim.journal_entry_ids[0])
    with pytest.raises(Conflict) as back:
        ledger.reverse_entry(db.uow(), keiri, done.reversal_entry_ids[0])
    assert back.value.key == "ledger.error.owned_reversal"
    assert _entries(db) == before + 2


def test_a_claim_in_a_payment_run_or_paid_is_refused_naming_the_run(db: Database,
                                                                   org: dict[str, Actor]) -> None:  # noqa: F811
    keiri, suitou, yakuin = org["keiri"], org["suitou"], org["yakuin"]
    claim = _approved(db, org)
    draft = payments.create_payment_run(db.uow(), suitou, payments.PaymentRunInput(
        dt.date(2026, 11, 30), due_by=dt.date(2026, 11, 30), submit=False))
    before = _entries(db)
    with pytest.raises(Conflict) as in_run:
        cancellation.cancel_claim(db.uow(), keiri, claim.id, "誤り")
    assert (in_run.value.key, in_run.value.params["run"]) == ("expenses.error.cancel_in_run", draft.number)
    assert _entries(db) == before and expenses.get_claim(db.uow(), keiri, claim.id).status == "approved"

    # the run cancelled, the claim is free again: a new run takes it and pays it, then it is refused for good
    payments.cancel_payment_run(db.uow(), suitou, draft.id)
    run = payments.create_payment_run(db.uow(), suitou, payments.PaymentRunInput(
        dt.date(2026, 11, 30), due_by=dt.date(2026, 11, 30), payer_id=suitou.user_id))
    with pytest.raises(Conflict) as pending:
        cancellation.cancel_claim(db.uow(), keiri, claim.id, "誤り")
    assert pending.value.params["run"] == run.number
    for who in (keiri, yakuin):
        view = approvals.status_of(db.uow(), "payment_run", run.id)
        assert view is not None
        approvals.decide(db.uow(), who, view.id, "approve")
    payments.export_zengin(db.uow(), suitou, run.id)
    payments.mark_paid(db.uow(), suitou, run.id, confirm_early=True)
    before = _entries(db)
    with pytest.raises(Conflict) as paid:
        cancellation.cancel_claim(db.uow(), keiri, claim.id, "誤り")
    assert (paid.value.key, paid.value.params["run"]) == ("expenses.error.cancel_paid", run.number)
    assert _entries(db) == before
    assert _sums(db, "2150", f"EMP{org['ito'].user_id:05d}") == (8_200, 8_200)


def test_a_locked_month_reverses_today_and_the_employee_files_the_claim_anew(
        db: Database, org: dict[str, Actor]) -> None:  # noqa: F811
    keiri, ito = org["keiri"], org["ito"]
    claim = _approved(db, org)
    ledger.lock_month(db.uow(), keiri, "2026-11")
    done = cancellation.cancel_claim(db.uow(), keiri, claim.id, "金額誤り")
    with db.uow() as uow:
        days = set(uow.session.scalars(select(JournalEntry.entry_date)
                                       .where(JournalEntry.id.in_(done.reversal_entry_ids))))
    assert days == {today_tokyo()}
    assert _sums(db, "6250") == (3_992, 3_992)

    # filed anew from the cancelled claim: its receipts copied (the cancelled claim keeps its own)
    with pytest.raises(Forbidden):  # only the employee's own
        cancellation.refile_source(db.uow(), org["other"], claim.id)
    source = cancellation.refile_source(db.uow(), ito, claim.id)
    kept = tuple(x.attachment_id for x in source.lines)
    assert sum(1 for k in kept if k) == 3
    lines = _lines()
    ledger.unlock_month(db.uow(), keiri, "2026-11")
    new = expenses.create_claim(db.uow(), ito, expenses.ClaimInput("11月 営業経費（訂正）", lines, (), kept,
                                                                   copy_from=claim.id))
    assert new.status == "draft" and new.number != claim.number and new.total == 8_200
    new_ids = [x.attachment_id for x in new.lines if x.attachment_id]
    assert len(new_ids) == 3 and not set(new_ids) & set(kept)
    assert [x.attachment_name for x in new.lines] == ["taxi.png", "cafe.png", "bento.pdf", None, None]
    with db.uow() as uow:
        same = uow.session.execute(text("SELECT COUNT(DISTINCT sha256), COUNT(*) FROM attachments "
                                        "WHERE owner_type = 'expense_claim'")).one()
    assert tuple(same) == (2, 6)  # three receipts each on both claims (two PNGs alike, one PDF)
    assert [x.attachment_id for x in expenses.get_claim(db.uow(), ito, claim.id).lines] == list(kept)
    # a claim that has not ended is not copied; another employee cannot keep these receipts
    with pytest.raises(InvalidTransition):
        expenses.create_claim(db.uow(), ito, expenses.ClaimInput("x", lines, (), kept, copy_from=new.id))
    other = expenses.create_claim(db.uow(), org["other"], expenses.ClaimInput("x", lines[3:], ()))
    with pytest.raises(Invalid) as foreign:
        expenses.update_claim(db.uow(), org["other"], other.id, expenses.ClaimInput("x", lines[:1], (), kept[:1]))
    assert [p.key for p in foreign.value.problems] == ["expenses.error.receipt_unknown"]
