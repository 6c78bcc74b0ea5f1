"""The 総務/法務 API on the demo company, SQLite and PostgreSQL: the schedule and stamp-duty calculators (the
published examples), problem+json for bad input, registering an asset, the renewal dashboard showing the lease."""

from __future__ import annotations

from fastapi.testclient import TestClient

from ennoshita.db import Database
from tests.integration.test_api import auth, token_for

SOUMU, HOUMU, EIGYO = "soumu@demo.ennoshita.jp", "houmu@demo.ennoshita.jp", "eigyo@demo.ennoshita.jp"


def test_schedule_and_stamp_duty(client: TestClient, demo_db: Database) -> None:
    h = auth(token_for(demo_db, SOUMU))
    r = client.get("/api/v1/assets/schedule", params={"cost": 1_000_000, "life": 5, "method": "declining",
                                                      "acquired": "2024-04-01"}, headers=h)
    assert r.status_code == 200, r.text
    assert [y["depreciation"] for y in r.json()["years"]] == [400_000, 240_000, 144_000, 108_000, 107_999]
    bad = client.get("/api/v1/assets/schedule", params={"cost": 1_000_000, "life": 1, "method": "straight",
                                                        "acquired": "2024-04-01"}, headers=h)
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")
    assert bad.json()["errors"][0]["field"] == "life"
    s = client.get("/api/v1/contracts/stamp-duty", params={"document": "2", "amount": 1_000_001,
                                                           "date": "2026-06-01"}, headers=h)
    assert s.json()["tax"] == 400
    e = client.get("/api/v1/contracts/stamp-duty", params={"document": "2", "amount": 1_000_001,
                                                           "date": "2026-06-01", "electronic": "true"}, headers=h)
    assert e.json()["tax"] == 0


def test_register_asset_and_roles(client: TestClient, demo_db: Database) -> None:
    body = {"name": "ノートPC", "kind_code": "pc", "acquired_on": "2026-11-10", "cost": 330_000}
    r = client.post("/api/v1/assets", json=body, headers=auth(token_for(demo_db, SOUMU)))
    assert r.status_code == 201, r.text
    assert r.json()["method"] == "declining_200" and r.json()["life"] == 4
    assert client.post("/api/v1/assets", json=body, headers=auth(token_for(demo_db, EIGYO))).status_code == 403
    zero = client.post("/api/v1/assets", json=body | {"cost": 0}, headers=auth(token_for(demo_db, SOUMU)))
    assert zero.status_code == 422 and zero.json()["errors"][0]["field"] == "cost"
    csv = client.get("/api/v1/assets/reports/depreciation", params={"day": "2026-11-01"},
                     headers=auth(token_for(demo_db, SOUMU)))
    assert csv.status_code == 200 and "ノートPC" in csv.content.decode("utf-8-sig")


def test_renewal_dashboard_lists_the_lease(client: TestClient, demo_db: Database) -> None:
    h = auth(token_for(demo_db, HOUMU))
    r = client.get("/api/v1/contracts/renewals", headers=h)
    assert r.status_code == 200, r.text
    assert any(i["title"] == "本社事務所 建物賃貸借契約" and i["kind"] == "notice" for i in r.json()["items"])
    assert client.get("/api/v1/contracts", params={"contract_type": "nda"}, headers=h).json()["total"] == 15
    bad = client.post("/api/v1/contracts", headers=h, json={
        "title": "NDA", "contract_type": "nda", "counterparty": "A社", "start_on": "2026-06-01",
        "end_on": "2026-05-01"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "end_date"
