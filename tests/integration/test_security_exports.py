"""Exports and downloads (issue 14 items 12, 13): CSV journal exports never write a formula cell; stored file
names with CR/LF/NUL are cleaned at upload and a download's Content-Disposition is always valid."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient

from ennoshita.db import Database
from tests.conftest import login
from tests.integration.test_api import auth, token_for

EVIL = '=HYPERLINK("http://attacker.example/","開く")'


def test_journal_exports_never_write_formulas(client: TestClient, demo_db: Database) -> None:
    keiri = auth(token_for(demo_db, "keiri@demo.ennoshita.jp"))
    entry = {"date": "2026-11-20", "description": EVIL, "counterparty": "@SUM(1+1)*cmd", "lines": [
        {"account": "6240", "debit": 1200, "memo": "-x"}, {"account": "1120", "credit": 1200}]}
    draft = client.post("/api/v1/journal-entries", headers=keiri, json=entry)
    assert draft.status_code == 201, draft.text
    assert client.post(f"/api/v1/journal-entries/{draft.json()['id']}/post", headers=keiri).status_code == 200
    for fmt, encoding in (("csv", "utf-8-sig"), ("yayoi", "cp932")):
        body = client.get("/api/v1/journal-entries/export", headers=keiri,
                          params={"format": fmt, "from": "2026-11-20", "to": "2026-11-20"}).content
        cells = [c for row in csv.reader(io.StringIO(body.decode(encoding))) for c in row]
        assert "'" + (EVIL if fmt == "csv" else "-x") in cells, fmt  # neutralised, not dropped
        assert not [c for c in cells if c[:1] in ("=", "@") or (c[:1] == "-" and not c[1:].isdigit())], fmt


def test_file_names_with_cr_lf_nul_are_cleaned_and_downloadable(client: TestClient, demo_db: Database) -> None:
    """Item 13: a receipt named with CR/LF/NUL was stored as given and its download dropped the response."""
    import base64

    png = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32).decode()
    eigyo = auth(token_for(demo_db, "eigyo@demo.ennoshita.jp"))
    claim = client.post("/api/v1/expense-claims", headers=eigyo, json={"title": "打合せ", "lines": [
        {"kind": "receipt", "expense_date": "2026-11-20", "amount": 1_100, "payee": "喫茶ルオー",
         "account_code": "6240", "tax_rate": "10", "purpose": "打合せ",
         "receipt": {"filename": "領収書\r\nSet-Cookie: x=1\x00../../etc.png", "content_type": "image/png",
                     "content_base64": png}}]})
    assert claim.status_code == 201, claim.text
    receipt = claim.json()["lines"][0]["receipt_id"]
    got = client.get(f"/api/v1/attachments/{receipt}/content", headers=eigyo)
    assert got.status_code == 200 and got.content.startswith(b"\x89PNG")
    header = got.headers["content-disposition"]
    assert "\r" not in header and "\n" not in header and "set-cookie" not in {k.lower() for k in got.headers
                                                                               if k.lower() == "set-cookie"}
    assert "filename*=UTF-8''" in header and "/" not in header.split("filename=")[1].split(";")[0]
    login(client, "eigyo@demo.ennoshita.jp")  # the screen's download of the same receipt
    page = client.get(f"/expenses/{claim.json()['id']}/receipts/{receipt}")
    assert page.status_code == 200 and "\n" not in page.headers["content-disposition"]


def test_search_treats_percent_and_underscore_literally(client: TestClient, demo_db: Database) -> None:
    """Item 14: ``q=%`` listed every partner, request and claim (LIKE wildcards were not escaped)."""
    admin = auth(token_for(demo_db, "admin@demo.ennoshita.jp"))
    for q in ("%", "_"):
        partners = client.get("/api/v1/partners", headers=admin, params={"q": q})
        assert partners.status_code == 200 and partners.json()["total"] == 0, q
        requests = client.get("/api/v1/requests", headers=admin, params={"q": q, "scope": "all"})
        assert requests.status_code == 200, requests.text
        body = requests.json()
        assert (body["total"] if isinstance(body, dict) and "total" in body else len(body.get("items", body))) == 0
