"""Render :class:`BusinessDocument` to HTML and A4 PDF (WeasyPrint, IPAex fonts).

One Jinja2 environment (autoescaped) and one WeasyPrint stylesheet + font configuration are built on first
use and shared by every document afterwards, so a batch (``render_many``) only pays for layout and PDF
writing per document.
"""

from __future__ import annotations

import atexit
import base64
import datetime as dt
import gc
from collections.abc import Iterable
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from ennoshita.documents.model import BusinessDocument
from ennoshita.tabular import IPAEX_GOTHIC, IPAEX_MINCHO

TEMPLATES = Path(__file__).parent / "templates"
_GC_EVERY = 25

TITLES: dict[str, str] = {
    "quote": "見積書",
    "order_confirmation": "注文請書",
    "delivery_note": "納品書",
    "invoice": "請求書",
    "credit_note": "適格返還請求書（返品・値引）",
    "purchase_order": "発注書",
}

TOTAL_LABELS: dict[str, str] = {
    "quote": "御見積金額",
    "order_confirmation": "ご注文金額",
    "delivery_note": "合計金額",
    "invoice": "ご請求金額",
    "credit_note": "返還金額",
    "purchase_order": "ご発注金額",
}

_FONT_FACES = (
    f'@font-face {{ font-family: "IPAexGothic"; src: url("file://{IPAEX_GOTHIC}"); }}\n'
    f'@font-face {{ font-family: "IPAexMincho"; src: url("file://{IPAEX_MINCHO}"); }}\n'
)


def yen(amount: int) -> str:
    """``1,234,567円``; negative amounts ``-1,234円``."""
    if amount < 0:
        return f"-{-amount:,}円"
    return f"{amount:,}円"


def jdate(day: dt.date | None) -> str:
    """``2026年11月25日`` (empty for no date)."""
    if day is None:
        return ""
    return f"{day.year}年{day.month}月{day.day}日"


def number(value: Decimal | int) -> str:
    """A quantity or unit price: thousands separators, no trailing zeros (``1,200``, ``2.5``)."""
    d = Decimal(value)
    if d == d.to_integral_value():
        return f"{int(d):,}"
    return f"{d.normalize():,f}"


def rate_label(rate: str) -> str:
    if rate == "0":
        return "非課税・対象外"
    if rate == "8":
        return "8%対象（軽減税率）"
    return f"{rate}%対象"


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["yen"] = yen
    env.filters["jdate"] = jdate
    env.filters["number"] = number
    env.filters["rate_label"] = rate_label
    return env


@lru_cache(maxsize=1)
def _stylesheet_text() -> str:
    return _FONT_FACES + (TEMPLATES / "documents.css").read_text(encoding="utf-8")


# Our templates use a dozen HTML elements; WeasyPrint's full HTML5 user-agent stylesheet (hundreds of rules,
# matched against every element of every document) costs about a tenth of the render time, so documents are
# rendered with this minimal one instead.
_UA_CSS = """
html, body, div, p, h1 { display: block; }
img { display: inline-block; }
head, style, title, meta, script { display: none; }
table { display: table; box-sizing: border-box; }
thead { display: table-header-group; }
tbody { display: table-row-group; }
tr { display: table-row; }
td, th { display: table-cell; }
body { margin: 0; }
p { margin: 1em 0; }
"""


@lru_cache(maxsize=1)
def _weasy() -> tuple[Any, Any, type[Any]]:
    """The shared (CSS, FontConfiguration, HTML class); fonts are registered once per process."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    css = CSS(string=_stylesheet_text(), font_config=font_config)
    ua = CSS(string=_UA_CSS)

    class DocumentHTML(HTML):  # type: ignore[misc]
        def _ua_stylesheets(self, forms: bool = False) -> list[Any]:
            return [ua]

    # Let the font configuration go before the interpreter tears its modules down (its __del__ needs them).
    atexit.register(_weasy.cache_clear)
    return css, font_config, DocumentHTML


def _context(doc: BusinessDocument, inline_css: bool) -> dict[str, Any]:
    seal = None
    if doc.seal_png:
        seal = "data:image/png;base64," + base64.b64encode(doc.seal_png).decode("ascii")
    return {
        "doc": doc,
        "title": TITLES[doc.kind],
        "total_label": TOTAL_LABELS[doc.kind],
        "has_dates": any(line.line_date is not None for line in doc.lines),
        "has_reduced": any(line.reduced for line in doc.lines),
        "has_mixed": any(line.entered_otherwise(doc.price_entry) for line in doc.lines),
        "filler_rows": max(0, 8 - len(doc.lines)),
        "seal": seal,
        "inline_css": _stylesheet_text() if inline_css else "",
    }


def _html(doc: BusinessDocument, inline_css: bool) -> str:
    if doc.kind not in TITLES:
        raise ValueError(f"unknown document kind: {doc.kind!r}")
    return _environment().get_template(f"{doc.kind}.html").render(_context(doc, inline_css))


def render_html(doc: BusinessDocument) -> str:
    """A self-contained HTML page (stylesheet inlined) for preview in a browser."""
    return _html(doc, inline_css=True)


def _pdf(doc: BusinessDocument, css: Any, font_config: Any, html_class: type[Any],
         images: dict[str, Any] | None = None) -> bytes:
    html = html_class(string=_html(doc, inline_css=False), base_url=str(TEMPLATES))
    result: bytes = html.write_pdf(stylesheets=[css], font_config=font_config, cache=images)
    return result


def render_pdf(doc: BusinessDocument) -> bytes:
    """One document as an A4 PDF with embedded IPAex fonts."""
    return _pdf(doc, *_weasy())


def render_many(docs: Iterable[BusinessDocument]) -> list[bytes]:
    """Many documents, one PDF each, sharing the parsed stylesheet, font configuration and decoded images.

    WeasyPrint allocates hundreds of thousands of small objects per document; the cyclic garbage collector is
    paused during the batch and run once every ``_GC_EVERY`` documents instead (about 10% faster). That run
    only examines the young generations (everything allocated since the previous run, which is where the
    documents' garbage is), not the whole heap of the process.
    """
    css, font_config, html_class = _weasy()
    images: dict[str, Any] = {}  # decoded images (the issuer's seal) by URL, for this batch
    pdfs: list[bytes] = []
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for doc in docs:
            pdfs.append(_pdf(doc, css, font_config, html_class, images))
            if len(pdfs) % _GC_EVERY == 0:
                gc.collect(1)
    finally:
        if was_enabled:
            gc.enable()
    return pdfs


@lru_cache(maxsize=8)
def _extra_css(text: str) -> Any:
    from weasyprint import CSS

    return CSS(string=text, font_config=_weasy()[1])


def html_to_pdf(pages: Iterable[str], css: str = "") -> list[bytes]:
    """Other domains' own HTML pages (給与明細, 源泉徴収票 ...) as A4 PDFs with the same fonts and base stylesheet
    (plus ``css``, parsed once), sharing the font configuration across the batch."""
    base, font_config, html_class = _weasy()
    sheets = [base, _extra_css(css)] if css else [base]
    out: list[bytes] = []
    for page in pages:
        result: bytes = html_class(string=page, base_url=str(TEMPLATES)).write_pdf(stylesheets=sheets,
                                                                                   font_config=font_config)
        out.append(result)
    return out
