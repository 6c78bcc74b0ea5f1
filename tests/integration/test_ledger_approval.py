"""Manual journal entries above the company's amount for 手動仕訳 (the approval route table's band for
``journal_entry``; the seeded table: above ¥1,000,000, one 経理 approval) are submitted instead of posted,
and posted with the next gapless number by the approval — on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from ennoshita.actor import Actor
from ennoshita.approvals import services as approvals
from ennoshita.db import Database
from ennoshita.errors import Forbidden, Invalid, InvalidTransition
from ennoshita.identity import company as company_service
from ennoshita.identity import services as identity
from ennoshita.ledger import queries, services
from ennoshita.ledger.models import JournalEntry
from ennoshita.ledger.rules import EntryDraft, LineDraft
from tests.conftest import ACCOUNTING, login

SYSTEM = Actor.system("cli")
DAY = dt.date(2026, 10, 15)


def L(account: str, debit: int = 0, credit: int = 0) -> LineDraft:  # noqa: N802
    return LineDraft(account_code=account, debit=debit, credit=credit, tax_category=None, sub_account=None,
                     department=None, memo="")


def loan(amount: int, description: str = "短期借入金 返済") -> EntryDraft:
    return EntryDraft(DAY, description, "みずほ銀行", (L("短期借入金", amount), L("普通預金", credit=amount)))


@pytest.fixture
def accountants(db: Database) -> tuple[Actor, Actor]:
    company_service.update_company(db.uow(), SYSTEM, {
        "name": "テスト株式会社", "fiscal_year_start_month": 4, "tax_accounting": "exclusive", "tax_rounding": "floor"})
    for email, name in (("keiri@example.jp", "佐藤 花子"), ("keiri2@example.jp", "鈴木 次郎")):
        identity.create_user(db.uow(), SYSTEM, identity.NewUser(
            email=email, display_name=name, roles=("accounting",), password="pw-for-tests-1", department="経理部"))
    return (identity.actor_by_email(db.uow(), "keiri@example.jp", "web"),
            identity.actor_by_email(db.uow(), "keiri2@example.jp", "web"))


def _trial_debit(db: Database, account: str) -> int:
    with db.uow() as uow:
        tb = queries.trial_balance(uow.session, dt.date(2026, 4, 1), dt.date(2027, 3, 31), 4)
    return sum(r.debit for r in tb.rows if r.account_name == account)


def _entry(db: Database, entry_id: int) -> JournalEntry:
    with db.uow() as uow:
        entry = uow.session.get(JournalEntry, entry_id)
        assert entry is not None
        uow.session.expunge(entry)
        return entry


def test_a_large_manual_entry_waits_for_another_accountant(db: Database, accountants: tuple[Actor, Actor]) -> None:
    keiri, keiri2 = accountants
    first = services.post_entry(db.uow(), keiri, loan(10_000, "振込手数料 精算"))
    assert first.entry_no == "JE-2026-000001"

    draft = services.save_draft(db.uow(), keiri, loan(1_200_000))
    submitted = services.post_draft(db.uow(), keiri, draft.id)
    assert isinstance(submitted, services.SubmittedEntry)
    entry = _entry(db, draft.id)
    assert (entry.status, entry.number) == ("pending", None)
    assert _trial_debit(db, "短期借入金") == 10_000  # not in the books while it waits
    # waiting: neither editable nor deletable nor postable again
    with pytest.raises(InvalidTransition):
        services.save_draft(db.uow(), keiri, loan(1_100_000), draft.id)
    with pytest.raises(InvalidTransition):
        services.delete_draft(db.uow(), keiri, draft.id)
    with pytest.raises(InvalidTransition):
        services.post_draft(db.uow(), keiri2, draft.id)

    # in the other accountant's queue, not the submitter's; the submitter cannot approve it
    assert [v.document_id for v in approvals.waiting_for_me(db.uow(), keiri2)] == [draft.id]
    assert approvals.waiting_for_me(db.uow(), keiri) == []
    with pytest.raises(Forbidden):
        approvals.decide(db.uow(), keiri, submitted.approval_request_id, "approve")
    assert _entry(db, draft.id).status == "pending"

    # meanwhile another entry takes the next number
    second = services.post_entry(db.uow(), keiri2, loan(20_000, "小口現金 補充"))
    assert second.entry_no == "JE-2026-000002"

    view = approvals.decide(db.uow(), keiri2, submitted.approval_request_id, "approve", "確認済み")
    assert view.status == "approved"
    entry = _entry(db, draft.id)
    assert (entry.status, entry.number, entry.total) == ("posted", 3, 1_200_000)
    assert (entry.created_by, entry.posted_by) == (keiri.user_id, keiri2.user_id)
    assert _trial_debit(db, "短期借入金") == 1_200_000 + 10_000 + 20_000
    with db.uow() as uow:
        row = queries.get_entry(uow.session, draft.id)
    assert row is not None and row.entry_no == "JE-2026-000003"
    assert [(ln.debit, ln.credit) for ln in row.lines] == [(1_200_000, 0), (0, 1_200_000)]


def test_a_small_manual_entry_posts_at_once(db: Database, accountants: tuple[Actor, Actor]) -> None:
    keiri, _ = accountants
    draft = services.save_draft(db.uow(), keiri, loan(50_000))
    posted = services.post_draft(db.uow(), keiri, draft.id)
    assert not isinstance(posted, services.SubmittedEntry)
    assert posted.entry_no == "JE-2026-000001"
    assert _entry(db, draft.id).status == "posted"
    assert approvals.status_of(db.uow(), services.DOCUMENT_TYPE, draft.id) is None
    # the entry screen's 登録して計上 alike: small posts, large is kept and submitted
    assert not isinstance(services.enter_entry(db.uow(), keiri, loan(60_000)), services.SubmittedEntry)
    large = services.enter_entry(db.uow(), keiri, loan(1_000_001))
    assert isinstance(large, services.SubmittedEntry)
    assert _entry(db, large.id).status == "pending"
    # 訂正 cannot slip a large entry past approval: the correction is refused, nothing is posted
    with pytest.raises(Invalid):
        services.correct_entry(db.uow(), keiri, draft.id, loan(2_000_000, "短期借入金 返済（訂正）"))
    assert _entry(db, draft.id).status == "posted"
    small_fix = services.correct_entry(db.uow(), keiri, draft.id, loan(55_000, "短期借入金 返済（訂正）"))
    assert small_fix[1].total == 55_000


def test_sent_back_or_rejected_returns_to_the_drafts(db: Database, accountants: tuple[Actor, Actor]) -> None:
    keiri, keiri2 = accountants
    draft = services.save_draft(db.uow(), keiri, loan(3_000_000))
    submitted = services.post_draft(db.uow(), keiri, draft.id)
    assert isinstance(submitted, services.SubmittedEntry)
    approvals.decide(db.uow(), keiri2, submitted.approval_request_id, "send_back", "摘要に契約番号を")
    assert _entry(db, draft.id).status == "draft"
    services.save_draft(db.uow(), keiri, loan(3_000_000, "短期借入金 返済 契約No.123"), draft.id)
    again = services.post_draft(db.uow(), keiri, draft.id)
    assert isinstance(again, services.SubmittedEntry)
    approvals.decide(db.uow(), keiri2, again.approval_request_id, "reject", "不要")
    entry = _entry(db, draft.id)
    assert (entry.status, entry.number) == ("draft", None)
    with db.uow() as uow:
        assert uow.session.scalar(select(JournalEntry.id).where(JournalEntry.status == "posted")) is None


def test_the_company_sets_the_amount_and_other_postings_are_not_affected(
        db: Database, accountants: tuple[Actor, Actor]) -> None:
    keiri, _ = accountants
    with db.uow() as uow:
        from ennoshita.approvals.models import ApprovalRoute

        route = uow.session.scalar(select(ApprovalRoute).where(ApprovalRoute.document_type == "journal_entry"))
        assert route is not None
        route.min_amount = 100_001  # the company lowers its amount to ¥100,000
        uow.commit()
    assert isinstance(services.enter_entry(db.uow(), keiri, loan(150_000)), services.SubmittedEntry)
    # a direct posting (the demo's history, other domains through post_in) is never submitted
    assert services.post_entry(db.uow(), keiri, loan(5_000_000)).entry_no == "JE-2026-000001"


def test_the_entry_screen_submits_and_the_drafts_screen_shows_it(client: TestClient, demo_db: Database) -> None:
    token = login(client, ACCOUNTING)
    data = {"csrf_token": token, "entry_date": "2026-11-24", "description": "短期借入金 返済",
            "counterparty": "みずほ銀行", "action": "post"}
    for i, (account, debit, credit) in enumerate((("短期借入金", "1,200,000", ""), ("普通預金", "", "1,200,000"))):
        data.update({f"lines[{i}].account": account, f"lines[{i}].debit": debit, f"lines[{i}].credit": credit})
    response = client.post("/ledger/input", data=data, follow_redirects=False)
    assert response.status_code == 303, response.text
    assert response.headers["location"].startswith("/ledger/drafts?submitted=")
    entry_id = int(response.headers["location"].split("=")[1])
    drafts = client.get(response.headers["location"]).text
    assert 'data-testid="submitted"' in drafts and "承認待ち" in drafts
    detail = client.get(f"/ledger/entries/{entry_id}").text
    assert 'data-testid="pending-approval"' in detail and "手動仕訳" in detail  # the badge and the route
    clerk = identity.actor_by_email(demo_db.uow(), "suitou@demo.ennoshita.jp", "web")  # the demo's other 経理
    assert entry_id in [v.document_id for v in approvals.waiting_for_me(demo_db.uow(), clerk)
                        if v.document_type == "journal_entry"]
