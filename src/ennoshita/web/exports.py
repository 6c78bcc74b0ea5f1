"""The download of a list as CSV (shared by every list screen): ``?export=csv&encoding=utf-8|cp932``.

The list route keeps its filter parameters; :func:`wants_export` tells it a CSV was asked for, and
:func:`csv_response` streams the rows read in their own transaction (see :mod:`ennoshita.exports`).
:func:`export_links` gives the two download links of the list on screen, keeping its filter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session

from ennoshita import exports
from ennoshita.db import Database
from ennoshita.security.files import content_disposition


def wants_export(request: Request) -> str | None:
    """The encoding asked for when the request is a CSV export (``?export=csv``), else None."""
    if request.query_params.get("export") != "csv":
        return None
    return exports.check_encoding(request.query_params.get("encoding", "utf-8"))


def csv_response(db: Database, filename: str, columns: Sequence[exports.ExportColumn],
                 rows: Callable[[Session], Iterator[Any]], encoding: str) -> StreamingResponse:
    """Stream the CSV of ``rows(session)`` (all rows of the filter) as ``filename.csv``."""
    uow = db.uow()
    charset = "utf-8" if encoding == "utf-8" else "shift_jis"

    def body() -> Iterator[bytes]:
        with uow:
            yield from exports.stream_csv(columns, rows(uow.session), encoding)

    return StreamingResponse(body(), media_type=f"text/csv; charset={charset}",
                             headers={"Content-Disposition": content_disposition(f"{filename}.csv")})


def export_links(request: Request) -> list[tuple[str, str]]:
    """(encoding, URL) of the list's CSV downloads, keeping its filter (never the page)."""
    params = {k: v for k, v in request.query_params.items() if k not in ("page", "export", "encoding", "done")}
    return [(enc, f"{request.url.path}?{urlencode({**params, 'export': 'csv', 'encoding': enc})}")
            for enc in ("utf-8", "cp932")]
