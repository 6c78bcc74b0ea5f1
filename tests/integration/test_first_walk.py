"""Small things a user sees on every page (issue 13 item 11): the favicon, an unknown URL answered with a page in
Japanese (the API keeps problem+json), and the trial balance in 借方/貸方 columns."""

from __future__ import annotations

from fastapi.testclient import TestClient

from ennoshita.db import Database
from tests.conftest import ACCOUNTING, login


def test_favicon_and_a_japanese_not_found_page(client: TestClient) -> None:
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    login(client, ACCOUNTING)
    page = client.get("/no/such/page")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "ページが見つかりません" in page.text and '"detail"' not in page.text
    api = client.get("/api/v1/no/such/thing")
    assert api.status_code == 404 and not api.headers["content-type"].startswith("text/html")


def test_a_read_only_role_gets_no_form_to_fill(client: TestClient) -> None:
    from tests.conftest import AUDITOR

    login(client, AUDITOR)
    for path in ("/sales/quotes/new", "/sales/orders/new", "/sales/invoices/new", "/sales/partners/new"):
        assert client.get(path).status_code == 403, path
    assert "/sales/quotes/new" not in client.get("/sales/quotes").text


def test_the_demo_notifications_carry_their_story_times(demo_db: Database) -> None:
    from sqlalchemy import func, select

    from ennoshita.desk.models import Notification

    with demo_db.uow() as uow:
        total, distinct = uow.session.execute(select(func.count(), func.count(func.distinct(
            Notification.created_at)))).one()
        oldest = uow.session.scalar(select(func.min(Notification.created_at)))
    assert total > 50 and distinct > total // 3  # not all stamped with the moment the demo was loaded
    assert oldest is not None and oldest.year == 2026 and oldest.month == 10  # the story starts in October 2026
