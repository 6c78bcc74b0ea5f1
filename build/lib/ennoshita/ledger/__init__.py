"""The ledger (経理): what other domains may use.

- ``post_in(session, actor, EntryDraft(...), source=..., source_ref=..., split_tax=...)`` posts an entry in the
  caller's transaction;
- ``ensure_sub_account(session, actor, account_code, code, name, name_kana, partner_id)`` gives a partner its
  補助科目 under 売掛金/買掛金/未払金;
- ``EntryDraft`` / ``LineDraft`` are the entry's value types; ``chart`` names the standard account codes;
- ``transitional_deduction_ratio(day)`` is the dated 経過措置 table;
- ``PostingBatch(session)`` posts many entries in one transaction with the chart read once;
- ``reverse_in(session, actor, entry_id, reason, ...)`` posts the 取消 of an entry (linked by ``reverses_id``) in
  the caller's transaction.
"""

from ennoshita.ledger import chart
from ennoshita.ledger.batch import PostingBatch
from ennoshita.ledger.posting import PostedEntry, post_in
from ennoshita.ledger.rules import EntryDraft, LineDraft
from ennoshita.ledger.services import ensure_sub_account, reverse_in
from ennoshita.ledger.taxes import transitional_deduction_ratio

__all__ = ["EntryDraft", "LineDraft", "PostedEntry", "PostingBatch", "chart", "ensure_sub_account", "post_in",
           "reverse_in", "transitional_deduction_ratio"]
