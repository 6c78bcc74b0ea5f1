"""The adapters' shared pieces live once (issue #13 item 12): the screen helpers every web package uses are
defined in ``ennoshita.web.forms`` alone, and no screen borrows them from another room's module; the sales document
commands are one module per family."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).parents[3] / "src" / "ennoshita"
SHARED = {"parse_date", "parse_int", "parse_id", "purpose_choices", "translator", "errors_of", "text", "Page",
          "page_no", "query_without_page", "pdf_response", "form_data", "field_errors", "text_form", "checked_date",
          "checked_int", "request_translator", "page_count"}


def _modules(folder: str) -> list[Path]:
    return sorted((SRC / folder).rglob("*.py"))


def test_the_screen_helpers_are_defined_once_in_web_forms() -> None:
    """Failed before: parse_date, translator … were defined in web/ledger/common.py, errors_of, text, Page in
    web/sales/partners.py, and the other rooms imported them from there."""
    defined: dict[str, list[str]] = {}
    borrowed: list[str] = []
    for path in _modules("web"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        rel = str(path.relative_to(SRC))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and node.name in SHARED:
                defined.setdefault(node.name, []).append(rel)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("ennoshita.web.") \
                    and node.module != "ennoshita.web.forms":
                borrowed += [f"{rel}: {node.module}.{a.name}" for a in node.names if a.name in SHARED]
    assert defined == {name: ["web/forms.py"] for name in SHARED}
    assert borrowed == []


def test_the_sales_document_commands_are_one_module_per_family() -> None:
    """Failed before: cli/sales/documents.py held every document command in one 775-line module."""
    package = SRC / "cli" / "sales" / "documents"
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in package.glob("*.py")}
    assert {"partners.py", "quotes.py", "orders.py", "invoices.py", "matching.py"} <= set(sizes)
    assert max(sizes.values()) <= 300, sizes
