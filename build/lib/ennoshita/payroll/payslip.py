"""給与明細 (payslip) as HTML and A4 PDF, through the shared documents renderer (WeasyPrint, IPAex fonts)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from ennoshita.documents import jdate, yen
from ennoshita.documents.render import TEMPLATES, html_to_pdf
from ennoshita.payroll.queries import SlipView, WithholdingSlip


def hours(minutes: int) -> str:
    return f"{int(minutes) // 60}:{int(minutes) % 60:02d}"


@lru_cache(maxsize=1)
def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]),
                      undefined=StrictUndefined)
    env.globals.update(yen=yen, jdate=jdate, hours=hours)
    return env


def render_html(slip: SlipView, company: str) -> str:
    title = "賞与明細書" if slip.kind == "bonus" else "給与明細書"
    rows = max(len(slip.earnings), len(slip.deductions), 6)
    return _env().get_template("payslip.html").render(s=slip, company=company, title=title, rows=rows)


@lru_cache(maxsize=1)
def _css() -> str:
    return (TEMPLATES / "payslip.css").read_text(encoding="utf-8")


def render_pdfs(slips: Sequence[SlipView], company: str) -> list[bytes]:
    return html_to_pdf((render_html(s, company) for s in slips), _css())


def render_withholding_pdf(slip: WithholdingSlip, company: str) -> bytes:
    """給与所得の源泉徴収票 (the figures of the 年末調整) as an A4 PDF."""
    html = _env().get_template("gensen.html").render(g=slip, company=company)
    return html_to_pdf([html], _css())[0]
