"""The 給与明細 PDF: Japanese text with IPAex embedded (WeasyPrint silently draws boxes without a Japanese font),
and the figures of the slip on the page."""

from __future__ import annotations

import datetime as dt
import io

from pypdf import PdfReader

from ennoshita.payroll import payslip
from ennoshita.payroll.queries import SlipView


def _slip(column: str = "kou") -> SlipView:
    return SlipView(1, 1, "PR-2026-0001", "2026年11月分 給与", "monthly", "fixed", dt.date(2026, 12, 25),
                    dt.date(2026, 11, 1), dt.date(2026, 11, 30), 1, "1001", "青木 一郎", "営業部", column, 2,
                    [{"label": "基本給", "amount": 300_000}], [{"label": "所得税", "amount": 4_500}],
                    {"worked_days": 20, "absence_days": 0, "actual_minutes": 9_600, "overtime_minutes": 0,
                     "leave_days": "0"}, 300_000, 0, 4_500, 0, 4_500, 295_500, 300_000, 300_000)


def test_payslip_pdf_embeds_ipaex_and_shows_the_figures() -> None:
    pdf = payslip.render_pdfs([_slip()], "株式会社さくら精機")[0]
    reader = PdfReader(io.BytesIO(pdf))
    fonts = set()
    for page in reader.pages:
        for f in page["/Resources"]["/Font"].values():
            font = f.get_object()
            fonts.add(str(font["/BaseFont"]))
            descendant = font["/DescendantFonts"][0].get_object()
            assert "/FontFile2" in descendant["/FontDescriptor"].get_object()  # embedded
    assert any("IPAex" in f for f in fonts)
    text = reader.pages[0].extract_text()
    for needle in ("給", "青木 一郎", "295,500円", "甲欄"):
        assert needle in text


def test_otsu_is_said_on_the_payslip() -> None:
    assert "乙欄" in payslip.render_html(_slip("otsu"), "株式会社さくら精機")
