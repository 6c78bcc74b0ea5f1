"""Message catalogs (Babel ``.po`` files): Japanese first, English second.

Messages are addressed by keys (``nav.ledger``, ``identity.error.password_short``). Each domain keeps
its own ``i18n/<lang>/<domain>.po``; all files of a language are merged at start. Parameters are
``{name}`` placeholders. A key missing from a catalog shows as the key itself, which a test catches.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
LANGUAGES = ("ja", "en")
DEFAULT = "ja"


@cache
def catalog(lang: str) -> dict[str, str]:
    messages: dict[str, str] = {}
    for path in sorted((HERE / lang).glob("*.po")):
        messages.update(read_catalog(path.read_text("utf-8")))
    return messages


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_ESCAPE_RE = re.compile(r"\\(.)")


def _unquote(text: str) -> str:
    return _ESCAPE_RE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(1)), text.strip()[1:-1])


def read_catalog(text: str) -> dict[str, str]:
    """The translated messages of one ``.po`` file: ``msgid``/``msgstr`` pairs with continuation lines; comments,
    obsolete (``#~``), plural and untranslated entries are left out, as Babel's reader would give them (a unit
    test compares the two on every catalog). Reading this way takes a few milliseconds where Babel takes ~300 ms
    for all catalogs, which every CLI command paid."""
    messages: dict[str, str] = {}
    msgid: list[str] | None = None
    msgstr: list[str] | None = None
    current: list[str] | None = None
    plural = False

    def flush() -> None:
        if msgid is not None and msgstr is not None and not plural:
            key, value = "".join(msgid), "".join(msgstr)
            if key and value:
                messages[key] = value

    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("msgid "):
            flush()
            msgid, msgstr, plural = [_unquote(line[6:])], None, False
            current = msgid
        elif line.startswith("msgid_plural "):
            plural = True
            current = None
        elif line.startswith("msgstr "):
            msgstr = [_unquote(line[7:])]
            current = msgstr
        elif line.startswith("msgstr["):
            plural = True
            current = None
        elif line.startswith('"') and current is not None:
            current.append(_unquote(line))
    flush()
    return messages


def shown(lang: str, value: Any) -> Any:
    """A message parameter as the reader sees it: a date in the language's format (``2026年4月1日`` /
    ``2026-04-01``, :func:`ennoshita.dates.format_date`, as the screens write dates), a timestamp likewise in
    Japan time; anything else as it is. Every message with a date takes the date itself, never its ISO text."""
    from ennoshita.dates import format_date, format_datetime

    if isinstance(value, dt.datetime):
        return format_datetime(value, lang)
    if isinstance(value, dt.date):
        return format_date(value, lang)
    return value


def gettext(lang: str, key: str, **params: Any) -> str:
    lang = lang if lang in LANGUAGES else DEFAULT
    text = catalog(lang).get(key)
    if text is None:
        text = catalog(DEFAULT).get(key, key)
    if params:
        try:
            return text.format(**{k: shown(lang, v) for k, v in params.items()})
        except (KeyError, IndexError, ValueError):
            return text
    return text


# ---------------------------------------------------------------- messages kept in the database

STORED = "@msg"


@dataclass(frozen=True)
class Word:
    """A parameter of a stored message that is itself a catalog entry (``month.11``: 11月 / November)."""

    key: str


def stored(key: str, **params: Any) -> str:
    """A text the application writes into a record (a 稟議's title, a request's title) kept as its key and
    parameters, so that each reader reads it in their own language (:func:`read_stored`): dates (kept as ISO
    text) in the reader's format, :class:`Word` parameters through the catalog."""
    kept: dict[str, Any] = {}
    for name, value in params.items():
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            kept[name] = {"date": value.isoformat()}
        elif isinstance(value, Word):
            kept[name] = {"word": value.key}
        else:
            kept[name] = value
    return STORED + json.dumps({"key": key, "params": kept}, ensure_ascii=False, separators=(",", ":"))


def read_stored(lang: str, text: str) -> str | None:
    """The stored message ``text`` (:func:`stored`) in ``lang``, or None when ``text`` is not one."""
    if not text.startswith(STORED + "{"):
        return None
    try:
        body = json.loads(text[len(STORED):])
        params: dict[str, Any] = {}
        for name, value in dict(body.get("params") or {}).items():
            if isinstance(value, dict) and "date" in value:
                params[name] = dt.date.fromisoformat(str(value["date"]))
            elif isinstance(value, dict) and "word" in value:
                params[name] = gettext(lang, str(value["word"]))
            else:
                params[name] = value
        return gettext(lang, str(body["key"]), **params)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def stored_text(lang: str, text: str) -> str:
    """What a reader in ``lang`` sees of a text kept in the database: a stored message in their language, any
    other text (typed by a person) as it is."""
    found = read_stored(lang, text)
    return text if found is None else found


def field_name(lang: str, field: str | None) -> str | None:
    """The catalogs' name of a problem's field (``field.<field>``), or None when they have none: the columns of
    an imported file (``yayoi.debit_account`` is 借方勘定科目 / Debit account), so that a problem of a line names its
    column as the file's format does, in the reader's language, never by an internal identifier."""
    if not field:
        return None
    key = f"field.{field}"
    return catalog(lang if lang in LANGUAGES else DEFAULT).get(key) or catalog(DEFAULT).get(key)


class Translator:
    """Bound to one language: ``t("nav.ledger")``."""

    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in LANGUAGES else DEFAULT

    def __call__(self, key: str, **params: Any) -> str:
        return gettext(self.lang, key, **params)

    def problem(self, key: str, params: dict[str, Any] | None = None) -> str:
        return gettext(self.lang, key, **(params or {}))

    def field(self, field: str | None) -> str | None:
        """See :func:`field_name`."""
        return field_name(self.lang, field)
