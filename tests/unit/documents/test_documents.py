"""Japanese business documents rendered to PDF: fonts, text, pagination, seal image, escaping."""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
import zlib
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, IndirectObject

from ennoshita.documents import (
    BusinessDocument,
    DocumentLine,
    Party,
    RateSummary,
    Statement,
    jdate,
    render_html,
    render_many,
    render_pdf,
    yen,
)
from ennoshita.documents.model import DocumentKind

ISSUER = Party(
    name="株式会社さくら精機",
    postal_code="150-0002",
    address="東京都渋谷区渋谷二丁目1番1号 さくらビル5階",
    phone="03-1234-5678",
    registration_number="T7123456789012",
    representative="代表取締役 山田 太郎",
)
CUSTOMER = Party(
    name="株式会社青葉商事",
    postal_code="980-0811",
    address="宮城県仙台市青葉区一番町三丁目3番3号",
    representative="経理部 佐藤 花子",
)
ISSUED = dt.date(2026, 11, 25)

LINES = (
    DocumentLine("精密ゲージ GX-200", Decimal("2"), "個", Decimal("48000"), 96000, "10", False),
    DocumentLine("校正作業費", Decimal("1"), "式", Decimal("35000"), 35000, "10", False),
    DocumentLine("コーヒー豆（業務用）", Decimal("5"), "kg", Decimal("3240"), 16200, "8", True),
    DocumentLine("出張旅費（仙台）", Decimal("1"), "式", Decimal("12000"), 12000, "10", False),
)
RATES = (RateSummary("10", 143000, 14300, 157300), RateSummary("8", 16200, 1296, 17496))

NUMBERS: dict[str, str] = {
    "quote": "QT-2026-0042",
    "order_confirmation": "OC-2026-0042",
    "delivery_note": "DN-2026-0108",
    "invoice": "INV-2026-0311",
    "credit_note": "CN-2026-0007",
    "purchase_order": "PO-2026-0019",
}
TITLES: dict[str, str] = {
    "quote": "見積書",
    "order_confirmation": "注文請書",
    "delivery_note": "納品書",
    "invoice": "請求書",
    "credit_note": "適格返還請求書（返品・値引）",
    "purchase_order": "発注書",
}
KINDS: tuple[DocumentKind, ...] = (
    "quote", "order_confirmation", "delivery_note", "invoice", "credit_note", "purchase_order",
)


def make_document(kind: DocumentKind, **changes: Any) -> BusinessDocument:
    issuer, recipient = ISSUER, CUSTOMER
    if kind == "purchase_order":  # we order from a supplier
        recipient = Party(name="有限会社みどり物産", address="埼玉県さいたま市大宮区桜木町一丁目7番5号")
    doc = BusinessDocument(
        kind=kind,
        number=NUMBERS[kind],
        issue_date=ISSUED,
        issuer=issuer,
        recipient=recipient,
        subject="精密ゲージ納入および校正作業",
        lines=LINES,
        rate_totals=RATES,
        total_net=159200,
        total_tax=15596,
        total_gross=174796,
    )
    if kind == "quote":
        doc = replace(doc, valid_until=dt.date(2026, 12, 25), delivery_date=dt.date(2027, 1, 15),
                      delivery_place="貴社 仙台工場", payment_terms="月末締め翌月末払い")
    elif kind in ("order_confirmation", "delivery_note", "purchase_order"):
        doc = replace(doc, delivery_date=dt.date(2026, 12, 10), delivery_place="仙台市青葉区 本社倉庫",
                      payment_terms="月末締め翌月末払い")
    elif kind == "invoice":
        doc = replace(doc, due_date=dt.date(2026, 12, 31),
                      bank_accounts=("さくら銀行 渋谷支店 普通 1234567 カ）サクラセイキ",),
                      notes="お振込手数料は貴社にてご負担くださいますようお願いいたします。")
    elif kind == "credit_note":
        doc = replace(
            doc,
            subject="精密ゲージ返品および値引",
            lines=(
                DocumentLine("返品 精密ゲージ GX-200", Decimal("1"), "個", Decimal("48000"), 48000, "10", False),
                DocumentLine("値引 コーヒー豆（業務用）", Decimal("1"), "式", Decimal("1000"), 1000, "8", True),
            ),
            rate_totals=(RateSummary("10", 48000, 4800, 52800), RateSummary("8", 1000, 80, 1080)),
            total_net=49000, total_tax=4880, total_gross=53880,
            original_number="INV-2026-0311", original_date=ISSUED,
            payment_terms="次回ご請求額より差し引き",
        )
    return replace(doc, **changes)


def statement_invoice() -> BusinessDocument:
    dated = tuple(replace(line, line_date=dt.date(2026, 11, 3 + 5 * i)) for i, line in enumerate(LINES))
    return make_document(
        "invoice",
        lines=dated,
        statement=Statement(previous_billed=220000, received=220000, carried_over=0,
                            current_sales=159200, current_tax=15596, billed=174796),
        period_from=dt.date(2026, 11, 1),
        period_to=dt.date(2026, 11, 30),
    )


def tiny_png(size: int = 24) -> bytes:
    """A red square PNG built by hand (no Pillow needed)."""
    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    raw = b"".join(b"\x00" + b"\xcc\x22\x22" * size for _ in range(size))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


# --- PDF inspection helpers -------------------------------------------------------------------------------


def _resolve(obj: Any) -> Any:
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def _walk_resources(resources: Any, fonts: list[DictionaryObject], images: list[DictionaryObject],
                    seen: set[int]) -> None:
    resources = _resolve(resources)
    if not resources:
        return
    for font in (_resolve(resources.get("/Font")) or {}).values():
        fonts.append(_resolve(font))
    for xobj_ref in (_resolve(resources.get("/XObject")) or {}).values():
        xobj = _resolve(xobj_ref)
        if id(xobj) in seen:
            continue
        seen.add(id(xobj))
        if xobj.get("/Subtype") == "/Image":
            images.append(xobj)
        elif "/Resources" in xobj:
            _walk_resources(xobj["/Resources"], fonts, images, seen)


def pdf_objects(pdf: bytes) -> tuple[list[DictionaryObject], list[DictionaryObject]]:
    reader = PdfReader(io.BytesIO(pdf))
    fonts: list[DictionaryObject] = []
    images: list[DictionaryObject] = []
    seen: set[int] = set()
    for page in reader.pages:
        _walk_resources(page.get("/Resources"), fonts, images, seen)
    return fonts, images


def pdf_text(pdf: bytes) -> str:
    """All text with whitespace removed (letter-spaced titles come out as 請 求 書)."""
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


# --- tests --------------------------------------------------------------------------------------------------


def test_formatters() -> None:
    assert yen(1234567) == "1,234,567円"
    assert yen(0) == "0円"
    assert yen(-1234) == "-1,234円"
    assert jdate(dt.date(2026, 11, 25)) == "2026年11月25日"
    assert jdate(dt.date(2027, 1, 5)) == "2027年1月5日"


@pytest.fixture(scope="module")
def rendered() -> dict[str, bytes]:
    kinds = list(KINDS)
    pdfs = render_many([make_document(kind) for kind in kinds])
    return dict(zip(kinds, pdfs, strict=True))


@pytest.mark.parametrize("kind", KINDS)
def test_fonts_are_embedded_ipaex(rendered: dict[str, bytes], kind: str) -> None:
    fonts, _ = pdf_objects(rendered[kind])
    assert fonts, "no fonts found"
    for font in fonts:
        assert "IPAex" in str(font["/BaseFont"]), font["/BaseFont"]
        targets = [font]
        if font.get("/Subtype") == "/Type0":
            targets = [_resolve(d) for d in _resolve(font["/DescendantFonts"])]
        for target in targets:
            assert "IPAex" in str(target["/BaseFont"])
            descriptor = _resolve(target["/FontDescriptor"])
            assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, f"{target['/BaseFont']} not embedded"
    names = {str(f["/BaseFont"]).split("+")[-1] for f in fonts}
    assert any("Mincho" in n for n in names) and any("Gothic" in n for n in names), names


@pytest.mark.parametrize("kind", KINDS)
def test_text_content(rendered: dict[str, bytes], kind: str) -> None:
    text = pdf_text(rendered[kind])
    assert TITLES[kind] in text
    assert NUMBERS[kind] in text
    assert "2026年11月25日" in text
    assert "174,796円" in text or kind == "credit_note"
    # 区分記載: reduced-rate mark, per-rate figures
    assert "※" in text and "※は軽減税率対象" in text
    assert "8%対象（軽減税率）" in text
    assert "10%対象" in text
    if kind == "credit_note":
        assert "返還金額" in text and "53,880円" in text
        assert "税抜48,000円" in text and "消費税4,800円" in text and "消費税80円" in text
        assert "元請求書番号INV-2026-0311" in text
    else:
        assert "税抜143,000円" in text and "消費税14,300円" in text and "消費税1,296円" in text
    if kind in ("invoice", "credit_note"):
        assert "登録番号T7123456789012" in text
    if kind != "purchase_order":
        assert "株式会社青葉商事御中" in text
    labels = {"quote": "御見積金額", "delivery_note": "合計金額", "invoice": "ご請求金額"}
    if kind in labels:
        assert labels[kind] in text
    if kind == "quote":
        assert "有効期限2026年12月25日" in text
    if kind == "invoice":
        assert "お支払期限2026年12月31日" in text
        assert "さくら銀行渋谷支店普通1234567" in text
    if kind in ("delivery_note", "purchase_order"):
        assert "仙台市青葉区本社倉庫" in text


def test_statement_invoice() -> None:
    pdf = render_pdf(statement_invoice())
    text = pdf_text(pdf)
    for label in ("前回御請求額", "御入金額", "繰越金額", "今回お買上額", "消費税額", "今回御請求額"):
        assert label in text
    assert "220,000円" in text
    assert "対象期間2026年11月1日〜2026年11月30日" in text
    assert "日付" in text and "2026年11月3日" in text


def test_no_reduced_note_without_reduced_lines() -> None:
    doc = make_document("invoice", lines=LINES[:2], rate_totals=(RateSummary("10", 131000, 13100, 144100),),
                        total_net=131000, total_tax=13100, total_gross=144100)
    text = pdf_text(render_pdf(doc))
    assert "※" not in text and "軽減税率" not in text
    assert "144,100円" in text


def test_eighty_lines_paginate() -> None:
    lines = tuple(
        DocumentLine(f"部品 No.{i:03d} ステンレスボルト M{6 + i % 6}", Decimal(i % 9 + 1), "本", Decimal("120"),
                     120 * (i % 9 + 1), "10", False)
        for i in range(80)
    )
    net = sum(line.amount for line in lines)
    tax = net // 10
    doc = make_document("invoice", lines=lines, rate_totals=(RateSummary("10", net, tax, net + tax),),
                        total_net=net, total_tax=tax, total_gross=net + tax)
    pdf = render_pdf(doc)
    assert page_count(pdf) >= 2
    text = pdf_text(pdf)
    assert "部品No.000" in text and "部品No.079" in text
    assert text.count("品名") == page_count(pdf)  # the table header repeats on every page


def test_seal_becomes_image_xobject() -> None:
    _, images = pdf_objects(render_pdf(make_document("invoice", seal_png=tiny_png())))
    assert images, "the seal image is missing"
    _, without = pdf_objects(render_pdf(make_document("invoice")))
    assert not without


def test_html_is_escaped() -> None:
    evil = DocumentLine("<script>alert('x')</script>", Decimal("1"), "式", Decimal("100"), 100, "10", False)
    doc = make_document("quote", lines=(evil,), recipient=Party(name="A&B <株式会社>"))
    page = render_html(doc)
    assert "<script>" not in page
    assert "&lt;script&gt;" in page and "A&amp;B &lt;株式会社&gt;" in page
    text = pdf_text(render_pdf(doc))
    assert "<script>alert('x')</script>" in text


def test_unit_price_and_quantity_formatting() -> None:
    line = DocumentLine("切削油", Decimal("2.50"), "L", Decimal("1280.5"), 3201, "10", False)
    page = render_html(make_document("delivery_note", lines=(line,)))
    assert ">2.5<" in page and ">1,280.5<" in page and "3,201円" in page


def _embedded_subsets(pdf: bytes) -> dict[str, tuple[set[int], Any]]:
    """Per embedded font: the glyph ids the page content uses (/W) and the embedded font program (fontTools)."""
    from fontTools.ttLib import TTFont

    fonts, _ = pdf_objects(pdf)
    subsets: dict[str, tuple[set[int], Any]] = {}
    for font in fonts:
        descendant = _resolve(_resolve(font["/DescendantFonts"])[0])
        used: set[int] = set()
        widths = list(descendant["/W"])
        i = 0
        while i < len(widths):  # [first [w1 w2 ...] first [...] ...]
            first, run = int(widths[i]), _resolve(widths[i + 1])
            used.update(range(first, first + len(run)))
            i += 2
        program = _resolve(descendant["/FontDescriptor"])["/FontFile2"].get_object().get_data()
        subsets[str(font["/BaseFont"]).split("+")[-1]] = (used, TTFont(io.BytesIO(program)))
    return subsets


def test_each_pdf_embeds_the_glyphs_it_uses() -> None:
    """Each PDF of a batch embeds a font subset with an outline for every glyph its text uses."""
    first = make_document("invoice", recipient=Party(name="株式会社青葉商事"))
    second = make_document("invoice", recipient=Party(name="合同会社鶴亀堂"))
    pdfs = render_many([first, second, first, second])
    for pdf, name in zip(pdfs, ["株式会社青葉商事", "合同会社鶴亀堂"] * 2, strict=True):
        assert f"{name}御中" in pdf_text(pdf)
        for family, (used, program) in _embedded_subsets(pdf).items():
            glyf, order = program["glyf"], program.getGlyphOrder()
            empty = [gid for gid in used if glyf[order[gid]].numberOfContours == 0]
            assert len(empty) <= 2, (family, empty)  # only the spaces (U+0020, U+3000) have no outline
    gothic = [_embedded_subsets(pdf)["IPAexGothic"][0] for pdf in pdfs]
    assert gothic[0] == gothic[2] and gothic[1] == gothic[3] and gothic[0] != gothic[1]
