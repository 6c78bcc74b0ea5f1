"""The downloads every screen shares: a list as CSV (``?export=csv&encoding=utf-8|cp932``) and a report as a file
(``?format=csv|xlsx|pdf|json``).

The list route keeps its filter parameters; :func:`wants_export` tells it a CSV was asked for, and
:func:`csv_response` streams the rows read in their own transaction (see :mod:`ennoshita.exports`).
:func:`export_links` gives the two download links of the list on screen, keeping its filter.

A report screen asks :func:`wants_file` for the format, answers :func:`download` (a :class:`ennoshita.tabular.Table`)
or :func:`stream_download` (a long report, streamed), and shows :func:`format_links`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import Response, StreamingResponse
from sqlalchemy.orm import Session

from ennoshita import exports
from ennoshita.db import Database
from ennoshita.security.files import content_disposition
from ennoshita.tabular import FORMATS, Table, export


def wants_export(request: Request) -> str | None:
    """The encoding asked for when the request is a CSV export (``?export=csv``), else None."""
    if request.query_params.get("export") != "csv":
        return None
    return exports.check_encoding(request.query_params.get("encoding", "utf-8"))


def csv_response(db: Database, filename: str, columns: Sequence[exports.ExportColumn],
                 rows: Callable[[Session], Iterator[Any]], encoding: str) -> StreamingResponse:
    """Stream the CSV of ``rows(session)`` (all rows of the filter) as ``filename.csv``."""
    charset = "utf-8" if encoding == "utf-8" else "shift_jis"
    return _streamed(db, lambda session: exports.stream_csv(columns, rows(session), encoding),
                     f"text/csv; charset={charset}", f"{filename}.csv")


def _streamed(db: Database, chunks: Callable[[Session], Iterator[bytes]], media: str,
              name: str) -> StreamingResponse:
    """The bytes of ``chunks(session)`` as the download ``name``, read in their own transaction while sent."""
    uow = db.uow()

    def body() -> Iterator[bytes]:
        with uow:
            yield from chunks(uow.session)

    return StreamingResponse(body(), media_type=media, headers={"Content-Disposition": content_disposition(name)})


def export_links(request: Request) -> list[tuple[str, str]]:
    """(encoding, URL) of the list's CSV downloads, keeping its filter (never the page)."""
    params = {k: v for k, v in request.query_params.items() if k not in ("page", "export", "encoding", "done")}
    return [(enc, f"{request.url.path}?{urlencode({**params, 'export': 'csv', 'encoding': enc})}")
            for enc in ("utf-8", "cp932")]


def download(table: Table, fmt: str) -> Response:
    content, media, name = export(table, fmt)
    return Response(content, media_type=media, headers={"Content-Disposition": content_disposition(name)})


def stream_download(db: Database, fmt: str, filename: str, chunks: Callable[[Session], Iterator[bytes]]
                    ) -> Response:
    """A CSV or JSON of a long report, written while it is read in its own transaction: every row, flat memory."""
    media, ext, _ = FORMATS[fmt]
    return _streamed(db, chunks, media, f"{filename}.{ext}")


def wants_file(request: Request) -> str | None:
    fmt = request.query_params.get("format")
    return fmt if fmt in FORMATS else None


def format_links(request: Request) -> list[tuple[str, str]]:
    """(label, URL) of each download of the report on screen, keeping its filters."""
    params = {k: v for k, v in request.query_params.items() if k not in ("format", "page")}
    return [(label, f"{request.url.path}?{urlencode({**params, 'format': fmt})}")
            for fmt, label in (("csv", "CSV"), ("xlsx", "Excel"), ("pdf", "PDF"), ("json", "JSON"))]
