"""JSON shapes of the core API."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ennoshita.api.views import ViewModel
from ennoshita.audit.queries import AuditRow
from ennoshita.identity.company import BankAccountData, CompanyData
from ennoshita.identity.services import UserSummary


class Health(BaseModel):
    status: Literal["ok"]
    database: str
    schema_revision: str | None


class BankAccountOut(ViewModel, view=BankAccountData, defaults=False):
    pass


class CompanyOut(ViewModel, view=CompanyData, exclude=(
        "smtp_host", "smtp_port", "smtp_sender", "smtp_username", "smtp_starttls", "transfer_fee_table",
        "withheld_fee_account")):
    tax_accounting: Literal["exclusive", "inclusive"]
    tax_rounding: Literal["floor", "half_up", "ceil"]
    bank_accounts: list[BankAccountOut]
    # purchasing (0016)
    withholding_special_due: bool = Field(False, description="源泉所得税 納期の特例 (7/10 and 1/20).")
    zengin_edi: bool = Field(False, description="全銀 総合振込 with EDI 情報 (the supplier's invoice numbers).")
    small_amount_exception: bool = Field(False, description="少額特例: purchases under ¥10,000 税込, to 2029-09-30.")
    base_period_taxable_sales: int | None = Field(None, description="基準期間の課税売上高 (≤ ¥100M qualifies).")
    purchase_recognition: Literal["receipt", "bill"] = Field(
        "receipt", description="receipt (検収基準: each goods receipt posts its purchase on its date; the bill only "
        "settles it) or bill (the bill posts; received-but-unbilled goods are accrued at month end).")
    # 総務・法務 (0021)
    depreciation_style: Literal["indirect", "direct"] = Field(
        "indirect", description="減価償却: indirect (減価償却累計額) or direct (against the asset).")
    sme: bool = Field(True, description="中小企業者等: the 少額減価償却資産 special rule applies.")
    contract_alert_days: int = Field(60, description="Days before a 更新拒絶期限 or end date that alerts go out.")


class CompanyPatch(BaseModel):
    """Only the fields given are changed. Values are checked by the service (errors name the field)."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    name_kana: str | None = None
    registration_number: str | None = None
    postal_code: str | None = None
    address: str | None = None
    phone: str | None = None
    representative: str | None = None
    fiscal_year_start_month: int | None = None
    tax_accounting: str | None = None
    tax_rounding: str | None = None
    # purchasing (0016)
    withholding_special_due: bool | None = None
    zengin_edi: bool | None = None
    small_amount_exception: bool | None = None
    base_period_taxable_sales: int | None = None
    purchase_recognition: str | None = None
    # 総務・法務 (0021)
    depreciation_style: str | None = None
    sme: bool | None = None
    contract_alert_days: int | None = None


class UserOut(ViewModel, view=UserSummary):
    pass


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str
    display_name: str
    roles: list[str]
    password: str
    language: str = "ja"
    department: str | None = None


class AuditOut(ViewModel, view=AuditRow):
    pass


class AuditPage(BaseModel):
    items: list[AuditOut]
    total: int
    page: int
    per_page: int
