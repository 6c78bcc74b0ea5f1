"""The sales CLI on SQLite and PostgreSQL: partner import (all or nothing), a 締め請求 run with its ZIP,
an invoice PDF, a bank import with 自動消込, and the receivables check (exit 1 when the ledger differs)."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

from typer.testing import CliRunner

from ennoshita.actor import Actor
from ennoshita.cli.main import app
from ennoshita.db import Database
from ennoshita.ledger import EntryDraft, LineDraft, chart
from ennoshita.ledger import services as ledger
from ennoshita.sales import flow, partners
from ennoshita.sales.lines import LineInput

runner = CliRunner()
ADMIN = Actor.system("test")
KANA = "カブシキガイシャミドリヤシヨウテン"

GOOD_CSV = (
    "code,name,name_kana,registration_number,closing_day,months_after,pay_day,address\n"
    "C9101,株式会社みどり屋商店,カブシキガイシャミドリヤシヨウテン,T5010001008846,20,1,31,東京都品川区大崎1-1-1\n"
    "C9102,有限会社あおば食堂,ユウゲンガイシヤアオバシヨクドウ,,31,1,25,\n"
)


def _customer_with_delivery(db: Database) -> int:
    """A 20日締め customer with one delivery of 13,809 (10%: 5,132 + 513; 8%: 7,560 + 604) in December."""
    pid = partners.create_partner(db.uow(), ADMIN, partners.PartnerInput(
        code="C9001", name="株式会社みどり屋商店", name_kana=KANA, registration_number="T5010001008846",
        closing_day=20, months_after=1, pay_day=31)).id
    order = flow.create_order(db.uow(), ADMIN, flow.OrderInput(pid, dt.date(2026, 12, 2), "消耗品", (
        LineInput("ステンレスボルト M8", "3", "1005", "10"), LineInput("緑茶ティーバッグ", "7", "1080", "8"),
        LineInput("梱包作業", "1", "2117", "10"))))
    flow.create_delivery(db.uow(), ADMIN, flow.DeliveryInput(order.id, dt.date(2026, 12, 5)))
    return pid


def test_partner_import_is_all_or_nothing(demo_db: Database, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes((GOOD_CSV + "C9103,株式会社くろがね,,T1234,99,1,31,\n").encode("cp932"))
    r = runner.invoke(app, ["sales", "partners", "import", str(bad), "--database-url", demo_db.url])
    assert r.exit_code == 1, r.output
    # one problem per line (the console may wrap a long message on a narrow terminal)
    lines = [ln for ln in r.stderr.splitlines() if ln.startswith("エラー:")]
    assert len(lines) == 2 and all("4行目" in ln for ln in lines)
    assert any("registration_number" in ln for ln in lines) and any("closing_day" in ln for ln in lines)
    assert "Traceback" not in r.output
    assert partners.find_partner_id(demo_db.uow(), "C9101") is None

    dup = tmp_path / "dup.csv"
    dup.write_text(GOOD_CSV + "C9101,重複商事,,,31,1,31,\n", encoding="utf-8")
    r = runner.invoke(app, ["sales", "partners", "import", str(dup), "--database-url", demo_db.url])
    assert r.exit_code == 1 and "4行目" in r.stderr and "code" in r.stderr
    assert partners.find_partner_id(demo_db.uow(), "C9101") is None

    good = tmp_path / "good.csv"
    good.write_text(GOOD_CSV, encoding="utf-8")
    r = runner.invoke(app, ["sales", "partners", "import", str(good), "--database-url", demo_db.url])
    assert r.exit_code == 0, r.output
    pid = partners.find_partner_id(demo_db.uow(), "C9101")
    assert pid is not None
    imported = partners.get_partner(demo_db.uow(), ADMIN, pid)
    assert (imported.closing_day, imported.pay_day, imported.is_qualified_issuer) == (20, 31, True)
    assert partners.find_partner_id(demo_db.uow(), "C9102") is not None


def test_billing_run_pdf_bank_import_and_ar_check(demo_db: Database, tmp_path: Path) -> None:
    url = demo_db.url
    pid = _customer_with_delivery(demo_db)
    r = runner.invoke(app, ["sales", "ar-check", "--database-url", url])
    assert r.exit_code == 0, r.output
    assert "売掛金台帳" in r.stdout and "総勘定元帳" in r.stdout and "差額" in r.stdout

    out = tmp_path / "run.zip"
    r = runner.invoke(app, ["sales", "billing-run", "--closing-date", "2026-12-20", "--zip", str(out),
                            "--database-url", url])
    assert r.exit_code == 0, r.output
    assert "株式会社みどり屋商店" in r.stdout and "13,809" in r.stdout
    names = zipfile.ZipFile(out).namelist()
    assert len(names) >= 1 and any("みどり屋" in n for n in names)
    number = next(n for n in names if "みどり屋" in n).split("_")[1]

    pdf = tmp_path / "invoice.pdf"
    r = runner.invoke(app, ["sales", "invoice-pdf", number, "-o", str(pdf), "--database-url", url])
    assert r.exit_code == 0, r.output
    assert pdf.read_bytes().startswith(b"%PDF")
    r = runner.invoke(app, ["sales", "invoice-pdf", "INV-1999-999999", "-o", str(pdf), "--database-url", url])
    assert r.exit_code == 1 and "エラー" in r.stderr

    statement = tmp_path / "bank.csv"
    statement.write_bytes(("日付,摘要,入金額,出金額,残高\r\n"
                           f"2027/01/29,振込 {KANA},13809,,1013809\r\n").encode("cp932"))
    r = runner.invoke(app, ["sales", "bank-import", str(statement), "--auto-match", "--database-url", url])
    assert r.exit_code == 0, r.output
    assert "1" in r.stdout
    r = runner.invoke(app, ["sales", "ar-check", "--database-url", url])
    assert r.exit_code == 0, r.output

    # a manual posting to 売掛金 on the customer's 補助科目 that no invoice explains: the check fails
    draft = ledger.save_draft(demo_db.uow(), ADMIN, EntryDraft(dt.date(2026, 12, 21), "手入力", "", (
        LineDraft(chart.CODE_RECEIVABLE, 1_000, 0, None, "C9001"), LineDraft("1110", 0, 1_000))))
    ledger.post_draft(demo_db.uow(), ADMIN, draft.id)
    r = runner.invoke(app, ["sales", "ar-check", "--database-url", url])
    assert r.exit_code == 1
    assert "差額" in r.stdout and "1,000" in r.stdout
    assert pid
