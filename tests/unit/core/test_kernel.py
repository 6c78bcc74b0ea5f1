"""The document kernel and the partner register (issue #13 item 12): one home for what sales and purchasing
documents share, the old import paths still answering, and purchasing no longer needing the sales room."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any, cast

import pytest

from ennoshita.errors import Invalid
from ennoshita.kernel import lines as kernel_lines
from ennoshita.kernel import numbering, tax
from ennoshita.kernel.models import DESCRIPTION_LENGTH, ItemLineColumns, LineColumns, PricedLineColumns
from ennoshita.lengths import TOO_LONG, limits
from ennoshita.money import Rounding
from ennoshita.partners import models as partner_models
from ennoshita.purchasing import models as purchasing_models
from ennoshita.purchasing import numbering as purchasing_numbering
from ennoshita.sales import models as sales_models
from ennoshita.sales import numbering as sales_numbering

SRC = Path(__file__).parents[3] / "src" / "ennoshita"


@pytest.mark.parametrize("model", [sales_models.QuoteLine, sales_models.SalesOrderLine, sales_models.DeliveryLine,
                                   sales_models.InvoiceLine, purchasing_models.PurchaseOrderLine,
                                   purchasing_models.SupplierBillLine])
def test_every_document_line_holds_the_kernels_description(model: type[Any]) -> None:
    assert limits(model)["description"] == DESCRIPTION_LENGTH


@pytest.mark.parametrize(("model", "mixin"), [
    (sales_models.QuoteLine, LineColumns), (sales_models.InvoiceLine, LineColumns),
    (purchasing_models.PurchaseOrderLine, ItemLineColumns), (purchasing_models.SupplierBillLine, PricedLineColumns)])
def test_line_columns_are_declared_once_in_the_kernel(model: type[Any], mixin: type[Any]) -> None:
    """The quantity and price columns of every document line come from the kernel's mixins, not a copy per
    room (failed before: purchasing's lines declared their own)."""
    assert issubclass(model, mixin)
    own = set(vars(model).get("__annotations__", {}))  # the columns the model's own class body declares
    assert own and not own & set(PricedLineColumns.__annotations__), own


def test_a_description_too_long_is_named_by_line() -> None:
    ok = kernel_lines.LineInput("a" * DESCRIPTION_LENGTH, "1", "100", "10")
    bad = kernel_lines.LineInput("a" * (DESCRIPTION_LENGTH + 1), "1", "100", "10")
    session = cast(Any, None)  # no 品目 code: the session is not asked
    resolved, totals = kernel_lines.resolve_lines(session, [ok], tax.PriceEntry.TAX_EXCLUSIVE, Rounding.FLOOR)
    assert resolved[0].amount == 100 and totals.gross == 110
    with pytest.raises(Invalid) as err:
        kernel_lines.resolve_lines(session, [ok, bad], tax.PriceEntry.TAX_EXCLUSIVE, Rounding.FLOOR)
    assert [(p.key, p.field, p.params["max"]) for p in err.value.problems] == [
        (TOO_LONG, "lines[1].description", DESCRIPTION_LENGTH)]


def test_numbers_are_written_one_way() -> None:
    assert numbering.format_number("INV", 2026, 123) == "INV-2026-000123"
    assert sales_numbering.format_number("credit_note", 2026, 1) == "CN-2026-000001"
    assert purchasing_numbering.format_number("purchase_order", 2026, 12) == "PO-2026-000012"


def test_the_old_paths_still_answer() -> None:
    from ennoshita import numbering as old_numbering
    from ennoshita import transitions as old_transitions
    from ennoshita.kernel import transitions
    from ennoshita.partners import kana, services, terms
    from ennoshita.sales import kana as old_kana
    from ennoshita.sales import lines as old_lines
    from ennoshita.sales import partners as old_partners
    from ennoshita.sales import rules as old_rules
    from ennoshita.sales import terms as old_terms

    assert old_numbering.reserve is numbering.reserve and old_transitions.move is transitions.move
    assert old_lines.resolve_lines is kernel_lines.resolve_lines and old_lines.LineInput is kernel_lines.LineInput
    assert old_rules.PriceEntry is tax.PriceEntry and old_rules.compute_totals is tax.compute_totals
    assert old_partners.create_partner is services.create_partner
    assert old_partners.parse_decimal is kernel_lines.parse_decimal
    assert old_terms.PaymentTerms is terms.PaymentTerms and old_kana.normalize_payer_kana is kana.normalize_payer_kana
    assert sales_models.Partner is partner_models.Partner and sales_models.Item is partner_models.Item


def test_purchasing_does_not_import_sales_but_for_its_pdf_helpers() -> None:
    found = []
    for path in sorted((SRC / "purchasing").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("ennoshita.sales"):
                names = {a.name for a in node.names}
                if not (path.name == "pdf.py" and node.module == "ennoshita.sales" and names == {"pdf"}):
                    found.append(f"{path.name}: from {node.module} import {', '.join(sorted(names))}")
    assert found == []
