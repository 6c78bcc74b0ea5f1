"""Issue 14 item 5, on SQLite and PostgreSQL: a route step nobody may decide (segregation of duties removes the
submitter) is refused at 申請 with a message naming the step, and goes to the company's 代替承認者 when one is
set. The two cases of the issue: an admin's expense claim (their department has no head) and a PO of a
department the admin heads. Both failed before the fix: they were accepted and waited forever."""

from __future__ import annotations

import pytest

from ennoshita.actor import Actor
from ennoshita.approvals import services
from ennoshita.db import Database
from ennoshita.errors import Forbidden, Invalid
from ennoshita.identity import services as identity
from ennoshita.identity.company import update_company

PEOPLE = (("yakuin@example.jp", "桜井 一郎", ("admin",), "役員室"),
          ("shacho@example.jp", "山田 太郎", ("general_affairs",), "社長室"),
          ("keiri@example.jp", "佐藤 花子", ("accounting",), "経理部"))


@pytest.fixture
def org(db: Database) -> dict[str, Actor]:
    system = Actor.system()
    update_company(db.uow(), system, {"name": "テスト株式会社"})
    for email, name, roles, dept in PEOPLE:
        identity.create_user(db.uow(), system, identity.NewUser(email=email, display_name=name, roles=roles,
                                                                password="pw-for-tests-1", language="ja",
                                                                department=dept))
    people = {email.split("@")[0]: identity.actor_by_email(db.uow(), email, "web") for email, *_ in PEOPLE}
    # The admin heads 購買部; 役員室 (the admin's own department) has no head.
    services.set_department_head(db.uow(), system, "購買部", people["yakuin"].user_id or 0)
    return people


def _submit(db: Database, who: Actor, document_type: str, amount: int, department: str) -> services.RequestView:
    with db.uow() as uow:
        view = services.submit_in(uow.session, who, document_type=document_type, document_id=1, number="X-1",
                                  title="テスト", amount=amount, department=department)
        uow.commit()
    return view


CASES = (("expense_claim", 12_000, "役員室"), ("purchase_order", 50_000, "購買部"))


@pytest.mark.parametrize(("document_type", "amount", "department"), CASES)
def test_dead_end_is_refused_at_submission_naming_the_step(db: Database, org: dict[str, Actor], document_type: str,
                                                            amount: int, department: str) -> None:
    with pytest.raises(Invalid) as caught:
        _submit(db, org["yakuin"], document_type, amount, department)
    assert caught.value.key == "approvals.error.no_eligible_approver"
    assert caught.value.params["step"] == "部門長" and caught.value.params["number"] == 1
    with db.uow() as uow:
        assert services.status_of_in(uow.session, document_type, 1) is None  # nothing half-written


def test_fallback_user_takes_the_dead_step(db: Database, org: dict[str, Actor]) -> None:
    services.set_fallback_approver(db.uow(), org["yakuin"], user_id=org["shacho"].user_id)
    for document_type, amount, department in CASES:
        view = _submit(db, org["yakuin"], document_type, amount, department)
        assert view.status == "pending"
        assert view.state.steps[0].spec.kind == "user" and view.state.steps[0].spec.user_id == org["shacho"].user_id
        assert "代替承認者" in view.state.steps[0].spec.label
        with pytest.raises(Forbidden):
            services.decide(db.uow(), org["yakuin"], view.id, "approve")
        assert [r.id for r in services.waiting_for_me(db.uow(), org["shacho"])].count(view.id) == 1
        after = services.decide(db.uow(), org["shacho"], view.id, "approve")
        if document_type == "expense_claim":  # 部門長 → 代替承認者, then 経理
            assert after.status == "pending" and after.current_step == 1
            assert services.decide(db.uow(), org["keiri"], view.id, "approve").status == "approved"
        else:  # ¥50,000: 部門長 only
            assert after.status == "approved"


def test_fallback_role_that_only_the_submitter_holds_is_still_a_dead_end(db: Database, org: dict[str, Actor]) -> None:
    services.set_fallback_approver(db.uow(), org["yakuin"], role="admin")
    with pytest.raises(Invalid) as caught:
        _submit(db, org["yakuin"], "purchase_order", 50_000, "購買部")
    assert caught.value.key == "approvals.error.no_eligible_approver"
    # Someone else holding the role makes it a live route.
    services.set_fallback_approver(db.uow(), org["yakuin"], role="general_affairs")
    assert _submit(db, org["yakuin"], "purchase_order", 50_000, "購買部").status == "pending"


def test_fallback_setting_is_checked_and_admin_only(db: Database, org: dict[str, Actor]) -> None:
    with pytest.raises(Invalid):
        services.set_fallback_approver(db.uow(), org["yakuin"], role="代表取締役ではないロール")
    with pytest.raises(Invalid):
        services.set_fallback_approver(db.uow(), org["yakuin"], user_id=99_999)
    with pytest.raises(Forbidden):
        services.set_fallback_approver(db.uow(), org["keiri"], user_id=org["shacho"].user_id)
