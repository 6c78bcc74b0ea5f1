"""The 貸借対照表 and the 損益計算書 in the layout of a Japanese 決算書 (会社計算規則 第72条〜第94条), on SQLite and
PostgreSQL, with every line and every 合計 computed by hand.

The books of fiscal year 2026 (April start, 税込経理 so that no line is split):
    2026-04-01  普通預金 1,500,000 / 資本金 1,000,000 + 繰越利益剰余金 500,000    (the opening)
    2026-04-10  工具器具備品 300,000 / 普通預金 300,000                           (a PC)
    2026-04-15  ソフトウェア 120,000 / 普通預金 120,000
    2026-04-20  敷金 200,000 / 普通預金 200,000
    2026-06-30  売掛金 800,000 / 売上高 800,000
    2026-07-31  仕入高 300,000 / 買掛金 300,000
    2026-08-31  地代家賃 240,000 / 普通預金 240,000
    2026-09-01  自己株式 100,000 / 普通預金 100,000
    2026-09-30  支払利息 10,000 / 普通預金 10,000
    2027-03-31  減価償却費 50,000 / 減価償却累計額 50,000
    2027-03-31  法人税、住民税及び事業税 60,000 / 未払法人税等 60,000
損益計算書: 売上高 800,000 - 売上原価 300,000 = 売上総利益 500,000; 販管費 240,000 + 50,000 = 290,000 → 営業利益
210,000; 営業外費用 10,000 → 経常利益 200,000 = 税引前当期純利益; 法人税等 60,000 → 当期純利益 140,000.
貸借対照表 at 2027-03-31: 普通預金 1,500,000 - 300,000 - 120,000 - 200,000 - 240,000 - 100,000 - 10,000 = 530,000,
+ 売掛金 800,000 = 流動資産 1,330,000; 有形 300,000 - 50,000 = 250,000, 無形 120,000, 投資その他 200,000 = 固定資産
570,000; 資産合計 1,900,000 = 負債 (買掛金 300,000 + 未払法人税等 60,000) 360,000 + 純資産 1,540,000 (資本金
1,000,000 + 繰越利益剰余金 500,000 + 140,000 - 自己株式 100,000).
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from ennoshita.actor import Actor
from ennoshita.cli.main import app
from ennoshita.db import Database
from ennoshita.i18n import Translator
from ennoshita.identity import company as company_service
from ennoshita.ledger import queries, reports, services
from ennoshita.ledger.rules import EntryDraft, LineDraft
from ennoshita.tabular import Table, to_html, to_xlsx

ACCOUNTANT = Actor(user_id=None, name="経理 花子", roles=frozenset({"accounting"}), via="cli")
YEAR_END = dt.date(2027, 3, 31)


def L(account: str, debit: int = 0, credit: int = 0) -> LineDraft:  # noqa: N802
    return LineDraft(account_code=account, debit=debit, credit=credit, tax_category=None, sub_account=None,
                     department=None, memo="")


def post(db: Database, day: dt.date, description: str, *lines: LineDraft) -> None:
    services.post_entry(db.uow(), ACCOUNTANT, EntryDraft(day, description, "", lines))


@pytest.fixture
def company(db: Database) -> Database:
    company_service.update_company(db.uow(), Actor.system(), {
        "name": "テスト株式会社", "fiscal_year_start_month": 4, "tax_accounting": "inclusive",
        "tax_rounding": "floor"})
    return db


@pytest.fixture
def books(company: Database) -> Database:
    db = company
    post(db, dt.date(2026, 4, 1), "期首残高", L("普通預金", 1_500_000), L("資本金", credit=1_000_000),
         L("繰越利益剰余金", credit=500_000))
    post(db, dt.date(2026, 4, 10), "PC", L("工具器具備品", 300_000), L("普通預金", credit=300_000))
    post(db, dt.date(2026, 4, 15), "会計ソフト", L("ソフトウェア", 120_000), L("普通預金", credit=120_000))
    post(db, dt.date(2026, 4, 20), "事務所の敷金", L("敷金", 200_000), L("普通預金", credit=200_000))
    post(db, dt.date(2026, 6, 30), "売上", L("売掛金", 800_000), L("売上高", credit=800_000))
    post(db, dt.date(2026, 7, 31), "仕入", L("仕入高", 300_000), L("買掛金", credit=300_000))
    post(db, dt.date(2026, 8, 31), "家賃", L("地代家賃", 240_000), L("普通預金", credit=240_000))
    post(db, dt.date(2026, 9, 1), "自己株式の取得", L("自己株式", 100_000), L("普通預金", credit=100_000))
    post(db, dt.date(2026, 9, 30), "利息", L("支払利息", 10_000), L("普通預金", credit=10_000))
    post(db, YEAR_END, "減価償却", L("減価償却費", 50_000), L("減価償却累計額", credit=50_000))
    post(db, YEAR_END, "法人税等", L("法人税、住民税及び事業税", 60_000), L("未払法人税等", credit=60_000))
    return db


def rows(table: Table) -> list[tuple[str, int | None]]:
    return [(r["label"], r["amount"]) for r in table.rows]


BS_JA = [
    ("資産の部", None),
    ("　流動資産", None),
    ("　　普通預金", 530_000),
    ("　　売掛金", 800_000),
    ("　流動資産合計", 1_330_000),
    ("　固定資産", None),
    ("　　有形固定資産", None),
    ("　　　工具器具備品", 300_000),
    ("　　　減価償却累計額", -50_000),
    ("　　有形固定資産合計", 250_000),
    ("　　無形固定資産", None),
    ("　　　ソフトウェア", 120_000),
    ("　　無形固定資産合計", 120_000),
    ("　　投資その他の資産", None),
    ("　　　敷金", 200_000),
    ("　　投資その他の資産合計", 200_000),
    ("　固定資産合計", 570_000),
    ("資産合計", 1_900_000),
    ("負債の部", None),
    ("　流動負債", None),
    ("　　買掛金", 300_000),
    ("　　未払法人税等", 60_000),
    ("　流動負債合計", 360_000),
    ("　固定負債", None),
    ("　固定負債合計", 0),
    ("負債合計", 360_000),
    ("純資産の部", None),
    ("　株主資本", None),
    ("　　資本金", 1_000_000),
    ("　　利益剰余金", None),
    ("　　　その他利益剰余金", None),
    ("　　　　繰越利益剰余金", 640_000),
    ("　　　　　（うち当期純利益）", 140_000),
    ("　　　その他利益剰余金合計", 640_000),
    ("　　利益剰余金合計", 640_000),
    ("　　自己株式", -100_000),
    ("　株主資本合計", 1_540_000),
    ("純資産合計", 1_540_000),
    ("負債・純資産合計", 1_900_000),
]


def test_the_balance_sheet_groups_fixed_assets_and_net_assets_as_a_japanese_one(books: Database) -> None:
    """Failed before: 固定資産 was one flat list (工具器具備品, 減価償却累計額 -¥50,000, ソフトウェア, 敷金), 純資産
    listed 資本金, 繰越利益剰余金 and 「当期純利益（未処分）」 side by side, and negatives were written -¥."""
    with books.uow() as uow:
        table, st = reports.balance_sheet_table(uow.session, Translator("ja"), YEAR_END, 4)
    assert rows(table) == BS_JA
    assert table.headings == {i for i, (_label, amount) in enumerate(BS_JA) if amount is None}  # 資産の部 ...
    assert table.subtitle.endswith("（単位：円）")
    figures = st.figures
    assert (figures["current_assets"], figures["tangible_fixed_assets"], figures["intangible_fixed_assets"],
            figures["investments_and_other_assets"], figures["fixed_assets"], figures["deferred_assets"]) == (
        1_330_000, 250_000, 120_000, 200_000, 570_000, 0)
    assert (figures["shareholders_equity"], figures["retained_earnings"], figures["treasury_shares"],
            figures["net_assets"], figures["current_net_income"]) == (1_540_000, 640_000, -100_000, 1_540_000, 140_000)
    assert figures["assets"] == figures["liabilities_and_net_assets"] == 1_900_000
    # △ for a negative amount in Japanese: the screen and the PDF (one HTML), the CLI and the XLSX number format
    html = to_html(table)
    assert "△50,000" in html and "△100,000" in html
    assert "-50,000" not in html and "¥" not in html
    assert '<tr class="heading"><td class="text"></td><td class="text">資産の部</td>' in html
    sheet = load_workbook(io.BytesIO(to_xlsx(table))).active
    assert sheet is not None
    cell = next(c for (c,) in sheet.iter_rows(min_col=3, max_col=3) if c.value == -50_000)
    assert cell.number_format == '#,##0;"△"#,##0'


def test_the_english_balance_sheet_keeps_the_minus_sign(books: Database) -> None:
    with books.uow() as uow:
        table, _ = reports.balance_sheet_table(uow.session, Translator("en"), YEAR_END, 4)
    labels = [label.strip("\u3000") for label, _ in rows(table)]
    assert labels[:2] == ["Assets", "Current assets"]
    assert "Property, plant and equipment" in labels and "Property, plant and equipment total" in labels
    assert "(of which: Net income for the current year)" in labels
    html = to_html(table)
    assert "-¥50,000" in html and "△" not in html


def test_the_cli_writes_the_japanese_balance_sheet_with_triangles(books: Database) -> None:
    r = CliRunner(env={"ENNOSHITA_LANG": "ja"}).invoke(
        app, ["report", "bs", "--as-of", "2027-03-31", "--database-url", books.url])
    assert r.exit_code == 0, r.output
    assert "有形固定資産合計" in r.stdout and "△50,000" in r.stdout and "-¥" not in r.stdout
    items = [ln.split("│")[2].strip("\u3000 ") for ln in r.stdout.splitlines() if ln.count("│") == 4]
    assert items[items.index("有形固定資産"):items.index("資産合計") + 1] == [
        "有形固定資産", "工具器具備品", "減価償却累計額", "有形固定資産合計", "無形固定資産", "ソフトウェア",
        "無形固定資産合計", "投資その他の資産", "敷金", "投資その他の資産合計", "固定資産合計", "資産合計"]


def test_the_income_statement_shows_each_step_profit(books: Database) -> None:
    with books.uow() as uow:
        table, st = reports.income_statement_table(uow.session, Translator("ja"), dt.date(2026, 4, 1), YEAR_END)
    assert rows(table) == [
        ("売上高", 800_000),
        ("売上原価", None),
        ("　仕入高", 300_000),
        ("　売上原価合計", 300_000),
        ("売上総利益", 500_000),
        ("販売費及び一般管理費", None),
        ("　地代家賃", 240_000),
        ("　減価償却費", 50_000),
        ("　販売費及び一般管理費合計", 290_000),
        ("営業利益", 210_000),
        ("営業外費用", None),
        ("　支払利息", 10_000),
        ("　営業外費用合計", 10_000),
        ("経常利益", 200_000),
        ("税引前当期純利益", 200_000),
        ("法人税、住民税及び事業税", 60_000),
        ("当期純利益", 140_000),
    ]
    assert (st.figures["gross_profit"], st.figures["operating_income"], st.figures["ordinary_income"],
            st.figures["income_before_taxes"], st.figures["income_taxes"], st.figures["net_income"]) == (
        500_000, 210_000, 200_000, 200_000, 60_000, 140_000)


def test_a_loss_is_named_a_loss(company: Database) -> None:
    """売上高 100,000 - 地代家賃 240,000 = 営業損失 140,000; + 受取利息 50,000 = 経常損失 90,000; + 固定資産売却益
    100,000 = 税引前当期純利益 10,000; - 法人税等 70,000 (均等割) = 当期純損失 60,000. Failed before: 「営業利益
    -¥140,000」, and no heading for a section."""
    db = company
    post(db, dt.date(2026, 4, 1), "期首残高", L("普通預金", 1_000_000), L("資本金", credit=1_000_000))
    post(db, dt.date(2026, 5, 31), "売上", L("売掛金", 100_000), L("売上高", credit=100_000))
    post(db, dt.date(2026, 6, 30), "家賃", L("地代家賃", 240_000), L("普通預金", credit=240_000))
    post(db, dt.date(2026, 7, 31), "利息", L("普通預金", 50_000), L("受取利息", credit=50_000))
    post(db, dt.date(2026, 8, 31), "車両の売却", L("普通預金", 100_000), L("固定資産売却益", credit=100_000))
    post(db, YEAR_END, "法人税等", L("法人税、住民税及び事業税", 70_000), L("未払法人税等", credit=70_000))
    with db.uow() as uow:
        table, st = reports.income_statement_table(uow.session, Translator("ja"), dt.date(2026, 4, 1), YEAR_END)
        bs, _ = reports.balance_sheet_table(uow.session, Translator("ja"), YEAR_END, 4)
        en, _ = reports.income_statement_table(uow.session, Translator("en"), dt.date(2026, 4, 1), YEAR_END)
    assert rows(table) == [
        ("売上高", 100_000),
        ("売上総利益", 100_000),
        ("販売費及び一般管理費", None),
        ("　地代家賃", 240_000),
        ("　販売費及び一般管理費合計", 240_000),
        ("営業損失", 140_000),
        ("営業外収益", None),
        ("　受取利息", 50_000),
        ("　営業外収益合計", 50_000),
        ("経常損失", 90_000),
        ("特別利益", None),
        ("　固定資産売却益", 100_000),
        ("　特別利益合計", 100_000),
        ("税引前当期純利益", 10_000),
        ("法人税、住民税及び事業税", 70_000),
        ("当期純損失", 60_000),
    ]
    assert (st.figures["operating_income"], st.figures["ordinary_income"], st.figures["net_income"]) == (
        -140_000, -90_000, -60_000)
    assert ("　　　　繰越利益剰余金", -60_000) in rows(bs) and ("　　　　　（うち当期純損失）", 60_000) in rows(bs)
    assert "Operating loss" in [label for label, _ in rows(en)]


def test_accounts_a_company_adds_land_in_their_group(company: Database) -> None:
    """A fixed asset added as 1580 構築物 is 有形, 1630 商標権 無形, 1900 保険積立金 (no standard range) 投資その他;
    3290 圧縮積立金 is その他利益剰余金."""
    db = company
    for code, name, section, category in (("1580", "構築物", "fixed_assets", "asset"),
                                          ("1630", "商標権", "fixed_assets", "asset"),
                                          ("1900", "保険積立金", "fixed_assets", "asset"),
                                          ("3290", "圧縮積立金", "net_assets", "equity")):
        services.add_account(db.uow(), ACCOUNTANT, services.AccountInput(code, name, category, section))
    post(db, dt.date(2026, 4, 1), "期首残高", L("構築物", 400_000), L("商標権", 30_000), L("保険積立金", 70_000),
         L("資本金", credit=450_000), L("圧縮積立金", credit=50_000))
    with db.uow() as uow:
        st = queries.balance_sheet(uow.session, YEAR_END, 4)
    assert (st.figures["tangible_fixed_assets"], st.figures["intangible_fixed_assets"],
            st.figures["investments_and_other_assets"], st.figures["other_retained_earnings"]) == (
        400_000, 30_000, 70_000, 50_000)
