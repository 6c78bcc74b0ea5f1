"""The 給与 entries and the journal (registered with the ledger at import): a pay run's posting is undone by a
訂正 run, which reverses it itself; a 納付 of withheld taxes and insurance (source_ref ``{kind}-{month}``) is
undone by the journal's 取消, its paid state following the standing entry (:mod:`ennoshita.payroll.remittances`),
but not corrected there (pay it again on 納付一覧)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ennoshita.ledger import Owner, register_owner
from ennoshita.payroll.remittances import REMITTANCE_KINDS


def describe(session: Session, ref: str) -> Owner:
    if ref.split("-", 1)[0] in REMITTANCE_KINDS:
        return Owner("payroll.owned.remittance", ref, ledger_undo=True)
    return Owner("payroll.owned.run", ref)


register_owner("payroll", describe)
