"""承認済み経費精算の取消 on the screens and the API, on the demo company (SQLite and PostgreSQL).

The demo's 大阪出張 claim of 伊藤 (営業部) is approved and waits for the next payment run: 14,720 x 2 (往復) + 12,800
+ 2,420 + 8,800 = 53,460 yen on 未払金 (補助: the employee). 経理 cancels it on its screen with a reason: the
employee's 未払金 goes down by exactly 53,460, the claim shows 取消済 with its reason and reversing entries, the
payment screen no longer offers it, and the employee copies it into a new claim, receipts included. The employee
cannot cancel; a claim in a payment run is refused naming the run (API 409 problem+json).
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

from fastapi.testclient import TestClient
from sqlalchemy import text

from ennoshita.approvals import services as approvals
from ennoshita.db import Database
from ennoshita.expenses import services as expenses
from ennoshita.identity import services as identity
from ennoshita.purchasing import payments
from tests.conftest import login
from tests.integration.test_api import auth, token_for

OWNER = "eigyo@demo.ennoshita.jp"
ACCOUNTING = "keiri@demo.ennoshita.jp"
CASHIER = "suitou@demo.ennoshita.jp"
OSAKA = "10月 大阪出張（関西精工様 定例会）"
OSAKA_TOTAL = 14_720 * 2 + 12_800 + 2_420 + 8_800


class FormValues(HTMLParser):
    """What a browser sends for the form: inputs' values, checked boxes, each select's selected option."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "input" and a.get("name") and a.get("type") not in ("file", "submit"):
            if a.get("type") != "checkbox" or "checked" in a:
                self.values[a["name"]] = a.get("value", "")
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def _form(html: str) -> dict[str, str]:
    parser = FormValues()
    parser.feed(html)
    return parser.values


def _owed(db: Database, user_id: int) -> int:
    """The employee's 未払金 (2150, 補助 EMP#####): credits less debits."""
    with db.uow() as uow:
        return int(uow.session.execute(text(
            "SELECT COALESCE(SUM(jl.credit - jl.debit), 0) FROM journal_lines jl JOIN accounts a ON a.id = "
            "jl.account_id JOIN sub_accounts sa ON sa.id = jl.sub_account_id WHERE a.code = '2150' AND sa.code = :s"),
            {"s": f"EMP{user_id:05d}"}).scalar_one())


def _claim(db: Database, title: str) -> expenses.ClaimView:
    keiri = identity.actor_by_email(db.uow(), ACCOUNTING, "web")
    rows, _ = expenses.list_claims(db.uow(), keiri, mine=False, q=title)
    assert len(rows) == 1, rows
    return expenses.get_claim(db.uow(), keiri, rows[0].id)


def _logout(client: TestClient, token: str) -> None:
    client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    client.cookies.clear()


def test_accounting_cancels_on_the_claims_screen_and_the_employee_files_it_anew(client: TestClient,
                                                                                 demo_db: Database) -> None:
    claim = _claim(demo_db, OSAKA)
    assert (claim.status, claim.payment_status, claim.total) == ("approved", "unpaid", OSAKA_TOTAL)
    owed = _owed(demo_db, claim.employee_id)
    assert owed >= OSAKA_TOTAL
    url = f"/expenses/{claim.id}"

    # the employee sees no 取消 and may not post it
    token = login(client, OWNER)
    assert 'data-testid="cancel"' not in client.get(url).text
    assert client.post(f"{url}/cancel", data={"csrf_token": token, "reason": "誤り"}).status_code == 403
    _logout(client, token)

    token = login(client, ACCOUNTING)
    page = client.get(url)
    assert 'data-testid="cancel-claim"' in page.text and 'data-testid="cancel"' in page.text
    # the journal points here instead of reversing the claim's entry itself
    entry = client.get(f"/ledger/entries/{claim.journal_entry_ids[0]}").text
    assert 'data-testid="undo-elsewhere"' in entry and f"経費精算 › {claim.number}" in entry
    assert 'data-testid="reverse"' not in entry
    refused = client.post(f"{url}/cancel", data={"csrf_token": token, "reason": " "})
    assert refused.status_code == 422 and "取消の理由を入力してください。" in refused.text
    assert _claim(demo_db, OSAKA).status == "approved" and _owed(demo_db, claim.employee_id) == owed
    done = client.post(f"{url}/cancel", data={"csrf_token": token, "reason": "出張取りやめ分の誤申請"},
                       follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"{url}?done=cancelled"
    shown = client.get(done.headers["location"]).text
    assert 'data-status="cancelled"' in shown and "取消済" in shown and 'data-testid="cancellation"' in shown
    assert "出張取りやめ分の誤申請" in shown and "佐藤 花子" in shown
    assert len(re.findall(r'data-testid="reversal-entries">(.*?)</dd>', shown, re.S)) == 1
    assert 'data-testid="cancel"' not in shown
    assert _owed(demo_db, claim.employee_id) == owed - OSAKA_TOTAL
    listed = client.get("/expenses/all", params={"status": "cancelled"}).text
    assert claim.number in listed
    _logout(client, token)

    token = login(client, CASHIER)
    new_run = client.get("/purchasing/payments/new", params={"payment_date": "2026-12-25"}).text
    assert f'name="claim_ids[]" value="{claim.id}"' not in new_run
    _logout(client, token)

    # the employee copies it into a new claim: the lines and the receipts come along
    token = login(client, OWNER)
    detail = client.get(url).text
    assert f'href="/expenses/new?from={claim.id}"' in detail
    form = client.get("/expenses/new", params={"from": claim.id})
    assert form.status_code == 200 and 'data-testid="copied-from"' in form.text and claim.number in form.text
    values = _form(form.text)
    assert values["title"] == OSAKA and values["copy_from"] == str(claim.id)
    kept = [values[f"lines[{i}].keep_receipt"] for i in range(len(claim.lines))]
    assert kept == [str(x.attachment_id or "") for x in claim.lines]
    created = client.post("/expenses/new", data={**values, "csrf_token": token, "action": "save"},
                          follow_redirects=False)
    assert created.status_code == 303, created.text
    new_url = created.headers["location"].split("?")[0]
    new = client.get(new_url).text
    assert 'data-status="draft"' in new and new.count('data-testid="receipt-link"') == 3
    keiri = identity.actor_by_email(demo_db.uow(), ACCOUNTING, "web")
    copy = expenses.get_claim(demo_db.uow(), keiri, int(new_url.rsplit("/", 1)[1]))
    assert (copy.status, copy.total, copy.title) == ("draft", OSAKA_TOTAL, OSAKA) and copy.number != claim.number
    assert [x.attachment_name for x in copy.lines] == [x.attachment_name for x in claim.lines]


def test_the_api_refuses_a_claim_in_a_payment_run_naming_it(client: TestClient, demo_db: Database) -> None:
    # the demo's 川崎工場 claim waits for 経理's approval; approved, a draft payment run takes it
    keiri = identity.actor_by_email(demo_db.uow(), ACCOUNTING, "web")
    claim = _claim(demo_db, "11月 川崎工場 立会い")
    view = approvals.status_of(demo_db.uow(), "expense_claim", claim.id)
    assert view is not None
    approvals.decide(demo_db.uow(), keiri, view.id, "approve")
    suitou = identity.actor_by_email(demo_db.uow(), CASHIER, "web")
    run = payments.create_payment_run(demo_db.uow(), suitou, payments.PaymentRunInput(
        dt.date(2026, 12, 25), other_items=(("expense_claim", claim.id),), submit=False))
    owed = _owed(demo_db, claim.employee_id)

    assert client.post(f"/api/v1/expense-claims/{claim.id}/cancel", headers=auth(token_for(demo_db, OWNER)),
                       json={"reason": "誤り"}).status_code == 403
    headers = auth(token_for(demo_db, ACCOUNTING))
    r = client.post(f"/api/v1/expense-claims/{claim.id}/cancel", headers=headers, json={"reason": "誤り"})
    assert r.status_code == 409 and r.headers["content-type"].startswith("application/problem+json")
    assert run.number in r.text and _owed(demo_db, claim.employee_id) == owed

    payments.cancel_payment_run(demo_db.uow(), suitou, run.id)
    ok = client.post(f"/api/v1/expense-claims/{claim.id}/cancel", headers=headers, json={"reason": "誤り"})
    assert ok.status_code == 200, ok.text
    body = ok.json()
    assert (body["status"], body["cancel_reason"], len(body["reversal_entry_ids"])) == ("cancelled", "誤り", 1)
    assert _owed(demo_db, claim.employee_id) == owed - claim.total
    again = client.post(f"/api/v1/expense-claims/{claim.id}/cancel", headers=headers, json={"reason": "誤り"})
    assert again.status_code == 409
