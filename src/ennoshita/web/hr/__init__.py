"""人事 screens: self-service (web/hr/me.py), the register and 手続き (register.py), attendance and the 36協定
(attendance.py), and 年次有給休暇 (leave.py). Template helpers shared by them are here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

from ennoshita.hr.onboarding import item_label
from ennoshita.hr.rules import format_days
from ennoshita.web.render import TEMPLATES


def fmt_hm(minutes: int | None) -> str:
    """Minutes as hours:minutes (``45:30``), as 勤怠 screens show them."""
    m = int(minutes or 0)
    return f"{m // 60}:{m % 60:02d}"


def fmt_days(days: Fraction | Decimal | int | None) -> str:
    return format_days(Fraction(days or 0).limit_denominator(1000))


TEMPLATES.env.globals["fmt_hm"] = fmt_hm
TEMPLATES.env.globals["fmt_days"] = fmt_days
TEMPLATES.env.globals["timedelta"] = dt.timedelta
TEMPLATES.env.globals["checklist_item"] = item_label
