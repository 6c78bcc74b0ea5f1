"""Posting many entries in one transaction (a billing run, a payment run) without reloading the chart for
each: the accounts, sub-accounts and company settings are read once, and sub-accounts created on the way
are added to the same index."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ennoshita.actor import Actor
from ennoshita.ledger.models import Account
from ennoshita.ledger.posting import ChartIndex, PostedEntry, PostingContext, post_in
from ennoshita.ledger.rules import EntryDraft
from ennoshita.ledger.services import ensure_sub_account


class PostingBatch:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.ctx = PostingContext.load(session)
        self.index = ChartIndex.load(session)

    def post(self, actor: Actor, draft: EntryDraft, *, source: str, source_ref: str | None = None,
             reverses_id: int | None = None, split_tax: bool = False) -> PostedEntry:
        return post_in(self.session, actor, draft, source=source, source_ref=source_ref, reverses_id=reverses_id,
                       split_tax=split_tax, ctx=self.ctx, index=self.index)

    def sub_account(self, actor: Actor, account_code: str, code: str, name: str, name_kana: str = "",
                    partner_id: int | None = None) -> str:
        """The partner's 補助科目 under ``account_code`` (created on first use); returns the code to post with."""
        acc = self.index.accounts.get(account_code)
        if acc is not None and (acc[0], code) in self.index.subs:
            return code
        sub_id = ensure_sub_account(self.session, actor, account_code, code, name, name_kana, partner_id)
        account_id = acc[0] if acc else int(self.session.scalar(select(Account.id).where(
            Account.code == account_code)) or 0)
        self.index.subs[(account_id, code)] = sub_id
        return code
