"""Every screen in the reader's language (the walk of every screen in Japanese and in English): a value the
application stores as a code (経路 web/cli, an attachment's owner, a bank account's type, a gender, a 給与明細
line, a quote's 版) is named through the catalogs, never shown as the code, and no screen shows a message key or
a Python value. Data the users typed (names, account names, units) stays as typed."""

from __future__ import annotations

import datetime as dt
import html
import re

from fastapi.testclient import TestClient
from sqlalchemy import JSON, String, select, text

from ennoshita.db import Database
from ennoshita.i18n import catalog
from ennoshita.models import Base
from tests.conftest import ADMIN, csrf_of, login
from tests.integration.test_api import auth, token_for

SKIP = re.compile(r"\.(csv|pdf|xlsx|json|zip|png)\b|/logout|export=|format=|/download|/static/|/api/|/pdf|/file")
# a text that is a whole cell or label and looks like a code: lower-case ASCII words joined by _ : .
CODE = re.compile(r"[a-z][a-z0-9_:.]*")
DATA_CODES = {"kg"}  # an item's unit as the user typed it


def _english(client: TestClient) -> None:
    client.post("/language", data={"language": "en", "next": "/", "csrf_token": csrf_of(client.get("/me").text)})


def _texts(page: str) -> list[str]:
    """The text nodes a reader sees, leaving out JSON shown as is (<pre>), scripts, datalists and mono cells
    (document numbers, IDs and codes a user types)."""
    page = re.sub(r"(?s)<(script|style|pre|datalist)\b.*?</\1>", "", page)
    page = re.sub(r'<(\w+)[^>]*class="[^"]*\bmono\b[^"]*"[^>]*>[^<]*', "", page)
    return [html.unescape(m.group(1)).strip() for m in re.finditer(r">([^<>]+)<", page)]


def _walk(client: TestClient) -> dict[str, str]:
    """Every page reachable by links from the home page, one of each route (ids and queries aside)."""
    pages: dict[str, str] = {}
    seen_routes: set[str] = set()
    queue = ["/"]
    while queue:
        url = queue.pop(0)
        route = re.sub(r"/\d+", "/N", url.split("?")[0])
        if route in seen_routes:
            continue
        seen_routes.add(route)
        response = client.get(url)
        if response.status_code != 200 or not response.headers["content-type"].startswith("text/html"):
            continue
        pages[url] = response.text
        for m in re.finditer(r'href="(/[^"#]*)"', response.text):
            link = html.unescape(m.group(1))
            if not link.startswith("//") and not SKIP.search(link):
                queue.append(link)
    return pages


def test_no_screen_shows_a_message_key_a_code_or_a_python_value(client: TestClient) -> None:
    """Walks every screen as the admin, in Japanese and in English. Before, the Japanese 監査ログ showed its 経路 as
    web and cli, 証憑検索 named the 社印 company_seal, and quotes and orders said rev.1."""
    keys = set(catalog("ja"))
    login(client, ADMIN)
    for language in ("ja", "en"):
        if language == "en":
            _english(client)
        pages = _walk(client)
        assert len(pages) > 80, language  # the walk reached the screens
        found: dict[str, set[str]] = {}
        for url, page in pages.items():
            assert f'<html lang="{language}">' in page, url
            for t in _texts(page):
                raw_key = t in keys or any(w in keys for w in t.split())
                code = language == "ja" and CODE.fullmatch(t) is not None and t not in DATA_CODES
                python = t in ("None", "True", "False") and language == "ja" or "object at 0x" in t
                if raw_key or code or python:
                    found.setdefault(t, set()).add(url)
        assert found == {}, (language, found)


def test_coded_values_are_named_in_english(client: TestClient, demo_db: Database) -> None:
    """An English reader saw 普通 for a bank account's type (会社情報), 男 on the 資格取得届 data, 基本給 / 健康保険料
    / 所得税 on a 給与明細, 措法91条 in a label and
    "month 4" for 期首月; each is named through the catalog (the company's own allowance
    names stay as the company wrote them)."""
    with demo_db.engine.begin() as conn:
        man = conn.execute(text("SELECT id FROM hr_employees WHERE gender = 'M' ORDER BY id LIMIT 1")).scalar()
        slip = conn.execute(text("SELECT id FROM payroll_slips ORDER BY id LIMIT 1")).scalar()
    login(client, ADMIN)
    _english(client)
    company = client.get("/admin/company").text
    assert "<td>Ordinary</td>" in company and "<td>普通</td>" not in company
    insurance = client.get(f"/hr/employees/{man}/insurance/acquire").text
    assert "<dd>Male</dd>" in insurance and "<dd>男</dd>" not in insurance
    page = client.get(f"/payroll/slips/{slip}").text
    cells = _texts(page)
    assert {"Base pay", "Health insurance", "Employees' pension insurance", "Income tax"} <= set(cells)
    assert not {"基本給", "健康保険料", "厚生年金保険料", "所得税", "住民税", "通勤手当"} & set(cells)
    assert "措法" not in client.get("/contracts/new").text
    home = client.get("/").text  # 期首月 of the demo company (4月): "month 4" before
    assert "<dd>April</dd>" in home and "month 4" not in home
    # the punctuation the screens put around a phrase: ASCII in English, 全角 in Japanese (text.paren, text.sep ...)
    assert "（" not in page and "column (0 dependants)" in page  # 給与明細: 甲欄（扶養0人）
    queue = client.get("/approvals").text
    assert re.search(r"</strong> \(1 / \d\)</dd>", queue) and "（1 / " not in queue


def test_coded_values_are_named_in_japanese(client: TestClient, demo_db: Database) -> None:
    with demo_db.engine.begin() as conn:
        quote = conn.execute(text("SELECT id FROM quotes WHERE revision = 2 ORDER BY id LIMIT 1")).scalar()
    login(client, ADMIN)
    audit = client.get("/audit").text + client.get("/audit", params={"entity_type": "audit_chain"}).text
    via = set(re.findall(r'<span class="badge badge-muted"[^>]*>([^<]+)</span>', audit))
    assert via and via <= {"画面", "コマンド", "API", "システム"}, via
    page = client.get(f"/sales/quotes/{quote}").text
    assert "第2版" in page and "rev." not in page
    assert re.search(r"</strong>（1 / \d）</dd>", client.get("/approvals").text)
    for n in range(1, 20):  # 証憑検索: the company's 社印 is named, not company_seal
        evidence = client.get("/ledger/evidence", params={"page": n}).text
        if "社印_" in evidence:
            break
    else:
        raise AssertionError("the demo's 社印 is not on 証憑検索")
    assert '<td class="nowrap">社印</td>' in evidence and "company_seal" not in evidence



JAPANESE_PUNCTUATION = re.compile(r"[（）「」『』・、。／：〜～]|\d\s*[年月日]|[年月]\s*\d")
# the books are kept in Japanese: a journal entry a screen offers to post shows the memo it will be posted with
BOOK_TEXT = re.compile(r"\d{4}年度 消費税等")


def _data_strings(db: Database) -> list[str]:
    """Every text the database holds (names, memos, the demo's Japanese data), longest first."""
    found: set[str] = set()
    with db.engine.begin() as conn:
        for table in Base.metadata.sorted_tables:
            for column in table.columns:
                if isinstance(column.type, String):
                    query = select(column).distinct()
                elif isinstance(column.type, JSON):
                    query = select(column)  # (PostgreSQL's json has no equality: no DISTINCT)
                else:
                    continue
                for (value,) in conn.execute(query):
                    _collect(value, found)
    return sorted(found, key=len, reverse=True)


def _collect(value: object, found: set[str]) -> None:
    if isinstance(value, str):
        if value.strip() and not value.isascii():
            found.add(value.strip())
            found.update(p.strip() for p in re.split(r"[\n\r]+", value) if p.strip() and not p.isascii())
    elif isinstance(value, dict):
        for v in value.values():
            _collect(v, found)
    elif isinstance(value, list):
        for v in value:
            _collect(v, found)


def test_english_screens_write_no_japanese_punctuation(client: TestClient, demo_db: Database) -> None:
    """What the application writes on an English screen has ASCII punctuation and English dates: no （ ）「 」・ 、
    ／ 〜 nor 2026年11月, which Python-built labels wrote (a user's name with its 部署 in （）, a period with 〜, a
    heading joined with ・ ...). Data the users typed (the demo's Japanese names and memos: every text the database
    holds) is taken out of each text first."""
    data = _data_strings(demo_db)
    login(client, ADMIN)
    _english(client)
    pages = _walk(client)
    assert len(pages) > 80
    found: dict[str, set[str]] = {}
    for url, page in pages.items():
        page = re.sub(r"(?s)<(script|style|pre)\b.*?</\1>", "", page)
        texts = [html.unescape(m.group(1)).strip() for m in re.finditer(r">([^<>]+)<", page)]
        texts += [html.unescape(m.group(1)) for m in re.finditer(r'(?:placeholder|title|aria-label)="([^"]+)"', page)]
        for t in texts:
            if not JAPANESE_PUNCTUATION.search(t):
                continue
            for d in data:
                if d in t:
                    t = t.replace(d, " ")
            t = BOOK_TEXT.sub(" ", t)
            if JAPANESE_PUNCTUATION.search(t):
                found.setdefault(t, set()).add(url)

    assert found == {}, "\n".join(f"{t!r}: {sorted(u)[:3]}" for t, u in sorted(found.items()))


def _account_names(db: Database) -> set[str]:
    """The Japanese names of the accounts that have an English one (every account of the standard chart)."""
    with db.engine.begin() as conn:
        names = {str(n) for (n,) in conn.execute(text("SELECT name FROM accounts WHERE name_en <> ''"))}
        kana = {str(k) for (k,) in conn.execute(text("SELECT name_kana FROM accounts"))}
    return names - kana  # ソフトウェア is its own カナ


def test_english_screens_name_accounts_in_english(client: TestClient, demo_db: Database) -> None:
    """Before, 試算表, 決算書, 総勘定元帳, the journal, 消費税集計表 and the entry screens named the accounts in
    Japanese (現金, 売上高, 諸口) on English screens although every account of the chart has an English name. The walk
    takes out every other text the database holds (the demo's memos, partner and item names), then looks for a
    Japanese account name left in a text an English reader sees."""
    names = _account_names(demo_db)
    assert {"現金", "売上高", "普通預金"} <= names
    data = [d for d in _data_strings(demo_db) if d not in names]
    login(client, ADMIN)
    _english(client)
    pages = _walk(client)
    for url in ("/ledger/trial-balance", "/ledger/balance-sheet", "/ledger/income-statement", "/ledger/monthly",
                "/ledger/tax-summary", "/ledger/consumption-tax", "/ledger/journal",
                "/ledger/general-ledger?account=1110", "/ledger/general-ledger?account=4110&format=csv"):
        pages.setdefault(url, client.get(url).text)
    found: dict[str, set[str]] = {}
    for url, page in pages.items():
        cells = [c.strip('"') for line in page.splitlines() for c in line.split(",")] if "csv" in url else _texts(page)
        for t in cells:
            if not any(n in t for n in names) and "諸口" not in t:
                continue
            for d in data:
                if d in t:
                    t = t.replace(d, " ")
            left = {n for n in names if n in t} | ({"諸口"} if "諸口" in t else set())
            for n in left:
                found.setdefault(n, set()).add(url)
    assert found == {}, "\n".join(f"{n!r}: {sorted(u)[:4]}" for n, u in sorted(found.items()))


def test_an_account_without_an_english_name_keeps_its_name(client: TestClient, demo_db: Database) -> None:
    """An account a user adds without an English name is shown under its Japanese name on English screens; once
    given one (勘定科目 form), under that."""
    login(client, ADMIN)
    _english(client)
    page = client.get("/ledger/accounts").text
    client.post("/ledger/accounts", data={"code": "6999", "name": "雑費用テスト", "name_kana": "", "section": "sga",
                                          "default_tax_category": "", "csrf_token": csrf_of(page)})
    rows = dict(re.findall(r'data-code="(\d+)">\s*<td class="mono">\d+</td>\s*<td>([^<]*)</td>',
                           client.get("/ledger/accounts").text))
    assert rows["6999"] == "雑費用テスト" and rows["1110"] == "Cash"
    with demo_db.engine.begin() as conn:
        account_id = conn.execute(text("SELECT id FROM accounts WHERE code = '6999'")).scalar()
    client.post(f"/ledger/accounts/{account_id}/rename", data={
        "name": "雑費用テスト", "name_kana": "", "name_en": "Test sundries", "csrf_token": csrf_of(page)})
    rows = dict(re.findall(r'data-code="(\d+)">\s*<td class="mono">\d+</td>\s*<td>([^<]*)</td>',
                           client.get("/ledger/accounts").text))
    assert rows["6999"] == "Test sundries"
    with demo_db.engine.begin() as conn:
        assert conn.execute(text("SELECT name, name_en FROM accounts WHERE code = '6999'")).one() == (
            "雑費用テスト", "Test sundries")


def _titles(page: str) -> dict[str, str]:
    """自分の申請: each request's number → its title cell."""
    return {html.unescape(n): html.unescape(t).strip() for n, t in re.findall(
        r'<tr data-number="([^"]+)">.*?<td class="mono nowrap">.*?</td>\s*<td>([^<]*)</td>', page, re.S)}


def test_approval_titles_are_written_in_the_readers_language(client: TestClient, demo_db: Database) -> None:
    """Before, the English 自分の申請 showed 経費精算 … and 支払 2026-11-30: the titles the application wrote were
    stored as Japanese text. Now they are written at display time; a database from before (the same Japanese
    titles kept in its rows) reads the same. The expense claims' own 件名 are the employees' text and stay."""
    with demo_db.engine.begin() as conn:
        new_run = conn.execute(text("SELECT document_number FROM approval_requests WHERE document_type = 'payment_run'"
                                    " AND status = 'approved'")).scalar()
        old_run = conn.execute(text("SELECT document_number FROM approval_requests WHERE document_type = 'payment_run'"
                                    " AND status = 'pending'")).scalar()
        conn.execute(text("UPDATE approval_requests SET title = '支払 2026-11-30' WHERE document_number = :n"),
                     {"n": old_run})
        conn.execute(text("UPDATE approval_requests SET title = '経費精算 ' || title "
                          "WHERE document_type = 'expense_claim'"))
        claims = dict(conn.execute(text("SELECT r.document_number, c.title FROM approval_requests r "
                                        "JOIN expense_claims c ON c.id = r.document_id "
                                        "WHERE r.document_type = 'expense_claim'")).all())
        payer = conn.execute(text("SELECT u.email FROM approval_requests r JOIN users u ON u.id = r.submitted_by "
                                  "WHERE r.document_number = :n"), {"n": old_run}).scalar()
        claimant = conn.execute(text("SELECT u.email FROM approval_requests r JOIN users u ON u.id = r.submitted_by"
                                     " WHERE r.document_type = 'expense_claim' ORDER BY r.id LIMIT 1")).scalar()
    assert new_run and old_run and claims
    login(client, payer)
    _english(client)
    runs = _titles(client.get("/approvals/mine").text)
    assert runs[old_run] == "Payments of 2026-11-30" and runs[new_run] == "Payments of 2026-11-10"
    client.post("/language", data={"language": "ja", "next": "/", "csrf_token": csrf_of(client.get("/me").text)})
    runs = _titles(client.get("/approvals/mine").text)
    assert runs[old_run] == "2026年11月30日 支払" and runs[new_run] == "2026年11月10日 支払"
    client.cookies.clear()
    login(client, claimant)
    _english(client)
    mine = _titles(client.get("/approvals/mine").text)
    shown = {n: t for n, t in mine.items() if n in claims}
    assert shown and all(t == claims[n] for n, t in shown.items()), shown


def test_an_onboarding_request_and_its_checklist_read_in_the_readers_language(client: TestClient,
                                                                              demo_db: Database) -> None:
    """The 入社 checklist of the demo's new employee opens desk requests. Their titles are the company's Japanese
    text, like every title typed on the desk, with the date as the books write it (before: an ISO date), so that
    the desk's search finds them by their words; the checklist's items are named in the reader's language (they
    were Japanese on the English employee page)."""
    with demo_db.engine.begin() as conn:
        employee = conn.execute(text("SELECT employee_id FROM hr_checklists WHERE kind = 'hire' LIMIT 1")).scalar()
        name, hired = conn.execute(text("SELECT name, hire_date FROM hr_employees WHERE id = :e"),
                                   {"e": employee}).one()
    hired = hired if isinstance(hired, dt.date) else dt.date.fromisoformat(str(hired))
    title = f"入社手続き {name}（{hired.year}年{hired.month}月{hired.day}日）: 貸与品の準備（PC・入館証・名刺）"
    with demo_db.engine.begin() as conn:
        req_id = conn.execute(text("SELECT id FROM desk_requests WHERE title = :t"), {"t": title}).scalar_one()
    login(client, ADMIN)
    assert title in client.get(f"/desk/requests/{req_id}").text
    found = client.get("/api/v1/requests", headers=auth(token_for(demo_db, ADMIN)),
                       params={"q": f"入社手続き {name}", "scope": "all"}).json()
    assert req_id in [r["id"] for r in found["items"]], found
    _english(client)
    page = client.get(f"/hr/employees/{employee}").text
    assert "Issue a login account" in page and "ログインアカウントの発行" not in page
