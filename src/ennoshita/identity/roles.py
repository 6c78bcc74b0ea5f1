"""Roles and what each may do. Checked in the service layer, so web, API and CLI agree."""

from __future__ import annotations

import enum

from ennoshita.actor import Actor
from ennoshita.errors import Forbidden


class Role(enum.StrEnum):
    ADMIN = "admin"
    ACCOUNTING = "accounting"  # 経理
    SALES_ADMIN = "sales_admin"  # 営業事務
    PURCHASING = "purchasing"  # 購買
    HR = "hr"  # 人事
    GENERAL_AFFAIRS = "general_affairs"  # 総務
    LEGAL = "legal"  # 法務
    REQUESTER = "requester"  # front office
    AUDITOR = "auditor"  # reads everything, changes nothing


ALL_ROLES = tuple(r.value for r in Role)

# Capability -> roles that hold it. Admin holds every capability that is not a domain posting right
# reserved for segregation of duties; auditor holds every ".view" capability.
CAPABILITIES: dict[str, frozenset[str]] = {
    "company.view": frozenset(ALL_ROLES),
    "company.edit": frozenset({"admin"}),
    "company.bank_accounts": frozenset({"admin", "accounting"}),  # 自社口座 and 全銀 依頼人コード
    "ledger.import_approved": frozenset({"admin"}),  # import entries at or above the 承認 amount (past books)
    "users.view": frozenset({"admin", "auditor"}),
    "users.manage": frozenset({"admin"}),
    "audit.view": frozenset({"admin", "auditor"}),
    "ledger.view": frozenset({"admin", "accounting", "auditor"}),
    "ledger.edit": frozenset({"admin", "accounting"}),
    "sales.view": frozenset({"admin", "sales_admin", "accounting", "auditor"}),
    "sales.edit": frozenset({"admin", "sales_admin"}),
    # 総務 buys the office's supplies (備品・購買依頼 → 発注書), as in most small companies
    "purchasing.view": frozenset({"admin", "purchasing", "general_affairs", "accounting", "auditor"}),
    "purchasing.edit": frozenset({"admin", "purchasing", "general_affairs"}),
    "payments.edit": frozenset({"admin", "accounting"}),
    "hr.view": frozenset({"admin", "hr", "auditor"}),
    "general_affairs.view": frozenset({"admin", "general_affairs", "auditor"}),
    "legal.view": frozenset({"admin", "legal", "auditor"}),
    # 総務 keeps the 固定資産台帳 and 備品; 法務 the 契約台帳 (issue 17)
    "general_affairs.edit": frozenset({"admin", "general_affairs"}),
    "legal.edit": frozenset({"admin", "legal"}),
    "desk.use": frozenset(set(ALL_ROLES) - {"auditor"}),
    "desk.view": frozenset(ALL_ROLES),
    # 経費精算: everyone claims their own; 経理 and the auditor read every claim; 人事 keeps 振込先口座
    "expenses.use": frozenset(set(ALL_ROLES) - {"auditor"}),
    "expenses.view": frozenset({"admin", "accounting", "auditor"}),
    "expenses.manage_accounts": frozenset({"admin", "hr"}),
    # 承認済み経費精算の取消 (its entries reversed): 経理, who takes the last approval step and sees the claim posted
    "expenses.cancel": frozenset({"admin", "accounting"}),
    # 人事: hr.edit keeps the register, attendance and leave; hr.personal reads personal data (each view
    # audited; not the auditor); hr.self is every employee's self-service (clock, my timesheet, my leave);
    # department heads see their team and approve through the 稟議 routes (checked on the data, not a role).
    "hr.edit": frozenset({"admin", "hr"}),
    "hr.personal": frozenset({"admin", "hr"}),
    "hr.self": frozenset(set(ALL_ROLES) - {"auditor"}),
    # 給与: 人事 prepares and checks runs; 経理 (or admin) approves, fixes and exports them (SoD: never the
    # preparer); every employee sees only their own payslips (self-service, no capability needed)
    "payroll.view": frozenset({"admin", "hr", "accounting", "auditor"}),
    "payroll.edit": frozenset({"admin", "hr"}),
    "payroll.approve": frozenset({"admin", "accounting"}),
}


def can(actor: Actor, capability: str) -> bool:
    allowed = CAPABILITIES.get(capability)
    if allowed is None:
        raise KeyError(capability)
    return bool(actor.roles & allowed)


def require(actor: Actor, capability: str) -> None:
    """Raise :class:`Forbidden` unless the actor's roles allow ``capability``."""
    if not can(actor, capability):
        raise Forbidden("error.forbidden", capability=capability)
