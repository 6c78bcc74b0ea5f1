"""総務 API: the depreciation schedule calculator (nothing stored), the 固定資産台帳 (list, register, one asset with
its schedule, disposal and its 取消), depreciation runs (preview / post / list / 取消), the reports
(固定資産台帳・減価償却明細, 償却資産申告) as CSV/XLSX/PDF, and 備品 with loans. Thin: the services check roles
and rules; errors are problem+json."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from ennoshita.api.deps import ApiActor, DbDep
from ennoshita.api.views import ViewModel
from ennoshita.assets import equipment, queries, rules, undo
from ennoshita.assets import services as assets
from ennoshita.security.files import content_disposition
from ennoshita.tabular import export

router = APIRouter(tags=["assets"])


class ScheduleYearOut(BaseModel):
    fiscal_year_start: dt.date
    fiscal_year_end: dt.date
    months: int
    opening_book_value: int
    depreciation: int
    closing_book_value: int
    basis: str


class ScheduleOut(BaseModel):
    cost: int
    life: int
    method: str
    acquired: dt.date
    years: list[ScheduleYearOut]


def _years(years: list[rules.ScheduleYear]) -> list[ScheduleYearOut]:
    return [ScheduleYearOut(fiscal_year_start=y.year_start, fiscal_year_end=y.year_end, months=y.months,
                            opening_book_value=y.opening, depreciation=y.depreciation, closing_book_value=y.closing,
                            basis=y.basis) for y in years]


@router.get("/assets/schedule", response_model=ScheduleOut)
def schedule(actor: ApiActor, cost: int, life: int, method: Literal["straight", "declining"], acquired: dt.date,
             fiscal_year_start_month: int = Query(4, ge=1, le=12)) -> ScheduleOut:
    """Each fiscal year's depreciation and closing book value (定額法, or 200%/250% 定率法 by the date); stores
    nothing."""
    years = rules.schedule(cost, life, method, acquired, fiscal_year_start_month)
    return ScheduleOut(cost=cost, life=life, method=rules.resolve_method(method, acquired), acquired=acquired,
                       years=_years(years))


class AssetIn(ViewModel, view=assets.NewAsset, exclude=("accumulated", "depreciated_through")):
    pass


class AssetOut(ViewModel, view=assets.AssetView, exclude=("family", "supplier", "last_run_month")):
    pass


class AssetPage(BaseModel):
    items: list[AssetOut]
    total: int
    page: int
    per_page: int


def _asset(a: assets.AssetView) -> AssetOut:
    return AssetOut.model_validate(a, from_attributes=True)


@router.get("/assets", response_model=AssetPage)
def list_assets(db: DbDep, actor: ApiActor, status: str = "", q: str = "", page: int = Query(1, ge=1),
                per_page: int = Query(50, ge=1, le=500)) -> AssetPage:
    rows, total = queries.register_page(db.uow(), actor, status, q, page, per_page)
    return AssetPage(items=[_asset(a) for a in rows], total=total, page=page, per_page=per_page)


@router.post("/assets", response_model=AssetOut, status_code=201)
def register_asset(body: AssetIn, db: DbDep, actor: ApiActor) -> AssetOut:
    return _asset(assets.register(db.uow(), actor, assets.NewAsset(**body.model_dump())))


class AssetDetail(AssetOut):
    schedule: list[ScheduleYearOut]


@router.get("/assets/{asset_id}", response_model=AssetDetail)
def get_asset(asset_id: int, db: DbDep, actor: ApiActor) -> AssetDetail:
    view, years = assets.asset_schedule(db.uow(), actor, asset_id)
    return AssetDetail(**_asset(view).model_dump(), schedule=_years(years))


class DisposalIn(ViewModel, view=assets.Disposal, exclude=("asset_id",)):
    kind: Literal["sale", "retire"]


@router.post("/assets/{asset_id}/disposal", response_model=AssetOut)
def dispose(asset_id: int, body: DisposalIn, db: DbDep, actor: ApiActor) -> AssetOut:
    return _asset(assets.dispose(db.uow(), actor, assets.Disposal(asset_id, **body.model_dump())))


class RunLineOut(ViewModel, view=assets.RunLine, exclude=("department",)):
    pass


class RunOut(BaseModel):
    kind: str
    period_start: dt.date
    period_end: dt.date
    total: int
    count: int
    lines: list[RunLineOut]
    run_id: int | None
    journal_entry_id: int | None


class RunIn(BaseModel):
    kind: Literal["monthly", "yearly"] = "monthly"
    day: dt.date


def _run(r: assets.RunPreview, limit: int = 1000) -> RunOut:
    return RunOut(kind=r.kind, period_start=r.period_start, period_end=r.period_end, total=r.total,
                  count=len(r.lines),
                  lines=[RunLineOut.model_validate(x, from_attributes=True) for x in r.lines[:limit]],
                  run_id=r.posted_run_id, journal_entry_id=r.journal_entry_id)


@router.get("/depreciation-runs/preview", response_model=RunOut)
def preview_run(db: DbDep, actor: ApiActor, day: dt.date,
                kind: Literal["monthly", "yearly"] = "monthly") -> RunOut:
    """What the run would post (the first 1,000 lines; ``count`` and ``total`` cover all)."""
    return _run(assets.preview_run(db.uow(), actor, kind, day))


@router.post("/depreciation-runs", response_model=RunOut, status_code=201)
def post_run(body: RunIn, db: DbDep, actor: ApiActor) -> RunOut:
    return _run(assets.post_run(db.uow(), actor, body.kind, body.day))


class CancelIn(BaseModel):
    reason: str = Field("", max_length=200, description="Why (kept in the audit trail and the reversal).")


class PostedRunOut(ViewModel, view=undo.RunView):
    status: Literal["posted", "cancelled"]


@router.get("/depreciation-runs", response_model=list[PostedRunOut])
def list_runs(db: DbDep, actor: ApiActor, limit: int = Query(36, ge=1, le=500)) -> list[PostedRunOut]:
    """The posted runs, the latest period first (cancelled ones too, ``status`` says which)."""
    return [PostedRunOut.model_validate(r, from_attributes=True) for r in undo.list_runs(db.uow(), actor, limit)]


@router.post("/depreciation-runs/{run_id}/cancel", response_model=PostedRunOut)
def cancel_run(run_id: int, body: CancelIn, db: DbDep, actor: ApiActor) -> PostedRunOut:
    """減価償却の取消: the run's entry reversed and the register put back as before the run; only the latest
    standing run (409 naming the later run, or an asset disposed of since, otherwise)."""
    return PostedRunOut.model_validate(undo.cancel_run(db.uow(), actor, run_id, body.reason), from_attributes=True)


@router.post("/assets/{asset_id}/disposal/cancel", response_model=AssetOut)
def cancel_disposal(asset_id: int, body: CancelIn, db: DbDep, actor: ApiActor) -> AssetOut:
    """除却・売却の取消: the disposal's entry reversed, the asset back in service (409 when a later depreciation run
    left it out)."""
    return _asset(undo.cancel_disposal(db.uow(), actor, asset_id, body.reason))


def _file(content: bytes, media: str, name: str) -> Response:
    return Response(content, media_type=media,
        headers={"Content-Disposition": content_disposition(f"{name}", "attachment")})


@router.get("/assets/reports/depreciation", response_class=Response)
def depreciation_report(db: DbDep, actor: ApiActor, day: dt.date,
                        format: Literal["csv", "xlsx", "pdf"] = "csv") -> Response:  # noqa: A002
    """固定資産台帳・減価償却明細 (別表十六 figures) of the fiscal year holding ``day``."""
    return _file(*export(queries.depreciation_report(db.uow(), actor, day), format))


@router.get("/assets/reports/declaration", response_class=Response)
def declaration(db: DbDep, actor: ApiActor, year: int,
                format: Literal["csv", "pdf", "xlsx"] = "csv") -> Response:  # noqa: A002
    """償却資産申告 種類別明細書 figures per municipality as of 1 January ``year``."""
    return _file(*export(queries.declaration(db.uow(), actor, year), format))


class ItemIn(ViewModel, view=equipment.NewItem):
    kind: Literal["pc", "phone", "key", "card", "other"] = "pc"


class ItemOut(ViewModel, view=equipment.ItemView):
    pass


def _item(i: equipment.ItemView) -> ItemOut:
    return ItemOut.model_validate(i, from_attributes=True)


@router.get("/equipment", response_model=list[ItemOut])
def list_items(db: DbDep, actor: ApiActor, status: str = "") -> list[ItemOut]:
    return [_item(i) for i in equipment.inventory(db.uow(), actor, status)]


@router.post("/equipment", response_model=ItemOut, status_code=201)
def add_item(body: ItemIn, db: DbDep, actor: ApiActor) -> ItemOut:
    return _item(equipment.add_item(db.uow(), actor, equipment.NewItem(**body.model_dump())))


class LoanIn(ViewModel, view=equipment.NewLoan, exclude=("item_id",)):
    lent_on: dt.date


@router.post("/equipment/{item_id}/loans", response_model=ItemOut, status_code=201)
def lend(item_id: int, body: LoanIn, db: DbDep, actor: ApiActor) -> ItemOut:
    return _item(equipment.lend(db.uow(), actor, equipment.NewLoan(item_id, **body.model_dump())))


class ReturnIn(BaseModel):
    returned_on: dt.date
    on_leaving: bool = False


@router.post("/equipment/{item_id}/return", response_model=ItemOut)
def give_back(item_id: int, body: ReturnIn, db: DbDep, actor: ApiActor) -> ItemOut:
    return _item(equipment.return_item(db.uow(), actor, item_id, body.returned_on, body.on_leaving))
