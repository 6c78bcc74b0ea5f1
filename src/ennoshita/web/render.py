"""Jinja2 environment: templates per domain, the translator, yen and date formatting."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from ennoshita.dates import format_date, format_datetime, format_month
from ennoshita.i18n import Translator
from ennoshita.money import format_yen

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
TEMPLATES.env.globals["fmt_yen"] = format_yen
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
        "path": request.url.path,
    }
    ctx.update(context)
    return TEMPLATES.TemplateResponse(request, name, ctx, status_code=status_code)
