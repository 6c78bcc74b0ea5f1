"""``ennoshita sales match``: 入金消込 (proposals, confirm, book, undo)."""

from __future__ import annotations

import dataclasses
import json
from typing import Annotated

import typer

from ennoshita.cli.common import CommandContext, console, label, with_context
from ennoshita.cli.sales.documents.shared import (
    _cli_lines,
    _invoice_row,
    _say,
    _table,
)
from ennoshita.errors import Invalid, NotFound
from ennoshita.money import format_yen
from ennoshita.sales import receivables

match_app = typer.Typer(help="入金消込: proposals for unmatched deposits, confirm.", no_args_is_help=True)


# ---------------------------------------------------------------- matching


def _allocations(view: receivables.ProposalView) -> str:
    return ", ".join(f"{number or invoice_id}:{amount}" for invoice_id, number, amount in view.allocations)


@match_app.command("propose")
@with_context
def match_propose(
    cx: CommandContext,
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of a table.")] = False,
) -> None:
    """消込 proposals for every unmatched deposit (nothing is changed)."""
    views = receivables.propose(cx.uow(), cx.actor)
    if as_json:
        rows = [{**dataclasses.asdict(v), "value_date": v.value_date.isoformat(),
                 "allocations": [{"invoice_id": i, "number": n, "amount": a} for i, n, a in v.allocations]}
                for v in views]
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    if not views:
        console.print(_say("none"))
        return
    table = _table(_say("deposit"), _say("date"), _say("payer"), _say("amount"), _say("match"), _say("partner"),
                      _say("allocations"), _say("fee"), _say("unassigned"))
    for v in views:
        table.add_row(str(v.deposit_id), v.value_date.isoformat(), v.payer_name, format_yen(v.amount),
                      label("sales_ui.match.", v.kind),
                      v.partner_name, _allocations(v), format_yen(v.fee), format_yen(v.unassigned))
    console.print(table)


@match_app.command("confirm")
@with_context
def match_confirm(
    cx: CommandContext,
    deposit_id: Annotated[int, typer.Argument(help="The deposit's id (see `sales match propose`).")],
    invoices: Annotated[list[str] | None, typer.Argument(
        help='Invoices to clear, "NUMBER" or "NUMBER:AMOUNT" (numbers or ids). Without any: the proposal.')] = None,
    fee: Annotated[int | None, typer.Option("--fee", help="振込手数料 the customer deducted (cleared, not received).")]
    = None,
    to_credit: Annotated[int, typer.Option("--to-credit", help="Keep this much as the customer's credit balance "
                                                                "(前受金).")] = 0,
    partner: Annotated[int | None, typer.Option("--partner", help="The customer (id) when no invoice names it.")]
    = None,
) -> None:
    """消込: clear invoices with a deposit and post the receipt. Without amounts, the invoices are cleared in
    the order given, each up to what it still owes; --to-credit keeps the rest as the customer's credit."""
    with _cli_lines():
        view = next((v for v in receivables.propose(cx.uow(), cx.actor) if v.deposit_id == deposit_id), None)
        if view is None:
            raise NotFound("sales.error.deposit_not_found", field="deposit_id", id=deposit_id)
        labels = {i: n for i, n, _a in view.allocations}
        allocations: tuple[tuple[int, int], ...]
        if not invoices and (to_credit or partner):
            allocations, fee_amount = (), fee or 0
        elif not invoices:
            if not view.allocations:
                raise Invalid("sales.error.match_amount", field="invoices", deposit=view.amount, cleared=0,
                              fee=view.fee, credit=0)
            allocations = tuple((i, a) for i, _n, a in view.allocations)
            fee_amount = view.fee if fee is None else fee
        else:
            fee_amount = fee or 0
            left = view.amount + fee_amount - to_credit
            chosen: list[tuple[int, int]] = []
            for ref in invoices:
                number, _, amount = ref.partition(":")
                row = _invoice_row(cx.db, cx.actor, number, "invoices")
                labels[row.id] = row.number
                if amount.strip():
                    try:
                        value = int(amount.replace(",", ""))
                    except ValueError:
                        raise Invalid("sales.error.number", field="invoices", value=amount) from None
                else:
                    value = min(row.open_amount or 0, left)
                chosen.append((row.id, value))
                left -= value
            allocations = tuple(chosen)
        receivables.confirm_matches(cx.uow(), cx.actor, [receivables.MatchInput(deposit_id, allocations, fee_amount,
                                                                             to_credit, partner)])
    text = ", ".join(f"{labels.get(i, i)}:{format_yen(a)}" for i, a in allocations)
    console.print(_say("matched", id=deposit_id, allocations=text, fee=format_yen(fee_amount)))


@match_app.command("book")
@with_context
def match_book(
    cx: CommandContext,
    deposit_id: Annotated[int, typer.Argument(help="The deposit's id (see `sales match propose`).")],
    memo: Annotated[str, typer.Option("--memo", help="摘要: what is known of the deposit (required).")],
    account: Annotated[str, typer.Option("--account", help="Account code credited (default 2210 仮受金).")]
    = receivables.CODE_SUSPENSE_RECEIPTS,
) -> None:
    """A deposit nothing matches (該当なし) booked to 仮受金 (or another account) with a memo; undone by
    `sales match undo`."""
    entry = receivables.book_deposit(cx.uow(), cx.actor, deposit_id, memo, account)
    console.print(f"{deposit_id} → {account} ({entry})")


@match_app.command("undo")
@with_context
def match_undo(
    cx: CommandContext,
    deposit_id: Annotated[int, typer.Argument(help="The matched (or booked) deposit's id.")],
    reason: Annotated[str, typer.Option("--reason", help="取消理由 (required, kept in the audit trail).")],
) -> None:
    """消込取消: reverse a deposit's match (or booking) and leave it unmatched."""
    result = receivables.unmatch(cx.uow(), cx.actor, deposit_id, reason)
    console.print(f"{deposit_id}: {result.reversal_no}")
