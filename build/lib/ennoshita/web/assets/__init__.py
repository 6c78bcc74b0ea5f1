"""総務 screens: 固定資産台帳 (register, asset, depreciation runs, reports) and 備品 (lending, 棚卸)."""

from fastapi import APIRouter

from ennoshita.web.assets import equipment, register

router = APIRouter()
router.include_router(equipment.router)  # before /assets/{asset_id}
router.include_router(register.router)
