"""The year-end 消費税 settlement entry (仮受・仮払消費税の精算) from the year's return
(:func:`ennoshita.ledger.consumption_tax.base_return`).

税抜経理: 仮受消費税 and 仮払消費税 cleared against 未払消費税等 (or 未収入金, a refund), what is left over to 雑収入 /
雑損失; 税込経理: the tax due to 租税公課 (a refund to 雑収入). Either way the 中間納付 in 仮払税金 are cleared
(:func:`ennoshita.ledger.ctax_interim.paid_in_year`) and 未払消費税等 gets the rest only. Posted by the year-end
close (or :func:`post_settlement`), source :data:`SETTLEMENT_SOURCE`, ``source_ref`` the fiscal year; the journal's
取消 refuses it (:mod:`ennoshita.ledger.owners`).

A settlement stands for the figures it was computed on. When they change (a year reopened and corrected, or entries
posted after an early settlement), settling again takes the standing one back with a 取消 and posts the settlement
of the current figures (:func:`settlement_plan`); a posted settlement is never edited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from ennoshita.actor import Actor
from ennoshita.dates import fiscal_year_bounds
from ennoshita.db import UnitOfWork
from ennoshita.identity import load_company, require
from ennoshita.ledger import chart
from ennoshita.ledger.consumption_tax import base_return
from ennoshita.ledger.models import Account, Balance, FiscalYear, JournalEntry, JournalLine
from ennoshita.ledger.posting import PostedEntry, period_of, post_in
from ennoshita.ledger.rules import EntryDraft, LineDraft, entry_number, reversal_of

SETTLEMENT_SOURCE = "tax_settlement"
CODE_TAX_PAYABLE = "2180"  # 未払消費税等
CODE_TAX_RECEIVABLE = chart.CODE_OTHER_RECEIVABLE  # 未収入金 (未収消費税等)
CODE_MISC_LOSS = "7220"  # 雑損失
CODE_TAXES_AND_DUES = "6390"  # 租税公課 (税込経理)


def _balance(session: Session, code: str, end: dt.date) -> int:
    """Debit-positive balance of an account up to ``end`` (all years: 仮受/仮払 carry until settled)."""
    row = session.execute(
        select(func.coalesce(func.sum(Balance.debit), 0), func.coalesce(func.sum(Balance.credit), 0))
        .join(Account, Account.id == Balance.account_id)
        .where(Account.code == code, Balance.period <= period_of(end))).one()
    return int(row[0]) - int(row[1])


def _standing_settlements(session: Session, fiscal_year: int) -> list[JournalEntry]:
    """The year's settlement entries that stand: posted, not a 取消 themselves and not taken back by one."""
    reversal = aliased(JournalEntry)
    return list(session.scalars(
        select(JournalEntry)
        .where(JournalEntry.source == SETTLEMENT_SOURCE, JournalEntry.source_ref == str(fiscal_year),
               JournalEntry.status == "posted", JournalEntry.reverses_id.is_(None),
               ~select(reversal.id).where(reversal.reverses_id == JournalEntry.id).exists())
        .order_by(JournalEntry.id)))


def _posted_lines(session: Session, entry_id: int) -> tuple[LineDraft, ...]:
    """A settlement entry's lines as posted (account, amounts, memo: it names no sub-account, department or 税区分)."""
    return tuple(LineDraft(code, int(debit), int(credit), None, None, None, memo or "")
                 for code, debit, credit, memo in session.execute(
                     select(Account.code, JournalLine.debit, JournalLine.credit, JournalLine.memo)
                     .join(Account, Account.id == JournalLine.account_id)
                     .where(JournalLine.entry_id == entry_id).order_by(JournalLine.line_no)))


def _amounts(lines: tuple[LineDraft, ...] | list[LineDraft]) -> list[tuple[str, int, int]]:
    return sorted((ln.account_code, ln.debit, ln.credit) for ln in lines)


@dataclass(frozen=True)
class SettlementPlan:
    """What settling a year's 消費税 on its current figures takes: the standing settlement entries computed on other
    figures, to be taken back (取消, never edited), and the settlement to post (None: nothing to settle, or the one
    standing is the one of these figures)."""

    stale: tuple[int, ...]
    draft: EntryDraft | None


def settlement_plan(session: Session, fiscal_year: int) -> SettlementPlan:
    """The year's settlement against the one standing. A settlement stands for the figures it was computed on: a
    year reopened (決算締めの解除) and corrected, or books posted to after an early settlement, need it replaced, so
    the close (and :func:`post_settlement`) takes the old one back and posts the settlement of the current
    figures; unchanged figures keep it as it is. A closed year (or one before a closed year) is settled as it was
    closed: nothing to do until it is reopened."""
    if session.scalar(select(func.count()).select_from(FiscalYear).where(
            FiscalYear.closed.is_(True), FiscalYear.year >= fiscal_year)):
        return SettlementPlan((), None)
    standing = _standing_settlements(session, fiscal_year)
    held = [ln for entry in standing for ln in _posted_lines(session, entry.id)]
    draft = _settlement_of_the_figures(session, fiscal_year, held)
    if draft is not None and len(standing) == 1 and _amounts(draft.lines) == _amounts(held):
        return SettlementPlan((), None)
    return SettlementPlan(tuple(entry.id for entry in standing), draft)


def settlement_draft(session: Session, fiscal_year: int) -> EntryDraft | None:
    """The 消費税 settlement entry the year-end proposes from the return: 仮受消費税 and 仮払消費税 cleared against
    未払消費税等 (the tax due) or 未収入金 (a refund), the difference to 雑収入 / 雑損失. Under 税込経理 the tax
    due is an expense (租税公課). None when there is nothing to settle or the one posted is the one of the current
    figures (:func:`settlement_plan`: one posted on other figures is replaced by this)."""
    return settlement_plan(session, fiscal_year).draft


def _settlement_of_the_figures(session: Session, fiscal_year: int, held: list[LineDraft]) -> EntryDraft | None:
    """The settlement of the year's current figures, as if the standing settlement entries (``held``, their lines)
    were not posted: it clears what 仮受/仮払消費税 hold without them."""
    company = load_company(_Bound(session))
    start, end = fiscal_year_bounds(fiscal_year, company.fiscal_year_start_month)
    from ennoshita.ledger import ctax_interim

    ret = base_return(session, fiscal_year)
    due = ret.total_due
    # the 中間納付 paid in the year sit in 仮払税金: cleared here, so 未払消費税等 (or 未収入金) is the rest only
    prepaid = ctax_interim.paid_in_year(session, fiscal_year)
    net = due - prepaid
    memo = f"{fiscal_year}年度 消費税等"
    interim_memo = f"{fiscal_year}年度 消費税等 中間納付分"
    lines: list[LineDraft] = []
    if company.tax_accounting != "exclusive":
        if due > 0:
            lines = [LineDraft(CODE_TAXES_AND_DUES, due, 0, None, None, None, memo)]
        elif due < 0:
            lines = [LineDraft(chart.CODE_MISC_INCOME, 0, -due, None, None, None, memo)]
        if prepaid:
            lines.append(LineDraft(chart.CODE_PREPAID_TAX, 0, prepaid, None, None, None, interim_memo))
        if net > 0:
            lines.append(LineDraft(CODE_TAX_PAYABLE, 0, net, None, None, None, memo))
        elif net < 0:
            lines.append(LineDraft(CODE_TAX_RECEIVABLE, -net, 0, None, None, None, memo))
    else:
        def settled(code: str) -> int:  # what the standing settlement moved on the account, debit-positive
            return sum(ln.debit - ln.credit for ln in held if ln.account_code == code)

        output = -(_balance(session, chart.CODE_OUTPUT_TAX, end) - settled(chart.CODE_OUTPUT_TAX))  # credit
        input_ = _balance(session, chart.CODE_INPUT_TAX, end) - settled(chart.CODE_INPUT_TAX)  # debit balance
        if output == 0 and input_ == 0 and due == 0 and prepaid == 0:
            return None
        lines.append(LineDraft(chart.CODE_OUTPUT_TAX, max(output, 0), max(-output, 0), None, None, None, memo))
        lines.append(LineDraft(chart.CODE_INPUT_TAX, max(-input_, 0), max(input_, 0), None, None, None, memo))
        if prepaid:
            lines.append(LineDraft(chart.CODE_PREPAID_TAX, 0, prepaid, None, None, None, interim_memo))
        if net > 0:
            lines.append(LineDraft(CODE_TAX_PAYABLE, 0, net, None, None, None, memo))
        elif net < 0:
            lines.append(LineDraft(CODE_TAX_RECEIVABLE, -net, 0, None, None, None, memo))
        # 仮受 - 仮払 - 納付税額: what is left over is income, a shortfall a loss
        difference = output - input_ - due
        if difference > 0:
            lines.append(LineDraft(chart.CODE_MISC_INCOME, 0, difference, None, None, None, "消費税等差額"))
        elif difference < 0:
            lines.append(LineDraft(CODE_MISC_LOSS, -difference, 0, None, None, None, "消費税等差額"))
    lines = [ln for ln in lines if ln.debit or ln.credit]
    if len(lines) < 2:
        return None
    return EntryDraft(end, f"{fiscal_year}年度 消費税等の確定（仮受・仮払消費税の精算）", "", tuple(lines))


def _take_back(session: Session, actor: Actor, entry_id: int, fiscal_year: int) -> PostedEntry:
    """取消 of a settlement computed on other figures: its lines swapped, dated like it, linked to it and owned by
    the settlement too (the journal's 取消 refuses it either way)."""
    entry = session.get(JournalEntry, entry_id)
    assert entry is not None
    label = entry_number(entry.fiscal_year, entry.number or 0)
    draft = EntryDraft(entry.entry_date, f"取消: {label} {fiscal_year}年度 消費税等の確定（再計算）", "",
                       tuple(reversal_of(list(_posted_lines(session, entry_id)))))
    return post_in(session, actor, draft, source=SETTLEMENT_SOURCE, source_ref=str(fiscal_year), reverses_id=entry_id,
                   as_posted=True)


def post_settlement_in(session: Session, actor: Actor, fiscal_year: int) -> PostedEntry | None:
    """Settle the year on its current figures (:func:`settlement_plan`): a settlement standing on other figures is
    taken back, the one of the current figures posted. Returns the new settlement (None: none to post)."""
    plan = settlement_plan(session, fiscal_year)
    for entry_id in plan.stale:
        _take_back(session, actor, entry_id, fiscal_year)
    if plan.draft is None:
        return None
    return post_in(session, actor, plan.draft, source=SETTLEMENT_SOURCE, source_ref=str(fiscal_year), as_posted=True)


def propose_settlement(uow: UnitOfWork, actor: Actor, fiscal_year: int) -> EntryDraft | None:
    require(actor, "ledger.view")
    with uow:
        return settlement_draft(uow.session, fiscal_year)


def post_settlement(uow: UnitOfWork, actor: Actor, fiscal_year: int) -> PostedEntry | None:
    """Post the proposed settlement into the closing year (the year-end close does it when it is missing)."""
    require(actor, "ledger.edit")
    with uow:
        posted = post_settlement_in(uow.session, actor, fiscal_year)
        uow.commit()
        return posted


class _Bound(UnitOfWork):
    def __init__(self, s: Session) -> None:
        self._session = s
