"""依頼 on SQLite and PostgreSQL: a 見積作成依頼 is taken by 営業事務, the quote is created from it and sent,
which completes the request; the requester says thanks; the dashboard counts it; notifications reach the
people concerned, in-app and by e-mail through a local SMTP sink."""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Iterator
from email import message_from_bytes
from email.header import decode_header, make_header
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from ennoshita.actor import Actor
from ennoshita.attachments.services import NewAttachment
from ennoshita.dates import as_utc
from ennoshita.db import Database
from ennoshita.desk import mail, queries, services
from ennoshita.desk.models import DeskRequest, Notification
from ennoshita.errors import Conflict, Forbidden, Invalid, InvalidTransition
from ennoshita.identity import company as company_service
from ennoshita.identity import services as identity
from ennoshita.sales import flow, partners
from ennoshita.sales.lines import LineInput

JST = ZoneInfo("Asia/Tokyo")


class Sink:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))  # type: ignore[attr-defined]
        return "250 OK"


@pytest.fixture
def smtp_sink() -> Iterator[tuple[Sink, int]]:
    sink = Sink()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


def actor(db: Database, email: str) -> Actor:
    return identity.actor_by_email(db.uow(), email, "web")


@pytest.fixture
def office(db: Database) -> Database:
    system = Actor.system()
    company_service.update_company(db.uow(), system, {
        "name": "株式会社さくら精機", "registration_number": "T7123456789012", "fiscal_year_start_month": 4,
        "tax_accounting": "exclusive", "tax_rounding": "floor"})
    for email, name, roles, dept in (("eigyo@example.jp", "伊藤 翔", ("requester",), "営業部"),
                                     ("jimu@example.jp", "鈴木 一郎", ("sales_admin",), "営業管理部"),
                                     ("jimu2@example.jp", "木村 愛", ("sales_admin",), "営業管理部"),
                                     ("houmu@example.jp", "小林 誠", ("legal",), "法務部")):
        identity.create_user(db.uow(), system, identity.NewUser(email=email, display_name=name, roles=roles,
                                                                password="pw-for-tests-1", language="ja",
                                                                department=dept))
    return db


def test_a_quote_request_is_handled_thanked_and_counted(office: Database, smtp_sink: tuple[Sink, int]) -> None:
    db = office
    sink, port = smtp_sink
    company_service.update_company(db.uow(), Actor.system(), {"smtp_host": "127.0.0.1", "smtp_port": port,
                                                              "smtp_starttls": False,
                                                              "smtp_sender": "desk@sakura.example.jp"})
    eigyo, jimu, houmu = actor(db, "eigyo@example.jp"), actor(db, "jimu@example.jp"), actor(db, "houmu@example.jp")
    # filed Friday 2026-11-20 17:00 JST: the 9-business-hour SLA ends Tue 11/24 17:00 (Mon 11/23 is a holiday)
    filed = dt.datetime(2026, 11, 20, 17, tzinfo=JST)
    req = services.file_request(db.uow(), eigyo, services.NewRequest(
        "quote", "青葉商事様 ベアリング見積", {"customer": "株式会社青葉商事",
                                        "lines": [{"item": "精密ベアリング 6204ZZ", "quantity": "200"}],
                                        "due_date": "2026-11-27"}), now=filed)
    assert (req.team, req.status) == ("sales_admin", "received")
    assert req.sla_due_at == dt.datetime(2026, 11, 24, 17, tzinfo=JST)
    page = queries.queue(db.uow(), actor(db, "jimu@example.jp"), team="sales_admin",
                         now=dt.datetime(2026, 11, 24, 16, tzinfo=JST))
    assert [(r.number, r.remaining_minutes) for r in page.rows] == [(req.number, 60)]

    # the 営業事務 team hears of it; 法務 may neither see nor take it
    with pytest.raises(Forbidden):
        services.assign(db.uow(), houmu, req.id)
    with pytest.raises(Forbidden):
        services.get_request(db.uow(), houmu, req.id)
    taken = services.assign(db.uow(), jimu, req.id)
    assert (taken.assignee_id, taken.status) == (jimu.user_id, "in_progress")
    services.add_comment(db.uow(), jimu, req.id, "@eigyo 数量200個で合っていますか？")

    # the quote, created from the request, links to it; sending the quote completes the request
    customer = partners.create_partner(db.uow(), jimu, partners.PartnerInput(
        code="C1", name="株式会社青葉商事", name_kana="アオバシヨウジ", registration_number="T5010001008846"))
    quote = flow.create_quote(db.uow(), jimu, flow.QuoteInput(
        customer.id, dt.date(2026, 11, 24), dt.date(2026, 12, 24), "ベアリングのお見積",
        (LineInput("精密ベアリング 6204ZZ", "200", "1234", "10"),), request_id=req.id))
    linked = services.get_request(db.uow(), jimu, req.id)
    assert (linked.document_kind, linked.document_number, linked.status) == ("quote", quote.number, "in_progress")
    flow.set_quote_status(db.uow(), jimu, quote.id, "sent")
    done = services.get_request(db.uow(), eigyo, req.id)
    assert done.status == "done" and done.completed_at is not None

    # thanks: only the requester, only once done; to the person who handled it
    with pytest.raises(Forbidden):
        services.send_thanks(db.uow(), jimu, request_id=req.id, message="x")
    services.send_thanks(db.uow(), eigyo, request_id=req.id, message="早い対応ありがとうございました！")
    with pytest.raises(Conflict):  # once per person per request: a second click does not count twice
        services.send_thanks(db.uow(), eigyo, request_id=req.id, message="もう一度ありがとう")
    services.send_thanks(db.uow(), eigyo, to_team="legal", message="契約書チェックいつも助かります")

    month = as_utc(done.completed_at).astimezone(JST).strftime("%Y-%m") if done.completed_at else ""
    board = queries.dashboard(db.uow(), eigyo, month)
    assert board.total.handled == 1 and board.thanks_total == 2
    person = next(p for p in board.people if p.key == str(jimu.user_id))
    assert (person.handled, person.thanks) == (1, 1)
    # a request's thanks count for the person and for the team that handled it
    assert {t.key: t.thanks for t in board.teams} == {"sales_admin": 1, "legal": 1}
    assert board.by_type == (("quote", 1),)
    assert board.by_department == (("営業部", 1),)

    # in-app notifications, then the same by e-mail in Japanese
    with db.uow() as uow:
        kinds = {(n.user_id, n.kind) for n in uow.session.scalars(select(Notification))}
    assert {(jimu.user_id, "new"), (eigyo.user_id, "assigned"), (eigyo.user_id, "mention"),
            (eigyo.user_id, "status"), (jimu.user_id, "thanks"), (houmu.user_id, "thanks")} <= kinds
    assert (houmu.user_id, "new") not in kinds
    sent, failed = mail.deliver_pending(db, password="")
    assert failed == 0 and sent == len(kinds) and len(sink.messages) == sent
    subjects = {str(make_header(decode_header(message_from_bytes(m[2])["Subject"]))) for m in sink.messages}
    assert any("ありがとう" in s for s in subjects)
    assert mail.deliver_pending(db) == (0, 0)  # each notification is mailed once


def test_bad_requests_are_refused_whole(office: Database) -> None:
    db = office
    eigyo, jimu = actor(db, "eigyo@example.jp"), actor(db, "jimu@example.jp")
    with pytest.raises(Invalid) as bad:
        services.file_request(db.uow(), eigyo, services.NewRequest(
            "order", "", {"customer": "青葉商事", "customer_po": ""},
            attachments=(("purchase_order", NewAttachment("po.exe", "application/x-msdownload", b"MZ")),)))
    assert {p.field for p in bad.value.problems} == {"title", "fields.customer_po", "fields.purchase_order"}
    with db.uow() as uow:
        assert uow.session.scalar(select(DeskRequest.id)) is None
    ok = services.file_request(db.uow(), eigyo, services.NewRequest(
        "order", "注文書の処理", {"customer": "青葉商事", "customer_po": "PO-7"},
        attachments=(("purchase_order", NewAttachment("po.pdf", "application/pdf", b"%PDF-1.4 test")),)))
    with pytest.raises(InvalidTransition):
        services.set_status(db.uow(), jimu, ok.id, "waiting")  # 受付 → 確認待ち is not a step
    services.set_status(db.uow(), eigyo, ok.id, "withdrawn")
    with pytest.raises(Invalid):
        services.assign(db.uow(), jimu, ok.id)
    page = queries.queue(db.uow(), jimu, team="sales_admin")
    assert [r.status for r in page.rows] == ["withdrawn"] and page.rows[0].remaining_minutes is None
