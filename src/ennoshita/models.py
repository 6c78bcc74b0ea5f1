"""Every domain's tables, imported in one place so that Alembic and the tests see the whole schema."""

from ennoshita.approvals import models as approval_models
from ennoshita.attachments import models as attachment_models
from ennoshita.audit import models as audit_models
from ennoshita.db import Base
from ennoshita.desk import models as desk_models
from ennoshita.desk import services as desk_services  # subscribes the desk to sales/purchasing events
from ennoshita.expenses import models as expense_models
from ennoshita.expenses import services as expense_services  # approval outcomes, payee source of payment runs
from ennoshita.identity import models as identity_models
from ennoshita.ledger import models as ledger_models
from ennoshita.purchasing import payments as purchasing  # noqa: F401 - its tables, orders, bills, approval handlers
from ennoshita.sales import models as sales_models
from ennoshita.security import models as security_models

__all__ = ["Base", "approval_models", "attachment_models", "audit_models", "desk_models", "desk_services",
           "expense_models", "expense_services",
           "identity_models", "ledger_models", "sales_models", "security_models"]
