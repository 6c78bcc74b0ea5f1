"""固定資産 end to end on SQLite and PostgreSQL: buy (仕訳) → register → 12 monthly runs → the ledger's 減価償却費
equals the register; disposal with gain/loss; locked months and bad input refused with nothing written.

Hand-computed (April fiscal year, indirect style):
  server ¥1,000,000, 5 years 200% 定率法, in use 2026-04-10: year 1 = 1,000,000 × 0.400 = 400,000 (12 months)
  PC ¥240,000 (少額 rule not chosen), 4 years 定率法 (0.500), in use 2026-10-01: 6 months → 240,000 × 0.5 × 6/12
  = 60,000
  一括償却資産 ¥150,000 in 2026-06: 150,000 × 12/36 = 50,000
  total for FY2026 = 510,000
"""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from ennoshita.actor import Actor
from ennoshita.assets import services as assets
from ennoshita.db import Database
from ennoshita.errors import Conflict, Invalid
from ennoshita.identity import company as company_service
from ennoshita.identity.models import Company
from ennoshita.ledger import EntryDraft, LineDraft
from ennoshita.ledger import services as ledger
from tests.conftest import ADMIN as ADMIN_EMAIL
from tests.integration.test_api import auth, token_for

ADMIN = Actor.system()
D = dt.date


@pytest.fixture
def books(db: Database) -> Database:
    company_service.update_company(db.uow(), ADMIN, {"name": "株式会社さくら精機", "fiscal_year_start_month": 4})
    return db


def _sum(db: Database, code: str, side: str) -> int:
    with db.uow() as uow:
        return int(uow.session.execute(text(
            f"SELECT COALESCE(SUM(l.{side}), 0) FROM journal_lines l JOIN accounts a ON a.id = l.account_id "
            "WHERE a.code = :c"), {"c": code}).scalar_one())


def test_twelve_monthly_runs_post_what_the_register_says(books: Database) -> None:
    db = books
    ledger.post_entry(db.uow(), ADMIN, EntryDraft(D(2026, 4, 10), "サーバー購入", "テック商事", (
        LineDraft("1550", 1_000_000, 0, tax_category="out_of_scope"),
        LineDraft("2150", 0, 1_000_000, tax_category="out_of_scope"))))
    server = assets.register(db.uow(), ADMIN, assets.NewAsset("ファイルサーバー", "server", D(2026, 4, 10), 1_000_000))
    pc = assets.register(db.uow(), ADMIN, assets.NewAsset("ノートPC", "pc", D(2026, 10, 1), 240_000,
                                                          method="declining"))
    lump = assets.register(db.uow(), ADMIN, assets.NewAsset("複合機トナー棚", "desk_other", D(2026, 6, 5), 150_000,
                                                            method="lump_sum"))
    assert server.method == "declining_200" and server.life == 5 and lump.life == 0
    preview = assets.preview_run(db.uow(), ADMIN, "monthly", D(2026, 4, 1))
    assert preview.total == 400_000 // 12  # 33,333; nothing is posted by a preview
    assert _sum(db, "6410", "debit") == 0
    for i in range(12):
        month = D(2026 + (3 + i) // 12, (3 + i) % 12 + 1, 1)
        assets.post_run(db.uow(), ADMIN, "monthly", month)
    assert _sum(db, "6410", "debit") == 400_000 + 60_000 + 50_000
    assert _sum(db, "1570", "credit") == 400_000 + 60_000  # indirect: 減価償却累計額
    assert _sum(db, "1550", "credit") == 50_000  # 一括償却資産 written off directly
    for view, expected in ((server, 400_000), (pc, 60_000), (lump, 50_000)):
        assert assets.get_asset(db.uow(), ADMIN, view.id).accumulated == expected
    with pytest.raises(Conflict):
        assets.post_run(db.uow(), ADMIN, "monthly", D(2026, 5, 1))


def test_sale_posts_gain_and_retirement_posts_loss(books: Database) -> None:
    db = books
    car = assets.register(db.uow(), ADMIN, assets.NewAsset("社用車", "car", D(2026, 4, 1), 3_000_000,
                                                           method="straight"))
    van = assets.register(db.uow(), ADMIN, assets.NewAsset("営業車", "car", D(2026, 4, 1), 3_000_000,
                                                           method="straight"))
    assets.post_run(db.uow(), ADMIN, "yearly", D(2026, 4, 1))
    # 定額法 6 years 0.167: 3,000,000 × 0.167 = 501,000; book 2,499,000. The sale is a 課税売上 10% (税抜経理,
    # 切り捨て): sold for 2,600,000 税込 → 仮受消費税 2,600,000 × 10/110 = 236,363.6 → 236,363; net 2,363,637;
    # loss 2,499,000 − 2,363,637 = 135,363 (売却損); 売却益 takes the net proceeds and gives them back (nets to 0)
    assert assets.get_asset(db.uow(), ADMIN, car.id).accumulated == 501_000
    sold = assets.dispose(db.uow(), ADMIN, assets.Disposal(car.id, D(2027, 4, 20), "sale", 2_600_000))
    assert sold.disposal_gain == -135_363 and sold.status == "disposed"
    assert (_sum(db, "8110", "credit"), _sum(db, "8110", "debit")) == (2_363_637, 2_363_637)
    assert _sum(db, "8210", "debit") == 135_363
    assert _sum(db, "2220", "credit") == 236_363  # 仮受消費税: counted in the 課税標準 like any 課税売上
    # book 2,499,000 again; sold for 3,300,000 税込 → tax 300,000, net 3,000,000 → 売却益 501,000
    gain = assets.dispose(db.uow(), ADMIN, assets.Disposal(van.id, D(2027, 4, 21), "sale", 3_300_000))
    assert gain.disposal_gain == 501_000
    assert _sum(db, "8110", "credit") - _sum(db, "8110", "debit") == 501_000
    assert _sum(db, "2220", "credit") == 236_363 + 300_000
    desk = assets.register(db.uow(), ADMIN, assets.NewAsset("事務机", "desk_metal", D(2026, 4, 1), 300_000,
                                                            method="straight"))
    retired = assets.dispose(db.uow(), ADMIN, assets.Disposal(desk.id, D(2026, 5, 1), "retire"))
    assert retired.disposal_gain == -300_000 and _sum(db, "8220", "debit") == 300_000


def test_bad_input_and_locked_months_write_nothing(books: Database) -> None:
    db = books
    with pytest.raises(Invalid) as err:
        assets.register(db.uow(), ADMIN, assets.NewAsset("PC", "pc", D(2026, 4, 1), 0))
    assert err.value.problems[0].field == "cost"
    with pytest.raises(Invalid) as err:
        assets.register(db.uow(), ADMIN, assets.NewAsset("PC", "pc", D(2026, 4, 1), 500_000, life=1))
    assert err.value.problems[0].field == "life"
    pc = assets.register(db.uow(), ADMIN, assets.NewAsset("PC", "pc", D(2026, 4, 1), 500_000))
    with pytest.raises(Invalid) as err:
        assets.dispose(db.uow(), ADMIN, assets.Disposal(pc.id, D(2026, 3, 31), "retire"))
    assert err.value.problems[0].field == "day"
    ledger.lock_month(db.uow(), ADMIN, "2026-04")
    with pytest.raises(Invalid) as err:
        assets.post_run(db.uow(), ADMIN, "monthly", D(2026, 4, 1))
    assert err.value.problems[0].key == "ledger.error.period_locked"
    assert _sum(db, "6410", "debit") == 0
    assert assets.get_asset(db.uow(), ADMIN, pc.id).accumulated == 0


def test_sme_small_assets_are_capped_at_three_million_a_year(books: Database) -> None:
    db = books
    for i in range(10):
        assets.register(db.uow(), ADMIN, assets.NewAsset(f"PC {i}", "pc", D(2026, 5, 1), 300_000,
                                                         method="sme_small"))
    with pytest.raises(Invalid) as err:
        assets.register(db.uow(), ADMIN, assets.NewAsset("PC 11", "pc", D(2026, 5, 1), 300_000, method="sme_small"))
    assert err.value.problems[0].key == "assets.error.sme_cap"


def test_declaration_figures_per_municipality_as_of_1_january(books: Database) -> None:
    # 1 January 2027: 前年前取得 = held on 2026-01-01 and acquired before it; 前年中 = acquired/disposed in 2026.
    db = books
    reg = assets.register
    reg(db.uow(), ADMIN, assets.NewAsset("複合機", "copier", D(2025, 6, 1), 800_000, department="総務",
                                         municipality="千代田区"))
    desk = reg(db.uow(), ADMIN, assets.NewAsset("事務机", "desk_metal", D(2025, 7, 1), 400_000,
                                                municipality="千代田区"))
    reg(db.uow(), ADMIN, assets.NewAsset("サーバー", "server", D(2026, 5, 1), 1_200_000, municipality="千代田区"))
    reg(db.uow(), ADMIN, assets.NewAsset("PC", "pc", D(2026, 8, 1), 250_000, municipality="大阪市北区"))
    reg(db.uow(), ADMIN, assets.NewAsset("社用車", "car", D(2026, 4, 1), 3_000_000, municipality="千代田区"))
    reg(db.uow(), ADMIN, assets.NewAsset("タブレット", "pc", D(2026, 4, 1), 150_000, method="lump_sum",
                                         municipality="千代田区"))
    reg(db.uow(), ADMIN, assets.NewAsset("来年のPC", "pc", D(2027, 1, 5), 300_000, municipality="千代田区"))
    assets.dispose(db.uow(), ADMIN, assets.Disposal(desk.id, D(2026, 9, 30), "retire"))
    from ennoshita.assets import queries

    table = queries.declaration(db.uow(), ADMIN, 2027)
    rows = {(r["municipality"], r["class_no"]): r for r in table.rows}
    # 千代田区 工具器具備品 (6): before 800,000 + 400,000; decrease 400,000 (事務机); increase 1,200,000 (サーバー);
    # 計 = 1,200,000 − 400,000 + 1,200,000 = 2,000,000. The car (自動車税), the 一括償却資産 and 2027's PC are out.
    assert (rows[("千代田区", "6")]["before"], rows[("千代田区", "6")]["decrease"],
            rows[("千代田区", "6")]["increase"], rows[("千代田区", "6")]["total"]) == (
        1_200_000, 400_000, 1_200_000, 2_000_000)
    assert rows[("大阪市北区", "6")]["total"] == 250_000
    assert len(rows) == 2


def test_equipment_lent_once_returned_and_listed_for_the_leaving_employee(books: Database) -> None:
    from ennoshita.assets import equipment
    from ennoshita.identity import services as identity

    db = books
    identity.create_user(db.uow(), ADMIN, identity.NewUser(email="ito@example.jp", display_name="伊藤 翔",
                                                           roles=("requester",), password="pw-for-tests-1"))
    uid = identity.find_user_id(db.uow(), "ito@example.jp")
    pc = equipment.add_item(db.uow(), ADMIN, equipment.NewItem("PC-001", "ThinkPad", "pc"))
    lent = equipment.lend(db.uow(), ADMIN, equipment.NewLoan(pc.id, user_id=uid, lent_on=D(2026, 4, 1)))
    assert lent.status == "lent" and lent.borrower == "伊藤 翔"
    with pytest.raises(Conflict):
        equipment.lend(db.uow(), ADMIN, equipment.NewLoan(pc.id, employee_name="山本", lent_on=D(2026, 4, 2)))
    assert [i.tag for i in equipment.open_loans_of(db.uow(), ADMIN, user_id=uid)] == ["PC-001"]
    with pytest.raises(Invalid):
        equipment.return_item(db.uow(), ADMIN, pc.id, D(2026, 3, 31))
    back = equipment.return_item(db.uow(), ADMIN, pc.id, D(2026, 12, 1), on_leaving=True)
    assert back.status == "in_stock" and equipment.open_loans_of(db.uow(), ADMIN, user_id=uid) == []


def test_depreciation_style_and_alert_days_are_company_settings(client: TestClient, demo_db: Database) -> None:
    """総務・法務's settings go through the one company path (screen and API): bad values name their field."""
    token = token_for(demo_db, ADMIN_EMAIL)
    r = client.patch("/api/v1/company", headers=auth(token),
                     json={"depreciation_style": "sideways", "contract_alert_days": 0})
    assert r.status_code == 422
    assert {e["field"] for e in r.json()["errors"]} == {"depreciation_style", "contract_alert_days"}
    r = client.patch("/api/v1/company", headers=auth(token),
                     json={"depreciation_style": "direct", "sme": False, "contract_alert_days": 90})
    assert r.status_code == 200, r.text
    body = client.get("/api/v1/company", headers=auth(token)).json()
    assert (body["depreciation_style"], body["sme"], body["contract_alert_days"]) == ("direct", False, 90)
    # the depreciation run then posts against the asset itself (直接法): no 減価償却累計額
    with demo_db.uow() as uow:
        assert uow.session.get(Company, 1).depreciation_style == "direct"  # type: ignore[union-attr]


def test_a_retired_lump_sum_asset_keeps_its_thirds(books: Database) -> None:
    # 一括償却資産 (法令133条の2) are charged a third a year for three years even when one is retired or sold inside
    # them (法人税基本通達7-1-13): ¥150,000 in use 2026-06-05 and retired 2026-07-31 posts no 除却損, and each
    # fiscal year (April-March) FY2026, FY2027 and FY2028 still charges 150,000 × 12/36 = 50,000.
    db = books
    lump = assets.register(db.uow(), ADMIN, assets.NewAsset("展示台", "desk_other", D(2026, 6, 5), 150_000,
                                                            method="lump_sum"))
    retired = assets.dispose(db.uow(), ADMIN, assets.Disposal(lump.id, D(2026, 7, 31), "retire"))
    assert retired.status == "disposed" and retired.disposal_gain == 0
    assert _sum(db, "8220", "debit") == 0
    for year, total in ((2026, 50_000), (2027, 100_000)):
        assets.post_run(db.uow(), ADMIN, "yearly", D(year, 4, 1))
        assert _sum(db, "6410", "debit") == total
    assert _sum(db, "1550", "credit") == 100_000  # written off directly
    assert assets.get_asset(db.uow(), ADMIN, lump.id).accumulated == 100_000
    # FY2028 lies beyond the years the books take postings for yet: its run would charge the last third
    assert assets.preview_run(db.uow(), ADMIN, "yearly", D(2028, 4, 1)).total == 50_000
    # sold instead, for 33,000 税込 (課税売上, 税抜経理: 仮受消費税 33,000 × 10/110 = 3,000): the net 30,000 is all
    # 売却益 and the book value stays to be charged
    other = assets.register(db.uow(), ADMIN, assets.NewAsset("陳列棚", "desk_other", D(2026, 6, 5), 150_000,
                                                             method="lump_sum"))
    sold = assets.dispose(db.uow(), ADMIN, assets.Disposal(other.id, D(2027, 5, 10), "sale", 33_000))
    assert sold.disposal_gain == 30_000
    assert (_sum(db, "8110", "credit"), _sum(db, "8110", "debit"), _sum(db, "2220", "credit")) == (30_000, 0, 3_000)
    assert _sum(db, "8210", "debit") == 0 and _sum(db, "8220", "debit") == 0


def test_software_is_written_off_directly_and_to_nothing(books: Database) -> None:
    # indirect style (the default): a ソフトウェア (無形固定資産) ¥600,000, 5 years 定額法 → ¥10,000 a month credited
    # to ソフトウェア (1610) itself, never to 減価償却累計額 (財務諸表等規則第30条); the schedule runs to nothing
    # (法人税法施行令61条1項2号; unit test), where a 有形 asset keeps ¥1
    db = books
    software = assets.register(db.uow(), ADMIN, assets.NewAsset("販売管理システム", "software", D(2026, 4, 1), 600_000))
    assert software.account_code == "1610" and software.method == "straight" and software.life == 5
    assets.post_run(db.uow(), ADMIN, "monthly", D(2026, 4, 1))
    assert (_sum(db, "6410", "debit"), _sum(db, "1610", "credit"), _sum(db, "1570", "credit")) == (10_000, 10_000, 0)
    for i in range(1, 12):  # the rest of fiscal year 2026 month by month, then fiscal year 2027 at once
        assets.post_run(db.uow(), ADMIN, "monthly", D(2026 + (3 + i) // 12, (3 + i) % 12 + 1, 1))
    assets.post_run(db.uow(), ADMIN, "yearly", D(2027, 4, 1))
    assert assets.get_asset(db.uow(), ADMIN, software.id).accumulated == 240_000
    assert _sum(db, "1610", "credit") == 240_000 and _sum(db, "1570", "credit") == 0
