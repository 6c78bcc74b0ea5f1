"""Numbers typed with full-width characters are normalised where they enter (issue 11 item 14): a 登録番号
becomes ``T`` + 13 ASCII digits before its check digit is tested, bank / branch / account numbers become
ASCII digits before they are checked and stored (before: refused with a garbled number, or stored as typed
and marked 適格, and bank numbers stored full-width and refused only at the payment run)."""

from __future__ import annotations

import pytest

from ennoshita.actor import Actor
from ennoshita.db import Database
from ennoshita.errors import Invalid
from ennoshita.identity import company as company_service
from ennoshita.identity import load_company
from ennoshita.sales import partners

ADMIN = Actor.system()


def _partner(db: Database, code: str, number: str, **bank: str) -> partners.PartnerSummary:
    return partners.create_partner(db.uow(), ADMIN, partners.PartnerInput(
        code=code, name=f"仕入先{code}", name_kana="シイレサキ", registration_number=number, is_customer=False,
        is_supplier=True, closing_day=31, months_after=1, pay_day=31, **bank))


@pytest.mark.parametrize("typed", [
    "Ｔ７１２３４５６７８９０１２",        # all full-width
    "T７１２３４５６７８９０１２",         # T then full-width digits
    "ｔ7123-4567-89012",                 # full-width lower-case t, hyphens
    "７１２３４５６７８９０１２",          # no T
])
def test_a_full_width_registration_number_is_stored_as_t_and_13_ascii_digits(db: Database, typed: str) -> None:
    p = _partner(db, "S1", typed)
    assert p.registration_number == "T7123456789012"  # 7123456789012: 法人番号 check digit 7 (省令の計算例)
    assert p.is_qualified_issuer


def test_a_wrong_check_digit_is_refused_with_the_normalised_number(db: Database) -> None:
    with pytest.raises(Invalid) as exc:
        _partner(db, "S1", "Ｔ８１２３４５６７８９０１２")
    assert exc.value.problems[0].field == "registration_number"
    assert exc.value.problems[0].params["value"] == "T8123456789012"


def test_partner_bank_numbers_are_normalised(db: Database) -> None:
    p = _partner(db, "S1", "", bank_code="０００５", branch_code="１２３", account_number="１２３４５６７")
    assert (p.bank_code, p.branch_code, p.account_number) == ("0005", "123", "1234567")


def test_company_bank_numbers_are_normalised(db: Database) -> None:
    company_service.update_company(db.uow(), ADMIN, {"name": "テスト株式会社", "fiscal_year_start_month": 4})
    company_service.save_bank_account(db.uow(), ADMIN, company_service.BankAccountData(
        bank_code="０００１", bank_name_kana="ﾐｽﾞﾎ", branch_code="００１", branch_name_kana="ﾎﾝﾃﾝ",
        account_type="普通", account_number="１２３－４５６７", holder_kana="ｶ)ｻｸﾗｾｲｷ",
        zengin_requester_code="１２３４５６７８９０", is_default=True))
    with db.uow() as uow:
        bank = load_company(uow).bank_accounts[0]
    assert (bank.bank_code, bank.branch_code, bank.account_number, bank.zengin_requester_code) == (
        "0001", "001", "1234567", "1234567890")
