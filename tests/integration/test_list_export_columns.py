"""The list exports carry what a back-office user needs to round-trip or audit (SQLite and PostgreSQL).

取引先: the export's columns are exactly 取引先の一括登録's (headed in the user's language), so the list exported,
edited as Excel would (a code's leading zeros lost, an amount with a thousands separator), and imported into a
fresh database gives the same partners, field by field: 与信限度額, 締日, 支払月・支払日, 登録番号, the bank account,
a name guarded against formulas. Before, the export had nine columns in labels the import refused.

入金消込: each deposit with the invoices its match cleared, the 振込手数料 the customer deducted and how it was
booked, what went to the 預り残高, the journal entry; for every matched deposit amount + fee = cleared + kept.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient

from ennoshita.actor import Actor
from ennoshita.db import Database
from ennoshita.sales import partner_import, partners
from tests.conftest import _Templates, csrf_of, login

SALES_ADMIN = "jimu@demo.ennoshita.jp"
EIGYO = Actor(user_id=None, name="営業事務 三郎", roles=frozenset({"sales_admin"}), via="cli")
FULL = partners.PartnerInput(
    code="RT-001", name="=SUM(A1)商事株式会社", name_kana="サムショウジ", honorific="様",
    registration_number="T7123456789012", is_customer=True, is_supplier=True, postal_code="100-0001",
    address="東京都千代田区千代田1-1", billing_address="東京都港区芝公園4-2-8 経理部", phone="+81-3-1234-5678",
    email="keiri@sum.example.jp", closing_day=20, months_after=2, pay_day=10, holiday_shift="previous",
    fee_bearer="payee", bank_code="0005", branch_code="001", account_type="checking", account_number="0012345",
    account_holder_kana="ｻﾑｼﾖｳｼﾞ(ｶ", credit_limit=3_000_000, notes="与信は半期ごとに見直し\n担当: 営業二課",
    withholding_category="design")
SUBCONTRACTOR = partners.PartnerInput(
    code="RT-002", name="小林製作所", name_kana="コバヤシセイサクシヨ", is_customer=False, is_supplier=True,
    closing_day=31, months_after=1, pay_day=20, small_subcontractor=True, small_subcontractor_basis="資本金1千万円",
    is_qualified_issuer=None)


def _rows(body: bytes, encoding: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode(encoding), newline="")))


def _csv(rows: list[list[str]], encoding: str) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return buf.getvalue().encode(encoding)


def _fields(db: Database) -> dict[str, dict[str, Any]]:
    """Every active partner's import columns, by code."""
    with db.uow() as uow:
        return {p.code: {name: getattr(p, name) for name in partner_import.COLUMNS}
                for p in partners.export_partners(uow.session, EIGYO)}


def _fresh(db: Database, templates: _Templates, tmp_path: Any) -> Database:
    url = templates.sqlite(tmp_path / "fresh.db") if db.url.startswith("sqlite") else templates.postgresql()
    return Database(url)


def test_the_import_reads_every_column_the_export_writes() -> None:
    assert partner_import.COLUMNS == tuple(f.name for f in dataclasses.fields(partners.PartnerInput))
    assert {"credit_limit", "closing_day", "months_after", "pay_day", "registration_number"} <= set(
        partner_import.COLUMNS)
    for lang in ("ja", "en"):
        assert all(partner_import.column_of(partner_import.column_label(lang, c)) == c
                   for c in partner_import.COLUMNS)
    assert partner_import.column_of("締日") == "closing_day" and partner_import.column_of("Credit limit") == \
        "credit_limit"
    assert partner_import.column_of("与信限度額（credit_limit）") == "credit_limit"


@pytest.mark.parametrize(("language", "encoding", "first"), [("ja", "cp932", "コード（code）"),
                                                               ("en", "utf-8", "Code (code)")])
def test_partners_exported_edited_and_imported_into_a_fresh_database_are_the_same(
        client: TestClient, demo_db: Database, templates: _Templates, tmp_path: Any, language: str, encoding: str,
        first: str) -> None:
    partners.create_partner(demo_db.uow(), EIGYO, FULL)
    partners.create_partner(demo_db.uow(), EIGYO, SUBCONTRACTOR)
    token = login(client, SALES_ADMIN)
    if language == "en":
        client.post("/language", data={"language": "en", "next": "/", "csrf_token": token})
        assert csrf_of(client.get("/me").text)
    response = client.get(f"/sales/partners?export=csv&encoding={encoding}")
    assert response.status_code == 200
    rows = _rows(response.content, "utf-8-sig" if encoding == "utf-8" else "cp932")
    assert rows[0][0] == first and len(rows[0]) == len(partner_import.COLUMNS)
    header = [partner_import.column_of(h) for h in rows[0]]
    assert header == list(partner_import.COLUMNS)
    full = next(r for r in rows if r[0] == "RT-001")
    cell = dict(zip(header, full, strict=True))
    assert (cell["credit_limit"], cell["closing_day"], cell["months_after"], cell["pay_day"]) == (
        "3000000", "20", "2", "10")
    assert (cell["registration_number"], cell["is_qualified_issuer"], cell["withholding_category"]) == (
        "T7123456789012", "1", "design")
    assert cell["name"] == "'=SUM(A1)商事株式会社" and cell["phone"] == "'+81-3-1234-5678"  # never a formula

    expected = _fields(demo_db)
    assert expected["RT-001"]["credit_limit"] == 3_000_000 and expected["RT-002"]["small_subcontractor"] is True
    # edited as Excel saves it: a code's leading zeros gone, an amount with a thousands separator
    i_bank, i_limit = header.index("bank_code"), header.index("credit_limit")
    full[i_bank], full[i_limit] = "5", "3,500,000"
    expected["RT-001"]["credit_limit"] = 3_500_000

    fresh = _fresh(demo_db, templates, tmp_path)
    try:
        count = partner_import.import_partners(fresh.uow(), EIGYO, _csv(rows, encoding))
        assert count == len(rows) - 1 == len(expected)
        assert _fields(fresh) == expected  # field by field, every partner
    finally:
        fresh.dispose()


def test_deposit_export_shows_the_fee_and_what_each_deposit_cleared(client: TestClient, demo_db: Database) -> None:
    login(client, SALES_ADMIN)
    for encoding, codec in (("utf-8", "utf-8-sig"), ("cp932", "cp932")):
        rows = _rows(client.get(f"/sales/receipts?export=csv&encoding={encoding}").content, codec)
        head = rows[0]
        assert head[:5] == ["入金日", "振込依頼人", "入金額", "得意先", "状態"], head
        added = {"消込先の請求書", "消込額", "振込手数料", "手数料の処理", "預り残高へ", "仕訳番号", "消込日時"}
        assert added <= set(head)
        col = {name: head.index(name) for name in head}
        matched = [r for r in rows[1:] if r[col["状態"]] == "消込済"]
        assert len(matched) >= 3
        for r in matched:  # a deposit pays what it cleared, less the fee the customer deducted, plus its credit
            paid, fee, cleared, kept = (int(r[col[c]]) for c in ("入金額", "振込手数料", "消込額", "預り残高へ"))
            assert paid + fee == cleared + kept
            assert r[col["消込先の請求書"]].startswith("INV-") and r[col["仕訳番号"]].startswith("JE-")
        aoba = [r for r in matched if "アオバ" in r[col["振込依頼人"]]]
        assert len(aoba) == 1 and aoba[0][col["振込手数料"]] == "660"  # 青葉商事 deducted the fee (the demo's)
        assert aoba[0][col["手数料の処理"]] in ("支払手数料", "売上値引")
        unmatched = [r for r in rows[1:] if r[col["状態"]] == "未消込"]
        assert unmatched and all(r[col["消込先の請求書"]] == "" and r[col["振込手数料"]] == "" for r in unmatched)


def test_invoice_delivery_and_desk_exports_carry_what_their_screens_show(client: TestClient,
                                                                         demo_db: Database) -> None:
    from ennoshita.identity import services as identity
    from ennoshita.sales import queries as sq

    login(client, "admin@demo.ennoshita.jp")
    rows = _rows(client.get("/sales/invoices?export=csv&encoding=cp932").content, "cp932")
    col = {name: i for i, name in enumerate(rows[0])}
    assert {"今回御請求額", "入金状況"} <= set(col)
    states = {r[col["入金状況"]] for r in rows[1:]}
    assert {"入金済", "未入金"} <= states, states
    for r in rows[1:]:  # the state agrees with the amounts beside it
        state, paid, left = r[col["入金状況"]], r[col["入金済額"]], r[col["未入金額"]]
        if state == "入金済":
            assert left == "0" and int(paid) > 0
        elif state == "未入金":
            assert paid == "0" and int(left) > 0
        elif state == "一部入金":
            assert int(paid) > 0 and int(left) > 0

    actor = identity.actor_by_email(demo_db.uow(), "admin@demo.ennoshita.jp", "web")
    unbilled = sq.list_deliveries(demo_db.uow(), actor, sq.DeliveryFilter("", unbilled=True), sq.PageRequest(1, 1))
    rows = _rows(client.get("/sales/deliveries?export=csv&encoding=utf-8").content, "utf-8-sig")
    invoice = rows[0].index("請求書")
    assert sum(1 for r in rows[1:] if r[invoice] == "未請求") == unbilled.total > 0
    assert all(r[invoice].startswith("INV-") for r in rows[1:] if r[invoice] != "未請求")

    rows = _rows(client.get("/desk/queue?team=accounting&status=all&export=csv&encoding=utf-8").content, "utf-8-sig")
    head = rows[0]
    assert {"依頼部署", "期限", "残り時間", "作成した書類"} <= set(head), head
    left = [r[head.index("残り時間")] for r in rows[1:]]
    assert all(v == "" or v.startswith(("残り", "期限超過")) for v in left) and any(left)
