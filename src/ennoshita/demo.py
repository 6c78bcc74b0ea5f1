"""The demo company: settings, bank account, users of every role, then each domain's demo data.

``make run`` loads it on the first start so that a newcomer sees a living company, not empty tables.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select

from ennoshita.actor import Actor
from ennoshita.db import Database
from ennoshita.identity import company as company_service
from ennoshita.identity import services as identity
from ennoshita.identity.models import User

DEMO_PASSWORD = "ennoshita-demo"
SEAL_FONT = Path("/usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf")
SEAL_RED = "#c0392b"
# 角印 read in columns, right to left, top to bottom: 株式会社 / さくら精 / 機之印
SEAL_COLUMNS = ("株式会社", "さくら精", "機之印")

# (e-mail, display name, roles, department)
DEMO_USERS: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    ("admin@demo.ennoshita.jp", "山田 太郎", ("admin",), "管理部"),
    ("keiri@demo.ennoshita.jp", "佐藤 花子", ("accounting",), "経理部"),
    ("jimu@demo.ennoshita.jp", "鈴木 一郎", ("sales_admin",), "営業管理部"),
    ("kobai@demo.ennoshita.jp", "高橋 美咲", ("purchasing",), "購買部"),
    ("jinji@demo.ennoshita.jp", "田中 健", ("hr",), "人事部"),
    ("soumu@demo.ennoshita.jp", "中村 優子", ("general_affairs",), "総務部"),
    ("houmu@demo.ennoshita.jp", "小林 誠", ("legal",), "法務部"),
    ("eigyo@demo.ennoshita.jp", "伊藤 翔", ("requester",), "営業部"),
    ("kansa@demo.ennoshita.jp", "渡辺 直樹", ("auditor",), "内部監査室"),
    # 出納: prepares and pays the payment runs, which 佐藤 (経理) and 山田 (役員) approve
    ("suitou@demo.ennoshita.jp", "木村 恵", ("accounting",), "経理部"),
)

DEMO_LOGINS: tuple[tuple[str, str, tuple[str, ...]], ...] = tuple(
    (email, DEMO_PASSWORD, roles) for email, _name, roles, _dept in DEMO_USERS
)

Progress = Callable[[int, int], None]
# Each domain's demo module defines ``load(db, admin_actor)``; they run in this order (ledger first:
# the other domains post to it).
DEMO_MODULES: tuple[str, ...] = ("ennoshita.ledger.demo", "ennoshita.sales.demo", "ennoshita.purchasing.demo",
                                 "ennoshita.desk.demo", "ennoshita.expenses.demo",
                                 "ennoshita.hr.demo", "ennoshita.payroll.demo",
                                 "ennoshita.assets.demo", "ennoshita.contracts.demo")


def _loaders() -> list[Callable[[Database, Actor], None]]:
    """Each module's ``load``, then the ledger's month-end close: the months are locked after every domain has
    posted to them, as a company closes a month once its pay, sales and purchases are in."""
    import importlib

    from ennoshita.ledger import demo as ledger_demo

    return [importlib.import_module(name).load for name in DEMO_MODULES] + [ledger_demo.lock_months]


def is_empty(db: Database) -> bool:
    with db.uow() as uow:
        return (uow.session.scalar(select(func.count()).select_from(User)) or 0) == 0


def seal_png(size: int = 360) -> bytes:
    """The demo company's 角印: 株式会社さくら精機之印 in red 明朝 inside a square double border, on a
    transparent background (so it sits over the company's name on the documents like a stamp)."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    outer, inner = size // 28, size // 14
    draw.rectangle((outer, outer, size - 1 - outer, size - 1 - outer), outline=SEAL_RED, width=size // 24)
    draw.rectangle((inner + outer, inner + outer, size - 1 - inner - outer, size - 1 - inner - outer),
                   outline=SEAL_RED, width=max(1, size // 120))
    box = inner + outer + size // 40  # the writing area inside the inner line
    area = size - 2 * box
    col_w = area / len(SEAL_COLUMNS)
    em = int(min(col_w, area / max(len(t) for t in SEAL_COLUMNS)) * 0.94)
    font = (ImageFont.truetype(str(SEAL_FONT), em) if SEAL_FONT.exists()
            else ImageFont.load_default())
    for c, text in enumerate(SEAL_COLUMNS):
        cx = size - box - col_w * (c + 0.5)  # right to left
        cell_h = area / len(text)  # a shorter column spreads its characters over the full height
        for r, char in enumerate(text):
            draw.text((cx, box + cell_h * (r + 0.5)), char, fill=SEAL_RED, font=font, anchor="mm",
                      stroke_width=max(1, size // 180), stroke_fill=SEAL_RED)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def load_demo(db: Database, progress: Progress | None = None) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """Load the demo company into an empty database; returns the logins (e-mail, password, roles)."""
    system = Actor.system("cli")
    company_service.update_company(db.uow(), system, {
        "name": "株式会社さくら精機",
        "name_kana": "カブシキガイシャサクラセイキ",
        "registration_number": "T7123456789012",
        "postal_code": "150-0002",
        "address": "東京都渋谷区渋谷2丁目21番1号 さくらビル8階",
        "phone": "03-1234-5678",
        "representative": "代表取締役 桜井 一郎",
        "fiscal_year_start_month": 4,
        "tax_accounting": "exclusive",
        "tax_rounding": "floor",
    })
    company_service.save_bank_account(db.uow(), system, company_service.BankAccountData(
        bank_code="0001", bank_name_kana="ﾐｽﾞﾎ", branch_code="110", branch_name_kana="ｼﾌﾞﾔ",
        account_type="普通", account_number="1234567", holder_kana="ｶ)ｻｸﾗｾｲｷ",
        zengin_requester_code="1234567890", is_default=True,
    ))
    company_service.upload_seal(db.uow(), system, "社印_さくら精機.png", "image/png", seal_png())
    loaders = _loaders()
    steps = len(DEMO_USERS) + len(loaders)
    done = 0
    for email, name, roles, dept in DEMO_USERS:
        identity.create_user(db.uow(), system, identity.NewUser(
            email=email, display_name=name, roles=roles, password=DEMO_PASSWORD, language="ja",
            department=dept))
        done += 1
        if progress:
            progress(done, steps)
    admin = identity.actor_by_email(db.uow(), DEMO_USERS[0][0], "cli")
    for loader in loaders:
        loader(db, admin)
        done += 1
        if progress:
            progress(done, steps)
    return DEMO_LOGINS
