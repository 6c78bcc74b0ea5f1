"""One declared table of who may call which route, enforced for every web page and API operation.

Each row is ``(door, methods, path pattern, rule)``: ``door`` is ``web`` or ``api`` (paths under ``/api/v1``),
``methods`` a comma-separated list (``*`` for any), the pattern a route template with ``*`` for any run of
characters, and the rule one of

* ``public``: anyone, logged in or not (the login page, health);
* ``login``: any logged-in user, the service then decides per record (my own claim, a request I filed, an
  approval step assigned to me, an attachment of a document I may read);
* a capability of :mod:`ennoshita.identity.roles` (``ledger.view``), or several joined by ``|`` (any of them);
  with ``@record`` the service further decides per record (a desk request of my team, my own claim).

The first matching row wins. :func:`web_access` and :func:`api_access` are router dependencies of every
router (web/app.py, api/app.py), so a route is checked before its handler runs, whatever its body; the
services check again (defence in depth). ``tests/integration/test_route_access.py`` walks every route of the
OpenAPI document and of the web app as every role and compares the answers with this table, and fails on a
route the table does not declare; the README's role table is generated from it
(:func:`role_table_markdown`).
"""

from __future__ import annotations

from fnmatch import fnmatchcase

from fastapi import Request

from ennoshita.actor import Actor
from ennoshita.errors import Forbidden
from ennoshita.identity.roles import ALL_ROLES, CAPABILITIES
from ennoshita.security.bounds import check_int_params

PUBLIC = "public"
LOGIN = "login"

W, A = "web", "api"
R, WR = "GET", "POST,PUT,PATCH,DELETE"

ROUTES: tuple[tuple[str, str, str, str], ...] = (
    # --- identity, company, audit
    (W, "*", "/login", PUBLIC), (W, "POST", "/logout", PUBLIC), (W, "POST", "/language", PUBLIC),
    (W, R, "/", LOGIN),
    (W, R, "/admin/company", "company.view"), (W, R, "/admin/company/seal", "company.view"),
    (W, WR, "/admin/company*", "company.edit"),
    (W, R, "/admin/users/new", "users.manage"), (W, R, "/admin/users*", "users.view"),
    (W, WR, "/admin/users*", "users.manage"),
    (W, "*", "/me*", LOGIN),
    (W, R, "/audit*", "audit.view"),
    (A, R, "/health", PUBLIC),
    (A, R, "/company", "company.view"), (A, WR, "/company", "company.edit"),
    (A, WR, "/company/seal", "company.edit"), (A, WR, "/company/bank-accounts", "company.edit"),
    (A, R, "/users", "users.view"), (A, WR, "/users", "users.manage"),
    (A, R, "/audit", "audit.view"),
    # --- ledger (経理)
    (W, R, "/ledger/evidence*", "ledger.view"), (W, R, "/ledger/export", "ledger.view"),
    (W, R, "/ledger/import", "ledger.edit"), (W, R, "/ledger/input", "ledger.edit"),
    (W, R, "/ledger/drafts*", "ledger.edit"), (W, R, "/ledger/entries/*/correct", "ledger.edit"),
    (W, R, "/ledger*", "ledger.view"), (W, WR, "/ledger*", "ledger.edit"),
    (A, R, "/journal-entries*", "ledger.view"), (A, WR, "/journal-entries*", "ledger.edit"),
    (A, R, "/accounts*", "ledger.view"), (A, WR, "/accounts*", "ledger.edit"),
    (A, R, "/reports/*", "ledger.view"),
    # --- 証憑 and other stored files: the service applies the owning document's read permission
    (A, R, "/attachments/*/content", LOGIN), (A, R, "/attachments", "ledger.view"),
    # --- sales (営業事務); partners are read by purchasing too
    (W, R, "/sales/partners/new", "sales.edit"), (W, R, "/sales/partners/import", "sales.edit"),
    (W, R, "/sales/quotes/new", "sales.edit"),
    (W, R, "/sales/orders/new", "sales.edit"), (W, R, "/sales/invoices/new", "sales.edit"),
    (W, R, "/sales/invoices/*/edit", "sales.edit"), (W, R, "/sales/quotes/*/revise", "sales.edit"),
    (A, R, "/partners*", "sales.view"),
    (W, R, "/sales*", "sales.view"), (W, WR, "/sales*", "sales.edit"),
    (A, R, "/items", "sales.view"), (A, R, "/quotes*", "sales.view"), (A, R, "/orders*", "sales.view"),
    (A, R, "/deliveries*", "sales.view"), (A, R, "/invoices*", "sales.view"), (A, R, "/billing-runs*", "sales.view"),
    (A, R, "/receivables*", "sales.view"),
    (A, WR, "/partners*", "sales.edit"), (A, WR, "/items", "sales.edit"), (A, WR, "/quotes*", "sales.edit"),
    (A, WR, "/orders*", "sales.edit"), (A, WR, "/deliveries*", "sales.edit"), (A, WR, "/invoices*", "sales.edit"),
    (A, WR, "/billing-runs*", "sales.edit"), (A, WR, "/bank-imports", "sales.edit"),
    (A, WR, "/receivables*", "sales.edit"), (A, WR, "/receipts*", "sales.edit"),
    # --- purchasing (購買・総務) and payments (経理・出納)
    (W, R, "/purchasing/orders/new", "purchasing.edit"),
    (W, R, "/purchasing/bills/new", "purchasing.edit|payments.edit"),
    (W, R, "/purchasing/payments/*/files/*", "payments.edit|audit.view"),
    (W, "*", "/purchasing/payments*", "payments.edit"),
    (W, WR, "/purchasing/bills*", "purchasing.edit|payments.edit"),
    (W, R, "/purchasing*", "purchasing.view"), (W, WR, "/purchasing*", "purchasing.edit"),
    (A, R, "/purchase-orders*", "purchasing.view"), (A, WR, "/purchase-orders*", "purchasing.edit"),
    (A, WR, "/goods-receipts/*/cancel", "purchasing.edit"),
    (A, R, "/bills*", "purchasing.view"), (A, WR, "/bills*", "purchasing.edit|payments.edit"),
    (A, R, "/payables", "purchasing.view"), (A, R, "/payment-schedule", "purchasing.view"),
    (A, R, "/payables/check", "purchasing.view"), (A, WR, "/purchasing/accruals", "purchasing.edit"),
    (A, R, "/payment-runs/*/zengin", "payments.edit|audit.view"),
    (A, R, "/payment-runs*", "purchasing.view"), (A, "POST", "/payment-runs/*/approve", LOGIN),
    (A, WR, "/payment-runs*", "payments.edit"),
    # --- approvals (稟議): each step names its approvers; the service decides
    (W, "*", "/approvals*", LOGIN), (A, "*", "/approvals/*", LOGIN),
    # --- expenses (経費精算): everyone claims their own
    (W, R, "/expenses/all", "expenses.view"), (W, "*", "/expenses/*/edit", "expenses.use@record"),
    (W, "*", "/expenses/*/submit", "expenses.use@record"), (A, "*", "/expense-claims/*/submit", "expenses.use@record"),
    (W, "POST", "/expenses/*/cancel", "expenses.cancel"), (A, "POST", "/expense-claims/*/cancel", "expenses.cancel"),
    (W, "*", "/expenses/bank", "expenses.use"),
    (W, "*", "/expenses/new", "expenses.use"),
    (W, WR, "/expenses*", "expenses.use"), (W, R, "/expenses*", LOGIN),
    (A, WR, "/expense-claims*", "expenses.use"), (A, R, "/expense-claims*", LOGIN),
    (A, "*", "/me/bank-account", "expenses.use"),
    # --- desk (依頼): everyone files and follows requests; the auditor reads
    (W, R, "/desk/requests/*", "desk.view@record"), (W, WR, "/desk/requests/*", "desk.use@record"),
    (A, R, "/requests/*", "desk.view@record"), (A, WR, "/requests/*", "desk.use@record"),
    (W, R, "/desk/new*", "desk.use"), (W, R, "/desk*", "desk.view"), (W, WR, "/desk*", "desk.use"),
    (A, R, "/requests*", "desk.view"), (A, R, "/desk/*", "desk.view"), (A, R, "/notifications", "desk.view"),
    (A, WR, "/requests*", "desk.use"), (A, WR, "/thanks", "desk.use"), (A, WR, "/notifications/*", "desk.view"),
    # --- first run: the company and its first administrator, only while the database has neither
    (W, "*", "/setup", PUBLIC),
    # --- 消費税 and the fiscal year (経理)
    (A, R, "/consumption-tax/*", "ledger.view"), (A, WR, "/consumption-tax/*", "ledger.edit"),
    (A, WR, "/fiscal-years/*", "ledger.edit"),
    # --- sales settings and matched receipts
    (A, R, "/sales/settings", "sales.view"), (A, WR, "/sales/settings", "sales.edit"),
    (A, R, "/receipts*", "sales.view"),
    # --- 源泉所得税 (経理 reads and lists; 出納 pays)
    (W, R, "/withholding*", "ledger.view"), (W, WR, "/withholding*", "payments.edit"),
    (A, R, "/withholding/*", "ledger.view"), (A, WR, "/withholding/*", "payments.edit"),
    # --- 人事: self-service for every employee; the register, attendance and leave for 人事
    (W, R, "/hr/me/team", "hr.self@record"), (W, "*", "/hr/me*", "hr.self"),
    (W, R, "/hr/requests/*", LOGIN),  # an approver reads the request it decides; the service checks per record
    (W, R, "/hr/employees/new", "hr.edit"), (W, R, "/hr/employees/*/personal", "hr.personal"),
    (W, R, "/hr/employees/*/contract.pdf", "hr.personal"), (W, R, "/hr/employees/*/insurance/*", "hr.personal"),
    (W, R, "/hr*", "hr.view"), (W, WR, "/hr*", "hr.edit"),
    (A, "POST", "/me/leave-requests", "hr.self"), (A, "POST", "/attendance/clock", "hr.self"),
    (A, R, "/employees*", "hr.view"), (A, WR, "/employees*", "hr.edit"),
    (A, R, "/attendance/*", "hr.view"), (A, WR, "/attendance/*", "hr.edit"),
    (A, R, "/hr/settings", "hr.view"), (A, WR, "/hr/settings", "hr.edit"),
    # --- 給与: calculators for 人事/経理; runs prepared by 人事, approved by 経理; my own payslips for everyone
    (W, R, "/payroll/me", LOGIN), (W, R, "/payroll/runs/*/zengin", "payroll.approve"),
    (W, "POST", "/payroll/runs/*/paid", "payroll.approve"), (W, "POST", "/payroll/remittances", "payroll.approve"),
    (W, R, "/payroll/slips/*", "payroll.view|hr.self@record"),
    (W, "*", "/payroll/declarations*", "payroll.edit"),  # 扶養控除等申告書: personal data, 人事/管理者 only
    (W, R, "/payroll/runs/*/correction", "payroll.edit"),  # the 訂正 form: for those who may make the correction
    (W, R, "/payroll*", "payroll.view"), (W, "POST", "/payroll/runs/*", "payroll.edit|payroll.approve@record"),
    (W, WR, "/payroll*", "payroll.edit"),
    (A, R, "/payroll/my-slips", LOGIN), (A, R, "/payroll/slips/*", "payroll.view|hr.self@record"),
    (A, "POST", "/payroll/runs/*/approve", "payroll.approve"),
    (A, "POST", "/payroll/runs/*/paid", "payroll.approve"), (A, "POST", "/payroll/remittances", "payroll.approve"),
    (A, R, "/payroll/runs/*/zengin", "payroll.approve"),
    (A, "*", "/payroll/declarations*", "payroll.edit"),
    (A, R, "/payroll*", "payroll.view"), (A, WR, "/payroll*", "payroll.edit"),
    # --- 総務: 固定資産台帳 and 備品; 法務: 契約台帳
    (W, R, "/assets/new", "general_affairs.edit"),  # a read-only role (監査人) gets no form to fill
    (W, R, "/assets*", "general_affairs.view"), (W, WR, "/assets*", "general_affairs.edit"),
    (A, R, "/assets*", "general_affairs.view"), (A, WR, "/assets*", "general_affairs.edit"),
    (A, R, "/depreciation-runs*", "general_affairs.view"), (A, WR, "/depreciation-runs*", "general_affairs.edit"),
    (A, R, "/equipment*", "general_affairs.view"), (A, WR, "/equipment*", "general_affairs.edit"),
    (A, R, "/contracts/stamp-duty", "legal.view|general_affairs.view"),  # the calculator: 総務 buys with stamps too
    (W, R, "/contracts/new", "legal.edit"),
    (W, R, "/contracts*", "legal.view"), (W, WR, "/contracts*", "legal.edit"),
    (A, R, "/contracts*", "legal.view"), (A, WR, "/contracts*", "legal.edit"),
)


def rule_for(door: str, method: str, path: str) -> str | None:
    """The rule of the first row matching the route, or None when the table does not declare it."""
    method = "GET" if method == "HEAD" else method
    for row_door, methods, pattern, rule in ROUTES:
        if row_door == door and (methods == "*" or method in methods.split(",")) and fnmatchcase(path, pattern):
            return rule
    return None


def allows(rule: str, roles: frozenset[str] | set[str]) -> bool:
    """Whether a user holding ``roles`` passes ``rule`` at the route (``login`` and ``public``: everyone)."""
    if rule in (PUBLIC, LOGIN):
        return True
    return any(roles & CAPABILITIES[c] for c in rule.removesuffix("@record").split("|"))


def check(actor: Actor, rule: str) -> None:
    if not allows(rule, actor.roles):
        raise Forbidden("error.forbidden", capability=rule.removesuffix("@record").replace("|", " / "))


def _route_path(request: Request) -> str:
    route = request.scope.get("route")
    return str(getattr(route, "path", request.url.path))


def web_access(request: Request) -> None:
    """Router dependency of every web router: apply the table (an undeclared route needs a login)."""
    from ennoshita.web.deps import LoginRequired

    rule = rule_for(W, request.method, _route_path(request)) or LOGIN
    if rule != PUBLIC:
        actor: Actor | None = getattr(request.state, "actor", None)
        if actor is None:
            raise LoginRequired()
        check(actor, rule)
    check_int_params(request)


def api_access(request: Request) -> None:
    """Router dependency of every API router: apply the table (an undeclared route needs a token)."""
    from ennoshita.api.deps import api_actor

    rule = rule_for(A, request.method, _route_path(request)) or LOGIN
    if rule != PUBLIC:
        check(api_actor(request), rule)
    check_int_params(request)


def role_table_markdown() -> str:
    """The README's access table, generated from :data:`ROUTES`: for each rule, who passes it and the routes
    it guards (``python -m ennoshita.security.access`` prints it)."""
    grouped: dict[str, list[str]] = {}
    for door, methods, pattern, rule in ROUTES:
        verb = {R: "read", WR: "write", "*": "any"}.get(methods, methods)
        shown = f"/api/v1{pattern}" if door == A else pattern
        grouped.setdefault(rule, []).append(f"`{verb} {shown}`")
    lines = ["| who may | roles | routes (first matching row wins) |", "| --- | --- | --- |"]
    for rule, routes in grouped.items():
        if rule == PUBLIC:
            who = "anyone"
        elif rule == LOGIN:
            who = "every user; the service decides per record"
        else:
            who = ", ".join(r for r in ALL_ROLES if allows(rule, {r}))
        lines.append(f"| `{rule}` | {who} | {' '.join(routes)} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(role_table_markdown())
