"""Uploads (issue 14 items 11 and 15): every import is capped before and while its body is read (413 naming the
limit), capped in rows (422), the bank CSV import streams and writes in batches (70,000 rows pass PostgreSQL's
65,535-parameter limit), and while an import holds its transaction, health and a logged-in page still answer.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from ennoshita.db import Database
from ennoshita.errors import Invalid
from ennoshita.sales import receivables
from ennoshita.sales.models import BankDeposit
from ennoshita.settings import Settings
from ennoshita.web.app import create_app
from tests.conftest import ADMIN, csrf_of, login
from tests.integration.test_api import auth, token_for
from tests.integration.test_sales_flow import CLERK

PORT = 8105


def _bank_csv(rows: int, start: int = 0) -> bytes:
    lines = ["date,payer_kana,amount,description"]
    lines += [f"2026-11-{1 + (i % 28):02d},ｶ)ﾃｽﾄ{i % 97},{1000 + i},入金{i}" for i in range(start, start + rows)]
    return ("\r\n".join(lines) + "\r\n").encode()


@pytest.fixture
def small_caps(demo_db: Database, app_settings: Settings) -> Iterator[TestClient]:
    settings = app_settings.model_copy(update={"bank_csv_max_bytes": 4096, "bank_csv_max_rows": 20})
    with TestClient(create_app(settings, demo_db)) as c:
        yield c


def test_a_declared_length_over_the_cap_is_refused_before_the_body_is_read(small_caps: TestClient,
                                                                           demo_db: Database) -> None:
    headers = {**auth(token_for(demo_db, ADMIN)), "Content-Type": "text/csv"}
    response = small_caps.post("/api/v1/bank-imports", headers=headers, content=_bank_csv(3000))
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["type"] == "urn:ennoshita:problem:upload.error.too_large"
    assert "0.00390625 MB" in response.json()["title"]  # 4,096 bytes, the configured limit


def test_a_body_without_length_is_stopped_at_the_cap(small_caps: TestClient, demo_db: Database) -> None:
    headers = {**auth(token_for(demo_db, ADMIN)), "Content-Type": "text/csv"}
    body = _bank_csv(3000)

    def chunks() -> Iterator[bytes]:  # chunked transfer: no Content-Length to trust
        for i in range(0, len(body), 1000):
            yield body[i:i + 1000]

    response = small_caps.post("/api/v1/bank-imports", headers=headers, content=chunks())
    assert response.status_code == 413
    assert response.json()["type"] == "urn:ennoshita:problem:upload.error.too_large"
    with demo_db.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(BankDeposit).where(
            BankDeposit.payer_name.like("カ)テスト%"))) == 0


def test_the_web_form_over_the_cap_answers_413_in_japanese(small_caps: TestClient) -> None:
    csrf = login(small_caps, ADMIN)
    response = small_caps.post("/sales/receipts/import", data={"csrf_token": csrf},
                               files={"file": ("bank.csv", _bank_csv(3000), "text/csv")})
    assert response.status_code == 413
    assert "ファイルが大きすぎます" in response.text


def test_more_rows_than_the_cap_is_422_naming_the_limit(small_caps: TestClient, demo_db: Database) -> None:
    headers = {**auth(token_for(demo_db, ADMIN)), "Content-Type": "text/csv"}
    response = small_caps.post("/api/v1/bank-imports", headers=headers, content=_bank_csv(30))
    assert response.status_code == 422
    problem = response.json()
    assert [e["code"] for e in problem["errors"]] == ["upload.error.too_many_rows"]
    assert "20" in problem["errors"][0]["message"]


def test_70000_deposits_import_in_one_transaction_on_both_databases(db: Database) -> None:
    """One IN (...) of 70,000 fingerprints was past PostgreSQL's 65,535 bind parameters; batches are not."""
    data = _bank_csv(70_000)
    result = receivables.import_bank_csv(db.uow(), CLERK, data)
    assert (result.imported, result.duplicates) == (70_000, 0)
    again = receivables.import_bank_csv(db.uow(), CLERK, _bank_csv(10) + _bank_csv(1, start=70_000)[len(_bank_csv(0)):])
    assert (again.imported, again.duplicates) == (1, 10)
    with db.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(BankDeposit)) == 70_001
        assert uow.session.scalar(select(func.sum(BankDeposit.amount))) == sum(1000 + i for i in range(70_001))


def test_a_bad_row_anywhere_imports_nothing(db: Database) -> None:
    data = _bank_csv(3000) + b"2026-11-31,x,abc,\r\n"
    with pytest.raises(Invalid) as caught:
        receivables.import_bank_csv(db.uow(), CLERK, data)
    assert [p.line for p in caught.value.problems] == [3002, 3002]
    with db.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(BankDeposit)) == 0


# ---------------------------------------------------------------- responsiveness during an import


def _free(port: int) -> int:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return port
        except OSError:
            s.bind(("127.0.0.1", 0))
            return int(s.getsockname()[1])


@pytest.fixture
def live(demo_db: Database, app_settings: Settings) -> Iterator[str]:
    """The app served by uvicorn in a thread of this process (so a test can hold an import at a barrier)."""
    port = _free(PORT)
    server = uvicorn.Server(uvicorn.Config(create_app(app_settings, demo_db), host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


def test_health_and_a_page_answer_while_an_import_holds_its_transaction(
        live: str, demo_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ordering, not timing: the import is held inside its transaction (after its first batch is written, SQLite's
    write lock taken) until health and a logged-in page have answered; only then may it finish."""
    inside, release = threading.Event(), threading.Event()
    original = receivables.insert_rows

    def held(*args: Any, **kwargs: Any) -> None:
        original(*args, **kwargs)
        if not inside.is_set():
            inside.set()
            assert release.wait(60), "the import was never released"

    monkeypatch.setattr(receivables, "insert_rows", held)
    web = httpx.Client(base_url=live, timeout=60)
    page = web.get("/login")
    web.post("/login", data={"email": ADMIN, "password": "ennoshita-demo", "next": "/",
                             "csrf_token": csrf_of(page.text)})
    csrf = csrf_of(web.get("/me").text)
    order: list[str] = []
    outcome: dict[str, Any] = {}

    def upload() -> None:
        response = web.post("/sales/receipts/import", data={"csrf_token": csrf},
                            files={"file": ("bank.csv", _bank_csv(5000), "text/csv")})
        order.append("import")
        outcome["status"] = response.status_code

    importer = threading.Thread(target=upload)
    importer.start()
    assert inside.wait(60), "the import never reached its first batch"
    try:
        with httpx.Client(base_url=live, timeout=60) as other:
            health = other.get("/api/v1/health")
            order.append("health")
        with httpx.Client(base_url=live, timeout=60, cookies=web.cookies) as same_user:
            me = same_user.get("/sales/receipts")
            order.append("page")
    finally:
        release.set()
        importer.join(60)
    web.close()
    assert health.status_code == 200 and me.status_code == 200
    assert order == ["health", "page", "import"]
    assert outcome["status"] == 200
    with demo_db.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(BankDeposit).where(
            BankDeposit.payer_name.like("カ)テスト%"))) == 5000


def test_identical_deposits_in_one_file_are_each_kept_and_a_reimport_doubles_none(db: Database) -> None:
    """Two transfers of the same amount by the same payer on the same day are two deposits (the occurrence
    counted over the file, only for keys that repeat), and importing the file again adds nothing."""
    row = b"2026-11-25,\xef\xbd\xb6)\xef\xbe\x94\xef\xbe\x8f\xef\xbe\x80\xef\xbe\x9e,110000,\r\n"  # ｶ)ﾔﾏﾀﾞ
    header = b"date,payer_kana,amount,description\r\n"
    first = receivables.import_bank_csv(db.uow(), CLERK, header + row * 3 + b"2026-11-25,x,5,\r\n")
    assert (first.imported, first.duplicates) == (4, 0)
    again = receivables.import_bank_csv(db.uow(), CLERK, header + row * 4)
    assert (again.imported, again.duplicates) == (1, 3)


def test_a_journal_import_over_the_row_cap_is_422_and_saves_nothing(demo_db: Database,
                                                                      app_settings: Settings) -> None:
    """The 弥生 import's row cap (journal lines; `journal_import_max_rows`), on the API and on screen: the
    first voucher's 3 lines (現金 / 売上高 / 仮受消費税) already pass a cap of 2."""
    from tests.conftest import ACCOUNTING
    from tests.integration.test_ledger_io import GOOD, _entries

    settings = app_settings.model_copy(update={"journal_import_max_rows": 2})
    before = _entries(demo_db)
    with TestClient(create_app(settings, demo_db)) as c:
        api = c.post("/api/v1/journal-entries/import", headers=auth(token_for(demo_db, ACCOUNTING)),
                     data={"format": "yayoi"}, files={"file": ("good.csv", GOOD, "text/csv")})
        assert api.status_code == 422 and api.headers["content-type"].startswith("application/problem+json")
        assert [e["code"] for e in api.json()["errors"]] == ["upload.error.too_many_rows"]
        csrf = login(c, ACCOUNTING)
        page = c.post("/ledger/import", data={"csrf_token": csrf, "format": "yayoi"},
                      files={"file": ("good.csv", GOOD, "text/csv")})
        assert page.status_code == 422 and "2" in page.text
    assert _entries(demo_db) == before
    roomy = app_settings.model_copy(update={"journal_import_max_rows": 5})
    with TestClient(create_app(roomy, demo_db)) as c:
        made = c.post("/api/v1/journal-entries/import", headers=auth(token_for(demo_db, ACCOUNTING)),
                      data={"format": "yayoi"}, files={"file": ("good.csv", GOOD, "text/csv")})
        assert made.status_code == 201, made.text
    assert _entries(demo_db) == before + 2
