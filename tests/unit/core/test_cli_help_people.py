"""The --help texts of hr, payroll, assets and contracts are in both catalogs (i18n/{ja,en}/cli_help_people.po).

Walking the click tree of those groups: every command and nested group below the group, and every option or
argument with a help text, has its key ``cli.help.<path>`` / ``cli.help.<path>:<parameter name>`` in both
languages, the English one being the text written in the code (English --help does not change); an option whose
help is the shared one of :mod:`ennoshita.cli.common` (--database-url, --as) is the shared
``cli.help.param:<name>`` instead. No key of the two files names a command or a parameter that is not there.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator
from typing import Any

from ennoshita.cli import common, lazy
from ennoshita.i18n import HERE, catalog, read_catalog

GROUPS = ("hr", "payroll", "assets", "contracts")
FILE = "cli_help_people.po"
SHARED = {name: typing.get_args(option)[1].help
          for name, option in (("database_url", common.DatabaseUrl), ("as_user", common.AsUser))}


def _texts() -> Iterator[tuple[str, str, str | None]]:
    """(key, help in the code, the shared parameter's name or None) for each text below the groups."""
    def walk(command: Any, path: list[str]) -> Iterator[tuple[str, str, str | None]]:
        where = "cli.help." + ".".join(path)
        if len(path) > 1 and command.help:  # the groups' own keys come from LAZY_GROUPS
            yield where, command.help, None
        for param in command.params:
            if getattr(param, "help", None):
                shared = param.name if SHARED.get(param.name) == param.help else None
                yield f"{where}:{param.name}", param.help, shared
        for name, sub in getattr(command, "commands", {}).items():
            yield from walk(sub, [*path, name])

    for group in GROUPS:
        modules, _help = lazy.LAZY_GROUPS[group]
        yield from walk(lazy.load(modules)[group], [group])


def test_every_help_text_has_its_key_in_both_catalogs() -> None:
    ja, en = catalog("ja"), catalog("en")
    missing, changed = [], []
    for key, text, shared in _texts():
        if shared and key not in ja:
            # the shared key; until the shared catalog is merged, the text being the shared one is enough
            shared_key = f"cli.help.param:{shared}"
            if shared_key in ja or shared_key in en:
                missing += [f"{lang}:{shared_key}" for lang, c in (("ja", ja), ("en", en)) if shared_key not in c]
            continue
        missing += [f"{lang}:{key}" for lang, c in (("ja", ja), ("en", en)) if key not in c]
        if key in en and en[key] != text:
            changed.append(key)
    assert missing == []
    assert changed == []


def test_no_stale_key_and_both_files_have_the_same_keys() -> None:
    known = {key for key, _text, _shared in _texts()}
    keys = {}
    for lang in ("ja", "en"):
        keys[lang] = set(read_catalog((HERE / lang / FILE).read_text("utf-8")))
        assert sorted(k for k in keys[lang] if not k.startswith("cli.help.") or k not in known) == [], lang
    assert keys["ja"] == keys["en"]


def test_japanese_says_it_in_japanese() -> None:
    ja = catalog("ja")
    assert ja["cli.help.payroll.run.create"] == "給与計算を下書きで作成します。"
    assert "減価償却" in ja["cli.help.assets.run"]
    # option names, formats and codes stay as they are
    assert "--table" in ja["cli.help.payroll.withholding"] and "--otsu" in ja["cli.help.payroll.withholding"]
    assert "employee_number,date,clock_in,clock_out,break_minutes" in ja["cli.help.hr.attendance.import"]
