"""The 人事 CLI on SQLite and PostgreSQL: register employees, import a time-clock CSV (a bad file: every bad line
reported, exit 1, nothing saved), close the month, the leave balance and the 管理簿 CSV."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text
from typer.testing import CliRunner

from ennoshita.cli.main import app
from ennoshita.db import Database

runner = CliRunner()


def _run(db: Database, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, [*args, "--database-url", db.url], env={"ENNOSHITA_LANG": "ja"})
    return result.exit_code, result.output


def test_hr_cli(db: Database, tmp_path: Path) -> None:
    code, out = _run(db, "hr", "employee", "add", "E01", "青木 一郎", "--kana", "アオキ イチロウ", "--birth",
                     "1990-01-01", "--hired", "2024-04-01", "--department", "製造部")
    assert code == 0, out
    code, out = _run(db, "hr", "employee", "add", "E02", "馬場 花子", "--kana", "ババ ハナコ", "--birth",
                     "1990-01-01", "--hired", "2024-04-01", "--department", "製造部", "--type", "part_time",
                     "--days", "3", "--hours", "15")
    assert code == 0, out
    bad = tmp_path / "bad.csv"
    bad.write_text("employee_number,date,clock_in,clock_out,break_minutes\n"
                   "E01,2026-11-02,09:00,18:00,60\nZ99,2026-11-02,09:00,18:00,60\nE01,2026-11-03,18:00,09:00,0\n",
                   encoding="utf-8")
    code, out = _run(db, "hr", "attendance", "import", str(bad))
    assert code == 1 and "3行目" in out and "4行目" in out, out
    with db.uow() as uow:
        assert uow.session.execute(text("SELECT COUNT(*) FROM hr_attendance_days")).scalar_one() == 0
    good = tmp_path / "good.csv"
    good.write_text("employee_number,date,clock_in,clock_out,break_minutes\n"
                    "E01,2026-11-02,09:00,20:00,60\nE02,2026-11-04,10:00,15:00,0\n", encoding="utf-8")
    code, out = _run(db, "hr", "attendance", "import", str(good))
    assert code == 0 and "2 行" in out, out
    code, out = _run(db, "hr", "attendance", "close", "--month", "2026-11")
    assert code == 0 and "2 名" in out, out
    # E01 hired 2024-04-01, full time: 2024-10-01 10 days (expired 2026-09-30), 2025-10-01 11, 2026-10-01 12
    # (no attendance records before 2026-11-02, so those periods are not judged): 11 + 12 = 23 on 2026-11-30
    code, out = _run(db, "hr", "leave", "balance", "E01", "--on", "2026-11-30")
    assert code == 0 and "23 日" in out and "期限 2027年9月30日" in out, out
    code, out = _run(db, "hr", "leave", "grant", "--on", "2026-11-30")  # the daily 付与処理 (cron)
    assert code == 0 and "3 件" in out, out  # E02's three grants (E01's were made when its balance was read)
    ledger = tmp_path / "kanribo.csv"
    code, out = _run(db, "hr", "leave", "ledger", "--out", str(ledger), "--on", "2026-11-30")
    assert code == 0, out
    # E02, 3 days a week: 比例付与 5 (0.5y), 6 (1.5y), 6 (2.5y, 2026-10-01); balance 6 + 6 = 12
    assert "E02,馬場 花子,製造部,2026-10-01,6,,0,12," in ledger.read_text(encoding="utf-8")
