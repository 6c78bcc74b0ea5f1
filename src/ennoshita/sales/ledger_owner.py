"""The sales entries the journal's 取消/訂正 refuse, and where each is undone (registered with the ledger at import):
a 納品, 請求書 or 返還請求書 through the invoices (返還請求書・差し替え), a 消込 through 消込取消, the 預り残高 and
未請求売上 postings on their own screens."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ennoshita.ledger import Owner, fixed_owner, register_owner
from ennoshita.sales.numbering import PREFIXES

_BY_PREFIX = {f"{PREFIXES['delivery']}-": "sales.owned.delivery", f"{PREFIXES['invoice']}-": "sales.owned.invoice",
              f"{PREFIXES['credit_note']}-": "sales.owned.credit_note", "CREDIT-": "sales.owned.credit",
              "REFUND-": "sales.owned.credit", "未請求-": "sales.owned.accrual"}


def describe(session: Session, ref: str) -> Owner:
    for prefix, key in _BY_PREFIX.items():
        if ref.startswith(prefix):
            return Owner(key, ref)
    return Owner("sales.owned.other", ref)


register_owner("sales", describe)
register_owner("receipt", fixed_owner("sales.owned.receipt"))
