"""The sales CLI on SQLite and PostgreSQL: partner import (all or nothing), a 締め請求 run with its ZIP,
an invoice PDF, a bank import with 自動消込, and the receivables check (exit 1 when the ledger differs)."""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
from pathlib import Path

from typer.testing import CliRunner

from ennoshita.actor import Actor
from ennoshita.cli.main import app
from ennoshita.db import Database
from ennoshita.ledger import EntryDraft, LineDraft, chart
from ennoshita.ledger import services as ledger
from ennoshita.sales import flow, partners, queries, queries_docs
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
    r = runner.invoke(app, ["sales", "billing-run", "--closing-date", "2026-12-20", "--early", "--zip", str(out),
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


# ------------------------------------------------- documents: partner → quote → order → delivery → invoice


def _ok(url: str, *args: str) -> str:
    r = runner.invoke(app, [*args, "--database-url", url])
    assert r.exit_code == 0, (r.stdout, r.stderr)
    return r.stdout


def _number(prefix: str, text: str) -> str:
    found = re.search(rf"{prefix}-\d{{4}}-\d{{6}}", text)
    assert found, text
    return found.group(0)


def _error_lines(stderr: str) -> list[str]:
    return [ln for ln in stderr.splitlines() if ln.startswith("エラー:")]


def test_partner_quote_order_partial_delivery_and_invoice_via_cli(demo_db: Database, tmp_path: Path) -> None:
    url = demo_db.url
    out = _ok(url, "sales", "partner", "add", "--code", "C9301", "--name", "株式会社みどり屋商店", "--kana", KANA,
              "--registration-number", "T5010001008846", "--closing-day", "20", "--pay-day", "31")
    assert "C9301" in out
    pid = partners.find_partner_id(demo_db.uow(), "C9301")
    assert pid is not None
    created = partners.get_partner(demo_db.uow(), ADMIN, pid)
    assert (created.closing_day, created.is_customer, created.is_supplier, created.is_qualified_issuer) == \
        (20, True, False, True)
    assert "C9301" in _ok(url, "sales", "partner", "list", "--q", "みどり屋", "--role", "customer")
    assert "C9301" not in _ok(url, "sales", "partner", "list", "--q", "みどり屋", "--role", "supplier")
    assert "C9301" in _ok(url, "sales", "partner", "list", "--q", "ミドリヤ")

    assert "P9301" in _ok(url, "sales", "item", "add", "--code", "P9301", "--name", "緑茶ティーバッグ",
                          "--unit", "箱", "--unit-price", "1080", "--tax-rate", "8")
    assert "緑茶ティーバッグ" in _ok(url, "sales", "item", "list", "--q", "P9301")

    # revision 1: 3 x 1,005 (10%) + 7 x 1,080 (8%, from the item) = 3,015 + 301 + 7,560 + 604 = 11,480
    out = _ok(url, "sales", "quote", "create", "--partner", "C9301", "--subject", "消耗品",
              "--line", "ステンレスボルト M8:3:1005:10", "--line", "@P9301:7", "--issue-date", "2026-12-01",
              "--valid-until", "2026-12-31")
    quote = _number("Q", out)
    assert "11,480" in out
    # revision 2 adds 梱包作業 1 x 2,117: 10% 5,132 + 513, 8% 7,560 + 604 = 13,809
    out = _ok(url, "sales", "quote", "revise", quote, "--issue-date", "2026-12-02",
              "--line", "ステンレスボルト M8:3:1005:10", "--line", "@P9301:7", "--line", "梱包作業:1:2117:10")
    assert quote in out and "13,809" in out
    assert "送付済" in _ok(url, "sales", "quote", "status", quote, "--to", "sent")  # the status as screens name it
    out = _ok(url, "sales", "quote", "accept", quote, "--order-date", "2026-12-03", "--customer-po", "PO-77")
    order = _number("SO", out)
    assert "13,809" in out
    listed = _ok(url, "sales", "quote", "list", "--q", quote)
    assert "改訂済" in listed and "受注済" in listed

    # partial delivery: 2 of the 3 bolts and all 7 boxes of tea; 梱包作業 stays open
    out = _ok(url, "sales", "order", "deliver", order, "--line", "1:2", "--line", "2:7", "--date", "2026-12-05")
    assert "一部納品" in out and _number("DN", out)
    detail = queries_docs.order_detail(demo_db.uow(), ADMIN, int(_order_id(demo_db, order)))
    assert [(ln.quantity, ln.delivered) for ln in detail.lines] == [(3, 2), (7, 7), (1, 0)]
    assert detail.doc.status == "partial"
    assert order in _ok(url, "sales", "order", "list", "--status", "partial")

    # delivering more than is open is refused naming the line, nothing saved
    r = runner.invoke(app, ["sales", "order", "deliver", order, "--line", "1:5", "--date", "2026-12-06",
                            "--database-url", url])
    assert r.exit_code == 1
    assert len(_error_lines(r.stderr)) == 1 and "--line 1" in r.stderr
    assert queries_docs.order_detail(demo_db.uow(), ADMIN, detail.doc.id).lines[0].delivered == 2

    # 締め請求 on the 20th bills the delivery: 10% 2,010 + 201, 8% 7,560 + 604 = 10,375
    out = _ok(url, "sales", "billing-run", "--closing-date", "2026-12-20", "--early")
    invoice = next(_number("INV", ln) for ln in out.splitlines() if "みどり屋" in ln)
    out = _ok(url, "sales", "invoice", "show", invoice)
    assert "10% 対象" in out and "8% 対象" in out
    for figure in ("2,010", "201", "2,211", "7,560", "604", "8,164", "10,375"):
        assert figure in out, figure
    assert invoice in _ok(url, "sales", "invoice", "list", "--partner", "C9301")

    # 返還請求書 for one returned bolt: 1,005 + 100 (10%, rounded down) = 1,105
    out = _ok(url, "sales", "invoice", "credit", invoice, "--line", "ステンレスボルト M8 返品:1:1005:10",
              "--date", "2026-12-22", "--reason", "返品")
    credit = _number("CN", out)
    assert "1,105" in out
    out = _ok(url, "sales", "invoice", "show", invoice)
    assert credit in out and "9,270" in out  # still open: 10,375 - 1,105
    r = runner.invoke(app, ["sales", "invoice", "replace", invoice, "--line", "x:1:100:10", "--database-url", url])
    assert r.exit_code == 1 and len(_error_lines(r.stderr)) == 1  # credited: no longer replaceable

    # the customer pays what is open; the proposal, then 消込 of that deposit
    statement = tmp_path / "bank.csv"
    statement.write_bytes(("日付,摘要,入金額,出金額,残高\r\n"
                           f"2027/01/29,振込 {KANA},9270,,1009270\r\n").encode("cp932"))
    _ok(url, "sales", "bank-import", str(statement))
    proposals = json.loads(_ok(url, "sales", "match", "propose", "--json"))
    mine = next(p for p in proposals if p["amount"] == 9270)
    assert [a["number"] for a in mine["allocations"]] == [invoice]
    assert mine["allocations"][0]["amount"] == 9270
    out = _ok(url, "sales", "match", "confirm", str(mine["deposit_id"]), invoice)
    assert invoice in out
    assert _status(demo_db, invoice) == "paid"
    assert all(p["deposit_id"] != mine["deposit_id"] for p in json.loads(_ok(url, "sales", "match", "propose",
                                                                             "--json")))
    _ok(url, "sales", "ar-check")


def _status(db: Database, number: str) -> str | None:
    return queries.list_invoices(db.uow(), ADMIN, queries.InvoiceFilter(number=number)).rows[0].receivable_status


def _order_id(db: Database, number: str) -> int:
    rows = queries.list_orders(db.uow(), ADMIN, queries.OrderFilter(text=number)).rows
    return next(r.id for r in rows if r.number == number)


def test_bad_lines_give_one_line_per_problem_and_save_nothing(demo_db: Database) -> None:
    url = demo_db.url
    _ok(url, "sales", "partner", "add", "--code", "C9302", "--name", "有限会社あおば食堂")
    before = queries.list_quotes(demo_db.uow(), ADMIN, queries.QuoteFilter(text="C9302")).total
    r = runner.invoke(app, ["sales", "quote", "create", "--partner", "C9302", "--line", "弁当:2:800:8",
                            "--line", "お茶:0:150:8", "--issue-date", "2026-12-01", "--database-url", url])
    assert r.exit_code == 1
    errors = _error_lines(r.stderr)
    assert len(errors) == 1 and "--line 2" in errors[0] and "quantity" in errors[0]
    assert "Traceback" not in r.output
    assert queries.list_quotes(demo_db.uow(), ADMIN, queries.QuoteFilter(text="C9302")).total == before == 0

    r = runner.invoke(app, ["sales", "order", "create", "--partner", "C9302", "--line", "弁当:1.2345:800:8",
                            "--line", "お茶:1:150:9", "--database-url", url])
    assert r.exit_code == 1
    errors = _error_lines(r.stderr)
    assert len(errors) == 2 and "--line 1" in errors[0] and "--line 2" in errors[1]
    assert queries.list_orders(demo_db.uow(), ADMIN, queries.OrderFilter(text="C9302")).total == 0

    r = runner.invoke(app, ["sales", "quote", "create", "--partner", "NOPE", "--line", "弁当:1:800:8",
                            "--database-url", url])
    assert r.exit_code == 1 and len(_error_lines(r.stderr)) == 1 and "NOPE" in r.stderr
    r = runner.invoke(app, ["sales", "partner", "add", "--code", "C9303", "--name", "くろがね",
                            "--closing-day", "99", "--registration-number", "T1234", "--database-url", url])
    assert r.exit_code == 1
    errors = _error_lines(r.stderr)
    assert len(errors) == 2 and any("--closing-day: " in e for e in errors)  # the option typed
    assert partners.find_partner_id(demo_db.uow(), "C9303") is None
    r = runner.invoke(app, ["sales", "invoice", "show", "INV-1999-999999", "--database-url", url])
    assert r.exit_code == 1 and len(_error_lines(r.stderr)) == 1
    r = runner.invoke(app, ["sales", "match", "confirm", "999999", "--database-url", url])
    assert r.exit_code == 1 and len(_error_lines(r.stderr)) == 1


def test_quote_status_accepted_replacement_invoice_and_matching_by_proposal(demo_db: Database,
                                                                             tmp_path: Path) -> None:
    url = demo_db.url
    _customer_with_delivery(demo_db)  # C9001, a delivery of 13,809 on 2026-12-05
    out = _ok(url, "sales", "quote", "create", "--partner", "C9001", "--line", "点検作業:2:5000:10",
              "--issue-date", "2026-12-01")
    quote = _number("Q", out)
    out = _ok(url, "sales", "quote", "status", quote, "--to", "accepted")
    assert "受注済" in out and _number("SO", out)
    r = runner.invoke(app, ["sales", "quote", "status", quote, "--to", "sent", "--database-url", url])
    assert r.exit_code == 1 and len(_error_lines(r.stderr)) == 1  # accepted is final

    out = _ok(url, "sales", "billing-run", "--closing-date", "2026-12-20", "--early")
    invoice = next(_number("INV", ln) for ln in out.splitlines() if "みどり屋" in ln)
    # 差替え while unpaid: 10% 5,000 + 500 = 5,500 instead of 13,809
    out = _ok(url, "sales", "invoice", "replace", invoice, "--line", "作業費:1:5000:10", "--date", "2026-12-21")
    replacement = _number("INV", out.replace(invoice, ""))
    assert "5,500" in out
    shown = _ok(url, "sales", "invoice", "show", replacement)
    assert invoice in shown and "10% 対象" in shown and "5,500" in shown
    assert invoice in _ok(url, "sales", "invoice", "list", "--q", invoice)
    assert _status(demo_db, invoice) == "replaced"

    statement = tmp_path / "bank.csv"
    statement.write_bytes(("日付,摘要,入金額,出金額,残高\r\n"
                           f"2027/01/29,振込 {KANA},5500,,1005500\r\n").encode("cp932"))
    _ok(url, "sales", "bank-import", str(statement))
    proposal = next(p for p in json.loads(_ok(url, "sales", "match", "propose", "--json")) if p["amount"] == 5500)
    assert [a["number"] for a in proposal["allocations"]] == [replacement]
    assert replacement in _ok(url, "sales", "match", "confirm", str(proposal["deposit_id"]))
    assert _status(demo_db, replacement) == "paid"
    _ok(url, "sales", "ar-check")
