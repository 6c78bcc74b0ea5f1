"""API routers of the domains: the modules under ennoshita.api that expose a ``router`` (a domain may have more
than one)."""

from __future__ import annotations

import importlib

from fastapi import APIRouter

# ledger_io before ledger: its fixed paths (/journal-entries/export) must match before /journal-entries/{id}
DOMAIN_MODULES: tuple[str, ...] = ("ledger_io", "ledger", "sales", "sales_billing", "sales_receivables", "desk",
                                   "purchasing", "approvals", "expenses", "evidence", "withholding",
                                   "hr", "payroll", "payroll_setup",
                                   "assets", "contracts")


def routers() -> list[APIRouter]:
    return [importlib.import_module(f"ennoshita.api.{name}").router for name in DOMAIN_MODULES]
