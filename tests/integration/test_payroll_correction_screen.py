"""給与の訂正 on the screen (SQLite and PostgreSQL), on the company of test_payroll with its hand-worked October:
A 青木's 基本給 was really 310,000, not 300,000 (figures worked out in test_payroll's correction test):
  gross 360,000 → 370,781; 差引支給額 297,154 → 307,471 (+10,317); B 93,060 and C 204,716 unchanged, so the run's
  差引支給額 goes from 297,154 + 93,060 + 204,716 = 594,930 to 605,247.
From the fixed run's page, 訂正 opens the form with the items October was computed with; 差額を確認 shows the
differences before saving; 保存 makes the correction run, computed and checked; 経理 approves it: the original's entry
is reversed, the correction's posted, the original never changes. A second correction of the same run, an item that
is not a number, and a correction that changes nothing are refused, each in Japanese."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from ennoshita.db import Database
from ennoshita.ledger.models import JournalEntry
from ennoshita.payroll.models import PayRun
from ennoshita.settings import Settings
from ennoshita.web.app import create_app
from tests.conftest import login
from tests.integration.test_payroll import _run_month, _slips, org  # noqa: F401  (org: the fixture)

PASSWORD = "pw-for-tests-1"


@pytest.fixture
def web(db: Database, app_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(app_settings, db)) as c:
        yield c


def _row(html: str, testid: str) -> list[str]:
    m = re.search(rf'data-testid="{testid}".*?</tr>', html, re.S)
    assert m, testid
    return re.findall(r"¥[-\d,]+", m.group(0))


def test_correcting_a_fixed_run_on_the_screen(web: TestClient, db: Database, org: dict[str, object]) -> None:  # noqa: F811
    ids = org["ids"]
    assert isinstance(ids, dict)
    original = _run_month(db, org, 2026, 10)
    token = login(web, "jinji@example.jp", PASSWORD)
    page = web.get(f"/payroll/runs/{original}")
    assert f'href="/payroll/runs/{original}/correction"' in page.text
    form = web.get(f"/payroll/runs/{original}/correction")
    assert form.status_code == 200 and "給与の訂正" in form.text
    base = f"c.{ids['A']}.base_amount"
    assert f'name="{base}" value="300000"' in form.text
    fields = dict(re.findall(r'name="(c\.\d+\.\w+)" value="([^"]*)"', form.text))
    assert len(fields) == 9  # three employees, three items each

    bad = web.post(f"/payroll/runs/{original}/correction/preview",
                   data={**fields, "csrf_token": token, f"c.{ids['A']}.dependents": "二人"})
    assert bad.status_code == 422 and "payroll_ui." not in bad.text
    nothing = web.post(f"/payroll/runs/{original}/correction/save", data={**fields, "csrf_token": token})
    assert nothing.status_code == 422 and "訂正する項目がありません" in nothing.text

    changed = {**fields, "csrf_token": token, base: "310,000"}
    shown = web.post(f"/payroll/runs/{original}/correction/preview", data=changed)
    assert shown.status_code == 200 and "訂正前後の差額" in shown.text
    assert "基本給 300000 → 310000" in shown.text
    # gross 300,000 + 20,000 役職手当 + 15,000 通勤 + 25,000 残業 = 360,000 → 370,781; 控除 = gross - net
    assert _row(shown.text, "diff-1001") == ["¥360,000", "¥370,781", "¥62,846", "¥63,310", "¥297,154", "¥307,471",
                                             "¥10,317"]
    assert 'data-testid="diff-1002"' not in shown.text and 'data-testid="diff-1003"' not in shown.text
    total = _row(shown.text, "diff-total")
    assert (total[4], total[5], total[6]) == ("¥594,930", "¥605,247", "¥10,317")
    with db.uow() as uow:  # the preview writes nothing
        assert uow.session.scalar(select(PayRun.id).where(PayRun.corrects_id == original)) is None

    saved = web.post(f"/payroll/runs/{original}/correction/save", data=changed, follow_redirects=False)
    assert saved.status_code == 303, saved.text[:800]
    fix = int(saved.headers["location"].split("/")[-1].split("?")[0])
    page = web.get(saved.headers["location"])
    assert "訂正の給与計算を作成しました" in page.text and 'data-testid="corrects"' in page.text
    with db.uow() as uow:
        run = uow.session.get(PayRun, fix)
        assert run is not None and (run.corrects_id, run.status) == (original, "checked")
        assert run.corrections == {str(ids["A"]): {"base_amount": 310_000}}
    again = web.get(f"/payroll/runs/{original}/correction")
    assert again.status_code == 409 and "すでに訂正" in again.text

    keiri = TestClient(web.app)
    keiri_token = login(keiri, "keiri@example.jp", PASSWORD)
    approved = keiri.post(f"/payroll/runs/{fix}/approve", data={"csrf_token": keiri_token}, follow_redirects=False)
    assert approved.status_code == 303
    assert _slips(db, fix)["1001"].net == 307_471 and _slips(db, fix)["1002"].net == 93_060
    assert _slips(db, original)["1001"].net == 297_154  # the fixed run never changes
    with db.uow() as uow:
        s = uow.session
        orig = s.get(PayRun, original)
        assert orig is not None
        assert s.scalar(select(JournalEntry.id).where(JournalEntry.reverses_id == orig.journal_entry_id))


def test_the_correction_goes_to_the_payroll_route_when_there_is_one(web: TestClient, db: Database,
                                                                     org: dict[str, object]) -> None:  # noqa: F811
    from ennoshita.approvals import services as approvals
    from ennoshita.approvals.models import ApprovalRoute
    from ennoshita.payroll.services import DOCUMENT_TYPE

    ids = org["ids"]
    assert isinstance(ids, dict)
    original = _run_month(db, org, 2026, 10)  # fixed before the route exists
    with db.uow() as uow:
        uow.session.add(ApprovalRoute(document_type=DOCUMENT_TYPE, department=None, min_amount=0, max_amount=None,
                                      steps=[{"kind": "role", "role": "accounting", "user_id": None,
                                              "label": "経理"}], name="給与", active=True))
        uow.commit()
    token = login(web, "jinji@example.jp", PASSWORD)
    fields = dict(re.findall(r'name="(c\.\d+\.\w+)" value="([^"]*)"',
                             web.get(f"/payroll/runs/{original}/correction").text))
    saved = web.post(f"/payroll/runs/{original}/correction/save", follow_redirects=False,
                     data={**fields, "csrf_token": token, f"c.{ids['C']}.commute_allowance": "12000"})
    assert saved.status_code == 303, saved.text[:800]
    fix = int(saved.headers["location"].split("/")[-1].split("?")[0])
    request = approvals.status_of(db.uow(), DOCUMENT_TYPE, fix)
    assert request is not None
    with db.uow() as uow:
        run = uow.session.get(PayRun, fix)
        assert run is not None and run.status == "pending_approval"
    keiri = org["keiri"]
    approvals.decide(db.uow(), keiri, request.id, "approve")  # type: ignore[arg-type]
    with db.uow() as uow:
        run = uow.session.get(PayRun, fix)
        assert run is not None and run.status == "fixed"
    # C's 通勤手当 12,000 (non-taxable, under the 150,000 limit) is paid on top; nothing else of C changes
    assert _slips(db, fix)["1003"].gross == _slips(db, original)["1003"].gross + 12_000
    assert _slips(db, fix)["1001"].net == _slips(db, original)["1001"].net
