"""与信管理: a customer's exposure (与信残高) against its credit limit (与信限度額).

Registering an order or issuing an invoice is never refused for credit: the service returns a
:class:`~ennoshita.sales.rules.CreditWarning` with its result when, after the change, the customer's exposure
is over its limit. Exposure = open receivables + the undelivered part of open orders + unbilled deliveries
(:func:`ennoshita.sales.rules.credit_exposure`); the figures are read in the service's own transaction, so
the document just written counts.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ennoshita.actor import Actor
from ennoshita.db import UnitOfWork
from ennoshita.identity.roles import require
from ennoshita.partners.models import Partner
from ennoshita.sales.models import Delivery, Receivable, SalesOrder
from ennoshita.sales.rules import CreditExposure, CreditWarning, credit_exposure, credit_limit_warning

OPEN_ORDER_STATUSES = ("open", "partial")


def exposure_of(s: Session, partner_id: int) -> CreditExposure:
    """The customer's exposure now, in three small aggregate queries."""
    open_ar = s.scalar(select(func.coalesce(func.sum(Receivable.open_amount), 0))
                       .where(Receivable.partner_id == partner_id))
    delivered = (select(Delivery.order_id, func.sum(Delivery.gross).label("gross"))
                 .where(Delivery.partner_id == partner_id, Delivery.order_id.is_not(None))
                 .group_by(Delivery.order_id).subquery())
    orders = s.execute(select(SalesOrder.gross, func.coalesce(delivered.c.gross, 0))
                       .outerjoin(delivered, delivered.c.order_id == SalesOrder.id)
                       .where(SalesOrder.partner_id == partner_id, SalesOrder.status.in_(OPEN_ORDER_STATUSES)))
    unbilled = s.scalar(select(func.coalesce(func.sum(Delivery.gross), 0))
                        .where(Delivery.partner_id == partner_id, Delivery.invoice_id.is_(None)))
    return credit_exposure(int(open_ar or 0), [(int(g), int(d)) for g, d in orders], int(unbilled or 0))


def warnings_for(s: Session, partner_id: int) -> tuple[CreditWarning, ...]:
    """The credit warning of this customer, if any (no query at all when it has no limit)."""
    limit = s.scalar(select(Partner.credit_limit).where(Partner.id == partner_id))
    if not limit or limit <= 0:
        return ()
    s.flush()
    warning = credit_limit_warning(int(limit), exposure_of(s, partner_id).total)
    return (warning,) if warning else ()


def credit_status(uow: UnitOfWork, actor: Actor, partner_id: int) -> CreditWarning | None:
    """Read only: the warning a screen shows for this customer now (``None`` within its limit)."""
    require(actor, "sales.view")
    with uow:
        found = warnings_for(uow.session, partner_id)
    return found[0] if found else None
