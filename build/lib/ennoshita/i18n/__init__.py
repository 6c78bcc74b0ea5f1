"""Message catalogs (Babel ``.po`` files): Japanese first, English second.

Messages are addressed by keys (``nav.ledger``, ``identity.error.password_short``). Each domain keeps
its own ``i18n/<lang>/<domain>.po``; all files of a language are merged at start. Parameters are
``{name}`` placeholders. A key missing from a catalog shows as the key itself, which a test catches.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po

HERE = Path(__file__).parent
LANGUAGES = ("ja", "en")
DEFAULT = "ja"


@cache
def catalog(lang: str) -> dict[str, str]:
    messages: dict[str, str] = {}
    for path in sorted((HERE / lang).glob("*.po")):
        with path.open("rb") as fh:
            po = read_po(fh, locale=lang)
        for msg in po:
            if msg.id and isinstance(msg.id, str) and isinstance(msg.string, str) and msg.string:
                messages[msg.id] = msg.string
    return messages


def gettext(lang: str, key: str, **params: Any) -> str:
    text = catalog(lang if lang in LANGUAGES else DEFAULT).get(key)
    if text is None:
        text = catalog(DEFAULT).get(key, key)
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text
    return text


class Translator:
    """Bound to one language: ``t("nav.ledger")``."""

    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in LANGUAGES else DEFAULT

    def __call__(self, key: str, **params: Any) -> str:
        return gettext(self.lang, key, **params)

    def problem(self, key: str, params: dict[str, Any] | None = None) -> str:
        return gettext(self.lang, key, **(params or {}))
