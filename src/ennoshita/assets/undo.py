"""総務's own undo of what the 固定資産台帳 posted (the journal's 取消/訂正 refuse these entries, see
:mod:`ennoshita.assets.ledger_owner`): 減価償却の取消 and 除却・売却の取消. Each is one transaction with its audit
record; the role is the original action's (``general_affairs.edit``).

- 減価償却の取消 (:func:`cancel_run`): the run's entry reversed on its own date, every asset it moved on put back
  (償却累計額 less the run's own line, the last depreciated month as it was before the run, kept per asset in
  ``depreciation_run_assets``), the run kept as ``cancelled``; the period may then be run again. Only the latest
  standing run: a later one was computed from the register this run left. Refused while the period is locked or
  its year closed (the figures of a closed period stay), and while an asset of the run has since been disposed of
  (the disposal took the book value after this run: its 取消 comes first).
- 除却・売却の取消 (:func:`cancel_disposal`): the disposal's entry reversed (on its date, or today when that month is
  locked), the asset back in service with the book value it had (nothing of the register moved with the disposal).
  Refused when a depreciation run has been posted for a month after the asset's last depreciated one: that run
  left the asset out, so bringing it back would leave the month uncharged. (一括償却資産 are charged their thirds
  whether disposed of or not, 法人税基本通達7-1-13: no run depends on their disposal.)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, text

from ennoshita import audit
from ennoshita.actor import Actor
from ennoshita.assets import rules
from ennoshita.assets.models import DepreciationRun, DepreciationRunAsset, FixedAsset
from ennoshita.assets.services import AssetView, _view, company
from ennoshita.dates import now_utc, today_tokyo
from ennoshita.db import UnitOfWork
from ennoshita.errors import Conflict, Invalid, NotFound
from ennoshita.identity.roles import require
from ennoshita.ledger import reverse_in
from ennoshita.ledger.posting import closed_years, date_problems, locked_periods


def run_label(kind: str, start: dt.date, end: dt.date) -> str:
    """A run's period as the screens and messages of both languages name it: ``2026-04``, or for a fiscal year
    ``2026-04/2027-03`` (the ISO 8601 interval)."""
    return f"{start:%Y-%m}" if kind == "monthly" else f"{start:%Y-%m}/{end:%Y-%m}"


@dataclass(frozen=True)
class RunView:
    id: int
    kind: str
    period_start: dt.date
    period_end: dt.date
    label: str
    total: int
    asset_count: int
    journal_entry_id: int | None
    status: str  # posted / cancelled
    reversal_entry_id: int | None
    posted_at: dt.datetime
    cancelled_at: dt.datetime | None


def _run_view(r: DepreciationRun) -> RunView:
    return RunView(r.id, r.kind, r.period_start, r.period_end, run_label(r.kind, r.period_start, r.period_end),
                   r.total, r.asset_count, r.journal_entry_id, r.status, r.reversal_entry_id, r.posted_at,
                   r.cancelled_at)


def list_runs(uow: UnitOfWork, actor: Actor, limit: int = 36) -> list[RunView]:
    """The posted runs, the latest period first (cancelled ones too, marked as such)."""
    require(actor, "general_affairs.view")
    with uow:
        rows = uow.session.scalars(select(DepreciationRun)
                                   .order_by(DepreciationRun.period_start.desc(), DepreciationRun.id.desc())
                                   .limit(limit))
        return [_run_view(r) for r in rows]


def cancel_run(uow: UnitOfWork, actor: Actor, run_id: int, reason: str = "") -> RunView:
    """減価償却の取消: the run's entry reversed, the register exactly as it was before the run, the run kept as
    cancelled (see the module's notes for what refuses it)."""
    require(actor, "general_affairs.edit")
    with uow:
        s = uow.session
        run = s.get(DepreciationRun, run_id, with_for_update=True)
        if run is None:
            raise NotFound("assets.error.run_not_found", id=run_id)
        label = run_label(run.kind, run.period_start, run.period_end)
        if run.status != "posted":
            raise Conflict("assets.error.run_cancelled", field="run_id", period=label)
        later = s.scalars(select(DepreciationRun).where(
            DepreciationRun.status == "posted", DepreciationRun.id != run.id,
            (DepreciationRun.period_start > run.period_start) | (DepreciationRun.id > run.id))
            .order_by(DepreciationRun.period_start.desc()).limit(1)).first()
        if later is not None:
            raise Conflict("assets.error.run_later", field="run_id", period=label,
                           later=run_label(later.kind, later.period_start, later.period_end))
        c = company(s)
        locked, closed = locked_periods(s), closed_years(s)
        month = run.period_start
        while month <= run.period_end:
            problems = date_problems(rules.add_months(month, 1) - dt.timedelta(days=1), c.fiscal_year_start_month,
                                     locked, closed, field="period")
            if problems:
                raise Invalid(problems=problems[:1])
            month = rules.add_months(month, 1)
        recorded = s.scalar(select(DepreciationRunAsset.asset_id).where(DepreciationRunAsset.run_id == run.id)
                            .limit(1)) is not None
        disposed = s.scalars(select(FixedAsset.number).join(
            DepreciationRunAsset, DepreciationRunAsset.asset_id == FixedAsset.id).where(
            DepreciationRunAsset.run_id == run.id, FixedAsset.status == "disposed",
            FixedAsset.method != rules.LUMP_SUM).order_by(FixedAsset.id).limit(1)).first()
        if disposed is not None:
            raise Conflict("assets.error.run_disposed", field="run_id", period=label, number=disposed)
        reversal = None
        if run.journal_entry_id is not None:
            reversal = reverse_in(s, actor, run.journal_entry_id, f"減価償却の取消 {reason}".strip())
        params = {"run": run.id, "month": run.period_end.replace(day=1), "end": run.period_end,
                  "lump": rules.LUMP_SUM, "before": rules.add_months(run.period_start, -1).replace(day=1)}
        back = ("accumulated = fixed_assets.accumulated - COALESCE((SELECT SUM(l.amount) FROM depreciation_lines AS l "
                "WHERE l.asset_id = fixed_assets.id AND l.run_id = :run), 0)")
        if recorded:
            s.execute(text(
                f"UPDATE fixed_assets SET {back}, last_run_month = (SELECT ra.prev_month FROM depreciation_run_assets "
                "AS ra WHERE ra.run_id = :run AND ra.asset_id = fixed_assets.id) "
                "WHERE id IN (SELECT asset_id FROM depreciation_run_assets WHERE run_id = :run)"), params)
        else:
            # a run posted before the register kept each asset's month (or one that moved no asset): every asset
            # it moved on is back to the month before the run's period
            s.execute(text(
                f"UPDATE fixed_assets SET {back}, last_run_month = :before WHERE last_run_month = :month "
                "AND (status = 'active' OR (status = 'disposed' AND method = :lump)) AND acquired_on <= :end"),
                params)
        run.status, run.cancelled_by, run.cancelled_at = "cancelled", actor.user_id, now_utc()
        run.reversal_entry_id = reversal.id if reversal is not None else None
        audit.record(s, actor, "depreciation_run", run.id, "cancel",
                     before={"status": "posted", "total": run.total, "assets": run.asset_count},
                     after={"status": "cancelled", "period": label, "reason": reason,
                            "reversal_entry_id": run.reversal_entry_id,
                            "reversal": reversal.entry_no if reversal is not None else None})
        view = _run_view(run)
        uow.commit()
        return view


def cancel_disposal(uow: UnitOfWork, actor: Actor, asset_id: int, reason: str = "") -> AssetView:
    """除却・売却の取消: the disposal's entry reversed, the asset back in service with its book value as before."""
    require(actor, "general_affairs.edit")
    with uow:
        s = uow.session
        a = s.get(FixedAsset, asset_id, with_for_update=True)
        if a is None:
            raise NotFound("assets.error.not_found", id=asset_id)
        if a.status != "disposed" or a.disposed_on is None:
            raise Conflict("assets.error.not_disposed", field="asset_id", number=a.number)
        if a.method != rules.LUMP_SUM:
            since = (rules.add_months(a.last_run_month, 1) if a.last_run_month is not None
                     else a.acquired_on.replace(day=1))
            later = s.scalars(select(DepreciationRun).where(
                DepreciationRun.status == "posted", DepreciationRun.period_end >= since)
                .order_by(DepreciationRun.period_start).limit(1)).first()
            if later is not None:
                raise Conflict("assets.error.disposal_later_run", field="asset_id", number=a.number,
                               period=run_label(later.kind, later.period_start, later.period_end))
        before = {"status": "disposed", "kind": a.disposal_kind, "day": a.disposed_on.isoformat(),
                  "proceeds": a.proceeds, "gain": a.disposal_gain, "journal_entry_id": a.disposal_entry_id}
        reversal = None
        if a.disposal_entry_id is not None:
            reversal = reverse_in(s, actor, a.disposal_entry_id, f"除却・売却の取消 {reason}".strip(),
                                  fallback_date=today_tokyo())
        a.status, a.disposed_on, a.disposal_kind = "active", None, None
        a.proceeds, a.disposal_gain, a.disposal_entry_id = None, None, None
        audit.record(s, actor, "fixed_asset", a.id, "cancel_disposal", before=before,
                     after={"status": "active", "reason": reason,
                            "reversal_entry_id": reversal.id if reversal is not None else None,
                            "reversal": reversal.entry_no if reversal is not None else None})
        view = _view(a)
        uow.commit()
        return view
