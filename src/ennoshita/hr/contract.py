"""雇用契約書／労働条件通知書 (労基法15条, 労基則5条の明示事項) as an A4 PDF with embedded IPAex fonts, from a
template beside the other business documents (documents/templates/hr_employment_contract.html)."""

from __future__ import annotations

from dataclasses import dataclass

from jinja2 import Environment, FileSystemLoader, select_autoescape

from ennoshita.actor import Actor
from ennoshita.dates import today_tokyo
from ennoshita.db import UnitOfWork
from ennoshita.documents import jdate, yen
from ennoshita.documents.render import TEMPLATES
from ennoshita.hr import calendar, rules
from ennoshita.hr.employees import assignment_at, load
from ennoshita.identity.models import Company
from ennoshita.identity.roles import require
from ennoshita.tabular import IPAEX_GOTHIC, IPAEX_MINCHO

EMPLOYMENT_TYPE_JA = {"regular": "正社員", "contract": "契約社員", "part_time": "パート・アルバイト", "officer": "役員"}
WEEKDAY_JA = "月火水木金土日"
FONT_FACES = (f'@font-face {{ font-family: "IPAexGothic"; src: url("file://{IPAEX_GOTHIC}"); }}\n'
              f'@font-face {{ font-family: "IPAexMincho"; src: url("file://{IPAEX_MINCHO}"); }}\n')


@dataclass(frozen=True)
class CompanyBits:
    name: str
    representative: str
    address: str


def _hm(minutes: int) -> str:
    h, m = divmod(minutes, 60)
    return f"{h}時間{m:02d}分" if m else f"{h}時間"


def contract_html(uow: UnitOfWork, actor: Actor, employee_id: int) -> tuple[str, str]:
    require(actor, "hr.personal")
    with uow:
        s = uow.session
        e = load(s, employee_id)
        a = assignment_at(s, e.id, e.hire_date)
        assert a is not None
        c = s.get(Company, 1)
        company = CompanyBits(c.name if c else "", c.representative if c else "", c.address if c else "")
        daily = a.daily_minutes
        brk = 60 if daily > 8 * 60 - 60 else (45 if daily > 6 * 60 else 0)  # 労基法34条
        start = 9 * 60
        end = start + daily + brk
        off = [WEEKDAY_JA[i] for i in range(7) if str(i + 1) not in a.work_weekdays]
        env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]))
        env.filters["jdate"] = jdate
        env.filters["yen"] = yen
        html = env.get_template("hr_employment_contract.html").render(
            e=e, a=a, company=company, issued=today_tokyo(), font_faces=FONT_FACES,
            contract_term=("期間の定めなし" if a.employment_type in ("regular", "officer")
                           else "期間の定めあり（契約書別紙による）"),
            employment_type=EMPLOYMENT_TYPE_JA.get(a.employment_type, a.employment_type),
            start=f"{start // 60}時{start % 60:02d}分", end=f"{end // 60}時{end % 60:02d}分", daily=_hm(daily),
            weekly=_hm(a.weekly_minutes), break_text=f"{brk}分" if brk else "なし（6時間以下）",
            holidays=("毎週" + "・".join(off) + "曜日、国民の祝日" if off else "国民の祝日")
            + f"（法定休日は{WEEKDAY_JA[calendar.settings(s).legal_holiday_weekday - 1]}曜日）",
            first_grant=rules.grant_days(0, a.weekly_days, a.weekly_minutes))
        return html, f"labor-conditions-{e.employee_number}.pdf"


def contract_pdf(uow: UnitOfWork, actor: Actor, employee_id: int) -> tuple[bytes, str]:
    """The PDF and its file name; personal data (hr.personal)."""
    from weasyprint import HTML

    html, name = contract_html(uow, actor, employee_id)
    pdf: bytes = HTML(string=html, base_url=str(TEMPLATES)).write_pdf()
    return pdf, name
