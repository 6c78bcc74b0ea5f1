"""Every CSV import detects the encoding (BOM, UTF-8, cp932) and answers a bad file with a 4xx and a message,
never a 500 (issue 13 item 6): the 弥生 file as Excel saves it ("CSV UTF-8", with BOM) and as plain UTF-8
imports on the screen, and random bytes sent to every import endpoint are refused and import nothing."""

from __future__ import annotations

import codecs
import random

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from ennoshita import textfiles
from ennoshita.db import Database
from ennoshita.errors import Invalid
from ennoshita.ledger.models import JournalEntry
from tests.conftest import ACCOUNTING, login
from tests.integration.test_api import auth, token_for
from tests.integration.test_ledger_import import row

YAYOI = (row("2000", "1", "2026/11/20", "現金", "5500", "売上高", "5500", "店頭売上 文字コード", c_tax="課税売上込10%",
              c_taxamt="500")
         + row("2110", "2", "2026/11/21", "旅費交通費", "1200", "", "", "出張 文字コード")
         + row("2101", "2", "2026/11/21", "", "", "現金", "1200", "出張 文字コード"))


def _entries(db: Database) -> int:
    with db.uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(JournalEntry)) or 0)


def test_detection_prefers_what_the_bytes_can_only_be() -> None:
    assert textfiles.decode("売掛金".encode())[1] == "utf-8"  # also valid cp932 (as 螢ｲ謗幃≡), but UTF-8
    assert textfiles.decode(codecs.BOM_UTF8 + "売掛金".encode())[0] == "売掛金"
    assert textfiles.decode("ｶ)ｻｸﾗｾｲｷ 売掛金".encode("cp932")) == ("ｶ)ｻｸﾗｾｲｷ 売掛金", "cp932")
    with pytest.raises(Invalid):
        textfiles.decode(b"\x82\xa0\xff\xfe\x80")  # 0xFF is in no Shift_JIS text
    with pytest.raises(Invalid):
        textfiles.decode(b"\x81\x20")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp932"])
def test_a_yayoi_file_in_any_encoding_imports_on_the_screen(client: TestClient, demo_db: Database,
                                                           encoding: str) -> None:
    token = login(client, ACCOUNTING)
    before = _entries(demo_db)
    r = client.post("/ledger/import", data={"csrf_token": token, "format": "yayoi"},
                    files={"file": ("yayoi.csv", YAYOI.encode(encoding), "text/csv")}, follow_redirects=False)
    assert r.status_code == 303, r.text
    assert _entries(demo_db) == before + 2


def _samples() -> list[bytes]:
    rng = random.Random(13)
    samples = [bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400))) for _ in range(12)]
    samples += [b"\xff\xfe" + "売掛金".encode("utf-16-le"), codecs.BOM_UTF8 + b"\xff\xfe\x80",
                b"2000,1,,2026/11/20" + b"\x82", b"\x00" * 50, b",,,,\r\n" * 3]
    return samples


def test_random_bytes_to_every_import_endpoint_get_a_4xx_with_a_message(client: TestClient,
                                                                       demo_db: Database) -> None:
    api = auth(token_for(demo_db, ACCOUNTING))
    token = login(client, ACCOUNTING)
    before = _entries(demo_db)
    for data in _samples():
        answers = {
            "api yayoi": client.post("/api/v1/journal-entries/import", headers=api, data={"format": "yayoi"},
                                     files={"file": ("x.csv", data, "text/csv")}),
            "api csv": client.post("/api/v1/journal-entries/import", headers=api, data={"format": "csv"},
                                   files={"file": ("x.csv", data, "text/csv")}),
            "api bank raw": client.post("/api/v1/bank-imports", headers={**api, "Content-Type": "text/csv"},
                                        content=data),
            "api bank form": client.post("/api/v1/bank-imports", headers=api,
                                         files={"file": ("x.csv", data, "text/csv")}),
            "web yayoi": client.post("/ledger/import", data={"csrf_token": token, "format": "yayoi"},
                                     files={"file": ("x.csv", data, "text/csv")}),
            "web csv": client.post("/ledger/import", data={"csrf_token": token, "format": "csv"},
                                   files={"file": ("x.csv", data, "text/csv")}),
            "web bank": client.post("/sales/receipts/import", data={"csrf_token": token},
                                    files={"file": ("x.csv", data, "text/csv")}),
        }
        for name, r in answers.items():
            assert 400 <= r.status_code < 500, (name, data[:40], r.status_code, r.text[:300])
            if r.headers.get("content-type", "").startswith("application/problem+json"):
                body = r.json()
                assert body["detail"] and "Traceback" not in body["detail"], (name, body)
            else:
                assert 'role="alert"' in r.text or "import-problems" in r.text, (name, r.text[:300])
    assert _entries(demo_db) == before
