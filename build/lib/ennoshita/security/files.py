"""File names: cleaned once at upload (:func:`safe_filename`) and written once at download
(:func:`content_disposition`), for every route.

A name with CR, LF or NUL in a ``Content-Disposition`` header makes the server drop the response (a receipt
stored as ``a\\r\\nb.png`` could never be opened again); a path separator or a leading dot is no business of a
download either. The header carries an ASCII fallback and the UTF-8 name (RFC 6266 / RFC 5987 ``filename*``).
"""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

from ennoshita.security.text import CONTROL

MAX_NAME = 200


def safe_filename(name: str, default: str = "file") -> str:
    """NFC, without control characters, path separators or quotes, at most 200 characters, never empty."""
    clean = unicodedata.normalize("NFC", name or "")
    clean = CONTROL.sub("", clean).replace("\r", "").replace("\n", "").replace("\t", " ")
    clean = "".join("_" if c in '/\\"' else c for c in clean).strip().lstrip(".").strip()
    if len(clean) > MAX_NAME:
        stem, dot, ext = clean.rpartition(".")
        clean = (stem[: MAX_NAME - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else clean[:MAX_NAME]
    return clean or default


def content_disposition(name: str, disposition: str = "attachment") -> str:
    """The header value for a download named ``name`` (cleaned again: names stored before the rule too)."""
    clean = safe_filename(name)
    ascii_name = "".join(c if c.isascii() and c.isprintable() else "_" for c in clean)
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(clean)}"
