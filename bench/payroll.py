"""Payroll benchmark: a monthly run for 10,000 employees with a closed attendance month each, computed, checked,
approved (fixed and posted) and exported as a 全銀 給与振込 file; payslip PDFs rendered on one core.

Target (issue #16): compute + fix + export under 60 s on SQLite; payslip PDFs at the invoice PDF rate or better.

Run: ``python -m bench payroll`` (SQLite) or ``python -m bench.payroll sqlite postgresql``.
"""

from __future__ import annotations

import datetime as dt
import sys
import time

from bench.common import fresh_database, machine, write_section
from ennoshita.actor import Actor
from ennoshita.bulk import insert_rows
from ennoshita.db import Database
from ennoshita.identity import company as company_service
from ennoshita.payroll import payslip, queries, services

EMPLOYEES = 10_000
PDF_SAMPLE = 200
MONTH = dt.date(2026, 10, 1)
PREPARER = Actor(user_id=1, name="人事", roles=frozenset({"hr"}), via="cli")
APPROVER = Actor(user_id=2, name="経理", roles=frozenset({"accounting"}), via="cli")


def _seed(db: Database) -> None:
    company_service.update_company(db.uow(), Actor.system(), {"name": "株式会社さくら精機",
                                                              "name_kana": "カブシキガイシャサクラセイキ"})
    company_service.save_bank_account(db.uow(), Actor.system(), company_service.BankAccountData(
        bank_code="0001", bank_name_kana="ﾐｽﾞﾎ", branch_code="001", branch_name_kana="ﾎﾝﾃﾝ", account_type="普通",
        account_number="1234567", holder_kana="ｶ)ｻｸﾗｾｲｷ", zengin_requester_code="1234567890", is_default=True))
    now = dt.datetime(2026, 11, 1, tzinfo=dt.UTC).isoformat()
    ids = range(1, EMPLOYEES + 1)
    with db.uow() as uow:
        s = uow.session
        insert_rows(s, "hr_employees", ("id", "employee_number", "name", "name_kana", "birth_date", "gender",
                                        "hire_date", "user_id", "leave_reason", "email", "phone", "postal_code",
                                        "address", "emergency_name", "emergency_relation", "emergency_phone",
                                        "basic_pension_number", "employment_insurance_number", "monthly_wage",
                                        "created_at", "updated_at"),
                    [(i, f"{i:06d}", f"社員 {i}", "ｼｬｲﾝ", f"{1960 + i % 40}-04-0{1 + i % 9}", "", "2015-04-01",
                      100_000 + i, "", "", "", "", "", "", "", "", "", "", 0, now, now) for i in ids])
        insert_rows(s, "hr_assignments", ("id", "employee_id", "effective_from", "department", "position",
                                          "employment_type", "weekly_days", "weekly_minutes", "daily_minutes",
                                          "work_weekdays", "is_manager", "created_at"),
                    [(i, i, "2015-04-01", f"部{i % 20}", "", "part_time" if i % 10 == 0 else "regular", 5, 2400,
                      480, "12345", False, now) for i in ids])
        insert_rows(s, "employee_bank_accounts", ("user_id", "bank_code", "branch_code", "account_type",
                                                  "account_number", "holder_kana", "updated_by", "updated_at"),
                    [(100_000 + i, "0005", f"{i % 900 + 100:03d}", "ordinary", f"{i:07d}", f"ｼｬｲﾝ {i}", None, now)
                     for i in ids])
        insert_rows(s, "hr_timesheets", ("id", "employee_id", "month", "status", "scheduled_days", "worked_days",
                                         "absence_days", "leave_days", "leave_hours", "scheduled_minutes",
                                         "actual_minutes", "overtime_minutes", "overtime_over60_minutes",
                                         "legal_holiday_minutes", "night_minutes", "closed_at", "closed_by"),
                    [(i, i, MONTH.isoformat(), "closed", 21, 21 - i % 2, i % 2, 0, 0, 10_080, 10_080 + i % 1_500,
                      i % 1_500, max(0, i % 1_500 - 1_200), 0, i % 120, now, None) for i in ids])
        uow.commit()
    with db.uow() as uow:
        from ennoshita.payroll.models import PayProfile

        s = uow.session
        for i in ids:
            part = i % 10 == 0
            s.add(PayProfile(
                employee_id=i, pay_type="hourly" if part else "monthly", base_amount=1_200 if part else
                200_000 + (i % 50) * 5_000, allowances=[] if part else [{"name": "住宅手当", "amount": 10_000,
                                                                          "taxable": True, "social": True,
                                                                          "overtime_base": False}],
                commute_allowance=12_000, commute_nontaxable_limit=150_000, has_declaration=not part,
                dependents=i % 4, declaration={}, health_insurer="kyokai", union_health_rate="",
                union_care_rate="", prefecture=1 + i % 47, health_member=not part, pension_member=not part,
                standard_remuneration=0 if part else 222_000 + (i % 50) * 5_000, employment_insured=True,
                employment_business_type="general", resident_tax_mode="special" if i % 3 else "none",
                resident_tax={"2026-11": 10_000 + i % 20 * 100}))
        uow.commit()


def _one(backend: str) -> dict[str, str]:
    with fresh_database(backend, "payroll") as db:
        _seed(db)
        run = services.create_run(db.uow(), PREPARER, kind="monthly", year=MONTH.year, month=MONTH.month)
        t0 = time.perf_counter()
        services.compute_run(db.uow(), PREPARER, run.id)
        t1 = time.perf_counter()
        services.check_run(db.uow(), PREPARER, run.id)
        services.approve_run(db.uow(), APPROVER, run.id)
        t2 = time.perf_counter()
        content = services.export_zengin(db.uow(), APPROVER, run.id)
        t3 = time.perf_counter()
        slips, _ = queries.run_slips(db.uow(), APPROVER, run.id, limit=PDF_SAMPLE)
        c0 = time.process_time()
        pdfs = payslip.render_pdfs(slips, "株式会社さくら精機")
        cpu = time.process_time() - c0
        view = services.get_run(db.uow(), APPROVER, run.id)
    return {"compute": f"{t1 - t0:.1f} s", "fix": f"{t2 - t1:.1f} s", "zengin": f"{t3 - t2:.2f} s",
            "total": f"{t3 - t0:.1f} s", "pdf": f"{len(pdfs) / cpu:.1f} payslips per CPU second",
            "check": f"{view.employee_count:,} slips, net {view.net_total:,} yen, file {len(content):,} bytes"}


def run(backends: list[str] | None = None) -> None:
    results = {b: _one(b) for b in (backends or ["sqlite"])}
    rows = ["compute", "fix", "zengin", "total", "pdf", "check"]
    labels = {"compute": "compute (10,000 slips from the closed month)", "fix": "check + approve (fix and post)",
              "zengin": "全銀 給与振込 file", "total": "compute + fix + export", "pdf": f"payslip PDFs ({PDF_SAMPLE})",
              "check": "result"}
    head = "| measure | " + " | ".join(results) + " |\n| --- | " + " | ".join("---:" for _ in results) + " |\n"
    body = "".join(f"| {labels[r]} | " + " | ".join(results[b][r] for b in results) + " |\n" for r in rows)
    write_section("payroll", f"""## Payroll: a monthly run for {EMPLOYEES:,} employees

Machine: {machine()}. Command: `python -m bench payroll`. Each employee has a pay setup (monthly or hourly,
allowances, 通勤手当, 住民税 for two thirds), a closed attendance month with overtime and night work, a salary
account; the run is computed through the service (one transaction), checked by 人事, approved by 経理 (fixed and
posted), then the 全銀 給与振込 file is written. Target: compute + fix + export < 60 s on SQLite; payslip PDFs at
the invoice rate (16.3 per CPU second) or better.

{head}{body}""")
    for b, r in results.items():
        print(b, r, flush=True)


if __name__ == "__main__":
    run(sys.argv[1:] or None)
