"""Login, logout, throttling, CSRF and sessions through the web app, on SQLite and PostgreSQL."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from ennoshita.audit.models import AuditRecord
from ennoshita.db import Database
from ennoshita.identity.models import Company
from tests.conftest import ADMIN, REQUESTER, csrf_of, login


def _audit_actions(db: Database) -> list[str]:
    with db.uow() as uow:
        return list(uow.session.scalars(select(AuditRecord.action).order_by(AuditRecord.id)))


def test_login_then_logout(client: TestClient, demo_db: Database) -> None:
    assert client.get("/", follow_redirects=False).status_code == 303
    csrf = login(client, ADMIN)
    home = client.get("/")
    assert home.status_code == 200 and "山田 太郎" in home.text
    cookie = client.cookies.get("ens_session")
    response = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert response.status_code == 303
    assert client.get("/", follow_redirects=False).status_code == 303
    # The old session token is dead even if someone kept the cookie.
    client.cookies.set("ens_session", cookie or "")
    assert client.get("/", follow_redirects=False).status_code == 303
    assert _audit_actions(demo_db)[-2:] == ["login", "logout"]


def test_session_cookie_is_httponly_and_samesite_lax(client: TestClient) -> None:
    page = client.get("/login")
    response = client.post("/login", data={"email": ADMIN, "password": "ennoshita-demo", "next": "/",
                                           "csrf_token": csrf_of(page.text)}, follow_redirects=False)
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie


def test_wrong_password_is_refused_audited_and_slowed_down(client: TestClient, demo_db: Database) -> None:
    page = client.get("/login")
    token = csrf_of(page.text)
    for _ in range(3):  # the test settings slow down after 3 failures
        r = client.post("/login", data={"email": ADMIN, "password": "wrong-password!", "csrf_token": token})
        assert r.status_code == 401
        assert "メールアドレスまたはパスワードが正しくありません" in r.text
    # Now even the right password waits: the account is slowed down, and the attempt is audited.
    r = client.post("/login", data={"email": ADMIN, "password": "ennoshita-demo", "csrf_token": token})
    assert r.status_code == 429
    actions = _audit_actions(demo_db)
    assert actions[-4:] == ["login_failed"] * 3 + ["login_throttled"]
    time.sleep(1.1)
    r = client.post("/login", data={"email": ADMIN, "password": "ennoshita-demo", "csrf_token": token},
                    follow_redirects=False)
    assert r.status_code == 303


def test_a_form_without_csrf_token_is_refused_and_changes_nothing(client: TestClient, demo_db: Database) -> None:
    login(client, ADMIN)
    before = _audit_actions(demo_db)
    r = client.post("/admin/company", data={"name": "乗っ取り株式会社"})
    assert r.status_code == 403
    assert "不正な送信" in r.text
    r = client.post("/admin/company", data={"name": "乗っ取り株式会社", "csrf_token": "forged"})
    assert r.status_code == 403
    with demo_db.uow() as uow:
        assert uow.session.get(Company, 1).name == "株式会社さくら精機"  # type: ignore[union-attr]
    assert _audit_actions(demo_db) == before


def test_login_form_itself_needs_its_csrf_token(client: TestClient) -> None:
    client.get("/login")
    r = client.post("/login", data={"email": ADMIN, "password": "ennoshita-demo"})
    assert r.status_code == 403


def test_requester_is_refused_admin_pages(client: TestClient, demo_db: Database) -> None:
    csrf = login(client, REQUESTER)
    assert client.get("/admin/users").status_code == 403
    with demo_db.uow() as uow:
        users_before = uow.session.scalar(select(func.count()).select_from(AuditRecord))
    r = client.post("/admin/users/new", data={"email": "x@example.jp", "display_name": "X", "roles": "admin",
                                              "password": "long-enough-pass", "csrf_token": csrf})
    assert r.status_code == 403
    assert "権限がありません" in r.text
    with demo_db.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(AuditRecord)) == users_before
    # The navigation does not offer what the roles do not allow.
    assert "/admin/users" not in client.get("/").text


def test_admin_adds_a_user_with_several_roles_and_bad_input_names_the_field(client: TestClient) -> None:
    csrf = login(client, ADMIN)
    r = client.post("/admin/users/new", data={"email": "keiri@demo.ennoshita.jp", "display_name": "重複",
                                              "roles": "accounting", "password": "long-enough-pass",
                                              "csrf_token": csrf})
    assert r.status_code == 409 and "既に登録されています" in r.text
    r = client.post("/admin/users/new", data={"email": "new@demo.ennoshita.jp", "display_name": "新人",
                                              "roles": ["accounting", "wizard"], "password": "short",
                                              "csrf_token": csrf})
    assert r.status_code == 422
    assert "12文字以上" in r.text and "不明な権限です: wizard" in r.text
    r = client.post("/admin/users/new", data={"email": "new@demo.ennoshita.jp", "display_name": "新人 次郎",
                                              "roles": ["accounting", "hr"], "password": "long-enough-pass",
                                              "csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303
    detail = client.get(r.headers["location"])
    assert "新人 次郎" in detail.text
    new_client_csrf = login(client, "new@demo.ennoshita.jp", "long-enough-pass")
    assert new_client_csrf


def test_user_switches_language_to_english_and_back(client: TestClient) -> None:
    csrf = login(client, ADMIN)
    assert "監査ログ" in client.get("/").text
    client.post("/language", data={"language": "en", "next": "/", "csrf_token": csrf})
    page = client.get("/")
    assert "Audit trail" in page.text and "監査ログ" not in page.text
    client.post("/language", data={"language": "ja", "next": "/", "csrf_token": csrf})
    assert "監査ログ" in client.get("/").text


def test_company_settings_edit_is_audited_and_validated(client: TestClient, demo_db: Database) -> None:
    csrf = login(client, ADMIN)
    form = {"name": "株式会社さくら精機", "name_kana": "サクラセイキ", "registration_number": "T7000012050003",
            "postal_code": "150-0002", "address": "東京都渋谷区", "phone": "03", "representative": "桜井",
            "fiscal_year_start_month": "4", "tax_accounting": "exclusive", "tax_rounding": "floor",
            "csrf_token": csrf}
    r = client.post("/admin/company", data=form)
    assert r.status_code == 422 and "チェックデジット" in r.text
    form["registration_number"] = "T7000012050002"
    form["tax_rounding"] = "half_up"
    r = client.post("/admin/company", data=form, follow_redirects=False)
    assert r.status_code == 303
    with demo_db.uow() as uow:
        last = uow.session.scalars(select(AuditRecord).order_by(AuditRecord.id.desc()).limit(1)).one()
        assert (last.entity_type, last.action) == ("company", "update")
        assert '"tax_rounding":"floor"' in (last.before or "")
        assert '"tax_rounding":"half_up"' in (last.after or "")
