"""稟議・承認: approval routes for documents that need someone's 承認 before they take effect.

:mod:`ennoshita.approvals.rules` holds the pure rules (no database): which route a document follows
(by document type, department and amount), who may act on a step (a role, the department head, a
named user, or a deputy during a 代理承認 period), the state machine of a request (申請 → 承認 /
却下 / 差戻し / 取下げ) and the segregation-of-duties checks.
"""
