"""Demo request desk for 株式会社さくら精機: October and November 2026 of 依頼 from 営業部 (and a few from other
departments) to 営業事務, 総務, 人事 and 法務 — filed on business days, worked and completed with varied lead
times (some late), about fifteen still open, comments with mentions, and warm ありがとう — so the queue and the
contribution dashboard show a living desk.

Everything goes through the desk and sales services, with explicit ``now=`` where they take one (filing,
status changes, comments, thanks: their notifications carry the same time). The completion of a 見積作成依頼 by
the sales event when its quote is sent has no ``now=``; the demo moves it to its story's time at the end.
Runs after the sales demo (it links quotes to the demo customers).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from sqlalchemy import update

from ennoshita.actor import Actor
from ennoshita.attachments.services import NewAttachment
from ennoshita.dates import as_utc, is_bank_holiday, now_utc
from ennoshita.db import Database
from ennoshita.desk import rules, services
from ennoshita.desk.models import DeskComment, DeskRequest, Notification, Thanks
from ennoshita.identity.services import actor_by_email
from ennoshita.kernel.lines import LineInput
from ennoshita.partners import services as partners
from ennoshita.sales import flow
from ennoshita.sales.demo import CUSTOMERS, ITEMS

TOKYO = rules.TOKYO
FIRST_DAY = dt.date(2026, 10, 1)
LAST_DAY = dt.date(2026, 11, 25)
STORY_END = dt.datetime(2026, 11, 25, 17, 30, tzinfo=TOKYO)  # nothing in the demo happens after this
OPEN_COUNT = 15
PDF = b"%PDF-1.4\n% ennoshita demo\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

HANDLERS = {"sales_admin": "jimu@demo.ennoshita.jp", "general_affairs": "soumu@demo.ennoshita.jp",
            "hr": "jinji@demo.ennoshita.jp", "legal": "houmu@demo.ennoshita.jp",
            "accounting": "keiri@demo.ennoshita.jp"}
REQUESTER = "eigyo@demo.ennoshita.jp"
# (type, how many from 営業部)
MIX = (("quote", 30), ("inquiry", 18), ("order", 16), ("invoice", 14), ("purchase", 10), ("contract_review", 8),
       ("other", 8), ("onboarding", 4))
# a couple from other departments: (e-mail, type)
OTHERS = (("kobai@demo.ennoshita.jp", "purchase"), ("kobai@demo.ennoshita.jp", "contract_review"),
          ("keiri@demo.ennoshita.jp", "other"), ("jinji@demo.ennoshita.jp", "purchase"),
          ("keiri@demo.ennoshita.jp", "contract_review"), ("kobai@demo.ennoshita.jp", "other"))

QUESTIONS = ("納期は何日ごろになりそうか確認をお願いします。", "前回と同じ単価で出せるか教えてください。",
             "請求書の宛名変更は可能でしょうか。", "支払条件（締め・支払日）を確認させてください。",
             "在庫があるか確認をお願いします。", "値引きの承認はどなたに取ればよいでしょうか。")
PURCHASES = (("ノートPC", "2"), ("モニター 27インチ", "3"), ("名刺（営業部 伊藤）", "2"), ("コピー用紙 A4", "10"),
             ("展示会用パンフレット", "500"), ("プロジェクター", "1"), ("会議室用Webカメラ", "2"))
CONTRACTS = ("取引基本契約書", "秘密保持契約書（NDA）", "業務委託契約書", "保守契約書", "販売代理店契約書")
OTHER_TASKS = ("来客用の駐車場予約をお願いします。", "展示会の備品を手配してください。", "名刺の発注をお願いします。",
               "社用車の予約をお願いします。", "会議室の席替えに伴う配線をお願いします。",
               "出張時の宿泊手配をお願いします。")
PEOPLE = (("山本 大輔", "入社"), ("吉田 さくら", "異動"), ("松本 翼", "入社"), ("井上 葵", "退職"))

ASKS = ("@eigyo 単価は前回（9月）と同じでよろしいですか？", "@eigyo 先方のご担当者名を教えてください。",
        "@eigyo 納品先住所は本社でよろしいでしょうか？", "@eigyo 数量の確認をお願いします。",
        "@eigyo 注文書の控えの原本はありますか？", "@eigyo 修正箇所を確認しました。先方の希望条件を教えてください。")
ANSWERS = ("はい、前回と同じでお願いします。", "ご担当は購買課の森様です。", "本社でお願いします。",
           "数量はその通りです。よろしくお願いします。", "原本は明日お持ちします。",
           "先方は支払サイト60日を希望しています。")
WORKING = ("対応を開始しました。本日中に回答します。", "先方に確認中です。", "ドラフトを作成しました。ご確認ください。",
           "手配済みです。到着は来週の予定です。")
THANKS = ("急ぎの見積、助かりました！", "いつも迅速な対応ありがとうございます。", "おかげで商談に間に合いました！",
          "丁寧に確認していただき、ありがとうございました。", "夕方の依頼だったのに当日中に対応いただき感謝です。",
          "契約書のチェック、本当に心強いです。", "細かい条件まで拾っていただき助かりました。",
          "お客様にも喜んでいただけました。ありがとうございます！",
          "無理なお願いを聞いていただき、ありがとうございました。", "わかりやすい説明で安心しました。",
          "素早い手配、ありがとうございます！", "いつも支えていただいて感謝しています。")
FREE_THANKS = (
    (REQUESTER, "keiri@demo.ennoshita.jp", None, "月末の請求確認、遅くまでありがとうございました。"),
    (REQUESTER, None, "accounting", "経費精算の締めで助けていただきました。経理チームの皆さん、ありがとう！"),
    (REQUESTER, None, "sales_admin", "今月も営業事務の皆さんのおかげで目標達成です！"),
    ("kobai@demo.ennoshita.jp", "soumu@demo.ennoshita.jp", None, "倉庫の整理を手伝っていただき助かりました。"),
    ("jimu@demo.ennoshita.jp", "houmu@demo.ennoshita.jp", None, "契約条項の相談にすぐ乗っていただき感謝です。"),
    (REQUESTER, "jinji@demo.ennoshita.jp", None, "新メンバーの受け入れ準備、ありがとうございました。"),
    ("keiri@demo.ennoshita.jp", "jimu@demo.ennoshita.jp", None, "請求データの整備、いつも正確で助かっています。"),
    (REQUESTER, None, "general_affairs", "展示会の準備、総務の皆さんのおかげで無事に終わりました！"),
)


@dataclass
class _Plan:
    type: str
    requester: str
    filed: dt.datetime
    open_: bool
    linked: bool = False


def _business_days() -> list[dt.date]:
    days, day = [], FIRST_DAY
    while day <= LAST_DAY:
        if not is_bank_holiday(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _moment(rng: random.Random, day: dt.date) -> dt.datetime:
    hour = rng.choices((8, 9, 10, 11, 13, 14, 15, 16, 17, 18), (1, 6, 8, 7, 6, 8, 8, 7, 6, 2))[0]
    return dt.datetime.combine(day, dt.time(hour, rng.randrange(0, 60)), TOKYO)


def _fields(rng: random.Random, rtype: str, filed: dt.datetime, customer: tuple[str, str],
            items: list[tuple[str, str, int]]) -> tuple[str, dict[str, Any], dt.date | None, tuple[str, ...]]:
    """(title, fields, due date, file fields) of a request of ``rtype``."""
    code, name = customer
    short = name.replace("株式会社", "").replace("有限会社", "").replace("工業", "")
    due = (filed + dt.timedelta(days=rng.randint(2, 8))).date()
    lines = [{"item": item, "quantity": str(q)} for _c, item, q in items]
    if rtype == "quote":
        return (f"{short}様 {items[0][1]} ほか見積", {"customer": name, "lines": lines, "due_date": due.isoformat(),
                                                    "notes": rng.choice(("", "前回見積の改訂です。", "相見積あり。"))},
                due, ())
    if rtype == "order":
        return (f"{short}様 注文書の処理", {"customer": name, "customer_po": f"PO-{filed:%m%d}-{code}",
                                            "lines": lines}, None, ("purchase_order",))
    if rtype == "invoice":
        amount = sum(q for _c, _i, q in items) * rng.choice((1200, 3400, 8800))
        return (f"{short}様 請求書の発行", {"customer": name, "description": f"{items[0][1]} 納品分の請求書発行",
                                            "amount": str(amount)}, None, ())
    if rtype == "inquiry":
        return (f"{short}様の件で確認", {"customer": name, "question": rng.choice(QUESTIONS)}, None, ())
    if rtype == "contract_review":
        kind = rng.choice(CONTRACTS)
        return (f"{short} {kind}のレビュー",
                {"counterparty": name, "points": "損害賠償の上限と支払条件を確認してください。"},
                due + dt.timedelta(days=3), ("contract",))
    if rtype == "purchase":
        item, qty = rng.choice(PURCHASES)
        return (f"{item}の購入", {"lines": [{"item": item, "quantity": qty}], "needed_by": due.isoformat(),
                                "purpose": "業務用（営業活動）"}, due, ())
    if rtype == "onboarding":
        person, kind = rng.choice(PEOPLE)
        return (f"{person}さんの{kind}手続き", {"person": person, "kind": kind,
                                               "effective_date": (due + dt.timedelta(days=14)).isoformat()}, None, ())
    task = rng.choice(OTHER_TASKS)
    return (task.removesuffix("をお願いします。").removesuffix("してください。"), {"details": task}, None, ())


def load(db: Database, actor: Actor) -> None:
    rng = random.Random(20261125)
    people = {email: actor_by_email(db.uow(), email, "cli")
              for email in {REQUESTER, *HANDLERS.values(), *(e for e, _t in OTHERS), "admin@demo.ennoshita.jp"}}
    customers = [(code, name) for code, name, *_rest in CUSTOMERS]
    items = [(code, name) for code, name, _unit, _price, rate in ITEMS if rate == "10"]
    days = _business_days()
    november = [d for d in days if d.month == 11]

    plans: list[_Plan] = []
    for rtype, count in MIX:
        for _ in range(count):
            plans.append(_Plan(rtype, REQUESTER, _moment(rng, rng.choice(days[:-4])), False))
    for email, rtype in OTHERS:
        plans.append(_Plan(rtype, email, _moment(rng, rng.choice(days[:-4])), False))
    # the most recent ones are still open; a few 見積作成依頼 in mid-November become real quotes
    for p in rng.sample(plans, OPEN_COUNT):
        p.open_, p.filed = True, min(_moment(rng, rng.choice(days[-4:])), STORY_END - dt.timedelta(minutes=20))
    for p in [p for p in plans if p.type == "quote" and not p.open_][:4]:
        p.linked, p.filed = True, _moment(rng, rng.choice(november[8:14]))
    plans.sort(key=lambda p: p.filed)

    backdate: list[tuple[type[Any], int, dict[str, Any]]] = []
    completed: list[tuple[services.RequestSummary, dt.datetime]] = []
    for p in plans:
        who = people[p.requester]
        kind = rules.request_type(p.type)
        picks = [(*it, rng.choice((1, 2, 5, 10, 20))) for it in rng.sample(items, rng.randint(1, 3))]
        title, fields, due, files = _fields(rng, p.type, p.filed, rng.choice(customers), picks)
        req = services.file_request(db.uow(), who, services.NewRequest(
            p.type, title, fields, due, tuple((f, NewAttachment(f"{title}.pdf", "application/pdf", PDF))
                                              for f in files)), now=p.filed)
        handler = people[HANDLERS[kind.team]]
        if kind.team == "sales_admin" and rng.random() < 0.12:
            handler = people["admin@demo.ennoshita.jp"]
        sla = kind.sla_hours * 60
        factor = rng.choices((rng.uniform(0.05, 0.6), rng.uniform(0.6, 1.0), rng.uniform(1.0, 2.4)),
                             (55, 30, 15))[0]
        lead = max(12, int(sla * factor))
        room = rules.business_minutes_between(p.filed, STORY_END) - 30
        lead = min(lead, room) if not p.open_ else lead
        start = rules.add_business_minutes(p.filed, min(rng.randint(5, 90), max(1, lead // 4)))
        done_at = rules.add_business_minutes(p.filed, lead)
        if p.open_:
            if start < STORY_END and rng.random() < 0.7:
                services.set_status(db.uow(), handler, req.id, "in_progress", now=start)
                if rng.random() < 0.3:
                    services.set_status(db.uow(), handler, req.id, "waiting", now=start + dt.timedelta(minutes=20))
            continue
        services.set_status(db.uow(), handler, req.id, "in_progress", now=start)
        if rng.random() < 0.25:
            cid = services.add_comment(db.uow(), handler, req.id, rng.choice(ASKS),
                                       now=start + dt.timedelta(minutes=15))
            backdate.append((DeskComment, cid, {"created_at": start + dt.timedelta(minutes=15)}))
            cid = services.add_comment(db.uow(), who, req.id, rng.choice(ANSWERS),
                                       now=start + dt.timedelta(minutes=50))
            backdate.append((DeskComment, cid, {"created_at": start + dt.timedelta(minutes=50)}))
        elif rng.random() < 0.15:
            cid = services.add_comment(db.uow(), handler, req.id, rng.choice(WORKING),
                                       now=start + dt.timedelta(minutes=5))
            backdate.append((DeskComment, cid, {"created_at": start + dt.timedelta(minutes=5)}))
        if p.requester == REQUESTER and rng.random() < 0.03:
            services.set_status(db.uow(), who, req.id, "withdrawn", now=done_at)
            continue
        if p.linked:
            customer = partners.find_partner_id(db.uow(), next(c for c, n in customers if n == fields["customer"]))
            if customer is not None:
                day = done_at.date()
                quote = flow.create_quote(db.uow(), handler, flow.QuoteInput(
                    customer, day, day + dt.timedelta(days=30), title.replace(" ほか見積", " ほかのお見積"),
                    tuple(LineInput(item_code=c, quantity=str(q)) for c, _i, q in picks), request_id=req.id))
                flow.set_quote_status(db.uow(), handler, quote.id, "sent")  # the desk completes the request
                at = as_utc(done_at)
                backdate.append((DeskRequest, req.id, {
                    "completed_at": at, "lead_minutes": rules.business_minutes_between(p.filed, at),
                    "on_time": at <= as_utc(req.sla_due_at)}))
                completed.append((req, done_at))
                continue
        services.set_status(db.uow(), handler, req.id, "done", now=done_at)
        completed.append((req, done_at))

    # ありがとう: from the requester for a good share of the completed requests, and a few freely
    thanked = rng.sample(completed, min(32, len(completed)))
    for req, done_at in sorted(thanked, key=lambda c: c[1]):
        when = min(done_at + dt.timedelta(minutes=rng.randint(10, 600)), STORY_END)
        requester = next(a for a in people.values() if a.user_id == req.requester_id)
        tid = services.send_thanks(db.uow(), requester, request_id=req.id, message=rng.choice(THANKS), now=when)
        backdate.append((Thanks, tid, {"created_at": when}))
    for i, (sender, to_email, team, message) in enumerate(FREE_THANKS):
        to_id = people[to_email].user_id if to_email else None
        when = _moment(rng, days[len(days) * (i + 1) // (len(FREE_THANKS) + 1)])
        tid = services.send_thanks(db.uow(), people[sender], to_user_id=to_id, to_team=team, message=message,
                                   now=when)
        backdate.append((Thanks, tid, {"created_at": when}))

    # the story's times for what the services stamp with the clock; the demo's notifications count as mailed
    # (the demo addresses are not real), so configuring SMTP later does not send a backlog
    with db.uow() as uow:
        for model, row_id, values in backdate:
            uow.session.execute(update(model).where(model.id == row_id).values(
                **{k: as_utc(v) if isinstance(v, dt.datetime) else v for k, v in values.items()}))
        uow.session.execute(update(Notification).where(Notification.emailed_at.is_(None))
                            .values(emailed_at=now_utc()))
        uow.commit()
