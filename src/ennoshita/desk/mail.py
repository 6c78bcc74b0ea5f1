"""Notification e-mail and the overdue sweep.

Notifications are written in the use case's transaction; e-mail goes out afterwards (:func:`deliver_pending`,
called after each web/API request that notifies and by ``ennoshita desk mail``), so a mail server that is
down never blocks or rolls back the work. Each notification is mailed once (``emailed_at``) in the
recipient's language; a failure is recorded (``email_error``) and retried on the next delivery.
"""

from __future__ import annotations

import datetime as dt
import os
import smtplib
from email.message import EmailMessage

from sqlalchemy import select

from ennoshita import audit
from ennoshita.actor import Actor
from ennoshita.dates import as_utc, now_utc
from ennoshita.db import Database, UnitOfWork
from ennoshita.desk import rules
from ennoshita.desk.models import DeskRequest, Notification
from ennoshita.desk.services import _team_users, notify
from ennoshita.i18n import gettext, stored_text
from ennoshita.identity import load_company
from ennoshita.identity.models import User

BATCH = 200


def message_for(n: Notification, lang: str) -> tuple[str, str]:
    """(subject, body) of a notification in ``lang``."""
    params = {k: str(v) for k, v in (n.params or {}).items()}
    if "title" in params:  # a request's title the application kept as key + params (an 入社手続き)
        params["title"] = stored_text(lang, params["title"])
    if "status" in params:
        params["status_label"] = gettext(lang, f"desk.status.{params['status']}")
    subject = gettext(lang, f"desk.notify.{n.kind}", **params)
    body = subject
    if params.get("message") or params.get("excerpt"):
        body += "\n\n" + (params.get("message") or params.get("excerpt") or "")
    return subject, body + "\n\n— ennoshita"


def deliver_pending(db: Database, password: str | None = None) -> tuple[int, int]:
    """Send every notification not yet mailed; returns (sent, failed). Does nothing without an SMTP host."""
    with db.uow() as uow:
        company = load_company(uow)
        if not company.smtp_host:
            return 0, 0
        rows = uow.session.execute(
            select(Notification, User.email, User.language).join(User, User.id == Notification.user_id)
            .where(Notification.emailed_at.is_(None), Notification.email_error.is_(None))
            .order_by(Notification.id).limit(BATCH)).all()
        pending = [(n.id, email, lang, *message_for(n, lang or "ja")) for n, email, lang in rows]
    if not pending:
        return 0, 0
    sent: list[int] = []
    failed: dict[int, str] = {}
    try:
        with smtplib.SMTP(company.smtp_host, company.smtp_port, timeout=10) as smtp:
            if company.smtp_starttls:
                smtp.starttls()
            secret = password if password is not None else os.environ.get("ENNOSHITA_SMTP_PASSWORD", "")
            if company.smtp_username and secret:
                smtp.login(company.smtp_username, secret)
            for nid, email, _lang, subject, body in pending:
                msg = EmailMessage()
                msg["From"] = company.smtp_sender or f"ennoshita@{company.smtp_host}"
                msg["To"] = email
                msg["Subject"] = subject
                msg.set_content(body)
                try:
                    smtp.send_message(msg)
                    sent.append(nid)
                except smtplib.SMTPException as e:
                    failed[nid] = str(e)[:200]
    except (OSError, smtplib.SMTPException):  # server down: leave them pending for the next run
        return 0, len(pending)
    with db.uow() as uow:
        now = now_utc()
        for n in uow.session.scalars(select(Notification).where(Notification.id.in_(sent + list(failed)))):
            if n.id in failed:
                n.email_error = failed[n.id]
            else:
                n.emailed_at = now
        uow.commit()
    return len(sent), len(failed)


def sweep_overdue(uow: UnitOfWork, actor: Actor, now: dt.datetime | None = None) -> int:
    """Notify the assignee (or the whole team) of each open request past its SLA, once."""
    at = as_utc(now or now_utc())
    with uow:
        s = uow.session
        late = list(s.scalars(select(DeskRequest).where(DeskRequest.status.in_(tuple(rules.OPEN_STATUSES)),
                                                        DeskRequest.sla_due_at < at,
                                                        DeskRequest.overdue_notified.is_(False))))
        for req in late:
            targets = [req.assignee_id] if req.assignee_id else _team_users(s, req.team)
            notify(s, [*targets, req.requester_id], "overdue", req, actor)
            req.overdue_notified = True
            audit.record(s, actor, "desk_request", req.id, "overdue", after={"sla_due_at": req.sla_due_at.isoformat()})
        uow.commit()
        return len(late)
