"""用途区分 on purchase order lines (issue 11, 個別対応方式), on SQLite and PostgreSQL.

A purchase posted at 検収 (検収基準, the default) or accrued at a month end (請求基準) carries the 用途区分 of its
order line, and the supplier's bill that follows carries it unchanged, so the 消費税申告 figures put each line's
input tax in its own bucket (消費税法30条②一, 付表2-3 ⑲/⑳). Every figure is computed by hand in the comments.

Company (test_purchasing's): fiscal year April-March, 税抜経理, 1円未満切捨て. FY2026 = 2026-04-01 .. 2027-03-31.

Sales of FY2026, entered as journal entries:
  課税売上10% 11,000,000 税込 -> 売上高 10,000,000 + 仮受消費税 1,000,000
  非課税売上   3,000,000 (土地の貸付け)
  課税売上割合 = 10,000,000 / (10,000,000 + 3,000,000) = 10/13 (76.9% < 95%: 個別対応方式, the default)
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from fastapi.testclient import TestClient

from ennoshita.actor import Actor
from ennoshita.approvals import services as approvals
from ennoshita.db import Database
from ennoshita.errors import DomainError, Invalid
from ennoshita.identity import company as company_service
from ennoshita.ledger import consumption_tax, ctax_rules, services
from ennoshita.ledger.rules import EntryDraft
from ennoshita.purchasing import bills, orders, recognition
from ennoshita.sales.lines import LineInput
from tests.conftest import login
from tests.integration.test_api import auth, token_for
from tests.integration.test_purchasing import _approve
from tests.integration.test_purchasing_recognition import (  # noqa: F401 (fixture)
    ADMIN,
    BILLED,
    RECEIVED,
    _supplier,
    org,
)
from tests.integration.test_purchasing_web import PURCHASING, _supplier_id
from tests.integration.test_tax_integrity import ACCOUNTANT, L, tax_net

FY2026 = (dt.date(2026, 4, 1), dt.date(2027, 3, 31))

# 医療用品 for the clinic the company runs (非課税 社会保険診療), 部品 for its goods, 事務用品 for both, 工具 untagged
LINES = (
    LineInput("医療用品", "10", "50000", "10", tax_purpose="non_taxable"),  # 500,000, tax 50,000
    LineInput("部品", "3", "100000", "10", tax_purpose="taxable"),  # 300,000, tax 30,000
    LineInput("事務用品", "2", "100000", "10", tax_purpose="common"),  # 200,000, tax 20,000
    LineInput("工具", "1", "100000", "10"),  # 100,000, tax 10,000: the company's default (set to 課税売上対応)
)


def _sales(db: Database) -> None:
    services.post_entry(db.uow(), ACCOUNTANT, EntryDraft(dt.date(2026, 5, 10), "売上", "", (
        L("売掛金", 11_000_000), L("売上高", credit=11_000_000, tax="sales_10"))))
    services.post_entry(db.uow(), ACCOUNTANT, EntryDraft(dt.date(2026, 5, 11), "地代", "", (
        L("普通預金", 3_000_000), L("売上高", credit=3_000_000, tax="sales_exempt"))))


def _order(db: Database, org: dict[str, Actor], supplier: int, day: dt.date) -> int:  # noqa: F811
    kobai = org["kobai"]
    po = orders.create_purchase_order(db.uow(), kobai, orders.PurchaseOrderInput(
        supplier, day, LINES, department="購買部"))
    orders.submit_purchase_order(db.uow(), kobai, po.id)
    _approved(db, org, "purchase_order", po.id)
    orders.send_purchase_order(db.uow(), kobai, po.id)
    return po.id


def _approved(db: Database, org: dict[str, Actor], document_type: str, document_id: int) -> None:  # noqa: F811
    """Every step of the route approved by whoever it waits for (部長, 経理, 財務, 役員 in turn)."""
    for who in ("bucho", "keiri", "cfo", "yakuin"):
        view = approvals.status_of(db.uow(), document_type, document_id)
        if view is None or view.status != "pending":
            return
        try:
            _approve(db, org[who], document_type, document_id)
        except DomainError:
            continue  # not this person's step


def _bill_of(db: Database, org: dict[str, Actor], supplier: int, po: int, number: str,  # noqa: F811
             day: dt.date) -> bills.BillSummary:
    """The supplier bills every line as ordered, naming the order lines (as the 発注書から form does)."""
    with db.uow() as uow:
        ids = [ln.id for ln in orders.order_lines(uow.session, po)]
    bill = bills.record_bill(db.uow(), org["kobai"], bills.BillInput(supplier, number, day, tuple(
        bills.BillLineInput(ln.description, str(ln.unit_price), str(ln.quantity), "10", order_line_id=i)
        for ln, i in zip(LINES, ids, strict=True)), order_id=po, department="購買部"))
    _approved(db, org, "supplier_bill", bill.id)
    return bills.get_bill(db.uow(), ADMIN, bill.id)


def _return(db: Database) -> ctax_rules.Return:
    with db.uow() as uow:
        return consumption_tax.fiscal_year_return(uow.session, 2026)


# The receipt (or the accrual, then the bill) of the four lines: net 1,100,000, tax once per rate
# floor(1,100,000 x 10%) = 110,000, 仮払消費税 split in proportion to the lines' amounts per 用途区分:
#   非課税売上対応 500,000 -> 50,000; 課税売上対応 300,000 + 100,000 (default) -> 40,000; 共通対応 200,000 -> 20,000
# The return (割戻し sales, 積上げ purchases: the defaults):
#   ② 消費税額 10,000,000 x 7.8% = 780,000
#   input tax x 78/100: 課税売上対応 40,000 -> 31,200; 非課税売上対応 50,000 -> 39,000; 共通対応 20,000 -> 15,600;
#     all 110,000 -> 85,800
#   個別対応方式 31,200 + 15,600 x 10/13 (= 12,000) = 43,200; 一括比例配分方式 85,800 x 10/13 = 66,000
#   差引 780,000 - 43,200 = 736,800 (¥100未満 none); 地方 736,800 x 22/78 = 207,815.38 -> 207,800
EXPECTED_BUCKETS = (85_800, 31_200, 39_000, 15_600, 43_200, 66_000)


def _buckets(r: ctax_rules.Return) -> tuple[int, ...]:
    return (r.input_tax, r.input_tax_taxable, r.input_tax_non_taxable, r.input_tax_common,
            r.deductible_individual, r.deductible_lump_sum)


def test_a_received_order_line_tagged_non_taxable_is_in_its_bucket(db: Database, org: dict[str, Actor]  # noqa: F811
                                                                   ) -> None:
    """検収基準. Failed before: order lines had no 用途区分 and the receipt posted every line untagged, so the
    return put all 85,800 in 共通対応 (個別対応 66,000 instead of 43,200)."""
    consumption_tax.update_settings(db.uow(), ACCOUNTANT, {"default_purpose": "taxable"})
    _sales(db)
    maker = _supplier(db, "S201", "株式会社ミドリ商事", "T5010001008846")  # registered issuer
    po = _order(db, org, maker, dt.date(2027, 3, 1))
    with db.uow() as uow:
        assert [ln.tax_purpose for ln in orders.order_lines(uow.session, po)] == [
            "non_taxable", "taxable", "common", None]
    orders.record_receipt(db.uow(), org["kobai"], orders.ReceiptInput(po, RECEIVED))

    net = tax_net(db, *FY2026)
    assert net[("purchase_10:non_taxable", "仮払消費税")] == 50_000
    assert net[("purchase_10:non_taxable", "仕入高")] == 500_000
    assert net[("purchase_10:taxable", "仮払消費税")] == 40_000
    assert net[("purchase_10:taxable", "仕入高")] == 400_000
    assert net[("purchase_10:common", "仮払消費税")] == 20_000
    assert net[("purchase_10:common", "仕入高")] == 200_000
    r = _return(db)
    assert r.ratio == Fraction(10, 13) and not r.full_credit
    assert _buckets(r) == EXPECTED_BUCKETS
    assert (r.output_tax, r.deductible, r.national_due, r.local_due) == (780_000, 43_200, 736_800, 207_800)

    # the bill (2027-04-10) names the order lines: it carries their 用途区分 and posts nothing more
    bill = _bill_of(db, org, maker, po, "M-0410", BILLED)
    detail = bills.bill_detail(db.uow(), ADMIN, bill.id)
    assert [ln.tax_purpose for ln in detail.lines] == ["non_taxable", "taxable", "common", None]
    assert (bill.status, bill.gross, detail.summary.entry_no) == ("posted", 1_210_000, None)
    assert tax_net(db, dt.date(2027, 4, 1), dt.date(2027, 4, 30)) == {}
    assert _buckets(_return(db)) == EXPECTED_BUCKETS


def test_an_accrued_order_line_and_its_bill_keep_the_tag(db: Database, org: dict[str, Actor]  # noqa: F811
                                                         ) -> None:
    """請求基準: the month-end accrual and the bill post each line with its order line's 用途区分. Failed before
    (no 用途区分 on order lines: the accrual and the bill posted them all 共通対応)."""
    company_service.update_company(db.uow(), ADMIN, {"purchase_recognition": "bill"})
    consumption_tax.update_settings(db.uow(), ACCOUNTANT, {"default_purpose": "taxable"})
    _sales(db)
    maker = _supplier(db, "S202", "株式会社アオイ", "T5010001008846")
    po = _order(db, org, maker, dt.date(2027, 2, 1))
    orders.record_receipt(db.uow(), org["kobai"], orders.ReceiptInput(po, dt.date(2027, 2, 20)))
    recognition.accrue_unbilled(db.uow(), org["kobai"], dt.date(2027, 2, 28))
    # the accrual of 2027-02-28 and its reversal of 2027-03-01, each tagged: they cancel per 用途区分
    feb = tax_net(db, dt.date(2027, 2, 1), dt.date(2027, 2, 28))
    assert (feb[("purchase_10:non_taxable", "仮払消費税")], feb[("purchase_10:taxable", "仮払消費税")],
            feb[("purchase_10:common", "仮払消費税")]) == (50_000, 40_000, 20_000)
    bill = _bill_of(db, org, maker, po, "A-0310", dt.date(2027, 3, 10))
    assert bill.status == "posted"
    net = tax_net(db, *FY2026)
    assert (net[("purchase_10:non_taxable", "仮払消費税")], net[("purchase_10:taxable", "仮払消費税")],
            net[("purchase_10:common", "仮払消費税")]) == (50_000, 40_000, 20_000)
    assert _buckets(_return(db)) == EXPECTED_BUCKETS


def test_an_unknown_tax_purpose_on_an_order_line_is_refused(db: Database, org: dict[str, Actor]  # noqa: F811
                                                            ) -> None:
    maker = _supplier(db, "S203", "株式会社キイロ", "T5010001008846")
    with pytest.raises(Invalid) as bad:
        orders.create_purchase_order(db.uow(), org["kobai"], orders.PurchaseOrderInput(
            maker, dt.date(2027, 3, 1), (LineInput("部品", "1", "1000", "10", tax_purpose="exempt"),)))
    assert [(p.key, p.field) for p in bad.value.problems] == [("ledger.error.ctax_purpose", "lines[0].tax_purpose")]


def test_the_order_screen_and_the_api_take_the_tax_purpose(client: TestClient, demo_db: Database) -> None:
    """The 発注書 form has a 用途区分 column (the bill form's labels); the detail shows it and 「請求書を登録」 from
    the order carries it into the bill grid. The API takes and returns it, and refuses an unknown one."""
    token = login(client, PURCHASING)
    form = client.get("/purchasing/orders/new")
    assert 'name="lines[0].tax_purpose"' in form.text and "非課税売上対応" in form.text
    supplier = _supplier_id(form.text)
    saved = client.post("/purchasing/orders/new", data={
        "csrf_token": token, "supplier_id": supplier, "order_date": "2026-04-01", "department": "購買部",
        "price_entry": "exclusive", "lines[0].description": "検査キット", "lines[0].quantity": "2",
        "lines[0].unit_price": "5000", "lines[0].tax_rate": "10", "lines[0].tax_purpose": "non_taxable",
        "lines[1].description": "コピー用紙", "lines[1].quantity": "1", "lines[1].unit_price": "3000",
        "lines[1].tax_rate": "10"}, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    order_id = int(saved.headers["location"].split("?")[0].rsplit("/", 1)[1])
    page = client.get(f"/purchasing/orders/{order_id}")
    assert 'data-testid="purpose-1"' in page.text and "非課税売上対応" in page.text
    assert 'data-testid="purpose-2"' not in page.text  # untagged: the company's default
    bill_form = client.get(f"/purchasing/bills/new?order_id={order_id}")
    assert '<option value="non_taxable" selected>' in bill_form.text
    bad = client.post("/purchasing/orders/new", data={
        "csrf_token": token, "supplier_id": supplier, "order_date": "2026-04-01", "price_entry": "exclusive",
        "lines[0].description": "検査キット", "lines[0].unit_price": "5000", "lines[0].tax_purpose": "exempt"})
    assert bad.status_code == 422 and "用途区分「exempt」は使えません" in bad.text

    api = auth(token_for(demo_db, PURCHASING))
    body = {"partner_id": int(supplier), "order_date": "2026-04-01", "lines": [
        {"description": "検査キット", "quantity": "2", "unit_price": "5000", "tax_rate": "10",
         "tax_purpose": "non_taxable"}, {"description": "コピー用紙", "unit_price": "3000", "tax_rate": "10"}]}
    created = client.post("/api/v1/purchase-orders", headers=api, json=body)
    assert created.status_code == 201, created.text
    assert [ln["tax_purpose"] for ln in created.json()["lines"]] == ["non_taxable", None]
    body["lines"][0]["tax_purpose"] = "exempt"  # type: ignore[index]
    refused = client.post("/api/v1/purchase-orders", headers=api, json=body)
    assert refused.status_code == 422


def test_a_bill_of_a_one_purpose_order_takes_that_purpose(db: Database, org: dict[str, Actor]  # noqa: F811
                                                          ) -> None:
    """A bill whose lines name no order line, on an order whose lines are all 非課税売上対応, books them so: the
    receipt and the bill agree and the bill posts nothing more (before: the bill's lines took the default)."""
    maker = _supplier(db, "S204", "株式会社クロ", "T5010001008846")
    kobai = org["kobai"]
    po = orders.create_purchase_order(db.uow(), kobai, orders.PurchaseOrderInput(
        maker, dt.date(2027, 3, 1), (LineInput("検査試薬", "2", "5000", "10", tax_purpose="non_taxable"),
                                     LineInput("検査手袋", "4", "1000", "10", tax_purpose="non_taxable")),
        department="購買部"))
    orders.submit_purchase_order(db.uow(), kobai, po.id)
    _approved(db, org, "purchase_order", po.id)
    orders.send_purchase_order(db.uow(), kobai, po.id)
    orders.record_receipt(db.uow(), kobai, orders.ReceiptInput(po.id, RECEIVED))
    bill = bills.record_bill(db.uow(), kobai, bills.BillInput(maker, "K-1", BILLED, (
        bills.BillLineInput("検査試薬", "5000", "2"), bills.BillLineInput("検査手袋", "1000", "4")),
        order_id=po.id, department="購買部"))
    _approved(db, org, "supplier_bill", bill.id)
    detail = bills.bill_detail(db.uow(), ADMIN, bill.id)
    assert [ln.tax_purpose for ln in detail.lines] == ["non_taxable", "non_taxable"]
    assert (detail.summary.status, detail.summary.entry_no) == ("posted", None)
    # 14,000 + tax floor(1,400) = 15,400, all 非課税売上対応
    net = tax_net(db, *FY2026)
    tagged = "purchase_10:non_taxable"
    assert (net[(tagged, "仕入高")], net[(tagged, "仮払消費税")]) == (14_000, 1_400)
