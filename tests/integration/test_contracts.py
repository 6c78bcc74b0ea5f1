"""契約台帳 on SQLite and PostgreSQL: an auto-renewing lease produces its alert on the right day (60 days before
its 更新拒絶期限), once; the deadline rolls forward after it passes; bad terms are refused with nothing saved."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from ennoshita.actor import Actor
from ennoshita.contracts import services as contracts
from ennoshita.contracts.models import Contract
from ennoshita.db import Database
from ennoshita.desk.models import Notification
from ennoshita.errors import Invalid
from ennoshita.identity import company as company_service
from ennoshita.identity import services as identity

ADMIN = Actor.system()
D = dt.date


@pytest.fixture
def legal(db: Database) -> Actor:
    company_service.update_company(db.uow(), ADMIN, {"name": "株式会社さくら精機", "fiscal_year_start_month": 4})
    identity.create_user(db.uow(), ADMIN, identity.NewUser(email="houmu@example.jp", display_name="法務 花子",
                                                           roles=("legal",), password="pw-for-tests-1",
                                                           department="法務部"))
    return identity.actor_by_email(db.uow(), "houmu@example.jp", "web")


def _notices(db: Database) -> int:
    with db.uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(Notification)
                                      .where(Notification.kind == "contract_alert")) or 0)


def test_lease_alert_goes_out_sixty_days_before_the_notice_deadline(db: Database, legal: Actor) -> None:
    # lease 2025-04-01..2026-03-31, 1-year renewals, 3 months' notice → 更新拒絶期限 2025-12-31;
    # 60 days before: 2025-11-01
    lease = contracts.register(db.uow(), legal, contracts.NewContract(
        "事務所賃貸借契約", "lease", "丸の内ビル株式会社", D(2025, 4, 1), D(2026, 3, 31), signed_on=D(2025, 3, 20),
        amount=3_600_000, auto_renew=True, renewal_months=12, notice_months=3, status="signed"),
        today=D(2025, 10, 1))
    assert lease.notice_deadline == D(2025, 12, 31)
    assert contracts.send_alerts(db.uow(), ADMIN, D(2025, 10, 31)) == 0
    assert contracts.send_alerts(db.uow(), ADMIN, D(2025, 11, 1)) == 1
    assert _notices(db) == 1
    assert contracts.send_alerts(db.uow(), ADMIN, D(2025, 11, 2)) == 0  # once per deadline
    rows, total = contracts.dashboard(db.uow(), legal, D(2025, 11, 1))
    assert total == 1 and rows[0].due == D(2025, 12, 31) and rows[0].days_left == 60
    # after the deadline passes without notice: renewed to 2027-03-31, next deadline 2026-12-31, alert 2026-11-01
    contracts.roll_forward(db.uow(), ADMIN, D(2026, 1, 1))
    renewed = contracts.get_contract(db.uow(), legal, lease.id)
    assert (renewed.status, renewed.term_end, renewed.notice_deadline) == ("renewed", D(2027, 3, 31), D(2026, 12, 31))
    assert contracts.send_alerts(db.uow(), ADMIN, D(2026, 10, 31)) == 0
    assert contracts.send_alerts(db.uow(), ADMIN, D(2026, 11, 1)) == 1


def test_paper_contract_gets_its_stamp_and_electronic_none(db: Database, legal: Actor) -> None:
    paper = contracts.register(db.uow(), legal, contracts.NewContract(
        "システム開発請負契約", "contracting", "テック商事", D(2026, 6, 1), D(2026, 12, 31), amount=1_000_001,
        stamp_document="2"))
    assert paper.stamp_duty == 400 and "第2号文書" in paper.stamp_basis
    e = contracts.register(db.uow(), legal, contracts.NewContract(
        "業務委託基本契約", "master", "テック商事", D(2026, 6, 1), stamp_document="7", electronic=True))
    assert e.stamp_duty == 0 and "電子契約" in e.stamp_basis


def test_bad_terms_are_refused_and_nothing_is_saved(db: Database, legal: Actor) -> None:
    with pytest.raises(Invalid) as err:
        contracts.register(db.uow(), legal, contracts.NewContract(
            "NDA", "nda", "テック商事", D(2026, 6, 1), D(2026, 5, 31)))
    assert err.value.problems[0].field == "end_date"
    with pytest.raises(Invalid) as err:
        contracts.register(db.uow(), legal, contracts.NewContract(
            "保守契約", "outsourcing", "テック商事", D(2026, 6, 1), D(2027, 5, 31), auto_renew=True, renewal_months=3,
            notice_months=6))
    assert err.value.problems[0].key == "contracts.error.notice_longer_than_term"
    with db.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Contract)) == 0


def test_signing_goes_through_the_approval_route(db: Database, legal: Actor) -> None:
    from ennoshita.approvals import services as approvals

    identity.create_user(db.uow(), ADMIN, identity.NewUser(email="yakuin@example.jp", display_name="役員 一郎",
                                                           roles=("admin",), password="pw-for-tests-1",
                                                           department="役員"))
    director = identity.actor_by_email(db.uow(), "yakuin@example.jp", "web")
    c = contracts.register(db.uow(), legal, contracts.NewContract(
        "業務委託基本契約", "master", "テック商事", D(2026, 6, 1), D(2027, 5, 31), auto_renew=True, notice_months=1))
    submitted = contracts.request_signing(db.uow(), legal, c.id)
    assert submitted.status == "review" and submitted.approval_request_id is not None
    approvals.decide(db.uow(), director, submitted.approval_request_id, "approve")
    signed = contracts.get_contract(db.uow(), legal, c.id)
    assert signed.status == "signed" and signed.signed_on is not None


def test_a_legal_review_request_from_the_desk_becomes_a_contract_and_is_done_when_signed(
        db: Database, legal: Actor) -> None:
    from ennoshita.attachments.services import NewAttachment
    from ennoshita.desk import services as desk

    identity.create_user(db.uow(), ADMIN, identity.NewUser(email="eigyo@example.jp", display_name="営業 太郎",
                                                           roles=("requester",), password="pw-for-tests-1",
                                                           department="営業部"))
    sales = identity.actor_by_email(db.uow(), "eigyo@example.jp", "web")
    req = desk.file_request(db.uow(), sales, desk.NewRequest(
        "contract_review", "テック商事 業務委託契約の審査", {"counterparty": "テック商事", "points": "損害賠償の上限"},
        attachments=(("contract", NewAttachment("draft.pdf", "application/pdf", b"%PDF-1.4 draft")),)))
    c = contracts.register(db.uow(), legal, contracts.NewContract(
        "業務委託契約", "outsourcing", "テック商事", D(2026, 6, 1), D(2027, 5, 31), desk_request_id=req.id))
    linked = desk.get_request(db.uow(), legal, req.id)
    assert linked.document_id == c.id and linked.status == "in_progress"
    contracts.set_status(db.uow(), legal, c.id, "signed", D(2026, 5, 30))
    assert desk.get_request(db.uow(), legal, req.id).status == "done"


def test_signing_without_a_date_records_today_in_japan_whatever_the_server_zone(
        db: Database, legal: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    # The 締結日 (電帳法's 取引年月日) is a Japanese business date. A server clock on another zone must not move
    # it: UTC-12 is 21 hours behind Japan, so its date is the day before Japan's until 21:00 JST; from 21:00 JST,
    # UTC+14 (5 hours ahead) is already on the next day. Either way the machine's date is not Japan's.
    import time

    from ennoshita.dates import today_tokyo

    zone = "Etc/GMT+12" if dt.datetime.now(dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=9))).hour < 21 \
        else "Etc/GMT-14"
    c = contracts.register(db.uow(), legal, contracts.NewContract(
        "業務委託基本契約", "outsourcing", "株式会社みどり商会", D(2026, 4, 1), D(2027, 3, 31)), today=D(2026, 3, 1))
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        japan = today_tokyo()
        assert dt.date.today() != japan  # the premise: the machine's date differs from Japan's
        signed = contracts.set_status(db.uow(), legal, c.id, "signed")
    finally:
        monkeypatch.undo()
        time.tzset()
    assert signed.signed_on == japan


def test_stamp_duty_follows_the_signing_day_not_the_start(db: Database, legal: Actor) -> None:
    # 印紙税 arises when the paper contract is made (作成 = signed). A 建設工事請負契約書 for ¥5,000,000 (第2号):
    # standard rate 300万円超500万円以下 → 2,000円; 措法91条 reduced rate (to 2027-03-31) 300万円超500万円以下 →
    # 1,000円. Registered for a term from 2027-04-01 (after the reduced period) it is reckoned at 2,000円; signed on
    # 2027-03-15, inside the period, it is 1,000円.
    c = contracts.register(db.uow(), legal, contracts.NewContract(
        "本社改修工事請負契約", "contracting", "株式会社あおば建設", D(2027, 4, 1), D(2027, 9, 30), amount=5_000_000,
        stamp_document="2", stamp_subject="construction"), today=D(2027, 3, 1))
    assert c.stamp_duty == 2_000
    signed = contracts.set_status(db.uow(), legal, c.id, "signed", signed_on=D(2027, 3, 15))
    assert signed.stamp_duty == 1_000
    assert "軽減" in signed.stamp_basis


def test_a_three_month_basic_contract_from_mid_month_is_not_a_no7_document(db: Database, legal: Actor) -> None:
    # 印紙税法施行令26条: a basic contract whose stated term is 3 months or less, with no renewal clause, is not a
    # 第7号文書. 2026-04-15..2026-07-14 is three months (民法143条: the day before 07-15); one day more is not.
    three = contracts.register(db.uow(), legal, contracts.NewContract(
        "スポット取引基本契約", "master", "株式会社みどり商会", D(2026, 4, 15), D(2026, 7, 14), stamp_document="7"),
        today=D(2026, 4, 1))
    assert three.stamp_duty == 0
    longer = contracts.register(db.uow(), legal, contracts.NewContract(
        "スポット取引基本契約（延長）", "master", "株式会社みどり商会", D(2026, 4, 15), D(2026, 7, 15),
        stamp_document="7"), today=D(2026, 4, 1))
    assert longer.stamp_duty == 4_000
