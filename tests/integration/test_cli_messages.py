"""What the CLI says, on both databases. Its last resort (``cli.lazy.LazyGroup.invoke``): what no command turned
into a domain error is one line on stderr and exit 1, never a traceback. And Japanese lines say Japanese words.

Found by running the import from another directory: the audit key (``var/audit_key``, relative to the working
directory) was not there, the whole file was parsed and written, and then a 40-line traceback ended the command.
Likewise any command on a database that was never set up printed SQLAlchemy's error with its SQL."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from ennoshita.actor import Actor
from ennoshita.audit import keys
from ennoshita.cli.main import app
from ennoshita.dates import today_tokyo
from ennoshita.db import Database
from ennoshita.hr.rules import add_months
from ennoshita.identity import company as company_service
from tests.conftest import login

runner = CliRunner()
STAMP_DUTY_5M = ["contracts", "stamp-duty", "--document", "1", "--date", "2026-05-01", "--amount", "5000000"]

YAYOI_ROW = "2000,1,,2026/04/01,普通預金,,,,1000,,売上高,,,課税売上込10%,1000,90,テスト売上,,,0,,,0,0,no\r\n"


def _one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr and "sqlalche.me" not in stderr and "SELECT" not in stderr
    return lines[0]


def test_missing_audit_key_is_one_line_before_the_file_is_read(db: Database, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    company_service.update_company(db.uow(), Actor.system(), {"name": "鍵テスト株式会社", "fiscal_year_start_month": 4})
    file = tmp_path / "journal.csv"
    file.write_bytes(YAYOI_ROW.encode("cp932"))
    missing = tmp_path / "nowhere" / "audit_key"
    with keys.key_file(missing):
        monkeypatch.setenv("ENNOSHITA_LANG", "ja")
        r = runner.invoke(app, ["journal", "import", str(file), "--format", "yayoi", "--database-url", db.url])
    assert r.exit_code == 1
    line = _one_error_line(r.stderr)
    assert line.startswith("エラー: 監査証跡の鍵ファイルがありません: ") and str(missing) in line
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM journal_entries")).scalar_one() == 0
    # the same import with the key: it goes in (the file itself was fine)
    r = runner.invoke(app, ["journal", "import", str(file), "--format", "yayoi", "--database-url", db.url])
    assert r.exit_code == 0, r.output


def _bare_url(db: Database, tmp_path: Path) -> str:
    """A database that nobody ran ``ennoshita init`` on (PostgreSQL: an empty schema first on the search path)."""
    if db.url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'bare.db'}"
    with db.engine.begin() as conn:
        conn.execute(text("CREATE SCHEMA bare"))
    url = make_url(db.url).update_query_dict({"options": "-csearch_path=bare"})
    return url.render_as_string(hide_password=False)


@pytest.mark.parametrize(("lang", "expected"), [
    ("ja", "エラー: データベースが初期化されていません。先に `ennoshita init` を実行してください"),
    ("en", "error: the database is not set up: run `ennoshita init` first"),
])
def test_a_database_not_set_up_says_run_init(db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             lang: str, expected: str) -> None:
    monkeypatch.setenv("ENNOSHITA_LANG", lang)
    url = _bare_url(db, tmp_path)
    for command in (["sales", "partner", "list"], ["desk", "list"], ["user", "list"]):
        r = runner.invoke(app, [*command, "--database-url", url])
        assert r.exit_code == 1, (command, r.output)
        assert _one_error_line(r.stderr).startswith(expected), (command, r.stderr)


def test_debug_shows_the_traceback(db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENNOSHITA_DEBUG", "1")
    r = runner.invoke(app, ["user", "list", "--database-url", _bare_url(db, tmp_path)])
    assert r.exit_code != 0 and r.exception is not None and "partners" not in str(r.exception)


def test_register_lists_name_methods_and_statuses_in_japanese(demo_db: Database,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """`assets list` printed the method's code (declining_200) and `contracts list` the status's (signed, review)
    on Japanese lines; they now say what the register screens say."""
    monkeypatch.setenv("ENNOSHITA_LANG", "ja")
    r = runner.invoke(app, ["assets", "list", "--database-url", demo_db.url])
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert any(" 200%定率法 " in line for line in lines) and any(" 定額法 " in line for line in lines)
    assert "declining" not in r.stdout and "straight" not in r.stdout
    r = runner.invoke(app, ["contracts", "list", "--database-url", demo_db.url])
    assert r.exit_code == 0, r.output
    assert " 締結済 " in r.stdout and " 審査中 " in r.stdout
    assert " signed " not in r.stdout and " review " not in r.stdout
    r = runner.invoke(app, ["assets", "schedule", "--cost", "1000000", "--life", "5", "--method", "declining",
                            "--acquired", "2026-04-01"])
    assert r.exit_code == 0 and "1,000,000円 5年 200%定率法" in r.stdout


@pytest.mark.parametrize(("command", "names", "codes"), [
    (["sales", "quote", "list"], ["送付済", "作成中"], ["sent", "draft"]),
    (["sales", "order", "list"], ["受注", "一部納品", "納品済"], ["open", "partial", "delivered"]),
    (["sales", "invoice", "list"], ["未入金"], ["unpaid", "partial"]),
    (["hr", "employee", "list"], ["役員", "正社員"], ["officer", "regular"]),
    (["payroll", "run", "list"], ["確定"], ["fixed", "checked"]),
])
def test_lists_name_statuses_as_the_screens_do(demo_db: Database, monkeypatch: pytest.MonkeyPatch,
                                               command: list[str], names: list[str], codes: list[str]) -> None:
    """Each list printed the stored code of a status or kind (sent, open, unpaid, officer, fixed) on Japanese
    lines; they now take the screens' names from the catalog (``cli.common.label``)."""
    monkeypatch.setenv("ENNOSHITA_LANG", "ja")
    monkeypatch.setenv("COLUMNS", "240")  # the table is not cut to 80 columns, so every cell is whole
    r = runner.invoke(app, [*command, "--database-url", demo_db.url])
    assert r.exit_code == 0, r.output
    words = set(r.stdout.replace("│", " ").split())
    for name in names:
        assert name in words, (name, r.stdout)
    for code in codes:
        assert code not in words, (code, r.stdout)


def test_matching_verdict_and_overtime_flags_in_japanese(demo_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """`sales match propose` printed the verdict's code (none) and `hr attendance limits` the flag's
    (over_monthly); both now say what the screens say."""
    monkeypatch.setenv("ENNOSHITA_LANG", "ja")
    monkeypatch.setenv("COLUMNS", "240")
    r = runner.invoke(app, ["sales", "match", "propose", "--database-url", demo_db.url])
    assert r.exit_code == 0, r.output
    words = set(r.stdout.replace("│", " ").split())
    assert words & {"該当なし", "完全一致", "要確認", "手数料差引", "過入金", "一部入金", "複数請求の合計"}, r.stdout
    assert not words & {"none", "exact", "ambiguous", "fee_short", "overpaid", "partial", "sum_of_several"}
    # the demo's 林 (正社員, not its 管理監督者 岡田) works over 45 hours in the month before the current one
    last_month = add_months(today_tokyo().replace(day=1), -1).strftime("%Y-%m")
    r = runner.invoke(app, ["hr", "attendance", "limits", "--month", last_month, "--database-url", demo_db.url])
    assert r.exit_code == 0, r.output
    assert "月45時間超" in r.stdout and "over_monthly" not in r.stdout


def test_a_table_sent_to_a_file_or_pipe_keeps_every_figure(demo_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """Redirected (not a terminal, no COLUMNS), a table was cut to 80 columns and its amounts ended in "…"
    (¥144,… for ¥144,272): the figures a redirected report is run for were lost."""
    from ennoshita.cli import common

    monkeypatch.setenv("ENNOSHITA_LANG", "ja")
    monkeypatch.delenv("COLUMNS", raising=False)
    common._consoles.cache_clear()
    try:
        r = runner.invoke(app, ["sales", "invoice", "list", "--database-url", demo_db.url])
        monthly = runner.invoke(app, ["report", "monthly", "--fiscal-year", "2026", "--database-url", demo_db.url])
    finally:
        common._consoles.cache_clear()
    assert r.exit_code == 0 and monthly.exit_code == 0, (r.output, monthly.output)
    assert "…" not in r.stdout and "…" not in monthly.stdout
    with demo_db.engine.connect() as conn:
        numbers = conn.execute(text("SELECT number FROM invoices")).scalars().all()
    assert numbers and all(n in r.stdout for n in numbers[:100])


def test_assets_and_contracts_speak_english_when_asked(demo_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """The 総務 and 法務 commands printed Japanese sentences whatever the language (11件, 簿価, 年度, 通知 0件):
    they now take their words from ja/en tables like the other commands."""
    monkeypatch.setenv("ENNOSHITA_LANG", "en")
    r = runner.invoke(app, ["assets", "list", "--database-url", demo_db.url])
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert re.fullmatch(r"\d+ assets", lines[-1]) and "book value ¥" in lines[0]
    assert "件" not in r.stdout and "簿価" not in r.stdout
    r = runner.invoke(app, ["assets", "schedule", "--cost", "1000000", "--life", "5", "--method", "straight",
                            "--acquired", "2026-04-01"])
    assert r.exit_code == 0 and "Fiscal year" in r.stdout and "年度" not in r.stdout
    r = runner.invoke(app, ["contracts", "list", "--database-url", demo_db.url])
    assert r.exit_code == 0 and re.fullmatch(r"\d+ contracts", r.stdout.splitlines()[-1])
    # 印紙税法 別表第一 第1号文書, 記載金額 100万円超 500万円以下: 2,000円
    r = runner.invoke(app, STAMP_DUTY_5M)
    assert r.exit_code == 0 and r.stdout.splitlines()[0] == "¥2,000"
    monkeypatch.setenv("ENNOSHITA_LANG", "ja")
    r = runner.invoke(app, STAMP_DUTY_5M)
    assert r.exit_code == 0 and r.stdout.splitlines()[0] == "2,000円"


def test_password_prompts_and_reset_speak_japanese(demo_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """`user add` without --password-stdin asked "Password:" and "Repeat for confirmation:" (click's words), and
    `user reset-password` answered "OK"."""
    monkeypatch.setenv("ENNOSHITA_LANG", "ja")
    r = runner.invoke(app, ["user", "add", "--email", "prompt@demo.ennoshita.jp", "--name", "入力 太郎", "--role",
                            "accounting", "--database-url", demo_db.url], input="a-long-password\na-long-password\n")
    assert r.exit_code == 0, r.output
    assert "パスワード: " in r.output and "確認のため、もう一度入力してください: " in r.output
    assert "Password" not in r.output and "Repeat" not in r.output
    r = runner.invoke(app, ["user", "reset-password", "--email", "prompt@demo.ennoshita.jp", "--password-stdin",
                            "--database-url", demo_db.url], input="another-long-password\n")
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("パスワードを再設定しました: prompt@demo.ennoshita.jp")


def test_register_screens_name_methods_and_statuses_in_the_readers_language(client: TestClient) -> None:
    """An English user saw 200%定率法 and 締結済 on the 固定資産台帳 and 契約台帳 screens."""
    csrf = login(client, "soumu@demo.ennoshita.jp")  # 総務: the fixed assets
    assert "200%定率法" in client.get("/assets").text
    client.post("/language", data={"language": "en", "next": "/", "csrf_token": csrf})
    page = client.get("/assets").text
    assert "Declining balance (200%)" in page and "Straight line" in page and "定率法" not in page
    csrf = login(client, "houmu@demo.ennoshita.jp")  # 法務: the contracts
    client.post("/language", data={"language": "en", "next": "/", "csrf_token": csrf})
    page = client.get("/contracts").text
    # the type and status cells (業務委託 is also in the titles the demo's contracts were given)
    assert "<td>Signed</td>" in page and "<td>In review</td>" in page and "<td>Outsourcing</td>" in page
    assert "<td>締結済</td>" not in page and "<td>業務委託</td>" not in page


VERIFY_LINES = {
    "ja": {"ok": "検証結果: 正常です。{count:,}件の記録はすべて改ざんされていません。",
           "checkpoint": "監査証跡のチェックポイント: 記録 #",
           "broken": "検証結果: 記録 #4 で不整合を検出しました（鍵による署名が記録の内容と一致しません）。"
                     "それより前の3件は正常です。",
           "no_key": "検証結果: 監査証跡の鍵ファイルがありません: {path}",
           "ledger_ok": "残高は転記の合計と一致し、計上済みの仕訳はすべて監査証跡と一致しています。",
           "entry": "仕訳 #{id} の明細が監査記録と一致しません。",
           "diff": "残高の不一致: 勘定科目 #{account}、補助科目 #{sub}、部門 #{dept}、{year}年{month}月: "
                   "保持している残高 借方 {debit:,}円 貸方 {credit:,}円（{lines}行）、"
                   "転記からの再計算 借方 {debit_re:,}円 貸方 {credit:,}円（{lines}行）"},
    "en": {"ok": "Verified: all {count:,} records are intact.",
           "checkpoint": "Audit checkpoint: record #",
           "broken": "Verification failed at record #4 (its keyed signature does not match its content); "
                     "the 3 records before it are intact.",
           "no_key": "Verification failed: the audit trail's key file is missing: {path}",
           "ledger_ok": "The balances equal the sum of the postings, and every posted entry matches the audit "
                        "trail.",
           "entry": "Entry #{id}: its lines do not match its audit record.",
           "diff": "Balance differs: account #{account}, sub-account #{sub}, department #{dept}, {year}-{month}: "
                   "kept debit ¥{debit:,} credit ¥{credit:,} ({lines} lines), "
                   "recomputed from the postings debit ¥{debit_re:,} credit ¥{credit:,} ({lines} lines)"},
}


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_audit_verify_and_ledger_check_speak_the_users_language(demo_db: Database, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    """`audit verify` printed "OK 1234 records" / "BROKEN at record 4 (mac); ..." and `ledger check` "OK balances
    equal the sum of postings; ..." / "DIFF account=..." / "ENTRY 12 does not match ..." in English whatever the
    language. Each line now comes from the catalog with the same facts (counts, record and entry ids), and the
    exit codes stay (0 intact, 1 not)."""
    from ennoshita.audit.ddl import drop_triggers
    from ennoshita.guards import drop_immutable

    said = VERIFY_LINES[lang]
    monkeypatch.setenv("ENNOSHITA_LANG", lang)
    with demo_db.engine.connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM audit_records")).scalar_one()
    r = runner.invoke(app, ["audit", "verify", "--database-url", demo_db.url])
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert lines[0] == said["ok"].format(count=count)
    assert lines[1].startswith(said["checkpoint"])  # the demo's monthly closes anchor the chain
    r = runner.invoke(app, ["ledger", "check", "--database-url", demo_db.url])
    assert r.exit_code == 0 and r.stdout.splitlines() == [said["ledger_ok"]], r.output

    # without the key: which file is missing, exit 1
    missing = tmp_path / "nowhere" / "audit_key"
    with keys.key_file(missing):
        r = runner.invoke(app, ["audit", "verify", "--database-url", demo_db.url])
    assert r.exit_code == 1 and r.stdout.splitlines()[0].startswith(said["no_key"].format(path=missing)), r.output

    # a posted line's debit raised by ¥1,000, its balance row left alone: both commands name the entry, and the
    # check names the balance row (kept = what the postings summed to before; recomputed = ¥1,000 more)
    with demo_db.engine.begin() as conn:
        drop_immutable(conn, "journal_lines")
        line = conn.execute(text(
            "SELECT jl.id, jl.entry_id, jl.account_id, jl.sub_account_id, jl.department_id, jl.entry_date "
            "FROM journal_lines jl JOIN journal_entries je ON je.id = jl.entry_id "
            "WHERE je.status = 'posted' AND jl.debit > 0 ORDER BY jl.id LIMIT 1")).one()
        day = line.entry_date if not isinstance(line.entry_date, str) else dt.date.fromisoformat(line.entry_date)
        balance = conn.execute(text(
            "SELECT debit, credit, line_count FROM ledger_balances WHERE account_id = :a AND sub_account_id = :s "
            "AND department_id = :d AND period = :p AND is_closing = :c"),
            {"a": line.account_id, "s": line.sub_account_id or 0, "d": line.department_id or 0,
             "p": day.year * 100 + day.month, "c": False}).one()
        conn.execute(text("UPDATE journal_lines SET debit = debit + 1000 WHERE id = :i"), {"i": line.id})
    entry_line = said["entry"].format(id=line.entry_id)
    r = runner.invoke(app, ["audit", "verify", "--database-url", demo_db.url])
    assert r.exit_code == 1 and r.stdout.splitlines() == [entry_line], r.output
    r = runner.invoke(app, ["ledger", "check", "--database-url", demo_db.url])
    assert r.exit_code == 1, r.output
    assert r.stdout.splitlines() == [
        said["diff"].format(account=line.account_id, sub=line.sub_account_id or 0, dept=line.department_id or 0,
                            year=day.year, month=f"{day.month:02d}", debit=balance.debit, credit=balance.credit,
                            lines=balance.line_count, debit_re=balance.debit + 1000),
        entry_line]

    # a record of the chain altered behind the application's back: the first broken record and the intact count
    with demo_db.engine.begin() as conn:
        drop_triggers(conn)
        conn.execute(text("UPDATE audit_records SET after = '{\"name\":\"改ざん\"}' WHERE id = 4"))
    r = runner.invoke(app, ["audit", "verify", "--database-url", demo_db.url])
    assert r.exit_code == 1 and r.stdout.splitlines() == [entry_line, said["broken"]], r.output


@pytest.mark.parametrize(("lang", "expected"), [
    ("ja", "中断されたため、処理を中止しました。"),
    ("en", "Interrupted: the command stopped."),
])
def test_an_interrupted_password_prompt_is_one_line_in_the_users_language(
        demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str, expected: str) -> None:
    """End of input (or Ctrl-C) at the password prompt of `init`, `user add` and `user reset-password` printed
    click's "Aborted." in English; it is now one line from the catalog, exit 1, and nothing is written."""
    monkeypatch.setenv("ENNOSHITA_LANG", lang)
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    for command in (["init", "--company", "中断株式会社", "--admin-email", "boss@example.jp", "--database-url", fresh],
                    ["user", "add", "--email", "eof@demo.ennoshita.jp", "--name", "入力 中断", "--role", "accounting",
                     "--database-url", demo_db.url],
                    ["user", "reset-password", "--email", "keiri@demo.ennoshita.jp", "--database-url", demo_db.url]):
        for given in ("", "a-long-password\n"):  # nothing typed; typed once, the confirmation never came
            r = runner.invoke(app, command, input=given)
            assert r.exit_code == 1, (command, r.output)
            assert _one_error_line(r.stderr) == expected, (command, r.stderr)
            assert "Aborted" not in r.output
    with demo_db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM users WHERE email = 'eof@demo.ennoshita.jp'")).scalar() == 0


def test_ctrl_c_while_a_command_works_is_the_same_line_and_exit_130(db: Database, monkeypatch: pytest.MonkeyPatch
                                                                    ) -> None:
    from ennoshita.identity import services as identity

    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setenv("ENNOSHITA_LANG", "en")
    monkeypatch.setattr(identity, "list_users", interrupted)
    r = runner.invoke(app, ["user", "list", "--database-url", db.url])
    assert r.exit_code == 130 and _one_error_line(r.stderr) == "Interrupted: the command stopped."


def test_hr_and_withholding_tables_are_headed_in_the_users_language(demo_db: Database,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """`hr employee list`, `hr attendance limits`, `hr leave balance` and `withholding list` headed their tables
    in Japanese (氏名, 所属, 時間外, 基準日, 納期限, 人員 ...) and wrote 5日/40h whatever the language; they now take
    the screens' column names and 所定労働 (and the 区分 of each 納付 row) from the catalog."""
    monkeypatch.setenv("COLUMNS", "300")
    with demo_db.engine.connect() as conn:
        number = conn.execute(text("SELECT employee_number FROM hr_employees ORDER BY id LIMIT 1")).scalar_one()
    month = add_months(today_tokyo().replace(day=1), -1).strftime("%Y-%m")
    commands = {"employees": ["hr", "employee", "list"], "limits": ["hr", "attendance", "limits", "--month", month],
                "leave": ["hr", "leave", "balance", number], "withholding": ["withholding", "list"]}
    said = {"en": {"employees": ["Name", "Department", "Position", "Employment", "Hired", " days, "],
                   "limits": ["Name", "Overtime", "Statutory holiday", "Year to date", "Flags"],
                   "leave": ["Grant date", "Granted", "Used", "Balance", "Expires"],
                   "withholding": ["Due date", "Category", "People", "Amount paid", "Tax withheld"]},
            "ja": {"employees": ["氏名", "所属", "役職", "雇用形態", "入社日", "日・"],
                   "limits": ["氏名", "法定時間外", "法定休日", "年間時間外", "判定"],
                   "leave": ["基準日", "付与日数", "使用", "残日数", "有効期限"],
                   "withholding": ["納期限", "区分", "人員", "支給額", "源泉徴収税額"]}}
    japanese = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
    for lang in ("en", "ja"):
        monkeypatch.setenv("ENNOSHITA_LANG", lang)
        for name, command in commands.items():
            r = runner.invoke(app, [*command, "--database-url", demo_db.url])
            assert r.exit_code == 0, (name, r.output)
            for word in said[lang][name]:
                assert word in r.stdout, (lang, name, word, r.stdout)
            if lang == "en":  # names of people and departments are data; every heading is English
                head = "\n".join(line for line in r.stdout.splitlines()[:3])
                assert not japanese.search(head), (name, head)


def test_a_failing_pg_dump_is_named_with_its_own_last_line(db: Database, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """`backup` on PostgreSQL when pg_dump fails printed its last line as a Python list:
    pg_dump が失敗しました: ['pg_dump: error: connection refused']."""
    if db.dialect != "postgresql":
        return  # SQLite backs up through its own API
    tools = tmp_path / "bin"
    tools.mkdir()
    fake = tools / "pg_dump"
    fake.write_text("#!/bin/sh\necho 'pg_dump: detail one' >&2\necho 'pg_dump: error: connection refused' >&2\n"
                    "exit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tools}:{__import__('os').environ['PATH']}")
    monkeypatch.setenv("ENNOSHITA_LANG", "ja")
    r = runner.invoke(app, ["backup", str(tmp_path / "books.backup"), "--database-url", db.url])
    assert r.exit_code == 1, r.output
    assert _one_error_line(r.stderr) == "エラー: pg_dump が失敗しました: pg_dump: error: connection refused"


def test_a_bad_line_of_an_imported_file_is_named_by_its_line_alone(db: Database, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A short row of a 弥生 file printed 「エラー: 1行目: row: 列数が足りません…」 and a short row of a time-clock CSV
    「エラー: 3行目: file: …」: the service's identifiers (row, file) in a Japanese line. A line of the file says
    where the problem is; a CSV column, or an option, is still named."""
    company_service.update_company(db.uow(), Actor.system(), {"name": "行テスト株式会社", "fiscal_year_start_month": 4})
    monkeypatch.setenv("ENNOSHITA_LANG", "ja")
    yayoi = tmp_path / "short.csv"
    yayoi.write_bytes("2000,1,,2026/04/01,普通預金\r\n".encode("cp932"))
    r = runner.invoke(app, ["journal", "import", str(yayoi), "--format", "yayoi", "--database-url", db.url])
    assert r.exit_code == 1, r.output
    assert _one_error_line(r.stderr) == "エラー: 1行目: 列数が足りません（5列）。弥生の仕訳日記帳形式は25列です。"
    clock = tmp_path / "clock.csv"
    clock.write_text("employee_number,date,clock_in,clock_out,break_minutes\nE01,2026-11-02\n", encoding="utf-8")
    r = runner.invoke(app, ["hr", "attendance", "import", str(clock), "--database-url", db.url])
    assert r.exit_code == 1, r.output
    line = _one_error_line(r.stderr)
    assert line.startswith("エラー: 2行目: ") and "file" not in line.lower(), line
