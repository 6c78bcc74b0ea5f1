"""Every domain's tables, imported in one place so that Alembic and the tests see the whole schema."""

from ennoshita.audit import models as audit_models
from ennoshita.db import Base
from ennoshita.identity import models as identity_models

__all__ = ["Base", "audit_models", "identity_models"]
