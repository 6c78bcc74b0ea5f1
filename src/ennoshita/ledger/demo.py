"""Demo books of 株式会社さくら精機: fiscal year 2025 (closed) and 2026 to date.

Opening balances, monthly rent (a recurring entry), utilities, telephone, travel, meetings, payroll with
withholding (the same company's size as the payroll module's, with 法定福利費 and each 納付), sales and purchases
before the payroll, sales and purchasing modules took over (fiscal year 2026), then the EC・店舗 channel's monthly
aggregate beside the sales module's B2B invoices, a closed fiscal year 2025 whose 消費税 is paid by its 納期限 (and
whose 確定消費税額 sets fiscal year 2026's 中間申告, paid as they fall due), all
posted through the ledger's services; the months of fiscal year 2026 up to
September are locked by ``lock_months`` once every domain has posted to them (the month-end close comes last).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING

from ennoshita.actor import Actor
from ennoshita.attachments.services import NewAttachment
from ennoshita.dates import HolidayShift, add_months, end_of_month, shift_to_business_day, today_tokyo
from ennoshita.db import Database
from ennoshita.ledger import evidence, services
from ennoshita.ledger.posting import PostedEntry
from ennoshita.ledger.rules import EntryDraft, LineDraft

if TYPE_CHECKING:
    from ennoshita.assets.rules import ScheduleYear

FY2025_START = dt.date(2025, 4, 1)
DEMO_TODAY = dt.date(2026, 11, 20)
# the pay from April 2026 on is the payroll module's (its demo runs post it), so the books take no hand entry
PAYROLL_MODULE_FROM = dt.date(2026, 4, 1)
# the hand-entered pay before April 2026 is the same company's: 総支給 ¥11.6M + up to ¥90,000 a month (役員報酬
# ¥520,000, 管理部 ¥1.8M, 営業部 ¥2.4M, the rest 製造部), 源泉所得税・住民税 4% and 社会保険料 14.5% of it withheld,
# 法定福利費 (事業主負担) 14.7%, as the payroll module computes for these people
PAYROLL_GROSS = 11_600_000
PAYROLL_OFFICER, PAYROLL_ADMIN, PAYROLL_SALES = 520_000, 1_800_000, 2_400_000
PAYROLL_TAX_PERCENT, PAYROLL_SOCIAL_PERMILLE, PAYROLL_EMPLOYER_PERMILLE = 4, 145, 147
# of which 雇用保険 at the FY2025 general rate (5.5/1000 employee, 9/1000 employer): 労働保険料, paid once a year at
# the 年度更新 (due 10 July after the 労働保険年度), not monthly with the 社会保険料
PAYROLL_EMPLOYMENT_PER_10000, PAYROLL_EMPLOYMENT_EMPLOYER_PER_10000 = 55, 90
# monthly sales (税込) of 90-129 units before April 2026 and 100-119 units from the EC/店舗 channel after, 40% of
# it bought in: an operating margin of about 5-10% against the payroll
SALES_UNIT = 270_000
PURCHASE_PERCENT = 40
# 部門: every 所属 of the 人事 demo's employees and every department of the 固定資産台帳, so that the pay runs and
# the depreciation post their expenses by 部門 (the 管理部門 under 200, 営業管理部 under 営業部)
DEPARTMENTS = (("100", "営業部"), ("110", "営業管理部"), ("200", "管理部"), ("210", "経理部"), ("220", "人事部"),
               ("230", "総務部"), ("240", "法務部"), ("250", "内部監査室"), ("300", "製造部"), ("400", "購買部"))
LOCKED_MONTHS = ("2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09")


def _line(account: str, debit: int = 0, credit: int = 0, tax: str | None = None, sub: str | None = None,
          dept: str | None = None, memo: str = "") -> LineDraft:
    return LineDraft(account_code=account, debit=debit, credit=credit, tax_category=tax, sub_account=sub,
                     department=dept, memo=memo)


def _pdf(text: str) -> bytes:
    """A one-page PDF saying ``text`` (ASCII), with a correct cross-reference table."""
    stream = f"BT /F1 18 Tf 72 760 Td ({text}) Tj ET".encode("ascii")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
               b"/Contents 5 0 R >>", b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _evidence(db: Database, actor: Actor, entries: list[tuple[PostedEntry, str, str]]) -> None:
    """証憑 for some entries (請求書 of the rent and the electricity), so that 証憑検索 has something to find;
    their 取引日, 金額 and 取引先 come from the entry."""
    for entry, name, text in entries:
        evidence.attach_to_entry(db.uow(), actor, entry.id, NewAttachment(
            f"{name}_{entry.entry_date:%Y-%m}.pdf", "application/pdf", _pdf(f"{text} {entry.entry_date:%Y-%m}")))


def load(db: Database, actor: Actor) -> None:
    rng = random.Random(20251)
    for code, name in DEPARTMENTS:
        services.add_department(db.uow(), actor, code, name)
    services.add_sub_account(db.uow(), actor, "普通預金", "MIZUHO", "みずほ銀行 渋谷支店", "ミズホギンコウ")
    services.add_sub_account(db.uow(), actor, "普通預金", "MUFG", "三菱UFJ銀行 新宿支店", "ミツビシユーエフジェイ")

    fixed = _fixed_assets_opening()
    fixed_net = sum(line.debit - line.credit for line in fixed)
    services.post_entry(db.uow(), actor, EntryDraft(FY2025_START, "期首残高", "", (
        _line("普通預金", 38_500_000, sub="MIZUHO"),
        _line("普通預金", 12_000_000, sub="MUFG"),
        _line("現金", 350_000),
        *fixed,
        _line("敷金", 1_800_000),
        _line("資本金", credit=10_000_000),
        _line("長期借入金", credit=15_000_000),
        _line("繰越利益剰余金", credit=OPENING_RETAINED_BEFORE_ASSETS + fixed_net),
    )))
    services.add_recurring(db.uow(), actor, services.RecurringInput(
        name="本社家賃", description="本社事務所 家賃", counterparty="渋谷ビルディング株式会社", every_months=1,
        day_of_month=25, start_date=FY2025_START, end_date=None,
        lines=(_line("地代家賃", 330_000, tax="purchase_10", dept="200"),
               _line("普通預金", credit=330_000, sub="MIZUHO"))))

    y, m = FY2025_START.year, FY2025_START.month
    withheld_last_month = 0
    social_last_month = (0, 0)
    labour_owed: dict[int, tuple[int, int]] = {}  # 労働保険年度 → 雇用保険料 (本人負担, 事業主負担) waiting for 7/10
    bills: list[tuple[PostedEntry, str, str]] = []
    while dt.date(y, m, 1) <= DEMO_TODAY:
        month_end = end_of_month(y, m)
        last = min(month_end, DEMO_TODAY)
        payday = min(dt.date(y, m, 25), last)
        # the same company as the payroll module's from April 2026: about 23 people, 総支給 about ¥11.7M a month
        gross = PAYROLL_GROSS + rng.randrange(0, 10) * 10_000
        tax = gross * PAYROLL_TAX_PERCENT // 100  # 源泉所得税 and 住民税, due the 10th of the next month
        social = gross * PAYROLL_SOCIAL_PERMILLE // 1000  # employee's 社会保険料 and 雇用保険料
        employer = gross * PAYROLL_EMPLOYER_PERMILLE // 1000  # 法定福利費 (事業主負担)
        employment = gross * PAYROLL_EMPLOYMENT_PER_10000 // 10_000  # 雇用保険料 of it, paid at the 年度更新
        employment_employer = gross * PAYROLL_EMPLOYMENT_EMPLOYER_PER_10000 // 10_000
        if withheld_last_month:
            services.post_entry(db.uow(), actor, EntryDraft(dt.date(y, m, 10), "源泉所得税・住民税 納付", "", (
                _line("預り金", withheld_last_month), _line("普通預金", credit=withheld_last_month, sub="MIZUHO"))))
        if social_last_month[0] and month_end <= last:
            social_withheld, social_employer = social_last_month
            services.post_entry(db.uow(), actor, EntryDraft(month_end, "社会保険料 (健康保険・厚生年金) 納付",
                                                            "年金事務所", (
                _line("預り金", social_withheld, memo="社会保険料 (健康保険・厚生年金) 本人負担"),
                _line("未払費用", social_employer, memo="社会保険料 (健康保険・厚生年金) 事業主負担"),
                _line("普通預金", credit=social_withheld + social_employer, sub="MIZUHO"))))
        labour_day = shift_to_business_day(dt.date(y, 7, 10), HolidayShift.NEXT)
        if m == 7 and y - 1 in labour_owed and labour_day <= last:  # 年度更新: the 労働保険年度 that ended in March
            labour_withheld, labour_employer = labour_owed.pop(y - 1)
            services.post_entry(db.uow(), actor, EntryDraft(labour_day, f"労働保険料 (雇用保険分) 納付 {y - 1}年度",
                                                            "労働局", (
                _line("預り金", labour_withheld, memo="雇用保険料 本人負担"),
                _line("未払費用", labour_employer, memo="雇用保険料 事業主負担"),
                _line("普通預金", credit=labour_withheld + labour_employer, sub="MIZUHO"))))
        withheld_last_month, social_last_month = 0, (0, 0)
        if payday < PAYROLL_MODULE_FROM:
            withheld_last_month = tax
            social_last_month = (social - employment, employer - employment_employer)
            labour_year = payday.year if payday.month >= 4 else payday.year - 1
            owed = labour_owed.get(labour_year, (0, 0))
            labour_owed[labour_year] = (owed[0] + employment, owed[1] + employment_employer)
            staff = gross - PAYROLL_OFFICER - PAYROLL_ADMIN - PAYROLL_SALES
            services.post_entry(db.uow(), actor, EntryDraft(payday, f"{m}月分 給与", "", (
                _line("役員報酬", PAYROLL_OFFICER, dept="200"),
                _line("給料手当", staff, dept="300"),
                _line("給料手当", PAYROLL_ADMIN, dept="200"),
                _line("給料手当", PAYROLL_SALES, dept="100"),
                _line("法定福利費", employer, dept="200", memo="事業主負担"),
                _line("預り金", credit=tax, memo="源泉所得税・住民税"),
                _line("預り金", credit=social - employment, memo="社会保険料 (健康保険・厚生年金)"),
                _line("預り金", credit=employment, memo="雇用保険料"),
                _line("未払費用", credit=employer - employment_employer,
                      memo="法定福利費 事業主負担 社会保険料 (健康保険・厚生年金)"),
                _line("未払費用", credit=employment_employer, memo="法定福利費 事業主負担 雇用保険料"),
                _line("普通預金", credit=gross - tax - social, sub="MIZUHO"),
            )))
        for day, description, counterparty, account, amount in (
            (min(10, last.day), "電気料金", "東京電力エナジーパートナー株式会社", "水道光熱費",
             rng.randrange(60, 90) * 1000 + 480),
            (min(12, last.day), "携帯電話・インターネット", "株式会社NTTドコモ", "通信費",
             rng.randrange(40, 55) * 1000 + 220),
            (min(15, last.day), "出張旅費（大阪）", "東海旅客鉄道株式会社", "旅費交通費", rng.randrange(25, 60) * 1000),
            (min(18, last.day), "打合せ 飲食代", "喫茶さくら", "会議費", rng.randrange(3, 12) * 1000 + 500),
        ):
            posted = services.post_entry(db.uow(), actor, EntryDraft(
                dt.date(y, m, day), description, counterparty, (
                    _line(account, amount, tax="purchase_10", dept="200"),
                    _line("普通預金", credit=amount, sub="MIZUHO"),
                )))
            if account == "水道光熱費":
                bills.append((posted, "電気料金請求書", "Electricity bill"))
        if dt.date(y, m, 1) < dt.date(2026, 4, 1):
            # Before the sales and purchasing modules: monthly totals entered by hand.
            sales = rng.randrange(90, 130) * SALES_UNIT
            services.post_entry(db.uow(), actor, EntryDraft(month_end, f"{m}月分 売上（集計）", "", (
                _line("売掛金", sales), _line("売上高", credit=sales, tax="sales_10", dept="100"),
            )))
            collected = sales - rng.randrange(0, 5) * 100_000
            services.post_entry(db.uow(), actor, EntryDraft(min(month_end, last), f"{m}月 売掛金 入金", "", (
                _line("普通預金", collected, sub="MIZUHO"), _line("売掛金", credit=collected),
            )))
            purchases = sales * PURCHASE_PERCENT // 100
            services.post_entry(db.uow(), actor, EntryDraft(month_end, f"{m}月分 仕入（集計）", "", (
                _line("仕入高", purchases, tax="purchase_10:taxable", dept="300"), _line("買掛金", credit=purchases),
            )))
            services.post_entry(db.uow(), actor, EntryDraft(month_end, f"{m}月 買掛金 支払", "", (
                _line("買掛金", purchases), _line("普通預金", credit=purchases, sub="MIZUHO"),
            )))
        y, m = add_months(y, m, 1)
    _channel_sales(db, actor)
    rents = services.run_recurring(db.uow(), actor, DEMO_TODAY)
    _evidence(db, actor, [(r, "家賃請求書", "Rent invoice") for r in rents] + bills)
    _fixed_assets(db, actor)
    _accrue_corporate_taxes(db, actor)
    services.close_year(db.uow(), actor, 2025)
    _pay_consumption_tax(db, actor)
    _pay_consumption_tax_interim(db, actor)
    _pay_corporate_taxes(db, actor)


# 繰越利益剰余金 at 2025-04-01 is what balances the opening entry: cash, 敷金 and the fixed assets' book values
# against 資本金 and the loan
OPENING_RETAINED_BEFORE_ASSETS = 38_500_000 + 12_000_000 + 350_000 + 1_800_000 - 10_000_000 - 15_000_000
ACCUMULATED = "1570"  # 減価償却累計額 (the company keeps the indirect style, as the assets module posts)


def _asset_schedules() -> list[tuple[str, str, dt.date, int, bool, list[ScheduleYear], str]]:
    """(name, account code, acquired, cost, direct, schedule, department) of each asset of the demo's
    固定資産台帳."""
    from ennoshita.assets import demo as assets_demo
    from ennoshita.assets import rules
    from ennoshita.assets.services import DIRECT_METHODS
    from ennoshita.assets.tables import KIND_BY_CODE

    out = []
    for name, kind, acquired, cost, method, department, *_rest in assets_demo.ASSETS:
        row = KIND_BY_CODE[kind]
        direct = method in DIRECT_METHODS
        years = rules.schedule(cost, 0 if direct else row.life, method, acquired, FY2025_START.month, row.family)
        out.append((name, row.account_code, acquired, cost, direct, years, department))
    return out


def _fixed_assets_opening() -> list[LineDraft]:
    """The assets held on 2025-04-01 at their cost and the depreciation accumulated until then (as the register
    computes it), one line per account."""
    from collections import defaultdict

    from ennoshita.assets import rules

    cost: dict[str, int] = defaultdict(int)
    accumulated = 0
    before = FY2025_START - dt.timedelta(days=1)
    for _name, account, acquired, amount, direct, years, _department in _asset_schedules():
        if acquired >= FY2025_START:
            continue
        done = amount - rules.book_value_at(years, amount, before)
        if direct:
            cost[account] += amount - done
        else:
            cost[account] += amount
            accumulated += done
    lines = [_line(account, debit) for account, debit in sorted(cost.items())]
    return [*lines, _line(ACCUMULATED, credit=accumulated)] if accumulated else lines


def _fixed_assets(db: Database, actor: Actor) -> None:
    """Buying the assets acquired from April 2025 on (paid from the bank, 仮払消費税 10%), and their depreciation
    until the register takes over (``assets.demo.TAKEN_OVER_THROUGH``): fiscal year 2025's in one 決算整理 entry,
    April to September 2026 month by month, the assets module's own monthly runs from October on; so that the
    固定資産台帳 and the 貸借対照表 agree to the yen. The 減価償却費 goes to each asset's 部門, as the runs post it."""
    from collections import defaultdict

    from ennoshita.assets import rules
    from ennoshita.assets.demo import TAKEN_OVER_THROUGH

    schedules = _asset_schedules()
    for name, account, acquired, cost, _direct, _years, _department in schedules:
        if acquired < FY2025_START:
            continue
        paid = cost * 11 // 10  # 税抜 cost + 10%: every demo cost is a multiple of ¥10, so the split is exact
        services.post_entry(db.uow(), actor, EntryDraft(acquired, f"{name} 取得", "株式会社大塚商会", (
            _line(account, paid, tax="purchase_10", memo=name),  # a balance-sheet line: no 部門
            _line("普通預金", credit=paid, sub="MIZUHO", memo=name),
        )))

    def depreciation(months: list[dt.date]) -> tuple[LineDraft, ...]:
        debits: dict[str, int] = defaultdict(int)  # 減価償却費 by each asset's 部門, as the assets module posts
        credits: dict[str, int] = defaultdict(int)
        for _name, account, _acquired, _cost, direct, years, department in schedules:
            amount = sum(rules.month_amount(years, month)[0] for month in months)
            if amount:
                debits[department] += amount
                credits[account if direct else ACCUMULATED] += amount
        codes = {name: code for code, name in DEPARTMENTS}
        return (*(_line("減価償却費", amount, dept=codes[department])
                  for department, amount in sorted(debits.items(), key=lambda kv: codes[kv[0]])),
                *(_line(account, credit=amount) for account, amount in sorted(credits.items())))

    fy2025 = [dt.date(*add_months(2025, 4, i), 1) for i in range(12)]
    services.post_entry(db.uow(), actor, EntryDraft(dt.date(2026, 3, 31), "決算整理 減価償却費（2025年度）", "",
                                                    depreciation(fy2025)))
    month = dt.date(2026, 4, 1)
    while month <= TAKEN_OVER_THROUGH:
        lines = depreciation([month])
        if lines:
            last_day = end_of_month(month.year, month.month)
            services.post_entry(db.uow(), actor, EntryDraft(last_day, f"{month.month}月分 減価償却費", "", lines))
        month = dt.date(*add_months(month.year, month.month, 1), 1)


def _pay_consumption_tax(db: Database, actor: Actor) -> None:
    """消費税及び地方消費税 of fiscal year 2025 (the 未払消費税等 the year's close booked) paid by its 納期限, two
    months after the year's end: 31 May 2026 is a Sunday, so 1 June."""
    from sqlalchemy import func, select

    from ennoshita.ledger.models import Account, JournalEntry, JournalLine

    with db.uow() as uow:
        credit, debit = uow.session.execute(
            select(func.coalesce(func.sum(JournalLine.credit), 0), func.coalesce(func.sum(JournalLine.debit), 0))
            .join(Account, Account.id == JournalLine.account_id)
            .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
            .where(Account.code == "2180", JournalEntry.status == "posted")).one()
    due = dt.date(2026, 6, 1)
    if int(credit) - int(debit) > 0 and due <= DEMO_TODAY:
        amount = int(credit) - int(debit)
        services.post_entry(db.uow(), actor, EntryDraft(
            due, "消費税及び地方消費税 確定申告 納付（2025年度）", "税務署",
            (_line("未払消費税等", amount), _line("普通預金", credit=amount, sub="MIZUHO"))))


def _pay_consumption_tax_interim(db: Database, actor: Actor) -> None:
    """Fiscal year 2026's 中間申告 (from fiscal year 2025's 確定消費税額, the closed year's return): each period whose
    納期限 has come by the demo's today paid on it from みずほ, through the service a user calls; the later ones stay
    未納付 on the 消費税 screen."""
    from ennoshita.ledger import ctax_interim

    for period in ctax_interim.interim_schedule(db.uow(), actor, 2026).periods:
        if period.due <= DEMO_TODAY and not period.paid:
            ctax_interim.pay_interim(db.uow(), actor, 2026, period.number, period.due, sub_account="MIZUHO")


# 法人住民税 均等割 of a company in 東京都特別区 with 資本金等 ¥10,000,000 or less and 50 employees or fewer
FLAT_LEVY = 70_000
FY2025_END = dt.date(2026, 3, 31)
# 法人税等 of fiscal year 2025 are due two months after its end: 31 May 2026 is a Sunday, so 1 June
CORPORATE_TAX_DUE = dt.date(2026, 6, 1)


def _accrue_corporate_taxes(db: Database, actor: Actor) -> None:
    """決算整理: fiscal year 2025's 法人税、住民税及び事業税 on its 税引前当期純利益, booked to 未払法人税等 before the
    year is closed (a 税理士 would not close a profitable year without them)."""
    from ennoshita.ledger import corporate_tax
    from ennoshita.ledger import queries as q

    with db.uow() as uow:
        income = q.income_statement(uow.session, FY2025_START, FY2025_END).figures["income_before_taxes"]
    taxes = corporate_tax.estimate(int(income), FLAT_LEVY)
    national = taxes.corporate + taxes.local_corporate
    local = taxes.total - national
    services.post_entry(db.uow(), actor, EntryDraft(FY2025_END, "決算整理 法人税、住民税及び事業税（2025年度）", "", (
        _line("法人税、住民税及び事業税", national, memo="法人税・地方法人税"),
        _line("法人税、住民税及び事業税", local, memo="法人住民税・事業税・特別法人事業税"),
        _line("未払法人税等", credit=national, memo="法人税・地方法人税"),
        _line("未払法人税等", credit=local, memo="法人住民税・事業税・特別法人事業税"),
    )))


def _pay_corporate_taxes(db: Database, actor: Actor) -> None:
    """The 確定申告 of fiscal year 2025 paid by its 納期限: 法人税 and 地方法人税 to the 税務署, the rest to the
    都税事務所, each the amount the accrual booked."""
    from sqlalchemy import select

    from ennoshita.ledger.models import Account, JournalEntry, JournalLine

    if CORPORATE_TAX_DUE > DEMO_TODAY:
        return
    with db.uow() as uow:
        accrued = uow.session.execute(
            select(JournalLine.memo, JournalLine.credit).join(Account, Account.id == JournalLine.account_id)
            .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
            .where(Account.code == "2170", JournalEntry.status == "posted", JournalLine.credit > 0)
            .order_by(JournalLine.id)).all()
    for memo, amount, payee in ((m, int(a), "税務署" if m.startswith("法人税") else "東京都 都税事務所")
                                for m, a in accrued):
        services.post_entry(db.uow(), actor, EntryDraft(
            CORPORATE_TAX_DUE, f"{memo} 確定申告 納付（2025年度）", payee,
            (_line("未払法人税等", amount, memo=memo), _line("普通預金", credit=amount, sub="MIZUHO", memo=memo))))


def demo_today() -> dt.date:
    """The demo's today: ``DEMO_TODAY``, or the real today once past it (人事's attendance and the payroll runs
    follow the real calendar)."""
    return max(DEMO_TODAY, today_tokyo())


def _channel_sales(db: Database, actor: Actor) -> None:
    """From April 2026 the B2B sales are the sales module's; the EC site and the 店舗 (shop) still come in as a
    monthly aggregate from the channel's settlement report: 売上 (売掛金 of the payment provider), its 入金 and the
    goods bought for it, through the company's default bank account (普通預金, as the modules post). Months up to
    the demo's today, the current one pro rata; a seed of its own keeps the other figures unchanged."""
    rng = random.Random(20262)
    today = demo_today()
    y, m = PAYROLL_MODULE_FROM.year, PAYROLL_MODULE_FROM.month
    while dt.date(y, m, 1) <= today:
        month_end = end_of_month(y, m)
        day = min(month_end, today)
        sales = rng.randrange(100, 120) * SALES_UNIT * day.day // month_end.day
        services.post_entry(db.uow(), actor, EntryDraft(day, f"{m}月分 EC・店舗 売上（集計）", "決済代行", (
            _line("売掛金", sales), _line("売上高", credit=sales, tax="sales_10", dept="100"),
        )))
        collected = sales - rng.randrange(0, 5) * 100_000 * day.day // month_end.day
        services.post_entry(db.uow(), actor, EntryDraft(day, f"{m}月 EC・店舗 売上 入金", "決済代行", (
            _line("普通預金", collected), _line("売掛金", credit=collected),
        )))
        purchases = sales * PURCHASE_PERCENT // 100
        services.post_entry(db.uow(), actor, EntryDraft(day, f"{m}月分 EC・店舗 仕入（集計）", "", (
            _line("仕入高", purchases, tax="purchase_10:taxable", dept="300"), _line("買掛金", credit=purchases),
        )))
        services.post_entry(db.uow(), actor, EntryDraft(day, f"{m}月 EC・店舗 買掛金 支払", "", (
            _line("買掛金", purchases), _line("普通預金", credit=purchases),
        )))
        y, m = add_months(y, m, 1)


def lock_months(db: Database, actor: Actor) -> None:
    """月次締め of April to September 2026, run after every domain's demo has posted (the payroll runs paid in
    April to June among them: locked before, the 算定基礎届 had no pay to show)."""
    for month in LOCKED_MONTHS:
        services.lock_month(db.uow(), actor, month)
