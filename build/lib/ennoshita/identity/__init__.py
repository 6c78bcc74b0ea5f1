"""Users, roles, sessions, API tokens and company settings: what other domains may use."""

from ennoshita.identity.company import CompanyData, load_company
from ennoshita.identity.roles import ALL_ROLES, Role, can, require

__all__ = ["ALL_ROLES", "CompanyData", "Role", "can", "load_company", "require"]
