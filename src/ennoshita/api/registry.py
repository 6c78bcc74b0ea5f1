"""API routers of the domains: one module name per domain under ennoshita.api."""

from __future__ import annotations

import importlib

from fastapi import APIRouter

DOMAIN_MODULES: tuple[str, ...] = ("ledger", "sales")


def routers() -> list[APIRouter]:
    return [importlib.import_module(f"ennoshita.api.{name}").router for name in DOMAIN_MODULES]
