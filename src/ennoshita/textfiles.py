"""One way to read an uploaded CSV's bytes as text, for every importer (弥生, journal CSV, bank, partners).

The encoding is detected, never assumed: a UTF-8 byte-order mark (Excel's "CSV UTF-8") means UTF-8; otherwise
strict UTF-8 is tried, then strict cp932 (Shift_JIS as Windows and 弥生 write it). UTF-8 is tried before cp932
on purpose: Japanese text in cp932 is practically never valid UTF-8 (its lead bytes 0x81-0x9F are UTF-8
continuation bytes), while short UTF-8 text often *is* valid cp932 and would come out garbled (売掛金 in UTF-8
reads as cp932 螢ｲ謗幃≡). Text with NUL characters is neither: it is UTF-16 (Excel's "Unicode text"), whose
ASCII-only content is also valid UTF-8. Bytes that are neither raise :func:`undecodable`: an :class:`Invalid`
(``import.error.encoding``) of the whole file, naming the file field and no line (no line of it could be read), so
every import says the same of a bad file, with a 4xx, never a 500.

:func:`decode` is for files read whole; :func:`open_text` streams a large file (the 弥生 import) deciding
from its first megabyte, and :func:`rows` turns a decoding error further in into a problem on that line.
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Callable, Iterator
from typing import IO, Any

from ennoshita.errors import Invalid, Problem

SNIFF_BYTES = 1 << 20
# Python's cp932 decodes the single bytes 0x80, 0xA0 and 0xFD-0xFF, which no Shift_JIS text holds, to U+0080 and
# private-use characters: strict cp932 refuses them.
_NOT_SHIFT_JIS = re.compile("[\x80\uf8f0-\uf8f3]")
ENCODING_KEY = "import.error.encoding"


def detect(sample: bytes, complete: bool = True) -> str | None:
    """The encoding of ``sample`` (``utf-8-sig``, ``utf-8`` or ``cp932``), or None when it is neither. With
    ``complete=False`` the sample is the start of a longer file and may end inside a character."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if b"\x00" in sample:  # UTF-16 or UTF-32 (with or without a byte-order mark), or not text at all
        return None
    for encoding in ("utf-8", "cp932"):
        decoder = codecs.getincrementaldecoder(encoding)("strict")
        try:
            text = decoder.decode(sample, final=complete)
        except UnicodeDecodeError:
            continue
        if encoding == "cp932" and _NOT_SHIFT_JIS.search(text):
            continue
        return encoding
    return None


def undecodable(field: str = "file") -> Invalid:
    """The error of a file whose bytes are neither UTF-8 nor cp932: a problem of the whole file (``field``, no
    line), whose message names the encodings accepted."""
    return Invalid(ENCODING_KEY, field=field)


def is_undecodable(problem: Problem) -> bool:
    """``problem`` is the whole-file error of :func:`undecodable` (not a line whose bytes do not decode)."""
    return problem.key == ENCODING_KEY and problem.line is None


def decode(data: bytes, field: str = "file") -> tuple[str, str]:
    """``(text, encoding)`` of a whole file; :func:`undecodable` when it is neither UTF-8 nor cp932."""
    encoding = detect(data)
    if encoding is None:
        raise undecodable(field)
    return data.decode(encoding), encoding


class _Prefixed(io.RawIOBase):
    """The sniffed first bytes, then the rest of the stream."""

    def __init__(self, head: bytes, rest: IO[bytes] | io.RawIOBase) -> None:
        self.head = head
        self.rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.head:
            n = min(len(buffer), len(self.head))
            buffer[:n] = self.head[:n]
            self.head = self.head[n:]
            return n
        data = self.rest.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)


def open_text(stream: IO[bytes] | io.RawIOBase, field: str = "file") -> io.TextIOWrapper:
    """A text stream over ``stream`` in its detected encoding (decided from the first megabyte)."""
    head = stream.read(SNIFF_BYTES)
    encoding = detect(head, complete=len(head) < SNIFF_BYTES)
    if encoding is None:
        raise undecodable(field)
    return io.TextIOWrapper(io.BufferedReader(_Prefixed(head, stream)), encoding=encoding, newline="")


def rows(reader: Any, on_error: Callable[[Problem], None]) -> Iterator[list[str]]:
    """The rows of a ``csv.reader``; bytes that do not decode after the sniffed start end the file, and
    ``on_error`` gets one problem naming the line."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError:
            on_error(Problem(ENCODING_KEY, "file", {}, getattr(reader, "line_num", 0) + 1))
            return
        yield row
