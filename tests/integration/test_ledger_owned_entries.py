"""An entry a module posted is undone in that module, not by the journal's 取消/訂正 (SQLite and PostgreSQL).

On the demo, reversing the entry of 納品 DN-2026-000011 through the journal used to succeed, and 売掛金台帳
¥1,007,079 / 総勘定元帳 ¥463,129 no longer agreed: the delivery, its invoice and the customer's statement still
showed the amount owed. Now the journal's 取消 and 訂正 refuse it (service, API 409 problem+json, web screen without
the buttons) with a message that names the document and where it is undone, and write nothing; the modules' own
undo (消込取消) still works, and the journal still reverses its own entries, the 中間納付 and the 給与 納付.
"""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from ennoshita.actor import Actor
from ennoshita.assets import services as assets
from ennoshita.assets.models import FixedAsset
from ennoshita.db import Database
from ennoshita.errors import Conflict
from ennoshita.i18n import gettext
from ennoshita.ledger import EntryDraft, LineDraft, chart, post_in, services
from ennoshita.ledger.models import JournalEntry
from ennoshita.sales import receivables
from ennoshita.sales.models import BankDeposit
from tests.conftest import ACCOUNTING, csrf_of, login
from tests.integration.test_api import auth, token_for

BANK = chart.CODE_ORDINARY_DEPOSIT
KEIRI = Actor(user_id=None, name="経理 花子", roles=frozenset({"accounting"}), via="cli")
SOUMU = Actor(user_id=None, name="総務 次郎", roles=frozenset({"general_affairs"}), via="cli")
EIGYO = Actor(user_id=None, name="営業事務 三郎", roles=frozenset({"sales_admin"}), via="cli")
DELIVERY = "DN-2026-000011"


def _entry(db: Database, source: str, ref: str | None = None, ref_like: str | None = None) -> int:
    with db.uow() as uow:
        stmt = select(JournalEntry.id).where(JournalEntry.source == source, JournalEntry.status == "posted",
                                             JournalEntry.reverses_id.is_(None))
        if ref is not None:
            stmt = stmt.where(JournalEntry.source_ref == ref)
        if ref_like is not None:
            stmt = stmt.where(JournalEntry.source_ref.like(ref_like))
        found = uow.session.scalar(stmt.order_by(JournalEntry.id.desc()).limit(1))
    assert found is not None, (source, ref, ref_like)
    return int(found)


def _count(db: Database) -> int:
    with db.uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(JournalEntry)) or 0)


def _refused(db: Database, entry_id: int, key: str, correct_too: bool = True) -> Conflict:
    before = _count(db)
    with pytest.raises(Conflict) as reversing:
        services.reverse_entry(db.uow(), KEIRI, entry_id, reason="誤り")
    assert reversing.value.key == key
    if correct_too:
        with db.uow() as uow:
            entry = uow.session.get(JournalEntry, entry_id)
            assert entry is not None
            day = entry.entry_date
        fix = EntryDraft(day, "訂正", "", (LineDraft("1110", 1_000, 0), LineDraft(BANK, 0, 1_000)))
        with pytest.raises(Conflict) as correcting:
            services.correct_entry(db.uow(), KEIRI, entry_id, fix)
        assert correcting.value.key == key
    assert _count(db) == before  # nothing written
    return reversing.value


def test_a_deliverys_entry_is_refused_by_the_journal_and_the_books_still_agree(demo_db: Database) -> None:
    assert receivables.ar_check(demo_db.uow(), KEIRI).ok
    refused = _refused(demo_db, _entry(demo_db, "sales", DELIVERY), "sales.owned.delivery")
    assert refused.params == {"ref": DELIVERY}
    ja = gettext("ja", refused.key, **refused.params)
    assert "販売（納品 DN-2026-000011）が計上しました" in ja and "返還請求書" in ja
    assert "delivery DN-2026-000011" in gettext("en", refused.key, **refused.params)
    assert receivables.ar_check(demo_db.uow(), KEIRI).ok


def test_the_api_answers_409_problem_json_naming_the_delivery(client: TestClient, demo_db: Database) -> None:
    entry_id = _entry(demo_db, "sales", DELIVERY)
    before = _count(demo_db)
    r = client.post(f"/api/v1/journal-entries/{entry_id}/reverse", headers=auth(token_for(demo_db, ACCOUNTING)),
                    json={"reason": "誤り"})
    assert r.status_code == 409
    assert r.headers["content-type"].startswith("application/problem+json")
    assert DELIVERY in r.text
    assert _count(demo_db) == before
    assert receivables.ar_check(demo_db.uow(), KEIRI).ok


def test_the_journal_screen_says_where_to_undo_it_and_refuses_a_post(client: TestClient, demo_db: Database) -> None:
    entry_id = _entry(demo_db, "sales", DELIVERY)
    token = login(client, ACCOUNTING)
    page = client.get(f"/ledger/entries/{entry_id}")
    assert page.status_code == 200
    assert 'data-testid="reverse"' not in page.text and 'data-testid="correct"' not in page.text
    assert 'data-testid="undo-elsewhere"' in page.text and "販売（納品 DN-2026-000011）" in page.text
    assert client.get(f"/ledger/entries/{entry_id}/correct").status_code == 409
    before = _count(demo_db)
    r = client.post(f"/ledger/entries/{entry_id}/reverse", data={"csrf_token": token, "reversal_date": "",
                                                                 "reason": "誤り"}, follow_redirects=False)
    assert r.status_code == 409 and DELIVERY in r.text
    assert _count(demo_db) == before
    # a manual entry still offers both
    manual = client.get(f"/ledger/entries/{_entry(demo_db, 'manual')}").text
    assert 'data-testid="reverse"' in manual and 'data-testid="correct"' in manual
    assert 'data-testid="undo-elsewhere"' not in manual
    assert csrf_of(page.text)


@pytest.mark.parametrize(("source", "ref_like", "key"), [
    ("sales", "CN-%", "sales.owned.credit_note"),
    ("receipt", "DEP-%", "sales.owned.receipt"),
    ("purchasing", "PO-%", "purchasing.owned.receipt"),
    ("purchasing", "PAY-%", "purchasing.owned.payment_run"),
    ("expenses", "EXP-%", "expenses.owned.claim"),
    ("payroll", "PR-%", "payroll.owned.run"),
    ("depreciation", "monthly:%", "assets.owned.depreciation"),
    ("tax_settlement", "%", "ledger.owned.tax_settlement"),
])
def test_every_module_entry_of_the_demo_is_refused(demo_db: Database, source: str, ref_like: str, key: str) -> None:
    refused = _refused(demo_db, _entry(demo_db, source, ref_like=ref_like), key)
    assert refused.params["ref"] and "{" not in gettext("ja", key, **refused.params)


def test_the_closing_entry_is_refused_it_is_undone_by_reopening_the_year(demo_db: Database) -> None:
    _refused(demo_db, _entry(demo_db, "closing"), "ledger.owned.closing")


def test_a_disposal_is_refused(demo_db: Database) -> None:
    with demo_db.uow() as uow:
        asset = uow.session.scalars(select(FixedAsset).where(FixedAsset.status == "active")
                                    .order_by(FixedAsset.id)).first()
        assert asset is not None
        asset_id, number = asset.id, asset.number
    assets.dispose(demo_db.uow(), SOUMU, assets.Disposal(asset_id, dt.date(2026, 11, 30), "retire"))
    refused = _refused(demo_db, _entry(demo_db, "fixed_asset", number), "assets.owned.disposal")
    assert refused.params == {"ref": number}


@pytest.mark.parametrize(("source", "ref", "key"), [
    ("purchasing_accrual", "ACCR-2026-11", "purchasing.owned.accrual"),
    ("withholding", "2026-12-10", "withholding.owned.remittance"),
    ("purchasing", "BILL-2026-000009", "purchasing.owned.bill"),
    ("sales", "INV-2026-000099", "sales.owned.invoice"),
])
def test_the_sources_the_demo_does_not_post_are_refused_too(demo_db: Database, source: str, ref: str,
                                                           key: str) -> None:
    with demo_db.uow() as uow:
        posted = post_in(uow.session, KEIRI, EntryDraft(dt.date(2026, 11, 30), "模擬", "", (
            LineDraft("6110", 1_000, 0, "out_of_scope"), LineDraft(BANK, 0, 1_000, "out_of_scope"))),
            source=source, source_ref=ref)
        uow.commit()
    _refused(demo_db, posted.id, key)


def test_a_remittance_is_reversed_by_the_journal_but_not_corrected(demo_db: Database) -> None:
    entry_id = _entry(demo_db, "payroll", ref_like="social_insurance-%")
    with pytest.raises(Conflict) as correcting:
        services.correct_entry(demo_db.uow(), KEIRI, entry_id, EntryDraft(dt.date(2026, 11, 30), "訂正", "", (
            LineDraft("1110", 1_000, 0), LineDraft(BANK, 0, 1_000))))
    assert correcting.value.key == "payroll.owned.remittance"
    reversal = services.reverse_entry(demo_db.uow(), KEIRI, entry_id, dt.date(2026, 11, 30), "誤り")
    # the 取消 of the 取消 would bring the 納付 back in the books while 納付一覧 shows it unpaid
    _refused(demo_db, reversal.id, "ledger.error.owned_reversal")


def test_unmatching_a_receipt_still_works_and_its_reversal_is_refused(demo_db: Database) -> None:
    entry_id = _entry(demo_db, "receipt", ref_like="DEP-%")
    _refused(demo_db, entry_id, "sales.owned.receipt")
    with demo_db.uow() as uow:
        deposit_id = uow.session.scalar(select(BankDeposit.id).where(BankDeposit.journal_entry_id == entry_id))
    assert deposit_id is not None
    result = receivables.unmatch(demo_db.uow(), EIGYO, deposit_id, "振込人違い")
    assert receivables.ar_check(demo_db.uow(), KEIRI).ok
    with demo_db.uow() as uow:
        reversal_id = uow.session.scalar(select(JournalEntry.id).where(JournalEntry.reverses_id == entry_id))
    assert reversal_id is not None and result is not None
    refused = _refused(demo_db, int(reversal_id), "ledger.error.owned_reversal")
    assert refused.params["ref"].startswith("JE-")


def test_a_claims_entry_is_undone_by_cancelling_the_claim_and_its_reversal_is_refused(demo_db: Database) -> None:
    from ennoshita.expenses import cancellation
    from ennoshita.expenses.models import ExpenseClaim

    entry_id = _entry(demo_db, "expenses", ref_like="EXP-%")
    refused = _refused(demo_db, entry_id, "expenses.owned.claim")
    number = refused.params["ref"]
    assert f"経費精算 › {number}" in gettext("ja", refused.key, **refused.params)  # where it is undone now
    assert f"Expense claims › {number}, Cancel" in gettext("en", refused.key, **refused.params)
    with demo_db.uow() as uow:
        claim_id = uow.session.scalar(select(ExpenseClaim.id).where(ExpenseClaim.number == number))
    assert claim_id is not None
    done = cancellation.cancel_claim(demo_db.uow(), KEIRI, claim_id, "二重計上")
    assert done.status == "cancelled"
    with demo_db.uow() as uow:
        reversal_id = uow.session.scalar(select(JournalEntry.id).where(JournalEntry.reverses_id == entry_id))
    assert reversal_id is not None and reversal_id in done.reversal_entry_ids
    _refused(demo_db, int(reversal_id), "ledger.error.owned_reversal")  # the journal does not bring it back
    _refused(demo_db, entry_id, "ledger.error.already_reversed", correct_too=False)
