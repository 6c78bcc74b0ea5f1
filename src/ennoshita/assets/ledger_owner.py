"""The 固定資産 entries the journal's 取消/訂正 refuse (registered with the ledger at import), and where each is undone
instead: a 減価償却 run (the register's 償却累計額 moved on with it) by 減価償却の取消 on the depreciation screen
(:func:`ennoshita.assets.undo.cancel_run`), a 除却・売却 by 除却・売却の取消 on the asset's page
(:func:`ennoshita.assets.undo.cancel_disposal`)."""

import datetime as dt

from sqlalchemy.orm import Session

from ennoshita.ledger import Owner, fixed_owner, register_owner


def _depreciation(session: Session, ref: str) -> Owner:
    """The run's period as the depreciation screen names it (``monthly:2026-04-01`` → ``2026-04``)."""
    from ennoshita.assets import rules
    from ennoshita.assets.undo import run_label

    kind, _, start_text = ref.partition(":")
    try:
        start = dt.date.fromisoformat(start_text)
    except ValueError:
        return Owner("assets.owned.depreciation", ref)
    end = rules.add_months(start, 1 if kind == "monthly" else 12) - dt.timedelta(days=1)
    return Owner("assets.owned.depreciation", run_label(kind, start, end))


register_owner("depreciation", _depreciation)
register_owner("fixed_asset", fixed_owner("assets.owned.disposal"))
