"""Web routers of the domains: one module name per domain under ennoshita.web."""

from __future__ import annotations

import importlib

from fastapi import APIRouter

DOMAIN_MODULES: tuple[str, ...] = ("routes_ledger", "routes_ledger_entries", "routes_ledger_reports",
                                    "routes_ledger_admin", "routes_ledger_evidence", "routes_ledger_io", "routes_sales",
                                    "routes_sales_docs", "routes_sales_invoices", "routes_sales_billing",
                                    "routes_sales_receivables",
                                    "routes_desk", "routes_desk_detail", "routes_desk_more",
                                    "routes_purchasing", "routes_purchasing_bills",
                                    "routes_purchasing_payments", "routes_approvals",
                                    "routes_expenses", "withholding",
                                    "hr.me", "hr.register", "hr.attendance", "hr.leave", "hr.settings", "hr.requests",
                                    "payroll.runs", "payroll.slips", "payroll.filings", "payroll.setup",
                                    "assets.equipment", "assets.register",  # equipment before /assets/{asset_id}
                                    "contracts.renewals", "contracts.register")


def routers() -> list[APIRouter]:
    return [importlib.import_module(f"ennoshita.web.{name}").router for name in DOMAIN_MODULES]
