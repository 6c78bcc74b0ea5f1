"""証憑 on SQLite and PostgreSQL: files attached to journal entries with their 電子帳簿保存法 fields, and the
search over every stored file (取引日 range, 金額 range, 取引先; combinable), on the services, the screens
and the API.

The expected results are worked out by hand in the comments.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from ennoshita.actor import Actor
from ennoshita.attachments import services as attachments
from ennoshita.attachments.models import Attachment
from ennoshita.attachments.services import NewAttachment
from ennoshita.audit.models import AuditRecord
from ennoshita.db import Database
from ennoshita.errors import Forbidden, Invalid, NotFound
from ennoshita.identity import company as company_service
from ennoshita.ledger import evidence, queries, services
from ennoshita.ledger.models import JournalEntry, JournalLine
from ennoshita.ledger.rules import EntryDraft, LineDraft
from tests.conftest import ACCOUNTING, REQUESTER, login
from tests.integration.test_api import auth, token_for

ACCOUNTANT = Actor(user_id=None, name="経理 花子", roles=frozenset({"accounting"}), via="cli")
AUDITOR = Actor(user_id=None, name="監査 次郎", roles=frozenset({"auditor"}), via="web")
REQUESTER_ACTOR = Actor(user_id=None, name="営業 太郎", roles=frozenset({"requester"}), via="web")
PDF = b"%PDF-1.4\n% test\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
TEPCO = "東京電力エナジーパートナー株式会社"


def L(account: str, debit: int = 0, credit: int = 0, tax: str | None = None) -> LineDraft:  # noqa: N802
    return LineDraft(account_code=account, debit=debit, credit=credit, tax_category=tax, sub_account=None,
                     department=None, memo="")


def pdf(name: str, day: dt.date | None = None, amount: int | None = None, counterparty: str | None = None
        ) -> NewAttachment:
    return NewAttachment(name, "application/pdf", PDF, day, amount, counterparty)


@pytest.fixture
def books(db: Database) -> Database:
    company_service.update_company(db.uow(), Actor.system(), {
        "name": "テスト株式会社", "fiscal_year_start_month": 4, "tax_accounting": "exclusive", "tax_rounding": "floor"})
    return db


def post(db: Database, day: dt.date, description: str, counterparty: str, account: str, amount: int) -> int:
    return services.post_entry(db.uow(), ACCOUNTANT, EntryDraft(day, description, counterparty, (
        L(account, amount), L("普通預金", credit=amount)))).id


def count_attachments(db: Database) -> int:
    with db.uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(Attachment)) or 0)


def test_evidence_on_a_posted_entry_leaves_the_entry_as_it_was(books: Database) -> None:
    entry_id = post(books, dt.date(2026, 5, 25), "5月分 家賃", "渋谷ビルディング株式会社", "地代家賃", 330_000)
    with books.uow() as uow:
        before = queries.get_entry(uow.session, entry_id)
        lines_before = [(x.id, x.account_id, x.debit, x.credit) for x in uow.session.scalars(
            select(JournalLine).where(JournalLine.entry_id == entry_id).order_by(JournalLine.id))]
    added = evidence.attach_to_entry(books.uow(), ACCOUNTANT, entry_id, pdf("家賃請求書.pdf"))
    # The 電帳法 fields come from the entry: its date, its total (330,000) and its counterparty.
    assert (added.owner_type, added.owner_id) == ("journal_entry", str(entry_id))
    assert (added.transaction_date, added.amount, added.counterparty) == (
        dt.date(2026, 5, 25), 330_000, "渋谷ビルディング株式会社")
    with books.uow() as uow:
        assert queries.get_entry(uow.session, entry_id) == before
        assert [(x.id, x.account_id, x.debit, x.credit) for x in uow.session.scalars(
            select(JournalLine).where(JournalLine.entry_id == entry_id).order_by(JournalLine.id))] == lines_before
        entry = uow.session.get(JournalEntry, entry_id)
        assert entry is not None and entry.status == "posted"
        audited = uow.session.scalar(select(func.count()).select_from(AuditRecord).where(
            AuditRecord.entity_type == "attachment", AuditRecord.entity_id == str(added.id)))
        assert audited == 1
    listed = evidence.entry_attachments(books.uow(), AUDITOR, entry_id)
    assert [a.filename for a in listed] == ["家賃請求書.pdf"]
    summary, content = evidence.evidence_content(books.uow(), AUDITOR, added.id)
    assert content == PDF and summary.sha256 == added.sha256


def test_given_fields_win_over_the_entry_and_drafts_accept_evidence(books: Database) -> None:
    draft = services.save_draft(books.uow(), ACCOUNTANT, EntryDraft(dt.date(2026, 6, 15), "文具", "文具のさくら", (
        L("消耗品費", 5_500), L("現金", credit=5_500))))
    added = evidence.attach_to_entry(books.uow(), ACCOUNTANT, draft.id,
                                     pdf("領収書.pdf", dt.date(2026, 6, 14), 5_000, "文具のさくら 渋谷店"))
    assert (added.transaction_date, added.amount, added.counterparty) == (
        dt.date(2026, 6, 14), 5_000, "文具のさくら 渋谷店")
    # An amount of 0 is given, not missing.
    zero = evidence.attach_to_entry(books.uow(), ACCOUNTANT, draft.id, pdf("見積書.pdf", amount=0))
    assert (zero.transaction_date, zero.amount) == (dt.date(2026, 6, 15), 0)


@dataclass
class Files:
    a1: int
    a2: int
    a3: int
    a4: int
    a5: int
    x: int


@pytest.fixture
def files(books: Database) -> Files:
    e1 = post(books, dt.date(2026, 5, 10), "5月分 家賃", "渋谷ビルディング株式会社", "地代家賃", 330_000)
    e2 = post(books, dt.date(2026, 5, 20), "電気料金", TEPCO, "水道光熱費", 72_480)
    e3 = post(books, dt.date(2026, 6, 10), "電気料金", TEPCO, "水道光熱費", 68_120)
    e4 = services.save_draft(books.uow(), ACCOUNTANT, EntryDraft(dt.date(2026, 6, 15), "文具", "文具のさくら", (
        L("消耗品費", 5_500), L("現金", credit=5_500)))).id
    add = evidence.attach_to_entry
    a1 = add(books.uow(), ACCOUNTANT, e1, pdf("家賃.pdf")).id                  # 05-10  330,000  渋谷ビル
    a2 = add(books.uow(), ACCOUNTANT, e2, pdf("電気5月.pdf")).id               # 05-20   72,480  東京電力
    a3 = add(books.uow(), ACCOUNTANT, e3, pdf("電気6月.pdf")).id               # 06-10   68,120  東京電力
    a4 = add(books.uow(), ACCOUNTANT, e3, pdf("検針票.pdf", dt.date(2026, 6, 8), 1_000,
                                              "東京電力（検針票）")).id       # 06-08    1,000  東京電力（検針票）
    a5 = add(books.uow(), ACCOUNTANT, e4, pdf("文具.pdf")).id                  # 06-15    5,500  文具のさくら
    with books.uow() as uow:  # a receipt of an expense claim:                   05-25    3,300  喫茶さくら
        x = attachments.add_attachment(uow.session, ACCOUNTANT, "expense_claim", 99, NewAttachment(
            "receipt.png", "image/png", b"\x89PNG....", dt.date(2026, 5, 25), 3_300, "喫茶さくら")).id
        uow.commit()
    return Files(a1, a2, a3, a4, a5, x)


def ids(db: Database, **criteria: Any) -> list[int]:
    found = evidence.search_evidence(db.uow(), AUDITOR, evidence.EvidenceSearch(**criteria))
    return [r.id for r in found.rows]


def test_search_combines_date_amount_and_counterparty(books: Database, files: Files) -> None:
    f = files
    # May: 05-25 receipt, 05-20 electricity, 05-10 rent; newest 取引日 first.
    assert ids(books, date_from=dt.date(2026, 5, 1), date_to=dt.date(2026, 5, 31)) == [f.x, f.a2, f.a1]
    # May-June and 1,000..100,000 yen: 06-15 5,500; 06-10 68,120; 06-08 1,000; 05-25 3,300; 05-20 72,480.
    may_june: dict[str, Any] = {"date_from": dt.date(2026, 5, 1), "date_to": dt.date(2026, 6, 30),
                "amount_min": 1_000, "amount_max": 100_000}
    assert ids(books, **may_june) == [f.a5, f.a3, f.a4, f.x, f.a2]
    # ... and 取引先 contains 東京電力: the two electricity bills and the meter reading.
    assert ids(books, **may_june, counterparty="東京電力") == [f.a3, f.a4, f.a2]
    # Bounds are inclusive.
    assert ids(books, amount_min=1_000, amount_max=1_000) == [f.a4]
    assert ids(books, amount_min=330_000) == [f.a1]
    assert ids(books, date_from=dt.date(2026, 6, 15)) == [f.a5]
    # さくら: the draft's stationery receipt and the expense claim's café receipt; by kind, only the entry's.
    assert ids(books, counterparty="さくら") == [f.a5, f.x]
    assert ids(books, counterparty="さくら", owner_type="journal_entry") == [f.a5]
    assert ids(books, owner_type="expense_claim") == [f.x]
    assert ids(books, counterparty="100%") == []  # LIKE wildcards are literal


def test_search_pages_in_the_database_with_the_total(books: Database, files: Files) -> None:
    f = files
    # All six by 取引日: 06-15 a5, 06-10 a3, 06-08 a4, 05-25 x, 05-20 a2, 05-10 a1.
    first = evidence.search_evidence(books.uow(), AUDITOR, evidence.EvidenceSearch(), page=1, per_page=4)
    second = evidence.search_evidence(books.uow(), AUDITOR, evidence.EvidenceSearch(), page=2, per_page=4)
    assert (first.total, first.pages, [r.id for r in first.rows]) == (6, 2, [f.a5, f.a3, f.a4, f.x])
    assert (second.total, [r.id for r in second.rows]) == (6, [f.a2, f.a1])
    row = second.rows[0]
    assert (row.owner_type, row.filename, row.amount, row.counterparty, row.transaction_date) == (
        "journal_entry", "電気5月.pdf", 72_480, TEPCO, dt.date(2026, 5, 20))
    assert row.owner_href == f"/ledger/entries/{row.owner_id}" and row.size == len(PDF)
    assert first.rows[3].owner_href == "/expenses/99"


def test_bad_files_and_bad_searches_are_refused_naming_the_field(books: Database) -> None:
    entry_id = post(books, dt.date(2026, 5, 10), "家賃", "渋谷ビルディング株式会社", "地代家賃", 330_000)
    cases = [
        (NewAttachment("page.html", "text/html", b"<html>"), "file", "attachment.error.type"),
        (NewAttachment("fake.pdf", "application/pdf", b"MZ...."), "file", "attachment.error.content"),
        (pdf("negative.pdf", amount=-1), "amount", "attachment.error.amount"),
        (pdf("long.pdf", counterparty="あ" * 201), "counterparty", "attachment.error.counterparty_length"),
    ]
    for new, field, key in cases:
        with pytest.raises(Invalid) as err:
            evidence.attach_to_entry(books.uow(), ACCOUNTANT, entry_id, new)
        assert [(p.field, p.key) for p in err.value.problems] == [(field, key)], new.filename
    with pytest.raises(Invalid) as err:
        evidence.attach_to_entry(books.uow(), ACCOUNTANT, entry_id, pdf("big.pdf"), max_bytes=len(PDF) - 1)
    assert [(p.field, p.key) for p in err.value.problems] == [("file", "attachment.error.size")]
    with pytest.raises(NotFound) as missing:
        evidence.attach_to_entry(books.uow(), ACCOUNTANT, 999_999, pdf("x.pdf"))
    assert missing.value.key == "ledger.error.entry_not_found"
    assert count_attachments(books) == 0
    bad_searches: tuple[tuple[dict[str, Any], str], ...] = (
        ({"date_from": dt.date(2026, 6, 1), "date_to": dt.date(2026, 5, 1)}, "date_from"),
        ({"amount_min": 5_000, "amount_max": 1_000}, "amount_min"),
        ({"amount_max": -1}, "amount_max"))
    for criteria, field in bad_searches:
        with pytest.raises(Invalid) as bad:
            evidence.search_evidence(books.uow(), AUDITOR, evidence.EvidenceSearch(**criteria))
        assert [p.field for p in bad.value.problems] == [field]


def test_only_the_books_readers_see_evidence_and_only_accounting_adds(books: Database) -> None:
    entry_id = post(books, dt.date(2026, 5, 10), "家賃", "渋谷ビルディング株式会社", "地代家賃", 330_000)
    added = evidence.attach_to_entry(books.uow(), ACCOUNTANT, entry_id, pdf("家賃.pdf"))
    for actor in (REQUESTER_ACTOR, AUDITOR):
        with pytest.raises(Forbidden):
            evidence.attach_to_entry(books.uow(), actor, entry_id, pdf("x.pdf"))
    with pytest.raises(Forbidden):
        evidence.entry_attachments(books.uow(), REQUESTER_ACTOR, entry_id)
    with pytest.raises(Forbidden):
        evidence.evidence_content(books.uow(), REQUESTER_ACTOR, added.id)
    with pytest.raises(Forbidden):
        evidence.search_evidence(books.uow(), REQUESTER_ACTOR, evidence.EvidenceSearch())
    assert count_attachments(books) == 1


def test_the_attachments_table_refuses_update_and_delete(books: Database) -> None:
    entry_id = post(books, dt.date(2026, 5, 10), "家賃", "渋谷ビルディング株式会社", "地代家賃", 330_000)
    added = evidence.attach_to_entry(books.uow(), ACCOUNTANT, entry_id, pdf("家賃.pdf"))
    for stmt in ("UPDATE attachments SET amount = 1 WHERE id = :i", "DELETE FROM attachments WHERE id = :i"):
        with pytest.raises(DBAPIError, match="immutable"), books.engine.begin() as conn:
            conn.execute(text(stmt), {"i": added.id})
    summary, _content = evidence.evidence_content(books.uow(), AUDITOR, added.id)
    assert summary.amount == 330_000


# ---------------------------------------------------------------- screens and API (demo company)


def _rent_entry(db: Database) -> int:
    with db.uow() as uow:
        return int(uow.session.scalar(select(JournalEntry.id).where(
            JournalEntry.description == "本社事務所 家賃", JournalEntry.entry_date == dt.date(2026, 10, 25))) or 0)


def test_web_upload_list_search_and_download(client: TestClient, demo_db: Database) -> None:
    token = login(client, ACCOUNTING)
    entry_id = _rent_entry(demo_db)
    page = client.get(f"/ledger/entries/{entry_id}")
    assert page.status_code == 200 and 'data-testid="evidence-form"' in page.text
    assert "家賃請求書_2026-10.pdf" in page.text  # the demo's evidence
    # The form is prefilled with the entry's 電帳法 fields.
    assert 'name="transaction_date" type="date" value="2026-10-25"' in page.text
    # A bad file is refused next to the file field, and a bad amount next to the amount.
    bad = client.post(f"/ledger/entries/{entry_id}/attachments",
                      data={"csrf_token": token, "transaction_date": "2026-10-25", "amount": "12x",
                            "counterparty": ""}, files={"file": ("a.html", b"<html>", "text/html")})
    assert bad.status_code == 422
    assert re.search(r'class="field invalid">\s*<label for="f-ev-amount"', bad.text)
    assert 'value="12x"' in bad.text
    wrong_type = client.post(f"/ledger/entries/{entry_id}/attachments",
                             data={"csrf_token": token, "transaction_date": "", "amount": "", "counterparty": ""},
                             files={"file": ("a.html", b"<html>", "text/html")})
    assert wrong_type.status_code == 422
    assert re.search(r'class="field invalid">\s*<label for="f-file"', wrong_type.text)
    # Without the CSRF token nothing is accepted.
    assert client.post(f"/ledger/entries/{entry_id}/attachments", data={},
                       files={"file": ("a.pdf", PDF, "application/pdf")}).status_code == 403
    done = client.post(f"/ledger/entries/{entry_id}/attachments",
                       data={"csrf_token": token, "transaction_date": "2026-10-24", "amount": "110,000",
                             "counterparty": "株式会社テスト証憑商事"},
                       files={"file": ("管理費請求書.pdf", PDF, "application/pdf")}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].startswith(f"/ledger/entries/{entry_id}")
    page = client.get(f"/ledger/entries/{entry_id}")
    assert "管理費請求書.pdf" in page.text and "株式会社テスト証憑商事" in page.text
    found = client.get("/ledger/evidence", params={"counterparty": "テスト証憑", "from": "2026-10-01",
                                                   "to": "2026-10-31", "amount_min": "100000"})
    assert found.status_code == 200
    links = re.findall(r'href="/ledger/evidence/(\d+)"', found.text)
    assert len(links) == 1 and "管理費請求書.pdf" in found.text
    assert f'href="/ledger/entries/{entry_id}"' in found.text
    file = client.get(f"/ledger/evidence/{links[0]}")
    assert file.status_code == 200 and file.content == PDF
    assert file.headers["content-type"] == "application/pdf"
    # The demo's rent invoices are there too; a backwards range is named.
    rents = client.get("/ledger/evidence", params={"counterparty": "渋谷ビルディング", "type": "journal_entry"})
    assert "家賃請求書_2026-10.pdf" in rents.text
    backwards = client.get("/ledger/evidence", params={"from": "2026-10-31", "to": "2026-10-01"})
    assert backwards.status_code == 422
    assert re.search(r'class="field invalid"><label for="f-from"', backwards.text)


def test_web_requester_sees_no_evidence(client: TestClient, demo_db: Database) -> None:
    login(client, REQUESTER)
    assert client.get("/ledger/evidence").status_code == 403
    with demo_db.uow() as uow:
        any_id = uow.session.scalar(select(Attachment.id).where(Attachment.owner_type == "journal_entry"))
    assert client.get(f"/ledger/evidence/{any_id}").status_code == 403


def test_api_attach_list_search_and_content(client: TestClient, demo_db: Database) -> None:
    keiri = auth(token_for(demo_db, ACCOUNTING))
    entry_id = _rent_entry(demo_db)
    created = client.post(f"/api/v1/journal-entries/{entry_id}/attachments", headers=keiri,
                          data={"counterparty": "API証憑株式会社"},
                          files={"file": ("api.pdf", PDF, "application/pdf")})
    assert created.status_code == 201, created.text
    body = created.json()
    # Date and amount from the entry (rent 330,000 on 2026-10-25); counterparty as given.
    assert (body["transaction_date"], body["amount"], body["counterparty"]) == (
        "2026-10-25", 330_000, "API証憑株式会社")
    listed = client.get(f"/api/v1/journal-entries/{entry_id}/attachments", headers=keiri).json()
    assert [a["filename"] for a in listed][-1] == "api.pdf"
    found = client.get("/api/v1/attachments", headers=keiri, params={
        "counterparty": "API証憑", "date_from": "2026-10-25", "date_to": "2026-10-25",
        "amount_min": 330000, "amount_max": 330000, "owner_type": "journal_entry"}).json()
    assert found["total"] == 1 and found["items"][0]["id"] == body["id"]
    assert found["items"][0]["owner_url"] == f"/ledger/entries/{entry_id}"
    content = client.get(f"/api/v1/attachments/{body['id']}/content", headers=keiri)
    assert content.status_code == 200 and content.content == PDF
    bad = client.get("/api/v1/attachments", headers=keiri, params={"date_from": "2026-11-01",
                                                                   "date_to": "2026-10-01"})
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")
    assert "date_from" in bad.text
    refused = client.post(f"/api/v1/journal-entries/{entry_id}/attachments", headers=keiri,
                          files={"file": ("x.exe", b"MZ", "application/x-msdownload")})
    assert refused.status_code == 422 and "file" in refused.text
    requester = auth(token_for(demo_db, REQUESTER))
    assert client.get("/api/v1/attachments", headers=requester).status_code == 403
    assert client.get(f"/api/v1/attachments/{body['id']}/content", headers=requester).status_code == 403
    assert client.post(f"/api/v1/journal-entries/{entry_id}/attachments", headers=requester,
                       files={"file": ("api.pdf", PDF, "application/pdf")}).status_code == 403
    assert client.post("/api/v1/journal-entries/999999/attachments", headers=keiri,
                       files={"file": ("api.pdf", PDF, "application/pdf")}).status_code == 404
