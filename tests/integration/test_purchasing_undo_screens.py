"""購買の取消 from the screens, the API and the CLI, on the demo company (SQLite and PostgreSQL): the 検収取消 button
in an order's 検収履歴, the 取消 of a supplier bill refused while it waits in November's run (naming the run), the
支払済の取消 of October's paid run, a role without the permission refused (403), and the journal's refusal naming
the screen where the entry is now undone."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from ennoshita.cli.main import app as cli_app
from ennoshita.db import Database
from ennoshita.i18n import gettext
from ennoshita.ledger.models import JournalEntry
from ennoshita.purchasing import recognition
from ennoshita.purchasing.models import GoodsReceipt, Payable, PaymentRun, PaymentRunBill, PurchaseOrder, SupplierBill
from tests.conftest import ACCOUNTING, REQUESTER, login
from tests.integration.test_api import auth, token_for
from tests.integration.test_ledger_owned_entries import KEIRI, _refused

PURCHASING = "kobai@demo.ennoshita.jp"
LINE_PARTS = "角パイプ 残40本は11月末納品"  # the demo's partial receipt of the line parts, its bill still waiting


def _line_receipt(db: Database) -> tuple[int, int, str]:
    """(receipt id, order id, order number) of the line parts' partial receipt."""
    with db.uow() as uow:
        row = uow.session.execute(select(GoodsReceipt.id, PurchaseOrder.id, PurchaseOrder.number)
                                  .join(PurchaseOrder, PurchaseOrder.id == GoodsReceipt.order_id)
                                  .where(GoodsReceipt.notes == LINE_PARTS)).one()
        return int(row[0]), int(row[1]), str(row[2])


def _in_run_bill(db: Database) -> tuple[int, str, str]:
    """(bill id, bill number, run number) of a bill waiting in November's run."""
    with db.uow() as uow:
        row = uow.session.execute(select(SupplierBill.id, SupplierBill.number, PaymentRun.number)
                                  .join(Payable, Payable.bill_id == SupplierBill.id)
                                  .join(PaymentRun, PaymentRun.id == Payable.payment_run_id)
                                  .where(Payable.status == "in_run").order_by(SupplierBill.id)).first()
        assert row is not None
        return int(row[0]), str(row[1]), str(row[2])


def _paid_run(db: Database) -> tuple[int, str]:
    with db.uow() as uow:
        row = uow.session.execute(select(PaymentRun.id, PaymentRun.number).where(PaymentRun.status == "paid")).one()
        return int(row[0]), str(row[1])


def _receipt_entry(db: Database, order_number: str) -> int:
    with db.uow() as uow:
        found = uow.session.scalar(select(JournalEntry.id).where(
            JournalEntry.source == "purchasing", JournalEntry.source_ref == order_number,
            JournalEntry.status == "posted").order_by(JournalEntry.id.desc()))
    assert found is not None
    return int(found)


def test_the_journal_names_the_screen_where_each_entry_is_undone(demo_db: Database) -> None:
    _receipt, _order, number = _line_receipt(demo_db)
    refused = _refused(demo_db, _receipt_entry(demo_db, number), "purchasing.owned.receipt")
    assert "検収取消" in gettext("ja", refused.key, **refused.params)
    assert "cancel the receipt in the receipt history" in gettext("en", refused.key, **refused.params)
    for key, screen in (("purchasing.owned.bill", "取消"), ("purchasing.owned.payment_run", "支払済の取消")):
        text = gettext("ja", key, ref="X-1")
        assert screen in text and "まだありません" not in text


def test_a_receipt_is_cancelled_from_the_orders_receipt_history(client: TestClient, demo_db: Database) -> None:
    receipt_id, order_id, number = _line_receipt(demo_db)
    token = login(client, PURCHASING)
    page = client.get(f"/purchasing/orders/{order_id}")
    assert page.status_code == 200 and 'data-testid="receipt-cancel-form"' in page.text
    assert "data-confirm" in page.text
    url = f"/purchasing/orders/{order_id}/receipts/{receipt_id}/cancel"
    no_reason = client.post(url, data={"csrf_token": token, "reason": ""}, follow_redirects=False)
    assert no_reason.status_code == 422 and "取消理由を入力してください" in no_reason.text
    done = client.post(url, data={"csrf_token": token, "reason": "数量誤り"}, follow_redirects=False)
    assert done.status_code == 303, done.text
    after = client.get(done.headers["location"]).text
    assert 'data-testid="receipt-cancelled"' in after and "検収を取り消しました" in after
    assert 'data-testid="receive-form"' in after  # it can be received again
    check = recognition.payables_check(demo_db.uow(), KEIRI)
    assert check.ok
    again = client.post(url, data={"csrf_token": token, "reason": "二度目"}, follow_redirects=False)
    assert again.status_code == 409 and number in again.text  # once only


def test_a_bill_in_a_run_is_refused_on_its_screen_naming_the_run(client: TestClient, demo_db: Database) -> None:
    bill_id, _bill_number, run_number = _in_run_bill(demo_db)
    token = login(client, PURCHASING)
    page = client.get(f"/purchasing/bills/{bill_id}")
    assert 'data-testid="cancel-form"' in page.text and "data-confirm" in page.text
    refused = client.post(f"/purchasing/bills/{bill_id}/cancel", data={"csrf_token": token, "reason": "誤り"},
                          follow_redirects=False)
    assert refused.status_code == 409 and run_number in refused.text
    with demo_db.uow() as uow:
        assert uow.session.get(SupplierBill, bill_id).status == "posted"  # type: ignore[union-attr]


def test_a_paid_run_is_undone_from_its_screen(client: TestClient, demo_db: Database) -> None:
    run_id, number = _paid_run(demo_db)
    token = login(client, ACCOUNTING)
    page = client.get(f"/purchasing/payments/{run_id}")
    assert 'data-testid="unpay-form"' in page.text
    done = client.post(f"/purchasing/payments/{run_id}/unpay", data={"csrf_token": token, "reason": "誤って支払済"},
                       follow_redirects=False)
    assert done.status_code == 303, done.text
    after = client.get(done.headers["location"]).text
    assert "支払済を取り消しました" in after and 'data-testid="unpay-form"' not in after
    with demo_db.uow() as uow:
        reopened = uow.session.scalars(select(Payable.status).join(
            PaymentRunBill, PaymentRunBill.bill_id == Payable.bill_id).where(PaymentRunBill.run_id == run_id)).all()
        assert reopened and set(reopened) == {"open"}  # payable in a new run
    assert recognition.payables_check(demo_db.uow(), KEIRI).ok


def test_the_api_cancels_refuses_and_checks_the_role(client: TestClient, demo_db: Database) -> None:
    keiri = auth(token_for(demo_db, ACCOUNTING))
    bill_id, _bill_number, run_number = _in_run_bill(demo_db)
    forbidden = client.post(f"/api/v1/bills/{bill_id}/cancel", headers=auth(token_for(demo_db, REQUESTER)),
                            json={"reason": "誤り"})
    assert forbidden.status_code == 403
    refused = client.post(f"/api/v1/bills/{bill_id}/cancel", headers=keiri, json={"reason": "誤り"})
    assert refused.status_code == 409 and refused.headers["content-type"].startswith("application/problem+json")
    assert run_number in refused.text
    receipt_id, order_id, _number = _line_receipt(demo_db)
    kobai = auth(token_for(demo_db, PURCHASING))
    cancelled = client.post(f"/api/v1/goods-receipts/{receipt_id}/cancel", headers=kobai, json={"reason": "誤り"})
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["id"] == order_id and cancelled.json()["status"] == "sent"
    run_id, _run = _paid_run(demo_db)
    assert client.post(f"/api/v1/payment-runs/{run_id}/unpay", headers=kobai,
                       json={"reason": "誤り"}).status_code == 403  # 購買 does not pay
    undone = client.post(f"/api/v1/payment-runs/{run_id}/unpay", headers=keiri, json={"reason": "誤り"})
    assert undone.status_code == 200 and undone.json()["status"] == "cancelled"
    # its bills are open again: one of them can now be cancelled
    with demo_db.uow() as uow:
        freed = int(uow.session.scalars(select(PaymentRunBill.bill_id).where(PaymentRunBill.run_id == run_id)
                                        .order_by(PaymentRunBill.bill_id)).first() or 0)
    cancelled_bill = client.post(f"/api/v1/bills/{freed}/cancel", headers=keiri, json={"reason": "二重受領"})
    assert cancelled_bill.status_code == 200, cancelled_bill.text
    assert cancelled_bill.json()["status"] == "cancelled"
    assert recognition.payables_check(demo_db.uow(), KEIRI).ok


def test_the_cli_cancels_and_refuses(demo_db: Database) -> None:
    url = ["--database-url", demo_db.url, "--as-user", ACCOUNTING]
    _bill_id, bill_number, run_number = _in_run_bill(demo_db)
    refused = CliRunner().invoke(cli_app, ["purchasing", "cancel-bill", bill_number, "--reason", "誤り", *url])
    assert refused.exit_code == 1 and run_number in refused.output
    _run_id, number = _paid_run(demo_db)
    undone = CliRunner().invoke(cli_app, ["payments", "unpay", number, "--reason", "誤って支払済", *url])
    assert undone.exit_code == 0, undone.output
    assert number in undone.output
    receipt_id, _order_id, order_number = _line_receipt(demo_db)
    kobai = ["--database-url", demo_db.url, "--as-user", PURCHASING]
    done = CliRunner().invoke(cli_app, ["purchasing", "cancel-receipt", str(receipt_id), "--reason", "誤り", *kobai])
    assert done.exit_code == 0, done.output
    assert order_number in done.output
