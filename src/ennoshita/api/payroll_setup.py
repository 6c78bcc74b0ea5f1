"""給与 API, setup and filings (/api/v1/payroll/...): the fixed-wage history, the 月額変更届 candidate list, the
扶養控除等申告書 (人事/管理者 only) and the 健康保険組合 with their dated rates. A thin adapter over
``payroll.wages``, ``payroll.declarations`` and ``payroll.unions``, which check every permission."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from ennoshita.api.deps import ApiActor, DbDep
from ennoshita.api.views import ViewModel
from ennoshita.payroll import declarations, unions, wages

router = APIRouter(prefix="/payroll", tags=["payroll"])


class WageRowOut(ViewModel, view=wages.WageRow):
    pass


@router.get("/fixed-wages/{employee_id}", response_model=list[WageRowOut])
def fixed_wages(employee_id: int, db: DbDep, actor: ApiActor) -> list[WageRowOut]:
    """The employee's fixed-wage history, newest first (each change a row from its 適用開始 date)."""
    return [WageRowOut(**r.__dict__) for r in wages.history(db.uow(), actor, employee_id).rows]


class ZuijiOut(ViewModel, view=wages.ZuijiRow):
    status: Literal["candidate", "waiting", "days", "grade", "direction"]


@router.get("/zuiji", response_model=list[ZuijiOut])
def zuiji(year: int, db: DbDep, actor: ApiActor) -> list[ZuijiOut]:
    """月額変更届: every fixed-wage change effective in ``year`` with its three pay months and the judgement
    (``candidate`` when the 随時改定 applies, from ``applies_from``)."""
    return [ZuijiOut(**r.__dict__) for r in wages.zuiji_list(db.uow(), actor, year)]


class PersonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(max_length=100)
    birth_date: dt.date
    income: int = Field(0, ge=0, description="所得の見積額 (合計所得金額)")
    disability: Literal["", "general", "special", "special_living_with"] = ""
    relation: str = Field("", max_length=20)
    lives_with: bool = False
    parent: bool = False


class DeclarationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    has_declaration: bool = Field(description="扶養控除等申告書 filed (甲欄); false → 乙欄")
    spouse: PersonIn | None = Field(None, description="源泉控除対象配偶者")
    dependants: list[PersonIn] = Field(default_factory=list, max_length=50)
    self_disability: Literal["", "general", "special"] = ""
    widow: bool = False
    single_parent: bool = False
    working_student: bool = False


class DeclarationOut(ViewModel, view=declarations.DeclarationView):
    pass


def _decl(v: declarations.DeclarationView) -> DeclarationOut:
    return DeclarationOut(**v.__dict__)


@router.get("/declarations/{employee_id}", response_model=DeclarationOut)
def get_declaration(employee_id: int, db: DbDep, actor: ApiActor) -> DeclarationOut:
    return _decl(declarations.get(db.uow(), actor, employee_id))


@router.put("/declarations/{employee_id}", response_model=DeclarationOut)
def put_declaration(employee_id: int, body: DeclarationIn, db: DbDep, actor: ApiActor) -> DeclarationOut:
    """Replace what the 申告書 declares; the 扶養親族等の数 is worked out from it."""
    data = body.model_dump(mode="json", exclude={"has_declaration"})
    return _decl(declarations.save(db.uow(), actor, employee_id, body.has_declaration, data))


class RateOut(ViewModel, view=unions.RateView):
    pass


class UnionOut(ViewModel, view=unions.UnionView):
    rates: list[RateOut]


@router.get("/health-unions", response_model=list[UnionOut])
def list_unions(db: DbDep, actor: ApiActor) -> list[UnionOut]:
    return [UnionOut.model_validate(u, from_attributes=True) for u in unions.list_unions(db.uow(), actor)]


class UnionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(max_length=100)
    insurer_number: str = Field("", max_length=8)


@router.post("/health-unions", response_model=UnionOut, status_code=201)
def create_union(body: UnionIn, db: DbDep, actor: ApiActor) -> UnionOut:
    u = unions.create_union(db.uow(), actor, body.name, body.insurer_number)
    return UnionOut(id=u.id, name=u.name, insurer_number=u.insurer_number, rates=[])


class RateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    effective_from: dt.date
    health_rate: str = Field(max_length=12, description='percent, e.g. "9.5"')
    health_employee_rate: str = Field(max_length=12)
    care_rate: str = Field(max_length=12)
    care_employee_rate: str = Field(max_length=12)


@router.post("/health-unions/{union_id}/rates", response_model=RateOut, status_code=201)
def add_rate(union_id: int, body: RateIn, db: DbDep, actor: ApiActor) -> RateOut:
    r = unions.add_rate(db.uow(), actor, union_id, body.effective_from,
                        body.model_dump(exclude={"effective_from"}))
    return RateOut(**r.__dict__)
