"""Web routers of the domains, flat and in matching order: ``<domain>.<screen group>`` under ennoshita.web (one
package per domain, one module per screen group), or ``<domain>`` for a domain of one screen group."""

from __future__ import annotations

import importlib

from fastapi import APIRouter

DOMAIN_MODULES: tuple[str, ...] = ("ledger.common", "ledger.entries", "ledger.reports", "ledger.admin",
                                    "ledger.evidence", "ledger.io",
                                    "sales.partners", "sales.orders", "sales.invoices", "sales.billing",
                                    "sales.receivables",
                                    "desk.requests", "desk.detail", "desk.activity",
                                    "purchasing.undo", "purchasing.orders", "purchasing.bills", "purchasing.payments",
                                    "approvals", "expenses", "withholding",
                                    "hr.me", "hr.register", "hr.attendance", "hr.leave", "hr.settings", "hr.requests",
                                    "payroll.corrections", "payroll.runs", "payroll.slips", "payroll.filings",
                                    "payroll.setup",
                                    "assets.equipment", "assets.register",  # equipment before /assets/{asset_id}
                                    "contracts.renewals", "contracts.register")


def routers() -> list[APIRouter]:
    return [importlib.import_module(f"ennoshita.web.{name}").router for name in DOMAIN_MODULES]
