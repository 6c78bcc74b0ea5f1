"""Sales settings of the company (kept on the company row, read and changed here).

``fee_treatment``: how a transfer fee (振込手数料) the customer deducted from a deposit is booked when the
deposit is matched:

- ``sales_discount`` (default): 売上値引高 with 仮受消費税 reversed, i.e. a 対価の返還等 (消費税法38条).
  Under ¥10,000 (税込) no 返還インボイス need be issued (少額な返還インボイスの交付義務免除, 消費税法57条の4③
  as amended 令和5年度, 施行令70条の9③二).
- ``transfer_fee``: 支払手数料 with input tax (課税仕入10%); the bank's receipt (or the customer's statement
  of the fee it paid) must then be kept as the 仕入税額控除 evidence.

``revenue_recognition`` (法人税法22条の2, 消費税基本通達9-1-1: the sale belongs to the day the goods are
delivered):

- ``delivery`` (出荷基準/引渡基準, default): each delivery posts 売掛金 / 売上高 + 仮受消費税 on its delivery
  date; the 締め請求 then only bills, posting nothing but the difference its own tax computation (once per rate
  over the whole invoice) makes to the deliveries' taxes.
- ``invoice``: the invoice posts the sale on its issue date (deliveries post nothing).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from ennoshita import audit
from ennoshita.actor import Actor
from ennoshita.db import UnitOfWork
from ennoshita.errors import Invalid, NotFound
from ennoshita.identity.models import Company
from ennoshita.identity.roles import require

FEE_TREATMENTS = ("sales_discount", "transfer_fee")
REVENUE_RECOGNITIONS = ("delivery", "invoice")
COMPANY_ID = 1


@dataclass(frozen=True)
class SalesSettings:
    fee_treatment: str = "sales_discount"
    revenue_recognition: str = "delivery"


def _company(uow: UnitOfWork) -> Company:
    company = uow.session.get(Company, COMPANY_ID)
    if company is None:
        raise NotFound("company.error.not_set_up")
    return company


def read_in(uow: UnitOfWork) -> SalesSettings:
    """The settings, inside the caller's transaction (no permission: every sales rule reads them)."""
    company = _company(uow)
    return SalesSettings(company.sales_fee_treatment or "sales_discount",
                         company.sales_revenue_recognition or "delivery")


def read_session(s: Session) -> SalesSettings:
    """The settings, from a session inside the caller's transaction."""
    company = s.get(Company, COMPANY_ID)
    if company is None:
        raise NotFound("company.error.not_set_up")
    return SalesSettings(company.sales_fee_treatment or "sales_discount",
                         company.sales_revenue_recognition or "delivery")


def get_settings(uow: UnitOfWork, actor: Actor) -> SalesSettings:
    require(actor, "sales.view")
    with uow:
        return read_in(uow)


def update_settings(uow: UnitOfWork, actor: Actor, fee_treatment: str | None = None,
                    revenue_recognition: str | None = None) -> SalesSettings:
    """Change the sales settings (営業事務 or admin; a setting not given is kept); audited."""
    require(actor, "sales.edit")
    if fee_treatment is not None and fee_treatment not in FEE_TREATMENTS:
        raise Invalid("sales.error.fee_treatment", field="fee_treatment", value=fee_treatment)
    if revenue_recognition is not None and revenue_recognition not in REVENUE_RECOGNITIONS:
        raise Invalid("sales.error.revenue_recognition", field="revenue_recognition", value=revenue_recognition)
    with uow:
        company = _company(uow)
        before = read_in(uow)
        if fee_treatment is not None:
            company.sales_fee_treatment = fee_treatment
        if revenue_recognition is not None:
            company.sales_revenue_recognition = revenue_recognition
        after = read_in(uow)
        audit.record(uow.session, actor, "company", COMPANY_ID, "sales_settings",
                     before=before.__dict__, after=after.__dict__)
        uow.commit()
    return after
