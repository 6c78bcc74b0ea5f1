"""The --help of the sales, payments, purchasing, approvals, desk and withholding commands comes from the catalogs
(i18n/<lang>/cli_help_sales.po): every command below these groups and every parameter with a help has its key,
``cli.help.<command path>[:<parameter>]``, in both languages (--database-url and --as, the same on every command,
once as ``cli.help.param:<name>``); every key of the two files names a command or parameter that exists; and the
English entries are the help written in the code, so English output does not change."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, get_args

import ennoshita.i18n
from ennoshita.cli import lazy
from ennoshita.i18n import catalog, read_catalog

GROUPS = ("sales", "payments", "purchasing", "approvals", "desk", "withholding")
FILE = "cli_help_sales.po"
SHARED = {"database_url", "as_user"}  # common.DatabaseUrl and common.AsUser


def _shared_help() -> dict[str, str]:
    from ennoshita.cli import common

    return {name: get_args(alias)[1].help for name, alias in (("database_url", common.DatabaseUrl),
                                                              ("as_user", common.AsUser))}


def _walk(command: Any, path: list[str]) -> Iterator[tuple[str, str, bool]]:
    """(key, help in the code, shared) of every command below the group and every parameter with a help."""
    key = "cli.help." + ".".join(path)
    if len(path) > 1:  # the group's own key is written from LAZY_GROUPS
        yield key, command.help or "", False
    for param in command.params:
        if getattr(param, "help", None):
            yield f"{key}:{param.name}", param.help, param.name in SHARED
    for name, sub in getattr(command, "commands", {}).items():
        yield from _walk(sub, [*path, name])


def _entries() -> list[tuple[str, str, bool]]:
    found: list[tuple[str, str, bool]] = []
    for group in GROUPS:
        modules, _help = lazy.LAZY_GROUPS[group]
        found.extend(_walk(lazy.load(modules)[group], [group]))
    return found


def _own(lang: str) -> dict[str, str]:
    return read_catalog((Path(ennoshita.i18n.__file__).parent / lang / FILE).read_text("utf-8"))


def test_every_command_and_option_has_its_help_in_both_catalogs() -> None:
    entries = _entries()
    assert len(entries) > 250  # the groups were walked
    ja, en = catalog("ja"), catalog("en")
    missing = [key for key, _help, shared in entries if not shared and (key not in ja or key not in en)]
    assert missing == []


def test_the_shared_options_say_what_common_says() -> None:
    """--database-url and --as carry common's help everywhere here, so ``cli.help.param:<name>`` stands for them
    (a command with its own wording would need its own key)."""
    shared = _shared_help()
    differing = [key for key, help_, is_shared in _entries()
                 if is_shared and help_ != shared[key.rsplit(":", 1)[1]]]
    assert differing == []


def test_the_shared_options_have_their_key() -> None:
    ja, en = catalog("ja"), catalog("en")
    assert [f"cli.help.param:{name}" for name in sorted(SHARED)
            if f"cli.help.param:{name}" not in ja or f"cli.help.param:{name}" not in en] == []


def test_no_stale_key() -> None:
    known = {key for key, _help, shared in _entries() if not shared}
    for lang in ("ja", "en"):
        own = _own(lang)
        assert all(key.startswith("cli.help.") for key in own), lang
        assert sorted(set(own) - known) == [], lang


def test_english_is_the_help_in_the_code() -> None:
    en = _own("en")
    assert [key for key, help_, shared in _entries() if not shared and en.get(key) != help_] == []


def test_japanese_is_translated() -> None:
    """No Japanese entry is the English text left in place."""
    ja, en = _own("ja"), _own("en")
    assert [key for key in ja if ja[key] == en[key]] == []
