"""労働条件通知書 (労基法15条, 労基則5条: 休日 is a matter to state in writing) names the company's own 法定休日
(人事設定, 労基法35条), not always Sunday (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

from ennoshita.actor import Actor
from ennoshita.db import Database
from ennoshita.hr import services
from ennoshita.hr.employees import EmployeeInput
from ennoshita.hr.settings import update_settings
from ennoshita.identity import company as company_service

ADMIN = Actor.system()


def test_the_labour_conditions_notice_names_the_companys_legal_holiday(db: Database) -> None:
    company_service.update_company(db.uow(), ADMIN, {"name": "株式会社さくら精機", "fiscal_year_start_month": 4})
    update_settings(db.uow(), ADMIN, legal_holiday_weekday=6)  # 6 = Saturday (ISO weekday)
    emp = services.hire(db.uow(), ADMIN, EmployeeInput(
        employee_number="K001", name="通知 一郎", name_kana="ツウチ イチロウ", birth_date=dt.date(1990, 1, 1),
        hire_date=dt.date(2026, 4, 1), employment_type="regular", department="製造部", weekly_days=5,
        weekly_minutes=2400))
    html, _ = services.contract_html(db.uow(), ADMIN, emp)
    # Mon-Fri scheduled: off on Saturday and Sunday; the 法定休日 is the Saturday the company set
    assert "毎週土・日曜日、国民の祝日（法定休日は土曜日）" in html
    assert "法定休日は日曜日" not in html
