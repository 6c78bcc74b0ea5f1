"""Sales settings of the company (kept on the company row, read and changed here).

``fee_treatment``: how a transfer fee (振込手数料) the customer deducted from a deposit is booked when the
deposit is matched:

- ``sales_discount`` (default): 売上値引高 with 仮受消費税 reversed, i.e. a 対価の返還等 (消費税法38条).
  Under ¥10,000 (税込) no 返還インボイス need be issued (少額な返還インボイスの交付義務免除, 消費税法57条の4③
  as amended 令和5年度, 施行令70条の9③二).
- ``transfer_fee``: 支払手数料 with input tax (課税仕入10%); the bank's receipt (or the customer's statement
  of the fee it paid) must then be kept as the 仕入税額控除 evidence.
"""

from __future__ import annotations

from dataclasses import dataclass

from ennoshita import audit
from ennoshita.actor import Actor
from ennoshita.db import UnitOfWork
from ennoshita.errors import Invalid, NotFound
from ennoshita.identity.models import Company
from ennoshita.identity.roles import require

FEE_TREATMENTS = ("sales_discount", "transfer_fee")
COMPANY_ID = 1


@dataclass(frozen=True)
class SalesSettings:
    fee_treatment: str = "sales_discount"


def _company(uow: UnitOfWork) -> Company:
    company = uow.session.get(Company, COMPANY_ID)
    if company is None:
        raise NotFound("company.error.not_set_up")
    return company


def read_in(uow: UnitOfWork) -> SalesSettings:
    """The settings, inside the caller's transaction (no permission: every sales rule reads them)."""
    company = _company(uow)
    return SalesSettings(company.sales_fee_treatment or "sales_discount")


def get_settings(uow: UnitOfWork, actor: Actor) -> SalesSettings:
    require(actor, "sales.view")
    with uow:
        return read_in(uow)


def update_settings(uow: UnitOfWork, actor: Actor, fee_treatment: str) -> SalesSettings:
    """Change the sales settings (営業事務 or admin); audited."""
    require(actor, "sales.edit")
    if fee_treatment not in FEE_TREATMENTS:
        raise Invalid("sales.error.fee_treatment", field="fee_treatment", value=fee_treatment)
    with uow:
        company = _company(uow)
        before = company.sales_fee_treatment
        company.sales_fee_treatment = fee_treatment
        audit.record(uow.session, actor, "company", COMPANY_ID, "sales_settings",
                     before={"fee_treatment": before}, after={"fee_treatment": fee_treatment})
        uow.commit()
    return SalesSettings(fee_treatment)
