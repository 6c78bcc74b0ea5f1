"""Demo sales for 株式会社さくら精機: customers and suppliers with カナ and 登録番号, items (including reduced-rate
food), quotes in every state, orders with partial deliveries, the October and November 締め請求 runs, a
credit note, and bank deposits matched (消込) or still waiting — so the sales screens show a living desk.

The ledger's months up to September are locked in the demo, so everything that posts is dated from
October 2026 on; quotes and orders start earlier.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from stdnum.jp import cn

from ennoshita.actor import Actor
from ennoshita.db import Database
from ennoshita.kernel.lines import LineInput
from ennoshita.partners import services as partners
from ennoshita.sales import billing, flow, receivables


def registration(base12: str) -> str:
    """A 登録番号 with a valid check digit (T + check digit + 12 digits) for demo partners."""
    return f"T{cn.calc_check_digit(base12)}{base12}"


# code, name, カナ, 法人番号 base (12 digits) or "" (not a qualified issuer), closing day, months after, pay day,
# holiday shift, fee bearer, address
CUSTOMERS = (
    ("C0001", "株式会社青葉商事", "カブシキガイシャアオバシヨウジ", "011001012345", 20, 1, 31, "next", "payee",
     "宮城県仙台市青葉区中央1-2-3"),
    ("C0002", "東邦機械工業株式会社", "トウホウキカイコウギヨウカブシキガイシヤ", "010401023456", 31, 1, 31, "next",
     "payer", "東京都大田区大森北2-5-8"),
    ("C0003", "有限会社みなと食品", "ユウゲンガイシヤミナトシヨクヒン", "020002034567", 31, 1, 20, "previous", "payee",
     "神奈川県横浜市中区海岸通3-9"),
    ("C0004", "株式会社北斗エンジニアリング", "カブシキガイシヤホクトエンジニアリング", "043001045678", 20, 2, 10,
     "next", "payer", "北海道札幌市中央区北三条西4-1"),
    ("C0005", "さくら台クリニック", "サクラダイクリニツク", "", 0, 1, 31, "next", "payer",
     "東京都世田谷区桜台1-4-2"),
    ("C0006", "株式会社中部精密", "カブシキガイシヤチユウブセイミツ", "180001056789", 25, 1, 25, "previous",
     "payee", "愛知県名古屋市中村区名駅4-7-1"),
)
SUPPLIERS = (
    ("S0001", "株式会社関東スチール", "カブシキガイシヤカントウスチール", "030001067890", "埼玉県川口市本町2-1"),
    ("S0002", "丸山梱包資材店", "マルヤマコンポウシザイテン", "", "東京都足立区千住3-3-3"),
    ("S0003", "株式会社オフィスサプライ東京", "カブシキガイシヤオフイスサプライトウキヨウ", "011101078901",
     "東京都港区芝5-2-1"),
)
ITEMS = (
    ("P-1001", "精密ベアリング 6204ZZ", "個", "1234", "10"),
    ("P-1002", "リニアガイド LG-20 500mm", "本", "18600", "10"),
    ("P-1003", "ボールねじ BS-1605", "本", "24800", "10"),
    ("P-2001", "センサーユニット SU-3", "台", "45000", "10"),
    ("S-0001", "据付調整作業", "式", "85000", "10"),
    ("S-0002", "保守点検（月額）", "月", "30000", "10"),
    ("F-0001", "コーヒー豆（業務用）", "kg", "1580", "8"),
    ("F-0002", "ミネラルウォーター 2L×6本", "箱", "720", "8"),
    ("X-0001", "出張交通費（実費）", "式", "12000", "10"),
)


def load(db: Database, actor: Actor) -> None:
    rng = random.Random(20264)
    ids: dict[str, int] = {}
    for code, name, kana, base, closing, months, pay, shift, fee, address in CUSTOMERS:
        ids[code] = partners.create_partner(db.uow(), actor, partners.PartnerInput(
            code=code, name=name, name_kana=kana, registration_number=registration(base) if base else "",
            closing_day=closing, months_after=months, pay_day=pay, holiday_shift=shift, fee_bearer=fee,
            address=address, honorific="様" if "クリニック" in name else "御中", is_customer=True),
            (partners.ContactData("経理部 ご担当者様", "経理部", f"keiri@{code.lower()}.example.jp", "", True),)).id
    for code, name, kana, base, address in SUPPLIERS:
        ids[code] = partners.create_partner(db.uow(), actor, partners.PartnerInput(
            code=code, name=name, name_kana=kana, registration_number=registration(base) if base else "",
            is_customer=False, is_supplier=True, address=address, closing_day=31, months_after=1, pay_day=31,
            bank_code="0005", branch_code="001", account_type="ordinary",
            account_number=f"{rng.randrange(1_000_000, 9_999_999)}", account_holder_kana=kana[:30])).id
    for code, name, unit, price, rate in ITEMS:
        partners.create_item(db.uow(), actor, partners.ItemInput(code, name, unit, price, rate))

    def lines(*picks: tuple[str, int]) -> tuple[LineInput, ...]:
        return tuple(LineInput(item_code=code, quantity=str(q)) for code, q in picks)

    # quotes in every state
    lost = flow.create_quote(db.uow(), actor, flow.QuoteInput(
        ids["C0004"], dt.date(2026, 8, 3), dt.date(2026, 9, 2), "搬送ライン改修のお見積",
        lines(("P-1002", 12), ("P-1003", 6), ("S-0001", 1))))
    flow.set_quote_status(db.uow(), actor, lost.id, "sent")
    flow.set_quote_status(db.uow(), actor, lost.id, "lost")
    draft = flow.create_quote(db.uow(), actor, flow.QuoteInput(
        ids["C0006"], dt.date(2026, 11, 18), dt.date(2026, 12, 18), "検査装置センサー更新のお見積",
        lines(("P-2001", 4), ("S-0001", 1))))
    flow.revise_quote(db.uow(), actor, draft.id, flow.QuoteInput(
        ids["C0006"], dt.date(2026, 11, 20), dt.date(2026, 12, 20), "検査装置センサー更新のお見積",
        lines(("P-2001", 5), ("S-0001", 1), ("X-0001", 1))))
    sent = flow.create_quote(db.uow(), actor, flow.QuoteInput(
        ids["C0002"], dt.date(2026, 11, 10), dt.date(2026, 12, 10), "ボールねじ追加手配のお見積",
        lines(("P-1003", 10),)))
    flow.set_quote_status(db.uow(), actor, sent.id, "sent")

    # orders from accepted quotes and direct orders, delivered in October and November
    orders = []
    plans = (
        ("C0001", dt.date(2026, 9, 28), lines(("P-1001", 200), ("F-0001", 10)), "定期補充部品"),
        ("C0002", dt.date(2026, 10, 1), lines(("P-1002", 8), ("P-1003", 4), ("S-0001", 1)), "第2工場 搬送装置"),
        ("C0003", dt.date(2026, 10, 2), lines(("F-0001", 40), ("F-0002", 30)), "店舗用 飲料・食品"),
        ("C0004", dt.date(2026, 10, 5), lines(("P-2001", 2), ("S-0002", 1)), "センサー交換と保守"),
        ("C0005", dt.date(2026, 10, 8), lines(("F-0002", 12), ("S-0002", 1)), "院内備品・保守"),
        ("C0006", dt.date(2026, 10, 9), lines(("P-1001", 500), ("P-1002", 20)), "量産ライン部品"),
    )
    for code, day, items, subject in plans:
        quote = flow.create_quote(db.uow(), actor, flow.QuoteInput(
            ids[code], day - dt.timedelta(days=7), day + dt.timedelta(days=23), f"{subject}のお見積", items))
        flow.set_quote_status(db.uow(), actor, quote.id, "sent")
        orders.append(flow.accept_quote(db.uow(), actor, quote.id, order_date=day, customer_po=f"PO-{day:%m%d}-{code}"))
    flow.create_order(db.uow(), actor, flow.OrderInput(
        ids["C0002"], dt.date(2026, 11, 16), "ボールねじ 追加", lines(("P-1003", 6)), customer_po="TH-88102"))

    from sqlalchemy import select

    from ennoshita.sales.models import SalesOrderLine

    def order_lines(order_id: int) -> list[tuple[int, str]]:
        with db.uow() as uow:
            return [(r.id, str(r.quantity)) for r in uow.session.scalars(
                select(SalesOrderLine).where(SalesOrderLine.order_id == order_id).order_by(SalesOrderLine.line_no))]

    # first deliveries half of each line in October, the rest in November (except the last order: still open)
    for n, order in enumerate(orders):
        first = [(lid, str(int(Decimal(q)) // 2 or 1)) for lid, q in order_lines(order.id)]
        flow.create_delivery(db.uow(), actor, flow.DeliveryInput(order.id, dt.date(2026, 10, 12 + n), tuple(first)))
        if n < len(orders) - 1:
            flow.create_delivery(db.uow(), actor, flow.DeliveryInput(order.id, dt.date(2026, 11, 4 + n)))

    # the month's billing runs: 10/20, 10/25, 10/31 (end-of-month customers and 都度)
    for closing_date in (dt.date(2026, 10, 20), dt.date(2026, 10, 25), dt.date(2026, 10, 31), dt.date(2026, 11, 20)):
        billing.billing_run(db.uow(), actor, closing_date)

    # a returned lot: credit note against the first October invoice of みなと食品
    from ennoshita.sales.models import Invoice

    with db.uow() as uow:
        minato = uow.session.scalar(select(Invoice.id).where(Invoice.partner_id == ids["C0003"])
                                    .order_by(Invoice.id).limit(1))
    if minato is not None:
        billing.issue_credit_note(db.uow(), actor, billing.CreditNoteInput(
            int(minato), dt.date(2026, 11, 6), (LineInput(item_code="F-0002", quantity="2"),), "破損による返品"))

    # the bank: deposits for what fell due (one short by a fee, one unknown payer, one customer late), matched
    # automatically
    with db.uow() as uow:
        from ennoshita.partners.models import Partner
        from ennoshita.sales.models import Receivable

        due = uow.session.execute(select(Receivable.open_amount, Partner.name_kana, Receivable.due_date)
                                  .join(Partner, Partner.id == Receivable.partner_id)
                                  .where(Receivable.status == "open").order_by(Receivable.due_date)).all()
    rows = ["日付,摘要,入金額,出金額,残高"]
    balance = 12_000_000
    for amount, kana, due_date in due:
        if due_date > dt.date(2026, 11, 30) or "チユウブ" in kana:  # 中部精密's payment is late: on the 延滞一覧
            continue
        paid = amount - 660 if "アオバ" in kana else amount  # 青葉商事 deducts the transfer fee; paid early by 11/20
        balance += paid
        rows.append(f"{min(due_date, dt.date(2026, 11, 20)):%Y/%m/%d},振込 {kana},{paid},,{balance}")
    balance += 55_000
    rows.append(f"2026/11/24,振込 ヤマダ タロウ,55000,,{balance}")
    rows.append(f"2026/11/25,口座振替 電気料金,,38210,{balance - 38_210}")
    receivables.import_bank_csv(db.uow(), actor, ("\r\n".join(rows) + "\r\n").encode("cp932"), "demo-2026-11")
    receivables.auto_match(db.uow(), actor)
