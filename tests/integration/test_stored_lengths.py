"""Text longer than its column is refused everywhere, with the field and the limit, never stored (SQLite) nor a
500 (PostgreSQL): the company settings, the first-run page and the users named their fields with no limit, and
no service is the last line: the session refuses any ``String(n)`` overflow at flush (issue 13 item 10)."""

from __future__ import annotations

import pytest

from ennoshita.actor import Actor
from ennoshita.db import Database
from ennoshita.errors import Invalid
from ennoshita.identity import services as identity
from ennoshita.identity.company import BankAccountData, save_bank_account, update_company
from ennoshita.identity.models import Company, User
from ennoshita.identity.setup import start_company
from ennoshita.lengths import TOO_LONG

PASSWORD = "a-long-admin-password"


def _too_long(exc: Invalid) -> dict[str, int]:
    return {p.field or "": p.params["max"] for p in exc.problems if p.key == TOO_LONG}


def test_the_first_run_reports_too_long_names_with_every_other_problem(db: Database) -> None:
    with pytest.raises(Invalid) as caught:
        start_company(db.uow(), {"name": "", "name_kana": "ア" * 250, "registration_number": "T1234567890123"},
                      identity.NewUser("not-an-email", "あ" * 150, ("admin",), "short"))
    fields = {p.field for p in caught.value.problems}
    assert {"name", "registration_number", "admin_email", "admin_password"} <= fields
    assert _too_long(caught.value) == {"name_kana": 200, "admin_display_name": 100}
    with db.uow() as uow:
        assert uow.session.get(Company, 1) is None


def test_company_settings_and_bank_accounts_refuse_text_longer_than_the_column(db: Database) -> None:
    start_company(db.uow(), {"name": "株式会社みどり商事"},
                  identity.NewUser("boss@midori.example.jp", "緑川 一郎", ("admin",), PASSWORD))
    actor = Actor.system("test")
    with pytest.raises(Invalid) as caught:
        update_company(db.uow(), actor, {"name": "あ" * 300, "address": "東" * 301})
    assert _too_long(caught.value) == {"name": 200, "address": 300}
    with pytest.raises(Invalid) as caught:
        save_bank_account(db.uow(), actor, BankAccountData("0005", "", "001", "", "普通", "7654321",
                                                           "ｱ" * 41))
    assert _too_long(caught.value) == {"holder_kana": 40}
    with db.uow() as uow:
        company = uow.session.get(Company, 1)
        assert company is not None and company.name == "株式会社みどり商事"


def test_the_session_refuses_any_text_longer_than_its_column_even_when_no_service_checked(db: Database) -> None:
    start_company(db.uow(), {"name": "株式会社みどり商事"},
                  identity.NewUser("boss@midori.example.jp", "緑川 一郎", ("admin",), PASSWORD))
    with db.uow() as uow:
        user = uow.session.query(User).one()
        user.department = "営" * 61
        with pytest.raises(Invalid) as caught:
            uow.session.flush()
    assert _too_long(caught.value) == {"department": 60}
    assert caught.value.problems[0].params["length"] == 61
    with db.uow() as uow:
        assert uow.session.query(User).one().department != "営" * 61
