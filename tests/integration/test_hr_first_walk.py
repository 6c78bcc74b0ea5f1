"""人事 on the first walk (issue 13): what 人事 meets registering a hire on the screen."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy import select

from ennoshita.db import Database
from ennoshita.hr.models import Assignment, Employee
from tests.conftest import login

HR = "jinji@demo.ennoshita.jp"


def _hire(client: TestClient, token: str, number: str, **fields: str):  # type: ignore[no-untyped-def]
    data = {"csrf_token": token, "employee_number": number, "name": "青木 花", "name_kana": "アオキ ハナ",
            "birth_date": "1995-04-01", "hire_date": "2026-06-01", "gender": "F", "employment_type": "part_time",
            "department": "総務部", "weekly_days": "4", "weekly_hours": "32"}
    data.update(fields)
    return client.post("/hr/employees/new", data=data, follow_redirects=False)


def _terms(db: Database, number: str) -> tuple[int, int]:
    with db.uow() as uow:
        e = uow.session.scalars(select(Employee).where(Employee.employee_number == number)).one()
        a = uow.session.scalars(select(Assignment).where(Assignment.employee_id == e.id)).one()
        return a.weekly_minutes, e.monthly_wage


def test_weekly_hours_as_the_screen_shows_them_and_a_wage_with_commas_are_kept(client: TestClient,
                                                                               demo_db: Database) -> None:
    token = login(client, HR)
    # 32:00 a week (the screen shows hours as H:MM) is 30 hours or more: the full 有給 table (労基法39条3項)
    assert _hire(client, token, "E-9101", weekly_hours="32:00", monthly_wage="250,000").status_code == 303
    assert _terms(demo_db, "E-9101") == (32 * 60, 250_000)
    assert _hire(client, token, "E-9102", weekly_hours="17.5", monthly_wage="¥180000").status_code == 303
    assert _terms(demo_db, "E-9102") == (17 * 60 + 30, 180_000)


def test_bad_weekly_hours_or_wage_are_refused_naming_the_field_not_saved_as_zero(client: TestClient,
                                                                                 demo_db: Database) -> None:
    token = login(client, HR)
    bad = _hire(client, token, "E-9103", weekly_hours="三十時間")
    assert bad.status_code == 422 and "週の所定労働時間が正しくありません" in bad.text and 'value="E-9103"' in bad.text
    wage = _hire(client, token, "E-9104", monthly_wage="25万")
    assert wage.status_code == 422 and "数値で入力してください" in wage.text
    with demo_db.uow() as uow:
        assert uow.session.scalars(select(Employee).where(Employee.employee_number.in_(["E-9103", "E-9104"]))
                                   ).first() is None


def test_the_limits_table_fits_1280_px_long_column_names_wrap_and_the_badge_is_short(client: TestClient,
                                                                                     demo_db: Database) -> None:
    import html as h

    from ennoshita.dates import today_tokyo
    from ennoshita.hr.rules import add_months

    month = add_months(today_tokyo().replace(day=1), -1).strftime("%Y-%m")
    login(client, HR)
    page = h.unescape(client.get(f"/hr/limits?month={month}").text)
    assert '<th class="wrap">面接指導の対象（80時間超）</th>' in page
    assert '<th class="num wrap">週40時間超（安衛則）</th>' in page
    assert '>対象</span>' in page and 'title="面接指導の対象（80時間超）"' in page
    assert '<td class="nowrap">岡田 剛</td>' in page  # a name is never broken one character a line


def test_a_time_clock_export_with_a_japanese_header_and_unpadded_dates_is_read(client: TestClient,
                                                                                  demo_db: Database) -> None:
    from ennoshita.dates import today_tokyo
    from ennoshita.hr.models import AttendanceDay

    day = today_tokyo().replace(day=1)  # this month is never closed in the demo
    token = login(client, HR)
    body = ("社員番号,日付,出勤,退勤,休憩（分）\r\n"
            f"0002,{day.year}/{day.month}/{day.day},9:00,18:00,60\r\n").encode("cp932")
    page = client.post(f"/hr/attendance/import?month={day:%Y-%m}", data={"csrf_token": token},
                       files={"file": ("dakoku.csv", body, "text/csv")})
    assert page.status_code == 200 and "1 行（1 名）を取り込みました" in page.text, page.text[-2000:]
    with demo_db.uow() as uow:
        e = uow.session.scalars(select(Employee).where(Employee.employee_number == "0002")).one()
        row = uow.session.scalars(select(AttendanceDay).where(AttendanceDay.employee_id == e.id,
                                                              AttendanceDay.work_date == day)).one()
        assert row.clock_in is not None
        stored = row.clock_in if row.clock_in.tzinfo else row.clock_in.replace(tzinfo=dt.UTC)
        assert stored.astimezone(ZoneInfo("Asia/Tokyo")).hour == 9  # stored UTC, 09:00 in Tokyo


def test_attendance_and_limits_name_the_month_in_japanese(client: TestClient, demo_db: Database) -> None:
    login(client, HR)
    page = client.get("/hr/attendance?month=2026-11").text
    assert "勤怠 2026年11月</h1>" in page and "2026年11月 を締める" in page and "勤怠 2026-11<" not in page
    assert "2026年11月</h1>" in client.get("/hr/limits?month=2026-11").text
    assert "2026年11月</h1>" in client.get("/hr/attendance/1?month=2026-11").text


def test_a_refused_transfer_says_which_field_beside_it_and_keeps_what_was_typed(client: TestClient,
                                                                                demo_db: Database) -> None:
    token = login(client, HR)
    page = client.post("/hr/employees/8/transfer", data={
        "csrf_token": token, "effective_from": "2027-01-01", "department": "", "position": "リーダー",
        "employment_type": "contract"})
    assert page.status_code == 422
    body = page.text
    dept = body[body.index('for="f-department"'):]
    assert '<div class="error">' in dept[:600]  # the message sits under 所属, not alone above the page
    assert 'value="2027-01-01"' in body and 'value="リーダー"' in body
    assert '<option value="contract" selected>' in body
    early = client.post("/hr/employees/8/transfer", data={
        "csrf_token": token, "effective_from": "2000-01-01", "department": "営業部", "position": "",
        "employment_type": "regular"})
    assert early.status_code == 422
    when = early.text[early.text.index('for="f-effective_from"'):]
    assert '<div class="error">' in when[:600] and 'value="2000-01-01"' in when[:600]


def test_the_hire_form_offers_login_users_by_name_not_a_number_to_type(client: TestClient,
                                                                       demo_db: Database) -> None:
    import re

    from ennoshita.identity.models import User

    token = login(client, HR)
    form = client.get("/hr/employees/new").text
    select_html = re.search(r'<select id="f-user_id" name="user_id">(.*?)</select>', form, re.S)
    assert select_html and "（なし）" in select_html.group(1)
    with demo_db.uow() as uow:
        linked = set(uow.session.scalars(select(Employee.user_id).where(Employee.user_id.is_not(None))))
        free = uow.session.execute(select(User.id, User.display_name).where(
            User.active.is_(True), User.id.not_in(linked))).first()
    offered = {int(v) for v in re.findall(r'<option value="(\d+)"', select_html.group(1))}
    assert not offered & linked  # an account already tied to an employee is not offered again
    if free is not None:
        assert free.id in offered and free.display_name in select_html.group(1)
        assert _hire(client, token, "E-9105", user_id=str(free.id)).status_code == 303
