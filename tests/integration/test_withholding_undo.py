"""源泉所得税 納付の取消 on SQLite and PostgreSQL: the 納付 entry reversed, the withheld items unpaid again (back in
the 納付 list and the 所得税徴収高計算書), every account back to its balance before the 納付, the 納付 kept as
cancelled and payable again; the role is the 納付's, and the journal's own 取消 still refuses the entry.

Hand-computed: 顧問料 100,000 × 10.21% = 10,210 and 講演料 30,000 × 10.21% = 3,063, both paid to the payees on
2027-02-25 (due 2027-03-10): 13,273 withheld in 預り金 (2200).
"""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from typer.testing import CliRunner

from ennoshita.actor import Actor
from ennoshita.cli.main import app as cli_app
from ennoshita.db import Database
from ennoshita.errors import Conflict, Forbidden
from ennoshita.ledger import services as ledger
from ennoshita.purchasing import bills
from ennoshita.settings import Settings
from ennoshita.web.app import create_app
from ennoshita.withholding import reports
from ennoshita.withholding import services as withholding
from ennoshita.withholding.models import WithholdingRemittance
from tests.conftest import login
from tests.integration.test_api import auth, token_for
from tests.integration.test_purchasing_withholding import _individual, org  # noqa: F401 (the fixture)

D = dt.date
DUE = D(2027, 3, 10)
SOUMU = Actor(user_id=None, name="総務 次郎", roles=frozenset({"general_affairs"}), via="cli")


def _balances(db: Database) -> dict[str, int]:
    with db.uow() as uow:
        rows = uow.session.execute(text(
            "SELECT a.code, COALESCE(SUM(l.debit), 0) - COALESCE(SUM(l.credit), 0) FROM journal_lines l "
            "JOIN accounts a ON a.id = l.account_id GROUP BY a.code")).all()
    return {str(code): int(net) for code, net in rows if int(net)}


def _withheld(db: Database, people: dict[str, Actor]) -> None:
    zeirishi = _individual(db, "S010", "山田 太郎 税理士事務所", "ﾔﾏﾀﾞ ﾀﾛｳ", "professional")
    lecturer = _individual(db, "S011", "佐々木 講師", "ｻｻｷ ｺｳｼ", "lecture")
    fee = bills.record_bill(db.uow(), people["kobai"], bills.BillInput(
        zeirishi, "Y-2701", D(2027, 1, 31), (bills.BillLineInput("顧問料", "100000", account_code="6340"),)))
    talk = bills.record_bill(db.uow(), people["kobai"], bills.BillInput(
        lecturer, "K-1", D(2027, 1, 31), (bills.BillLineInput("講演料", "30000", account_code="6340"),)))
    with db.uow() as uow:  # the payees paid on 2/25 (as a payment run's 支払済 would): due 3/10
        withholding.mark_paid(uow.session, "supplier_bill", [fee.id, talk.id], D(2027, 2, 25), False)
        uow.commit()


def test_pay_and_cancel_is_nothing_and_the_items_are_due_again(db: Database, org: dict[str, Actor]) -> None:  # noqa: F811
    keiri = org["keiri"]
    _withheld(db, org)
    before = _balances(db)
    assert before["2200"] == -13_273  # 預り金 (源泉所得税) credited by the bills
    unpaid = withholding.remittance_list(db.uow(), keiri)
    assert [(g.due_date, g.total, g.remittance_id, g.paid_date) for g in unpaid] == [(DUE, 13_273, None, None)]
    paid = withholding.pay_remittance(db.uow(), keiri, DUE, D(2027, 3, 9))
    after = _balances(db)
    assert after.get("2200", 0) == 0 and after["1140"] == before.get("1140", 0) - 13_273  # 普通預金
    with pytest.raises(Forbidden):
        withholding.cancel_remittance(db.uow(), SOUMU, paid.id)  # payments.edit, as the 納付
    with pytest.raises(Forbidden):
        withholding.cancel_remittance(db.uow(), org["kobai"], paid.id)
    cancelled = withholding.cancel_remittance(db.uow(), keiri, paid.id, "納付額の誤り")
    assert (cancelled.total, cancelled.items) == (13_273, 2) and cancelled.reversal_entry_no.startswith("JE-")
    assert _balances(db) == before  # pay + cancel = nothing
    # the items are due again, with their 所得税徴収高計算書 figures, and the 納付書 report shows them unpaid
    again = withholding.remittance_list(db.uow(), keiri)
    assert again == unpaid
    assert [(c.category, c.people, c.amount, c.tax) for c in again[0].categories] == [
        ("lecture", 1, 30_000, 3_063), ("professional", 1, 100_000, 10_210)]
    table = reports.remittance_table(again)
    assert [(r["category"], r["tax"], r["paid_date"]) for r in table.rows] == [
        ("講演料", 3_063, None), ("税理士・弁護士・社労士等の報酬", 10_210, None), ("合計", 13_273, None)]
    # the 納付 is kept, cancelled; a second 取消 is refused
    with db.uow() as uow:
        row = uow.session.get(WithholdingRemittance, paid.id)
        assert row is not None and (row.status, row.total, row.reversal_entry_id is not None) == (
            "cancelled", 13_273, True)
    with pytest.raises(Conflict) as twice:
        withholding.cancel_remittance(db.uow(), keiri, paid.id)
    assert twice.value.key == "withholding.error.remittance_cancelled"
    # paid again: the same posting as the first time
    repaid = withholding.pay_remittance(db.uow(), keiri, DUE, D(2027, 3, 10))
    assert repaid.total == 13_273 and repaid.id != paid.id
    assert _balances(db).get("2200", 0) == 0
    assert [(g.remittance_id, g.paid_date) for g in withholding.remittance_list(db.uow(), keiri)] == [
        (repaid.id, D(2027, 3, 10))]


def test_the_journal_still_refuses_the_payment_and_its_reversal(db: Database, org: dict[str, Actor]) -> None:  # noqa: F811
    keiri = org["keiri"]
    _withheld(db, org)
    paid = withholding.pay_remittance(db.uow(), keiri, DUE, D(2027, 3, 9))
    with db.uow() as uow:
        row = uow.session.get(WithholdingRemittance, paid.id)
        assert row is not None and row.journal_entry_id is not None
        entry_id = row.journal_entry_id
    with pytest.raises(Conflict) as refused:
        ledger.reverse_entry(db.uow(), keiri, entry_id, reason="誤り")
    assert refused.value.key == "withholding.owned.remittance"
    withholding.cancel_remittance(db.uow(), keiri, paid.id)
    with db.uow() as uow:
        row = uow.session.get(WithholdingRemittance, paid.id)
        assert row is not None and row.reversal_entry_id is not None
        reversal = row.reversal_entry_id
    with pytest.raises(Conflict) as back:
        ledger.reverse_entry(db.uow(), keiri, reversal, reason="誤り")
    assert back.value.key == "ledger.error.owned_reversal"


def test_the_screen_the_api_and_the_cli_cancel(db: Database, org: dict[str, Actor],  # noqa: F811
                                               app_settings: Settings) -> None:
    keiri = org["keiri"]
    _withheld(db, org)
    first = withholding.pay_remittance(db.uow(), keiri, DUE, D(2027, 3, 9))
    with TestClient(create_app(app_settings, db)) as client:
        token = login(client, "keiri@example.jp", "pw-for-tests-1")
        page = client.get("/withholding")
        assert f'data-testid="cancel-{DUE.isoformat()}"' in page.text and "data-confirm=" in page.text
        done = client.post(f"/withholding/remittances/{first.id}/cancel", data={"csrf_token": token},
                           follow_redirects=False)
        assert done.status_code == 303
        refused = client.post(f"/withholding/remittances/{first.id}/cancel", data={"csrf_token": token})
        assert refused.status_code == 409
        assert f'data-testid="pay-{DUE.isoformat()}"' in client.get("/withholding").text  # payable again
        second = withholding.pay_remittance(db.uow(), keiri, DUE, D(2027, 3, 9))
        api = auth(token_for(db, "keiri@example.jp"))
        r = client.post(f"/api/v1/withholding/remittances/{second.id}/cancel", headers=api, json={"reason": "誤り"})
        assert r.status_code == 200, r.text
        assert (r.json()["total"], r.json()["items"]) == (13_273, 2)
        kobai = auth(token_for(db, "kobai@example.jp"))
        third = withholding.pay_remittance(db.uow(), keiri, DUE, D(2027, 3, 9))
        assert client.post(f"/api/v1/withholding/remittances/{third.id}/cancel", headers=kobai,
                           json={}).status_code == 403
    url = ["--database-url", db.url, "--as-user", "keiri@example.jp"]
    out = CliRunner().invoke(cli_app, ["withholding", "cancel", "--due-date", DUE.isoformat(), "--reason", "誤り",
                                       *url])
    assert out.exit_code == 0, out.output
    assert "13,273" in out.output
    assert withholding.remittance_list(db.uow(), keiri)[0].remittance_id is None
    missing = CliRunner().invoke(cli_app, ["withholding", "cancel", "--due-date", DUE.isoformat(), *url])
    assert missing.exit_code == 1 and "2027年3月10日" in missing.output and "{" not in missing.output
