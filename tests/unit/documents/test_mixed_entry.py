"""A mixed invoice (税抜 document with lines entered 税込, or the other way) says on paper which lines are which."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from decimal import Decimal

from pypdf import PdfReader

from ennoshita.documents import BusinessDocument, DocumentLine, RateSummary, render_html, render_pdf
from tests.unit.documents.test_documents import make_document

# 税抜 invoice; two lines typed with tax. Per rate, the 税込 lines are summed and converted once:
# 10%: 100,000 + (1,100 - 100) = 101,000 → tax 10,100; 8%: 10,800 - 800 = 10,000 → tax 800.
MIXED = (
    DocumentLine("設計作業", Decimal("1"), "式", Decimal("100000"), 100000, "10", False, price_includes_tax=False),
    DocumentLine("手土産菓子", Decimal("1"), "箱", Decimal("10800"), 10800, "8", True, price_includes_tax=True),
    DocumentLine("交通費（実費）", Decimal("1"), "式", Decimal("1100"), 1100, "10", False, price_includes_tax=True),
)
MIXED_RATES = (RateSummary("10", 101000, 10100, 111100), RateSummary("8", 10000, 800, 10800))


def mixed_invoice() -> BusinessDocument:
    return make_document("invoice", lines=MIXED, rate_totals=MIXED_RATES, total_net=111000, total_tax=10900,
                         total_gross=121900)


def amount_cells(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", c) for c in re.findall(r'<td class="amount">(.*?)</td>', html)]


def test_lines_entered_with_tax_carry_the_mark_on_a_tax_exclusive_invoice() -> None:
    html = render_html(mixed_invoice())
    assert amount_cells(html) == ["100,000円", "10,800円(税込)", "1,100円(税込)"]
    assert "(税込)の明細は税込金額です" in html


def test_a_document_entered_one_way_has_no_mark_and_no_footnote() -> None:
    plain = make_document("invoice")
    same = make_document("invoice", lines=tuple(replace(ln, price_includes_tax=False) for ln in plain.lines))
    for doc in (plain, same):
        html = render_html(doc)
        assert "(税込)" not in html and "(税抜)" not in html
        assert "の明細は" not in html


def test_a_tax_exclusive_line_on_a_tax_inclusive_invoice_is_marked_the_other_way() -> None:
    lines = (replace(MIXED[1], price_includes_tax=True), replace(MIXED[0], price_includes_tax=False))
    html = render_html(make_document("invoice", lines=lines, price_entry="inclusive"))
    assert amount_cells(html) == ["10,800円", "100,000円(税抜)"]
    assert "(税抜)の明細は税抜金額です" in html


def test_the_pdf_prints_the_marks_and_the_footnote() -> None:
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(render_pdf(mixed_invoice()))).pages)
    squashed = re.sub(r"\s+", "", text)
    assert squashed.count("(税込)") >= 2
    assert "税込金額です" in squashed
    assert "121,900円" in squashed
