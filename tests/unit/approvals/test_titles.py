"""A 稟議's title in the reader's language (approvals/titles.py): titles the application writes are kept as a key
and parameters and written per reader; the Japanese titles rows kept before are recognised and written the same
way. Expected texts are the catalogs' sentences filled by hand."""

from __future__ import annotations

import datetime as dt

from ennoshita.approvals.titles import title_in
from ennoshita.i18n import stored
from ennoshita.payroll.titles import default_message


def test_a_payment_runs_title_is_its_date_in_the_readers_format() -> None:
    kept = stored("approvals.title.payment_run", date=dt.date(2026, 4, 1))
    assert title_in("ja", "payment_run", kept) == "2026年4月1日 支払"
    assert title_in("en", "payment_run", kept) == "Payments of 2026-04-01"
    # as rows submitted before kept it
    assert title_in("ja", "payment_run", "支払 2026-04-01") == "2026年4月1日 支払"
    assert title_in("en", "payment_run", "支払 2026-04-01") == "Payments of 2026-04-01"


def test_leave_and_attendance_requests_name_the_employee_and_the_day() -> None:
    for doc in ("hr_leave", "hr_leave_hr"):
        assert title_in("en", doc, "年次有給休暇 山田 太郎 2026-04-01") == "Paid leave: 山田 太郎, 2026-04-01"
        assert title_in("ja", doc, "年次有給休暇 山田 太郎 2026-04-01") == "年次有給休暇 山田 太郎 2026年4月1日"
    kept = stored("approvals.title.overtime", name="佐藤 花子", date=dt.date(2026, 11, 30))
    assert title_in("en", "hr_attendance", kept) == "Overtime: 佐藤 花子, 2026-11-30"
    assert title_in("ja", "hr_attendance_hr", kept) == "残業申請 佐藤 花子 2026年11月30日"
    assert title_in("en", "hr_attendance", "勤怠修正 佐藤 花子 2026-11-30") == (
        "Attendance correction: 佐藤 花子, 2026-11-30")


def test_an_expense_claim_shows_its_own_subject_without_the_document_type_said_again() -> None:
    assert title_in("en", "expense_claim", "経費精算 11月 営業経費") == "11月 営業経費"
    assert title_in("en", "expense_claim", "11月 営業経費") == "11月 営業経費"


def test_a_pay_run_is_named_by_its_month_or_its_season() -> None:
    monthly = default_message("monthly", dt.date(2026, 11, 30), dt.date(2026, 12, 10))
    assert title_in("ja", "payroll_run", monthly) == "2026年11月分 給与"
    assert title_in("en", "payroll_run", monthly) == "November 2026 pay"
    winter = default_message("bonus", dt.date(2026, 12, 10), dt.date(2026, 12, 10))
    assert title_in("en", "payroll_run", winter) == "Winter bonus 2026"
    # as rows submitted before kept it: the month of a monthly run, the pay date of a bonus
    assert title_in("en", "payroll_run", "2026-11") == "November 2026 pay"
    assert title_in("ja", "payroll_run", "2026-11") == "2026年11月分 給与"
    assert title_in("ja", "payroll_run", "2026-12-10") == "2026年12月10日"


def test_a_title_a_person_wrote_is_shown_as_written() -> None:
    for doc, title in (("purchase_order", "支払 2026-04-01"), ("contract", "2026-11"),
                       ("supplier_bill", "株式会社関東スチール KS-2611-052"), ("journal_entry", "@msg{not json")):
        assert title_in("en", doc, title) == title
