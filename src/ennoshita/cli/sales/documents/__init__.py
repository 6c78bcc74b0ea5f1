"""CLI for the sales documents, as ``ennoshita sales ...``: 取引先 and 品目 (add, list), 見積 (create, revise,
status, accept → 受注), 受注 (create, deliver part or all, list, show), 請求書 (list, show with the totals per
rate, 返還請求書, 修正した請求書) and 入金消込 (proposals, confirm).

Documents are named by their number (``Q-2026-000001``, ``SO-2026-000001``, ``INV-2026-000001``) or their id;
partners by their code or id. Every change goes through the sales services; a bad line is reported as
``--line N`` (1-based, in the order given) with a non-zero exit and nothing saved.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from rich.table import Table as RichTable

from ennoshita.cli.common import CommandContext, console, parse_date, say, with_context
from ennoshita.cli.sales.billing import partners_import, sales_app
from ennoshita.db import Database
from ennoshita.errors import DomainError, Invalid, NotFound, Problem
from ennoshita.kernel.lines import LineInput
from ennoshita.kernel.tax import RateTotal
from ennoshita.money import format_yen
from ennoshita.partners import services as partners
from ennoshita.sales import billing, flow, queries, queries_docs, receivables

partner_app = typer.Typer(help="取引先: add, list, import.", no_args_is_help=True)
item_app = typer.Typer(help="品目: add, list.", no_args_is_help=True)
quote_app = typer.Typer(help="見積: create, revise, status, accept (→ 受注), list.", no_args_is_help=True)
order_app = typer.Typer(help="受注: create, deliver (納品, partial or all), list, show.", no_args_is_help=True)
invoice_app = typer.Typer(help="請求書: list, show, credit (返還請求書), replace.", no_args_is_help=True)
match_app = typer.Typer(help="入金消込: proposals for unmatched deposits, confirm.", no_args_is_help=True)

_TEXT = {
    "ja": {"partner_added": "取引先 {code} {name} を登録しました（ID {id}）。",
           "item_added": "品目 {code} {name} を登録しました（ID {id}）。",
           "quote": "見積 {number} 第{revision}版: {status}、合計 {gross}（税抜 {net}、消費税 {tax}）",
           "order": "受注 {number}: {status}、合計 {gross}（税抜 {net}、消費税 {tax}）",
           "delivery": "納品 {number}: 合計 {gross}（税抜 {net}、消費税 {tax}）、受注 {order} は {status}",
           "invoice": "{kind} {number}: 合計 {gross}（税抜 {net}、消費税 {tax}）、支払期日 {due}、仕訳 {entry}",
           "matched": "消込: 入金 {id} → {allocations}（手数料 {fee}）",
           "total": "{count} 件（全 {total} 件）", "none": "該当はありません。",
           "code": "コード", "name": "名称", "kana": "カナ", "registration": "登録番号", "role": "区分",
           "closing": "締め日", "customer": "得意先", "supplier": "仕入先", "end_of_month": "末日", "each": "都度",
           "unit": "単位", "unit_price": "単価", "rate": "税率", "number": "番号", "revision": "版",
           "status": "状態", "partner": "取引先", "date": "日付", "subject": "件名", "gross": "税込合計",
           "due": "支払期日", "kind": "種別", "open": "未入金", "no": "行", "description": "品名",
           "quantity": "数量", "amount": "金額", "delivered": "納品済", "net": "税抜", "tax": "消費税",
           "rate_total": "{rate}% 対象", "invoice_kind": "請求書", "credit_note_kind": "返還請求書",
           "issued": "発行日", "billed": "今回ご請求額", "receivable": "入金状況: {status}（入金 {paid}、残 {open}）",
           "related": "関連: {kind} {number}（{date}、{gross}）", "deposit": "入金ID", "payer": "振込依頼人",
           "match": "判定", "allocations": "消込先", "fee": "手数料", "unassigned": "未割当"},
    "en": {"partner_added": "Partner {code} {name} added (id {id}).",
           "item_added": "Item {code} {name} added (id {id}).",
           "quote": "Quote {number} revision {revision}: {status}, total {gross} (net {net}, tax {tax})",
           "order": "Order {number}: {status}, total {gross} (net {net}, tax {tax})",
           "delivery": "Delivery {number}: total {gross} (net {net}, tax {tax}); order {order} is {status}",
           "invoice": "{kind} {number}: total {gross} (net {net}, tax {tax}), due {due}, journal entry {entry}",
           "matched": "Matched: deposit {id} → {allocations} (fee {fee})",
           "total": "{count} shown (of {total})", "none": "Nothing found.",
           "code": "Code", "name": "Name", "kana": "Kana", "registration": "Registration no.", "role": "Role",
           "closing": "Closing day", "customer": "customer", "supplier": "supplier", "end_of_month": "end",
           "each": "per delivery", "unit": "Unit", "unit_price": "Unit price", "rate": "Rate", "number": "Number",
           "revision": "Rev.", "status": "Status", "partner": "Partner", "date": "Date", "subject": "Subject",
           "gross": "Total", "due": "Due", "kind": "Kind", "open": "Open", "no": "Line",
           "description": "Description", "quantity": "Quantity", "amount": "Amount", "delivered": "Delivered",
           "net": "Net", "tax": "Tax", "rate_total": "{rate}% rate", "invoice_kind": "Invoice",
           "credit_note_kind": "Credit note", "issued": "Issued", "billed": "Billed now",
           "receivable": "Payment: {status} (paid {paid}, open {open})",
           "related": "Related: {kind} {number} ({date}, {gross})", "deposit": "Deposit", "payer": "Payer",
           "match": "Match", "allocations": "Invoices", "fee": "Fee", "unassigned": "Unassigned"},
}


def _say(key: str, **params: Any) -> str:
    return say(_TEXT, key, **params)


_date = parse_date

LineOpt = Annotated[list[str] | None, typer.Option(
    "--line", help='A line "description:quantity:unit_price:rate" (repeat); "@ITEM:quantity" takes the 品目\'s '
                   "name, price and rate; a 0% line may end with ';kind=export' (免税), ';kind=exempt' (非課税) or "
                   "';kind=out_of_scope' (不課税), an invoice line with ';date=YYYY-MM-DD' (取引年月日).")]
PriceEntryOpt = Annotated[str, typer.Option("--price-entry", help="exclusive (税抜, default) or inclusive (税込).")]


# ---------------------------------------------------------------- shared


def _lines(values: list[str] | None) -> tuple[LineInput, ...]:
    """The --line options as service input. The service checks the values and names bad lines."""
    result: list[LineInput] = []
    problems: list[Problem] = []
    for i, whole in enumerate(values or []):
        text, kind, day = whole, "", None
        while ";" in text:  # trailing ;kind=… / ;date=… options
            head, _sep, option = text.rpartition(";")
            name, eq, value = option.partition("=")
            if not eq or name.strip() not in ("kind", "date"):
                break
            if name.strip() == "kind":
                kind = value.strip()
            else:
                try:
                    day = dt.date.fromisoformat(value.strip())
                except ValueError:
                    problems.append(Problem("ledger.error.date_format", f"lines[{i}].line_date",
                                            {"value": value.strip()}))
            text = head
        parts = text.split(":")
        if len(parts) > 4:  # a description with colons
            parts = [":".join(parts[:-3]), *parts[-3:]]
        description, quantity, price, rate = (parts + ["", "", "", ""])[:4]
        item = ""
        if description.startswith("@"):
            item, description = description[1:].strip(), ""
        result.append(LineInput(description.strip(), quantity.strip() or "1", price.strip(),
                                rate.strip().rstrip("%"), item_code=item, line_date=day, tax_kind=kind))
    if problems:
        raise Invalid(problems=problems)
    return tuple(result)


_LINE_FIELD = re.compile(r"^(?:lines|matches)\[(\d+)\]\.?(.*)$")


@contextmanager
def _cli_lines() -> Iterator[None]:
    """Name a service's ``lines[0].quantity`` as the CLI's ``--line 1 quantity``."""
    try:
        yield
    except DomainError as exc:
        renamed: list[Problem] = []
        for p in exc.problems:
            m = _LINE_FIELD.match(p.field or "")
            field = f"--line {int(m[1]) + 1} {m[2]}".strip() if m else p.field
            renamed.append(Problem(p.key, field, p.params, p.line))
        exc.problems = renamed
        raise


def _partner_id(db: Database, ref: str) -> int:
    """A partner by its code, or by its id."""
    ref = ref.strip()
    found = partners.find_partner_id(db.uow(), ref)
    if found is None and ref.isdigit():
        found = int(ref)
    if found is None:
        raise NotFound("sales.error.partner_not_found", field="partner", id=ref)
    return found


def _quote_id(db: Database, actor: Any, ref: str) -> int:
    """A quote by its number (the newest revision) or its id."""
    ref = ref.strip()
    rows = [r for r in queries.list_quotes(db.uow(), actor, queries.QuoteFilter(text=ref),
                                           queries.PageRequest(1, 200)).rows if r.number == ref]
    if rows:
        return max(rows, key=lambda r: r.revision).id
    if ref.isdigit():
        return int(ref)
    raise NotFound("sales.error.quote_not_found", field="quote", id=ref)


def _order_id(db: Database, actor: Any, ref: str) -> int:
    ref = ref.strip()
    rows = [r for r in queries.list_orders(db.uow(), actor, queries.OrderFilter(text=ref),
                                           queries.PageRequest(1, 200)).rows if r.number == ref]
    if rows:
        return rows[0].id
    if ref.isdigit():
        return int(ref)
    raise NotFound("sales.error.order_not_found", field="order", id=ref)


def _invoice_row(db: Database, actor: Any, ref: str, field: str = "invoice") -> queries.InvoiceRow:
    """An invoice or credit note by its number or its id."""
    ref = ref.strip()
    filters = queries.InvoiceFilter(number=ref)
    rows = queries.list_invoices(db.uow(), actor, filters).rows
    if not rows and ref.isdigit():
        rows = queries.list_invoices(db.uow(), actor, queries.InvoiceFilter(ids=(int(ref),))).rows
    if not rows:
        raise NotFound("sales.error.invoice_not_found", field=field, id=ref)
    return rows[0]


def _today(text: str | None, field: str) -> dt.date:
    return _date(text, field) if text else dt.date.today()


def _subject(subject: str | None, lines: tuple[LineInput, ...]) -> str:
    if subject:
        return subject
    return next((ln.description or ln.item_code for ln in lines), "")


def _table(*headers: str) -> RichTable:
    """A table whose first column (a code or a number) is never wrapped on a narrow terminal."""
    table = RichTable()
    for n, header in enumerate(headers):
        table.add_column(header, no_wrap=n == 0)
    return table


def _rates_table(rates: list[RateTotal]) -> RichTable:
    table = _table(_say("rate"), _say("net"), _say("tax"), _say("gross"))
    for r in rates:
        table.add_row(_say("rate_total", rate=r.rate), format_yen(r.net), format_yen(r.tax), format_yen(r.gross))
    return table


def _qty(value: Any) -> str:
    text = format(value.normalize(), "f") if hasattr(value, "normalize") else str(value)
    return text


# ---------------------------------------------------------------- partners and items


@partner_app.command("add")
@with_context
def partner_add(
    cx: CommandContext,
    code: Annotated[str, typer.Option("--code", help="取引先コード (unique).")],
    name: Annotated[str, typer.Option("--name", help="Name, e.g. 株式会社みどり屋商店.")],
    kana: Annotated[str, typer.Option("--kana", help="Name in カナ (matches bank payers).")] = "",
    registration_number: Annotated[str, typer.Option("--registration-number", help="適格請求書発行事業者の登録番号.")]
    = "",
    customer: Annotated[bool, typer.Option("--customer/--no-customer", help="得意先 (default: yes).")] = True,
    supplier: Annotated[bool, typer.Option("--supplier/--no-supplier", help="仕入先.")] = False,
    closing_day: Annotated[int, typer.Option("--closing-day", help="締め日: 5, 10, 15, 20, 25, 31 (末) or 0 (都度).")]
    = 31,
    months_after: Annotated[int, typer.Option("--months-after", help="Paid N months after closing (0-3).")] = 1,
    pay_day: Annotated[int, typer.Option("--pay-day", help="支払日 (31 = end of month).")] = 31,
    address: Annotated[str, typer.Option("--address")] = "",
    email: Annotated[str, typer.Option("--email")] = "",
    phone: Annotated[str, typer.Option("--phone")] = "",
    credit_limit: Annotated[int, typer.Option("--credit-limit", help="与信限度額 (yen, 0 = none).")] = 0,
) -> None:
    """Register a partner (every problem reported at once, naming its option)."""
    p = partners.create_partner(cx.uow(), cx.actor, partners.PartnerInput(
        code=code, name=name, name_kana=kana, registration_number=registration_number, is_customer=customer,
        is_supplier=supplier, closing_day=closing_day, months_after=months_after, pay_day=pay_day,
        address=address, email=email, phone=phone, credit_limit=credit_limit))
    console.print(_say("partner_added", code=p.code, name=p.name, id=p.id))


def _closing(day: int) -> str:
    return _say("each") if day == 0 else _say("end_of_month") if day == 31 else str(day)


@partner_app.command("list")
@with_context
def partner_list(
    cx: CommandContext,
    q: Annotated[str, typer.Option("--q", help="Name, カナ, code, 法人番号 or 登録番号.")] = "",
    role: Annotated[str, typer.Option("--role", help="customer or supplier (default: both).")] = "",
    include_inactive: Annotated[bool, typer.Option("--all", help="Inactive partners too.")] = False,
    page: Annotated[int, typer.Option("--page")] = 1,
) -> None:
    """Search partners (100 a page)."""
    if role not in ("", "customer", "supplier"):
        raise Invalid(problems=[Problem("error.schema", "role", {"field": "--role", "reason": role})])
    result = partners.search_partners(cx.uow(), cx.actor, q, role,
                                      None if include_inactive else True, page, 100)
    table = _table(_say("code"), _say("name"), _say("kana"), _say("registration"), _say("role"), _say("closing"))
    for p in result.rows:
        roles = [_say(r) for r, on in (("customer", p.is_customer), ("supplier", p.is_supplier)) if on]
        table.add_row(p.code, p.name, p.name_kana, p.registration_number, ", ".join(roles), _closing(p.closing_day))
    console.print(table)
    console.print(_say("total", count=len(result.rows), total=result.total))


partner_app.command("import")(partners_import)


@item_app.command("add")
@with_context
def item_add(
    cx: CommandContext,
    code: Annotated[str, typer.Option("--code", help="品目コード (unique).")],
    name: Annotated[str, typer.Option("--name")],
    unit: Annotated[str, typer.Option("--unit")] = "個",
    unit_price: Annotated[str, typer.Option("--unit-price", help="Yen, up to 2 decimals.")] = "0",
    tax_rate: Annotated[str, typer.Option("--tax-rate", help="10, 8 (軽減) or 0.")] = "10",
) -> None:
    """Register an item (品目)."""
    item = partners.create_item(cx.uow(), cx.actor, partners.ItemInput(
        code, name, unit, unit_price, tax_rate.rstrip("%")))
    console.print(_say("item_added", code=item.code, name=item.name, id=item.id))


@item_app.command("list")
@with_context
def item_list(
    cx: CommandContext,
    q: Annotated[str, typer.Option("--q", help="Code or name.")] = "",
    page: Annotated[int, typer.Option("--page")] = 1,
) -> None:
    """品目 (100 a page)."""
    rows, total = partners.list_items(cx.uow(), cx.actor, q, page, 100)
    table = _table(_say("code"), _say("name"), _say("unit"), _say("unit_price"), _say("rate"))
    for i in rows:
        table.add_row(i.code, i.name, i.unit, f"{i.unit_price:,}", f"{i.tax_rate}%")
    console.print(table)
    console.print(_say("total", count=len(rows), total=total))


# ---------------------------------------------------------------- quotes


def _print_doc(doc: flow.DocSummary) -> None:
    key = "quote" if doc.kind == "quote" else "order"
    console.print(_say(key, number=doc.number, revision=doc.revision, status=doc.status, gross=format_yen(doc.gross),
                       net=format_yen(doc.net), tax=format_yen(doc.tax)))


@quote_app.command("create")
@with_context
def quote_create(
    cx: CommandContext,
    partner: Annotated[str, typer.Option("--partner", help="Customer code or id.")],
    line: LineOpt = None,
    subject: Annotated[str | None, typer.Option("--subject", help="件名 (default: the first line).")] = None,
    issue_date: Annotated[str | None, typer.Option("--issue-date", help="YYYY-MM-DD (default: today).")] = None,
    valid_until: Annotated[str | None, typer.Option("--valid-until", help="有効期限 (default: 30 days).")] = None,
    price_entry: PriceEntryOpt = "exclusive",
    notes: Annotated[str, typer.Option("--notes")] = "",
) -> None:
    """見積書 (revision 1, draft)."""
    with _cli_lines():
        lines = _lines(line)
        day = _today(issue_date, "issue_date")
        until = _date(valid_until, "valid_until") if valid_until else day + dt.timedelta(days=30)
        doc = flow.create_quote(cx.uow(), cx.actor, flow.QuoteInput(
            _partner_id(cx.db, partner), day, until, _subject(subject, lines), lines, price_entry, notes=notes))
    _print_doc(doc)


@quote_app.command("revise")
@with_context
def quote_revise(
    cx: CommandContext,
    quote: Annotated[str, typer.Argument(help="The quote's number or id.")],
    line: LineOpt = None,
    subject: Annotated[str | None, typer.Option("--subject", help="件名 (default: unchanged).")] = None,
    issue_date: Annotated[str | None, typer.Option("--issue-date", help="YYYY-MM-DD (default: today).")] = None,
    valid_until: Annotated[str | None, typer.Option("--valid-until", help="Default: unchanged, or 30 days.")] = None,
    price_entry: Annotated[str | None, typer.Option("--price-entry", help="Default: unchanged.")] = None,
) -> None:
    """A new revision with the same number (new lines); the previous one is kept as superseded."""
    with _cli_lines():
        quote_id = _quote_id(cx.db, cx.actor, quote)
        old = queries_docs.quote_detail(cx.uow(), cx.actor, quote_id).doc
        day = _today(issue_date, "issue_date")
        until = (_date(valid_until, "valid_until") if valid_until
                 else max(old.valid_until, day + dt.timedelta(days=30)) if old.valid_until < day else old.valid_until)
        doc = flow.revise_quote(cx.uow(), cx.actor, quote_id, flow.QuoteInput(
            old.partner_id, day, until, subject or old.subject, _lines(line), price_entry or old.price_entry,
            old.delivery_terms, old.notes))
    _print_doc(doc)


def _accept(db: Database, actor: Any, quote_id: int, order_date: str | None, customer_po: str,
            delivery_due: str | None) -> flow.DocSummary:
    return flow.accept_quote(db.uow(), actor, quote_id, _date(order_date, "order_date") if order_date else None,
                             customer_po, _date(delivery_due, "delivery_due") if delivery_due else None)


@quote_app.command("status")
@with_context
def quote_status(
    cx: CommandContext,
    quote: Annotated[str, typer.Argument(help="The quote's number or id.")],
    to: Annotated[str, typer.Option("--to", help="sent (送付済), lost (失注) or accepted (受注: makes the order).")],
) -> None:
    """Move a quote to sent, lost or accepted."""
    quote_id = _quote_id(cx.db, cx.actor, quote)
    if to == "accepted":
        order = _accept(cx.db, cx.actor, quote_id, None, "", None)
        doc = queries_docs.quote_detail(cx.uow(), cx.actor, quote_id).doc
        console.print(_say("quote", number=doc.number, revision=doc.revision, status=doc.status,
                           gross=format_yen(doc.gross), net=format_yen(doc.net), tax=format_yen(doc.tax)))
        _print_doc(order)
        return
    _print_doc(flow.set_quote_status(cx.uow(), cx.actor, quote_id, to))


@quote_app.command("accept")
@with_context
def quote_accept(
    cx: CommandContext,
    quote: Annotated[str, typer.Argument(help="The quote's number or id.")],
    order_date: Annotated[str | None, typer.Option("--order-date", help="Default: the quote's date.")] = None,
    customer_po: Annotated[str, typer.Option("--customer-po", help="The customer's 注文番号.")] = "",
    delivery_due: Annotated[str | None, typer.Option("--delivery-due", help="納期 (YYYY-MM-DD).")] = None,
) -> None:
    """受注: the quote becomes a sales order with the same lines."""
    _print_doc(_accept(cx.db, cx.actor, _quote_id(cx.db, cx.actor, quote), order_date, customer_po, delivery_due))


@quote_app.command("list")
@with_context
def quote_list(
    cx: CommandContext,
    q: Annotated[str, typer.Option("--q", help="Number, subject, customer name or code.")] = "",
    status: Annotated[str, typer.Option("--status", help="draft, sent, accepted, lost or superseded.")] = "",
    page: Annotated[int, typer.Option("--page")] = 1,
) -> None:
    """見積, newest first."""
    result = queries.list_quotes(cx.uow(), cx.actor, queries.QuoteFilter(q, status),
                                 queries.PageRequest(max(page, 1), 100))
    table = _table(_say("number"), _say("revision"), _say("status"), _say("partner"), _say("date"),
                      _say("subject"), _say("gross"))
    for r in result.rows:
        table.add_row(r.number, str(r.revision), r.status, r.partner_name, r.issue_date.isoformat(), r.subject,
                      format_yen(r.gross))
    console.print(table)
    console.print(_say("total", count=len(result.rows), total=result.total))


# ---------------------------------------------------------------- orders


@order_app.command("create")
@with_context
def order_create(
    cx: CommandContext,
    partner: Annotated[str, typer.Option("--partner", help="Customer code or id.")],
    line: LineOpt = None,
    subject: Annotated[str | None, typer.Option("--subject", help="件名 (default: the first line).")] = None,
    order_date: Annotated[str | None, typer.Option("--order-date", help="YYYY-MM-DD (default: today).")] = None,
    customer_po: Annotated[str, typer.Option("--customer-po", help="The customer's 注文番号.")] = "",
    delivery_due: Annotated[str | None, typer.Option("--delivery-due", help="納期 (YYYY-MM-DD).")] = None,
    price_entry: PriceEntryOpt = "exclusive",
) -> None:
    """受注 entered directly (a customer's 注文書 without a quote)."""
    with _cli_lines():
        lines = _lines(line)
        doc = flow.create_order(cx.uow(), cx.actor, flow.OrderInput(
            _partner_id(cx.db, partner), _today(order_date, "order_date"), _subject(subject, lines), lines, price_entry,
            customer_po, _date(delivery_due, "delivery_due") if delivery_due else None))
    _print_doc(doc)


@order_app.command("deliver")
@with_context
def order_deliver(
    cx: CommandContext,
    order: Annotated[str, typer.Argument(help="The order's number or id.")],
    line: Annotated[list[str] | None, typer.Option(
        "--line", help='"N:quantity": deliver this much of the order\'s line N (repeat). '
                       "Without --line: everything still open.")] = None,
    date: Annotated[str | None, typer.Option("--date", help="納品日 (default: today).")] = None,
    place: Annotated[str, typer.Option("--place", help="納品場所 (default: the order's).")] = "",
) -> None:
    """納品: deliver part or all of an order; more than is still open is refused."""
    with _cli_lines():
        order_id = _order_id(cx.db, cx.actor, order)
        detail = queries_docs.order_detail(cx.uow(), cx.actor, order_id)
        by_no = {ln.line_no: ln.id for ln in detail.lines}
        quantities: list[tuple[int, str]] = []
        problems: list[Problem] = []
        for i, text in enumerate(line or []):
            no, _, qty = text.partition(":")
            if not no.strip().isdigit() or int(no) not in by_no:
                problems.append(Problem("sales.error.order_line", f"lines[{i}].line", {"id": no.strip()}))
                continue
            quantities.append((by_no[int(no)], qty.strip() or "0"))
        if problems:
            raise Invalid(problems=problems)
        doc = flow.create_delivery(cx.uow(), cx.actor, flow.DeliveryInput(
            order_id, _today(date, "date"), tuple(quantities), place))
        after = queries_docs.order_detail(cx.uow(), cx.actor, order_id).doc
    console.print(_say("delivery", number=doc.number, gross=format_yen(doc.gross), net=format_yen(doc.net),
                       tax=format_yen(doc.tax), order=after.number, status=after.status))


@order_app.command("list")
@with_context
def order_list(
    cx: CommandContext,
    q: Annotated[str, typer.Option("--q", help="Number, subject, customer name or code.")] = "",
    status: Annotated[list[str] | None, typer.Option("--status", help="open, partial, delivered, cancelled.")]
    = None,
    page: Annotated[int, typer.Option("--page")] = 1,
) -> None:
    """受注, newest first."""
    result = queries.list_orders(cx.uow(), cx.actor,
                                 queries.OrderFilter(q, tuple(status or ())),
                                 queries.PageRequest(max(page, 1), 100))
    table = _table(_say("number"), _say("status"), _say("partner"), _say("date"), _say("subject"), _say("gross"))
    for r in result.rows:
        table.add_row(r.number, r.status, r.partner_name, r.order_date.isoformat(), r.subject, format_yen(r.gross))
    console.print(table)
    console.print(_say("total", count=len(result.rows), total=result.total))


@order_app.command("show")
@with_context
def order_show(
    cx: CommandContext,
    order: Annotated[str, typer.Argument(help="The order's number or id.")],
) -> None:
    """An order's lines with what is delivered, and its totals per rate."""
    d = queries_docs.order_detail(cx.uow(), cx.actor, _order_id(cx.db, cx.actor, order))
    _print_doc(flow.DocSummary("order", d.doc.id, d.doc.number, d.doc.status, d.doc.partner_id, d.doc.net,
                               d.doc.tax, d.doc.gross))
    table = _table(_say("no"), _say("description"), _say("quantity"), _say("delivered"), _say("unit_price"),
                      _say("rate"), _say("amount"))
    for ln in d.lines:
        table.add_row(str(ln.line_no), ln.description, _qty(ln.quantity), _qty(ln.delivered or 0),
                      f"{ln.unit_price:,}", f"{ln.tax_rate}%", format_yen(ln.amount))
    console.print(table)
    console.print(_rates_table(d.rates))


# ---------------------------------------------------------------- invoices


def _kind(kind: str) -> str:
    return _say("credit_note_kind" if kind == "credit_note" else "invoice_kind")


def _print_invoice(inv: billing.InvoiceSummary) -> None:
    console.print(_say("invoice", kind=_kind(inv.kind), number=inv.number, gross=format_yen(inv.gross),
                       net=format_yen(inv.net), tax=format_yen(inv.tax), due=inv.due_date.isoformat(),
                       entry=inv.entry_no))


@invoice_app.command("list")
@with_context
def invoice_list(
    cx: CommandContext,
    q: Annotated[str, typer.Option("--q", help="Number, subject, customer name or code.")] = "",
    partner: Annotated[str | None, typer.Option("--partner", help="Customer code or id.")] = None,
    kind: Annotated[str, typer.Option("--kind", help="invoice or credit_note (default: both).")] = "",
    status: Annotated[str, typer.Option("--status", help="open, paid, credited or replaced.")] = "",
    date_from: Annotated[str | None, typer.Option("--from", help="Issued on or after (YYYY-MM-DD).")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Issued on or before (YYYY-MM-DD).")] = None,
    page: Annotated[int, typer.Option("--page")] = 1,
) -> None:
    """請求書 and 返還請求書, newest first, with what each still owes."""
    filters = queries.InvoiceFilter(
        text=q, kind=kind, receivable_status=status,
        partner_id=_partner_id(cx.db, partner) if partner else None,
        date_from=_date(date_from, "from") if date_from else None,
        date_to=_date(date_to, "to") if date_to else None)
    result = queries.list_invoices(cx.uow(), cx.actor, filters, queries.PageRequest(max(page, 1), 100))
    table = _table(_say("number"), _say("kind"), _say("partner"), _say("issued"), _say("due"), _say("gross"),
                      _say("open"), _say("status"))
    for r in result.rows:
        table.add_row(r.number, _kind(r.kind), r.partner_name, r.issue_date.isoformat(), r.due_date.isoformat(),
                      format_yen(r.gross), format_yen(r.open_amount) if r.open_amount is not None else "",
                      queries.payment_state(r.receivable_status, r.paid_amount))
    console.print(table)
    console.print(_say("total", count=len(result.rows), total=result.total))


@invoice_app.command("show")
@with_context
def invoice_show(
    cx: CommandContext,
    number: Annotated[str, typer.Argument(help="The invoice's number or id.")],
) -> None:
    """An invoice: its lines, its totals per rate (税率ごとの対価と消費税), its payment and related invoices."""
    d = queries_docs.invoice_detail(cx.uow(), cx.actor, _invoice_row(cx.db, cx.actor, number).id)
    doc = d.doc
    console.print(f"{_kind(doc.kind)} {doc.number}  {doc.recipient_name} {d.partner.honorific}")
    console.print(f"{_say('issued')}: {doc.issue_date.isoformat()}  {_say('due')}: {doc.due_date.isoformat()}  "
                  f"{_say('registration')}: {doc.issuer_registration_number}")
    if doc.subject:
        console.print(f"{_say('subject')}: {doc.subject}")
    table = _table(_say("no"), _say("date"), _say("description"), _say("quantity"), _say("unit_price"),
                      _say("rate"), _say("amount"))
    for ln in d.lines:
        table.add_row(str(ln.line_no), ln.line_date.isoformat() if ln.line_date else "", ln.description,
                      _qty(ln.quantity), f"{ln.unit_price:,}", f"{ln.tax_rate}%", format_yen(ln.amount))
    console.print(table)
    console.print(_rates_table(d.rates))
    console.print(f"{_say('net')}: {format_yen(doc.net)}  {_say('tax')}: {format_yen(doc.tax)}  "
                  f"{_say('gross')}: {format_yen(doc.gross)}  {_say('billed')}: {format_yen(doc.billed)}")
    if d.receivable is not None:
        console.print(_say("receivable", status=queries.payment_state(d.receivable.status, d.receivable.paid_amount),
                           paid=format_yen(d.receivable.paid_amount), open=format_yen(d.receivable.open_amount)))
    for r in d.related:
        console.print(_say("related", kind=_kind(r.kind), number=r.number, date=r.issue_date.isoformat(),
                           gross=format_yen(r.gross)))


@invoice_app.command("credit")
@with_context
def invoice_credit(
    cx: CommandContext,
    number: Annotated[str, typer.Argument(help="The original invoice's number or id.")],
    line: LineOpt = None,
    date: Annotated[str | None, typer.Option("--date", help="Issue date (default: today).")] = None,
    reason: Annotated[str, typer.Option("--reason", help="返品、値引き ... (printed on the note).")] = "",
) -> None:
    """返還請求書 (credit note) against an issued invoice: what is returned or discounted, positive quantities."""
    with _cli_lines():
        original = _invoice_row(cx.db, cx.actor, number)
        _print_invoice(billing.issue_credit_note(cx.uow(), cx.actor, billing.CreditNoteInput(
            original.id, _today(date, "date"), _lines(line), reason)))


@invoice_app.command("issue")
@with_context
def invoice_issue(
    cx: CommandContext,
    partner: Annotated[str, typer.Option("--partner", help="Customer code or id.")],
    line: LineOpt = None,
    date: Annotated[str | None, typer.Option("--date", help="Issue date (default: today).")] = None,
    subject: Annotated[str, typer.Option("--subject")] = "",
    due_date: Annotated[str | None, typer.Option("--due-date", help="Default: from the customer's terms.")]
    = None,
    price_entry: PriceEntryOpt = "exclusive",
    notes: Annotated[str, typer.Option("--notes")] = "",
) -> None:
    """請求書 entered directly (no delivery): issued and posted now; each --line may carry its 取引年月日
    (';date=YYYY-MM-DD', default the issue date) and a 0% line its kind (';kind=export')."""
    with _cli_lines():
        _print_invoice(billing.issue_invoice(cx.uow(), cx.actor, billing.InvoiceInput(
            _partner_id(cx.db, partner), _today(date, "date"), _lines(line), subject, price_entry,
            _date(due_date, "due_date") if due_date else None, notes)))


@invoice_app.command("replace")
@with_context
def invoice_replace(
    cx: CommandContext,
    number: Annotated[str, typer.Argument(help="The unpaid invoice's number or id.")],
    line: LineOpt = None,
    date: Annotated[str | None, typer.Option("--date", help="Issue date (default: today).")] = None,
    subject: Annotated[str, typer.Option("--subject", help="Default: the original's.")] = "",
    due_date: Annotated[str | None, typer.Option("--due-date", help="Default: the original's.")] = None,
    price_entry: PriceEntryOpt = "exclusive",
    notes: Annotated[str, typer.Option("--notes")] = "",
) -> None:
    """修正した請求書: replace an unpaid invoice (its posting is reversed; the new one references it)."""
    with _cli_lines():
        original = _invoice_row(cx.db, cx.actor, number)
        _print_invoice(billing.replace_invoice(cx.uow(), cx.actor, original.id, billing.InvoiceInput(
            original.partner_id, _today(date, "date"), _lines(line), subject, price_entry,
            _date(due_date, "due_date") if due_date else None, notes)))


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
        table.add_row(str(v.deposit_id), v.value_date.isoformat(), v.payer_name, format_yen(v.amount), v.kind,
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
                              fee=view.fee)
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


def register(app: typer.Typer) -> None:
    """Adds the document groups under ``ennoshita sales`` (registered by :mod:`ennoshita.cli.sales.billing`)."""
    del app
    for sub, name in ((partner_app, "partner"), (item_app, "item"), (quote_app, "quote"), (order_app, "order"),
                      (invoice_app, "invoice"), (match_app, "match")):
        if not any(g.name == name for g in sales_app.registered_groups):
            sales_app.add_typer(sub, name=name)
