"""Jinja2 environment: templates per domain, the translator, yen and date formatting."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from ennoshita.dates import format_date, format_datetime, format_month
from ennoshita.i18n import Translator, stored_text
from ennoshita.money import format_yen

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
TEMPLATES.env.globals["fmt_yen"] = format_yen


def format_number(value: object) -> str:
    """A quantity, a unit price or a difference kept as text ("20.000", "3333.00", "-0.50000") as a person
    reads it: 20, 3,333, -0.5. None or text that is not a number is shown as it is ("" for None)."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if not number.is_finite():
        return str(value)
    number = number.normalize()
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    return f"{number:,f}"


TEMPLATES.env.globals["fmt_num"] = format_number
TEMPLATES.env.autoescape = True


def render(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    state = request.state
    lang = getattr(state, "lang", "ja")
    t = Translator(lang)
    ctx: dict[str, Any] = {
        "request": request,
        "_": t,
        "lang": lang,
        "actor": getattr(state, "actor", None),
        "nav": getattr(state, "nav", []),
        "csrf_token": getattr(state, "csrf_token", ""),
        "fmt_date": lambda d: format_date(d, lang),
        "fmt_month": lambda d: format_month(d, lang),
        "fmt_datetime": lambda m: format_datetime(m, lang),
        "stored": lambda text: stored_text(lang, text or ""),  # a text the application kept as key + params
        "path": request.url.path,
    }
    ctx.update(context)
    return TEMPLATES.TemplateResponse(request, name, ctx, status_code=status_code)
