"""A 稟議's title in the reader's language.

The list of requests shows each one's document type (a badge from the catalogs), its number and its title. A
title is either the document's own text (a PO's 件名, a contract's title, a supplier and its bill number, an
expense claim's 件名: shown as written) or a text the application writes, kept as a catalog key with its
parameters (:func:`ennoshita.i18n.stored`: a payment run's date, a leave request's employee and day) and written
at display time in the reader's language, its dates in the reader's format.

Requests submitted before kept such titles as Japanese text (``経費精算 出張旅費``, ``支払 2026-04-30``,
``年次有給休暇 山田 太郎 2026-04-01``, a pay run's ``2026-11``): :func:`title_in` recognises each pattern and writes
it the same way, so the demo company and migrated databases read right without a data migration.
"""

from __future__ import annotations

import datetime as dt
import re

from ennoshita.dates import format_date
from ennoshita.i18n import gettext, read_stored

_DATE = r"(\d{4}-\d{2}-\d{2})"
_LEGACY: tuple[tuple[str, re.Pattern[str], str], ...] = (
    # (document types, the pattern of the stored Japanese title, the key its groups fill: name, date)
    ("payment_run", re.compile(rf"支払 {_DATE}"), "approvals.title.payment_run"),
    ("hr_leave hr_leave_hr", re.compile(rf"年次有給休暇 (?P<name>.+) {_DATE}"), "approvals.title.leave"),
    ("hr_attendance hr_attendance_hr", re.compile(rf"勤怠修正 (?P<name>.+) {_DATE}"),
     "approvals.title.attendance_correction"),
    ("hr_attendance hr_attendance_hr", re.compile(rf"残業申請 (?P<name>.+) {_DATE}"), "approvals.title.overtime"),
)
_PREFIXES = {"expense_claim": "経費精算 "}  # the document type said again before the claim's own 件名


def title_in(lang: str, document_type: str, title: str) -> str:
    """What a reader in ``lang`` sees as a request's title."""
    found = read_stored(lang, title)
    if found is not None:
        return found
    for types, pattern, key in _LEGACY:
        m = pattern.fullmatch(title) if document_type in types.split() else None
        if m is not None:
            day = dt.date.fromisoformat(m.group(m.re.groups))
            return gettext(lang, key, date=day, **({"name": m.group("name")} if "name" in m.groupdict() else {}))
    prefix = _PREFIXES.get(document_type)
    if prefix and title.startswith(prefix):
        return title[len(prefix):]
    if document_type == "payroll_run" and re.fullmatch(r"\d{4}-\d{2}", title):  # a monthly run by its month
        year, month = int(title[:4]), int(title[5:])
        return gettext(lang, "payroll.run_title.monthly", year=year, month=month,
                       month_name=gettext(lang, f"month.{month}"))
    if document_type == "payroll_run" and re.fullmatch(_DATE, title):  # a bonus by its pay date
        return format_date(dt.date.fromisoformat(title), lang)
    return title
