"""API routers of the domains: the modules under ennoshita.api that expose a ``router``, ``<domain>`` or
``<domain>.<group>`` (a domain with more than one module is a package)."""

from __future__ import annotations

import importlib

from fastapi import APIRouter

# ledger.io before ledger.books: its fixed paths (/journal-entries/export) must match before /journal-entries/{id}
DOMAIN_MODULES: tuple[str, ...] = ("ledger.io", "ledger.books", "sales.orders", "sales.billing", "sales.receivables",
                                   "desk", "purchasing", "purchasing_undo", "approvals", "expenses", "ledger.evidence",
                                   "withholding", "hr", "payroll", "payroll_setup",
                                   "assets", "contracts")


def routers() -> list[APIRouter]:
    return [importlib.import_module(f"ennoshita.api.{name}").router for name in DOMAIN_MODULES]
