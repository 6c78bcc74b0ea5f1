"""稟議 on SQLite and PostgreSQL: the seeded route table picks the steps by amount; approvers decide in
order; segregation of duties holds; a deputy acts within the delegation's dates; 差戻し and 再申請; the
domain hears the outcome in the same transaction; the history cannot be edited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from ennoshita import events
from ennoshita.actor import Actor
from ennoshita.approvals import services
from ennoshita.dates import today_tokyo
from ennoshita.db import Database
from ennoshita.errors import Forbidden, InvalidTransition
from ennoshita.identity import services as identity

PEOPLE = (("kobai@example.jp", "高橋 美咲", ("purchasing",), "購買部"),
          ("bucho@example.jp", "森 部長", ("purchasing",), "購買部"),
          ("dairi@example.jp", "森 代理", ("purchasing",), "購買部"),
          ("keiri@example.jp", "佐藤 花子", ("accounting",), "経理部"),
          ("yakuin@example.jp", "桜井 一郎", ("admin",), "役員"))


@pytest.fixture
def org(db: Database) -> dict[str, Actor]:
    system = Actor.system()
    for email, name, roles, dept in PEOPLE:
        identity.create_user(db.uow(), system, identity.NewUser(email=email, display_name=name, roles=roles,
                                                                password="pw-for-tests-1", language="ja",
                                                                department=dept))
    people = {email.split("@")[0]: identity.actor_by_email(db.uow(), email, "web") for email, *_ in PEOPLE}
    services.set_department_head(db.uow(), system, "購買部", people["bucho"].user_id or 0)
    return people


def submit(db: Database, who: Actor, doc_id: int, amount: int) -> services.RequestView:
    with db.uow() as uow:
        view = services.submit_in(uow.session, who, document_type="purchase_order", document_id=doc_id,
                                  number=f"PO-{doc_id}", title="治具の発注", amount=amount, department="購買部")
        uow.commit()
    return view


def test_routes_by_amount_and_decisions_in_order(db: Database, org: dict[str, Actor]) -> None:
    heard: list[dict[str, Any]] = []

    def listener(_s: Session, _a: Actor, data: dict[str, Any]) -> None:
        heard.append(data)

    events.subscribe("approvals.approved", listener)
    small = submit(db, org["kobai"], 1, 100_000)  # ≤ ¥100,000: the department head only
    big = submit(db, org["kobai"], 2, 1_000_001)  # > ¥1,000,000: head, 経理, 役員
    assert [s.spec.kind for s in small.state.steps] == ["department_head"]
    assert [s.spec.role for s in big.state.steps] == [None, "accounting", "admin"]

    # the submitter may not approve, even holding the role; 経理 cannot jump the queue
    with pytest.raises(Forbidden):
        services.decide(db.uow(), org["kobai"], big.id, "approve")
    with pytest.raises(Forbidden):
        services.decide(db.uow(), org["keiri"], big.id, "approve")
    assert [v.id for v in services.waiting_for_me(db.uow(), org["bucho"])] == [small.id, big.id]
    assert services.waiting_for_me(db.uow(), org["keiri"]) == []

    assert services.decide(db.uow(), org["bucho"], small.id, "approve").status == "approved"
    services.decide(db.uow(), org["bucho"], big.id, "approve", "了解")
    assert [v.id for v in services.waiting_for_me(db.uow(), org["keiri"])] == [big.id]
    services.decide(db.uow(), org["keiri"], big.id, "approve")
    done = services.decide(db.uow(), org["yakuin"], big.id, "approve")
    assert done.status == "approved"
    assert [(h["document_type"], h["document_id"]) for h in heard] == [("purchase_order", 1), ("purchase_order", 2)]

    with db.uow() as uow, pytest.raises(DBAPIError):
        uow.session.execute(text("UPDATE approval_actions SET comment = 'x'"))
        uow.session.flush()


def test_send_back_resubmit_and_delegation(db: Database, org: dict[str, Actor]) -> None:
    req = submit(db, org["kobai"], 3, 50_000)
    with pytest.raises(Exception):  # noqa: B017 - a reason is required to send back
        services.decide(db.uow(), org["bucho"], req.id, "send_back", "  ")
    back = services.decide(db.uow(), org["bucho"], req.id, "send_back", "見積書を添付してください")
    assert back.status == "sent_back"
    with pytest.raises(InvalidTransition):
        services.decide(db.uow(), org["bucho"], req.id, "approve")
    again = submit(db, org["kobai"], 3, 48_000)  # corrected and 再申請: same request, route from the start
    assert (again.id, again.status, again.amount) == (req.id, "pending", 48_000)

    # the head is away: a deputy acts within the dates; the history records both
    today = today_tokyo()
    with pytest.raises(Forbidden):
        services.decide(db.uow(), org["dairi"], req.id, "approve")
    services.add_delegation(db.uow(), org["bucho"], org["dairi"].user_id or 0, today, today + dt.timedelta(days=3))
    ok = services.decide(db.uow(), org["dairi"], req.id, "approve", "部長不在のため代理承認")
    assert ok.status == "approved"
    step = ok.state.steps[0]
    assert (step.decided_by, step.delegated_from) == (org["dairi"].user_id, org["bucho"].user_id)
    assert [h.action for h in ok.state.history] == ["submit", "sent_back", "resubmit", "approved"]

    # withdrawn by the submitter only
    other = submit(db, org["kobai"], 4, 10_000)
    with pytest.raises(Forbidden):
        services.decide(db.uow(), org["bucho"], other.id, "withdraw")
    assert services.decide(db.uow(), org["kobai"], other.id, "withdraw").status == "withdrawn"
