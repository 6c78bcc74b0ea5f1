"""仕訳のインポート・エクスポート on screen and through the API, on the demo company (SQLite and PostgreSQL):
a 弥生 file is imported all or nothing (a bad file lists every bad line and saves nothing), the books come back
out as 弥生 / hledger, and an account is renamed and deactivated through the API."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from ennoshita.db import Database
from ennoshita.ledger.models import Account, JournalEntry
from tests.conftest import ACCOUNTING, REQUESTER, login
from tests.integration.test_api import auth, token_for
from tests.integration.test_ledger_import import row

GOOD = (row("2000", "1", "2026/11/20", "現金", "5500", "売上高", "5500", "店頭売上 取込テスト", c_tax="課税売上込10%",
            c_taxamt="500")
        + row("2110", "2", "2026/11/21", "旅費交通費", "1200", "", "", "出張 取込テスト")
        + row("2101", "2", "2026/11/21", "", "", "現金", "1200", "出張 取込テスト")).encode("cp932")
# line 1: an account the chart does not have; line 2: a month the demo has closed (2026-05 is locked)
BAD = (row("2000", "1", "2026/11/20", "謎の科目", "100", "現金", "100", "x")
       + row("2000", "2", "2026/05/10", "現金", "100", "売上高", "100", "y")).encode("cp932")


def _entries(db: Database) -> int:
    with db.uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(JournalEntry)) or 0)


def test_import_and_export_on_screen(client: TestClient, demo_db: Database) -> None:
    token = login(client, ACCOUNTING)
    page = client.get("/ledger/import")
    assert page.status_code == 200 and "弥生会計 仕訳日記帳" in page.text
    before = _entries(demo_db)
    bad = client.post("/ledger/import", data={"csrf_token": token, "format": "yayoi"},
                      files={"file": ("bad.csv", BAD, "text/csv")})
    assert bad.status_code == 422 and 'data-testid="import-problems"' in bad.text
    assert "謎の科目" in bad.text and "2026-05" in bad.text
    assert _entries(demo_db) == before  # nothing saved
    good = client.post("/ledger/import", data={"csrf_token": token, "format": "yayoi"},
                       files={"file": ("good.csv", GOOD, "text/csv")}, follow_redirects=False)
    assert good.status_code == 303, good.text
    done = client.get(good.headers["location"]).text
    assert 'data-testid="import-done"' in done and "2件の仕訳（5行）" in done
    assert _entries(demo_db) == before + 2
    out = client.get("/ledger/export?format=yayoi&from=2026-11-20&to=2026-11-21")
    assert out.status_code == 200 and "attachment" in out.headers["content-disposition"]
    text = out.content.decode("cp932")
    assert "店頭売上 取込テスト" in text and "出張 取込テスト" in text
    # a requester may not import
    client.cookies.clear()
    other = login(client, REQUESTER)
    refused = client.post("/ledger/import", data={"csrf_token": other, "format": "yayoi"},
                          files={"file": ("good.csv", GOOD, "text/csv")})
    assert refused.status_code == 403


def test_import_export_and_accounts_through_the_api(client: TestClient, demo_db: Database) -> None:
    keiri = auth(token_for(demo_db, ACCOUNTING))
    bad = client.post("/api/v1/journal-entries/import", headers=keiri, data={"format": "yayoi"},
                      files={"file": ("bad.csv", BAD, "text/csv")})
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")
    assert sorted((e["line"], e["code"]) for e in bad.json()["errors"]) == [
        (1, "ledger.error.unknown_account"), (2, "ledger.error.period_locked")]
    made = client.post("/api/v1/journal-entries/import", headers=keiri, data={"format": "yayoi"},
                       files={"file": ("good.csv", GOOD, "text/csv")})
    assert made.status_code == 201, made.text
    assert (made.json()["entries"], made.json()["lines"]) == (2, 5)
    hledger = client.get("/api/v1/journal-entries/export?format=hledger&from=2026-11-20&to=2026-11-21",
                         headers=keiri)
    assert hledger.status_code == 200 and "店頭売上 取込テスト" in hledger.text and "JPY" in hledger.text

    with demo_db.uow() as uow:
        misc = uow.session.scalar(select(Account.id).where(Account.code == "6490"))
    renamed = client.patch(f"/api/v1/accounts/{misc}", headers=keiri, json={"name": "雑費（その他）"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "雑費（その他）"
    off = client.patch(f"/api/v1/accounts/{misc}", headers=keiri, json={"active": False})
    assert off.status_code == 200 and off.json()["active"] is False
    listed = client.get("/api/v1/accounts", headers=keiri).json()
    assert all(a["code"] != "6490" for a in listed)  # inactive accounts are left out unless asked for
    requester = auth(token_for(demo_db, REQUESTER))
    assert client.patch(f"/api/v1/accounts/{misc}", headers=requester, json={"active": True}).status_code == 403
