"""The 適格請求書発行事業者 flag of a partner, on SQLite and PostgreSQL: it follows a valid 登録番号 unless the user
marks the registration as lapsed, and purchasing then credits only the transitional share of the input tax.

Bill of 2026-11-10 (経過措置 70%), 外注加工 10,000 税抜: tax 1,000; registered → 仮払消費税 1,000;
lapsed → floor(1,000 x 0.7) = 700 and 300 stays in 仕入高."""

from __future__ import annotations

import datetime as dt

import pytest

from ennoshita.actor import Actor
from ennoshita.db import Database
from ennoshita.errors import Invalid
from ennoshita.identity import company as company_service
from ennoshita.purchasing import bills
from ennoshita.sales import partners

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
