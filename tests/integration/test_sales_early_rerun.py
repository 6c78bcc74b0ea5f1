"""An early 締め請求 is recomputed until its date passes (issue 12 item 2), on SQLite and PostgreSQL.

A 20日締め customer (fiscal year from April, 出荷基準) receives F-200 coffee beans (1,580円/kg, 8% 軽減):
1 kg on 2027-04-05 (1,580 + 126 = 1,706; 126.4 切り捨て). The 2027-04-20 close is run early on 4/10: one
statement of 1,706. Another 1 kg is delivered on 4/15 and the close re-run on 4/16 (still early): the first
statement is voided (receivable replaced, its deliveries billed again) and the new statement covers both:
3,160 x 8% = 252.8 → 252, 3,412; it names the one it replaces. The 売掛金 sub-ledger is 3,412, the ledger's
売掛金 too (two deliveries 1,706 + 1,706; the invoices post only the rounding remainder: 252 − 126 − 126 = 0).
Once the date has passed (run on 4/21), the statement stands: nothing is voided or issued again.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from ennoshita.db import Database
from ennoshita.sales import billing, receivables
from ennoshita.sales.models import Delivery, Invoice, Receivable
from tests.integration.test_sales_flow import CLERK, _customer, _items, company  # noqa: F401 (fixture)
from tests.integration.test_sales_statements import _deliver

CLOSE = dt.date(2027, 4, 20)


def test_early_run_is_recomputed_until_the_closing_date(company: Database) -> None:  # noqa: F811
    db = company
    customer = _customer(db)
    _items(db)
    _deliver(db, customer, dt.date(2027, 4, 5), "F-200", "1")
    (first,) = billing.billing_run(db.uow(), CLERK, CLOSE, early=True, today=dt.date(2027, 4, 10)).invoices
    assert first.gross == 1_706
    _deliver(db, customer, dt.date(2027, 4, 15), "F-200", "1")
    (second,) = billing.billing_run(db.uow(), CLERK, CLOSE, early=True, today=dt.date(2027, 4, 16)).invoices
    assert (second.net, second.tax, second.gross) == (3_160, 252, 3_412)
    with db.uow() as uow:
        s = uow.session
        old = s.get(Receivable, first.id)
        new = s.get(Invoice, second.id)
        assert old is not None and (old.status, old.open_amount) == ("replaced", 0)
        assert new is not None and new.replaces_id == first.id
        assert (new.previous_billed, new.received, new.billed) == (0, 0, 3_412)
        assert set(s.scalars(select(Delivery.invoice_id))) == {second.id}
        kept = s.get(Invoice, first.id)  # the issued invoice itself is kept as it was
        assert kept is not None and kept.gross == 1_706 and kept.status == "issued"
    check = receivables.ar_check(db.uow(), CLERK)
    assert check.ok and check.subledger == 3_412

    assert billing.billing_run(db.uow(), CLERK, CLOSE, today=dt.date(2027, 4, 21)).invoices == ()
    with db.uow() as uow:
        rec = uow.session.get(Receivable, second.id)
        assert rec is not None and rec.status == "open"


def test_a_paid_early_statement_is_not_recomputed(company: Database) -> None:  # noqa: F811 (fixture)
    """The early statement (1,706) is paid on 4/12; re-running the 4/20 close on 4/16 is refused (undo the 消込
    first) and nothing changes."""
    import pytest

    from ennoshita.errors import Conflict
    from tests.integration.test_sales_statements import _deposit

    db = company
    customer = _customer(db)
    _items(db)
    _deliver(db, customer, dt.date(2027, 4, 5), "F-200", "1")
    (first,) = billing.billing_run(db.uow(), CLERK, CLOSE, early=True, today=dt.date(2027, 4, 10)).invoices
    dep = _deposit(db, dt.date(2027, 4, 12), "カ)アオバシヨウジ", 1_706)
    receivables.confirm_matches(db.uow(), CLERK, [receivables.MatchInput(dep, ((first.id, 1_706),))])
    _deliver(db, customer, dt.date(2027, 4, 15), "F-200", "1")
    with pytest.raises(Conflict) as refused:
        billing.billing_run(db.uow(), CLERK, CLOSE, early=True, today=dt.date(2027, 4, 16))
    assert refused.value.problems[0].key == "sales.error.early_rerun_paid"
    with db.uow() as uow:
        rec = uow.session.get(Receivable, first.id)
        assert rec is not None and rec.status == "paid"
