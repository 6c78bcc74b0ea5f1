"""Procure to pay through /api/v1 on SQLite and PostgreSQL: PO → 申請 → 承認 (部門長, 経理 above ¥100,000) →
送付 → 検収 → bill draft → 計上 → payment run → 申請 → 承認 by two others (the payer alone refused) → 全銀 file
→ 支払済, 買掛金 back to zero and equal to the AP sub-ledger; a 税込 bill posted net; and each bad input before
any file is written, naming its field.

Figures are computed by hand in the comments (tax once per rate, 切り捨て).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from typer.testing import CliRunner

from ennoshita.actor import Actor
from ennoshita.approvals import services as approvals
from ennoshita.cli.main import app
from ennoshita.db import Database
from ennoshita.errors import Invalid
from ennoshita.identity import company as company_service
from ennoshita.identity import services as identity
from ennoshita.purchasing import bills, payments, zengin
from ennoshita.settings import Settings
from ennoshita.web.app import create_app
from tests.integration.test_api import auth, token_for

ADMIN = Actor.system()
runner = CliRunner()
PEOPLE = (("kobai@example.jp", "高橋 美咲", ("purchasing",), "購買部"),
          ("bucho@example.jp", "森 部長", ("purchasing",), "購買部"),
          ("keiri@example.jp", "佐藤 花子", ("accounting",), "経理部"),
          ("keiri2@example.jp", "鈴木 次郎", ("accounting",), "経理部"),
          ("cfo@example.jp", "山本 財務", ("accounting", "admin"), "経理部"),
          ("yakuin@example.jp", "桜井 一郎", ("admin",), "役員"))


@pytest.fixture
def org(db: Database) -> dict[str, Actor]:
    company_service.update_company(db.uow(), ADMIN, {
        "name": "株式会社さくら精機", "name_kana": "カブシキガイシャサクラセイキ",
        "registration_number": "T7123456789012", "fiscal_year_start_month": 4, "tax_accounting": "exclusive",
        "tax_rounding": "floor"})
    for email, name, roles, dept in PEOPLE:
        identity.create_user(db.uow(), ADMIN, identity.NewUser(email=email, display_name=name, roles=roles,
                                                               password="pw-for-tests-1", department=dept))
    people = {email.split("@")[0]: identity.actor_by_email(db.uow(), email, "web") for email, *_ in PEOPLE}
    approvals.set_department_head(db.uow(), ADMIN, "購買部", people["bucho"].user_id or 0)
    return people


@pytest.fixture
def api(db: Database, app_settings: Settings, org: dict[str, Actor]) -> Iterator[TestClient]:
    with TestClient(create_app(app_settings, db)) as c:
        yield c


@pytest.fixture
def tokens(db: Database, org: dict[str, Actor]) -> dict[str, dict[str, str]]:
    return {email.split("@")[0]: auth(token_for(db, email)) for email, *_ in PEOPLE}


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def _fields(response: Any, status: int = 422) -> list[str]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return [e["field"] for e in response.json()["errors"]]


def _supplier(api: TestClient, who: dict[str, str], code: str, name: str, kana: str, bank: str | None = "0005",
              bearer: str = "ours", holder: str | None = None, registration: str = "") -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "name": name, "name_kana": kana, "is_customer": False, "is_supplier": True,
                            "registration_number": registration,
                            "closing_day": 31, "months_after": 1, "pay_day": 25, "transfer_fee_bearer": bearer}
    if bank is not None:
        body["bank_account"] = {"bank_code": bank, "branch_code": "123", "account_type": "普通",
                                "account_number": "7654321", "holder_kana": holder or kana}
    return _ok(api.post("/api/v1/partners", headers=who, json=body), 201)  # type: ignore[no-any-return]


def _bank_account(api: TestClient, who: dict[str, str]) -> None:
    saved = _ok(api.post("/api/v1/company/bank-accounts", headers=who, json={
        "bank_code": "0001", "bank_name_kana": "ﾐｽﾞﾎ", "branch_code": "001", "branch_name_kana": "ﾎﾝﾃﾝ",
        "account_type": "普通", "account_number": "1234567", "holder_kana": "ｶ)ｻｸﾗｾｲｷ",
        "zengin_requester_code": "1234567890", "is_default": True}), 201)
    assert saved["id"] and saved["is_default"]
    company = _ok(api.get("/api/v1/company", headers=who))
    assert company["bank_accounts"][0]["zengin_requester_code"] == "1234567890"
    assert set(company["bank_accounts"][0]) >= {"bank_code", "bank_name_kana", "branch_code", "branch_name_kana",
                                                "account_type", "account_number", "holder_kana",
                                                "zengin_requester_code"}


def _ledger_payable(db: Database, code: str | None = None) -> int:
    sql = ("SELECT COALESCE(SUM(jl.credit - jl.debit), 0) FROM journal_lines jl JOIN accounts a "
           "ON a.id = jl.account_id LEFT JOIN sub_accounts sa ON sa.id = jl.sub_account_id WHERE a.code = '2120'")
    with db.uow() as uow:
        if code is None:
            return int(uow.session.execute(text(sql)).scalar_one())
        return int(uow.session.execute(text(sql + " AND sa.code = :c"), {"c": code}).scalar_one())


def _account(db: Database, code: str) -> tuple[int, int]:
    with db.uow() as uow:
        row = uow.session.execute(text(
            "SELECT COALESCE(SUM(jl.debit), 0), COALESCE(SUM(jl.credit), 0) FROM journal_lines jl "
            "JOIN accounts a ON a.id = jl.account_id WHERE a.code = :c"), {"c": code}).one()
        return int(row[0]), int(row[1])


def test_procure_to_pay_through_the_api(api: TestClient, db: Database, tokens: dict[str, dict[str, str]],
                                        org: dict[str, Actor]) -> None:
    kobai, bucho, keiri, keiri2, cfo, yakuin = (tokens[k] for k in ("kobai", "bucho", "keiri", "keiri2", "cfo",
                                                                     "yakuin"))
    _bank_account(api, cfo)
    maker = _supplier(api, cfo, "S101", "株式会社ヤマダ部品", "カブシキガイシャヤマダブヒン",
                      registration="T5010001008846")
    assert maker["bank_account"] == {"bank_code": "0005", "branch_code": "123", "account_type": "普通",
                                     "account_number": "7654321", "holder_kana": "カブシキガイシャヤマダブヒン"}
    assert maker["transfer_fee_bearer"] == "ours" and maker["fee_bearer"] == "payer"

    # 発注: 10 x 20,000 = 200,000, tax 20,000 → 220,000 (> ¥100,000: 部門長 then 経理)
    po = _ok(api.post("/api/v1/purchase-orders", headers=kobai, json={
        "partner_id": maker["id"], "order_date": "2026-11-02", "delivery_date": "2026-11-16",
        "subject": "精密部品", "department": "購買部",
        "lines": [{"description": "精密部品", "quantity": "10", "unit_price": "20000", "tax_rate": "10"}]}), 201)
    assert (po["number"], po["status"], po["net"], po["tax"], po["gross"]) == ("PO-2026-000001", "draft", 200_000,
                                                                             20_000, 220_000)
    po = _ok(api.post(f"/api/v1/purchase-orders/{po['id']}/submit", headers=kobai))
    assert po["status"] == "pending_approval" and po["approval_request_id"]
    request_id = po["approval_request_id"]
    assert [r["id"] for r in _ok(api.get("/api/v1/approvals/waiting", headers=bucho))["items"]] == [request_id]
    assert [r["id"] for r in _ok(api.get("/api/v1/approvals/mine", headers=kobai))["items"]] == [request_id]
    assert api.post(f"/api/v1/approvals/{request_id}/approve", headers=kobai, json={}).status_code == 403
    assert _ok(api.post(f"/api/v1/approvals/{request_id}/approve", headers=bucho,
                        json={"comment": "了解"}))["status"] == "pending"
    decided = _ok(api.post(f"/api/v1/approvals/{request_id}/approve", headers=keiri, json={}))
    assert decided["status"] == "approved" and [s["decision"] for s in decided["steps"]] == ["approved", "approved"]
    assert _ok(api.post(f"/api/v1/purchase-orders/{po['id']}/send", headers=kobai))["status"] == "sent"
    pdf = api.get(f"/api/v1/purchase-orders/{po['id']}/pdf", headers=kobai)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    line_id = po["lines"][0]["id"]
    po = _ok(api.post(f"/api/v1/purchase-orders/{po['id']}/receipts", headers=kobai, json={
        "receipt_date": "2026-11-12", "lines": [{"order_line_id": line_id, "quantity": "10"}]}), 201)
    assert po["status"] == "received" and po["lines"][0]["received_quantity"] == "10"

    # 仕入請求書 as a draft: nothing posted, no payable; then 計上 (matched, ≤ ¥300,000: posted at once)
    bill = _ok(api.post("/api/v1/bills", headers=kobai, json={
        "partner_id": maker["id"], "bill_number": "YB-1120", "issue_date": "2026-11-20", "due_date": "2026-12-25",
        "order_id": po["id"], "department": "購買部",
        "lines": [{"description": "精密部品", "quantity": "10", "unit_price": "20000", "tax_rate": "10",
                   "order_line_id": line_id}]}), 201)
    assert (bill["status"], bill["gross"], bill["journal_entry"]) == ("draft", 220_000, None)
    # 検収基準 (the default): the 検収 of 2026-11-12 posted 200,000 + 20,000 / 買掛金 220,000, owed to the supplier
    # from then on (the draft bill adds nothing), counted by the 買掛金残高 and by the check
    payables = _ok(api.get("/api/v1/payables", headers=keiri))
    assert payables["total"] == 220_000 == _ledger_payable(db, "S101")
    assert [(s["bills"], s["open_amount"], s["unbilled"]) for s in payables["suppliers"]] == [(0, 220_000, 220_000)]
    assert _ok(api.get("/api/v1/payables/check", headers=keiri)) == {"subledger": 220_000, "ledger": 220_000,
                                                                      "ok": True}
    bill = _ok(api.post(f"/api/v1/bills/{bill['id']}/post", headers=kobai))
    assert (bill["status"], bill["match_status"], bill["deductible_tax"]) == ("posted", "matched", 20_000)
    assert bill["journal_entry"] is None  # the bill settles the receipt: no second purchase, no difference
    assert api.post(f"/api/v1/bills/{bill['id']}/post", headers=kobai).status_code == 409
    payables = _ok(api.get("/api/v1/payables", headers=keiri))
    assert payables["total"] == 220_000 == _ledger_payable(db, "S101")
    schedule = _ok(api.get("/api/v1/payment-schedule", headers=keiri,
                           params={"from": "2026-12-01", "to": "2026-12-31"}))
    assert [(r["due_date"], r["amount"]) for r in schedule["items"]] == [("2026-12-25", 220_000)]
    assert [b["number"] for b in _ok(api.get("/api/v1/bills", headers=keiri))["items"]] == [bill["number"]]

    # 支払: other bank, we bear the fee (770) → transfer 220,000; created as a draft, submitted, 承認 by two
    run = _ok(api.post("/api/v1/payment-runs", headers=keiri2, json={
        "payment_date": "2026-12-25", "bill_ids": [bill["id"]], "payer_id": org["cfo"].user_id}), 201)
    assert (run["status"], run["transfer_total"], run["fee_total"]) == ("draft", 220_000, 770)
    run = _ok(api.post(f"/api/v1/payment-runs/{run['id']}/submit", headers=keiri2))
    assert run["status"] == "pending_approval" and run["approval_request_id"]
    assert api.post(f"/api/v1/payment-runs/{run['id']}/approve", headers=keiri2).status_code == 403  # submitter
    assert _ok(api.post(f"/api/v1/payment-runs/{run['id']}/approve", headers=cfo))["status"] == "pending_approval"
    assert api.post(f"/api/v1/payment-runs/{run['id']}/approve", headers=cfo).status_code == 403  # payer alone
    assert _ok(api.post(f"/api/v1/payment-runs/{run['id']}/approve", headers=yakuin))["status"] == "approved"

    response = api.get(f"/api/v1/payment-runs/{run['id']}/zengin", headers=keiri, params={"line_ending": "crlf"})
    assert response.status_code == 200, response.text
    content = response.content
    records = content.split(b"\r\n")[:-1]
    assert len(records) == 4 and all(len(r) == 120 for r in records)
    header, transfers, trailer = zengin.parse_file(content, year=2026)
    assert header.requester_code == "1234567890" and header.transfer_date == dt.date(2026, 12, 25)
    assert (trailer.count, trailer.total) == (1, 220_000) == (len(transfers), sum(t.amount for t in transfers))
    assert transfers[0].recipient_name == "ｶ)ﾔﾏﾀﾞﾌﾞﾋﾝ"
    again = api.get(f"/api/v1/payment-runs/{run['id']}/zengin", headers=keiri, params={"line_ending": "none"})
    assert again.content == content  # the stored file, byte for byte
    assert _ok(api.get(f"/api/v1/payment-runs/{run['id']}", headers=keiri))["status"] == "exported"

    paid = api.post(f"/api/v1/payment-runs/{run['id']}/paid?confirm_early=true", headers=keiri)
    assert _ok(paid)["status"] == "paid"
    assert _ok(api.get("/api/v1/payables", headers=keiri))["total"] == 0
    assert _ledger_payable(db, "S101") == 0 == _ledger_payable(db)
    # the fee is a 課税仕入れ split under 税抜経理 like any other (issue 11 item 2): 770 x 10/110 = 70
    assert _account(db, "6340") == (700, 0)


def test_a_tax_inclusive_bill_is_posted_net(api: TestClient, db: Database, tokens: dict[str, dict[str, str]]
                                            ) -> None:
    kobai, cfo = tokens["kobai"], tokens["cfo"]
    supplier = _supplier(api, cfo, "S201", "株式会社みなと商会", "カブシキガイシャミナトシヨウカイ",
                         registration="T5010001008846")  # a registered issuer: all the tax is creditable
    # 10%: 110,000 税込 → tax floor(110,000 x 10/110) = 10,000, net 100,000; 8%: 10,800 → tax 800, net 10,000
    bill = _ok(api.post("/api/v1/bills", headers=kobai, json={
        "partner_id": supplier["id"], "bill_number": "MN-77", "issue_date": "2026-11-20", "due_date": "2026-12-25",
        "lines": [{"description": "事務用品", "amount": "110000", "tax_rate": "10", "price_includes_tax": True},
                  {"description": "飲料", "amount": 10800, "tax_rate": "8", "price_includes_tax": True}]}), 201)
    assert (bill["net"], bill["tax"], bill["gross"], bill["price_entry"]) == (110_000, 10_800, 120_800, "inclusive")
    posted = _ok(api.post(f"/api/v1/bills/{bill['id']}/post", headers=kobai))
    assert (posted["status"], posted["deductible_tax"]) == ("posted", 10_800)
    assert _account(db, "5120") == (110_000, 0) and _account(db, "1460") == (10_800, 0)
    assert _ledger_payable(db, "S201") == 120_800
    # a second entry of the same bill is refused at 計上, naming the first
    dup = _ok(api.post("/api/v1/bills", headers=kobai, json={
        "partner_id": supplier["id"], "bill_number": "MN-78", "issue_date": "2026-11-20", "due_date": "2026-12-25",
        "lines": [{"description": "x", "amount": "100", "tax_rate": "10", "price_includes_tax": True}]}), 201)
    assert dup["status"] == "draft"
    mixed = api.post("/api/v1/bills", headers=kobai, json={
        "partner_id": supplier["id"], "bill_number": "MN-79", "issue_date": "2026-11-20",
        "lines": [{"description": "a", "amount": "100", "price_includes_tax": True},
                  {"description": "b", "amount": "100", "price_includes_tax": False}]})
    assert _fields(mixed) == ["lines[1].price_includes_tax"]


def _posted_bill(db: Database, who: Actor, supplier_id: int, number: str, price: str) -> int:
    return bills.record_bill(db.uow(), who, bills.BillInput(
        supplier_id, number, dt.date(2026, 11, 20), (bills.BillLineInput("加工", price),),
        due_date=dt.date(2026, 12, 25))).id


def test_bad_input_is_refused_before_any_file(api: TestClient, db: Database, tokens: dict[str, dict[str, str]],
                                              org: dict[str, Actor]) -> None:
    keiri, cfo = tokens["keiri"], tokens["cfo"]
    _bank_account(api, cfo)
    good = _supplier(api, cfo, "S301", "良品工業", "リヨウヒンコウギヨウ")
    no_bank = _supplier(api, cfo, "S302", "口座なし商店", "コウザナシシヨウテン", bank=None)
    # a holder the 全銀 file cannot carry is refused when the supplier is saved; one saved before that check
    # (or written by hand) is still refused by the payment run, naming the supplier
    with pytest.raises(AssertionError, match="account_holder_kana"):
        _supplier(api, cfo, "S303", "記号商事", "キゴウシヨウジ", holder="キゴウ＠シヨウジ")
    bad_kana = _supplier(api, cfo, "S303", "記号商事", "キゴウシヨウジ")
    with db.uow() as uow:
        uow.session.execute(text("UPDATE partners SET account_holder_kana = 'キゴウ＠シヨウジ' WHERE code = 'S303'"))
        uow.commit()
    bill_good = _posted_bill(db, org["kobai"], good["id"], "G-1", "10000")
    bill_no_bank = _posted_bill(db, org["kobai"], no_bank["id"], "N-1", "10000")
    bill_bad_kana = _posted_bill(db, org["kobai"], bad_kana["id"], "K-1", "10000")

    # 2026-11-23 is 勤労感謝の日 (Mon), 2026-12-26 a Saturday
    for holiday in ("2026-11-23", "2026-12-26"):
        refused = api.post("/api/v1/payment-runs", headers=keiri, json={"payment_date": holiday,
                                                                        "bill_ids": [bill_good]})
        assert _fields(refused) == ["payment_date"]
    with pytest.raises(Invalid) as holiday_error:
        payments.create_payment_run(db.uow(), org["keiri"], payments.PaymentRunInput(dt.date(2027, 1, 2),
                                                                                     (bill_good,)))
    assert holiday_error.value.problems[0].field == "payment_date"

    refused = api.post("/api/v1/payment-runs", headers=keiri, json={"payment_date": "2026-12-25",
                                                                    "bill_ids": [bill_good, bill_no_bank]})
    assert set(_fields(refused)) == {"suppliers[S302].bank_code", "suppliers[S302].branch_code",
                                     "suppliers[S302].account_number", "suppliers[S302].account_type"}
    assert "口座なし商店" in refused.json()["errors"][0]["message"]

    refused = api.post("/api/v1/payment-runs", headers=keiri, json={"payment_date": "2026-12-25",
                                                                    "bill_ids": [bill_bad_kana]})
    assert _fields(refused) == ["suppliers[S303].account_holder_kana"]
    assert "記号商事" in refused.json()["errors"][0]["message"] and "@" in refused.json()["errors"][0]["message"]

    # 振込金額 is N10: 9,100,000,000 + tax 910,000,000 = 10,010,000,000 > 9,999,999,999
    huge = bills.record_bill(db.uow(), org["kobai"], bills.BillInput(
        good["id"], "G-BIG", dt.date(2026, 11, 20), (bills.BillLineInput("設備一式", "9100000000"),),
        department="購買部", due_date=dt.date(2026, 12, 25)))
    for who in ("bucho", "keiri"):
        view = approvals.status_of(db.uow(), "supplier_bill", huge.id)
        assert view is not None
        approvals.decide(db.uow(), org[who], view.id, "approve")
    refused = api.post("/api/v1/payment-runs", headers=keiri, json={"payment_date": "2026-12-25",
                                                                    "bill_ids": [huge.id]})
    assert _fields(refused) == ["suppliers[S301].amount"]
    assert "良品工業" in refused.json()["errors"][0]["message"]

    # nothing was reserved and no file written: the good bill still runs
    with db.uow() as uow:
        assert uow.session.execute(text("SELECT COUNT(*) FROM payment_files")).scalar_one() == 0
    run = _ok(api.post("/api/v1/payment-runs", headers=keiri, json={"payment_date": "2026-12-25",
                                                                    "bill_ids": [bill_good]}), 201)
    assert run["bills_total"] == 11_000


def test_the_payables_cli_prints_every_supplier_page_by_page(db: Database, org: dict[str, Actor],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from ennoshita.cli import purchasing as purchasing_cli
    from ennoshita.sales import partners

    monkeypatch.setattr(purchasing_cli, "PAGE_SIZE", 2)  # three suppliers: two pages and a short one
    for n in range(1, 4):
        supplier = partners.create_partner(db.uow(), ADMIN, partners.PartnerInput(
            code=f"S5{n:02d}", name=f"仕入先{n}", name_kana=f"シイレサキ{n}", is_customer=False, is_supplier=True,
            closing_day=31, months_after=1, pay_day=25)).id
        _posted_bill(db, org["kobai"], supplier, f"P-{n}", "10000")  # 11,000 each
    listed = runner.invoke(app, ["purchasing", "payables", "--database-url", db.url, "--as-user",
                                 "keiri@example.jp"])
    assert listed.exit_code == 0, listed.output
    assert all(f"S5{n:02d}" in listed.output for n in range(1, 4)), listed.output
    assert "3 社中 3 社" in listed.output or "3 of 3 suppliers" in listed.output
    assert "33,000" in listed.output


def test_the_payments_cli(db: Database, org: dict[str, Actor], tmp_path: Path) -> None:
    from ennoshita.sales import partners

    company_service.save_bank_account(db.uow(), ADMIN, company_service.BankAccountData(
        bank_code="0001", bank_name_kana="ﾐｽﾞﾎ", branch_code="001", branch_name_kana="ﾎﾝﾃﾝ", account_type="普通",
        account_number="1234567", holder_kana="ｶ)ｻｸﾗｾｲｷ", zengin_requester_code="1234567890", is_default=True))
    supplier = partners.create_partner(db.uow(), ADMIN, partners.PartnerInput(
        code="S401", name="田中鉄工所", name_kana="タナカテツコウシヨ", is_customer=False, is_supplier=True,
        closing_day=31, months_after=1, pay_day=25, fee_bearer="payer", bank_code="0005", branch_code="123",
        account_type="ordinary", account_number="7654321", account_holder_kana="タナカテツコウシヨ")).id
    _posted_bill(db, org["kobai"], supplier, "T-1", "50000")  # 55,000 due 2026-12-25
    url = ["--database-url", db.url]

    listed = runner.invoke(app, ["purchasing", "payables", *url, "--as-user", "keiri@example.jp"])
    assert listed.exit_code == 0, listed.output
    assert "55,000" in listed.output
    holiday = runner.invoke(app, ["payments", "run", "--date", "2026-12-26", *url, "--as-user", "keiri2@example.jp"])
    assert holiday.exit_code == 1 and "payment_date" in holiday.output
    made = runner.invoke(app, ["payments", "run", "--date", "2026-12-25", "--payer", "cfo@example.jp", *url,
                               "--as-user", "keiri2@example.jp"])
    assert made.exit_code == 0, made.output
    waiting = runner.invoke(app, ["approvals", "waiting", *url, "--as-user", "cfo@example.jp"])
    assert waiting.exit_code == 0 and "支払実行" in waiting.output, waiting.output  # the type as the screens name it
    run = payments.list_runs(db.uow(), org["keiri"])[0]
    for who in ("cfo", "yakuin"):
        payments.decide_run(db.uow(), org[who], run.id)
    out = tmp_path / "zengin.txt"
    written = runner.invoke(app, ["payments", "zengin", run.number, "--output", str(out), "--line-ending", "none",
                                  *url, "--as-user", "keiri@example.jp"])
    assert written.exit_code == 0, written.output
    content = out.read_bytes()
    assert len(content) == 4 * 120
    _header, transfers, trailer = zengin.parse_file(content, year=2026)
    assert (trailer.count, trailer.total) == (1, 55_000) and transfers[0].recipient_name == "ﾀﾅｶﾃﾂｺｳｼﾖ"
    paid = runner.invoke(app, ["payments", "paid", str(run.id), *url, "--as-user", "keiri@example.jp",
                                  "--confirm-early"])
    assert paid.exit_code == 0, paid.output
    assert _ledger_payable(db, "S401") == 0


def test_payables_and_the_payment_schedule_page_through_every_open_bill(
        api: TestClient, db: Database, tokens: dict[str, dict[str, str]], org: dict[str, Actor]) -> None:
    """More open bills than a page: each page says how many there are in all (counted and summed in the database),
    and the pages together hold every bill once; the yen totals cover every page, not the one returned."""
    keiri, cfo = tokens["keiri"], tokens["cfo"]
    suppliers = [_supplier(api, cfo, f"S40{i}", f"仕入先{i}", f"シイレサキ{i}") for i in range(1, 4)]
    expected: list[tuple[str, int]] = []
    for n in range(7):  # 7 bills of 3 suppliers, due 2026-12-01 .. 2026-12-07
        due = dt.date(2026, 12, 1 + n)
        supplier = suppliers[n % 3]
        bill_id = bills.record_bill(db.uow(), org["kobai"], bills.BillInput(
            supplier["id"], f"P-{n}", dt.date(2026, 11, 20), (bills.BillLineInput("加工", str(1000 * (n + 1))),),
            due_date=due)).id
        expected.append((due.isoformat(), bill_id))
    amounts = sum(1100 * (n + 1) for n in range(7))  # 10% tax on each

    seen: list[tuple[str, int]] = []
    page = 1
    while True:
        found = _ok(api.get("/api/v1/payables", headers=keiri, params={"page": page, "per_page": 3}))
        assert (found["bills_total"], found["bills_amount"], found["total"]) == (7, amounts, amounts)
        assert (found["suppliers_total"], found["page"], found["per_page"]) == (3, page, 3)
        assert len(found["bills"]) <= 3
        if not found["bills"]:
            break
        seen += [(b["due_date"], b["bill_id"]) for b in found["bills"]]
        page += 1
    assert seen == expected and page == 4  # pages 1-3 of 3, 3 and 1 bills; page 4 is empty
    first = _ok(api.get("/api/v1/payables", headers=keiri, params={"per_page": 2}))
    assert [s["code"] for s in first["suppliers"]] == ["S401", "S402"] and first["suppliers_total"] == 3

    one = _ok(api.get("/api/v1/payables", headers=keiri, params={"partner": suppliers[0]["id"], "per_page": 1,
                                                                  "due_by": "2026-12-04"}))
    assert (one["bills_total"], one["bills_amount"]) == (2, 1100 + 4400)  # bills 0 and 3 of S401
    assert one["total"] == 1100 + 4400 + 7700 and one["suppliers_total"] == 1 and len(one["bills"]) == 1

    span = {"from": "2026-12-01", "to": "2026-12-31", "per_page": 5}
    first = _ok(api.get("/api/v1/payment-schedule", headers=keiri, params=span))
    second = _ok(api.get("/api/v1/payment-schedule", headers=keiri, params={**span, "page": 2}))
    assert (first["items_total"], first["total"]) == (second["items_total"], second["total"]) == (7, amounts)
    assert [len(first["items"]), len(second["items"])] == [5, 2]
    assert [r["due_date"] for r in first["items"] + second["items"]] == [d for d, _ in expected]
    assert api.get("/api/v1/payment-schedule", headers=keiri, params={**span, "per_page": 500}).status_code == 422
