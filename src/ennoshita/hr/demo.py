"""Demo 人事 of 株式会社さくら精機: 30 employees in its departments (the demo users among them, a 製造部 with
part-timers), a year of attendance imported from a time-clock CSV, leave taken, the 36協定, every past month
closed. 製造部の 岡田 課長 (管理監督者) works over 45 hours of overtime in the last two closed months, shown
but not flagged (the 36協定 limits are not a 管理監督者's), and in the last one every weekday late and every
Saturday, over 80 hours beyond 40 a week: 面接指導の対象 (安衛法66条の8 applies to a 管理監督者); 林 (製造部,
正社員) works over 45 hours in the last closed month and is flagged 月45時間超; 松本 (hired ten months before
her first grant's year ends) has taken 2 of her 5 days with weeks to go; one hire this month and one leaver at
month end have their checklists open; 近藤 (総務部), with the company long before its records here, was registered
with his 導入時残高. Dates follow the day the demo is loaded."""

from __future__ import annotations

import datetime as dt
import random
from fractions import Fraction

from sqlalchemy import select

from ennoshita.actor import Actor
from ennoshita.dates import is_holiday, today_tokyo
from ennoshita.db import Database
from ennoshita.hr import employees as emp_service
from ennoshita.hr import rules, services
from ennoshita.hr.employees import EmployeeInput
from ennoshita.hr.leave import LeaveInput
from ennoshita.identity.models import User

DOMAIN = "@demo.ennoshita.jp"

# number, name, カナ, birth, months employed before today, type, department, position, days, weekly h,
# weekdays, login (e-mail local part) or "", profile (office / overtime / part / shift / manager / risk)
STAFF_TABLE = """
0001|山田 太郎|ヤマダ タロウ|1968-05-12|240|officer|管理部|取締役|5|40|12345|admin|office
0002|佐藤 花子|サトウ ハナコ|1985-09-03|150|regular|経理部|課長|5|40|12345|keiri|office
0003|鈴木 一郎|スズキ イチロウ|1982-02-17|170|regular|営業管理部|部長|5|40|12345|jimu|overtime
0004|高橋 美咲|タカハシ ミサキ|1990-07-21|90|regular|購買部|主任|5|40|12345|kobai|office
0005|田中 健|タナカ ケン|1987-11-30|110|regular|人事部|課長|5|40|12345|jinji|office
0006|中村 優子|ナカムラ ユウコ|1992-04-08|70|regular|総務部||5|40|12345|soumu|office
0007|小林 誠|コバヤシ マコト|1984-12-01|100|regular|法務部|課長|5|40|12345|houmu|office
0008|伊藤 翔|イトウ ショウ|1994-03-15|40|regular|営業部||5|40|12345|eigyo|overtime
0009|渡辺 直樹|ワタナベ ナオキ|1979-08-25|130|regular|内部監査室|室長|5|40|12345|kansa|office
0010|木村 恵|キムラ メグミ|1996-10-10|30|regular|経理部||5|40|12345|suitou|office
0011|岡田 剛|オカダ ツヨシ|1978-06-02|200|regular|製造部|課長|5|40|12345||manager
0012|森 大輔|モリ ダイスケ|1988-01-19|120|regular|製造部|主任|5|40|12345||shift
0013|石井 翼|イシイ ツバサ|1995-05-05|60|regular|製造部||5|40|12345||shift
0014|林 直人|ハヤシ ナオト|1991-09-09|80|regular|製造部||5|40|12345||overtime
0015|清水 玲奈|シミズ レイナ|1997-12-24|36|regular|製造部||5|40|12345||office
0016|山口 和子|ヤマグチ カズコ|1970-03-03|90|part_time|製造部||3|15|135||part
0017|松井 里美|マツイ サトミ|1975-07-07|50|part_time|製造部||4|24|1234||part
0018|阿部 由美|アベ ユミ|1980-10-20|26|part_time|製造部||2|8|25||part
0019|池田 浩|イケダ ヒロシ|1983-04-14|140|contract|製造部||5|40|12345||office
0020|橋本 拓也|ハシモト タクヤ|1993-08-08|48|regular|営業部|主任|5|40|12345||overtime
0021|山崎 美穂|ヤマザキ ミホ|1998-02-28|20|regular|営業部||5|40|12345||office
0022|松本 彩|マツモト アヤ|1999-11-11|16|regular|営業部||5|40|12345||risk
0023|井上 亮|イノウエ リョウ|1986-06-16|75|regular|営業管理部||5|40|12345||office
0024|木下 千尋|キノシタ チヒロ|1994-01-01|44|part_time|営業管理部||4|28|1234||part
0025|斎藤 聡|サイトウ サトシ|1981-03-27|160|regular|購買部|課長|5|40|12345||office
0026|前田 恵美|マエダ エミ|1996-05-30|28|part_time|総務部||3|18|135||part
0027|藤田 悠|フジタ ユウ|1992-12-12|66|regular|経理部||5|40|12345||office
0028|後藤 健太|ゴトウ ケンタ|1989-09-19|55|contract|製造部||5|40|12345||shift
"""
Staff = tuple[str, str, str, str, int, str, str, str, int, int, str, str, str]


def _staff() -> tuple[Staff, ...]:
    out = []
    for line in STAFF_TABLE.strip().splitlines():
        f = line.split("|")
        out.append((f[0], f[1], f[2], f[3], int(f[4]), f[5], f[6], f[7], int(f[8]), int(f[9]), f[10], f[11], f[12]))
    return tuple(out)


STAFF = _staff()
FEMALE = {"0002", "0004", "0006", "0010", "0015", "0016", "0017", "0018", "0021", "0022", "0024", "0026"}
HEAVY = "0014"  # 林: an ordinary 正社員 over 45 hours in the last closed month (a 36協定 flag on the screen)
HEAVY_EXTRA = 195  # 3h15 a day: over 45h from 14 days worked, under the 特別条項's 75h up to 23
BUSY = "0011"  # 岡田 (管理監督者): over 80 hours beyond 40 a week in the last closed month (面接指導の対象)
BUSY_TARGET = 262 * 60  # worked in that month: at least 84h beyond the 177h08m of a 31-day month
NEW_HIRE = ("0029", "岡本 陽菜", "オカモト ヒナ", "2002-04-02", "regular", "製造部")
# 近藤: with the company since long before its records in ennoshita begin (registered with the real 入社日): the
# grants before the 導入日 (the demo's first month) are his 導入時残高, what was left of the last two of them
INTRODUCED = ("0030", "近藤 誠", "コンドウ マコト", "1976-02-14", 100, "総務部", "課長")
INTRODUCED_LEFT = (Fraction(3), Fraction(25, 2))  # of the older and of the newer grant still valid on that day
LEAVER = "0028"


def _month_start(day: dt.date, back: int) -> dt.date:
    return rules.add_months(day.replace(day=1), -back)


def _hire_date(today: dt.date, months: int, profile: str) -> dt.date:
    if profile == "risk":
        # the first grant's year ends within three months: grant 10 months ago, hired 6 months before that
        return rules.add_months(_month_start(today, 10), -6)
    return _month_start(today, months)


def _rows(number: str, profile: str, weekdays: str, daily: int, first: dt.date, last: dt.date, hired: dt.date,
          manager_months: set[dt.date], skip: set[dt.date], rnd: random.Random,
          heavy_months: frozenset[dt.date] = frozenset(), busy: tuple[dt.date, int] | None = None) -> list[str]:
    out = []
    day = max(first, hired)
    while day <= last:
        scheduled = str(day.isoweekday()) in weekdays and not is_holiday(day)
        if busy is not None and day.replace(day=1) == busy[0]:  # every weekday until late, every Saturday
            if scheduled:
                end = 18 * 60 + busy[1]
                out.append(f"{number},{day},09:00,{end // 60:02d}:{end % 60:02d},60")
            elif day.isoweekday() == 6:
                out.append(f"{number},{day},09:00,18:00,60")
        elif scheduled and day not in skip and rnd.random() > 0.02:
            if profile == "part":
                end = 10 * 60 + daily
                out.append(f"{number},{day},10:00,{end // 60:02d}:{end % 60:02d},0")
            elif profile == "shift" and day.isocalendar().week % 3 == 0:
                out.append(f"{number},{day},14:00,23:00,60")  # the late shift: 1 hour of 深夜
            else:
                extra = 0
                if profile in ("overtime", "shift"):
                    extra = rnd.choice((0, 0, 30, 60, 90))  # drawn in every month, so the others' days stay
                    if day.replace(day=1) in heavy_months:
                        extra = HEAVY_EXTRA
                elif profile == "manager":
                    extra = 180 if day.replace(day=1) in manager_months else rnd.choice((30, 60, 90))
                end = 18 * 60 + extra
                out.append(f"{number},{day},09:00,{end // 60:02d}:{end % 60:02d},60")
        day += dt.timedelta(days=1)
    return out


def _busy_extra(month: dt.date) -> int:
    """Minutes past 18:00 on each weekday of ``month`` (Mon-Fri but 祝日, 8h each, and its Saturdays at 8h) so
    that the month's work reaches :data:`BUSY_TARGET`, in quarter hours."""
    first, end = month, rules.add_months(month, 1)
    days = [first + dt.timedelta(days=i) for i in range((end - first).days)]
    weekdays = [d for d in days if d.isoweekday() <= 5 and not is_holiday(d)]
    saturdays = [d for d in days if d.isoweekday() == 6]
    short = BUSY_TARGET - 480 * (len(weekdays) + len(saturdays))
    return max(0, -(-short // (15 * len(weekdays)))) * 15


def load(db: Database, actor: Actor) -> None:
    today = today_tokyo()
    first = _month_start(today, 12)
    last = today - dt.timedelta(days=1)
    rnd = random.Random(20261206)
    with db.uow() as uow:
        users = {u.email.split("@")[0]: u.id for u in uow.session.scalars(select(User))}
    ids: dict[str, int] = {}
    with db.uow() as uow:
        s = uow.session
        for (number, name, kana, birth, months, etype, dept, pos, days, hours, weekdays, login,
             profile) in STAFF:
            hired = _hire_date(today, months, profile)
            e = emp_service.create_in(s, actor, EmployeeInput(
                employee_number=number, name=name, name_kana=kana, birth_date=dt.date.fromisoformat(birth),
                hire_date=hired, employment_type=etype, department=dept, weekly_days=days, weekly_minutes=hours * 60,
                work_weekdays=weekdays, position=pos, is_manager=profile == "manager" or pos == "部長",
                gender="F" if number in FEMALE else "M", email=f"{login}{DOMAIN}" if login else "",
                phone=f"090-{1000 + int(number):04d}-{5678:04d}", postal_code="150-0002",
                address=f"東京都渋谷区渋谷{int(number) % 4 + 1}丁目{int(number)}番{int(number) % 9 + 1}号",
                emergency_name=f"{name.split()[0]} 家族", emergency_relation="配偶者" if int(number) % 2 else "父",
                emergency_phone=f"03-{3000 + int(number):04d}-1111",
                basic_pension_number=f"1234-{500000 + int(number)}",
                employment_insurance_number=f"5012-{345678 + int(number):06d}-1",
                monthly_wage=180_000 + (hours * 60 * 100 if etype != "part_time" else 0) + int(number) * 3_000,
                user_id=users.get(login) if login else None))
            ids[number] = e.id
        uow.commit()
    # 森 moves from the 製造部 line to 品質保証 in the spring (the history keeps the earlier rows)
    services.transfer(db.uow(), actor, ids["0012"], services.TransferInput(
        _month_start(today, 8), "製造部", "品質保証 主任"))
    services.save_agreement(db.uow(), actor, services.AgreementInput(
        dt.date(first.year if first.month >= 4 else first.year - 1, 4, 1), special_clause=True,
        special_monthly_minutes=75 * 60, special_yearly_minutes=600 * 60, special_months=6))
    services.save_agreement(db.uow(), actor, services.AgreementInput(
        dt.date(first.year + 1 if first.month >= 4 else first.year, 4, 1), special_clause=True,
        special_monthly_minutes=75 * 60, special_yearly_minutes=600 * 60, special_months=6))
    manager_months = {_month_start(today, 1), _month_start(today, 2)}
    leave_plan: dict[str, list[dt.date]] = {}
    for row in STAFF:
        number, profile, weekdays = row[0], row[12], row[10]
        hired = _hire_date(today, row[4], profile)
        candidates = [d for d in (first + dt.timedelta(days=i) for i in range((last - first).days))
                      if str(d.isoweekday()) in weekdays and not is_holiday(d) and d >= hired]
        # leave only after the first grant, before this month; 5 days in the latest grant's year for everyone
        # granted 10 days or more (so that only 松本 is short of the 年5日), a few more earlier
        step = 0
        while rules.grant_date(hired, step + 1) <= today:
            step += 1
        latest = rules.grant_date(hired, step)
        grant0 = rules.grant_date(hired, 0)
        usable = [d for d in candidates if grant0 <= d < _month_start(today, 0)]
        recent = [d for d in usable if d >= latest]
        older = [d for d in usable if d < latest]
        in_year = 2 if profile == "risk" else (1 if profile == "part" else 5)
        picks = rnd.sample(recent, min(in_year, len(recent))) + rnd.sample(older, min(2, len(older)))
        leave_plan[number] = sorted(picks)
    busy_month = _month_start(today, 1)
    leave_plan[BUSY] = [d for d in leave_plan[BUSY] if d.replace(day=1) != busy_month]  # no leave that month
    busy = (busy_month, _busy_extra(busy_month))
    lines = ["employee_number,date,clock_in,clock_out,break_minutes"]
    for row in STAFF:
        number, profile, weekdays = row[0], row[12], row[10]
        hired = _hire_date(today, row[4], profile)
        daily = row[9] * 60 // row[8]
        lines += _rows(number, profile, weekdays, daily, first, last, hired, manager_months, set(leave_plan[number]),
                       rnd, frozenset({_month_start(today, 1)}) if number == HEAVY else frozenset(),
                       busy if number == BUSY else None)
        if row[5] == "officer":  # a 役員 takes no 年次有給休暇: the days drawn for leave are worked (and the draw
            lines += [f"{number},{d},09:00,18:00,60" for d in leave_plan[number]]  # stays as it was for the rest)
    services.import_csv(db.uow(), actor, "\n".join(lines) + "\n")
    officers = {row[0] for row in STAFF if row[5] == "officer"}  # no 年次有給休暇 for a 役員 (労基法9条, 39条)
    for number, planned in leave_plan.items():
        for d in planned if number not in officers else ():
            services.request_leave(db.uow(), actor, LeaveInput(d, "day", reason="私用"), ids[number], record=True)
    services.run_grants(db.uow(), actor, today)
    month = first
    while month < today.replace(day=1):
        services.close_month(db.uow(), actor, month)
        month = rules.add_months(month, 1)
    # 入社 this month (checklist with desk requests) and a leaver at the month's end (退社 checklist)
    number, name, kana, birth, etype, dept = NEW_HIRE
    services.hire(db.uow(), actor, EmployeeInput(
        employee_number=number, name=name, name_kana=kana, birth_date=dt.date.fromisoformat(birth),
        hire_date=today.replace(day=1), employment_type=etype, department=dept, weekly_days=5, weekly_minutes=2400,
        gender="F", postal_code="150-0002", address="東京都渋谷区桜丘町3番4号", monthly_wage=220_000))
    end = rules.add_months(today.replace(day=1), 1) - dt.timedelta(days=1)
    services.leave(db.uow(), actor, ids[LEAVER], end, "自己都合退職（転居のため）")
    _introduced(db, actor, today, first, last)


def _introduced(db: Database, actor: Actor, today: dt.date, first: dt.date, last: dt.date) -> None:
    """近藤: registered with his real 入社日 and his 導入時残高 on the demo's first month (the 導入日), then his
    attendance from that day (every weekday) and the months closed like the others'."""
    number, name, kana, birth, months, dept, pos = INTRODUCED
    hired = _month_start(today, months)
    with db.uow() as uow:
        e = emp_service.create_in(uow.session, actor, EmployeeInput(
            employee_number=number, name=name, name_kana=kana, birth_date=dt.date.fromisoformat(birth),
            hire_date=hired, employment_type="regular", department=dept, weekly_days=5, weekly_minutes=2400,
            work_weekdays="12345", position=pos, gender="M", monthly_wage=420_000))
        emp_id = e.id
        uow.commit()
    before = [g for g in rules.grant_dates(hired, first) if g < first and rules.expires_on(g) >= first][-2:]
    services.set_opening(db.uow(), actor, emp_id, services.OpeningInput(
        first, tuple(rules.OpeningRow(g, days) for g, days in zip(before, INTRODUCED_LEFT[-len(before):],
                                                                    strict=True))))
    days = (first + dt.timedelta(days=i) for i in range((last - first).days + 1))
    services.import_csv(db.uow(), actor, "employee_number,date,clock_in,clock_out,break_minutes\n" + "".join(
        f"{number},{d},09:00,18:00,60\n" for d in days if d.isoweekday() <= 5 and not is_holiday(d)))
    month = first
    while month < today.replace(day=1):
        services.close_month(db.uow(), actor, month)
        month = rules.add_months(month, 1)
