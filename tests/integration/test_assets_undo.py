"""減価償却の取消 and 除却・売却の取消 on SQLite and PostgreSQL: post + cancel = nothing (every account's balance and
the register's figures back to their hand-checked values), the same period run again gives the first run's
figures, the refusals name what depends on the run or the disposal, the role is checked, and the journal's own
取消 still refuses these entries (and the reversals).

Hand-computed (April fiscal year, indirect style):
  server ¥1,000,000, 5 years 200% 定率法 (0.400), in use 2026-04-10: FY2026 = 400,000, spread over 12 months by
  monthly_share: April 400,000×1//12 = 33,333, May 66,666 − 33,333 = 33,333, June 100,000 − 66,666 = 33,334.
  PC ¥240,000, 4 years 200% 定率法 (0.500), in use 2026-04-01: FY2026 = 120,000, 10,000 a month.
"""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from typer.testing import CliRunner

from ennoshita.actor import Actor
from ennoshita.assets import services as assets
from ennoshita.assets import undo
from ennoshita.cli.main import app as cli_app
from ennoshita.db import Database
from ennoshita.errors import Conflict, Forbidden, Invalid
from ennoshita.identity import company as company_service
from ennoshita.identity import services as identity
from ennoshita.ledger import services as ledger
from ennoshita.settings import Settings
from ennoshita.web.app import create_app
from tests.conftest import csrf_of, login
from tests.integration.test_api import auth, token_for

ADMIN = Actor.system()
SOUMU = Actor(user_id=None, name="総務 次郎", roles=frozenset({"general_affairs"}), via="cli")
KEIRI = Actor(user_id=None, name="経理 花子", roles=frozenset({"accounting"}), via="cli")
AUDITOR = Actor(user_id=None, name="監査 三郎", roles=frozenset({"auditor"}), via="cli")
D = dt.date


@pytest.fixture
def books(db: Database) -> Database:
    company_service.update_company(db.uow(), ADMIN, {"name": "株式会社さくら精機", "fiscal_year_start_month": 4})
    return db


def _balances(db: Database) -> dict[str, int]:
    """Every account's debit − credit, the accounts with no movement left out."""
    with db.uow() as uow:
        rows = uow.session.execute(text(
            "SELECT a.code, COALESCE(SUM(l.debit), 0) - COALESCE(SUM(l.credit), 0) FROM journal_lines l "
            "JOIN accounts a ON a.id = l.account_id GROUP BY a.code")).all()
    return {str(code): int(net) for code, net in rows if int(net)}


def _register(db: Database, asset_id: int) -> tuple[int, int, dt.date | None, str]:
    """(償却累計額, 帳簿価額, last depreciated month, status) of one asset."""
    a = assets.get_asset(db.uow(), ADMIN, asset_id)
    return a.accumulated, a.book_value, a.last_run_month, a.status


def _server(db: Database) -> int:
    return assets.register(db.uow(), ADMIN, assets.NewAsset("ファイルサーバー", "server", D(2026, 4, 10), 1_000_000)).id


def _pc(db: Database) -> int:
    return assets.register(db.uow(), ADMIN, assets.NewAsset("ノートPC", "pc", D(2026, 4, 1), 240_000,
                                                            method="declining")).id


def _run(db: Database, month: dt.date, kind: str = "monthly") -> int:
    run_id = assets.post_run(db.uow(), SOUMU, kind, month).posted_run_id
    assert run_id is not None
    return run_id


def test_post_and_cancel_is_nothing_and_the_period_runs_again_the_same(books: Database) -> None:
    db = books
    server = _server(db)
    _run(db, D(2026, 4, 1))
    after_april = _balances(db)
    assert after_april == {"6410": 33_333, "1570": -33_333}
    assert _register(db, server) == (33_333, 966_667, D(2026, 4, 1), "active")
    # the PC is entered late: May's run catches up April and May for it (20,000) beside the server's 33,333
    pc = _pc(db)
    may = _run(db, D(2026, 5, 1))
    assert _balances(db) == {"6410": 33_333 + 33_333 + 20_000, "1570": -(33_333 + 33_333 + 20_000)}
    assert _register(db, pc) == (20_000, 220_000, D(2026, 5, 1), "active")
    cancelled = undo.cancel_run(db.uow(), SOUMU, may, "PCの耐用年数の誤り")
    assert cancelled.status == "cancelled" and cancelled.reversal_entry_id is not None
    assert _balances(db) == after_april  # post + cancel = nothing
    assert _register(db, server) == (33_333, 966_667, D(2026, 4, 1), "active")
    assert _register(db, pc) == (0, 240_000, None, "active")  # never depreciated, as before the run
    # the same period again: the same figures as the first time
    again = assets.post_run(db.uow(), SOUMU, "monthly", D(2026, 5, 1))
    assert again.total == 53_333 and {line.amount for line in again.lines} == {33_333, 20_000}
    assert _register(db, pc) == (20_000, 220_000, D(2026, 5, 1), "active")
    assert _register(db, server) == (66_666, 933_334, D(2026, 5, 1), "active")
    # the runs list keeps the cancelled one beside the new one
    listed = [(r.label, r.status) for r in undo.list_runs(db.uow(), SOUMU)]
    assert listed == [("2026-05", "posted"), ("2026-05", "cancelled"), ("2026-04", "posted")]
    # the original entry and its reversal both stand in the journal
    with db.uow() as uow:
        entries = uow.session.execute(text(
            "SELECT source, COUNT(*) FROM journal_entries GROUP BY source ORDER BY source")).all()
    assert [(str(s), int(n)) for s, n in entries] == [("depreciation", 3), ("reversal", 1)]


def test_a_yearly_run_cancelled_leaves_the_register_untouched(books: Database) -> None:
    db = books
    server, pc = _server(db), _pc(db)
    run = _run(db, D(2026, 4, 1), "yearly")
    assert _balances(db) == {"6410": 520_000, "1570": -520_000}
    posted = undo.list_runs(db.uow(), SOUMU)[0]
    assert posted.label == "2026-04/2027-03" and posted.journal_entry_id is not None
    with pytest.raises(Conflict) as refused:
        ledger.reverse_entry(db.uow(), KEIRI, posted.journal_entry_id, reason="誤り")
    assert refused.value.params == {"ref": "2026-04/2027-03"}
    undo.cancel_run(db.uow(), SOUMU, run)
    assert _balances(db) == {}
    assert _register(db, server) == (0, 1_000_000, None, "active")
    assert _register(db, pc) == (0, 240_000, None, "active")
    assert assets.post_run(db.uow(), SOUMU, "yearly", D(2026, 4, 1)).total == 520_000


def test_only_the_latest_run_is_cancelled_and_nothing_is_written_when_refused(books: Database) -> None:
    db = books
    server = _server(db)
    april, may = _run(db, D(2026, 4, 1)), _run(db, D(2026, 5, 1))
    before = _balances(db)
    with pytest.raises(Conflict) as later:
        undo.cancel_run(db.uow(), SOUMU, april)
    assert later.value.key == "assets.error.run_later"
    assert later.value.params == {"period": "2026-04", "later": "2026-05"}
    with pytest.raises(Forbidden):
        undo.cancel_run(db.uow(), KEIRI, may)  # 経理 posts no run: general_affairs.edit
    with pytest.raises(Forbidden):
        undo.cancel_run(db.uow(), AUDITOR, may)
    undo.cancel_run(db.uow(), SOUMU, may)
    with pytest.raises(Conflict) as twice:
        undo.cancel_run(db.uow(), SOUMU, may)
    assert twice.value.key == "assets.error.run_cancelled"
    undo.cancel_run(db.uow(), SOUMU, april)  # now the latest standing run
    assert _balances(db) == {} and before != {}
    assert _register(db, server) == (0, 1_000_000, None, "active")


def test_a_locked_month_or_a_later_disposal_refuses_the_cancel(books: Database) -> None:
    db = books
    server = _server(db)
    april = _run(db, D(2026, 4, 1))
    ledger.lock_month(db.uow(), ADMIN, "2026-04")
    with pytest.raises(Invalid) as locked:
        undo.cancel_run(db.uow(), SOUMU, april)
    assert locked.value.problems[0].key == "ledger.error.period_locked"
    assert _register(db, server) == (33_333, 966_667, D(2026, 4, 1), "active")
    may = _run(db, D(2026, 5, 1))
    assets.dispose(db.uow(), SOUMU, assets.Disposal(server, D(2026, 6, 15), "retire"))
    with pytest.raises(Conflict) as disposed:
        undo.cancel_run(db.uow(), SOUMU, may)
    assert disposed.value.key == "assets.error.run_disposed"
    assert disposed.value.params == {"period": "2026-05", "number": "FA-000001"}


def test_the_journal_still_refuses_the_run_and_its_reversal(books: Database) -> None:
    db = books
    _server(db)
    run = _run(db, D(2026, 4, 1))
    entry_id = next(r.journal_entry_id for r in undo.list_runs(db.uow(), SOUMU) if r.id == run)
    assert entry_id is not None
    with pytest.raises(Conflict) as refused:
        ledger.reverse_entry(db.uow(), KEIRI, entry_id, reason="誤り")
    assert refused.value.key == "assets.owned.depreciation" and refused.value.params == {"ref": "2026-04"}
    reversal = undo.cancel_run(db.uow(), SOUMU, run).reversal_entry_id
    assert reversal is not None
    with pytest.raises(Conflict) as back:
        ledger.reverse_entry(db.uow(), KEIRI, reversal, reason="誤り")
    assert back.value.key == "ledger.error.owned_reversal"


def test_a_retirement_cancelled_puts_the_asset_back_in_service(books: Database) -> None:
    db = books
    server = _server(db)
    _run(db, D(2026, 4, 1))
    _run(db, D(2026, 5, 1))
    before = _balances(db)
    assert _register(db, server) == (66_666, 933_334, D(2026, 5, 1), "active")
    assets.dispose(db.uow(), SOUMU, assets.Disposal(server, D(2026, 6, 15), "retire"))
    # 除却損 933,334 = the book value; 累計額 66,666 taken off; the asset's 1,000,000 credited
    assert _balances(db) == {"6410": 66_666, "8220": 933_334, "1550": -1_000_000}
    with pytest.raises(Forbidden):
        undo.cancel_disposal(db.uow(), KEIRI, server)
    view = undo.cancel_disposal(db.uow(), SOUMU, server, "誤って除却")
    assert (view.status, view.disposed_on, view.disposal_kind, view.book_value) == ("active", None, None, 933_334)
    assert _balances(db) == before
    assert _register(db, server) == (66_666, 933_334, D(2026, 5, 1), "active")
    with pytest.raises(Conflict) as twice:
        undo.cancel_disposal(db.uow(), SOUMU, server)
    assert twice.value.key == "assets.error.not_disposed"
    # back in service: June's run charges it (100,000 − 66,666 = 33,334)
    assert assets.post_run(db.uow(), SOUMU, "monthly", D(2026, 6, 1)).total == 33_334


def test_a_sale_cancelled_takes_back_the_gain_and_the_tax(books: Database) -> None:
    db = books
    server = _server(db)
    _run(db, D(2026, 4, 1))
    before = _balances(db)
    assets.dispose(db.uow(), SOUMU, assets.Disposal(server, D(2026, 5, 20), "sale", proceeds=1_100_000))
    assert _balances(db) != before
    undo.cancel_disposal(db.uow(), SOUMU, server)
    assert _balances(db) == before == {"6410": 33_333, "1570": -33_333}


def test_a_later_run_refuses_the_disposals_cancel_and_the_journal_refuses_it(books: Database) -> None:
    db = books
    server, pc = _server(db), _pc(db)
    _run(db, D(2026, 4, 1))
    assets.dispose(db.uow(), SOUMU, assets.Disposal(server, D(2026, 4, 30), "retire"))
    may = _run(db, D(2026, 5, 1))  # the server is no longer in it
    with pytest.raises(Conflict) as later:
        undo.cancel_disposal(db.uow(), SOUMU, server)
    assert later.value.key == "assets.error.disposal_later_run"
    assert later.value.params == {"number": "FA-000001", "period": "2026-05"}
    with db.uow() as uow:
        entry_id = int(uow.session.execute(text(
            "SELECT id FROM journal_entries WHERE source = 'fixed_asset'")).scalar_one())
    with pytest.raises(Conflict) as refused:
        ledger.reverse_entry(db.uow(), KEIRI, entry_id, reason="誤り")
    assert refused.value.key == "assets.owned.disposal"
    undo.cancel_run(db.uow(), SOUMU, may)  # (May's run stands no more: the disposal can go)
    assert undo.cancel_disposal(db.uow(), SOUMU, server).book_value == 966_667
    assert _register(db, pc)[0] == 10_000


def test_the_screens_the_api_and_the_cli_cancel(books: Database, app_settings: Settings) -> None:
    db = books
    identity.create_user(db.uow(), ADMIN, identity.NewUser(email="soumu@example.jp", display_name="総務 次郎",
                                                           roles=("general_affairs",), password="pw-for-tests-1"))
    with TestClient(create_app(app_settings, db)) as client:
        _screens_api_cli(client, db)


def _screens_api_cli(client: TestClient, db: Database) -> None:
    server = _server(db)
    april, may = _run(db, D(2026, 4, 1)), _run(db, D(2026, 5, 1))
    token = login(client, "soumu@example.jp", "pw-for-tests-1")
    page = client.get("/assets/runs?month=2026-05")
    assert page.status_code == 200
    assert f'data-testid="run-cancel-{may}"' in page.text and "data-confirm=" in page.text
    refused = client.post(f"/assets/runs/{april}/cancel", data={"csrf_token": token})
    assert refused.status_code == 409 and "2026-05" in refused.text
    done = client.post(f"/assets/runs/{may}/cancel", data={"csrf_token": csrf_of(page.text)},
                       follow_redirects=False)
    assert done.status_code == 303
    assert _register(db, server) == (33_333, 966_667, D(2026, 4, 1), "active")
    # the API: the list, then the 取消 of April's run
    api = auth(token_for(db, "soumu@example.jp"))
    listed = client.get("/api/v1/depreciation-runs", headers=api).json()
    assert [(r["label"], r["status"]) for r in listed] == [("2026-05", "cancelled"), ("2026-04", "posted")]
    r = client.post(f"/api/v1/depreciation-runs/{april}/cancel", headers=api, json={"reason": "誤り"})
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    again = client.post(f"/api/v1/depreciation-runs/{april}/cancel", headers=api, json={})
    assert again.status_code == 409 and again.headers["content-type"].startswith("application/problem+json")
    # the disposal: screen button, API, CLI
    assets.dispose(db.uow(), SOUMU, assets.Disposal(server, D(2026, 6, 1), "retire"))
    detail = client.get(f"/assets/{server}")
    assert 'data-testid="disposal-cancel"' in detail.text
    back = client.post(f"/assets/{server}/disposal/cancel", data={"csrf_token": token}, follow_redirects=False)
    assert back.status_code == 303 and _register(db, server)[3] == "active"
    assets.dispose(db.uow(), SOUMU, assets.Disposal(server, D(2026, 6, 1), "retire"))
    r = client.post(f"/api/v1/assets/{server}/disposal/cancel", headers=api, json={})
    assert r.status_code == 200 and r.json()["status"] == "active"
    assets.dispose(db.uow(), SOUMU, assets.Disposal(server, D(2026, 6, 1), "retire"))
    url = ["--database-url", db.url, "--as-user", "soumu@example.jp"]
    out = CliRunner().invoke(cli_app, ["assets", "cancel-disposal", "--number", "FA-000001", *url])
    assert out.exit_code == 0, out.output
    assert _register(db, server)[3] == "active"
    _run(db, D(2026, 4, 1))
    out = CliRunner().invoke(cli_app, ["assets", "cancel-run", "--month", "2026-04", "--reason", "誤り", *url])
    assert out.exit_code == 0, out.output
    listed_cli = CliRunner().invoke(cli_app, ["assets", "runs", *url])
    assert listed_cli.exit_code == 0 and "2026-04" in listed_cli.output
    missing = CliRunner().invoke(cli_app, ["assets", "cancel-run", "--month", "2026-04", *url])
    assert missing.exit_code == 1 and "2026-04" in missing.output and "{" not in missing.output
    unknown = CliRunner().invoke(cli_app, ["assets", "cancel-disposal", "--number", "FA-999999", *url])
    assert unknown.exit_code == 1 and "FA-999999" in unknown.output


def test_a_run_posted_before_the_register_kept_its_months_is_cancelled_too(books: Database) -> None:
    """A run of a database upgraded by 0039 has no depreciation_run_assets: its assets go back to the month before
    its period, which is what they were for a run that caught nothing up."""
    db = books
    server = _server(db)
    _run(db, D(2026, 4, 1))
    may = _run(db, D(2026, 5, 1))
    with db.uow() as uow:
        uow.session.execute(text("DELETE FROM depreciation_run_assets WHERE run_id = :r"), {"r": may})
        uow.commit()
    undo.cancel_run(db.uow(), SOUMU, may)
    assert _register(db, server) == (33_333, 966_667, D(2026, 4, 1), "active")
    assert _balances(db) == {"6410": 33_333, "1570": -33_333}
