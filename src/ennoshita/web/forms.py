"""What every screen shares: read a form's fields (text, dates, yen, ids), turn domain errors into per-field
messages in the user's language, page a list, send a download. Every web package imports these from here."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from fastapi import Request
from fastapi.responses import Response

from ennoshita.actor import Actor
from ennoshita.db import Database
from ennoshita.errors import DomainError, Invalid, Problem
from ennoshita.i18n import Translator
from ennoshita.ledger.taxes import BUSINESS_TYPES, PURPOSES, TAGGED_LIST
from ennoshita.security.files import content_disposition
from ennoshita.security.uploads import read_form


async def form_data(request: Request) -> dict[str, Any]:
    form = await read_form(request)  # multipart: spooled and parsed off the event loop
    data: dict[str, Any] = {}
    for key in form:
        values = form.getlist(key)
        data[key] = values if len(values) > 1 or key.endswith("[]") else values[0]
    data.pop("csrf_token", None)
    return data


async def text_form(request: Request) -> dict[str, str]:
    """The form's fields as stripped text (a form with no repeated field)."""
    return {k: str(v).strip() for k, v in (await form_data(request)).items()}


def as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)]


def field_errors(exc: DomainError, t: Translator) -> tuple[dict[str, str], list[str]]:
    """Messages per field name, and the messages that belong to no field."""
    fields: dict[str, str] = {}
    general: list[str] = []
    problems = exc.problems or []
    if not problems:
        general.append(t(exc.key, **exc.params))
    for p in problems:
        text = t(p.key, **p.params)
        if column := t.field(p.field):  # an imported file's column (field.<format>.<column>)
            text = f"{column}: {text}"
        if p.line is not None:
            text = t("error.line_prefix", line=p.line) + text
        if p.field:
            fields.setdefault(p.field, text)
        else:
            general.append(text)
    return fields, general


# ---------------------------------------------------------------- parsing what a screen sends


def whole_form(shape: list[Problem], check: Callable[[], list[Problem]]) -> Invalid:
    """The error for a form whose shape is wrong (no customer chosen, a date that cannot be read): its problems
    and, beside them, what the service's read-only ``check`` says of the rest (件名, the lines), so one submit
    shows every error instead of the header on this submit and the lines on the next (issue 13 item 7). A
    field that already has its message is not reported twice."""
    try:
        more = check()
    except DomainError as exc:
        more = exc.problems or [Problem(exc.key, exc.field, exc.params)]
    reported = {p.field for p in shape}
    return Invalid(problems=shape + [p for p in more if p.field not in reported])


def text(data: dict[str, Any], name: str) -> str:
    value = data.get(name, "")
    return unicodedata.normalize("NFC", str(value[0] if isinstance(value, list) else value)).strip()


def parse_date(text: Any) -> dt.date | None:
    """A date typed as 2026-04-01, 2026/4/1 or with full-width digits; None when blank or malformed."""
    value = unicodedata.normalize("NFKC", str(text or "")).strip().replace("/", "-")
    if not value:
        return None
    try:
        y, m, d = (int(p) for p in value.split("-"))
        return dt.date(y, m, d)
    except ValueError:
        return None


def parse_int(text: Any) -> int | None:
    """An integer (yen) typed with or without separators, ¥ or 円, full-width digits allowed."""
    value = unicodedata.normalize("NFKC", str(text or "")).strip()
    for junk in (",", "¥", "円", " ", "\\"):
        value = value.replace(junk, "")
    if not value:
        return None
    sign = -1 if value.startswith(("-", "△", "▲")) else 1
    digits = value.lstrip("-△▲")
    if not digits.isdigit() or not digits.isascii():
        raise ValueError(text)
    return sign * int(digits)


def parse_id(text: Any) -> int | None:
    try:
        return int(str(text)) if text not in (None, "") else None
    except ValueError:
        return None


def checked_date(text: str, field: str, problems: list[Problem]) -> dt.date | None:
    """An ISO date of a form field; None when blank; a malformed one adds a problem naming the field."""
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        problems.append(Problem("assets_ui.error.date", field))
        return None


def checked_int(text: str, field: str, problems: list[Problem]) -> int | None:
    """A whole number (yen) of a form field, with or without , and ¥; None when blank; a malformed one adds a
    problem naming the field."""
    try:
        return int(text.replace(",", "").replace("¥", "").strip()) if text.strip() else None
    except ValueError:
        problems.append(Problem("assets_ui.error.number", field))
        return None


# ---------------------------------------------------------------- messages in the user's language


def translator(actor: Actor) -> Translator:
    return Translator(actor.language)


def request_translator(request: Request) -> Translator:
    """The translator of the request's language (set by the app's middleware; Japanese by default)."""
    return Translator(getattr(request.state, "lang", "ja"))


def errors_of(exc: DomainError, actor: Actor) -> tuple[dict[str, str], list[str]]:
    """Field messages and general messages; 403/404 are not form errors and go to the error page."""
    if exc.status in (403, 404):
        raise exc
    return field_errors(exc, translator(actor))


def purpose_choices(lang: str) -> list[tuple[str, str]]:
    """用途区分 (個別対応方式) codes and their names in the screen's language (data of ``ledger.taxes``)."""
    return [(code, ja if lang == "ja" else en) for code, ja, en in PURPOSES]


def business_type_choices(db: Database, actor: Actor) -> list[tuple[int, str]] | None:
    """簡易課税の事業区分 (1..6) and their names for a sales line's select; None when the company does not use 簡易課税
    (the select is not shown: a line then counts as the company's ``simplified_type`` if it ever does)."""
    from ennoshita.ledger.consumption_tax import load_settings

    with db.uow() as uow:
        if load_settings(uow.session).method != "simplified":
            return None
    return [(n, ja if actor.language == "ja" else en) for n, ja, en in BUSINESS_TYPES]


# ---------------------------------------------------------------- lists and downloads


class _Found(Protocol):
    """A page of a service's list (``sales.queries.Paged`` and its like)."""

    @property
    def rows(self) -> Sequence[Any]: ...
    @property
    def total(self) -> int: ...
    @property
    def page(self) -> int: ...
    @property
    def per_page(self) -> int: ...


@dataclass(frozen=True)
class Page:
    rows: list[Any]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return page_count(self.total, self.per_page)

    @classmethod
    def of(cls, found: _Found) -> Page:
        return cls(list(found.rows), found.total, found.page, found.per_page)


def page_count(total: int, per_page: int) -> int:
    """How many pages ``total`` rows fill (at least one, an empty list's)."""
    return max(1, -(-total // per_page))


def page_no(request: Request) -> int:
    return max(1, parse_id(request.query_params.get("page")) or 1)


def query_without_page(request: Request) -> dict[str, str]:
    return {k: v for k, v in request.query_params.items() if k not in ("page", "format") and v}


def pdf_response(content: bytes, name: str, media: str = "application/pdf") -> Response:
    """A download with the Japanese file name (RFC 5987 ``filename*``) and an ASCII fallback."""
    return Response(content, media_type=media, headers={"Content-Disposition": content_disposition(name)})


def tax_names(lang: str) -> dict[str, str]:
    """税区分 by code, in the screen's language (the names are data of ``ledger.taxes``)."""
    return {c.code: (c.name_ja if lang == "ja" else c.name_en) for c in TAGGED_LIST}
