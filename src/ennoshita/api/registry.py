"""API routers of the domains: the modules under ennoshita.api that expose a ``router`` (a domain may have more
than one)."""

from __future__ import annotations

import importlib

from fastapi import APIRouter

DOMAIN_MODULES: tuple[str, ...] = ("ledger", "sales", "sales_billing", "desk", "purchasing", "approvals", "expenses",
                                 "evidence")


def routers() -> list[APIRouter]:
    return [importlib.import_module(f"ennoshita.api.{name}").router for name in DOMAIN_MODULES]
