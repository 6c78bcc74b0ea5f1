"""The company's 人事 settings (kept on the company row): read by every rule through
:func:`ennoshita.hr.calendar.settings`, changed here by 人事 (hr.edit), validated and audited.

- ``week_start`` (1 = 月曜 … 7 = 日曜): the first day of the week for the 週40時間 count (労基法32条①; 就業規則で
  定めがなければ日曜始まり, 昭63.1.1 基発1号).
- ``legal_holiday_weekday`` (1-7): the weekday that is the 法定休日 (労基法35条, 週1日).
- ``half_day``: 半日単位の年休 allowed (通達 平21.5.29 基発0529001号: 使用者が認める場合).
- ``hourly`` and ``hourly_max_days``: 時間単位年休 by 労使協定, at most 5 days a year (労基法39条④), so
  ``hourly_max_days`` is 0-5.
- ``newest_first``: take the newest grant first (会社の定め; the default uses the carried-over days first).
"""

from __future__ import annotations

from dataclasses import asdict

from ennoshita import audit
from ennoshita.actor import Actor
from ennoshita.db import UnitOfWork
from ennoshita.errors import Invalid, NotFound
from ennoshita.hr.calendar import HrSettings, settings
from ennoshita.identity.models import Company
from ennoshita.identity.roles import require

COMPANY_ID = 1
FIELDS = ("week_start", "legal_holiday_weekday", "half_day", "hourly", "hourly_max_days", "newest_first")
HOURLY_MAX_DAYS_LIMIT = 5  # 労基法39条④: 時間単位で与えることができる有給休暇の日数は5日以内


def get_settings(uow: UnitOfWork, actor: Actor) -> HrSettings:
    require(actor, "hr.view")
    with uow:
        if uow.session.get(Company, COMPANY_ID) is None:
            raise NotFound("company.error.not_set_up")
        return settings(uow.session)


def _weekday(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 7:
        raise Invalid("hr.error.settings_weekday", field=field, value=value)
    return value


def _flag(value: object, field: str) -> bool:
    if not isinstance(value, bool):
        raise Invalid("hr.error.settings_flag", field=field, value=value)
    return value


def update_settings(uow: UnitOfWork, actor: Actor, **changes: object) -> HrSettings:
    """Change the settings given (a setting not given is kept); every value is checked before anything is
    written, and the change is audited in the same transaction. Takes effect on the next computation."""
    require(actor, "hr.edit")
    for key in changes:
        if key not in FIELDS:
            raise Invalid("hr.error.settings_unknown", field=key)
    given = {k: v for k, v in changes.items() if v is not None}
    for key in ("week_start", "legal_holiday_weekday"):
        if key in given:
            _weekday(given[key], key)
    for key in ("half_day", "hourly", "newest_first"):
        if key in given:
            _flag(given[key], key)
    if "hourly_max_days" in given:
        v = given["hourly_max_days"]
        if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= HOURLY_MAX_DAYS_LIMIT:
            raise Invalid("hr.error.settings_hourly_max_days", field="hourly_max_days", value=v,
                          max=HOURLY_MAX_DAYS_LIMIT)
    with uow:
        company = uow.session.get(Company, COMPANY_ID)
        if company is None:
            raise NotFound("company.error.not_set_up")
        before = settings(uow.session)
        columns = {"week_start": "hr_week_start", "legal_holiday_weekday": "hr_legal_holiday_weekday",
                   "half_day": "hr_leave_half_day", "hourly": "hr_leave_hourly",
                   "hourly_max_days": "hr_leave_hourly_max_days", "newest_first": "hr_leave_newest_first"}
        for key, value in given.items():
            setattr(company, columns[key], value)
        uow.session.flush()
        after = settings(uow.session)
        if after != before:
            audit.record(uow.session, actor, "company", COMPANY_ID, "hr_settings",
                         before=asdict(before), after=asdict(after))
        uow.commit()
    return after
