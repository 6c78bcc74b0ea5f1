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


def test_the_amount_field_says_which_amount_the_stamp_duty_follows(client: TestClient, demo_db: Database) -> None:
    """A ¥1,100,000 請負 (¥1,000,000 + 消費税 stated separately) is ¥200, not the ¥400 of its tax-inclusive total: the
    記載金額 excludes a separately stated 消費税額等 (平成元年3月10日 間消3-2). The form says so beside the amount."""
    token = login(client, LEGAL)
    page = client.get("/contracts/new").text
    assert "税抜金額を入力してください" in page
    made = client.post("/contracts/new", data={
        "csrf_token": token, "title": "改装工事 請負契約書", "counterparty": "株式会社テスト建設",
        "contract_type": "contracting", "start_on": "2026-12-10", "amount": "1,000,000", "stamp_document": "2",
        "stamp_subject": "other", "renewal_months": "12", "notice_months": "0"})
    assert made.status_code == 200 and "¥200" in made.text and "第2号文書" in made.text


def test_uploading_with_no_file_chosen_stays_on_the_contract_and_says_so(client: TestClient,
                                                                         demo_db: Database) -> None:
    token = login(client, LEGAL)
    page = client.post("/contracts/1/files", data={"csrf_token": token},
                       files={"file": ("", b"", "application/octet-stream")})
    assert page.status_code == 422
    assert "添付するファイルを選んでください" in page.text and 'action="/contracts/1/files"' in page.text
    assert 'data-testid="stamp-duty"' in page.text  # the contract's own page, not a bare error page
