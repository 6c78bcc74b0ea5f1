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
