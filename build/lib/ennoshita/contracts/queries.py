"""Read models of the 契約台帳: the register as a table (CSV export)."""

from __future__ import annotations

from ennoshita.actor import Actor
from ennoshita.contracts import services
from ennoshita.db import UnitOfWork
from ennoshita.tabular import Table, columns, to_csv

TYPE_NAMES = {"master": "基本契約", "outsourcing": "業務委託", "nda": "秘密保持", "sale": "売買", "contracting": "請負",
              "lease": "賃貸借", "license": "ライセンス", "other": "その他"}
STATUS_NAMES = {"review": "審査中", "signed": "締結済", "renewed": "更新", "ended": "終了"}


def register_table(uow: UnitOfWork, actor: Actor, q: services.Search, limit: int = 100_000) -> Table:
    rows, _total = services.search(uow, actor, q, per_page=limit)
    table = Table("契約台帳", "", columns(
        ("number", "契約番号"), ("title", "件名"), ("type", "種類"), ("counterparty", "取引先"), ("status", "状態"),
        ("signed_on", "締結日", "date"), ("start_on", "開始日", "date"), ("term_end", "満了日", "date"),
        ("auto_renew", "自動更新"), ("notice_deadline", "更新拒絶期限", "date"), ("amount", "契約金額", "yen"),
        ("stamp_duty", "印紙税", "yen"), ("department", "部門")), filename="contracts")
    for c in rows:
        table.add({"number": c.number, "title": c.title, "type": TYPE_NAMES.get(c.contract_type, c.contract_type),
                   "counterparty": c.counterparty, "status": STATUS_NAMES.get(c.status, c.status),
                   "signed_on": c.signed_on, "start_on": c.start_on, "term_end": c.term_end,
                   "auto_renew": "有" if c.auto_renew else "無", "notice_deadline": c.notice_deadline,
                   "amount": c.amount, "stamp_duty": c.stamp_duty, "department": c.department})
    return table


def register_csv(uow: UnitOfWork, actor: Actor, q: services.Search) -> bytes:
    return to_csv(register_table(uow, actor, q))
