"""The CLI names a field by the option the user typed, never by the service's identifier: the first walk's
``ennoshita init`` answered ``エラー: admin_password: パスワードは…`` and ``company set`` ``registration_number: …``
(English identifiers in a Japanese line). A CSV column keeps its name: it is what the file's header says."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from ennoshita.cli.main import app
from ennoshita.db import Database

runner = CliRunner()


def _errors(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("エラー")]


def test_errors_name_the_options_typed(db: Database, tmp_path: Path) -> None:
    r = runner.invoke(app, ["init", "--company", "", "--admin-email", "not-an-email", "--admin-name", "あ" * 101,
                            "--password-stdin", "--database-url", db.url], input="short\n")
    assert r.exit_code == 1
    errors = _errors(r.output)
    for option in ("--company: ", "--admin-email: ", "--password-stdin: ", "--admin-name: "):
        assert any(option in e for e in errors), (option, errors)
    r = runner.invoke(app, ["init", "--company", "株式会社みどり商事", "--admin-email", "boss@midori.example.jp",
                            "--password-stdin", "--database-url", db.url], input="a-long-admin-password\n")
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["company", "set", "--kana", "ア" * 201, "--registration-number", "T1234",
                            "--database-url", db.url])
    errors = _errors(r.output)
    assert r.exit_code == 1 and len(errors) == 2, r.output
    assert any("--kana: " in e for e in errors) and any("--registration-number: " in e for e in errors)
    r = runner.invoke(app, ["company", "bank", "--bank-code", "5", "--branch-code", "001", "--account-number",
                            "7654321", "--holder-kana", "ｶ)ﾐﾄﾞﾘ", "--database-url", db.url])
    assert r.exit_code == 1 and "--bank-code: 4桁" in r.output, r.output


def test_a_sentence_is_one_line_never_cut_at_80_columns(db: Database) -> None:
    """The first walk: ``serve`` on an empty database printed 「…ブラウザで http://127.0.0.1:8001/setup」 and
    「を開いて登録してください。」 on two lines; any message longer than 80 columns was cut the same way."""
    email = "keiri-tantou.midorikawa-ichirou@midori-shouji-holdings.example.co.jp"
    r = runner.invoke(app, ["init", "--company", "株式会社みどり商事ホールディングス", "--admin-email", email,
                            "--password-stdin", "--database-url", db.url], input="a-long-admin-password\n")
    assert r.exit_code == 0, r.output
    assert any(email in line and line.endswith("を登録しました。") for line in r.stdout.splitlines()), r.stdout
