"""The command line's help comes from the catalogs (issue 13: "every message translated"): every command and
every parameter with help, in the whole click tree (the root's own commands and every lazily loaded group), has
its ``cli.help.*`` key in both catalogs, and no ``cli.help.*`` key names a command or a parameter that is gone.
Typer's and click's words, and click's usage errors, speak Japanese (``cli.usage.*``)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from typing import Annotated, Any, Literal

import pytest
import typer
from typer import _click as click
from typer._click import exceptions as errors
from typer.testing import CliRunner

from ennoshita.cli import helptext, usage
from ennoshita.cli.lazy import FAST, LAZY_GROUPS, load
from ennoshita.i18n import catalog


def _commands() -> Iterator[tuple[str, click.Command]]:
    """Every command and group with its key path: the root's own tree, then each lazily loaded group's (and the
    lean modules that answer one of their commands)."""
    from ennoshita.cli.main import app

    def walk(command: click.Command, path: str) -> Iterator[tuple[str, click.Command]]:
        yield path, command
        for name, sub in (getattr(command, "commands", None) or {}).items():
            if path == helptext.ROOT and name in LAZY_GROUPS:
                continue
            yield from walk(sub, helptext.child_path(path, name))

    yield from walk(typer.main.get_command(app), helptext.ROOT)
    for group, (modules, _help) in LAZY_GROUPS.items():
        yield from walk(load(modules)[group], group)
    for (group, _name), module in FAST.items():
        yield from walk(load((module,))[group], group)


def _needed() -> tuple[dict[str, set[str]], set[str], set[tuple[str, str]], set[str]]:
    """(the keys each command or parameter needs, by top-level group; the command paths; the (path, parameter)
    pairs; the parameter names)."""
    needed: dict[str, set[str]] = defaultdict(set)
    paths: set[str] = set()
    params: set[tuple[str, str]] = set()
    names: set[str] = {"help"}  # the --help option every command has
    for path, command in _commands():
        paths.add(path)
        group = path.split(".")[0]
        if helptext.english(command):
            needed[group].add(helptext.command_key(path))
        for param in command.params:
            params.add((path, param.name or ""))
            names.add(param.name or "")
            if helptext.english(param):
                needed[group].add(f"{path}:{param.name}")
    return needed, paths, params, names


def _has(messages: dict[str, str], need: str) -> bool:
    if need.startswith(helptext.PREFIX):
        return need in messages
    path, _, name = need.partition(":")
    return helptext.param_key(path, name) in messages or helptext.shared_key(name) in messages


def test_every_command_and_parameter_has_its_help_in_both_catalogs() -> None:
    """Run over every command of every group; a group whose catalog (cli_help_*.po) is not there yet shows as the
    count of its missing keys."""
    needed, _paths, _params, _names = _needed()
    assert len(needed) > 20 and sum(map(len, needed.values())) > 400  # the whole tree was walked
    ja, en = catalog("ja"), catalog("en")
    missing = {group: sorted(n for n in needs if not (_has(ja, n) and _has(en, n)))
               for group, needs in sorted(needed.items())}
    missing = {group: keys for group, keys in missing.items() if keys}
    assert {group: len(keys) for group, keys in missing.items()} == {}, missing
    assert helptext.shared_key("help") in ja and helptext.shared_key("help") in en


def test_no_help_key_names_a_command_or_parameter_that_is_gone() -> None:
    _needed_keys, paths, params, names = _needed()
    stale = []
    for lang in ("ja", "en"):
        for key in catalog(lang):
            if not key.startswith(helptext.PREFIX):
                continue
            if key.startswith(helptext.SHARED):
                ok = key.removeprefix(helptext.SHARED) in names
            elif ":" in key:
                path, _, name = key.removeprefix(helptext.PREFIX).partition(":")
                ok = (path, name) in params
            else:
                ok = key.removeprefix(helptext.PREFIX) in paths
            if not ok:
                stale.append(f"{lang} {key}")
    assert stale == []


def test_the_japanese_help_is_japanese_and_the_english_is_the_codes_when_no_key() -> None:
    group = load(LAZY_GROUPS["journal"][0])["journal"]
    try:
        helptext.localise(group, "journal", "ja")
        command = group.commands["import"]  # type: ignore[attr-defined]
        assert command.help == catalog("ja")["cli.help.journal.import"] and "仕訳" in command.help
        assert {p.name: p.help for p in command.params}["database_url"] == catalog("ja")[
            "cli.help.param:database_url"]
        helptext.localise(group, "journal", "en")
        assert command.help == catalog("en")["cli.help.journal.import"]
    finally:
        helptext.localise(group, "journal", "ja")
    scratch = typer.Typer()

    @scratch.command()
    def hello(name: Annotated[str, typer.Option(help="A name.")] = "x") -> None:
        """Say hello."""

    command = typer.main.get_command(scratch)
    helptext.localise(command, "hello-nowhere", "ja")
    assert command.help == "Say hello." and command.params[0].help == "A name."  # type: ignore[attr-defined]


def test_the_lean_trial_balance_reads_as_the_full_one_in_japanese() -> None:
    for (group, name), module in FAST.items():
        lean = load((module,))[group]
        full = load(LAZY_GROUPS[group][0])[group]
        for command in (lean, full):
            helptext.localise(command, group, "ja")
        lean_cmd, full_cmd = lean.commands[name], full.commands[name]  # type: ignore[attr-defined]
        assert lean_cmd.help == full_cmd.help and "試算表" in lean_cmd.help
        assert [p.help for p in lean_cmd.params] == [p.help for p in full_cmd.params]


def test_the_root_listing_is_translated_when_its_page_is_made() -> None:
    from ennoshita.cli.main import app

    root = typer.main.get_command(app)
    ctx = click.Context(root, info_name="ennoshita")
    sales = root.get_command(ctx, "sales")  # type: ignore[attr-defined]
    assert sales.help == LAZY_GROUPS["sales"][1]  # nothing read before a page is made
    helptext.localise(root, helptext.ROOT, "ja")
    assert sales.help == catalog("ja")["cli.help.sales"] and root.help == catalog("ja")["cli.help.ennoshita"]
    assert root.get_command(ctx, "user").help == catalog("ja")["cli.help.user"]  # type: ignore[attr-defined]
    assert root.get_command(ctx, "sales") is sales  # type: ignore[attr-defined]
    sub = click.Context(load(LAZY_GROUPS["journal"][0])["journal"].commands["import"],  # type: ignore[attr-defined]
                        info_name="import", parent=click.Context(root.get_command(ctx, "journal"),  # type: ignore
                                                                 info_name="journal", parent=ctx))
    assert helptext.context_path(sub) == "journal.import" and helptext.context_path(ctx) == helptext.ROOT


def test_a_command_that_prints_no_help_reads_no_catalog() -> None:
    """The root and a lazily loaded group are prepared, resolved and parsed without reading a catalog (the lean
    trial balance is benchmarked from the shell)."""
    import subprocess
    import sys

    code = ("import typer\nfrom ennoshita.cli.main import app\nfrom ennoshita import i18n\n"
            "from ennoshita.cli import helptext\n"
            "root = typer.main.get_command(app)\nhelptext.prepare(root)\n"
            "args = ['report', 'trial-balance', '--from', '2026-04-01', '--to', '2026-04-30', '--format', 'json']\n"
            "ctx = root.make_context('ennoshita', list(args))\n"
            "name, group, rest = root.resolve_command(ctx, list(args))\n"
            "sub = group.make_context(name, rest, parent=ctx)\n"
            "command = group.get_command(sub, 'trial-balance')\n"
            "command.make_context('trial-balance', rest[1:], parent=sub)\n"
            "assert command.context_class is helptext.HelpContext\n"
            "print(i18n.catalog.cache_info().currsize)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "0"


def _error(args: list[str], **options: Any) -> errors.UsageError:
    app = typer.Typer()

    @app.command()
    def run(file: str,
            kind: Annotated[Literal["yayoi", "csv"], typer.Option("--kind")] = "csv",
            count: Annotated[int, typer.Option("--count", min=1)] = 1) -> None:
        """Run."""

    with pytest.raises(errors.UsageError) as caught:
        typer.main.get_command(app).main(args, prog_name="ennoshita", standalone_mode=False)
    return caught.value


@pytest.mark.parametrize(("args", "ja", "en"), [
    ([], "引数 'file' を指定してください。", "Missing argument 'file'."),
    (["a", "--kind", "x"], "'--kind' の値が正しくありません: 'x' は 'yayoi', 'csv' のいずれでもありません。",
     "Invalid value for '--kind': "),
    (["a", "--count", "abc"], "'--count' の値が正しくありません: 整数を指定してください。",
     "Invalid value for '--count': Input should be a valid integer"),
    (["a", "--count", "0"], "'--count' の値が正しくありません: 1 以上の値を指定してください。",
     "Invalid value for '--count': Input should be greater than or equal to 1"),
    (["a", "--kin", "x"], "オプション --kin はありません。--kind のことですか?", "No such option: --kin"),
    (["a", "--count"], "オプション '--count' には値を指定してください。", "Option '--count' requires an argument."),
    (["a", "b"], "余分な引数があります (b)。", "Got unexpected extra argument(s) (b)"),
])
def test_clicks_usage_errors_in_japanese_and_english(args: list[str], ja: str, en: str) -> None:
    exc = _error(args)
    english = exc.format_message()
    usage.translate(exc, "en")
    assert exc.format_message() == english and english.startswith(en)
    usage.translate(exc, "ja")
    assert exc.format_message() == ja
    usage.translate(exc, "en")  # leave Typer's words in English for the other tests


def test_no_such_command_suggests_the_groups_not_yet_loaded() -> None:
    from ennoshita.cli.main import app

    result = CliRunner().invoke(app, ["jurnal"], env={"ENNOSHITA_LANG": "ja"})
    assert result.exit_code == 2
    assert "コマンド 'jurnal' はありません。'journal' のことですか?" in result.output
    assert "使い方: " in result.output and "エラー" in result.output
    result = CliRunner().invoke(app, ["jurnal"], env={"ENNOSHITA_LANG": "en"})
    assert "No such command 'jurnal'. Did you mean 'journal'?" in result.output and "Usage: " in result.output


def test_the_japanese_help_says_japanese() -> None:
    """No English left in the Japanese catalog of the core help (an untranslated copy would pass the key checks)."""
    from ennoshita.i18n import HERE, read_catalog

    ja = read_catalog((HERE / "ja" / "cli_help_core.po").read_text("utf-8"))
    en = read_catalog((HERE / "en" / "cli_help_core.po").read_text("utf-8"))
    assert set(ja) == set(en) and len(ja) > 130
    japanese = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")  # kana or kanji, not only codes and English
    assert [k for k in ja if ja[k] == en[k] or not japanese.search(ja[k])] == []
