"""The demo company's 固定資産台帳 and 備品: PCs, a server, a car, office fittings, one 一括償却資産 and one
少額減価償却資産, the October 2026 depreciation run posted, and equipment lent to employees."""

from __future__ import annotations

import datetime as dt

from ennoshita.actor import Actor
from ennoshita.assets import equipment, rules, services
from ennoshita.assets.tables import KIND_BY_CODE
from ennoshita.db import Database
from ennoshita.identity.services import actor_by_email, find_user_id

D = dt.date
TAKEN_OVER_THROUGH = D(2026, 9, 30)  # the months up to the last locked month come from the previous register
TOKYO, OSAKA = "東京都千代田区", "大阪市北区"

# (name, kind, acquired, cost, method, department, location, municipality)
ASSETS = (
    ("事務机・キャビネット一式", "desk_metal", D(2022, 4, 1), 820_000, "declining", "管理部", "本社 3F", TOKYO),
    ("社用車 トヨタ プリウス", "car", D(2023, 7, 10), 3_150_000, "declining", "営業部", "本社 駐車場", TOKYO),
    ("事務所 内装工事", "fixture_interior", D(2024, 4, 1), 2_400_000, "straight", "管理部", "本社 3F", TOKYO),
    ("ファイルサーバー PowerEdge T360", "server", D(2024, 10, 1), 1_180_000, "declining", "管理部", "本社 サーバー室",
     TOKYO),
    ("ノートPC ThinkPad X1（営業用）", "pc", D(2025, 5, 12), 328_000, "declining", "営業部", "本社 2F", TOKYO),
    ("ノートPC ThinkPad X1（経理用）", "pc", D(2025, 5, 12), 328_000, "declining", "経理部", "本社 3F", TOKYO),
    ("応接セット", "reception_set", D(2025, 4, 15), 450_000, "straight", "管理部", "本社 応接室", TOKYO),
    ("複合機 imageRUNNER（大阪営業所）", "copier", D(2025, 11, 1), 980_000, "declining", "営業部", "大阪営業所",
     OSAKA),
    ("タブレット端末 iPad（展示会用）", "pc", D(2026, 6, 10), 158_000, "lump_sum", "営業部", "本社 2F", TOKYO),
    ("ノートPC MacBook Pro（開発用）", "pc", D(2026, 8, 20), 289_800, "sme_small", "管理部", "本社 3F", TOKYO),
    ("ノートPC ThinkPad T14（新入社員用）", "pc", D(2026, 10, 5), 312_000, "declining", "購買部", "本社 2F", TOKYO),
)

# (tag, name, kind, serial, lent to (e-mail or (name, number)), lent on)
ITEMS = (
    ("PC-001", "ThinkPad X1（営業用）", "pc", "PF3A1001", "eigyo@demo.ennoshita.jp", D(2025, 5, 15)),
    ("PC-002", "ThinkPad X1（経理用）", "pc", "PF3A1002", "keiri@demo.ennoshita.jp", D(2025, 5, 15)),
    ("PC-003", "MacBook Pro（開発用）", "pc", "C02XK003", None, None),
    ("PC-004", "ThinkPad T14（新入社員用）", "pc", "PF4B2004", "kobai@demo.ennoshita.jp", D(2026, 10, 6)),
    ("PC-005", "ThinkPad L13（予備機）", "pc", "PF2C3005", None, None),
    ("PHONE-001", "iPhone 15（営業）", "phone", "F2LX0001", "eigyo@demo.ennoshita.jp", D(2025, 4, 1)),
    ("PHONE-002", "iPhone 15（事務）", "phone", "F2LX0002", "jimu@demo.ennoshita.jp", D(2025, 4, 1)),
    ("PHONE-003", "Galaxy A55（契約社員）", "phone", "R58W0003", ("山本 里奈", "E-1021"), D(2026, 4, 1)),
    ("KEY-001", "本社 通用口の鍵", "key", "", "soumu@demo.ennoshita.jp", D(2024, 4, 1)),
    ("KEY-002", "書庫の鍵", "key", "", None, None),
    ("CARD-001", "入館カード 0001", "card", "0001", "admin@demo.ennoshita.jp", D(2023, 4, 1)),
    ("CARD-002", "入館カード 0002", "card", "0002", "houmu@demo.ennoshita.jp", D(2023, 4, 1)),
    ("CARD-003", "入館カード 0003", "card", "0003", ("山本 里奈", "E-1021"), D(2026, 4, 1)),
    ("CARD-004", "入館カード 0004（来客用）", "card", "0004", None, None),
)


def load(db: Database, actor: Actor) -> None:
    soumu = actor_by_email(db.uow(), "soumu@demo.ennoshita.jp", "cli")
    for name, kind, acquired, cost, method, dept, location, muni in ASSETS:
        accumulated, through = 0, None
        if acquired <= TAKEN_OVER_THROUGH:
            row = KIND_BY_CODE[kind]
            years = rules.schedule(cost, 0 if method in services.DIRECT_METHODS else row.life, method, acquired, 4,
                                   row.family)
            accumulated, through = cost - rules.book_value_at(years, cost, TAKEN_OVER_THROUGH), TAKEN_OVER_THROUGH
        services.register(db.uow(), soumu, services.NewAsset(
            name, kind, acquired, cost, method, department=dept, location=location, municipality=muni,
            supplier="大塚商会" if kind in ("pc", "server", "copier") else "", accumulated=accumulated,
            depreciated_through=through))
    services.post_run(db.uow(), soumu, "monthly", D(2026, 10, 1))
    for tag, name, kind, serial, who, lent_on in ITEMS:
        item = equipment.add_item(db.uow(), soumu, equipment.NewItem(tag, name, kind, serial, location="本社"))
        if who is None or lent_on is None:
            continue
        if isinstance(who, str):
            equipment.lend(db.uow(), soumu, equipment.NewLoan(item.id, user_id=find_user_id(db.uow(), who),
                                                              lent_on=lent_on))
        else:
            equipment.lend(db.uow(), soumu, equipment.NewLoan(item.id, employee_name=who[0], employee_number=who[1],
                                                              lent_on=lent_on))
    equipment.mark_checked(db.uow(), soumu, list(range(1, len(ITEMS) + 1)), D(2026, 9, 30))
