"""A 値引 line on the purchasing side (issue 13, the first walk): a purchase order with 値引 -500 could be
issued, but its 検収 was refused (``マイナスの金額は値引行でのみ使えます``), and so was a supplier's bill that
prints the same 値引 line. Figures: 10 x 1,000 - 500 = 9,500, tax 950 (10%), 10,450."""

from __future__ import annotations

import datetime as dt

from ennoshita.actor import Actor
from ennoshita.db import Database
from ennoshita.purchasing import bills, orders
from ennoshita.sales.lines import LineInput
from tests.integration.test_purchasing import _approve
from tests.integration.test_purchasing_recognition import ADMIN, _supplier, org  # noqa: F401  (the fixture)


def test_an_order_with_a_discount_line_is_received_and_billed(db: Database, org: dict[str, Actor]) -> None:  # noqa: F811
    kobai = org["kobai"]
    supplier = _supplier(db, "S100", "株式会社関東スチール", "T7123456789012")
    po = orders.create_purchase_order(db.uow(), kobai, orders.PurchaseOrderInput(
        supplier, dt.date(2026, 12, 1), (LineInput("平鋼", "10", "1000", "10", "本"),
                                         LineInput("値引", "1", "-500", "10", is_discount=True)), department="購買部"))
    assert po.gross == 10_450
    orders.submit_purchase_order(db.uow(), kobai, po.id)
    if _approve(db, org["bucho"], "purchase_order", po.id) != "approved":
        _approve(db, org["keiri"], "purchase_order", po.id)
    orders.send_purchase_order(db.uow(), kobai, po.id)
    received = orders.record_receipt(db.uow(), kobai, orders.ReceiptInput(po.id, dt.date(2026, 12, 5)))
    assert received.order_status == "received"
    bill = bills.record_bill(db.uow(), kobai, bills.BillInput(
        supplier, "KS-1205", dt.date(2026, 12, 5),
        (bills.BillLineInput("平鋼", "1000", "10"), bills.BillLineInput("値引", "-500", "1")), order_id=po.id,
        department="購買部"))
    assert (bill.net, bill.tax, bill.gross) == (9_500, 950, 10_450)
