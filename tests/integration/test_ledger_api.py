"""The ledger API on SQLite and PostgreSQL: accounts, a draft that is posted and reversed, search, reports in
JSON and as files, and a posted entry that no path can change (API 409/422, then the database itself).

Entries are dated 2026-11-21 in the demo company (税抜経理, 切り捨て, April fiscal year), a day its demo
books leave empty, on accounts the demo never uses, so the figures are computed by hand.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from ennoshita.db import Database
from tests.conftest import ACCOUNTING, AUDITOR, REQUESTER
from tests.integration.test_api import auth, token_for

DAY = "2026-11-21"

# 会議費 3,300 incl. 10% (tax 3,300 x 10/110 = 300, net 3,000) and 旅費交通費 1,000 without tax,
# both paid from 小口現金 4,300.
MEETING = {
    "date": DAY, "description": "打合せ 会議費と交通費", "counterparty": "喫茶ひまわり",
    "lines": [
        {"account": "6240", "tax_category": "purchase_10", "debit": 3300, "memo": "コーヒー代"},
        {"account": "旅費交通費", "debit": 1000, "department": "200"},
        {"account": "1120", "credit": 4300},
    ],
}


@pytest.fixture
def keiri(client: TestClient, demo_db: Database) -> dict[str, str]:
    return auth(token_for(demo_db, ACCOUNTING))


def posted_meeting(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    draft = client.post("/api/v1/journal-entries", headers=headers, json=MEETING)
    assert draft.status_code == 201, draft.text
    posted = client.post(f"/api/v1/journal-entries/{draft.json()['id']}/post", headers=headers)
    assert posted.status_code == 200, posted.text
    body: dict[str, Any] = posted.json()
    return body


def test_accounts_are_listed_and_added_never_twice(client: TestClient, keiri: dict[str, str]) -> None:
    accounts = client.get("/api/v1/accounts", headers=keiri).json()
    cash = next(a for a in accounts if a["code"] == "1110")
    assert (cash["name"], cash["category"], cash["section"]) == ("現金", "asset", "current_assets")
    new = {"code": "6495", "name": "清掃費", "section": "sga", "name_kana": "セイソウヒ",
           "default_tax_category": "purchase_10"}
    r = client.post("/api/v1/accounts", headers=keiri, json=new)
    assert r.status_code == 201 and r.json()["category"] == "expense" and r.json()["normal_side"] == "debit"
    assert client.post("/api/v1/accounts", headers=keiri, json=new).status_code == 409


def test_a_draft_is_posted_found_and_reversed(client: TestClient, keiri: dict[str, str]) -> None:
    draft = client.post("/api/v1/journal-entries", headers=keiri, json=MEETING)
    assert draft.status_code == 201
    assert draft.json()["status"] == "draft" and draft.json()["entry_no"] is None
    entry_id = draft.json()["id"]
    posted = client.post(f"/api/v1/journal-entries/{entry_id}/post", headers=keiri).json()
    assert posted["status"] == "posted" and posted["entry_no"].startswith("JE-2026-")
    assert [(x["account_code"], x["debit"], x["credit"]) for x in posted["lines"]] == [
        ("6240", 3000, 0), ("1460", 300, 0), ("6250", 1000, 0), ("1120", 0, 4300)]
    assert posted["total"] == 4300

    found = client.get("/api/v1/journal-entries", headers=keiri, params={
        "from": DAY, "to": DAY, "amount_min": 4300, "amount_max": 4300, "counterparty": "ひまわり",
        "account": "小口現金", "text": "打合せ"}).json()
    assert [e["id"] for e in found["items"]] == [entry_id] and found["total"] == 1
    none = client.get("/api/v1/journal-entries", headers=keiri,
                      params={"from": DAY, "to": DAY, "amount_min": 4301}).json()
    assert none["total"] == 0

    reversal = client.post(f"/api/v1/journal-entries/{entry_id}/reverse", headers=keiri,
                           json={"reason": "誤入力"})
    assert reversal.status_code == 201
    assert reversal.json()["reverses_id"] == entry_id
    assert [(x["account_code"], x["debit"], x["credit"]) for x in reversal.json()["lines"]] == [
        ("6240", 0, 3000), ("1460", 0, 300), ("6250", 0, 1000), ("1120", 4300, 0)]
    again = client.post(f"/api/v1/journal-entries/{entry_id}/reverse", headers=keiri)
    assert again.status_code == 409
    original = client.get(f"/api/v1/journal-entries/{entry_id}", headers=keiri).json()
    assert original["reversed_by"] == [reversal.json()["id"]]


def test_an_unbalanced_entry_is_a_problem_and_nothing_is_saved(client: TestClient, keiri: dict[str, str]) -> None:
    body = {**MEETING, "lines": [{"account": "6240", "debit": 3300}, {"account": "1120", "credit": 3000}]}
    r = client.post("/api/v1/journal-entries", headers=keiri, json=body)
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    assert {e["field"] for e in r.json()["errors"]} == {"lines"}
    assert "差額 300円" in r.json()["detail"]
    assert client.get("/api/v1/journal-entries", headers=keiri, params={"from": DAY, "status": "draft"}
                      ).json()["total"] == 0
    # amounts are integer yen: 33.5 is refused by the schema
    fractional = {**MEETING, "lines": [{"account": "6240", "debit": 33.5}, {"account": "1120", "credit": 33.5}]}
    assert client.post("/api/v1/journal-entries", headers=keiri, json=fractional).status_code == 422


def test_a_locked_month_refuses_posting(client: TestClient, keiri: dict[str, str]) -> None:
    r = client.post("/api/v1/journal-entries", headers=keiri, json={**MEETING, "date": "2026-06-30"})
    assert r.status_code == 422
    assert r.json()["errors"][0]["message"] == "2026-06 は月次締め済みのため計上できません。"


def test_a_posted_entry_cannot_be_changed_by_the_api_nor_in_the_database(
        client: TestClient, keiri: dict[str, str], demo_db: Database) -> None:
    entry = posted_meeting(client, keiri)
    entry_id = entry["id"]
    changed = {**MEETING, "description": "書き換え"}
    assert client.put(f"/api/v1/journal-entries/{entry_id}", headers=keiri, json=changed).status_code == 409
    assert client.delete(f"/api/v1/journal-entries/{entry_id}", headers=keiri).status_code == 409
    assert client.post(f"/api/v1/journal-entries/{entry_id}/post", headers=keiri).status_code == 409
    # not even a statement straight to the database
    for sql in (f"UPDATE journal_lines SET debit = debit + 1 WHERE entry_id = {entry_id}",
                f"DELETE FROM journal_lines WHERE entry_id = {entry_id}",
                f"UPDATE journal_entries SET description = 'x' WHERE id = {entry_id}",
                f"DELETE FROM journal_entries WHERE id = {entry_id}"):
        with demo_db.engine.connect() as conn, pytest.raises(DBAPIError):
            conn.execute(text(sql))
    after = client.get(f"/api/v1/journal-entries/{entry_id}", headers=keiri).json()
    assert after["description"] == MEETING["description"] and after["lines"] == entry["lines"]


def test_reports_in_json_and_as_files(client: TestClient, keiri: dict[str, str]) -> None:
    posted_meeting(client, keiri)
    tb = client.get("/api/v1/reports/trial-balance", headers=keiri, params={"from": DAY, "to": DAY}).json()
    rows = {r["account_code"]: r for r in tb}
    assert set(tb[0]) == {"account_code", "account_name", "opening", "debit", "credit", "closing"}
    assert rows["1120"] == {"account_code": "1120", "account_name": "小口現金", "opening": 0, "debit": 0,
                            "credit": 4300, "closing": -4300}
    assert (rows["6240"]["debit"], rows["6250"]["debit"], rows["1460"]["debit"]) == (3000, 1000, 300)
    assert sum(r["debit"] for r in tb) == sum(r["credit"] for r in tb) == 4300

    gl = client.get("/api/v1/reports/gl", headers=keiri, params={"account": "1120", "from": DAY, "to": DAY}).json()
    assert (gl["opening"], gl["credit_total"], gl["lines"][0]["balance"]) == (0, 4300, -4300)
    dept = client.get("/api/v1/reports/gl", headers=keiri,
                      params={"account": "6250", "from": DAY, "to": DAY, "department": "管理部"}).json()
    assert [x["debit"] for x in dept["lines"]] == [1000]

    pl = client.get("/api/v1/reports/pl", headers=keiri, params={"from": DAY, "to": DAY}).json()
    # only this entry on that day: 販管費 3,000 + 1,000 -> 営業利益 = 当期純利益 = -4,000
    assert pl["figures"]["sga"] == 4000 and pl["figures"]["net_income"] == -4000
    bs = client.get("/api/v1/reports/bs", headers=keiri, params={"as_of": DAY}).json()
    assert bs["figures"]["assets"] == bs["figures"]["liabilities_and_net_assets"]
    tax = client.get("/api/v1/reports/tax", headers=keiri, params={"from": "2026-11-01", "to": "2026-11-30"}).json()
    meeting = next(r for r in tax if r["account_code"] == "6240")
    assert meeting["tax_category_name"] == "課税仕入10%・共通対応"  # posted with the company default 用途区分
    monthly = client.get("/api/v1/reports/monthly", headers=keiri, params={"fiscal_year": 2026}).json()
    assert monthly["months"][0] == "2026-04" and len(monthly["months"]) == 12
    petty = next(r for r in monthly["rows"] if r["account_code"] == "1120")
    assert petty["months"][7] == -4300  # November, month-end balance on the debit side
    journal = client.get("/api/v1/reports/journal", headers=keiri, params={"from": DAY, "to": DAY}).json()
    assert journal["total"] == 1

    for path, params in (("trial-balance", {"from": DAY, "to": DAY}), ("pl", {"from": DAY, "to": DAY}),
                         ("bs", {"as_of": DAY}), ("gl", {"account": "1120", "from": DAY, "to": DAY}),
                         ("monthly", {"fiscal_year": 2026}), ("journal", {"from": DAY, "to": DAY}),
                         ("tax", {"from": DAY, "to": DAY})):
        csv_file = client.get(f"/api/v1/reports/{path}", headers=keiri, params={**params, "format": "csv"})
        assert csv_file.content.startswith(b"\xef\xbb\xbf"), path
        xlsx = client.get(f"/api/v1/reports/{path}", headers=keiri, params={**params, "format": "xlsx"})
        assert load_workbook(io.BytesIO(xlsx.content)).active is not None, path
        pdf = client.get(f"/api/v1/reports/{path}", headers=keiri, params={**params, "format": "pdf"})
        assert pdf.content.startswith(b"%PDF"), path
        json.loads(client.get(f"/api/v1/reports/{path}", headers=keiri, params=params).content)


def test_who_may_read_and_write_the_books(client: TestClient, demo_db: Database) -> None:
    requester = auth(token_for(demo_db, REQUESTER))
    auditor = auth(token_for(demo_db, AUDITOR))
    for path in ("/api/v1/accounts", "/api/v1/journal-entries", "/api/v1/reports/trial-balance"):
        assert client.get(path, headers=requester).status_code == 403, path
        assert client.get(path, headers=auditor).status_code == 200, path
    assert client.post("/api/v1/journal-entries", headers=auditor, json=MEETING).status_code == 403
    assert client.post("/api/v1/journal-entries", headers=requester, json=MEETING).status_code == 403


def test_an_english_callers_entries_and_reports_name_the_accounts_in_english(client: TestClient, demo_db: Database,
                                                                             keiri: dict[str, str]) -> None:
    """The API names accounts in its caller's language like the screens (before, 会議費 and 小口現金 came back to an
    English user); an account added with an English name is named by it, one without keeps its name."""
    with demo_db.engine.begin() as conn:
        conn.execute(text("UPDATE users SET language = 'en' WHERE email = :e"), {"e": ACCOUNTING})
    entry = posted_meeting(client, keiri)
    assert [ln["account_name"] for ln in entry["lines"]][:1] == ["Meeting expenses"]
    assert not any("会議費" in ln["account_name"] for ln in entry["lines"])
    new = {"code": "6496", "name": "清掃費", "name_en": "Cleaning", "section": "sga"}
    assert client.post("/api/v1/accounts", headers=keiri, json=new).json()["name_en"] == "Cleaning"
    plain = {"code": "6497", "name": "植栽費", "section": "sga"}
    assert client.post("/api/v1/accounts", headers=keiri, json=plain).status_code == 201
    tb = client.get("/api/v1/reports/tax", headers=keiri, params={"from": "2026-11-01", "to": "2026-11-30"}).json()
    assert "Meeting expenses" in {r["account_name"] for r in tb} and "会議費" not in {r["account_name"] for r in tb}
