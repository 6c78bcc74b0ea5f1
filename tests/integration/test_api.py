"""The JSON API: bearer tokens, company settings, users, audit; errors as problem+json."""

from __future__ import annotations

from fastapi.testclient import TestClient

from ennoshita.actor import Actor
from ennoshita.db import Database
from ennoshita.identity import services as identity
from tests.conftest import ADMIN, AUDITOR, REQUESTER


def token_for(db: Database, email: str, expires_days: int | None = None) -> str:
    uid = identity.find_user_id(db.uow(), email)
    plain, _ = identity.create_api_token(db.uow(), Actor.system(), "test", expires_days=expires_days, user_id=uid)
    return plain


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_health_and_openapi(client: TestClient) -> None:
    assert client.get("/api/v1/health").json()["status"] == "ok"
    spec = client.get("/api/v1/openapi.json").json()
    assert "/company" in spec["paths"] and "/audit" in spec["paths"]


def test_get_and_patch_company(client: TestClient, demo_db: Database) -> None:
    token = token_for(demo_db, ADMIN)
    company = client.get("/api/v1/company", headers=auth(token)).json()
    assert company["registration_number"] == "T7123456789012"
    assert company["fiscal_year_start_month"] == 4
    assert (company["tax_accounting"], company["tax_rounding"]) == ("exclusive", "floor")
    r = client.patch("/api/v1/company", headers=auth(token),
                     json={"tax_rounding": "half_up", "registration_number": "T7000012050002"})
    assert r.status_code == 200
    assert r.json()["tax_rounding"] == "half_up"
    assert r.json()["registration_number"] == "T7000012050002"


def test_malformed_registration_number_is_a_problem_naming_the_field(client: TestClient, demo_db: Database) -> None:
    token = token_for(demo_db, ADMIN)
    r = client.patch("/api/v1/company", headers={**auth(token), "Accept-Language": "en"},
                     json={"registration_number": "T1234567890123", "fiscal_year_start_month": 13})
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    fields = {e["field"]: e["message"] for e in body["errors"]}
    assert set(fields) == {"registration_number", "fiscal_year_start_month"}
    assert "チェックデジット" in fields["registration_number"]  # the admin's language is Japanese
    assert client.get("/api/v1/company", headers=auth(token)).json()["registration_number"] == "T7123456789012"


def test_requester_gets_403_on_users_and_audit(client: TestClient, demo_db: Database) -> None:
    token = token_for(demo_db, REQUESTER)
    for path in ("/api/v1/users", "/api/v1/audit"):
        r = client.get(path, headers=auth(token))
        assert r.status_code == 403
        assert r.headers["content-type"] == "application/problem+json"
    r = client.patch("/api/v1/company", headers=auth(token), json={"name": "x"})
    assert r.status_code == 403


def test_auditor_reads_users_and_audit_but_changes_nothing(client: TestClient, demo_db: Database) -> None:
    token = token_for(demo_db, AUDITOR)
    users = client.get("/api/v1/users", headers=auth(token)).json()
    assert {u["email"] for u in users} >= {ADMIN, AUDITOR}
    page = client.get("/api/v1/audit", headers=auth(token), params={"entity_type": "user", "action": "create"})
    assert page.json()["total"] == 10
    assert client.patch("/api/v1/company", headers=auth(token), json={"name": "x"}).status_code == 403
    r = client.post("/api/v1/users", headers=auth(token), json={"email": "a@b.jp", "display_name": "a",
                                                                "roles": ["admin"], "password": "x" * 12})
    assert r.status_code == 403


def test_missing_revoked_and_expired_tokens_get_401(client: TestClient, demo_db: Database) -> None:
    assert client.get("/api/v1/company").status_code == 401
    assert client.get("/api/v1/company", headers=auth("ens_nonsense")).status_code == 401
    token = token_for(demo_db, ADMIN)
    admin = identity.actor_by_email(demo_db.uow(), ADMIN, "api")
    tokens = identity.list_api_tokens(demo_db.uow(), admin)
    identity.revoke_api_token(demo_db.uow(), admin, tokens[0].id)
    r = client.get("/api/v1/company", headers=auth(token))
    assert r.status_code == 401 and r.json()["errors"] == [] and "失効" in r.json()["title"]
    expired = token_for(demo_db, ADMIN, expires_days=1)
    with demo_db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE api_tokens SET expires_at = '2020-01-01 00:00:00' WHERE revoked_at IS NULL")
    r = client.get("/api/v1/company", headers=auth(expired))
    assert r.status_code == 401 and "有効期限" in r.json()["title"]


def test_create_user_errors_name_each_field(client: TestClient, demo_db: Database) -> None:
    token = token_for(demo_db, ADMIN)
    r = client.post("/api/v1/users", headers=auth(token),
                    json={"email": "not-an-email", "display_name": "x", "roles": ["wizard"], "password": "short"})
    assert r.status_code == 422
    fields = {e["field"] for e in r.json()["errors"]}
    assert fields == {"email", "roles", "password"}
    r = client.post("/api/v1/users", headers=auth(token),
                    json={"email": ADMIN, "display_name": "x", "roles": ["hr"], "password": "long-enough-pw"})
    assert r.status_code == 409
    r = client.post("/api/v1/users", headers=auth(token),
                    json={"email": "NEW@demo.ennoshita.jp", "display_name": "新規", "roles": ["hr", "legal"],
                          "password": "long-enough-pw"})
    assert r.status_code == 201 and r.json()["email"] == "new@demo.ennoshita.jp"
    assert r.json()["roles"] == ["hr", "legal"]
