"""Demo 経費精算 of 株式会社さくら精機: employees' 振込先口座 and claims in every state (approved and waiting for
the next payment run, waiting for the 部門長, waiting for 経理, sent back, draft), with receipt images."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

from ennoshita.actor import Actor
from ennoshita.approvals import services as approvals
from ennoshita.db import Database
from ennoshita.expenses import services
from ennoshita.expenses.rules import LineInput
from ennoshita.identity.services import actor_by_email

DOMAIN = "@demo.ennoshita.jp"
FONT = Path("/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf")
T_TAXI = "T1010001008668"  # 登録番号 shown on the receipts (valid check digits; illustrative)
T_SHOP = "T7123456789012"

BANKS = {  # e-mail: (bank, branch, type, number, 名義カナ)
    "eigyo": ("0005", "251", "ordinary", "3812745", "イトウ ショウ"),
    "jimu": ("0009", "031", "ordinary", "2290114", "スズキ イチロウ"),
    "kobai": ("0001", "110", "ordinary", "5520198", "タカハシ ミサキ"),
    "soumu": ("0010", "500", "savings", "0778123", "ナカムラ ユウコ"),
}


def _receipt(payee: str, amount: int, day: dt.date, registration: str, what: str) -> services.Receipt:
    """A small receipt image, as a phone would photograph it (PNG)."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (360, 300), "white")
    draw = ImageDraw.Draw(image)
    big = ImageFont.truetype(str(FONT), 26) if FONT.exists() else ImageFont.load_default()
    small = ImageFont.truetype(str(FONT), 15) if FONT.exists() else ImageFont.load_default()
    draw.text((130, 14), "領 収 書", fill="black", font=big)
    draw.text((20, 64), "株式会社さくら精機 様", fill="black", font=small)
    draw.text((20, 100), f"¥{amount:,}-", fill="black", font=big)
    draw.line((20, 136, 340, 136), fill="black", width=1)
    draw.text((20, 146), f"但し {what}として", fill="black", font=small)
    draw.text((20, 172), f"{day.year}年{day.month}月{day.day}日", fill="black", font=small)
    draw.text((20, 222), payee, fill="black", font=small)
    if registration:
        draw.text((20, 248), f"登録番号 {registration}", fill="black", font=small)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return services.Receipt(f"領収書_{day.isoformat()}_{payee}.png", "image/png", out.getvalue())


def _r(day: dt.date, amount: int, payee: str, account: str, rate: str, registration: str, purpose: str
       ) -> tuple[LineInput, services.Receipt]:
    return (LineInput("receipt", day, amount, payee, account, rate, registration, purpose),
            _receipt(payee, amount, day, registration, purpose))


def _claim(db: Database, who: Actor, title: str, items: list[tuple[LineInput, services.Receipt | None]],
           submit: bool) -> services.ClaimView:
    return services.create_claim(db.uow(), who, services.ClaimInput(
        title, tuple(x[0] for x in items), tuple(x[1] for x in items)), submit=submit)


def _decide(db: Database, who: Actor, claim_id: int, decision: str = "approve", comment: str = "") -> None:
    view = approvals.status_of(db.uow(), "expense_claim", claim_id)
    if view is not None:
        approvals.decide(db.uow(), who, view.id, decision, comment)


def load(db: Database, actor: Actor) -> None:
    who = {name: actor_by_email(db.uow(), f"{name}{DOMAIN}", "cli") for name in (*BANKS, "keiri")}
    for name, (bank, branch, kind, number, holder) in BANKS.items():
        services.save_bank_account(db.uow(), who[name], who[name].user_id or 0,
                                   services.BankInput(bank, branch, kind, number, holder))
    d = dt.date

    # 伊藤 (営業部): 大阪出張 — approved by 鈴木 (部門長) and 佐藤 (経理), posted, waiting for the next 支払
    osaka = _claim(db, who["eigyo"], "10月 大阪出張（関西精工様 定例会）", [
        (LineInput("transport", d(2026, 10, 15), 14_720, route_from="品川", route_to="新大阪", round_trip=True,
                   purpose="関西精工様 定例会（新幹線のぞみ）"), None),
        _r(d(2026, 10, 15), 12_800, "ホテル北浜", "6250", "10", T_SHOP, "宿泊費 1泊"),
        _r(d(2026, 10, 16), 2_420, "なにわタクシー", "6250", "10", T_TAXI, "淀屋橋→関西精工 本社"),
        _r(d(2026, 10, 16), 8_800, "割烹 みやこ", "6230", "10", "", "関西精工様 会食（2名）"),
    ], submit=True)
    _decide(db, who["jimu"], osaka.id)
    _decide(db, who["keiri"], osaka.id)

    # 伊藤: 11月の営業経費 — waiting for 鈴木 (部門長)
    _claim(db, who["eigyo"], "11月 営業経費", [
        (LineInput("transport", d(2026, 11, 9), 650, route_from="渋谷", route_to="新横浜", round_trip=True,
                   purpose="横浜ロジテック様 訪問"), None),
        _r(d(2026, 11, 9), 1_540, "喫茶ルオー", "6240", "10", "", "横浜ロジテック様 打合せ"),
        _r(d(2026, 11, 13), 3_240, "弁当のさくら", "6240", "8", T_SHOP, "社内会議 弁当（4名）"),
    ], submit=True)

    # 高橋 (購買部): 工場への移動 — 山田 (部門長) approved, waiting for 経理
    factory = _claim(db, who["kobai"], "11月 川崎工場 立会い", [
        (LineInput("mileage", d(2026, 11, 11), distance_km=Decimal("38.4"), rate_per_km=Decimal("20"),
                   route_from="本社", route_to="川崎工場（往復）", purpose="定着ユニット 受入検査の立会い"), None),
        _r(d(2026, 11, 11), 1_200, "川崎駅前パーキング", "6250", "10", T_SHOP, "駐車料金"),
    ], submit=True)
    admin = actor_by_email(db.uow(), f"admin{DOMAIN}", "cli")
    _decide(db, admin, factory.id)

    # 鈴木 (営業管理部): sent back by 山田 for a missing purpose
    sent = _claim(db, who["jimu"], "10月 交際費", [
        _r(d(2026, 10, 28), 16_500, "銀座 鮨たか", "6230", "10", T_SHOP, "会食"),
    ], submit=True)
    _decide(db, admin, sent.id, "send_back", "参加者（相手先の会社名・人数）を目的に記入してください。")

    # 中村 (総務部): a draft not yet submitted
    _claim(db, who["soumu"], "備品の立替購入", [
        _r(d(2026, 11, 18), 3_980, "文具のまるや", "6280", "10", T_SHOP, "来客用スリッパ・名札ケース"),
        _r(d(2026, 11, 18), 1_100, "日本郵便 渋谷郵便局", "6260", "0", "", "切手（110円×10枚）"),
    ], submit=False)
