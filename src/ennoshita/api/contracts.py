"""法務 API: the stamp-duty calculator (nothing stored), the 契約台帳 (search, register, one contract, status, files),
the renewal dashboard and the CSV export. Thin: the services check roles and rules; errors are problem+json."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from fastapi import APIRouter, File, Query, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel

from ennoshita.api.deps import ApiActor, DbDep
from ennoshita.api.views import ViewModel
from ennoshita.contracts import queries
from ennoshita.contracts import services as contracts
from ennoshita.contracts.stamp_duty import stamp_duty

router = APIRouter(tags=["contracts"])


class StampDutyOut(BaseModel):
    document: str
    amount: int | None
    date: dt.date
    electronic: bool
    tax: int
    taxable: bool
    reduced: bool
    basis: str


@router.get("/contracts/stamp-duty", response_model=StampDutyOut)
def stamp(actor: ApiActor, document: Literal["1", "2", "7", "17"], date: dt.date, amount: int | None = None,
          electronic: bool = False, subject: Literal["other", "real_estate", "construction"] = "other") -> StampDutyOut:
    """The stamp a paper document needs (印紙税法 別表第一, 措法91条 by date) and its basis; stores nothing."""
    duty = stamp_duty(document, amount, date, electronic=electronic, subject=subject)
    return StampDutyOut(document=document, amount=amount, date=date, electronic=electronic, tax=duty.tax,
                        taxable=duty.taxable, reduced=duty.reduced, basis=duty.basis)


class ContractIn(ViewModel, view=contracts.NewContract, exclude=("desk_request_id",)):
    stamp_document: Literal["1", "2", "7", "17"] | None = None
    stamp_subject: Literal["other", "real_estate", "construction"] = "other"
    status: Literal["review", "signed"] = "review"


class ContractOut(ViewModel, view=contracts.ContractView):
    pass


class ContractPage(BaseModel):
    items: list[ContractOut]
    total: int
    page: int
    per_page: int


def _out(c: contracts.ContractView) -> ContractOut:
    return ContractOut.model_validate(c, from_attributes=True)


@router.get("/contracts", response_model=ContractPage)
def search(db: DbDep, actor: ApiActor, counterparty: str = "", contract_type: str = "", status: str = "",
           q: str = "", start_from: dt.date | None = None, start_to: dt.date | None = None,
           end_from: dt.date | None = None, end_to: dt.date | None = None, amount_min: int | None = None,
           amount_max: int | None = None, deadline_to: dt.date | None = None, page: int = Query(1, ge=1),
           per_page: int = Query(50, ge=1, le=500)) -> ContractPage:
    rows, total = contracts.search(db.uow(), actor, contracts.Search(
        counterparty, contract_type, status, q, start_from, start_to, end_from, end_to, amount_min, amount_max,
        deadline_to), page, per_page)
    return ContractPage(items=[_out(c) for c in rows], total=total, page=page, per_page=per_page)


@router.get("/contracts/export", response_class=Response)
def export_csv(db: DbDep, actor: ApiActor, counterparty: str = "", contract_type: str = "", status: str = "",
               q: str = "") -> Response:
    content = queries.register_csv(db.uow(), actor, contracts.Search(counterparty, contract_type, status, q))
    return Response(content, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="contracts.csv"'})


class DueOut(ViewModel, view=contracts.DueRow, exclude=("contract_type", "owner_id")):
    pass


class DuePage(BaseModel):
    items: list[DueOut]
    total: int


@router.get("/contracts/renewals", response_model=DuePage)
def renewals(db: DbDep, actor: ApiActor, today: dt.date | None = None, days: int | None = Query(None, ge=0, le=3660),
             page: int = Query(1, ge=1), per_page: int = Query(50, ge=1, le=500)) -> DuePage:
    """The renewal dashboard: 更新拒絶期限 and end dates within ``days`` (the company's setting, default 60)."""
    rows, total = contracts.dashboard(db.uow(), actor, today or dt.date.today(), days, page, per_page)
    return DuePage(items=[DueOut.model_validate(r, from_attributes=True) for r in rows], total=total)


@router.post("/contracts", response_model=ContractOut, status_code=201)
def register(body: ContractIn, db: DbDep, actor: ApiActor) -> ContractOut:
    return _out(contracts.register(db.uow(), actor, contracts.NewContract(**body.model_dump())))


@router.get("/contracts/{contract_id}", response_model=ContractOut)
def get(contract_id: int, db: DbDep, actor: ApiActor) -> ContractOut:
    return _out(contracts.get_contract(db.uow(), actor, contract_id))


class StatusIn(BaseModel):
    status: Literal["signed", "ended"]
    signed_on: dt.date | None = None


@router.post("/contracts/{contract_id}/status", response_model=ContractOut)
def set_status(contract_id: int, body: StatusIn, db: DbDep, actor: ApiActor) -> ContractOut:
    return _out(contracts.set_status(db.uow(), actor, contract_id, body.status, body.signed_on))


@router.post("/contracts/{contract_id}/signing", response_model=ContractOut)
def request_signing(contract_id: int, db: DbDep, actor: ApiActor) -> ContractOut:
    """締結承認を申請: the approval route ``contract``; its last approval marks the contract signed."""
    return _out(contracts.request_signing(db.uow(), actor, contract_id))


@router.post("/contracts/{contract_id}/files", status_code=201)
async def add_file(contract_id: int, db: DbDep, actor: ApiActor, file: UploadFile = File(...)) -> dict[str, object]:
    content = await file.read()
    added = contracts.add_file(db.uow(), actor, contract_id, file.filename or "contract.pdf",
                               file.content_type or "application/pdf", content)
    return {"id": added.id, "filename": added.filename, "content_url": f"/api/v1/attachments/{added.id}/content"}
