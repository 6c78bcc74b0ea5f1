"""給与の訂正 from the screen: a fixed (posted, perhaps paid) run is never changed; its correction is a new run that
points at it (``corrects_id``), computed with the employees' changed items (基本給, 通勤手当, 扶養親族等の数 of a
monthly run; the amount of a 賞与), shown before it is saved as the differences per employee and in total, and
saved computed and checked: on the 稟議 route ``payroll_run`` when the approval flow applies, else waiting for
承認 by someone who did not prepare it. On 承認 it reverses the original's entry (``ledger.reverse_in``) and posts
its own (:func:`ennoshita.payroll.services._fix`); it pays only the difference (全銀, 支払済).

The changed items are kept on the correction run (``PayRun.corrections``, ``bonus_amounts``) and apply to it
only: a pay setup that stays wrong for the months after is corrected on the employee's pay setup."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ennoshita.actor import Actor
from ennoshita.db import UnitOfWork
from ennoshita.errors import Conflict, Invalid, InvalidTransition, Problem
from ennoshita.identity.roles import require
from ennoshita.payroll import services, wages
from ennoshita.payroll.models import PayProfile, PayRun, Payslip

MONTHLY_ITEMS = ("base_amount", "commute_allowance", "dependents")
BONUS_ITEMS = ("bonus",)
LIMITS = {"base_amount": 100_000_000, "commute_allowance": 10_000_000, "dependents": 20, "bonus": 1_000_000_000}


def items_of(kind: str) -> tuple[str, ...]:
    return BONUS_ITEMS if kind == "bonus" else MONTHLY_ITEMS


@dataclass(frozen=True)
class Side:
    """A slip's (or the run's) figures: 総支給, 控除計, 差引支給額."""

    gross: int
    deductions: int
    net: int


@dataclass(frozen=True)
class EditRow:
    employee_id: int
    employee_number: str
    name: str
    items: dict[str, int]  # the values the original was computed with


@dataclass(frozen=True)
class DiffRow:
    employee_id: int
    employee_number: str
    name: str
    items: tuple[tuple[str, int, int], ...]  # the changed items: (item, before, after)
    before: Side
    after: Side

    @property
    def changed(self) -> bool:
        return self.before != self.after or bool(self.items)


@dataclass(frozen=True)
class Preview:
    original: services.RunView
    rows: tuple[DiffRow, ...]  # every employee of the original or of the correction
    before: Side
    after: Side

    @property
    def changed_rows(self) -> tuple[DiffRow, ...]:
        return tuple(r for r in self.rows if r.changed)


ZERO = Side(0, 0, 0)


def _original(s: Session, run_id: int) -> PayRun:
    run = services._load(s, run_id)
    if run.status != "fixed":
        raise InvalidTransition("payroll.error.correct_unfixed", field="corrects_id", number=run.number)
    later = s.scalar(select(PayRun.number).where(PayRun.corrects_id == run.id).order_by(PayRun.id).limit(1))
    if later is not None:  # a second correction of one run would reverse its entry twice: correct the correction
        raise Conflict("payroll.error.correction_exists", field="corrects_id", number=run.number, by=later)
    return run


def _slips(s: Session, run_id: int) -> dict[int, Payslip]:
    return {p.employee_id: p for p in s.scalars(select(Payslip).where(Payslip.run_id == run_id))}


def _current(s: Session, run: PayRun, slips: Mapping[int, Payslip]) -> dict[int, dict[str, int]]:
    """The items each employee of ``run`` was computed with (the fixed wages in force for its period)."""
    ids = list(slips)
    if run.kind == "bonus":
        return {i: {"bonus": int(run.bonus_amounts.get(str(i), 0))} for i in ids}
    profiles = {p.employee_id: p for p in s.scalars(select(PayProfile).where(PayProfile.employee_id.in_(ids)))}
    fixed = wages.in_force_in(s, ids, run.period_start)
    out = {}
    for i in ids:
        p = profiles.get(i)
        source = fixed.get(i) or p
        own = (run.corrections or {}).get(str(i), {})  # a correction corrected again starts from its own items
        out[i] = {"base_amount": int(own.get("base_amount", source.base_amount if source else 0)),
                  "commute_allowance": int(own.get("commute_allowance", source.commute_allowance if source else 0)),
                  "dependents": int(own.get("dependents", slips[i].dependents))}
    return out


def correction_form(uow: UnitOfWork, actor: Actor, run_id: int) -> tuple[services.RunView, list[EditRow]]:
    """The original and, per employee, the items it was computed with (the form's starting values)."""
    require(actor, "payroll.edit")
    with uow:
        s = uow.session
        run = _original(s, run_id)
        slips = _slips(s, run.id)
        current = _current(s, run, slips)
        rows = [EditRow(i, p.employee_number, p.name, current[i])
                for i, p in sorted(slips.items(), key=lambda kv: kv[1].employee_number)]
        return services._view(run), rows


def _changed(run: PayRun, current: Mapping[int, Mapping[str, int]],
             changes: Mapping[int, Mapping[str, int]]) -> dict[int, dict[str, int]]:
    """The items that differ from the original's, checked: every problem at once, each naming its field."""
    problems: list[Problem] = []
    allowed = items_of(run.kind)
    out: dict[int, dict[str, int]] = {}
    for emp, items in changes.items():
        if emp not in current:
            problems.append(Problem("payroll.error.correction_employee", f"changes.{emp}", {"id": emp}))
            continue
        for item, value in items.items():
            where = f"changes.{emp}.{item}"
            if item not in allowed:
                problems.append(Problem("payroll.error.unknown_field", where))
            elif not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= LIMITS[item]:
                problems.append(Problem("payroll.error.correction_value", where, {"max": LIMITS[item]}))
            elif value != current[emp][item]:
                out.setdefault(emp, {})[item] = value
    if problems:
        raise Invalid(problems=problems)
    return out


def _draft(original: PayRun, current: Mapping[int, Mapping[str, int]],
           changed: Mapping[int, Mapping[str, int]]) -> PayRun:
    """The correction run, not stored: the original's period and pay date with the changed items over it."""
    if original.kind == "bonus":
        amounts = {str(i): int(changed.get(i, {}).get("bonus", v["bonus"])) for i, v in current.items()}
        corrections: dict[str, dict[str, int]] = {}
    else:
        amounts = {}
        corrections = {str(i): {**(original.corrections or {}).get(str(i), {}), **items}
                       for i, items in changed.items()}
        for i, items in (original.corrections or {}).items():
            corrections.setdefault(i, dict(items))
    return PayRun(kind=original.kind, title=original.title, period_start=original.period_start,
                  period_end=original.period_end, pay_date=original.pay_date, corrects_id=original.id,
                  bonus_amounts=amounts, corrections=corrections, year_end=original.year_end, status="draft")


def _side(p: Payslip | None) -> Side:
    return Side(p.gross, p.deduction_total, p.net) if p is not None else ZERO


def _preview_in(s: Session, original: PayRun, changes: Mapping[int, Mapping[str, int]]
                ) -> tuple[Preview, PayRun, dict[int, dict[str, int]]]:
    before = _slips(s, original.id)
    current = _current(s, original, before)
    changed = _changed(original, current, changes)
    draft = _draft(original, current, changed)
    after = {p.employee_id: p for p in services.slips_of(s, draft)}
    rows = []
    for emp in sorted(set(before) | set(after), key=lambda i: (before.get(i) or after[i]).employee_number):
        who = before.get(emp) or after[emp]
        items = tuple((k, current[emp][k], v) for k, v in changed.get(emp, {}).items())
        rows.append(DiffRow(emp, who.employee_number, who.name, items, _side(before.get(emp)), _side(after.get(emp))))
    return Preview(services._view(original), tuple(rows), _total([r.before for r in rows]),
                   _total([r.after for r in rows])), draft, changed


def _total(sides: list[Side]) -> Side:
    return Side(sum(x.gross for x in sides), sum(x.deductions for x in sides), sum(x.net for x in sides))


def preview_correction(uow: UnitOfWork, actor: Actor, run_id: int,
                       changes: Mapping[int, Mapping[str, int]]) -> Preview:
    """The differences the correction would make, per employee and in total; nothing is written."""
    require(actor, "payroll.edit")
    with uow:
        preview, _draft_run, _changed_items = _preview_in(uow.session, _original(uow.session, run_id), changes)
        return preview


def correct_run(uow: UnitOfWork, actor: Actor, run_id: int,
                changes: Mapping[int, Mapping[str, int]]) -> services.RunView:
    """保存: the correction run of fixed run ``run_id`` with the changed items, computed and checked (sent to the
    稟議 route when the approval flow applies), in one transaction. Refused when it would change nothing."""
    require(actor, "payroll.edit")
    with uow:
        s = uow.session
        original = _original(s, run_id)
        preview, draft, _changed_items = _preview_in(s, original, changes)
        if not preview.changed_rows:
            raise Invalid("payroll.error.correction_nothing", number=original.number)
        run = services.new_run_in(s, actor, draft, int(original.number.split("-")[1]))
        services.compute_in(s, actor, run)
        services.check_in(s, actor, run)
        result = services._view(run)
        uow.commit()
    return result
