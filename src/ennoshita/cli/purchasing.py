"""CLI for purchasing and payments: the payables (買掛金残高), 支払 runs, their 全銀 file and 支払済, and the 稟議
queue (``approvals waiting`` / ``approvals decide``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table as RichTable
from sqlalchemy import select

from ennoshita.approvals import services as approvals
from ennoshita.cli.common import CommandContext, cli_language, console, label, parse_date, say, with_context
from ennoshita.db import Database
from ennoshita.errors import Invalid, NotFound
from ennoshita.identity import services as identity
from ennoshita.money import format_yen
from ennoshita.purchasing import payments, queries, recognition, undo, zengin
from ennoshita.purchasing.models import PaymentRun, SupplierBill

payments_app = typer.Typer(help="支払: payment runs, the 全銀 file, paid.", no_args_is_help=True)
purchasing_app = typer.Typer(help="購買: payables.", no_args_is_help=True)
approvals_app = typer.Typer(help="稟議: my queue and decisions.", no_args_is_help=True)

_TEXT = "cli.purchasing"  # its lines: i18n/{ja,en}/cli.po, keys cli.purchasing.*


def _say(key: str, **params: Any) -> str:
    return say(_TEXT, key, **params)


_date = parse_date


def _run_id(db: Database, ref: str) -> int:
    """A run by its id (``3``) or its number (``PAY-2026-000001``)."""
    ref = ref.strip()
    if ref.isdigit():
        return int(ref)
    with db.uow() as uow:
        found = uow.session.scalar(select(PaymentRun.id).where(PaymentRun.number == ref))
    if found is None:
        raise NotFound("purchasing.error.run_not_found", field="run_id", id=ref)
    return int(found)


def _print_run(run: payments.RunSummary) -> None:
    console.print(_say("run", number=run.number, date=run.payment_date,
                       status=label("purchasing_ui.run.", run.status),
                       count=len(run.transfers), total=format_yen(run.transfer_total), fee=format_yen(run.fee_total)))


@payments_app.command("run")
@with_context
def payments_run(
    cx: CommandContext,
    date: Annotated[str, typer.Option("--date", help="振込指定日 (YYYY-MM-DD), a banking day.")],
    due_by: Annotated[str | None, typer.Option("--due-by", help="Every open bill due by this day (default: --date).")]
    = None,
    bill: Annotated[list[int] | None, typer.Option("--bill", help="Only these bill ids (repeat).")] = None,
    payer: Annotated[str | None, typer.Option("--payer", help="Who executes the payment (e-mail).")] = None,
    submit: Annotated[bool, typer.Option("--submit/--draft", help="Submit for 承認 at once (default).")] = True,
) -> None:
    """支払: one transfer per supplier over the open bills, submitted for 承認."""
    day = _date(date, "date")
    payer_id = identity.find_user_id(cx.uow(), payer) if payer else None
    bill_ids = tuple(bill or ())
    run = payments.create_payment_run(cx.uow(), cx.actor, payments.PaymentRunInput(
        day, bill_ids, None if bill_ids else (_date(due_by, "due_by") if due_by else day), payer_id,
        submit=submit))
    table = RichTable(_say("supplier"), _say("bills"), _say("amount"))
    for t in run.transfers:
        table.add_row(t.supplier_name, str(len(t.bill_ids)), format_yen(t.transfer_amount))
    console.print(table)
    _print_run(run)


@payments_app.command("zengin")
@with_context
def payments_zengin(
    cx: CommandContext,
    run_id: Annotated[str, typer.Argument(help="The run's id or number.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The file to write.")],
    line_ending: Annotated[str, typer.Option("--line-ending", help="crlf (default) or none.")] = "crlf",
) -> None:
    """Write the run's 全銀 総合振込 file (exported on first use, the stored file byte for byte after)."""
    if line_ending not in ("crlf", "none"):
        raise Invalid("purchasing.error.line_ending", field="line_ending", value=line_ending)
    ending: zengin.LineEnding = "none" if line_ending == "none" else "crlf"
    exported = payments.zengin_file(cx.uow(), cx.actor, _run_id(cx.db, run_id), ending)
    output.write_bytes(exported.content)
    console.print(_say("zengin", path=str(output), count=exported.count, total=format_yen(exported.total),
                       sha=exported.sha256))


@payments_app.command("paid")
@with_context
def payments_paid(
    cx: CommandContext,
    run_id: Annotated[str, typer.Argument(help="The run's id or number.")],
    confirm_early: Annotated[bool, typer.Option("--confirm-early", help="Mark paid before the payment date.")]
    = False,
) -> None:
    """支払済: post the transfers and close the bills."""
    run = payments.mark_paid(cx.uow(), cx.actor, _run_id(cx.db, run_id),
                             confirm_early=confirm_early)
    console.print(_say("paid", number=run.number))


@payments_app.command("unpay")
@with_context
def payments_unpay(
    cx: CommandContext,
    run_id: Annotated[str, typer.Argument(help="The run's id or number.")],
    reason: Annotated[str, typer.Option("--reason", help="Why the payment is undone (required).")],
) -> None:
    """支払済の取消: reverse the run's payment entries; its bills are open again, payable in a new run."""
    run = undo.undo_paid_run(cx.uow(), cx.actor, _run_id(cx.db, run_id), reason)
    console.print(_say("unpaid", number=run.number))


def _bill_id(db: Database, ref: str) -> int:
    """A bill by its id (``3``) or its number (``BILL-2026-000001``)."""
    ref = ref.strip()
    if ref.isdigit():
        return int(ref)
    with db.uow() as uow:
        found = uow.session.scalar(select(SupplierBill.id).where(SupplierBill.number == ref))
    if found is None:
        raise NotFound("purchasing.error.bill_not_found", field="bill_id", id=ref)
    return int(found)


@purchasing_app.command("cancel-bill")
@with_context
def purchasing_cancel_bill(
    cx: CommandContext,
    bill_id: Annotated[str, typer.Argument(help="The bill's id or number.")],
    reason: Annotated[str, typer.Option("--reason", help="Why the bill is cancelled (required).")],
) -> None:
    """受領請求書の取消: reverse the bill's entry; it leaves the payables (refused while in a payment run)."""
    bill = undo.cancel_bill(cx.uow(), cx.actor, _bill_id(cx.db, bill_id), reason)
    console.print(_say("bill_cancelled", number=bill.number, entry=", ".join(bill.reversal_entries) or "-"))


@purchasing_app.command("cancel-receipt")
@with_context
def purchasing_cancel_receipt(
    cx: CommandContext,
    receipt_id: Annotated[int, typer.Argument(help="The goods receipt's id.")],
    reason: Annotated[str, typer.Option("--reason", help="Why the receipt is cancelled (required).")],
) -> None:
    """検収取消: reverse the receipt's entry; its quantities are open on the order again (refused while billed)."""
    done = undo.cancel_receipt(cx.uow(), cx.actor, receipt_id, reason)
    console.print(_say("receipt_cancelled", order=done.order_number,
                       status=label("purchasing_ui.order.", done.order_status),
                       entries=", ".join(done.reversal_entries) or "-"))


PAGE_SIZE = queries.MAX_LIMIT


@purchasing_app.command("payables")
@with_context
def purchasing_payables(cx: CommandContext) -> None:
    """買掛金残高 per supplier (open bills, in a run or not): every supplier, read page by page."""
    totals = queries.payables_totals(cx.uow(), cx.actor)
    table = RichTable(_say("supplier"), _say("bills"), _say("open"), _say("due"))
    shown = 0
    while True:
        rows = queries.payables_by_supplier(cx.uow(), cx.actor, limit=PAGE_SIZE, offset=shown)
        for r in rows:
            table.add_row(f"{r.code} {r.name}", str(r.bills), format_yen(r.open_amount),
                          r.next_due.isoformat() if r.next_due else "")
        shown += len(rows)
        if len(rows) < PAGE_SIZE:
            break
    console.print(table)
    console.print(_say("shown", shown=shown, count=totals.count))
    console.print(_say("total", total=format_yen(totals.amount)))


@purchasing_app.command("accrue")
@with_context
def purchasing_accrue(
    cx: CommandContext,
    month_end: Annotated[str, typer.Argument(help="The month end, YYYY-MM-DD.")],
) -> None:
    """請求基準: accrue the goods received and not billed by the month end (未払金), reversed on the 1st."""
    done = recognition.accrue_unbilled(cx.uow(), cx.actor, _date(month_end, "month_end"))
    console.print(_say("accrued", month_end=done.month_end, count=done.receipts,
                       gross=format_yen(done.gross), entry=done.entry_no or "-", reversal=done.reversal_no or "-"))


@purchasing_app.command("ap-check")
@with_context
def purchasing_ap_check(cx: CommandContext) -> None:
    """買掛金台帳 (open bills, unbilled receipts under 検収基準) against the ledger's 買掛金; exit 1 if they differ."""
    found = recognition.payables_check(cx.uow(), cx.actor)
    console.print(_say("ap_check", subledger=format_yen(found.subledger), ledger=format_yen(found.ledger),
                       result=_say("ok" if found.ok else "differs")))
    if not found.ok:
        raise typer.Exit(1)


@approvals_app.command("waiting")
@with_context
def approvals_waiting(cx: CommandContext) -> None:
    """承認待ち: the requests you (--as-user) may decide now."""
    rows = approvals.waiting_for_me(cx.uow(), cx.actor)
    if not rows:
        console.print(_say("none"))
        return
    table = RichTable(_say("id"), _say("type"), _say("number"), _say("title"), _say("amount"), _say("route"))
    lang = cli_language()
    for r in rows:
        table.add_row(str(r.id), label("approvals.doctype.", r.document_type), r.document_number, r.title_in(lang),
                      format_yen(r.amount), r.route_name)
    console.print(table)


@approvals_app.command("decide")
@with_context
def approvals_decide(
    cx: CommandContext,
    request_id: int,
    decision: Annotated[str, typer.Option("--decision", help="approve, reject, send_back or withdraw.")] = "approve",
    comment: Annotated[str, typer.Option("--comment", help="Comment.")] = "",
) -> None:
    """承認 / 却下 / 差戻し / 取下げ of a request."""
    view = approvals.decide(cx.uow(), cx.actor, request_id, decision.replace("-", "_"),
                            comment)
    console.print(_say("decided", id=view.id, status=label("approvals.status.", view.status)))


@approvals_app.command("fallback")
@with_context
def approvals_fallback(
    cx: CommandContext,
    role: Annotated[str, typer.Option("--role", help="A role that takes a step nobody else may decide.")] = "",
    user_id: Annotated[int | None, typer.Option("--user-id", help="A named 代替承認者 (beats --role).")] = None,
) -> None:
    """代替承認者: who takes a 承認 step nobody else may decide (neither option: clear it)."""
    approvals.set_fallback_approver(cx.uow(), cx.actor, role=role or None, user_id=user_id)
    console.print(_say("fallback", who=user_id if user_id is not None else (role or "-")))


def register(app: typer.Typer) -> None:
    app.add_typer(payments_app, name="payments")
    app.add_typer(purchasing_app, name="purchasing")
    app.add_typer(approvals_app, name="approvals")
