"""Japanese A4 business documents (見積書・注文請書・納品書・請求書・返還請求書・発注書) rendered to PDF."""

from ennoshita.documents.model import (
    BusinessDocument,
    DocumentLine,
    Party,
    RateSummary,
    Statement,
)
from ennoshita.documents.render import jdate, render_html, render_many, render_pdf, yen

__all__ = [
    "BusinessDocument",
    "DocumentLine",
    "Party",
    "RateSummary",
    "Statement",
    "jdate",
    "render_html",
    "render_many",
    "render_pdf",
    "yen",
]
