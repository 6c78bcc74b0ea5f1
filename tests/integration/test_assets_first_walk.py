"""固定資産 on the first walk (issue 13): what 総務 meets registering and running depreciation on a real day.

Hand-computed (April fiscal year): ソフトウェア ¥600,000, 5 years 定額法, in use 2026-10-01 → ¥10,000 a month
(600,000 × 0.200 × 6/12 = 60,000 for the six months of FY2026).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient

from ennoshita.actor import Actor
from ennoshita.assets import services as assets
from ennoshita.db import Database
from ennoshita.identity import company as company_service

ADMIN = Actor.system()
D = dt.date


@pytest.fixture
def books(db: Database) -> Database:
    company_service.update_company(db.uow(), ADMIN, {"name": "株式会社さくら精機", "fiscal_year_start_month": 4})
    return db


def test_an_asset_registered_after_its_first_month_was_run_catches_that_month_up(books: Database) -> None:
    db = books
    assets.register(db.uow(), ADMIN, assets.NewAsset("ファイルサーバー", "server", D(2026, 4, 10), 1_000_000))
    assets.post_run(db.uow(), ADMIN, "monthly", D(2026, 10, 1))  # October is run before the software is entered
    sw = assets.register(db.uow(), ADMIN, assets.NewAsset("会計ソフト", "software", D(2026, 10, 1), 600_000,
                                                          method="straight"))
    preview = assets.preview_run(db.uow(), ADMIN, "monthly", D(2026, 11, 1))
    line = next(x for x in preview.lines if x.asset_id == sw.id)
    assert line.amount == 20_000  # October's ¥10,000 (never run for it) and November's
    for month in range(11, 13):
        assets.post_run(db.uow(), ADMIN, "monthly", D(2026, month, 1))
    for month in range(1, 4):
        assets.post_run(db.uow(), ADMIN, "monthly", D(2027, month, 1))
    assert assets.get_asset(db.uow(), ADMIN, sw.id).accumulated == 60_000  # the schedule's FY2026


def test_a_skipped_month_is_caught_up_by_the_next_run_of_the_same_year(books: Database) -> None:
    db = books
    sw = assets.register(db.uow(), ADMIN, assets.NewAsset("会計ソフト", "software", D(2026, 10, 1), 600_000,
                                                          method="straight"))
    assets.post_run(db.uow(), ADMIN, "monthly", D(2026, 10, 1))
    run = assets.post_run(db.uow(), ADMIN, "monthly", D(2026, 12, 1))  # November forgotten
    assert run.total == 20_000
    assert assets.get_asset(db.uow(), ADMIN, sw.id).accumulated == 30_000


def test_the_catch_up_stays_inside_the_fiscal_year(books: Database) -> None:
    db = books
    # an asset in use since 2025-10 entered only now, with nothing run before: FY2026 from April, not FY2025
    sw = assets.register(db.uow(), ADMIN, assets.NewAsset("会計ソフト", "software", D(2025, 10, 1), 600_000,
                                                          method="straight"))
    preview = assets.preview_run(db.uow(), ADMIN, "monthly", D(2026, 5, 1))
    assert next(x for x in preview.lines if x.asset_id == sw.id).amount == 20_000  # April and May 2026


def test_the_form_registers_an_asset_taken_over_from_an_old_register(client: TestClient, demo_db: Database) -> None:
    from tests.conftest import login

    token = login(client, "soumu@demo.ennoshita.jp")
    form = client.get("/assets/new").text
    assert 'name="accumulated"' in form and 'name="depreciated_through"' in form
    response = client.post("/assets/new", data={
        "csrf_token": token, "name": "旧台帳 複合機", "kind_code": "copier", "life": "", "acquired_on": "2024-04-01",
        "cost": "1,000,000", "quantity": "1", "method": "straight", "accumulated": "400,000",
        "depreciated_through": "2026-03"}, follow_redirects=False)
    assert response.status_code == 303, response.text
    page = client.get(response.headers["location"]).text
    assert "¥400,000" in page and "¥600,000" in page  # 償却累計額 and 帳簿価額 as taken over
    bad = client.post("/assets/new", data={
        "csrf_token": token, "name": "旧台帳 机", "kind_code": "desk_other", "acquired_on": "2024-04-01",
        "cost": "300000", "method": "straight", "accumulated": "50000", "depreciated_through": ""})
    assert bad.status_code == 422 and "償却累計額は0以上" in bad.text and 'value="旧台帳 机"' in bad.text


def test_the_auditor_sees_the_register_and_equipment_with_no_form_to_fill(client: TestClient,
                                                                          demo_db: Database) -> None:
    from tests.conftest import AUDITOR, login

    login(client, AUDITOR)
    assert client.get("/assets/new").status_code == 403
    listing = client.get("/assets").text
    assert "FA-000001" in listing and "/assets/new" not in listing
    for path in ("/assets/1", "/assets/runs?month=2026-11", "/assets/equipment"):
        page = client.get(path)
        assert page.status_code == 200, path
        actions = [a for a in re.findall(r'<form[^>]*method="post"[^>]*action="([^"]+)"', page.text)
                   if a not in ("/logout", "/language")]
        assert actions == [], (path, actions)


def test_general_affairs_records_a_stocktake_of_the_ticked_items(client: TestClient, demo_db: Database) -> None:
    from tests.conftest import login

    token = login(client, "soumu@demo.ennoshita.jp")
    page = client.get("/assets/equipment").text
    assert 'action="/assets/equipment/check"' in page
    ids = re.findall(r'name="item_id" value="(\d+)"', page)
    none = client.post("/assets/equipment/check", data={"csrf_token": token, "day": "2026-12-01"})
    assert none.status_code == 422 and "チェックを付けてください" in none.text
    done = client.post("/assets/equipment/check", data={"csrf_token": token, "day": "2026-12-01",
                                                          "item_id": ids[:2]}, follow_redirects=False)
    assert done.status_code == 303
    after = client.get("/assets/equipment").text
    assert after.count("2026年12月1日") == 2 and "2026年9月30日" in after


def test_a_report_asked_for_a_date_that_is_no_date_answers_in_japanese_not_500(client: TestClient,
                                                                                demo_db: Database) -> None:
    from tests.conftest import login

    login(client, "soumu@demo.ennoshita.jp")
    page = client.get("/assets/reports/depreciation?day=2026-13-01&format=csv")
    assert page.status_code == 422 and "YYYY-MM-DD" in page.text
    assert client.get("/assets/reports/depreciation?day=2026-11-30&format=csv").status_code == 200


def test_the_depreciation_schedule_shows_an_asset_sold_in_the_year_as_booked_not_a_full_year(
        books: Database) -> None:
    """PC ¥328,000, 4 years 200% 定率法 (0.500), in use 2026-04-01: ¥164,000 for a full FY2026, ¥13,666 a month.
    Runs April to October book 164,000 × 7 ÷ 12 = ¥95,666; retired 2026-11-20, the rest is 除却損, not 償却."""
    from ennoshita.assets import queries

    db = books
    pc = assets.register(db.uow(), ADMIN, assets.NewAsset("ノートPC", "pc", D(2026, 4, 1), 328_000,
                                                          method="declining"))
    for month in range(4, 11):
        assets.post_run(db.uow(), ADMIN, "monthly", D(2026, month, 1))
    assets.dispose(db.uow(), ADMIN, assets.Disposal(pc.id, D(2026, 11, 20), "retire"))
    table = queries.depreciation_report(db.uow(), ADMIN, D(2026, 12, 1))
    row = next(r for r in table.rows if r.get("number") == pc.number)
    assert (row["opening"], row["depreciation"], row["closing"]) == (328_000, 95_666, 0)
    assert row["months"] == 7
