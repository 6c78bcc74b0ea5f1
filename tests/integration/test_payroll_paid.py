"""給与 支払済 (未払金 / 普通預金) and 納付済 (預り金・未払費用 / 普通預金) on SQLite and PostgreSQL, with the
three employees of ``test_payroll`` (figures worked out by hand there).

The run of the October 2026 period is paid on 2026-11-25 (a Wednesday):
  差引支給額 A 297,154 + B 93,060 + C 204,716 = 594,930 (未払金)
  源泉所得税 A 4,500 + B 2,940 + C 4,670 = 12,110; 住民税 A 8,300;
  社会保険料 (employee) A 17,136 + 31,110 = 48,246, C 15,574 + 23,790 = 39,364 → 87,610;
  雇用保険料 (employee) A 360,000 x 5/1000 = 1,800, C 250,000 x 5/1000 = 1,250 → 3,050
  (預り金 12,110 + 8,300 + 87,610 + 3,050 = 111,070, as the run's posting);
  employer: 社会保険料 A 17,136 + 31,110 + 子ども 340,000 x 0.36% = 1,224; C 15,574 + 23,790 + 936 → 89,770;
  雇用保険料 (360,000 + 250,000) x 8.5/1000 = 5,185 (未払費用 94,955).
納期限: 源泉所得税 and 住民税 the 10th of the next month, 2026-12-10 (Thursday); 社会保険料 (健康保険・厚生年金, to the
年金事務所) the end of the next month, 2026-12-31, a bank holiday (年末年始) → 2027-01-04 (Monday); 雇用保険料 is
労働保険料, paid for 労働保険年度 2026 at the 年度更新 by 2027-07-10, a Saturday → 2027-07-12 (Monday).
"""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from ennoshita.actor import Actor
from ennoshita.db import Database
from ennoshita.errors import Conflict, Forbidden
from ennoshita.ledger.models import Account, JournalEntry, JournalLine
from ennoshita.payroll import remittances as payroll_remittances
from ennoshita.payroll import services
from ennoshita.payroll.models import PayRun
from tests.integration.test_payroll import _run_month, org  # noqa: F401  (the fixture)


def _balance(db: Database, code: str) -> int:
    """Credit minus debit of an account over every entry."""
    with db.uow() as uow:
        debit, credit = uow.session.execute(
            select(func.coalesce(func.sum(JournalLine.debit), 0), func.coalesce(func.sum(JournalLine.credit), 0))
            .join(Account, Account.id == JournalLine.account_id).where(Account.code == code)).one()
    return int(credit) - int(debit)


def _entry(db: Database, entry_id: int) -> tuple[dt.date, dict[str, tuple[int, int]]]:
    with db.uow() as uow:
        s = uow.session
        day = s.get(JournalEntry, entry_id).entry_date  # type: ignore[union-attr]
        rows = s.execute(select(Account.code, func.sum(JournalLine.debit), func.sum(JournalLine.credit))
                         .join(Account, Account.id == JournalLine.account_id)
                         .where(JournalLine.entry_id == entry_id).group_by(Account.code)).all()
    return day, {str(c): (int(d), int(cr)) for c, d, cr in rows}


def test_a_fixed_run_is_paid_once_by_accounting(db: Database, org: dict[str, object]) -> None:  # noqa: F811
    run_id = _run_month(db, org, 2026, 10)
    hr, keiri = org["jinji"], org["keiri"]
    assert isinstance(hr, Actor) and isinstance(keiri, Actor)
    assert _balance(db, "2150") == 594_930
    with pytest.raises(Forbidden):
        services.mark_run_paid(db.uow(), hr, run_id)  # 人事 computes, 経理 pays
    view = services.mark_run_paid(db.uow(), keiri, run_id)
    assert (view.paid_date, view.paid_amount) == (dt.date(2026, 11, 25), 594_930)
    with db.uow() as uow:
        entry_id = uow.session.get(PayRun, run_id).paid_entry_id  # type: ignore[union-attr]
    assert entry_id is not None
    assert _entry(db, entry_id) == (dt.date(2026, 11, 25), {"2150": (594_930, 0), "1140": (0, 594_930)})
    assert _balance(db, "2150") == 0
    with pytest.raises(Conflict):
        services.mark_run_paid(db.uow(), keiri, run_id)
    assert _balance(db, "1140") == 594_930  # paid out once


def test_a_correction_pays_only_the_difference(db: Database, org: dict[str, object]) -> None:  # noqa: F811
    # test_payroll's correction: A's 基本給 310,000 → 差引 307,471 (was 297,154): +10,317
    ids, hr, keiri = org["ids"], org["jinji"], org["keiri"]
    assert isinstance(ids, dict) and isinstance(hr, Actor) and isinstance(keiri, Actor)
    original = _run_month(db, org, 2026, 10)
    services.mark_run_paid(db.uow(), keiri, original)
    services.save_profile(db.uow(), hr, ids["A"], {"base_amount": 310_000}, effective_from=dt.date(2026, 10, 1))
    fix = services.create_run(db.uow(), hr, kind="monthly", year=2026, month=10, corrects_id=original)
    services.compute_run(db.uow(), hr, fix.id)
    services.check_run(db.uow(), hr, fix.id)
    services.approve_run(db.uow(), keiri, fix.id)
    assert _balance(db, "2150") == 10_317  # the reversal and the correction leave the difference owed
    view = services.mark_run_paid(db.uow(), keiri, fix.id)
    assert view.paid_amount == 10_317
    assert _balance(db, "2150") == 0
    assert _balance(db, "1140") == 594_930 + 10_317  # credit: paid out


def test_an_unpaid_original_is_paid_through_its_correction(db: Database, org: dict[str, object]) -> None:  # noqa: F811
    ids, hr, keiri = org["ids"], org["jinji"], org["keiri"]
    assert isinstance(ids, dict) and isinstance(hr, Actor) and isinstance(keiri, Actor)
    original = _run_month(db, org, 2026, 10)
    services.save_profile(db.uow(), hr, ids["A"], {"base_amount": 310_000}, effective_from=dt.date(2026, 10, 1))
    fix = services.create_run(db.uow(), hr, kind="monthly", year=2026, month=10, corrects_id=original)
    services.compute_run(db.uow(), hr, fix.id)
    services.check_run(db.uow(), hr, fix.id)
    services.approve_run(db.uow(), keiri, fix.id)
    with pytest.raises(Conflict):
        services.mark_run_paid(db.uow(), keiri, original)
    assert services.mark_run_paid(db.uow(), keiri, fix.id).paid_amount == 605_247  # 594,930 + 10,317
    assert _balance(db, "2150") == 0


def test_remittances_of_a_pay_month(db: Database, org: dict[str, object]) -> None:  # noqa: F811
    hr, keiri = org["jinji"], org["keiri"]
    assert isinstance(hr, Actor) and isinstance(keiri, Actor)
    _run_month(db, org, 2026, 10)
    rows = {r.kind: r for r in payroll_remittances.remittances(db.uow(), hr, 2026)}
    assert {k: (r.month, r.withheld, r.employer, r.due, r.paid_date) for k, r in rows.items()} == {
        "income_tax": ("2026-11", 12_110, 0, dt.date(2026, 12, 10), None),
        "resident_tax": ("2026-11", 8_300, 0, dt.date(2026, 12, 10), None),
        "social_insurance": ("2026-11", 87_610, 89_770, dt.date(2027, 1, 4), None),
        "labour_insurance": ("2026", 3_050, 5_185, dt.date(2027, 7, 12), None)}
    assert (_balance(db, "2200"), _balance(db, "2160")) == (111_070, 94_955)
    with pytest.raises(Forbidden):
        payroll_remittances.pay_remittance(db.uow(), hr, "2026-11", "income_tax")
    tax = payroll_remittances.pay_remittance(db.uow(), keiri, "2026-11", "income_tax")
    assert tax.journal_entry_id is not None
    assert _entry(db, tax.journal_entry_id) == (dt.date(2026, 12, 10), {"2200": (12_110, 0), "1140": (0, 12_110)})
    with pytest.raises(Conflict):
        payroll_remittances.pay_remittance(db.uow(), keiri, "2026-11", "income_tax")
    payroll_remittances.pay_remittance(db.uow(), keiri, "2026-11", "resident_tax")
    social = payroll_remittances.pay_remittance(db.uow(), keiri, "2026-11", "social_insurance")
    assert social.journal_entry_id is not None
    assert _entry(db, social.journal_entry_id) == (dt.date(2027, 1, 4), {
        "2200": (87_610, 0), "2160": (89_770, 0), "1140": (0, 177_380)})
    assert (_balance(db, "2200"), _balance(db, "2160")) == (3_050, 5_185)  # 雇用保険: the 労働保険料's
    labour = payroll_remittances.pay_remittance(db.uow(), keiri, "2026", "labour_insurance")
    assert labour.journal_entry_id is not None
    assert _entry(db, labour.journal_entry_id) == (dt.date(2027, 7, 12), {
        "2200": (3_050, 0), "2160": (5_185, 0), "1140": (0, 8_235)})
    assert (_balance(db, "2200"), _balance(db, "2160")) == (0, 0)
    assert all(r.paid_date for r in payroll_remittances.remittances(db.uow(), hr, 2026))
    with pytest.raises(Conflict):
        payroll_remittances.pay_remittance(db.uow(), keiri, "2026-10", "income_tax")  # no run paid in October


def test_api_and_cli(db: Database, org: dict[str, object]) -> None:  # noqa: F811
    from typer.testing import CliRunner

    from ennoshita.cli.main import app

    run_id = _run_month(db, org, 2026, 10)
    runner = CliRunner()
    url = ["--database-url", db.url]
    r = runner.invoke(app, ["payroll", "run", "paid", str(run_id), *url])
    assert r.exit_code == 0, r.output
    assert "¥594,930" in r.output
    r = runner.invoke(app, ["payroll", "run", "paid", str(run_id), *url])
    assert r.exit_code == 1
    r = runner.invoke(app, ["payroll", "remit", "--month", "2026-11", "--kind", "social_insurance", *url])
    assert r.exit_code == 0, r.output
    assert "¥177,380" in r.output
    r = runner.invoke(app, ["payroll", "remit", "--month", "2026", "--kind", "labour_insurance", *url])
    assert r.exit_code == 0, r.output
    assert "2026年度" in r.output and "¥8,235" in r.output and "2027-07-12" in r.output
    r = runner.invoke(app, ["payroll", "remit", "--month", "2026-13", "--kind", "labour_insurance", *url])
    assert r.exit_code == 1 and "Traceback" not in r.output
    r = runner.invoke(app, ["payroll", "remittances", "--year", "2026", *url])
    assert r.exit_code == 0, r.output
    assert "¥12,110" in r.output and "¥8,300" in r.output
    assert _balance(db, "1140") == 594_930 + 177_380 + 8_235


def test_screens_and_api_on_the_demo(client: TestClient, demo_db: Database) -> None:
    from tests.conftest import ACCOUNTING, login
    from tests.integration.test_api import auth, token_for

    with demo_db.uow() as uow:
        open_run = uow.session.scalars(select(PayRun).where(PayRun.status == "fixed", PayRun.paid_date.is_(None))
                                       .order_by(PayRun.pay_date)).first()
        paid_run = uow.session.scalars(select(PayRun).where(PayRun.paid_date.is_not(None))).first()
        assert open_run is not None and paid_run is not None  # the demo pays all but the current month's
        open_id, open_net, open_year, paid_id = open_run.id, open_run.net_total, open_run.pay_date.year, paid_run.id
    remits = [r for y in (open_year - 1, open_year)
              for r in payroll_remittances.remittances(demo_db.uow(), Actor.system(), y) if r.paid_date is None]
    assert remits
    target = remits[0]

    # 人事 sees no button and may not post
    login(client, "jinji@demo.ennoshita.jp")
    page = client.get(f"/payroll/runs/{open_id}")
    assert page.status_code == 200 and "支払済にする" not in page.text and "未払" in page.text
    other = TestClient(client.app)
    csrf = login(other, ACCOUNTING)
    page = other.get(f"/payroll/runs/{open_id}")
    assert "支払済にする" in page.text
    r = other.post(f"/payroll/runs/{open_id}/paid", data={"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303, r.text[:500]
    page = other.get(r.headers["location"])
    assert "支払済にしました" in page.text and "支払済にする" not in page.text
    with demo_db.uow() as uow:
        assert uow.session.get(PayRun, open_id).paid_amount == open_net  # type: ignore[union-attr]
    r = other.post(f"/payroll/runs/{open_id}/paid", data={"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 409 and "支払済です" in r.text and "payroll.error" not in r.text

    text = other.get(f"/payroll/tax-payments?year={target.month[:4]}").text
    assert "納付（源泉所得税・住民税・社会保険料・労働保険料）" in text
    assert f"remit-{target.month}-{target.kind}" in text
    text = other.get("/payroll/tax-payments?year=2026").text  # 雇用保険 waits for the 年度更新 of 労働保険年度 2026
    assert "労働保険料（雇用保険分）" in text and "2026年度（2026年4月〜2027年3月支給分）" in text
    assert "remit-2026-labour_insurance" in text and "社会保険料・雇用保険料" not in text
    r = other.post("/payroll/remittances", data={"csrf_token": csrf, "month": target.month, "kind": target.kind},
                   follow_redirects=False)
    assert r.status_code == 303, r.text[:500]
    assert "納付済にしました" in other.get(r.headers["location"]).text
    r = other.post("/payroll/remittances", data={"csrf_token": csrf, "month": target.month, "kind": target.kind})
    assert r.status_code == 409 and "納付済です" in r.text

    token = auth(token_for(demo_db, ACCOUNTING))
    r = client.post(f"/api/v1/payroll/runs/{paid_id}/paid", headers=token)
    assert r.status_code == 409 and r.headers["content-type"].startswith("application/problem+json")
    rows = client.get(f"/api/v1/payroll/remittances?year={target.month[:4]}", headers=token).json()
    mine = [x for x in rows if (x["month"], x["kind"]) == (target.month, target.kind)]
    assert mine and mine[0]["paid_date"] == target.due.isoformat() and mine[0]["total"] == target.total
    hr_token = auth(token_for(demo_db, "jinji@demo.ennoshita.jp"))
    r = client.post("/api/v1/payroll/remittances", headers=hr_token,
                    json={"month": target.month, "kind": target.kind})
    assert r.status_code == 403


def test_a_remittance_reversed_in_the_books_is_unpaid_again(db: Database, org: dict[str, object]) -> None:  # noqa: F811
    """A 納付 recorded by mistake is taken back as any entry is, by its 取消 in the journal: the 源泉所得税 of
    2026-11 (12,110, the run of the October period) is unpaid again, 預り金 holds it again, and it can be paid once
    more (before: still 納付済 and refused, the books and the list disagreeing)."""
    from ennoshita.ledger import services as ledger_services

    hr, keiri = org["jinji"], org["keiri"]
    assert isinstance(hr, Actor) and isinstance(keiri, Actor)
    _run_month(db, org, 2026, 10)
    first = payroll_remittances.pay_remittance(db.uow(), keiri, "2026-11", "income_tax")
    assert first.journal_entry_id is not None
    ledger_services.reverse_entry(db.uow(), keiri, first.journal_entry_id, dt.date(2026, 12, 11))
    rows = {r.kind: r for r in payroll_remittances.remittances(db.uow(), hr, 2026)}
    assert (rows["income_tax"].withheld, rows["income_tax"].paid_date, rows["income_tax"].journal_entry_id) == (
        12_110, None, None)
    assert _balance(db, "2200") == 111_070  # the run's 預り金 whole again
    again = payroll_remittances.pay_remittance(db.uow(), keiri, "2026-11", "income_tax", dt.date(2026, 12, 14))
    assert again.journal_entry_id not in (None, first.journal_entry_id)
    assert _entry(db, again.journal_entry_id) == (dt.date(2026, 12, 14), {"2200": (12_110, 0), "1140": (0, 12_110)})
    assert _balance(db, "2200") == 111_070 - 12_110
    paid = {r.kind: r for r in payroll_remittances.remittances(db.uow(), hr, 2026)}["income_tax"]
    assert (paid.paid_date, paid.journal_entry_id) == (dt.date(2026, 12, 14), again.journal_entry_id)
    with pytest.raises(Conflict):
        payroll_remittances.pay_remittance(db.uow(), keiri, "2026-11", "income_tax")
