"""Where the back office's time goes: the desk dashboard lists the open requests past their SLA due time
(oldest due first, how late in business hours), on the screen, in the API and as a queue filter, on SQLite
and PostgreSQL over the demo data plus one request filed long ago that nobody has touched.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient

from ennoshita.db import Database
from ennoshita.desk import queries, services
from ennoshita.identity import services as identity
from tests.conftest import ADMIN, REQUESTER, login
from tests.integration.test_api import auth, token_for

JST = ZoneInfo("Asia/Tokyo")
JIMU = "jimu@demo.ennoshita.jp"
TITLE = "滞留テスト みどり屋様 見積"


def _file_late(db: Database) -> services.RequestSummary:
    """A 見積作成依頼 filed Mon 2025-12-01 10:00 (SLA 9 business hours → due Tue 12/02 10:00), never taken."""
    eigyo = identity.actor_by_email(db.uow(), REQUESTER, "web")
    cmd = services.NewRequest("quote", TITLE, {"customer": "株式会社みどり屋商店", "due_date": "2025-12-10",
                                              "lines": [{"item": "精密ベアリング 6204ZZ", "quantity": "10"}]})
    return services.file_request(db.uow(), eigyo, cmd, now=dt.datetime(2025, 12, 1, 10, 0, tzinfo=JST))


def test_late_requests_in_the_dashboard_query(demo_db: Database) -> None:
    filed = _file_late(demo_db)
    admin = identity.actor_by_email(demo_db.uow(), ADMIN, "web")
    # Wed 12/03 12:00: late 10:00-18:00 on 12/02 (8 h) + 9:00-12:00 on 12/03 (3 h) = 11 business hours
    at = dt.datetime(2025, 12, 3, 12, 0, tzinfo=JST)
    d = queries.dashboard(demo_db.uow(), admin, "2025-12", now=at)
    late = {r.id: r for r in d.late}
    assert filed.id in late and d.open_overdue >= 1
    row = late[filed.id]
    assert (row.title, row.team, row.status, row.assignee_id) == (TITLE, "sales_admin", "received", None)
    assert row.late_minutes == 11 * 60
    assert row.sla_due_at == dt.datetime(2025, 12, 2, 10, 0, tzinfo=JST)
    assert [r.sla_due_at for r in d.late] == sorted(r.sla_due_at for r in d.late)
    assert len(d.late) <= queries.LATE_LIMIT and len(d.late) == min(d.open_overdue, queries.LATE_LIMIT)
    # one minute before it fell due it is not late
    early = queries.dashboard(demo_db.uow(), admin, "2025-12", now=dt.datetime(2025, 12, 2, 9, 59, tzinfo=JST))
    assert filed.id not in {r.id for r in early.late}
    # the queue's overdue filter finds it; taken and completed, it leaves the list
    jimu = identity.actor_by_email(demo_db.uow(), JIMU, "web")
    overdue = queries.queue(demo_db.uow(), jimu, team="sales_admin", overdue=True, now=at, per_page=200)
    assert filed.id in {r.id for r in overdue.rows} and all(r.overdue for r in overdue.rows)
    services.set_status(demo_db.uow(), jimu, filed.id, "done", now=at)
    assert filed.id not in {r.id for r in queries.dashboard(demo_db.uow(), admin, "2025-12", now=at).late}
    assert filed.id not in {r.id for r in queries.queue(demo_db.uow(), jimu, team="sales_admin", overdue=True,
                                                        now=at, per_page=200).rows}


def test_late_requests_on_the_screen_and_in_the_api(client: TestClient, demo_db: Database) -> None:
    filed = _file_late(demo_db)  # due 2025-12-02 10:00 JST: late now, and the oldest due of all
    login(client, JIMU)
    page = client.get("/desk/dashboard")
    assert page.status_code == 200
    assert 'data-testid="late-table"' in page.text
    first_row = page.text.split('data-testid="late-table"')[1].split("<tbody>")[1].split("</tr>")[0]
    assert f'href="/desk/requests/{filed.id}"' in first_row and TITLE in first_row
    assert "営業事務" in first_row and 'href="/desk/queue?team=sales_admin&amp;overdue=1"' in first_row
    assert "2025年12月2日 10:00" in first_row  # due time, shown in Japan time
    queue = client.get("/desk/queue?team=sales_admin&overdue=1")
    assert queue.status_code == 200 and f'href="/desk/requests/{filed.id}"' in queue.text
    assert "期限超過" in queue.text

    body = client.get("/api/v1/desk/dashboard", headers=auth(token_for(demo_db, ADMIN))).json()
    first = body["late"][0]
    assert (first["id"], first["number"], first["title"], first["team"]) == (
        filed.id, filed.number, TITLE, "sales_admin")
    assert first["assignee_id"] is None and first["late_minutes"] > 11 * 60
    assert dt.datetime.fromisoformat(first["sla_due_at"]) == dt.datetime(2025, 12, 2, 10, 0, tzinfo=JST)
    assert body["open_overdue"] >= len(body["late"]) >= 1
    assert all("late" in t for t in body["teams"])
