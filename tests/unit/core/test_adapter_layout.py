"""The adapters' shared pieces live once (issue #13 item 12): the screen helpers every web package uses are
defined in ``ennoshita.web.forms`` alone, and no screen borrows them from another room's module; the sales document
commands are one module per family; an API schema showing a service's view takes its fields from the view."""

from __future__ import annotations

import ast
import dataclasses
import inspect
import textwrap
from pathlib import Path
from typing import Any

import pytest

from ennoshita.api import approvals as approvals_api
from ennoshita.api import assets as assets_api
from ennoshita.api import contracts as contracts_api
from ennoshita.api import core as core_routes
from ennoshita.api import desk as desk_api
from ennoshita.api import expenses as expenses_api
from ennoshita.api import hr as hr_api
from ennoshita.api import payroll as payroll_api
from ennoshita.api import payroll_setup as payroll_setup_api
from ennoshita.api import purchasing as purchasing_api
from ennoshita.api import schemas as core_api
from ennoshita.api import withholding as withholding_api
from ennoshita.api.ledger import books as books_api
from ennoshita.api.ledger import evidence as evidence_api
from ennoshita.api.ledger import io as ledger_io_api
from ennoshita.api.sales import billing as billing_api
from ennoshita.api.sales import orders as orders_api
from ennoshita.api.sales import receivables as receivables_api
from ennoshita.api.views import ViewModel
from ennoshita.approvals import services as approvals
from ennoshita.assets import equipment
from ennoshita.assets import services as assets
from ennoshita.attachments.services import AttachmentSummary
from ennoshita.audit.queries import AuditRow
from ennoshita.contracts import services as contracts
from ennoshita.desk import queries as desk_queries
from ennoshita.desk import services as desk
from ennoshita.expenses import rules as expense_rules
from ennoshita.expenses import services as expenses
from ennoshita.hr import employees, leave
from ennoshita.hr import queries as hr_queries
from ennoshita.identity import company
from ennoshita.identity import services as identity
from ennoshita.kernel.tax import RateTotal
from ennoshita.ledger import importer
from ennoshita.ledger import queries as ledger_queries
from ennoshita.ledger import services as ledger
from ennoshita.partners import services as partners
from ennoshita.payroll import declarations, unions, wages
from ennoshita.payroll import queries as payroll_queries
from ennoshita.payroll import remittances as payroll_remittances
from ennoshita.payroll import services as payroll
from ennoshita.purchasing import bills, payments, recognition
from ennoshita.purchasing import pdf as purchasing_pdf
from ennoshita.purchasing import queries as purchasing_queries
from ennoshita.sales import aging, customer_credit, queries, queries_docs, receivables
from ennoshita.withholding import services as withholding

SRC = Path(__file__).parents[3] / "src" / "ennoshita"
SHARED = {"parse_date", "parse_int", "parse_id", "purpose_choices", "translator", "errors_of", "text", "Page",
          "page_no", "query_without_page", "pdf_response", "form_data", "field_errors", "text_form", "checked_date",
          "checked_int", "request_translator", "page_count", "tax_names"}
DOWNLOADS = {"wants_export", "csv_response", "export_links", "download", "stream_download", "wants_file",
             "format_links"}


def _modules(folder: str) -> list[Path]:
    return sorted((SRC / folder).rglob("*.py"))


def _defined_and_borrowed(names: set[str], home: str) -> tuple[dict[str, list[str]], list[str]]:
    """Where each of ``names`` is defined at a web module's top level, and every import of one of them from a web
    module other than ``home``."""
    defined: dict[str, list[str]] = {}
    borrowed: list[str] = []
    for path in _modules("web"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        rel = str(path.relative_to(SRC))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and node.name in names:
                defined.setdefault(node.name, []).append(rel)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("ennoshita.web.") \
                    and node.module != home:
                borrowed += [f"{rel}: {node.module}.{a.name}" for a in node.names if a.name in names]
    return defined, borrowed


def test_the_screen_helpers_are_defined_once_in_web_forms() -> None:
    """Failed before: parse_date, translator … were defined in web/ledger/common.py, errors_of, text, Page in
    web/sales/partners.py, and the other rooms imported them from there; tax_names (the 税区分 names) was still
    in web/ledger/common.py, and the expenses screens took it from there."""
    defined, borrowed = _defined_and_borrowed(SHARED, "ennoshita.web.forms")
    assert defined == {name: ["web/forms.py"] for name in SHARED}
    assert borrowed == []


def test_the_downloads_are_defined_once_in_web_exports() -> None:
    """Failed before: the report downloads (download, stream_download, wants_file, format_links) were in
    web/ledger/common.py beside the list CSV exports of web/exports.py, and the receivables and desk activity
    screens took them from the ledger's module."""
    defined, borrowed = _defined_and_borrowed(DOWNLOADS, "ennoshita.web.exports")
    assert {name for name, homes in defined.items() if "web/exports.py" in homes} == DOWNLOADS
    assert [name for name, homes in defined.items() if "web/ledger/common.py" in homes] == []
    assert [b for b in borrowed if ": ennoshita.web.ledger.common." in b] == []


def test_the_sales_document_commands_are_one_module_per_family() -> None:
    """Failed before: cli/sales/documents.py held every document command in one 775-line module."""
    package = SRC / "cli" / "sales" / "documents"
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in package.glob("*.py")}
    assert {"partners.py", "quotes.py", "orders.py", "invoices.py", "matching.py"} <= set(sizes)
    assert max(sizes.values()) <= 300, sizes


VIEWS = [
    (contracts_api.ContractOut, contracts.ContractView), (contracts_api.ContractIn, contracts.NewContract),
    (contracts_api.DueOut, contracts.DueRow), (orders_api.PartnerOut, partners.PartnerSummary),
    (orders_api.PartnerIn, partners.PartnerInput), (orders_api.ContactIn, partners.ContactData),
    (orders_api.ContactOut, partners.ContactData), (orders_api.ItemOut, partners.ItemSummary),
    (orders_api.LineOut, queries_docs.DocLine), (orders_api.RateOut, RateTotal),
    (billing_api.InvoiceOut, queries.InvoiceRow), (billing_api.InvoiceDetailOut, queries_docs.InvoiceDoc),
    (billing_api.ProposalOut, receivables.ProposalView),
    (billing_api.ImportOut, receivables.ImportResult), (assets_api.AssetOut, assets.AssetView),
    (assets_api.AssetIn, assets.NewAsset), (assets_api.RunLineOut, assets.RunLine),
    (assets_api.DisposalIn, assets.Disposal), (assets_api.ItemOut, equipment.ItemView),
    (assets_api.ItemIn, equipment.NewItem), (assets_api.LoanIn, equipment.NewLoan),
    (core_api.BankAccountOut, company.BankAccountData), (core_api.CompanyOut, company.CompanyData),
    (core_api.UserOut, identity.UserSummary), (core_api.AuditOut, AuditRow),
    (desk_api.CommentOut, desk_queries.CommentView), (desk_api.RequestOut, desk.RequestSummary),
    (desk_api.QueueRowOut, desk_queries.QueueRow), (desk_api.StatOut, desk_queries.StatRow),
    (desk_api.LateOut, desk_queries.LateRow),
    (expenses_api.LineIn, expense_rules.LineInput), (expenses_api.LineOut, expenses.LineView),
    (expenses_api.ClaimOut, expenses.ClaimView), (expenses_api.ClaimRowOut, expenses.ClaimRow),
    (expenses_api.BankIn, expenses.BankInput),
    (hr_api.EmployeeIn, employees.EmployeeInput), (hr_api.AssignmentOut, employees.AssignmentView),
    (hr_api.EmployeeOut, employees.EmployeeView), (hr_api.EmployeeRowOut, hr_queries.EmployeeRow),
    (hr_api.TransferIn, employees.TransferInput), (hr_api.LeaveRequestIn, leave.LeaveInput),
    (hr_api.LeaveRequestOut, leave.LeaveRow),
    (payroll_api.RunOut, payroll.RunView), (payroll_api.SlipOut, payroll_queries.SlipView),
    (payroll_api.WageLedgerOut, payroll_queries.WageLedger), (payroll_api.TaxPaymentOut, payroll_queries.TaxPayment),
    (payroll_api.RemittanceOut, payroll_remittances.RemittanceView), (payroll_api.TeijiOut, payroll_queries.TeijiRow),
    (payroll_api.WithholdingSlipOut, payroll_queries.WithholdingSlip),
    (payroll_api.WithholdingSummaryOut, payroll_queries.WithholdingSummary),
    (payroll_setup_api.WageRowOut, wages.WageRow), (payroll_setup_api.ZuijiOut, wages.ZuijiRow),
    (payroll_setup_api.DeclarationOut, declarations.DeclarationView), (payroll_setup_api.RateOut, unions.RateView),
    (payroll_setup_api.UnionOut, unions.UnionView),
    (withholding_api.CategoryOut, withholding.CategoryFigures), (withholding_api.DueOut, withholding.DueGroup),
    (withholding_api.PaidOut, withholding.RemittanceResult), (withholding_api.StatementOut, withholding.PayeeStatement),
    (withholding_api.SummaryOut, withholding.SummaryTotals),
    (purchasing_api.BankAccountIn, company.BankAccountData),
    (purchasing_api.OrderLineOut, purchasing_pdf.OrderLineView), (purchasing_api.BillLineOut, bills.BillLineView),
    (purchasing_api.AccrualOut, recognition.AccrualResult), (purchasing_api.PaymentRunOut, payments.RunSummary),
    (books_api.AccountOut, ledger.AccountSummary), (books_api.LineOut, ledger_queries.JournalRowLine),
    (evidence_api.AttachmentOut, AttachmentSummary), (approvals_api.RequestOut, approvals.RequestView),
    (receivables_api.OverdueRowOut, aging.OverdueRow), (receivables_api.MatchedDepositOut, receivables.MatchedView),
    (receivables_api.CreditMovementOut, customer_credit.CreditMovement),
    (receivables_api.CreditOut, customer_credit.CreditBalance), (core_routes.SealOut, company.SealData),
    (ledger_io_api.ImportOut, importer.ImportResult), (books_api.EntryOut, ledger_queries.JournalRow),
    (purchasing_api.PurchaseOrderOut, purchasing_queries.OrderRow),
    (purchasing_api.PurchaseOrderDetailOut, purchasing_pdf.OrderDetail),
    (purchasing_api.BillOut, purchasing_queries.BillRow), (purchasing_api.SupplierBalanceOut,
                                                           purchasing_queries.SupplierBalance),
    (purchasing_api.OpenBillOut, purchasing_queries.OpenBill), (purchasing_api.ScheduleRowOut,
                                                                purchasing_queries.ScheduleRow),
    (purchasing_api.TransferOut, payments.TransferView),
]


@pytest.mark.parametrize(("schema", "view"), VIEWS, ids=lambda v: v.__name__)
def test_an_api_schema_showing_a_view_declares_only_what_it_says_differently(schema: Any, view: Any) -> None:
    """Failed before: ContractOut, PartnerOut, InvoiceOut … restated every field of the service's view. Now the
    schema's fields are the view's (in the view's order); its class body names a field of the view only to say it
    differently (another type, a description)."""
    assert issubclass(schema, ViewModel)
    view_types = {f.name: f.type for f in dataclasses.fields(view)}
    has_default = {f.name for f in dataclasses.fields(view)
                   if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING}
    inherited = {n for base in schema.__bases__ for n in getattr(base, "__pydantic_fields__", {})}
    shown = [n for n in schema.model_fields if n in view_types and n not in inherited]
    assert shown == [n for n in view_types if n in shown]
    body = ast.parse(textwrap.dedent(inspect.getsource(schema))).body[0]
    assert isinstance(body, ast.ClassDef)
    for node in body.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id in view_types:
            name = node.target.id
            said_differently = ast.unparse(node.annotation) != view_types[name] or (
                isinstance(node.value, ast.Call) and ast.unparse(node.value.func) == "Field") or (
                node.value is None and name in has_default)  # required where the view has a default
            assert said_differently, f"{schema.__name__}.{node.target.id} restates the view"
