"""法務 screens: 契約台帳 (search, registration, one contract with its files) and the renewal dashboard."""

from fastapi import APIRouter

from ennoshita.web.contracts import register, renewals

router = APIRouter()
router.include_router(renewals.router)  # before /contracts/{contract_id}
router.include_router(register.router)
