"""Read models of the 固定資産台帳: the register page, the 固定資産台帳 / 減価償却明細 report with 別表十六 figures
for a fiscal year, and the 償却資産申告 種類別明細書 figures per municipality as of 1 January."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from ennoshita.actor import Actor
from ennoshita.assets import rules, tables
from ennoshita.assets.models import DepreciationLine, DepreciationRun, FixedAsset
from ennoshita.assets.services import AssetView, _view, company
from ennoshita.dates import check_year
from ennoshita.db import UnitOfWork
from ennoshita.identity.roles import require
from ennoshita.tabular import Table, columns

METHOD_NAMES = {rules.STRAIGHT: "定額法", rules.DECLINING_200: "200%定率法", rules.DECLINING_250: "250%定率法",
                rules.LUMP_SUM: "一括償却資産", rules.SME_SMALL: "少額減価償却資産", rules.EXPENSED: "少額（費用）"}


def register_page(uow: UnitOfWork, actor: Actor, status: str = "", text: str = "", page: int = 1,
                  per_page: int = 50) -> tuple[list[AssetView], int]:
    require(actor, "general_affairs.view")
    with uow:
        s = uow.session
        where = []
        if status:
            where.append(FixedAsset.status == status)
        if text:
            where.append(FixedAsset.name.contains(text) | FixedAsset.number.contains(text))
        total = int(s.scalar(select(func.count()).select_from(FixedAsset).where(*where)) or 0)
        rows = s.scalars(select(FixedAsset).where(*where).order_by(FixedAsset.id)
                         .offset((max(page, 1) - 1) * per_page).limit(per_page)).all()
        return [_view(a) for a in rows], total


def depreciation_report(uow: UnitOfWork, actor: Actor, day: dt.date) -> Table:
    """固定資産台帳・減価償却明細 of the fiscal year holding ``day``: per asset the 別表十六 figures (取得価額,
    耐用年数, 償却方法, 償却率, 月数, 期首帳簿価額, 当期償却額, 期末帳簿価額)."""
    require(actor, "general_affairs.view")
    with uow:
        s = uow.session
        start_month = company(s).fiscal_year_start_month
        start, end = rules.fiscal_year(day, start_month)
        table = Table(f"固定資産台帳・減価償却明細 {start:%Y年%m月}〜{end:%Y年%m月}", "別表十六 の各欄", columns(
            ("number", "資産番号"), ("name", "資産名"), ("kind", "種類"), ("acquired_on", "取得日", "date"),
            ("cost", "取得価額", "yen"), ("method", "償却方法"), ("life", "耐用年数", "int"), ("basis", "償却率"),
            ("months", "月数", "int"), ("opening", "期首帳簿価額", "yen"), ("depreciation", "当期償却額", "yen"),
            ("closing", "期末帳簿価額", "yen"), ("status", "状態")), filename=f"depreciation-{start:%Y}")
        totals = {"cost": 0, "opening": 0, "depreciation": 0, "closing": 0}
        # what the runs of this year booked for each asset (an asset sold or retired in the year is shown as booked:
        # its 償却 up to the last run, then nothing left; the rest went to 除却損・売却損益 with the disposal)
        booked: dict[int, int] = {int(asset_id): int(total or 0) for asset_id, total in s.execute(
            select(DepreciationLine.asset_id, func.sum(DepreciationLine.amount))
            .join(DepreciationRun, DepreciationRun.id == DepreciationLine.run_id)
            .where(DepreciationRun.status == "posted", DepreciationRun.period_start >= start,
                   DepreciationRun.period_start <= end)
            .group_by(DepreciationLine.asset_id))}
        q = select(FixedAsset).where(FixedAsset.acquired_on <= end).order_by(FixedAsset.id)
        for a in s.scalars(q):
            if a.disposed_on is not None and a.disposed_on < start and a.method != rules.LUMP_SUM:
                continue  # (一括償却資産 keep their thirds after disposal: 法人税基本通達7-1-13)
            years = rules.schedule(a.cost, a.life, a.method, a.acquired_on, start_month, a.family, until=end)
            year = next((y for y in years if y.year_start == start), None)
            if year is None:
                opening = closing = min(a.cost, rules.residual_value(a.method, a.family))
                row = {"months": 0, "opening": opening, "depreciation": 0, "closing": closing, "basis": ""}
            else:
                row = {"months": year.months, "opening": year.opening, "depreciation": year.depreciation,
                       "closing": year.closing, "basis": year.basis}
            if (a.disposed_on is not None and start <= a.disposed_on <= end and a.method != rules.LUMP_SUM
                    and year is not None):
                done = booked.get(a.id, 0)
                first = max(start, a.acquired_on.replace(day=1))
                used = (rules.months_between(first, a.last_run_month) if a.last_run_month and a.last_run_month >= first
                        else 0)
                row |= {"months": used, "depreciation": done, "closing": 0}
            kind = tables.KIND_BY_CODE.get(a.kind_code)
            row |= {"number": a.number, "name": a.name, "kind": kind.name if kind else a.kind_code,
                    "acquired_on": a.acquired_on, "cost": a.cost, "method": METHOD_NAMES.get(a.method, a.method),
                    "life": a.life or None, "status": "除売却" if a.status == "disposed" else ""}
            table.add(row)
            for k in totals:
                totals[k] += int(str(row[k]))
        table.add({"name": "合計", **totals}, emphasis=True)
        return table


def declaration(uow: UnitOfWork, actor: Actor, year: int) -> Table:
    """償却資産申告書 種類別明細書 figures for 1 January of ``year``, per municipality and 資産の種類: 前年前に取得
    (held on 1 January of the previous year), 前年中の減少, 前年中の増加, 計 (取得価額). Buildings, ordinary
    vehicles, intangibles, 一括償却資産 and items expensed under ¥100,000 are not declared."""
    require(actor, "general_affairs.view")
    check_year(year - 1)
    jan1_prev, jan1 = dt.date(year - 1, 1, 1), dt.date(year, 1, 1)
    with uow:
        s = uow.session
        agg: dict[tuple[str, int], dict[str, int]] = {}
        q = select(FixedAsset).where(FixedAsset.declared_class.is_not(None), FixedAsset.acquired_on < jan1)
        for a in s.scalars(q):
            if a.disposed_on is not None and a.disposed_on < jan1_prev:
                continue
            key = (a.municipality or "（未設定）", int(a.declared_class or 0))
            row = agg.setdefault(key, {"before": 0, "decrease": 0, "increase": 0, "count": 0})
            if a.acquired_on < jan1_prev:
                row["before"] += a.cost
            else:
                row["increase"] += a.cost
            if a.disposed_on is not None and a.disposed_on < jan1:
                row["decrease"] += a.cost
            else:
                row["count"] += a.quantity
        table = Table(f"償却資産申告 種類別明細書 {year}年1月1日現在", "地方税法383条", columns(
            ("municipality", "市区町村"), ("class_no", "資産の種類"), ("class_name", "種類名"),
            ("before", "前年前に取得したもの", "yen"), ("decrease", "前年中に減少したもの", "yen"),
            ("increase", "前年中に取得したもの", "yen"), ("total", "計", "yen"), ("count", "数量", "int")),
            filename=f"shokyaku-shisan-{year}")
        for (muni, cls), r in sorted(agg.items()):
            table.add({"municipality": muni, "class_no": str(cls), "class_name": tables.DECLARED_CLASS_NAMES[cls],
                       "before": r["before"], "decrease": r["decrease"], "increase": r["increase"],
                       "total": r["before"] - r["decrease"] + r["increase"], "count": r["count"]})
        return table
