"""Throughput of business-document PDFs: n single-page 請求書 rendered with ``render_many`` on one core.

Run: ``python -m bench.documents_pdf [n]``. The first (warm-up) document, which parses the stylesheet and
registers the IPAex fonts, is not timed.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from decimal import Decimal

from ennoshita.documents import BusinessDocument, DocumentLine, Party, RateSummary, render_many

ISSUER = Party(
    name="株式会社さくら精機",
    postal_code="150-0002",
    address="東京都渋谷区渋谷二丁目1番1号 さくらビル5階",
    phone="03-1234-5678",
    registration_number="T7123456789012",
)


def invoice(i: int) -> BusinessDocument:
    lines = (
        DocumentLine("精密ゲージ GX-200", Decimal("2"), "個", Decimal("48000"), 96000, "10", False),
        DocumentLine("校正作業費", Decimal("1"), "式", Decimal("35000"), 35000, "10", False),
        DocumentLine("コーヒー豆（業務用）", Decimal("5"), "kg", Decimal("3240"), 16200, "8", True),
        DocumentLine(f"保守契約 第{i}期", Decimal("1"), "式", Decimal("12000"), 12000, "10", False),
    )
    return BusinessDocument(
        kind="invoice",
        number=f"INV-2026-{i:05d}",
        issue_date=dt.date(2026, 11, 30),
        issuer=ISSUER,
        recipient=Party(name=f"株式会社青葉商事 第{i}営業所", address="宮城県仙台市青葉区一番町三丁目3番3号"),
        subject="2026年11月分 ご請求",
        lines=lines,
        rate_totals=(RateSummary("10", 143000, 14300, 157300), RateSummary("8", 16200, 1296, 17496)),
        total_net=159200,
        total_tax=15596,
        total_gross=174796,
        due_date=dt.date(2026, 12, 31),
        bank_accounts=("さくら銀行 渋谷支店 普通 1234567 カ）サクラセイキ",),
    )


def measure(n: int = 200) -> dict[str, float]:
    """Render ``n`` single-page invoices in this process; returns documents, seconds and per_second."""
    docs = [invoice(i) for i in range(n)]
    render_many([invoice(-1)])  # warm-up: stylesheet, font configuration, templates
    start, cpu_start = time.perf_counter(), time.process_time()
    pdfs = render_many(docs)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    assert len(pdfs) == n and all(pdf.startswith(b"%PDF") for pdf in pdfs)
    return {
        "documents": float(n),
        "seconds": seconds,
        "per_second": n / seconds,
        # CPU time of this process: the per-core figure even when other work shares the machine
        "cpu_seconds": cpu_seconds,
        "per_cpu_second": n / cpu_seconds,
    }


if __name__ == "__main__":
    result = measure(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
    print(f"{result['documents']:.0f} invoices in {result['seconds']:.2f} s: {result['per_second']:.1f} per second"
          f" (CPU {result['cpu_seconds']:.2f} s: {result['per_cpu_second']:.1f} per CPU second)")
