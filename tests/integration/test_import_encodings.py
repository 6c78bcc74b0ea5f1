"""Every CSV import detects the encoding (BOM, UTF-8, cp932) and answers a bad file with a 4xx and a message,
never a 500 (issue 13 item 6): the 弥生 file as Excel saves it ("CSV UTF-8", with BOM) and as plain UTF-8
imports on the screen, and random bytes sent to every import endpoint are refused and import nothing."""

from __future__ import annotations

import codecs
import random
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from ennoshita import textfiles
from ennoshita.db import Database
from ennoshita.errors import Invalid
from ennoshita.ledger.models import JournalEntry
from tests.conftest import ACCOUNTING, ADMIN, csrf_of, login
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


# A file that is neither Shift_JIS (cp932) nor UTF-8: random bytes, UTF-16 with its byte-order mark (Excel's
# "Unicode text"), and UTF-16 without one, whose ASCII-only text is also valid UTF-8 full of NUL characters.
UNDECODABLE = {
    "random": bytes(random.Random(7).randrange(128, 256) for _ in range(300)) + b"\xff\r\n",
    "utf-16": "\ufeff".encode("utf-16-le") + YAYOI.encode("utf-16-le"),
    "utf-16 ascii": ("employee_number,date,clock_in,clock_out,break_minutes\r\n"
                     "E001,2026-11-02,09:00,18:00,60\r\n").encode("utf-16-le"),
}
ENCODING_JA = "ファイルの文字コードを判別できません。Shift_JIS（cp932）または UTF-8 の CSV を指定してください。"
CLI_IMPORTS = {"journal yayoi": ["journal", "import", "{file}", "--format", "yayoi"],
               "journal csv": ["journal", "import", "{file}", "--format", "csv"],
               "bank": ["sales", "bank-import", "{file}"],
               "partners": ["sales", "partners", "import", "{file}"],
               "attendance": ["hr", "attendance", "import", "{file}"]}


@pytest.mark.parametrize("sample", list(UNDECODABLE))
def test_an_undecodable_file_is_a_problem_of_the_whole_file_in_every_import(
        client: TestClient, demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sample: str) -> None:
    """Random bytes or UTF-16 given to the 弥生 import were reported as a problem of 行 1, as if one line were wrong
    (the bank import said it in words of its own, the CLI's attendance import read the bytes as cp932 with
    replacement characters, and UTF-16 without a byte-order mark read as UTF-8). Every CSV import now says one
    thing of the whole file: its encoding cannot be read, which encodings are accepted, naming the file and no
    line; nothing is imported."""
    from typer.testing import CliRunner

    from ennoshita.cli.main import app
    from ennoshita.hr.models import AttendanceDay
    from ennoshita.sales.models import BankDeposit, Partner

    data = UNDECODABLE[sample]
    file = tmp_path / "undecodable.csv"
    file.write_bytes(data)

    def counts() -> tuple[int, ...]:
        with demo_db.uow() as uow:
            return tuple(int(uow.session.scalar(select(func.count()).select_from(model)) or 0)
                         for model in (JournalEntry, BankDeposit, Partner, AttendanceDay))

    before = counts()
    monkeypatch.setenv("ENNOSHITA_LANG", "ja")
    runner = CliRunner()
    for name, command in CLI_IMPORTS.items():
        r = runner.invoke(app, [*(a.format(file=file) for a in command), "--database-url", demo_db.url])
        assert r.exit_code == 1, (name, r.output)
        assert r.stderr.splitlines() == [f"エラー: FILE: {ENCODING_JA}"], (name, r.stderr)

    api = {**auth(token_for(demo_db, ADMIN)), "Accept-Language": "ja"}
    answers = {
        "api yayoi": client.post("/api/v1/journal-entries/import", headers=api, data={"format": "yayoi"},
                                 files={"file": ("x.csv", data, "text/csv")}),
        "api csv": client.post("/api/v1/journal-entries/import", headers=api, data={"format": "csv"},
                               files={"file": ("x.csv", data, "text/csv")}),
        "api bank": client.post("/api/v1/bank-imports", headers=api, files={"file": ("x.csv", data, "text/csv")}),
        "api attendance": client.post("/api/v1/attendance/import", headers={**api, "Content-Type": "text/csv"},
                                      content=data),
    }
    for name, r in answers.items():
        assert r.status_code == 422, (name, r.text)
        errors = r.json()["errors"]
        assert [(e["field"], e["line"], e["code"]) for e in errors] == [("file", None, "import.error.encoding")], name

    csrf = login(client, ADMIN)
    pages = {
        "web yayoi": client.post("/ledger/import", data={"csrf_token": csrf, "format": "yayoi"},
                                 files={"file": ("x.csv", data, "text/csv")}),
        "web csv": client.post("/ledger/import", data={"csrf_token": csrf, "format": "csv"},
                               files={"file": ("x.csv", data, "text/csv")}),
        "web bank": client.post("/sales/receipts/import", data={"csrf_token": csrf},
                                files={"file": ("x.csv", data, "text/csv")}),
        "web partners": client.post("/sales/partners/import", data={"csrf_token": csrf},
                                    files={"file": ("x.csv", data, "text/csv")}),
        "web attendance": client.post("/hr/attendance/import", data={"csrf_token": csrf},
                                      files={"file": ("x.csv", data, "text/csv")}),
    }
    for name, r in pages.items():
        assert r.status_code == 422, (name, r.status_code)
        assert 'role="alert"' in r.text, (name, r.text[:2000])
        alert = r.text.split('role="alert"', 1)[1].split("</div>", 1)[0]
        assert ENCODING_JA in alert and "行目" not in alert, (name, alert)
        assert 'data-testid="import-problems"' not in r.text, name
    assert counts() == before


def test_an_import_form_posted_without_its_file_part_is_a_4xx_naming_the_file(client: TestClient,
                                                                            demo_db: Database) -> None:
    """A script (or a browser extension) posting an import form url-encoded, without the multipart file part:
    the CSRF check has read the body as a form, and the import answered 500 ("Stream consumed") before."""
    login(client, ADMIN)
    for page, action in (("/sales/receipts", "/sales/receipts/import"), ("/ledger/import", "/ledger/import"),
                         ("/hr/attendance", "/hr/attendance/import?month=2026-11")):
        token = csrf_of(client.get(page).text)
        r = client.post(action, data={"csrf_token": token, "format": "yayoi"})
        assert 400 <= r.status_code < 500, (action, r.status_code, r.text[:300])
        assert 'role="alert"' in r.text or "import-problems" in r.text, (action, r.text[:300])
