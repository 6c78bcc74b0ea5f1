"""The request desk (依頼) through /api/v1 and the CLI on SQLite and PostgreSQL: 営業部 files requests (JSON and
multipart with a 注文書), a bad request is refused naming the field with nothing saved, 営業事務 takes and
completes them, the requester says thanks, and the December dashboard (a month without demo data) shows the
figures computed by hand below. The desk's clock is set per step so the business lead times are exact.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from ennoshita.cli.main import app
from ennoshita.db import Database
from ennoshita.desk import services
from ennoshita.identity import services as identity
from tests.conftest import ADMIN, REQUESTER
from tests.integration.test_api import auth, token_for

JST = ZoneInfo("Asia/Tokyo")
JIMU = "jimu@demo.ennoshita.jp"
runner = CliRunner()


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 12, 7, 10, 0, tzinfo=JST)

    def at(self, day: int, hour: int, minute: int = 0) -> None:
        self.now = dt.datetime(2026, 12, day, hour, minute, tzinfo=JST)

    def __call__(self) -> dt.datetime:
        return self.now.astimezone(dt.UTC)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock()
    monkeypatch.setattr(services, "now_utc", c)
    return c


QUOTE = {"type": "quote", "title": "みどり屋様 ベアリング見積", "due_date": "2026-12-10",
         "fields": {"customer": "株式会社みどり屋商店", "due_date": "2026-12-10",
                    "lines": [{"item": "精密ベアリング 6204ZZ", "quantity": "200"}]}}


def test_file_work_thank_and_dashboard(client: TestClient, demo_db: Database, clock: Clock) -> None:
    eigyo, jimu, admin = (auth(token_for(demo_db, e)) for e in (REQUESTER, JIMU, ADMIN))
    jimu_id = identity.find_user_id(demo_db.uow(), JIMU)
    admin_id = identity.find_user_id(demo_db.uow(), ADMIN)
    mine_before = _ok(client.get("/api/v1/requests", headers=eigyo, params={"mine": "true"}))["total"]

    # a missing required field: 422 naming it, nothing saved
    bad = client.post("/api/v1/requests", headers=eigyo, json={**QUOTE, "fields": {"due_date": "2026-12-10"}})
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")
    assert {e["field"] for e in bad.json()["errors"]} == {"fields.customer", "fields.lines"}
    assert client.post("/api/v1/requests", headers=eigyo, json={**QUOTE, "type": "nope"}).status_code == 422
    assert _ok(client.get("/api/v1/requests", headers=eigyo, params={"mine": "true"}))["total"] == mine_before

    # Mon 12/7 10:00 見積作成依頼 (SLA 9 business hours → due Tue 12/8 10:00)
    quote = _ok(client.post("/api/v1/requests", headers=eigyo, json=QUOTE), 201)
    assert quote["number"].startswith("REQ-2026-") and (quote["status"], quote["team"]) == ("received", "sales_admin")
    assert dt.datetime.fromisoformat(quote["sla_due_at"]) == dt.datetime(2026, 12, 8, 10, 0, tzinfo=JST)
    assert quote["due_date"] == "2026-12-10" and quote["fields"]["lines"][0]["quantity"] == "200"
    qid = quote["id"]
    assert _ok(client.get(f"/api/v1/requests/{qid}", headers=eigyo))["number"] == quote["number"]
    queue = _ok(client.get("/api/v1/requests", headers=jimu, params={"team": "sales_admin", "status": "received"}))
    assert qid in [r["id"] for r in queue["items"]]

    # the requester cannot work it; 営業事務 takes it; the admin reassigns it to 営業事務's member
    forbidden = client.post(f"/api/v1/requests/{qid}/status", headers=eigyo, json={"status": "done"})
    assert forbidden.status_code == 403 and forbidden.headers["content-type"].startswith("application/problem+json")
    taken = _ok(client.post(f"/api/v1/requests/{qid}/assign", headers=jimu))
    assert (taken["status"], taken["assignee_id"]) == ("in_progress", jimu_id)
    assert _ok(client.post(f"/api/v1/requests/{qid}/assign", headers=admin, json={"user_id": jimu_id}))[
        "assignee_id"] == jimu_id
    commented = _ok(client.post(f"/api/v1/requests/{qid}/comments", headers=jimu,
                                json={"body": "@eigyo 単価は前回と同じでよろしいですか？"}), 201)
    assert commented["comments"][-1]["body"].startswith("@eigyo")
    clock.at(7, 13, 30)  # done after 210 business minutes, on time
    done = _ok(client.post(f"/api/v1/requests/{qid}/status", headers=jimu, json={"status": "done"}))
    assert done["status"] == "done"
    clock.at(7, 14)
    assert client.post(f"/api/v1/requests/{qid}/thanks", headers=jimu, json={"message": "x"}).status_code == 403
    thanks = _ok(client.post(f"/api/v1/requests/{qid}/thanks", headers=eigyo,
                             json={"message": "急ぎの見積、助かりました！"}), 201)
    assert (thanks["to_user_id"], thanks["to_team"]) == (jimu_id, "sales_admin")
    _ok(client.post("/api/v1/thanks", headers=eigyo, json={"to_team": "legal", "message": "いつもありがとう"}), 201)
    kinds = {n["kind"] for n in _ok(client.get("/api/v1/notifications", headers=eigyo))}
    assert {"status", "mention", "assigned"} <= kinds

    # Mon 12/7 16:00 問い合わせ (SLA 4h → due Tue 11:00), done Tue 12:00: 120 + 180 = 300 minutes, late
    clock.at(7, 16)
    inquiry = _ok(client.post("/api/v1/requests", headers=eigyo, json={
        "type": "inquiry", "title": "在庫の確認", "fields": {"question": "6204ZZ の在庫はありますか？"}}), 201)
    clock.at(8, 12)
    _ok(client.post(f"/api/v1/requests/{inquiry['id']}/status", headers=jimu, json={"status": "done"}))

    # Tue 12/8 9:00 注文書処理 with its PDF (multipart), done by the admin at 10:00: 60 minutes, on time
    clock.at(8, 9)
    order_in = {"type": "order", "title": "みどり屋様 注文書", "fields": {"customer": "株式会社みどり屋商店",
                                                                       "customer_po": "PO-1208"}}
    missing = client.post("/api/v1/requests", headers=eigyo, json=order_in)
    assert missing.status_code == 422 and [e["field"] for e in missing.json()["errors"]] == ["fields.purchase_order"]
    order = _ok(client.post("/api/v1/requests", headers=eigyo, data={"payload": json.dumps(order_in)},
                            files={"purchase_order": ("注文書.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")}), 201)
    assert [a["filename"] for a in order["attachments"]] == ["注文書.pdf"]
    clock.at(8, 10)
    _ok(client.post(f"/api/v1/requests/{order['id']}/status", headers=admin, json={"status": "done"}))

    # December by hand: leads 60, 210, 300 → median (rank 2) 210, p90 (rank ceil 2.7 = 3) 300, on time 2/3;
    # 鈴木 (jimu): 210, 300 → median (rank 1) 210, p90 (rank 2) 300, on time 1/2, one thanks.
    d = _ok(client.get("/api/v1/desk/dashboard", headers=eigyo, params={"month": "2026-12"}))
    total = d["total"]
    assert (total["handled"], total["median_minutes"], total["p90_minutes"]) == (3, 210, 300)
    assert (total["median_hours"], total["p90_hours"]) == (3.5, 5.0)
    assert total["on_time_rate"] == pytest.approx(2 / 3)
    teams = {t["key"]: t for t in d["teams"]}
    assert (teams["sales_admin"]["handled"], teams["sales_admin"]["thanks"]) == (3, 1)
    assert (teams["legal"]["handled"], teams["legal"]["thanks"]) == (0, 1)
    people = {p["key"]: p for p in d["people"]}
    me = people[str(jimu_id)]
    assert (me["handled"], me["median_minutes"], me["p90_minutes"], me["on_time_rate"], me["thanks"]) == (
        2, 210, 300, 0.5, 1)
    assert (people[str(admin_id)]["handled"], people[str(admin_id)]["median_minutes"]) == (1, 60)
    assert {c["key"]: c["count"] for c in d["by_type"]} == {"quote": 1, "inquiry": 1, "order": 1}
    assert d["by_department"] == [{"key": "営業部", "label": "営業部", "count": 3}]
    assert d["thanks_total"] == 2
    bad_month = client.get("/api/v1/desk/dashboard", headers=eigyo, params={"month": "2026-13"})
    assert bad_month.status_code == 422 and bad_month.json()["errors"][0]["field"] == "month"
    # the demo's November is there too
    assert _ok(client.get("/api/v1/desk/dashboard", headers=eigyo, params={"month": "2026-11"}))["total"][
        "handled"] > 0


def test_cli_file_list_status_dashboard_mail(demo_db: Database, tmp_path: Path) -> None:
    url = ["--database-url", demo_db.url]
    r = runner.invoke(app, ["desk", "file", "--type", "quote", "--title", "CLI からの見積依頼", "--field",
                            "customer=株式会社青葉商事", "--field", "due_date=2026-12-01", "--line",
                            "精密ベアリング 6204ZZ:20", "--as", REQUESTER, *url])
    assert r.exit_code == 0, r.output
    number = r.output.split("依頼 ", 1)[1].split(" ", 1)[0]
    assert number.startswith("REQ-2026-")
    bad = runner.invoke(app, ["desk", "file", "--type", "quote", "--title", "x", "--as", REQUESTER, *url])
    assert bad.exit_code == 1 and "fields.customer" in bad.stderr
    r = runner.invoke(app, ["desk", "list", "--team", "sales_admin", "--status", "received", *url])
    assert r.exit_code == 0, r.output
    assert runner.invoke(app, ["desk", "status", number, "done", "--as", REQUESTER, *url]).exit_code == 1
    r = runner.invoke(app, ["desk", "status", number, "in_progress", "--as", JIMU, *url])
    assert r.exit_code == 0 and number in r.output, r.output
    r = runner.invoke(app, ["desk", "dashboard", "--month", "2026-11", *url])
    assert r.exit_code == 0, r.output
    out = tmp_path / "dashboard.csv"
    r = runner.invoke(app, ["desk", "dashboard", "--month", "2026-11", "--csv", str(out), *url])
    assert r.exit_code == 0 and "鈴木 一郎" in out.read_bytes().decode("utf-8-sig"), r.output
    r = runner.invoke(app, ["desk", "mail", *url])
    assert r.exit_code == 0, r.output
