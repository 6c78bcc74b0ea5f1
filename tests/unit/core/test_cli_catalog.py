"""Every line the command line prints comes from the message catalogs (issue 13: "every message translated"):
no CLI module keeps a ``{"ja": {...}, "en": {...}}`` table of its own (nine did, beside the catalogs, out of reach
of the catalogs' checks), and every key a command asks for is in both catalogs."""

from __future__ import annotations

import ast
from pathlib import Path

import ennoshita.cli
from ennoshita.i18n import catalog

CLI = Path(ennoshita.cli.__file__).parent


def _modules() -> list[Path]:
    return sorted(CLI.rglob("*.py"))


def test_no_cli_module_keeps_its_own_language_table() -> None:
    tables = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Dict) and {"ja", "en"} <= {k.value for k in node.keys
                                                                if isinstance(k, ast.Constant)}:
                tables.append(f"{path.relative_to(CLI)}:{node.lineno}")
    assert tables == []


def test_every_cli_line_asked_for_is_in_both_catalogs() -> None:
    ja, en = catalog("ja"), catalog("en")
    asked: list[str] = []
    for path in _modules():
        tree = ast.parse(path.read_text("utf-8"))
        groups = {t.id: n.value.value for n in tree.body if isinstance(n, ast.Assign)
                  for t in n.targets if isinstance(t, ast.Name) and t.id.endswith("TEXT")
                  and isinstance(n.value, ast.Constant) and isinstance(n.value.value, str)}
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)):
            args = call.args
            if (call.func.id == "say" and len(args) >= 2 and isinstance(args[0], ast.Name)
                    and isinstance(args[1], ast.Constant)):
                asked.append(f"{groups[args[0].id]}.{args[1].value}")
            elif call.func.id == "_say" and args and isinstance(args[0], ast.Constant) and "_TEXT" in groups:
                asked.append(f"{groups['_TEXT']}.{args[0].value}")
    assert len(asked) > 80  # the commands' lines, found
    assert [k for k in asked if k not in ja or k not in en] == []
