"""Small helpers for HTML forms: read fields, and turn domain errors into per-field messages."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from ennoshita.errors import DomainError
from ennoshita.i18n import Translator
from ennoshita.security.uploads import read_form


async def form_data(request: Request) -> dict[str, Any]:
    form = await read_form(request)  # multipart: spooled and parsed off the event loop
    data: dict[str, Any] = {}
    for key in form:
        values = form.getlist(key)
        data[key] = values if len(values) > 1 or key.endswith("[]") else values[0]
    data.pop("csrf_token", None)
    return data


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
        if p.line is not None:
            text = t("error.line_prefix", line=p.line) + text
        if p.field:
            fields.setdefault(p.field, text)
        else:
            general.append(text)
    return fields, general
