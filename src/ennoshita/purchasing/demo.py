"""Demo purchasing and 稟議 for 株式会社さくら精機: department heads and a 代理承認, purchase orders of October and
November 2026 in every state (draft, waiting for approval, approved, sent, partly and fully received), the
supplier bills matched to them (one from 丸山梱包資材店, not a qualified issuer, with the 経過措置 70% credit; one
over ¥300,000 waiting for approval), October's payment run approved by two people, exported as a 全銀 file and
paid on 2026-11-10, and November's run waiting for 経理 — so the purchasing screens and the 承認待ち queues of
keiri@ and admin@ are not empty.

Everything goes through the purchasing and approvals services, each step as the person who does it: 購買部
(kobai@) orders and enters bills, 山田 (admin@, head of 購買部) and 佐藤 (keiri@, 経理) approve, and a 出納
clerk of 経理部 (suitou@, 木村 恵) prepares, exports and pays the runs — a payment run needs 経理 then an 役員,
neither of them its preparer. Runs after the sales demo (its suppliers S0001..S0003); the
ledger's months up to September are locked, so everything that posts is dated from October 2026 on.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from ennoshita.actor import Actor
from ennoshita.approvals import services as approvals
from ennoshita.db import Database
from ennoshita.identity import services as identity
from ennoshita.kernel.lines import LineInput
from ennoshita.partners.models import Partner
from ennoshita.purchasing import bills, orders, payments
from ennoshita.purchasing.models import PurchaseOrderLine

DOMAIN = "@demo.ennoshita.jp"
DEPARTMENT = "購買部"
# department → e-mail of its head (部門長): never the department's usual submitter
HEADS = (("購買部", "admin"), ("営業部", "jimu"), ("営業管理部", "admin"), ("総務部", "admin"), ("人事部", "admin"),
         ("法務部", "admin"), ("経理部", "admin"))

# key, supplier, order date, subject, lines (description, quantity, unit price, rate)
Line = tuple[str, str, str, str]
ORDERS: tuple[tuple[str, str, dt.date, str, tuple[Line, ...]], ...] = (
    ("steel", "S0001", dt.date(2026, 10, 1), "鋼材 SS400 定期手配",
     (("SS400 平鋼 6×50×4000", "50", "3800", "10"), ("S45C 丸棒 φ30×2000", "30", "2600", "10"))),
    ("packing", "S0002", dt.date(2026, 10, 5), "梱包資材（10月分）",
     (("段ボール箱 A-3 サイズ", "400", "120", "10"), ("エアキャップ 1200mm×42m", "20", "1450", "10"))),
    ("office", "S0003", dt.date(2026, 10, 7), "事務用品・消耗品",
     (("コピー用紙 A4（5000枚/箱）", "50", "2980", "10"), ("トナーカートリッジ TN-60", "6", "12800", "10"))),
    ("line", "S0001", dt.date(2026, 10, 20), "量産ライン向け部材",
     (("角パイプ STKR 50×50×2.3", "100", "5200", "10"), ("鋼板 SPCC t1.6 4×8", "60", "5000", "10"))),
    ("furniture", "S0003", dt.date(2026, 11, 2), "会議室 什器入替",
     (("会議テーブル W1800", "2", "68000", "10"), ("ミーティングチェア", "8", "14500", "10"))),
    ("packing2", "S0002", dt.date(2026, 11, 9), "梱包資材 追加",
     (("段ボール箱 A-3 サイズ", "300", "120", "10"),)),
    ("jig", "S0001", dt.date(2026, 11, 16), "治具用材料",
     (("アルミ板 A5052 t10", "20", "6200", "10"), ("ミスミ ロケートピン", "40", "650", "10"))),
    ("printer", "S0003", dt.date(2026, 11, 18), "複合機 保守部品",
     (("定着ユニット", "1", "38000", "10"), ("給紙ローラー", "4", "1750", "10"))),
    ("bolts", "S0001", dt.date(2026, 11, 24), "ボルト・ナット類",
     (("六角ボルト M10×40（100本）", "10", "2400", "10"), ("六角ナット M10（100個）", "10", "900", "10"))),
)


def load(db: Database, actor: Actor) -> None:
    def who(name: str) -> Actor:
        return identity.actor_by_email(db.uow(), name if "@" in name else f"{name}{DOMAIN}", "cli")

    admin, keiri, kobai, clerk = who("admin"), who("keiri"), who("kobai"), who("suitou")
    people = {"admin": admin, "jimu": who("jimu")}
    for department, head in HEADS:
        approvals.set_department_head(db.uow(), actor, department, people[head].user_id or 0)
    # 山田 is away at year end: 経理の佐藤 decides in his place
    approvals.add_delegation(db.uow(), admin, keiri.user_id or 0, dt.date(2026, 12, 24), dt.date(2026, 12, 30))

    with db.uow() as uow:
        suppliers = {code: int(pid) for code, pid in uow.session.execute(
            select(Partner.code, Partner.id).where(Partner.is_supplier.is_(True)))}

    pos: dict[str, orders.OrderSummary] = {}
    for key, supplier, day, subject, lines in ORDERS:
        pos[key] = orders.create_purchase_order(db.uow(), kobai, orders.PurchaseOrderInput(
            supplier_id=suppliers[supplier], order_date=day, delivery_date=day + dt.timedelta(days=10),
            delivery_place="本社工場 資材置場", subject=subject, department=DEPARTMENT,
            lines=tuple(LineInput(description=d, quantity=q, unit_price=p, tax_rate=r, unit="式" if q == "1" else "")
                        for d, q, p, r in lines)))

    def approve(document_type: str, document_id: int, *approvers: Actor) -> None:
        view = approvals.status_of(db.uow(), document_type, document_id)
        assert view is not None
        for person in approvers:
            approvals.decide(db.uow(), person, view.id, "approve", "確認しました")

    def order_lines(key: str) -> list[tuple[int, Decimal, Decimal, str]]:
        with db.uow() as uow:
            return [(r.id, Decimal(r.quantity), Decimal(r.unit_price), r.description) for r in uow.session.scalars(
                select(PurchaseOrderLine).where(PurchaseOrderLine.order_id == pos[key].id)
                .order_by(PurchaseOrderLine.line_no))]

    # 申請 and 承認: up to ¥100,000 the head of 購買部 alone, above also 経理
    for key in ("steel", "packing", "office", "line", "furniture", "packing2", "jig", "printer"):
        submitted = orders.submit_purchase_order(db.uow(), kobai, pos[key].id)
        if key == "jig":  # approved by the head, waiting for 経理 (keiri@'s queue)
            approve("purchase_order", pos[key].id, admin)
            continue
        approve("purchase_order", pos[key].id, *((admin,) if submitted.gross <= 100_000 else (admin, keiri)))
    for key in ("steel", "packing", "office", "line", "furniture", "packing2"):
        orders.send_purchase_order(db.uow(), kobai, pos[key].id)

    # 検収: October in full; the line parts only in part; the furniture in November
    for key, day in (("steel", dt.date(2026, 10, 9)), ("packing", dt.date(2026, 10, 14)),
                     ("office", dt.date(2026, 10, 16)), ("furniture", dt.date(2026, 11, 12))):
        orders.record_receipt(db.uow(), kobai, orders.ReceiptInput(pos[key].id, day))
    pipes, plates = order_lines("line")
    orders.record_receipt(db.uow(), kobai, orders.ReceiptInput(
        pos["line"].id, dt.date(2026, 11, 5), ((pipes[0], "60"), (plates[0], "60")), "角パイプ 残40本は11月末納品"))

    # 仕入請求書, matched to the orders and their receipts
    def bill(key: str, bill_number: str, day: dt.date, quantities: dict[int, str] | None = None
             ) -> bills.BillSummary:
        wanted = quantities or {}
        return bills.record_bill(db.uow(), kobai, bills.BillInput(
            supplier_id=pos[key].supplier_id, bill_number=bill_number, bill_date=day, order_id=pos[key].id,
            department=DEPARTMENT, lines=tuple(
                bills.BillLineInput(description, price, wanted.get(line_id, str(qty)), "10", order_line_id=line_id)
                for line_id, qty, price, description in order_lines(key)
                if quantities is None or line_id in wanted)))

    october = [bill("steel", "KS-2610-118", dt.date(2026, 10, 31)),
               bill("packing", "丸山-1031", dt.date(2026, 10, 31)),  # not registered: 70% of the tax credited
               bill("office", "OST-20261031-77", dt.date(2026, 10, 31))]
    # the received part of the line parts: over ¥300,000, waiting for the head of 購買部 (admin@'s queue)
    bill("line", "KS-2611-052", dt.date(2026, 11, 10), {pipes[0]: "60", plates[0]: "60"})
    furniture = bill("furniture", "OST-20261120-12", dt.date(2026, 11, 20))

    # October's run: prepared by 木村, approved by 経理 and 役員, exported and paid on 2026-11-10
    run = payments.create_payment_run(db.uow(), clerk, payments.PaymentRunInput(
        payment_date=dt.date(2026, 11, 10), bill_ids=tuple(b.id for b in october), payer_id=clerk.user_id,
        department="経理部"))
    approve("payment_run", run.id, keiri, admin)
    payments.export_zengin(db.uow(), clerk, run.id)
    payments.mark_paid(db.uow(), clerk, run.id)
    # November's run: waiting for 経理 (keiri@'s queue)
    payments.create_payment_run(db.uow(), clerk, payments.PaymentRunInput(
        payment_date=dt.date(2026, 11, 30), bill_ids=(furniture.id,), payer_id=clerk.user_id, department="経理部"))

