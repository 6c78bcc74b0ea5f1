"""The ledger (経理): what other domains may use.

- ``post_in(session, actor, EntryDraft(...), source=..., source_ref=..., split_tax=...)`` posts an entry in the
  caller's transaction; every path splits tax by the same rule: a taxable line is split under 税抜経理, except,
  with ``split_tax=False`` (a document that computed its tax), the categories whose 仮受/仮払消費税 line the
  entry gives;
- ``ensure_sub_account(session, actor, account_code, code, name, name_kana, partner_id)`` gives a partner its
  補助科目 under 売掛金/買掛金/未払金;
- ``EntryDraft`` / ``LineDraft`` are the entry's value types; ``chart`` names the standard account codes;
- ``transitional_deduction_ratio(day)`` is the dated 経過措置 table, ``non_registered_annual_cap(period_start)``
  the dated per-supplier cap on it;
- ``DepartmentLookup.load(session).code_of(text)`` finds the 部門 (code) of another domain's department text by
  the 部門's code or name, ``None`` when there is none (the expense line then goes without 部門);
- ``PostingBatch(session)`` posts many entries in one transaction with the chart read once;
- ``reverse_in(session, actor, entry_id, reason, ...)`` posts the 取消 of an entry (linked by ``reverses_id``) in
  the caller's transaction; ``reversed_among(session, entry_ids)`` which of those entries a 取消 has taken back;
- ``register_owner(source, describe)`` (with ``Owner``, ``fixed_owner``) says where the entries a domain posts with
  ``source`` are undone: the journal's 取消/訂正 refuse them with that message (:mod:`ennoshita.ledger.owners`).

The names are imported on first use (PEP 562), so that a report that needs only ``ennoshita.ledger.queries`` does
not import the services and, through them, every domain (issue 13 item 3: CLI start-up).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ennoshita.ledger import chart
    from ennoshita.ledger.batch import PostingBatch
    from ennoshita.ledger.owners import Owner, fixed_owner, register_owner
    from ennoshita.ledger.posting import DepartmentLookup, PostedEntry, post_in
    from ennoshita.ledger.rules import EntryDraft, LineDraft
    from ennoshita.ledger.services import ensure_sub_account, reverse_in, reversed_among
    from ennoshita.ledger.taxes import non_registered_annual_cap, transitional_deduction_ratio

_WHERE = {"chart": "ennoshita.ledger.chart", "PostingBatch": "ennoshita.ledger.batch",
          "PostedEntry": "ennoshita.ledger.posting", "Owner": "ennoshita.ledger.owners",
          "fixed_owner": "ennoshita.ledger.owners", "register_owner": "ennoshita.ledger.owners",
          "DepartmentLookup": "ennoshita.ledger.posting", "post_in": "ennoshita.ledger.posting",
          "EntryDraft": "ennoshita.ledger.rules", "LineDraft": "ennoshita.ledger.rules",
          "ensure_sub_account": "ennoshita.ledger.services", "reverse_in": "ennoshita.ledger.services",
          "reversed_among": "ennoshita.ledger.services",
          "transitional_deduction_ratio": "ennoshita.ledger.taxes",
          "non_registered_annual_cap": "ennoshita.ledger.taxes"}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'ennoshita.ledger' has no attribute {name!r}")
    found = importlib.import_module(module)
    value = found if name == "chart" else getattr(found, name)
    globals()[name] = value
    return value


__all__ = ["DepartmentLookup", "EntryDraft", "LineDraft", "Owner", "PostedEntry", "PostingBatch", "chart",
           "ensure_sub_account", "fixed_owner", "post_in", "non_registered_annual_cap", "register_owner", "reverse_in",
           "reversed_among", "transitional_deduction_ratio"]
