"""Item 6 of issue 14: changing one's password ends every other session of that user; an administrator's reset
ends all of them and revokes the user's API tokens. Before the fix every session and token stayed valid."""

from __future__ import annotations

from fastapi.testclient import TestClient

from ennoshita.actor import Actor
from ennoshita.db import Database
from ennoshita.identity import services as identity
from tests.conftest import login
from tests.integration.test_api import auth, token_for

EMAIL = "jimu@demo.ennoshita.jp"


def test_password_change_ends_other_sessions_and_reset_ends_all(client: TestClient, demo_db: Database) -> None:
    other = TestClient(client.app)
    login(other, EMAIL)
    csrf = login(client, EMAIL)
    assert other.get("/me", follow_redirects=False).status_code == 200
    changed = client.post("/me/password", data={"current_password": "ennoshita-demo",
                                                "new_password": "a-new-long-passphrase-2026",
                                                "new_password_confirm": "a-new-long-passphrase-2026",
                                                "csrf_token": csrf}, follow_redirects=False)
    assert changed.status_code == 303, changed.text
    assert client.get("/me", follow_redirects=False).status_code == 200  # this browser stays logged in
    assert other.get("/me", follow_redirects=False).status_code == 303  # the other one is logged out

    token = token_for(demo_db, EMAIL)
    assert client.get("/api/v1/partners", headers=auth(token)).status_code == 200
    uid = identity.find_user_id(demo_db.uow(), EMAIL)
    identity.reset_password(demo_db.uow(), Actor.system(), uid, "reset-by-the-admin-2026")
    assert client.get("/me", follow_redirects=False).status_code == 303
    assert client.get("/api/v1/partners", headers=auth(token)).status_code == 401


def test_throttling_is_per_account_and_address_and_tells_nothing_about_accounts(demo_db: Database) -> None:
    """Item 7: unknown e-mails answered 401 forever while known ones got 429 (so the answer told which exist),
    one wrong try per window kept a colleague locked out from anywhere, and every attempt wrote an audit record."""
    import pytest
    from sqlalchemy import func, select

    from ennoshita.audit.models import AuditRecord
    from ennoshita.errors import TooManyAttempts, Unauthenticated

    def attempt(email: str, password: str, client: str) -> str:
        try:
            identity.login(demo_db.uow(), email, password, "web", throttle_after=3, throttle_seconds=60,
                           client=client)
        except Unauthenticated:
            return "401"
        except TooManyAttempts:
            return "429"
        return "ok"

    def records() -> int:
        with demo_db.uow() as uow:
            return int(uow.session.scalar(select(func.count()).select_from(AuditRecord)) or 0)

    for email in (EMAIL, "nobody@demo.ennoshita.jp"):  # known and unknown alike
        assert [attempt(email, "wrong-password!", "10.0.0.1") for _ in range(4)] == ["401"] * 3 + ["429"], email
    before = records()
    assert {attempt(EMAIL, "wrong-password!", "10.0.0.1") for _ in range(20)} == {"429"}
    assert records() - before <= 1  # refused attempts are counted, not written one by one
    # the colleague at another address is not locked out by the attacker at 10.0.0.1
    assert attempt(EMAIL, "ennoshita-demo", "10.0.0.2") == "ok"
    with pytest.raises(TooManyAttempts):
        identity.login(demo_db.uow(), EMAIL, "ennoshita-demo", "web", throttle_after=3, throttle_seconds=60,
                       client="10.0.0.1")
