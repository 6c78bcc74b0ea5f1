"""The 給与 screens that were API-only, on the demo company (SQLite and PostgreSQL): 月額変更届 対象者一覧 (the demo's
raise is a candidate), 算定基礎届 and 納付 lists with CSV, the 扶養控除等申告書 (人事/管理者 only), 健康保険組合 rates
and the fixed-wage history; each in Japanese without raw message keys; an employee (営業) gets 403, and 経理 may read
the lists but not the personal declarations. The same through /api/v1."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import select

from ennoshita.actor import Actor
from ennoshita.audit.models import AuditRecord
from ennoshita.dates import today_tokyo
from ennoshita.db import Database
from ennoshita.payroll import declarations, unions, wages
from ennoshita.payroll.models import PayProfile
from tests.conftest import ACCOUNTING, REQUESTER, csrf_of, login
from tests.integration.test_api import auth, token_for

HR = "jinji@demo.ennoshita.jp"
LISTS = ("/payroll/zuiji", "/payroll/teiji", "/payroll/tax-payments", "/payroll/declarations", "/payroll/unions")


def _page(client: TestClient, path: str, title: str) -> str:
    r = client.get(path)
    assert r.status_code == 200, (path, r.text[:500])
    assert title in r.text, path
    assert "payroll_ui." not in r.text and "payroll.error" not in r.text and "nav.payroll" not in r.text, path
    return str(r.text)


def _session(client: TestClient, email: str) -> tuple[TestClient, str]:
    other = TestClient(client.app)
    return other, login(other, email)


def test_payroll_screens_render_in_japanese_and_keep_their_doors(client: TestClient, demo_db: Database) -> None:
    admin = Actor.system()
    year = today_tokyo().year
    candidates = [r for y in (year - 1, year) for r in wages.zuiji_list(demo_db.uow(), admin, y)
                  if r.status == "candidate"]
    assert candidates, "the demo's raise makes one 月額変更届 candidate"
    raise_year = candidates[0].effective_from.year
    with demo_db.uow() as uow:
        employee_id = uow.session.scalars(select(PayProfile.employee_id).where(PayProfile.pay_type == "monthly")
                                          .order_by(PayProfile.employee_id)).first()
    assert employee_id is not None

    csrf = login(client, HR)
    text = _page(client, f"/payroll/zuiji?year={raise_year}", "月額変更届 対象者一覧")
    assert candidates[0].name in text and "対象" in text
    _page(client, f"/payroll/teiji?year={year}", "算定基礎届")
    _page(client, f"/payroll/tax-payments?year={year}", "納付一覧")
    _page(client, "/payroll/declarations", "扶養控除等申告書")
    _page(client, "/payroll/unions", "関東精密機械健康保険組合")
    _page(client, f"/payroll/wages/{employee_id}", "固定的賃金の履歴")
    for path, name in (("/payroll/zuiji.csv", "getsugaku-henko"), ("/payroll/teiji.csv", "santei-kiso"),
                       ("/payroll/tax-payments.csv", "nofu")):
        r = client.get(f"{path}?year={raise_year}")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv"), path
        assert "attachment" in r.headers["content-disposition"] and name in r.headers["content-disposition"]
        assert r.content.decode("utf-8-sig").splitlines()[0].startswith("社員番号") or "税目" in r.text

    # 扶養控除等申告書: a spouse (income 0) and a 17-year-old → 2; a bad birth date is refused in Japanese
    page = _page(client, f"/payroll/declarations/{employee_id}", "扶養控除等申告書")
    form = {"csrf_token": csrf_of(page), "has_declaration": "1", "dependant_rows": "2",
            "spouse-name": "山田 花子", "spouse-birth_date": "1988-04-01", "spouse-income": "０",
            "dep0-name": "山田 一郎", "dep0-relation": "長男", "dep0-birth_date": f"{year - 17}-01-10",
            "dep0-income": "0", "dep0-lives_with": "1"}
    r = client.post(f"/payroll/declarations/{employee_id}", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text[:800]
    view = declarations.get(demo_db.uow(), admin, employee_id)
    assert (view.has_declaration, view.dependents) == (True, 2)
    assert "甲欄" in _page(client, f"/payroll/declarations/{employee_id}", "山田 一郎")
    bad = client.post(f"/payroll/declarations/{employee_id}", data={**form, "dep0-birth_date": "2999-01-01"})
    assert bad.status_code == 422 and "生年月日が正しくありません" in bad.text
    with demo_db.uow() as uow:
        assert uow.session.scalars(select(AuditRecord).where(AuditRecord.entity_type == "payroll_declaration",
                                                             AuditRecord.entity_id == str(employee_id))).first()

    # 組合: a new one and its rates; a share above the rate is refused
    r = client.post("/payroll/unions", data={"csrf_token": csrf, "name": "さくら健康保険組合",
                                             "insurer_number": "06139999"}, follow_redirects=False)
    assert r.status_code == 303
    _page(client, "/payroll/unions", "さくら健康保険組合")
    union_id = next(u.id for u in unions.list_unions(demo_db.uow(), admin) if u.name == "さくら健康保険組合")
    rate = {"csrf_token": csrf, "effective_from": "2026-04-01", "health_rate": "9.0", "health_employee_rate": "4.5",
            "care_rate": "1.6", "care_employee_rate": "0.8"}
    assert client.post(f"/payroll/unions/{union_id}/rates", data=rate, follow_redirects=False).status_code == 303
    bad = client.post(f"/payroll/unions/{union_id}/rates",
                      data={**rate, "effective_from": "2026-10-01", "care_employee_rate": "2.0"})
    assert bad.status_code == 422 and "被保険者負担分が保険料率を超えています" in bad.text

    # a raise from a date: a new row, the old one kept
    before = len(wages.history(demo_db.uow(), admin, employee_id).rows)
    r = client.post(f"/payroll/wages/{employee_id}", data={"csrf_token": csrf, "effective_from": f"{year + 1}-04-01",
                                                           "base_amount": "400,000", "commute_allowance": "12000"},
                    follow_redirects=False)
    assert r.status_code == 303, r.text[:800]
    rows = wages.history(demo_db.uow(), admin, employee_id).rows
    assert len(rows) == before + 1 and rows[0].base_amount == 400_000 and rows[0].effective_from == dt.date(
        year + 1, 4, 1)

    sales, _ = _session(client, REQUESTER)
    for path in (*LISTS, f"/payroll/declarations/{employee_id}", f"/payroll/wages/{employee_id}",
                 "/payroll/zuiji.csv"):
        assert sales.get(path).status_code == 403, path
    keiri, _ = _session(client, ACCOUNTING)
    assert keiri.get("/payroll/zuiji").status_code == 200
    assert keiri.get(f"/payroll/declarations/{employee_id}").status_code == 403  # personal data

    # the API
    hr = auth(token_for(demo_db, HR))
    got = client.get(f"/api/v1/payroll/zuiji?year={raise_year}", headers=hr).json()
    assert any(r["status"] == "candidate" for r in got)
    body = {"has_declaration": False}
    r = client.put(f"/api/v1/payroll/declarations/{employee_id}", json=body, headers=hr)
    assert r.status_code == 200 and r.json()["dependents"] == 0  # 乙欄
    assert client.get(f"/api/v1/payroll/fixed-wages/{employee_id}", headers=hr).json()[0]["base_amount"] == 400_000
    assert len(client.get("/api/v1/payroll/health-unions", headers=hr).json()) == 2
    requester = auth(token_for(demo_db, REQUESTER))
    assert client.get(f"/api/v1/payroll/declarations/{employee_id}", headers=requester).status_code == 403
    assert client.get(f"/api/v1/payroll/zuiji?year={year}", headers=requester).status_code == 403
