"""Every message key used in templates and code exists in both catalogs, and the catalogs match."""

from __future__ import annotations

import re
from pathlib import Path

from ennoshita.i18n import catalog

SRC = Path(__file__).resolve().parents[3] / "src" / "ennoshita"
TEMPLATE_KEY = re.compile(r"""_\(\s*'([a-z_]+(?:\.[A-Za-z_0-9]+)+)'""")
CODE_KEY = re.compile(r"""(?:Problem|Invalid|Forbidden|NotFound|Conflict|Unauthenticated|TooManyAttempts|"""
                      r"""InvalidTransition|DomainError)\(\s*"([a-z_]+(?:\.[a-z_0-9]+)+)\"""")


def test_catalogs_have_the_same_keys() -> None:
    ja, en = catalog("ja"), catalog("en")
    assert sorted(set(ja) - set(en)) == []
    assert sorted(set(en) - set(ja)) == []


def test_every_literal_key_in_templates_exists() -> None:
    ja = catalog("ja")
    missing = set()
    for path in (SRC / "web" / "templates").rglob("*.html"):
        missing |= {k for k in TEMPLATE_KEY.findall(path.read_text(encoding="utf-8")) if k not in ja}
    assert sorted(missing) == []


def test_every_error_key_raised_in_code_exists() -> None:
    ja = catalog("ja")
    missing = set()
    for path in SRC.rglob("*.py"):
        missing |= {k for k in CODE_KEY.findall(path.read_text(encoding="utf-8")) if k not in ja}
    assert sorted(missing) == []


def test_japanese_pages_use_back_office_terms() -> None:
    ja = catalog("ja")
    assert ja["form.save"] == "保存"
    assert ja["form.register"] == "登録"
    assert ja["nav.audit"] == "監査ログ"


def test_no_key_is_in_two_files_of_a_language() -> None:
    """All files of a language are merged, the later file silently winning: a key written in two files (the CLI's
    help is written in several, cli_help_core.po, cli_help_sales.po, cli_help_people.po) would show one of them."""
    from ennoshita.i18n import HERE, read_catalog

    twice = []
    for lang in ("ja", "en"):
        seen: dict[str, str] = {}
        for path in sorted((HERE / lang).glob("*.po")):
            for key in read_catalog(path.read_text("utf-8")):
                if key in seen:
                    twice.append(f"{lang}: {key} in {seen[key]} and {path.name}")
                seen[key] = path.name
    assert twice == []
