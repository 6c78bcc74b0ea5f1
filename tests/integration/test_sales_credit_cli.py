"""The CLI of issue 12 items 4, 8 and 10 on the demo company (SQLite and PostgreSQL): the fee-treatment
setting, a 該当なし deposit booked to 仮受金 and undone, matched by hand with the rest kept as credit, the credit
shown and refunded; errors as one line and exit 1. Figures: the demo's さくら台クリニック owes 4,665 on
INV-2026-000009; the unknown deposit is 55,000, so 55,000 - 4,665 = 50,335 is kept as its credit."""

from __future__ import annotations

from sqlalchemy import select
from typer.testing import CliRunner

from ennoshita.cli.main import app
from ennoshita.db import Database
from ennoshita.sales.models import BankDeposit, Partner

runner = CliRunner()


def test_settings_book_match_by_hand_and_refund(demo_db: Database) -> None:
    url = demo_db.url
    with demo_db.uow() as uow:
        dep = uow.session.scalar(select(BankDeposit.id).where(BankDeposit.status == "unmatched"))
        clinic = uow.session.scalar(select(Partner.id).where(Partner.code == "C0005"))

    def run(*args: str) -> tuple[int, str]:
        r = runner.invoke(app, [*args, "--database-url", url])
        return r.exit_code, r.output

    code, out = run("sales", "settings")  # named as the screens name them (test_cli_settings_views)
    assert code == 0 and "売上値引（--fee-treatment sales_discount）" in out and "--revenue-recognition delivery" in out
    code, out = run("sales", "settings", "--fee-treatment", "transfer_fee")
    assert code == 0 and "（--fee-treatment transfer_fee）" in out and "--revenue-recognition delivery" in out
    code, out = run("sales", "settings", "--fee-treatment", "x")
    assert code == 1 and "売上値引" in out

    code, out = run("sales", "match", "book", str(dep), "--memo", " ")
    assert code == 1 and "摘要" in out
    code, out = run("sales", "match", "book", str(dep), "--memo", "入金者不明")
    assert code == 0 and "2210" in out
    assert run("sales", "match", "undo", str(dep), "--reason", "得意先と判明")[0] == 0

    code, out = run("sales", "match", "confirm", str(dep), "INV-2026-000009", "--to-credit", "50335")
    assert code == 0, out
    code, out = run("sales", "credit", "show")
    assert code == 0 and "さくら台クリニック" in out and "¥50,335" in out
    code, out = run("sales", "credit", "show", str(clinic))
    # the movement's kind as the 預り残高 screen names it (it printed the code, overpayment, on a Japanese line)
    assert code == 0 and "過入金" in out and "overpayment" not in out
    code, out = run("sales", "credit", "refund", str(clinic), "--amount", "60000", "--date", "2026-12-01")
    assert code == 1 and "預り残高" in out
    code, out = run("sales", "credit", "refund", str(clinic), "--amount", "50335", "--date", "2026-12-01")
    assert code == 0 and out.startswith("JE-")
    assert run("sales", "credit", "show") == (0, "")
