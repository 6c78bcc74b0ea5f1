"""The 適格請求書発行事業者 flag of a partner, on SQLite and PostgreSQL: it follows a valid 登録番号 unless the user
marks the registration as lapsed, and purchasing then credits only the transitional share of the input tax.

Bill of 2026-11-10 (経過措置 70%), 外注加工 10,000 税抜: tax 1,000; registered → 仮払消費税 1,000;
lapsed → floor(1,000 x 0.7) = 700 and 300 stays in 仕入高."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from ennoshita.actor import Actor
from ennoshita.db import Database
from ennoshita.errors import Invalid
from ennoshita.identity import company as company_service
from ennoshita.purchasing import bills
from ennoshita.sales import partners
from tests.conftest import login
from tests.integration.test_api import auth, token_for

ADMIN = Actor.system()
NUMBER = "T7123456789012"


def _supplier(db: Database, code: str, flag: bool | None) -> partners.PartnerSummary:
    return partners.create_partner(db.uow(), ADMIN, partners.PartnerInput(
        code=code, name=f"仕入先{code}", name_kana="シイレサキ", registration_number=NUMBER, is_customer=False,
        is_supplier=True, closing_day=31, months_after=1, pay_day=31, is_qualified_issuer=flag))


def test_a_lapsed_registration_takes_the_transitional_share(db: Database) -> None:
    company_service.update_company(db.uow(), ADMIN, {"name": "テスト株式会社", "fiscal_year_start_month": 4,
                                                     "tax_accounting": "exclusive", "tax_rounding": "floor"})
    registered = _supplier(db, "S1", None)
    lapsed = _supplier(db, "S2", False)
    assert registered.is_qualified_issuer is True and lapsed.is_qualified_issuer is False
    assert lapsed.registration_number == NUMBER  # the number stays on record
    with pytest.raises(Invalid) as err:  # registered without a number: refused, naming the field
        partners.create_partner(db.uow(), ADMIN, partners.PartnerInput(
            code="S3", name="番号なし", name_kana="バンゴウナシ", is_customer=False, is_supplier=True,
            is_qualified_issuer=True))
    assert [p.field for p in err.value.problems] == ["is_qualified_issuer"]
    day = dt.date(2026, 11, 10)
    full = bills.record_bill(db.uow(), ADMIN, bills.BillInput(
        registered.id, "A-1", day, (bills.BillLineInput("外注加工", "10000"),)))
    part = bills.record_bill(db.uow(), ADMIN, bills.BillInput(
        lapsed.id, "B-1", day, (bills.BillLineInput("外注加工", "10000"),)))
    assert (full.tax, full.deductible_tax, full.non_deductible_tax) == (1_000, 1_000, 0)
    assert (part.tax, part.deductible_tax, part.non_deductible_tax) == (1_000, 700, 300)


def test_issuer_flag_and_trading_stop_on_screen_and_api(client: TestClient, demo_db: Database) -> None:
    token = login(client, "jimu@demo.ennoshita.jp")
    made = partners.create_partner(demo_db.uow(), ADMIN, partners.PartnerInput(
        code="S9001", name="失効テスト商会", name_kana="シッコウテストショウカイ", registration_number=NUMBER,
        is_customer=False, is_supplier=True))
    page = client.get(f"/sales/partners/{made.id}").text
    assert 'name="is_qualified_issuer"' in page and 'data-testid="toggle-active"' in page
    form = {"csrf_token": token, "code": "S9001", "name": "失効テスト商会", "name_kana": "シッコウテストショウカイ",
            "registration_number": NUMBER, "is_supplier": "1", "is_qualified_issuer": "0", "closing_day": "31",
            "months_after": "1", "pay_day": "31", "honorific": "御中", "holiday_shift": "next",
            "fee_bearer": "payer"}
    saved = client.post(f"/sales/partners/{made.id}", data=form, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    lapsed = partners.get_partner(demo_db.uow(), ADMIN, made.id)
    assert lapsed.is_qualified_issuer is False and lapsed.registration_number == NUMBER
    assert '<option value="0" selected>' in client.get(f"/sales/partners/{made.id}").text
    stopped = client.post(f"/sales/partners/{made.id}/active", data={"csrf_token": token, "active": "0"},
                          follow_redirects=False)
    assert stopped.status_code == 303 and partners.get_partner(demo_db.uow(), ADMIN, made.id).active is False
    api = auth(token_for(demo_db, "jimu@demo.ennoshita.jp"))
    back = client.post(f"/api/v1/partners/{made.id}/active", headers=api, json={"active": True})
    assert back.status_code == 200 and back.json()["active"] is True
    requester = auth(token_for(demo_db, "eigyo@demo.ennoshita.jp"))
    assert client.post(f"/api/v1/partners/{made.id}/active", headers=requester,
                       json={"active": False}).status_code == 403
