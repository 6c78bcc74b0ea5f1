"""The demo company's 契約台帳: about 40 contracts (NDAs, 業務委託, 基本契約, leases ...), one office lease whose
更新拒絶期限 falls within the next 60 days so that the renewal dashboard and its alert are alive."""

from __future__ import annotations

import datetime as dt

from ennoshita.actor import Actor
from ennoshita.contracts import rules, services
from ennoshita.dates import today_tokyo
from ennoshita.db import Database
from ennoshita.identity.services import actor_by_email

D = dt.date
COUNTERPARTIES = ("株式会社テック商事", "関西精工株式会社", "みなと物流株式会社", "株式会社北斗システム",
                  "中部精密工業株式会社", "株式会社さくらデザイン", "有限会社ひかり印刷", "株式会社グリーンオフィス",
                  "東都クリエイト株式会社", "株式会社アオバ総研")


def _month_end(day: dt.date) -> dt.date:
    return rules.shift_months(D(day.year, day.month, 1), 1) - dt.timedelta(days=1)


def load(db: Database, actor: Actor) -> None:
    houmu = actor_by_email(db.uow(), "houmu@demo.ennoshita.jp", "cli")
    today = today_tokyo()
    add = services.register

    def new(**kw: object) -> services.ContractView:
        return add(db.uow(), houmu, services.NewContract(**kw), today=today)  # type: ignore[arg-type]

    # the office lease: 更新拒絶期限 (3 months before the end) about three to seven weeks from today
    deadline = _month_end(today + dt.timedelta(days=20))
    lease_end = rules.shift_months(deadline, 3)
    lease_start = rules.shift_months(lease_end, -24) + dt.timedelta(days=1)
    lease = new(title="本社事務所 建物賃貸借契約", contract_type="lease", counterparty="丸の内ビルディング株式会社",
                start_on=lease_start, end_on=lease_end, signed_on=lease_start - dt.timedelta(days=20),
                amount=None, auto_renew=True, renewal_months=24, notice_months=3, status="signed",
                department="管理部",
                description="期間満了の3ヶ月前までに書面による申出がない限り、同一条件で2年間更新する。")
    new(title="大阪営業所 賃貸借契約", contract_type="lease", counterparty="北浜不動産株式会社", start_on=D(2025, 4, 1),
        end_on=D(2027, 3, 31), signed_on=D(2025, 3, 10), auto_renew=True, renewal_months=24, notice_months=6,
        status="signed", department="営業部")
    new(title="複合機 リース契約", contract_type="lease", counterparty="オフィスリース株式会社",
        start_on=D(2025, 11, 1), end_on=D(2030, 10, 31), signed_on=D(2025, 10, 20), amount=1_080_000,
        status="signed", department="管理部")
    masters = []
    for i, name in enumerate(COUNTERPARTIES[:5]):
        start = D(2024 + i % 3, 1 + (i * 2) % 12, 1)
        masters.append(new(
            title=f"取引基本契約書（{name}）", contract_type="master", counterparty=name, start_on=start,
            end_on=rules.shift_months(start, 12) - dt.timedelta(days=1), signed_on=start - dt.timedelta(days=7),
            auto_renew=True, renewal_months=12, notice_months=1 + i % 3, status="signed", stamp_document="7",
            department="営業部"))
    for i in range(15):
        name = COUNTERPARTIES[i % len(COUNTERPARTIES)]
        start = D(2025, 1 + i % 12, 1 + i)
        new(title=f"秘密保持契約書（{name}）", contract_type="nda", counterparty=name, start_on=start,
            end_on=rules.shift_months(start, 36) - dt.timedelta(days=1), signed_on=start, electronic=True,
            auto_renew=i % 3 == 0, renewal_months=12, notice_months=1, status="signed" if i != 14 else "review",
            related_id=masters[i % 5].id if i < 5 else None, department="営業部" if i % 2 else "購買部")
    for i in range(12):
        name = COUNTERPARTIES[(i + 3) % len(COUNTERPARTIES)]
        start = D(2026, 1 + i % 11, 1)
        amount = (300_000, 800_000, 1_000_000, 1_000_001, 2_400_000, 4_800_000)[i % 6] * (1 + i // 6)
        new(title=f"業務委託契約書 {('システム保守', '経理代行', '清掃', 'Web制作', '翻訳', '研修')[i % 6]}（{name}）",
            contract_type="outsourcing", counterparty=name, start_on=start,
            end_on=rules.shift_months(start, 6 + i) - dt.timedelta(days=1), signed_on=start - dt.timedelta(days=5),
            amount=amount, electronic=i % 2 == 0, stamp_document="2", status="signed" if i < 10 else "review",
            department=("管理部", "経理部", "営業部")[i % 3])
    for i, (title, amount, doc, subject) in enumerate((
            ("倉庫用地 売買契約書", 48_000_000, "1", "real_estate"), ("本社改装工事 請負契約書", 6_600_000, "2",
                                                                   "construction"),
            ("社用車 売買契約書", 3_150_000, None, "other"), ("サーバー機器 売買契約書", 1_180_000, None, "other"),
            ("ソフトウェア使用許諾契約書", 600_000, None, "other"))):
        new(title=title, contract_type=("sale", "contracting", "sale", "sale", "license")[i],
            counterparty=COUNTERPARTIES[i + 5], start_on=D(2024 + i % 3, 4 + i, 1), signed_on=D(2024 + i % 3, 4 + i, 1),
            end_on=None, amount=amount, stamp_document=doc, stamp_subject=subject, status="signed",
            department="管理部")
    services.send_alerts(db.uow(), actor, today)
    assert lease.notice_deadline is not None
