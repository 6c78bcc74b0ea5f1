"""The purchasing entries the journal's 取消/訂正 refuse (registered with the ledger at import): 検収 (a purchase
order's number), 受領請求書 and 支払実行 postings, and the month-end 未払計上 with its 翌月初戻し. Each is undone in
purchasing (:mod:`ennoshita.purchasing.undo`), and the message names that screen: 検収取消 in the order's 検収履歴,
受領請求書の取消 on the bill, 支払済の取消 on the run; the accrual follows its receipts (a 検収取消 corrects it)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ennoshita.ledger import Owner, fixed_owner, register_owner
from ennoshita.purchasing.numbering import PREFIXES

_BY_PREFIX = {f"{PREFIXES['purchase_order']}-": "purchasing.owned.receipt",
              f"{PREFIXES['bill']}-": "purchasing.owned.bill",
              f"{PREFIXES['payment_run']}-": "purchasing.owned.payment_run"}


def describe(session: Session, ref: str) -> Owner:
    for prefix, key in _BY_PREFIX.items():
        if ref.startswith(prefix):
            return Owner(key, ref)
    return Owner("purchasing.owned.other", ref)


register_owner("purchasing", describe)
register_owner("purchasing_accrual", fixed_owner("purchasing.owned.accrual"))
