"""CLI for the sales documents, as ``ennoshita sales ...``: 取引先 and 品目 (add, list), 見積 (create, revise,
status, accept → 受注), 受注 (create, deliver part or all, list, show), 請求書 (list, show with the totals per
rate, 返還請求書, 修正した請求書) and 入金消込 (proposals, confirm).

Documents are named by their number (``Q-2026-000001``, ``SO-2026-000001``, ``INV-2026-000001``) or their id;
partners by their code or id. Every change goes through the sales services; a bad line is reported as
``--line N`` (1-based, in the order given) with a non-zero exit and nothing saved.

One module per document family: ``partners`` (取引先, 品目), ``quotes``, ``orders`` (受注, 納品), ``invoices``,
``matching`` (入金消込); what they share (sentences, --line parsing, look-ups, tables) is ``shared``.
"""

from __future__ import annotations

import typer

from ennoshita.cli.sales.billing import sales_app
from ennoshita.cli.sales.documents.invoices import invoice_app
from ennoshita.cli.sales.documents.matching import match_app
from ennoshita.cli.sales.documents.orders import order_app
from ennoshita.cli.sales.documents.partners import item_app, partner_app
from ennoshita.cli.sales.documents.quotes import quote_app


def register(app: typer.Typer) -> None:
    """Adds the document groups under ``ennoshita sales`` (registered by :mod:`ennoshita.cli.sales.billing`)."""
    del app
    for sub, name in ((partner_app, "partner"), (item_app, "item"), (quote_app, "quote"), (order_app, "order"),
                      (invoice_app, "invoice"), (match_app, "match")):
        if not any(g.name == name for g in sales_app.registered_groups):
            sales_app.add_typer(sub, name=name)
