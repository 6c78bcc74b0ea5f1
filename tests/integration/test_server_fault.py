"""A 500 in the user's language (web page and API problem), never Starlette's text/plain "Internal Server Error"
and never the exception's own text, on both databases.

Found with the audit key missing (an installation moved without ``var/audit_key``): every form that records to the
audit trail answered a bare "Internal Server Error" in English."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from ennoshita.audit import keys
from ennoshita.db import Database
from ennoshita.identity import company as company_service
from ennoshita.settings import Settings
from ennoshita.web.app import create_app
from tests.conftest import ADMIN, login
from tests.integration.test_api import auth, token_for

SALES_ADMIN = "jimu@demo.ennoshita.jp"


@pytest.fixture
def server(demo_db: Database, app_settings: Settings) -> TestClient:
    # as a server runs: the exception is logged and re-raised after the answer is sent, not raised into the test
    return TestClient(create_app(app_settings, demo_db), raise_server_exceptions=False)


def _partner_form(token: str) -> dict[str, str]:
    return {"csrf_token": token, "code": "FAULT-1", "name": "鍵なし商事", "name_kana": "カギナシショウジ",
            "honorific": "御中", "registration_number": "", "is_customer": "1", "closing_day": "31",
            "months_after": "1", "pay_day": "31", "holiday_shift": "next", "fee_bearer": "payer", "credit_limit": "0"}


def test_missing_audit_key_is_a_page_and_a_problem_in_the_users_language(server: TestClient, demo_db: Database,
                                                                        tmp_path: Path) -> None:
    csrf = login(server, SALES_ADMIN)
    token = token_for(demo_db, ADMIN)
    with keys.key_file(tmp_path / "moved" / "audit_key"):
        page = server.post("/sales/partners/new", data=_partner_form(csrf), follow_redirects=False)
        problem = server.patch("/api/v1/company", headers=auth(token),
                               json={"name": "変えた株式会社"})
    assert page.status_code == 500
    assert page.headers["content-type"].startswith("text/html")
    assert "監査証跡の鍵ファイルが見つからないため、記録できません。" in page.text
    assert "Internal Server Error" not in page.text and "AuditKeyMissing" not in page.text
    assert str(tmp_path) not in page.text  # the server's paths are not shown to users
    assert problem.status_code == 500
    assert problem.headers["content-type"] == "application/problem+json"
    body = problem.json()
    assert body["type"] == "urn:ennoshita:problem:error.audit_key_missing"
    assert body["title"].startswith("監査証跡の鍵ファイルが見つからないため、記録できません。")  # the admin's language
    # nothing half-written: the use case's transaction was rolled back with its audit record
    with demo_db.engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM partners WHERE code = 'FAULT-1'")).scalar_one() == 0
        assert conn.execute(text("SELECT COUNT(*) FROM company WHERE name = '変えた株式会社'")).scalar_one() == 0


def test_an_unforeseen_failure_says_so_without_its_text(server: TestClient, demo_db: Database,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("secret internals /srv/ennoshita/var")

    token = token_for(demo_db, ADMIN)
    monkeypatch.setattr(company_service, "get_company", broken)
    problem = server.get("/api/v1/company", headers=auth(token))
    assert problem.status_code == 500 and problem.headers["content-type"] == "application/problem+json"
    assert problem.json()["title"] == ("システムエラーが発生しました。"
                                       "時間をおいて再度お試しいただくか、管理者に連絡してください。")
    assert "secret" not in problem.text
