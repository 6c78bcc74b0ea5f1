"""Every domain's tables, imported in one place so that Alembic and the tests see the whole schema."""

from ennoshita.approvals import models as approval_models
from ennoshita.assets import leaving as asset_leaving  # 貸与品の返却 on the 退社 checklist
from ennoshita.assets import ledger_owner as assets_owner  # where its entries are undone (the journal refuses its 取消)
from ennoshita.assets import models as asset_models
from ennoshita.attachments import models as attachment_models
from ennoshita.audit import models as audit_models
from ennoshita.contracts import models as contract_models
from ennoshita.contracts import services as contract_services  # 締結 on the approval of its route
from ennoshita.db import Base
from ennoshita.desk import models as desk_models
from ennoshita.desk import services as desk_services  # subscribes the desk to sales/purchasing events
from ennoshita.expenses import ledger_owner as expenses_owner  # where its entries are undone
from ennoshita.expenses import models as expense_models
from ennoshita.expenses import services as expense_services  # approval outcomes, payee source of payment runs
from ennoshita.hr import models as hr_models
from ennoshita.hr import services as hr_services  # approval outcomes of leave and attendance requests
from ennoshita.identity import models as identity_models
from ennoshita.ledger import models as ledger_models
from ennoshita.payroll import ledger_owner as payroll_owner  # where its entries are undone
from ennoshita.payroll import models as payroll_models
from ennoshita.purchasing import ledger_owner as purchasing_owner  # where its entries are undone
from ennoshita.purchasing import payments as purchasing  # noqa: F401 - its tables, orders, bills, approval handlers
from ennoshita.sales import ledger_owner as sales_owner  # where its entries are undone
from ennoshita.sales import models as sales_models
from ennoshita.sales import refund_source as sales_refund_source  # payee source: credit refunds in payment runs
from ennoshita.security import models as security_models
from ennoshita.withholding import ledger_owner as withholding_owner  # where its entries are undone
from ennoshita.withholding import models as withholding_models

__all__ = ["Base", "approval_models", "asset_leaving", "asset_models", "contract_models", "contract_services",
           "attachment_models", "audit_models", "desk_models", "desk_services",
           "expense_models", "expense_services", "hr_models", "hr_services",
           "identity_models", "ledger_models", "payroll_models", "sales_models", "sales_refund_source",
           "security_models", "withholding_models",
           "assets_owner", "expenses_owner", "payroll_owner", "purchasing_owner", "sales_owner", "withholding_owner"]
