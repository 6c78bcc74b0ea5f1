"""CLI start-up stays light (issue 13 item 3): ``ennoshita --help`` imports no domain, no database layer and
no web stack, the lazy group table matches what the modules register, and no password hash runs at import."""

from __future__ import annotations

import json
import subprocess
import sys

import typer

from ennoshita.cli.helptext import english
from ennoshita.cli.lazy import LAZY_GROUPS, load

HEAVY = ("sqlalchemy", "pydantic", "pydantic_settings", "fastapi", "babel", "argon2", "ennoshita.models",
         "ennoshita.ledger", "ennoshita.sales", "ennoshita.web", "ennoshita.db")


def _modules_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
                         capture_output=True, text=True, check=True).stdout
    return set(json.loads(out.strip().splitlines()[-1]))


def test_help_imports_no_domain_no_database_and_no_web_stack() -> None:
    code = ("import sys\nfrom ennoshita.cli.main import app\nsys.argv = ['ennoshita', '--help']\n"
            "try:\n    app()\nexcept SystemExit:\n    pass")
    loaded = _modules_after(code)
    assert sorted(m for m in loaded if m in HEAVY) == []


def test_a_report_imports_its_group_only() -> None:
    code = ("import sys\nfrom ennoshita.cli.main import app\nsys.argv = ['ennoshita', 'report', '--help']\n"
            "try:\n    app()\nexcept SystemExit:\n    pass")
    loaded = _modules_after(code)
    assert "ennoshita.cli.ledger" in loaded
    assert "ennoshita.cli.sales" not in loaded and "ennoshita.web.app" not in loaded and "fastapi" not in loaded


def test_the_lazy_table_names_the_groups_its_modules_register() -> None:
    for name, (modules, help_text) in LAZY_GROUPS.items():
        group = load(modules)[name]
        assert english(group) == help_text, name  # the code's English (the catalogs translate both alike)


def test_no_password_hash_is_computed_at_import() -> None:
    code = ("from ennoshita.identity import services\n"
            "assert services._dummy_hash.cache_info().currsize == 0")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_every_cli_module_registers_lazily_or_eagerly() -> None:
    from ennoshita.cli.main import CLI_MODULES, app

    group = typer.main.get_command(app)
    names = set(group.list_commands(typer.Context(group)))  # type: ignore[attr-defined]
    assert set(LAZY_GROUPS) <= names and {"init", "serve", "user", "backup"} <= names
    assert set(CLI_MODULES) >= {m for modules, _ in LAZY_GROUPS.values() for m in modules}


def test_the_catalog_reader_gives_what_babel_gives() -> None:
    from babel.messages.pofile import read_po

    from ennoshita.i18n import HERE, read_catalog

    for path in sorted(HERE.glob("*/*.po")):
        with path.open("rb") as fh:
            po = read_po(fh, locale=path.parent.name)
        expected = {m.id: m.string for m in po if m.id and isinstance(m.id, str) and isinstance(m.string, str)
                    and m.string}
        assert read_catalog(path.read_text("utf-8")) == expected, path
