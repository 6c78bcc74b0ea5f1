"""The CSV columns of the 営業 lists (見積, 受注, 納品, 請求書, 入金消込), streamed by :mod:`ennoshita.web.exports`."""

from __future__ import annotations

from fastapi.responses import Response

from ennoshita import exports
from ennoshita.actor import Actor
from ennoshita.dates import TOKYO, as_utc
from ennoshita.db import Database
from ennoshita.i18n import Translator
from ennoshita.identity import require
from ennoshita.sales import deposit_list, queries
from ennoshita.web.exports import csv_response
from ennoshita.web.forms import translator

Col = exports.ExportColumn


def _amounts(t: Translator) -> list[Col]:
    return [Col(t("export.col.net"), lambda r: r.net), Col(t("export.col.tax"), lambda r: r.tax),
            Col(t("sales_ui.col.gross"), lambda r: r.gross)]


def quotes_csv(db: Database, actor: Actor, filters: queries.QuoteFilter, encoding: str) -> Response:
    require(actor, "sales.view")
    t = translator(actor)
    columns = [Col(t("sales_ui.col.number"), lambda r: r.number), Col(t("sales_ui.col.revision"), lambda r: r.revision),
               Col(t("sales_ui.col.customer"), lambda r: r.partner_name),
               Col(t("sales_ui.col.issue_date"), lambda r: r.issue_date),
               Col(t("sales_ui.col.subject"), lambda r: r.subject), *_amounts(t),
               Col(t("sales_ui.col.status"), lambda r: t("sales_ui.quote." + r.status))]
    return csv_response(db, "quotes", columns, lambda s: queries.export_quotes(s, actor, filters), encoding)


def orders_csv(db: Database, actor: Actor, filters: queries.OrderFilter, encoding: str) -> Response:
    require(actor, "sales.view")
    t = translator(actor)
    columns = [Col(t("sales_ui.col.number"), lambda r: r.number),
               Col(t("sales_ui.col.customer"), lambda r: r.partner_name),
               Col(t("sales_ui.col.order_date"), lambda r: r.order_date),
               Col(t("sales_ui.col.subject"), lambda r: r.subject),
               Col(t("sales_ui.order.delivery_due"), lambda r: r.delivery_due), *_amounts(t),
               Col(t("sales_ui.col.status"), lambda r: t("sales_ui.order." + r.status))]
    return csv_response(db, "orders", columns, lambda s: queries.export_orders(s, actor, filters), encoding)


def deliveries_csv(db: Database, actor: Actor, filters: queries.DeliveryFilter, encoding: str) -> Response:
    require(actor, "sales.view")
    t = translator(actor)
    columns = [Col(t("sales_ui.col.number"), lambda r: r.number),
               Col(t("sales_ui.col.customer"), lambda r: r.partner_name),
               Col(t("sales_ui.col.delivery_date"), lambda r: r.delivery_date),
               Col(t("sales_ui.order.title"), lambda r: r.order_number),
               Col(t("sales_ui.col.subject"), lambda r: r.subject), *_amounts(t),
               Col(t("sales_ui.delivery.invoice"), lambda r: r.invoice_number or t("sales_ui.delivery.unbilled"))]
    return csv_response(db, "deliveries", columns, lambda s: queries.export_deliveries(s, actor, filters), encoding)


def _payment(t: Translator, r: queries.InvoiceRow) -> str:
    """入金状況 as the list shows it (下書き for a draft; empty for a credit note)."""
    if r.status == "draft":
        return t("sales_ui.invoice_status.draft")
    state = queries.payment_state(r.receivable_status, r.paid_amount)
    return t("sales_ui.payment." + state) if state else ""


def invoices_csv(db: Database, actor: Actor, filters: queries.InvoiceFilter, encoding: str) -> Response:
    require(actor, "sales.view")
    t = translator(actor)
    columns = [Col(t("sales_ui.col.number"), lambda r: r.number),
               Col(t("sales_ui.col.kind"), lambda r: t("sales_ui.kind." + r.kind)),
               Col(t("sales_ui.col.customer"), lambda r: r.partner_name),
               Col(t("sales_ui.col.issue_date"), lambda r: r.issue_date),
               Col(t("sales_ui.col.due_date"), lambda r: r.due_date),
               Col(t("sales_ui.col.subject"), lambda r: r.subject), *_amounts(t),
               Col(t("sales_ui.invoice.billed"), lambda r: r.billed),
               Col(t("sales_ui.invoice.payment"), lambda r: _payment(t, r)),
               Col(t("export.col.paid"), lambda r: r.paid_amount), Col(t("export.col.open"), lambda r: r.open_amount)]
    return csv_response(db, "invoices", columns, lambda s: queries.export_invoices(s, actor, filters), encoding)


def deposits_csv(db: Database, actor: Actor, status: str, encoding: str) -> Response:
    """入金消込's deposits with what each match did: the invoices cleared (amount on each), the 振込手数料 deducted and
    how it was booked, what went to the customer's 預り残高, the account a deposit was booked to, the entry."""
    require(actor, "sales.view")
    t = translator(actor)

    def matched_to(r: deposit_list.DepositRow) -> str:
        return "; ".join(f"{number} ({amount:,})" for number, amount in r.invoices)

    columns = [Col(t("sales_ui.receipts.value_date"), lambda r: r.value_date),
               Col(t("sales_ui.receipts.payer"), lambda r: r.payer_name),
               Col(t("sales_ui.receipts.amount"), lambda r: r.amount),
               Col(t("sales_ui.col.customer"), lambda r: r.partner_name),
               Col(t("export.col.status"), lambda r: t("export.deposit." + r.status)),
               Col(t("sales_ui.receipts.invoices"), matched_to),
               Col(t("export.col.cleared"), lambda r: r.cleared if r.status == "matched" else ""),
               Col(t("export.col.fee"), lambda r: r.fee if r.status == "matched" else ""),
               Col(t("export.col.fee_treatment"), lambda r: t("sales_ui.fee." + r.fee_treatment) if r.fee_treatment
                   else ""),
               Col(t("export.col.to_credit"), lambda r: r.to_credit if r.status == "matched" else ""),
               Col(t("export.col.booked_account"),
                   lambda r: t("sales_ui.account." + r.booked_account) if r.booked_account else ""),
               Col(t("export.col.entry"), lambda r: r.entry_no),
               Col(t("export.col.matched_at"), lambda r: as_utc(r.matched_at).astimezone(TOKYO) if r.matched_at
                   else None),
               Col(t("sales_ui.col.notes"), lambda r: r.memo)]
    return csv_response(db, "deposits", columns, lambda s: deposit_list.export_deposits(s, actor, status), encoding)
