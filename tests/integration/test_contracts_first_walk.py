"""契約台帳 on the first walk (issue 13): what 法務 and the 監査人 meet on the screens."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from ennoshita.db import Database
from tests.conftest import AUDITOR, login

LEGAL = "houmu@demo.ennoshita.jp"


def _post_actions(html: str) -> list[str]:
    return [a for a in re.findall(r'<form[^>]*method="post"[^>]*action="([^"]+)"', html)
            if a not in ("/logout", "/language")]


def test_the_auditor_reads_contracts_with_no_form_to_fill(client: TestClient, demo_db: Database) -> None:
    login(client, AUDITOR)
    assert client.get("/contracts/new").status_code == 403
    listing = client.get("/contracts").text
    assert "/contracts/new" not in listing
    first = re.search(r'href="/contracts/(\d+)"', listing)
    assert first
    page = client.get(f"/contracts/{first.group(1)}")
    assert page.status_code == 200 and _post_actions(page.text) == []
