"""/api/v1/payroll on SQLite and PostgreSQL: the calculators, a pay setup refused field by field, a run created,
computed, checked and approved by two people, the slips (an employee sees only their own), the 全銀 file."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from ennoshita.db import Database
from ennoshita.identity import services as identity
from tests.integration.test_api import auth, token_for
from tests.integration.test_payroll import org  # noqa: F401  (the fixture: three employees, a year closed)


def _only_ours(db: Database, org: dict[str, object]) -> None:  # noqa: F811
    """The demo's own employees (人事's register, when loaded) leave before the test period."""
    import datetime as dt

    from sqlalchemy import select

    from ennoshita.hr.models import Employee

    ids = org["ids"]
    assert isinstance(ids, dict)
    with db.uow() as uow:
        for e in uow.session.scalars(select(Employee).where(Employee.id.not_in(list(ids.values())))):
            e.leave_date = dt.date(2025, 11, 30)
        uow.commit()


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def test_payroll_api(client: TestClient, demo_db: Database, org: dict[str, object]) -> None:  # noqa: F811
    _only_ours(demo_db, org)
    hr = auth(token_for(demo_db, "jinji@example.jp"))
    keiri = auth(token_for(demo_db, "keiri@example.jp"))
    a = auth(token_for(demo_db, "a@example.jp"))
    body = _ok(client.get("/api/v1/payroll/withholding", headers=hr,
                          params={"date": "2026-06-25", "pay": 446000, "dependents": 8}))
    assert body["tax"] == 940
    body = _ok(client.get("/api/v1/payroll/social-insurance", headers=hr,
                          params={"date": "2026-05-01", "prefecture": 27, "pay": 300000, "age": 35}))
    assert (body["health"], body["support"], body["pension"]) == (15_195, 345, 27_450)

    bad = client.put("/api/v1/payroll/profiles/1", headers=hr, json={"base_amount": -1, "prefecture": 99})
    assert bad.status_code == 422

    run = _ok(client.post("/api/v1/payroll/runs", headers=hr, json={"year": 2026, "month": 10}), 201)
    assert run["pay_date"] == "2026-11-25"
    _ok(client.post(f"/api/v1/payroll/runs/{run['id']}/compute", headers=hr))
    _ok(client.post(f"/api/v1/payroll/runs/{run['id']}/check", headers=hr))
    assert client.post(f"/api/v1/payroll/runs/{run['id']}/approve", headers=hr).status_code == 403
    fixed = _ok(client.post(f"/api/v1/payroll/runs/{run['id']}/approve", headers=keiri))
    assert (fixed["status"], fixed["net_total"]) == ("fixed", 594_930)
    slips = _ok(client.get(f"/api/v1/payroll/runs/{run['id']}/slips", headers=keiri))
    assert slips["total"] == 3
    mine = _ok(client.get("/api/v1/payroll/my-slips", headers=a))
    assert [s["net"] for s in mine] == [297_154]
    others = [s["id"] for s in slips["items"] if s["employee_number"] != "1001"]
    assert client.get(f"/api/v1/payroll/slips/{others[0]}", headers=a).status_code == 403
    assert client.get(f"/api/v1/payroll/runs/{run['id']}/slips", headers=a).status_code == 403
    zengin = client.get(f"/api/v1/payroll/runs/{run['id']}/zengin", headers=keiri)
    assert zengin.status_code == 200 and zengin.content[:3] == b"111"
    assert identity.find_user_id(demo_db.uow(), "a@example.jp")
