"""A sales admin (営業事務) creates a quote for a customer, converts it, issues the invoice, and downloads its PDF.

さくら台クリニック is a 都度請求 customer (no closing day), so the delivery is invoiced on its own from the
delivery page. The quote has one 10% line and one reduced-rate 8% line; the totals are computed with the
tax once per rate, rounded down (切り捨て), as a 適格請求書 requires:

    P-1001 精密ベアリング 1,234 × 10 = 12,340   10% 1,234
    F-0001 コーヒー豆       1,580 ×  2 =  3,160    8%   252 (252.8 切り捨て)
    小計 15,500 ／ 消費税 1,486 ／ 合計 16,986
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from playwright.sync_api import Page, expect
from pypdf import PdfReader

SALES_ADMIN = "jimu@demo.ennoshita.jp"
CUSTOMER = "C0005 さくら台クリニック"
SUBJECT = "院内備品・コーヒー豆（E2E）"
QUOTE_SCREENSHOT = "/tmp/sales_quote.png"
INVOICE_SCREENSHOT = "/tmp/sales_invoice.png"


def log_in(page: Page, base: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("メールアドレス").fill(SALES_ADMIN)
    page.get_by_label("パスワード").fill("ennoshita-demo")
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def expect_totals(page: Page) -> None:
    totals = page.get_by_test_id("totals")
    expect(totals.get_by_test_id("net-10")).to_have_text("¥12,340")
    expect(totals.get_by_test_id("tax-10")).to_have_text("¥1,234")
    expect(totals.get_by_test_id("net-8")).to_have_text("¥3,160")
    expect(totals.get_by_test_id("tax-8")).to_have_text("¥252")
    expect(totals.get_by_test_id("net")).to_have_text("¥15,500")
    expect(totals.get_by_test_id("tax")).to_have_text("¥1,486")
    expect(totals.get_by_test_id("gross")).to_have_text("¥16,986")


def test_a_quote_becomes_an_order_a_delivery_and_an_invoice_whose_pdf_is_downloaded(
        page: Page, live_server: str, tmp_path: Path) -> None:
    log_in(page, live_server)

    # 見積書 → 見積書の作成
    page.locator("nav.sidebar").get_by_role("link", name="見積書", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("見積書")
    page.get_by_role("link", name="見積書の作成").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("見積書の作成")
    page.get_by_label("得意先").select_option(label=CUSTOMER)
    page.get_by_label("発行日").fill("2026-11-20")
    page.get_by_label("有効期限").fill("2026-12-20")
    page.get_by_label("件名").fill(SUBJECT)

    # Two lines by item code: the item master fills 品名, 単価 and 税率 (コーヒー豆 is 8%※, reduced rate).
    page.get_by_label("品目コード 1", exact=True).fill("P-1001")
    page.get_by_label("数量 1", exact=True).fill("10")
    page.get_by_label("品目コード 2", exact=True).fill("F-0001")
    page.get_by_label("数量 2", exact=True).fill("2")
    expect(page.get_by_label("税率 2", exact=True)).to_have_value("")  # 品目の税率
    page.get_by_role("button", name="登録").click()

    # The quote: both lines, their amounts, and the per-rate totals (tax once per rate, 切り捨て).
    expect(page.get_by_role("status")).to_have_text("登録しました。")
    quote_no = page.get_by_test_id("doc-number").inner_text()
    assert re.fullmatch(r"Q-2026-\d{6}", quote_no), quote_no
    expect(page.get_by_role("heading", level=1)).to_contain_text("作成中")
    rows = page.get_by_test_id("doc-lines").locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("精密ベアリング 6204ZZ")
    expect(rows.nth(0).locator("td").last).to_have_text("¥12,340")
    expect(rows.nth(1)).to_contain_text("コーヒー豆（業務用）")
    expect(rows.nth(1)).to_contain_text("8%※")
    expect(rows.nth(1).locator("td").last).to_have_text("¥3,160")
    expect_totals(page)
    page.screenshot(path=QUOTE_SCREENSHOT, full_page=True)

    # 送付済にする, then 受注する: the order page.
    page.get_by_role("button", name="送付済にする").click()
    expect(page.get_by_role("status")).to_have_text("送付済にしました。")
    expect(page.get_by_role("heading", level=1)).to_contain_text("送付済")
    page.get_by_label("受注日").fill("2026-11-24")
    page.get_by_label("先方注文番号").fill("SK-2026-118")
    page.get_by_role("button", name="受注する").click()
    expect(page.get_by_role("status")).to_have_text("見積書から受注を登録しました。")
    order_no = page.get_by_test_id("doc-number").inner_text()
    assert re.fullmatch(r"SO-2026-\d{6}", order_no), order_no
    expect(page.get_by_role("link", name=quote_no)).to_be_visible()
    expect(page.locator("dl.doc-head")).to_contain_text("都度請求")
    expect_totals(page)

    # 納品登録: all that remains (the form is filled with the remaining quantities).
    deliver = page.get_by_test_id("deliver-form")
    deliver.get_by_label("納品日").fill("2026-11-25")
    expect(deliver.get_by_label("精密ベアリング 6204ZZ")).to_have_value("10")
    expect(deliver.get_by_label("コーヒー豆（業務用）")).to_have_value("2")
    deliver.get_by_role("button", name="納品登録").click()
    expect(page.get_by_role("status")).to_have_text("登録しました。")
    delivery_no = page.get_by_test_id("doc-number").inner_text()
    assert re.fullmatch(r"DN-2026-\d{6}", delivery_no), delivery_no
    expect(page.get_by_role("heading", level=1)).to_contain_text("未請求")
    expect_totals(page)

    # 請求書発行（都度）: the invoice, a 適格請求書 with the issuer's 登録番号 and the same totals.
    page.get_by_role("button", name="請求書発行（都度）").click()
    expect(page.get_by_role("status")).to_have_text("請求書を発行しました。")
    invoice_no = page.get_by_test_id("doc-number").inner_text()
    assert re.fullmatch(r"INV-2026-\d{6}", invoice_no), invoice_no
    expect(page.get_by_role("heading", level=1)).to_contain_text("請求書")
    head = page.locator("dl.doc-head")
    expect(head).to_contain_text("さくら台クリニック")
    expect(head).to_contain_text("T7123456789012")
    expect(head).to_contain_text("都度請求")
    # 出荷基準 (the default): the delivery posted the sale; the invoice's tax equals the delivery's
    expect(page.get_by_test_id("journal-on-delivery")).to_be_visible()
    expect(page.get_by_test_id("doc-lines").locator("tbody tr")).to_have_count(2)
    expect_totals(page)
    page.screenshot(path=INVOICE_SCREENSHOT, full_page=True)

    # PDFダウンロード: a real PDF named for the invoice, with 請求書 and its number in the text.
    with page.expect_download() as info:
        page.get_by_role("link", name="PDFダウンロード").click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf"), download.suggested_filename
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    content = saved.read_bytes()
    assert content.startswith(b"%PDF"), content[:16]
    text = "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(content)).pages)
    assert "請求書" in re.sub(r"\s+", "", text), text[:500]  # the title is set letter-spaced: 請 求 書
    assert invoice_no in text, text[:500]
