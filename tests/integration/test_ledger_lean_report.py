"""The lean trial balance (``ennoshita.ledger.lean_report``, what ``ennoshita report trial-balance --format json``
runs without the ORM) gives the service's rows, row for row, on SQLite and PostgreSQL: whole months, partial
months at either edge, a single day, a range across fiscal years, after a year-end close (whose closing entry
the movement leaves out and the opening keeps), and 前期 profit carried into 繰越利益剰余金."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

from typer.testing import CliRunner

from ennoshita.actor import Actor
from ennoshita.cli.main import app
from ennoshita.db import Database
from ennoshita.identity import company as company_service
from ennoshita.ledger import lean_report, queries, services
from ennoshita.ledger.rules import EntryDraft, LineDraft
from tests.conftest import open_posting_years

ACCOUNTANT = Actor(user_id=None, name="経理 花子", roles=frozenset({"accounting"}), via="cli")
runner = CliRunner(env={"ENNOSHITA_LANG": "ja"})


def L(account: str, debit: int = 0, credit: int = 0, tax: str | None = None) -> LineDraft:  # noqa: N802
    return LineDraft(account_code=account, debit=debit, credit=credit, tax_category=tax, sub_account=None,
                     department=None, memo="")


def _books(db: Database) -> None:
    company_service.update_company(db.uow(), Actor.system(), {"name": "テスト株式会社", "fiscal_year_start_month": 4})
    open_posting_years(db, 2025)
    for day, lines in (
        (dt.date(2025, 4, 1), (L("普通預金", 1_000_000), L("資本金", credit=1_000_000))),
        (dt.date(2025, 6, 15), (L("売掛金", 330_000), L("売上高", credit=330_000, tax="sales_10"))),
        (dt.date(2025, 12, 31), (L("地代家賃", 120_000), L("普通預金", credit=120_000))),
        (dt.date(2026, 3, 31), (L("普通預金", 330_000), L("売掛金", credit=330_000))),
        (dt.date(2026, 4, 1), (L("売掛金", 55_000), L("売上高", credit=55_000, tax="sales_10"))),
        (dt.date(2026, 5, 10), (L("地代家賃", 80_000), L("普通預金", credit=80_000))),
        (dt.date(2026, 5, 31), (L("普通預金", 55_000), L("売掛金", credit=55_000))),
        (dt.date(2026, 7, 2), (L("消耗品費", 11_000, tax="purchase_10"), L("普通預金", credit=11_000))),
    ):
        services.post_entry(db.uow(), ACCOUNTANT, EntryDraft(day, "取引", "", lines))


RANGES = [("2025-04-01", "2026-03-31"), ("2026-04-01", "2027-03-31"), ("2025-06-15", "2026-05-10"),
          ("2026-05-10", "2026-05-10"), ("2025-05-02", "2026-07-01"), ("2026-05-11", "2026-07-31"),
          ("2025-04-01", "2027-03-31"), ("2026-06-01", "2026-05-01")]


def _service(db: Database, date_from: str, date_to: str, lang: str = "ja") -> list[dict[str, object]]:
    with db.uow() as uow:
        tb = queries.trial_balance(uow.session, dt.date.fromisoformat(date_from), dt.date.fromisoformat(date_to), 4,
                                   lang=lang)
    return [{"account_code": r.account_code, "account_name": r.account_name, "opening": r.opening,
             "debit": r.debit, "credit": r.credit, "closing": r.closing} for r in tb.rows]


def _lean(db: Database, date_from: str, date_to: str) -> list[dict[str, object]]:
    opened = lean_report.connect(db.url)
    assert opened is not None
    fetch, close = opened
    try:
        assert lean_report.start_month(fetch) == 4
        rows = lean_report.trial_balance(fetch, dt.date.fromisoformat(date_from), dt.date.fromisoformat(date_to), 4)
    finally:
        close()
    return [r.__dict__ for r in rows]


def test_the_lean_trial_balance_equals_the_service(db: Database) -> None:
    _books(db)
    for date_from, date_to in RANGES:
        assert _lean(db, date_from, date_to) == _service(db, date_from, date_to), (date_from, date_to)
    # after the year-end close: the closing entry is out of the movement, in the next year's openings
    services.close_year(db.uow(), ACCOUNTANT, 2025)
    for date_from, date_to in RANGES:
        assert _lean(db, date_from, date_to) == _service(db, date_from, date_to), (date_from, date_to)
    fy2026 = {r["account_name"]: r for r in _lean(db, "2026-04-01", "2027-03-31")}
    assert fy2026["繰越利益剰余金"]["opening"] == -180_000  # 300,000 of sales (税抜) - 120,000 of rent


def test_the_cli_json_is_the_service_output(db: Database) -> None:
    _books(db)
    for date_from, date_to in RANGES[:3]:
        r = runner.invoke(app, ["report", "trial-balance", "--from", date_from, "--to", date_to, "--format", "json",
                                "--database-url", db.url])
        assert r.exit_code == 0, r.output
        assert json.loads(r.stdout) == _service(db, date_from, date_to)
    # in English the accounts are named as the English screens and the ordinary command name them
    english = CliRunner(env={"ENNOSHITA_LANG": "en"}).invoke(app, [
        "report", "trial-balance", "--from", "2025-04-01", "--to", "2026-03-31", "--format", "json",
        "--database-url", db.url])
    assert json.loads(english.stdout) == _service(db, "2025-04-01", "2026-03-31", "en")
    assert "Rent" in {r["account_name"] for r in json.loads(english.stdout)}
    # the cases the lean path hands to the ordinary command keep its messages
    r = runner.invoke(app, ["report", "trial-balance", "--from", "2026-05-32", "--to", "2026-05-31", "--format",
                            "json", "--database-url", db.url])
    assert r.exit_code == 1 and "from" in r.stderr
    r = runner.invoke(app, ["report", "trial-balance", "--from", "2026-05-01", "--to", "2026-05-31", "--format",
                            "json", "--database-url", db.url, "--as-user", "nobody@example.jp"])
    assert r.exit_code == 1 and "Traceback" not in r.output


def test_the_json_report_imports_no_orm(db: Database) -> None:
    if not db.url.startswith("sqlite"):
        return
    _books(db)
    code = ("import sys, json\nfrom ennoshita.cli.main import app\n"
            f"sys.argv = ['ennoshita', 'report', 'trial-balance', '--from', '2026-04-01', '--to', '2026-05-31', "
            f"'--format', 'json', '--database-url', {db.url!r}]\n"
            "try:\n    app()\nexcept SystemExit:\n    pass\n"
            "print(json.dumps(sorted(m for m in sys.modules if m.startswith(('sqlalchemy', 'ennoshita.db')))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    lines = out.strip().splitlines()
    assert json.loads(lines[-1]) == []
    assert json.loads("\n".join(lines[:-1])) == _service(db, "2026-04-01", "2026-05-31")
