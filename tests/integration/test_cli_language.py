"""The installed ``ennoshita`` command speaks the user's language in its help and its usage errors (issue 13:
"every message translated"): with ENNOSHITA_LANG=ja (the default) ``--help`` printed Typer's English panels
("Options", "Commands", "Usage:") around the code's English help, and a mistyped command line click's English
("Missing argument 'file'.", "No such command 'nosuch'."). English stays click's."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENNOSHITA = Path(sys.executable).with_name("ennoshita")


def _run(lang: str, *args: str) -> subprocess.CompletedProcess[str]:
    assert ENNOSHITA.exists(), f"the entry point is installed beside the interpreter: {ENNOSHITA}"
    env = {**os.environ, "ENNOSHITA_LANG": lang, "COLUMNS": "200", "TERMINAL_WIDTH": "200"}
    return subprocess.run([str(ENNOSHITA), *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=60,
                          check=False)


def test_the_top_level_help_is_japanese() -> None:
    r = _run("ja", "--help")
    assert r.returncode == 0, r.stderr
    assert "オプション" in r.stdout and "コマンド" in r.stdout and "使い方: ennoshita" in r.stdout
    assert "日本の会社のバックオフィス" in r.stdout  # the root's own help
    assert "仕訳：取込と書出" in r.stdout and "このヘルプを表示して終了します。" in r.stdout  # a group, --help
    assert "Options" not in r.stdout and "Commands" not in r.stdout and "Usage:" not in r.stdout


def test_a_commands_help_is_japanese() -> None:
    r = _run("ja", "journal", "import", "--help")
    assert r.returncode == 0, r.stderr
    assert "仕訳ファイルを取り込みます" in r.stdout and "弥生会計 仕訳日記帳" in r.stdout
    assert "引数" in r.stdout and "[必須]" in r.stdout and "[環境変数: ENNOSHITA_DATABASE_URL]" in r.stdout
    assert "…" not in r.stdout  # Japanese folds in the table's cells instead of being cut
    assert "Import a journal file" not in r.stdout and "[required]" not in r.stdout


def test_a_missing_argument_is_said_in_japanese() -> None:
    r = _run("ja", "journal", "import")
    assert r.returncode == 2
    assert "引数 'file' を指定してください。" in r.stderr
    assert "使い方: ennoshita journal import" in r.stderr and "エラー" in r.stderr
    assert "詳しくは 'ennoshita journal import --help' で確認してください。" in r.stderr
    assert "Missing" not in r.stderr and "Usage:" not in r.stderr and "Try '" not in r.stderr


@pytest.mark.parametrize(("args", "said"), [
    (["nosuch"], "コマンド 'nosuch' はありません。"),
    (["jurnal"], "コマンド 'jurnal' はありません。'journal' のことですか?"),
    (["journal", "import", "a.csv", "--format", "yayoi", "--nosuch"], "オプション --nosuch はありません。"),
    (["serve", "--port", "abc"], "'--port' の値が正しくありません: 整数を指定してください。"),
    (["journal", "import", "a.csv", "--format"], "オプション '--format' には値を指定してください。"),
    (["journal", "import", "a.csv", "b.csv", "--format", "yayoi"], "余分な引数があります (b.csv)。"),
])
def test_usage_errors_are_said_in_japanese(args: list[str], said: str) -> None:
    r = _run("ja", *args)
    assert r.returncode == 2
    assert said in r.stderr, r.stderr
    assert "Error" not in r.stderr


def test_english_keeps_clicks_words() -> None:
    r = _run("en", "--help")
    assert r.returncode == 0 and "Options" in r.stdout and "Commands" in r.stdout and "Usage: ennoshita" in r.stdout
    assert "the back office of a Japanese company" in r.stdout and "オプション" not in r.stdout
    r = _run("en", "journal", "import", "--help")
    assert "Import a journal file" in r.stdout and "[required]" in r.stdout
    r = _run("en", "journal", "import")
    assert r.returncode == 2 and "Missing argument 'file'." in r.stderr and "Try 'ennoshita journal import --help'" \
        in r.stderr
    r = _run("en", "nosuch")
    assert r.returncode == 2 and "No such command 'nosuch'." in r.stderr
