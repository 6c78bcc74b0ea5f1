"""依頼 (request desk) rules: request types with their fields, teams and SLAs; business time on Japan's
calendar; the status table; and the dashboard's statistics. Pure functions, no database.

Business time: 9:00-18:00 Asia/Tokyo on business days (no weekends, no 祝日 and no 年末年始 12/31-1/3,
as :func:`ennoshita.dates.is_bank_holiday` defines them). An SLA is a number of business hours; a request
filed at 17:00 on a Friday with a 4-hour SLA is due at 12:00 on Monday (or the next business day).

Statistics: the median and the 90th percentile use the nearest-rank method on the sorted lead times
(the smallest value such that at least p% of the values are <= it), so every figure is a lead time
that actually occurred and a reader can check it by counting.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from ennoshita.dates import is_bank_holiday
from ennoshita.errors import Invalid, InvalidTransition, Problem

TOKYO = ZoneInfo("Asia/Tokyo")
DAY_START = dt.time(9, 0)
DAY_END = dt.time(18, 0)
HOURS_PER_DAY = 9

# team code -> the role that works its queue
TEAMS: dict[str, str] = {
    "accounting": "accounting",  # 経理
    "sales_admin": "sales_admin",  # 営業事務
    "general_affairs": "general_affairs",  # 総務
    "hr": "hr",  # 人事
    "legal": "legal",  # 法務
}

STATUSES = ("received", "in_progress", "waiting", "done", "withdrawn")  # 受付 対応中 確認待ち 完了 取り下げ
OPEN_STATUSES = frozenset({"received", "in_progress", "waiting"})
TRANSITIONS: dict[str, frozenset[str]] = {
    "received": frozenset({"in_progress", "done", "withdrawn"}),
    "in_progress": frozenset({"waiting", "done", "withdrawn"}),
    "waiting": frozenset({"in_progress", "done", "withdrawn"}),
    "done": frozenset(),
    "withdrawn": frozenset(),
}


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: str  # text / textarea / date / partner / lines / number / file / team
    required: bool = True
    max_length: int = 2000


@dataclass(frozen=True)
class RequestType:
    code: str
    team: str
    sla_hours: int  # business hours from filing to completion
    fields: tuple[FieldSpec, ...]
    creates: str | None = None  # the document it asks for: quote / sales_order / purchase_order / contract


REQUEST_TYPES: dict[str, RequestType] = {t.code: t for t in (
    RequestType("quote", "sales_admin", 9, (
        FieldSpec("customer", "partner"), FieldSpec("lines", "lines"), FieldSpec("due_date", "date"),
        FieldSpec("notes", "textarea", required=False)), creates="quote"),
    RequestType("order", "sales_admin", 4, (
        FieldSpec("customer", "partner"), FieldSpec("customer_po", "text"), FieldSpec("purchase_order", "file"),
        FieldSpec("lines", "lines", required=False), FieldSpec("notes", "textarea", required=False)),
        creates="sales_order"),
    RequestType("invoice", "sales_admin", 9, (
        FieldSpec("customer", "partner"), FieldSpec("description", "textarea"), FieldSpec("amount", "number"),
        FieldSpec("issue_date", "date", required=False))),
    RequestType("inquiry", "sales_admin", 4, (
        FieldSpec("customer", "partner", required=False), FieldSpec("question", "textarea"))),
    RequestType("contract_review", "legal", 27, (
        FieldSpec("counterparty", "text"), FieldSpec("contract", "file"), FieldSpec("points", "textarea")),
        creates="contract"),
    RequestType("purchase", "general_affairs", 18, (
        FieldSpec("lines", "lines"), FieldSpec("supplier", "partner", required=False),
        FieldSpec("needed_by", "date"), FieldSpec("purpose", "textarea")), creates="purchase_order"),
    RequestType("onboarding", "hr", 45, (
        FieldSpec("person", "text"), FieldSpec("kind", "text"), FieldSpec("effective_date", "date"),
        FieldSpec("notes", "textarea", required=False))),
    # The free type: the requester names the team (総務 when left empty).
    RequestType("other", "general_affairs", 18, (FieldSpec("details", "textarea"),
                                                 FieldSpec("team", "team", required=False))),
)}


def request_type(code: str) -> RequestType:
    found = REQUEST_TYPES.get(code)
    if found is None:
        raise Invalid("desk.error.unknown_type", field="type", type=code)
    return found


def check_fields(rtype: RequestType, fields: Mapping[str, Any], attached: Sequence[str] = ()) -> dict[str, Any]:
    """The request's fields, cleaned; Invalid naming every missing or malformed one (``fields.customer``).
    ``attached`` names the file fields that have an attachment."""
    problems: list[Problem] = []
    clean: dict[str, Any] = {}
    for spec in rtype.fields:
        where = f"fields.{spec.name}"
        value = fields.get(spec.name)
        if spec.kind == "file":
            if spec.required and spec.name not in attached:
                problems.append(Problem("desk.error.file_required", where))
            continue
        if spec.kind == "lines":
            lines = [ln for ln in (value or []) if isinstance(ln, Mapping) and str(ln.get("item", "")).strip()]
            if spec.required and not lines:
                problems.append(Problem("desk.error.required", where))
            for i, ln in enumerate(lines):
                qty = str(ln.get("quantity", "")).strip() or "1"
                try:
                    number = Decimal(qty)
                    if not number.is_finite() or number <= 0:
                        raise ValueError(qty)
                except (ValueError, ArithmeticError):
                    problems.append(Problem("desk.error.quantity", f"{where}[{i}].quantity", {"value": qty}))
            clean[spec.name] = [{"item": str(ln["item"]).strip(), "quantity": str(ln.get("quantity", "1")).strip()
                                 or "1"} for ln in lines]
            continue
        text = "" if value is None else str(value).strip()
        if not text:
            if spec.required:
                problems.append(Problem("desk.error.required", where))
            continue
        if len(text) > spec.max_length:
            problems.append(Problem("desk.error.too_long", where, {"max": spec.max_length}))
        if spec.kind == "date":
            try:
                clean[spec.name] = dt.date.fromisoformat(text).isoformat()
            except ValueError:
                problems.append(Problem("desk.error.date", where, {"value": text}))
            continue
        if spec.kind == "team":
            if text not in TEAMS:
                problems.append(Problem("desk.error.team", where, {"team": text}))
            clean[spec.name] = text
            continue
        if spec.kind == "number":
            digits = text.replace(",", "").replace("円", "").replace("¥", "")
            if not digits.lstrip("-").isdigit():
                problems.append(Problem("desk.error.number", where, {"value": text}))
                continue
            clean[spec.name] = int(digits)
            continue
        clean[spec.name] = text
    unknown = sorted(set(fields) - {s.name for s in rtype.fields})
    for name in unknown:
        problems.append(Problem("desk.error.unknown_field", f"fields.{name}", {"name": name}))
    if problems:
        raise Invalid(problems=problems)
    return clean


def check_transition(current: str, target: str) -> None:
    if target not in STATUSES:
        raise Invalid("desk.error.status", field="status", status=target)
    if target not in TRANSITIONS.get(current, frozenset()):
        raise InvalidTransition("desk.error.transition", field="status", current=current, target=target)


# --- business time ---------------------------------------------------------------------------------


def _is_workday(day: dt.date) -> bool:
    return not is_bank_holiday(day)


def _local(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        raise ValueError("business time needs an aware datetime")
    return moment.astimezone(TOKYO)


def _next_open(local: dt.datetime) -> dt.datetime:
    """The first business moment at or after ``local``."""
    day = local.date()
    if _is_workday(day) and local.time() < DAY_END:
        return max(local, dt.datetime.combine(day, DAY_START, TOKYO))
    day += dt.timedelta(days=1)
    while not _is_workday(day):
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, DAY_START, TOKYO)


def add_business_minutes(start: dt.datetime, minutes: int) -> dt.datetime:
    """The moment ``minutes`` of business time after ``start`` (returned in Asia/Tokyo)."""
    if minutes < 0:
        raise ValueError("minutes must not be negative")
    current = _next_open(_local(start))
    remaining = minutes
    while True:
        end_of_day = dt.datetime.combine(current.date(), DAY_END, TOKYO)
        left_today = int((end_of_day - current).total_seconds() // 60)
        if remaining <= left_today:
            return current + dt.timedelta(minutes=remaining)
        remaining -= left_today
        current = _next_open(end_of_day)


def sla_due(filed_at: dt.datetime, sla_hours: int) -> dt.datetime:
    """When a request filed at ``filed_at`` is due under an SLA of ``sla_hours`` business hours."""
    return add_business_minutes(filed_at, sla_hours * 60)


@lru_cache(maxsize=64)
def _workdays_before(year: int) -> tuple[int, ...]:
    """For each day of ``year`` (index = day of year - 1), how many workdays of that year come before it."""
    counts: list[int] = []
    seen = 0
    day = dt.date(year, 1, 1)
    while day.year == year:
        counts.append(seen)
        seen += _is_workday(day)
        day += dt.timedelta(days=1)
    counts.append(seen)  # the year's total, at index 365/366
    return tuple(counts)


def _workday_index(day: dt.date) -> int:
    """Workdays from 2000-01-01 up to (not including) ``day``: differences give workdays between dates."""
    before = sum(_workdays_before(y)[-1] for y in range(2000, day.year)) if day.year > 2000 else 0
    return before + _workdays_before(day.year)[day.timetuple().tm_yday - 1]


def business_minutes_between(start: dt.datetime, end: dt.datetime) -> int:
    """Business minutes from ``start`` to ``end`` (0 when end is not after start). Whole days in between are
    counted from a per-year table of workdays, so a request overdue for a year costs no more than one."""
    a, b = _next_open(_local(start)), _local(end)
    if b <= a:
        return 0
    first, last = a.date(), b.date()
    close_first = dt.datetime.combine(first, DAY_END, TOKYO)
    if first == last:
        return int((min(b, close_first) - a).total_seconds() // 60)
    total = int((close_first - a).total_seconds() // 60)  # a is a business moment: its day is a workday
    total += (_workday_index(last) - _workday_index(first + dt.timedelta(days=1))) * HOURS_PER_DAY * 60
    if _is_workday(last):
        open_last = dt.datetime.combine(last, DAY_START, TOKYO)
        close_last = dt.datetime.combine(last, DAY_END, TOKYO)
        if b > open_last:
            total += int((min(b, close_last) - open_last).total_seconds() // 60)
    return total


def remaining_minutes(now: dt.datetime, due: dt.datetime) -> int:
    """Business minutes left until ``due`` (negative when overdue: the business minutes past it)."""
    if _local(now) <= _local(due):
        return business_minutes_between(now, due)
    return -business_minutes_between(due, now)


# --- statistics ------------------------------------------------------------------------------------


def nearest_rank(values: Sequence[int], percent: int) -> int | None:
    """The nearest-rank percentile: the ceil(p/100 x n)-th smallest value (None for no values)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(percent * len(ordered) / 100))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Handled:
    """One completed request, as the dashboard sees it."""

    team: str
    assignee_id: int | None
    type: str
    requester_department: str
    lead_minutes: int  # business minutes from filing to completion
    on_time: bool


@dataclass(frozen=True)
class Stats:
    handled: int
    median_minutes: int | None
    p90_minutes: int | None
    on_time: int

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.handled if self.handled else None


def stats(items: Sequence[Handled]) -> Stats:
    leads = [h.lead_minutes for h in items]
    return Stats(len(items), nearest_rank(leads, 50), nearest_rank(leads, 90), sum(1 for h in items if h.on_time))


def group_stats(items: Sequence[Handled], key: str) -> dict[Any, Stats]:
    """Stats per team / assignee_id / type / requester_department."""
    groups: dict[Any, list[Handled]] = {}
    for h in items:
        groups.setdefault(getattr(h, key), []).append(h)
    return {k: stats(v) for k, v in groups.items()}


def team_for(rtype: RequestType, fields: Mapping[str, Any]) -> str:
    """The team a request goes to: the type's, or for the free type the team the requester chose."""
    chosen = fields.get("team")
    return str(chosen) if rtype.code == "other" and chosen in TEAMS else rtype.team
