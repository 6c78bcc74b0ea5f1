"""No message shows a raw ``{placeholder}`` (issue 13 item 7).

Two checks over both catalogs: every message renders with sample parameters for its placeholders, ja and en use
the same placeholders, and, walking the source, every place that raises or reports a message with literal
parameters (``Invalid("key", field=..., a=...)``, ``Problem("key", "field", {"a": ...})``, ``t("key", a=...)``)
gives every placeholder the message uses: a missing one would be shown as ``{a}``.
"""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

from ennoshita.i18n import catalog, gettext

SRC = Path(__file__).resolve().parents[3] / "src" / "ennoshita"
RAISERS = {"Invalid", "NotFound", "Conflict", "Forbidden", "InvalidTransition", "DomainError", "Unauthenticated",
           "TooManyAttempts"}
NOT_PARAMS = {"field", "problems"}


def _placeholders(text: str) -> set[str]:
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_message_renders_with_sample_parameters_in_both_languages() -> None:
    ja, en = catalog("ja"), catalog("en")
    for key in sorted(set(ja) | set(en)):
        names = _placeholders(ja.get(key, "")) | _placeholders(en.get(key, ""))
        for lang in ("ja", "en"):
            shown = gettext(lang, key, **dict.fromkeys(names, "X1"))
            assert not re.search(r"\{[a-z_]+\}", shown), (lang, key, shown)
        if key in ja and key in en:
            assert _placeholders(ja[key]) == _placeholders(en[key]), key


def _literal_calls() -> list[tuple[str, int, str, set[str] | None]]:
    """(file, line, key, parameter names given or None when they cannot be known statically)."""
    found = []
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            first = node.args[0]
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str) and "." in first.value):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else (
                node.func.attr if isinstance(node.func, ast.Attribute) else "")
            given: set[str] | None
            if name in RAISERS or name in ("t", "_"):
                if any(k.arg is None for k in node.keywords):
                    given = None  # **params
                else:
                    given = {k.arg for k in node.keywords if k.arg}
                    if name in RAISERS:
                        given -= NOT_PARAMS
            elif name == "Problem":
                params = node.args[2] if len(node.args) > 2 else next(
                    (k.value for k in node.keywords if k.arg == "params"), None)
                if params is None:
                    given = set()
                elif isinstance(params, ast.Dict) and all(isinstance(k, ast.Constant) for k in params.keys):
                    given = {str(k.value) for k in params.keys if isinstance(k, ast.Constant)}
                else:
                    given = None
            else:
                continue
            found.append((str(path.relative_to(SRC)), node.lineno, first.value, given))
    return found


def test_every_raise_gives_the_parameters_its_message_uses() -> None:
    ja, en = catalog("ja"), catalog("en")
    missing = []
    for where, line, key, given in _literal_calls():
        if given is None or key not in ja:
            continue
        needed = _placeholders(ja[key]) | _placeholders(en.get(key, ""))
        if needed - given:
            missing.append(f"{where}:{line} {key} needs {sorted(needed - given)}")
    assert missing == []


def test_a_date_in_a_message_is_written_in_the_readers_format() -> None:
    """A message given a date writes it as the screens do: 2026年4月1日 in Japanese, 2026-04-01 in English (before,
    the callers put ISO text into Japanese sentences)."""
    import datetime as dt

    from ennoshita.i18n import read_stored, stored

    day = dt.date(2026, 4, 1)
    assert gettext("ja", "approvals.title.payment_run", date=day) == "2026年4月1日 支払"
    assert gettext("en", "approvals.title.payment_run", date=day) == "Payments of 2026-04-01"
    kept = stored("approvals.title.payment_run", date=day)
    assert read_stored("ja", kept) == "2026年4月1日 支払" and read_stored("en", kept) == "Payments of 2026-04-01"
    assert read_stored("en", "支払 2026-04-01") is None
