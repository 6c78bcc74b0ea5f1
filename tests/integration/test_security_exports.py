"""Exports and downloads (issue 14 items 12, 13): CSV journal exports never write a formula cell; stored file
names with CR/LF/NUL are cleaned at upload and a download's Content-Disposition is always valid."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient

from ennoshita.db import Database
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
