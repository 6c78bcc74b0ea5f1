"""The 経理 screens on SQLite and PostgreSQL, used as an accountant would: type an entry, post it, find it in
the 総勘定元帳 and the 残高試算表, be refused an unbalanced entry or a locked month, correct and reverse,
download every report in every format and find the same figures as on the screen.

The demo company (株式会社さくら精機) keeps its books under 税抜経理 with 切り捨て, fiscal year from April; its
demo books end on 2026-11-20 and lock April to September 2026. The entries here are dated 2026-11-21, a day
the demo books leave empty, and use accounts the demo never touches (小口現金, 消耗品費, 事務用品費), so the
expected figures below are computed by hand from these entries alone.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import func, select

from ennoshita.db import Database
from ennoshita.ledger.models import JournalEntry, JournalLine
from tests.conftest import ACCOUNTING, REQUESTER, login

SALES_ADMIN = "jimu@demo.ennoshita.jp"
DAY = "2026-11-21"

# 2026-11-21 事務用品・消耗品 from 小口現金, entered tax-inclusive (課税仕入10%):
#   事務用品費 11,000: tax 11,000 x 10/110 = 1,000 exactly -> net 10,000
#   消耗品費    5,560: tax 5,560 x 10/110 = 505.45... -> 切り捨て 505 -> net 5,055
#   小口現金   credit 16,560 (= 11,000 + 5,560)
# Posted: 事務用品費 10,000 / 仮払消費税 1,000 / 消耗品費 5,055 / 仮払消費税 505 // 小口現金 16,560.
Line = tuple[str, str, str, str, str, str, str]  # account, sub-account, debit, credit, tax, department, memo


def form(token: str, lines: list[Line], day: str = DAY,
         description: str = "事務用品・消耗品の購入", counterparty: str = "文具のさくら",
         action: str = "post") -> dict[str, str]:
    data = {"csrf_token": token, "entry_date": day, "description": description, "counterparty": counterparty,
            "action": action}
    for i, (account, sub, debit, credit, tax, dept, memo) in enumerate(lines):
        data.update({f"lines[{i}].account": account, f"lines[{i}].sub_account": sub, f"lines[{i}].debit": debit,
                     f"lines[{i}].credit": credit, f"lines[{i}].tax_category": tax, f"lines[{i}].department": dept,
                     f"lines[{i}].memo": memo})
    return data


def office_supplies() -> list[Line]:
    """The entry as a person types it: an account by "code name", by name, and by its カナ."""
    return [("6280 事務用品費", "", "11,000", "", "purchase_10", "200 管理部", "コピー用紙"),
            ("消耗品費", "", "5560", "", "purchase_10", "", "トナー"),
            ("コグチゲンキン", "", "", "16,560", "", "", "")]  # 小口現金


class Tables(HTMLParser):
    """Rows of cell texts of each <table data-testid=...>, and the links of their cells."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.links: dict[str, list[list[str | None]]] = {}
        self._table: str | None = None
        self._row: list[str] | None = None
        self._row_links: list[str | None] = []
        self._cell: list[str] | None = None
        self._href: str | None = None
        self._head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table" and a.get("data-testid"):
            self._table = a["data-testid"]
            self.tables[self._table] = []
            self.links[self._table] = []
        elif self._table and tag == "thead":
            self._head = True
        elif self._table and tag == "tr" and not self._head:
            self._row, self._row_links = [], []
        elif self._row is not None and tag == "td":
            self._cell, self._href = [], None
        elif self._cell is not None and tag == "a":
            self._href = a.get("href")

    def handle_endtag(self, tag: str) -> None:
        if tag == "thead":
            self._head = False
        elif tag == "td" and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._row_links.append(self._href)
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table:
            self.tables[self._table].append(self._row)
            self.links[self._table].append(self._row_links)
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def tables(html: str) -> Tables:
    parser = Tables()
    parser.feed(html)
    return parser


def yen(text: str) -> int:
    """``¥1,234`` / ``-¥1,234`` as shown on screen -> int."""
    return int(text.replace("¥", "").replace(",", ""))


def entry_count(db: Database) -> int:
    with db.uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(JournalEntry)) or 0)


def post_office_supplies(client: TestClient, token: str) -> int:
    r = client.post("/ledger/input", data=form(token, office_supplies()), follow_redirects=False)
    assert r.status_code == 303, r.text
    match = re.search(r"posted=(\d+)", r.headers["location"])
    assert match
    return int(match.group(1))


# ---------------------------------------------------------------- entering


def test_an_entry_typed_in_the_form_is_in_the_general_ledger_and_the_trial_balance(
        client: TestClient, demo_db: Database) -> None:
    token = login(client, ACCOUNTING)
    entry_id = post_office_supplies(client, token)
    page = client.get(f"/ledger/input?posted={entry_id}")
    assert "を計上しました" in page.text

    detail = tables(client.get(f"/ledger/entries/{entry_id}").text).tables["entry-lines"]
    # account, debit, credit of each posted line (tax split as computed in the module comment)
    assert [(r[1], r[5], r[6]) for r in detail[:-1]] == [
        ("6280 事務用品費", "¥10,000", ""), ("1460 仮払消費税", "¥1,000", ""),
        ("6270 消耗品費", "¥5,055", ""), ("1460 仮払消費税", "¥505", ""), ("1120 小口現金", "", "¥16,560")]
    assert detail[0][3] == "管理部" and detail[0][7] == "コピー用紙"

    gl = client.get(f"/ledger/general-ledger?account=1120&from={DAY}&to={DAY}")
    parsed = tables(gl.text)
    rows = parsed.tables["gl-table"]
    # opening row, then the one line: credit 16,560, running balance (debit side) -16,560
    assert rows[0][-1] == "¥0"
    assert rows[1][1].startswith("JE-2026-") and rows[1][2] == "諸口"
    assert (rows[1][5], rows[1][6], rows[1][7]) == ("", "¥16,560", "-¥16,560")
    assert parsed.links["gl-table"][1][1] == f"/ledger/entries/{entry_id}"  # the line links to its entry

    tb = tables(client.get(f"/ledger/trial-balance?from={DAY}&to={DAY}").text)
    by_code = {r[0]: r for r in tb.tables["report-table"] if r[0]}
    # 期首 / 借方 / 貸方 / 借方残高 / 貸方残高: a credit balance is in its own column, never a negative
    assert [yen(x) if x else 0 for x in by_code["1120"][2:]] == [0, 0, 16_560, 0, 16_560]
    assert by_code["1120"][5] == "" and "-" not in by_code["1120"][6]
    assert [yen(x) if x else 0 for x in by_code["6280"][2:]] == [0, 10_000, 0, 10_000, 0]
    assert [yen(x) if x else 0 for x in by_code["6270"][2:]] == [0, 5_055, 0, 5_055, 0]
    assert yen(by_code["1460"][3]) == 1_505 and yen(by_code["1460"][4]) == 0
    total = tb.tables["report-table"][-1]
    assert (yen(total[3]), yen(total[4])) == (16_560, 16_560)
    # each balance drills down to that account's ledger for the same range
    link = next(lk for r, lk in zip(tb.tables["report-table"], tb.links["report-table"], strict=True)
                if r[0] == "1120")[6]  # its 貸方残高
    assert link == f"/ledger/general-ledger?account=1120&from={DAY}&to={DAY}"


def test_an_unbalanced_entry_comes_back_with_the_difference_and_nothing_is_written(
        client: TestClient, demo_db: Database) -> None:
    token = login(client, ACCOUNTING)
    before = entry_count(demo_db)
    lines = [("6280", "", "10,000", "", "", "", ""), ("1120", "", "", "9,000", "", "", "")]
    r = client.post("/ledger/input", data=form(token, lines))
    assert r.status_code == 422
    # 借方 10,000 - 貸方 9,000 = 差額 1,000
    assert "借方合計（10000円）と貸方合計（9000円）が一致しません（差額 1000円）" in r.text
    assert 'value="10,000"' in r.text and 'value="9,000"' in r.text  # what was typed is kept
    assert entry_count(demo_db) == before


def test_each_problem_is_shown_next_to_the_line_that_has_it(client: TestClient, demo_db: Database) -> None:
    token = login(client, ACCOUNTING)
    # Line 1 is split by the tax (two posted lines), yet the unknown account is reported on line 2 as typed.
    lines = [("6280", "", "11,000", "", "purchase_10", "", ""), ("9999 存在しない科目", "", "", "11,000", "", "", ""),
             ("1120", "", "12.5", "", "", "", "")]
    r = client.post("/ledger/input", data=form(token, lines))
    assert r.status_code == 422
    assert re.search(r'data-error-for="lines\[2\]\.debit">金額は整数', r.text)
    r = client.post("/ledger/input", data=form(token, lines[:2]))
    assert r.status_code == 422
    assert re.search(
        r'data-error-for="lines\[1\]\.account">勘定科目「9999 存在しない科目」は登録されていません', r.text
    )


def test_a_draft_is_saved_edited_and_posted(client: TestClient, demo_db: Database) -> None:
    token = login(client, ACCOUNTING)
    r = client.post("/ledger/input", data=form(token, office_supplies(), action="draft"), follow_redirects=False)
    assert r.status_code == 303
    draft_id = int(r.headers["location"].split("saved=")[1])
    listing = client.get("/ledger/drafts")
    assert "事務用品・消耗品の購入" in listing.text
    edit = client.get(f"/ledger/drafts/{draft_id}")
    assert 'value="11,000"' in edit.text and 'value="6280 事務用品費"' in edit.text
    r = client.post(f"/ledger/drafts/{draft_id}", data=form(token, office_supplies()), follow_redirects=False)
    assert r.status_code == 303
    detail = client.get(f"/ledger/entries/{draft_id}")
    assert re.search(r'data-testid="entry-no">JE-2026-\d{6}<', detail.text)
    with demo_db.uow() as uow:
        entry = uow.session.get(JournalEntry, draft_id)
        assert entry is not None and entry.status == "posted" and entry.number is not None


def test_a_posted_entry_cannot_be_changed_through_the_screens(client: TestClient, demo_db: Database) -> None:
    token = login(client, ACCOUNTING)
    entry_id = post_office_supplies(client, token)
    changed = office_supplies()
    changed[0] = ("6280", "", "99,000", "", "", "", "")
    changed[2] = ("1120", "", "", "104,560", "", "", "")
    r = client.post(f"/ledger/drafts/{entry_id}", data=form(token, changed))
    assert r.status_code == 409
    assert "計上済みの仕訳は変更できません" in r.text
    r = client.post(f"/ledger/drafts/{entry_id}/delete", data={"csrf_token": token})
    assert r.status_code == 409
    with demo_db.uow() as uow:
        debits = sorted(uow.session.scalars(select(JournalLine.debit).where(JournalLine.entry_id == entry_id)))
    assert debits == [0, 505, 1_000, 5_055, 10_000]


def test_correcting_posts_a_reversal_and_the_corrected_entry_linked_to_the_original(
        client: TestClient, demo_db: Database) -> None:
    token = login(client, ACCOUNTING)
    entry_id = post_office_supplies(client, token)
    page = client.get(f"/ledger/entries/{entry_id}/correct")
    # the form shows the lines as typed: net + tax joined back into the tax-inclusive amounts
    assert 'value="11,000"' in page.text and 'value="5,560"' in page.text and 'value="16,560"' in page.text
    corrected = office_supplies()
    corrected[1] = ("消耗品費", "", "6,600", "", "purchase_10", "", "トナー")  # tax 600, net 6,000
    corrected[2] = ("1120", "", "", "17,600", "", "", "")
    r = client.post(f"/ledger/entries/{entry_id}/correct", data=form(token, corrected), follow_redirects=False)
    assert r.status_code == 303, r.text
    new_id = int(r.headers["location"].split("/")[3].split("?")[0])
    original = client.get(f"/ledger/entries/{entry_id}").text
    assert "取消仕訳" in original and f'href="/ledger/entries/{new_id}"' in original
    # On 2026-11-21: 16,560 posted, reversed (-16,560), then 17,600: 小口現金 credit balance 17,600.
    tb = tables(client.get(f"/ledger/trial-balance?from={DAY}&to={DAY}").text).tables["report-table"]
    row = next(r for r in tb if r[0] == "1120")
    assert [yen(x) if x else 0 for x in row[2:]] == [0, 16_560, 16_560 + 17_600, 0, 17_600]
    row = next(r for r in tb if r[0] == "6270")
    assert yen(row[5]) == 6_000  # 5,055 posted, reversed, 6,000 posted


def test_reversing_from_the_entry_page(client: TestClient, demo_db: Database) -> None:
    token = login(client, ACCOUNTING)
    entry_id = post_office_supplies(client, token)
    r = client.post(f"/ledger/entries/{entry_id}/reverse", data={"csrf_token": token, "reversal_date": "",
                                                                 "reason": "二重計上"}, follow_redirects=False)
    assert r.status_code == 303
    reversal = client.get(r.headers["location"]).text
    assert "取消元の仕訳" in reversal and f'href="/ledger/entries/{entry_id}"' in reversal
    again = client.post(f"/ledger/entries/{entry_id}/reverse", data={"csrf_token": token})
    assert again.status_code == 409 and "既に取消" in again.text
    gl = tables(client.get(f"/ledger/general-ledger?account=1120&from={DAY}&to={DAY}").text).tables["gl-table"]
    assert gl[-1][-1] == "¥0"  # 16,560 credit then 16,560 debit


def test_a_locked_month_refuses_posting_with_a_clear_message(client: TestClient, demo_db: Database) -> None:
    token = login(client, ACCOUNTING)
    before = entry_count(demo_db)
    r = client.post("/ledger/input", data=form(token, office_supplies(), day="2026-05-11"))  # demo locks 2026-05
    assert r.status_code == 422
    assert re.search(r'<div class="error">2026-05 は月次締め済みのため計上できません。</div>', r.text)
    # lock November through the screen, be refused, unlock with a reason, post
    r = client.post("/ledger/periods/lock", data={"csrf_token": token, "month": "2026-11", "fiscal_year": "2026"},
                    follow_redirects=False)
    assert r.status_code == 303
    assert client.post("/ledger/input", data=form(token, office_supplies())).status_code == 422
    r = client.post("/ledger/periods/unlock", data={"csrf_token": token, "month": "2026-11", "fiscal_year": "2026",
                                                    "reason": "請求書の計上漏れ"}, follow_redirects=False)
    assert r.status_code == 303
    post_office_supplies(client, token)
    assert entry_count(demo_db) == before + 1


@pytest.mark.parametrize("email", [REQUESTER, SALES_ADMIN])
def test_people_outside_accounting_cannot_reach_the_ledger(client: TestClient, demo_db: Database,
                                                           email: str) -> None:
    token = login(client, email)
    assert "仕訳入力" not in client.get("/").text
    for url in ("/ledger/input", "/ledger/entries", "/ledger/entries/1", "/ledger/drafts", "/ledger/journal",
                "/ledger/general-ledger?account=1110", "/ledger/trial-balance", "/ledger/trial-balance?format=csv",
                "/ledger/monthly", "/ledger/income-statement", "/ledger/balance-sheet", "/ledger/tax-summary",
                "/ledger/accounts", "/ledger/sub-accounts", "/ledger/periods", "/ledger/recurring",
                "/ledger/closing", "/ledger/check?run=1", "/ledger/accounts/search?q=1"):
        assert client.get(url).status_code == 403, url
    before = entry_count(demo_db)
    assert client.post("/ledger/input", data=form(token, office_supplies())).status_code == 403
    assert client.post("/ledger/periods/lock", data={"csrf_token": token, "month": "2026-11"}).status_code == 403
    assert entry_count(demo_db) == before


# ---------------------------------------------------------------- reports and their files


REPORTS = [
    f"/ledger/journal?from={DAY}&to={DAY}",
    f"/ledger/general-ledger?account=1120&from={DAY}&to={DAY}",
    f"/ledger/trial-balance?from={DAY}&to={DAY}",
    "/ledger/monthly?fiscal_year=2026",
    "/ledger/income-statement?from=2026-11-01&to=2026-11-30",
    "/ledger/balance-sheet?as_of=2026-11-21",
    "/ledger/tax-summary?from=2026-11-01&to=2026-11-30",
]


def screen_cell(text: str) -> str:
    """A screen cell written as the CSV writes it: yen as plain integers (¥1,234 on most screens, 1,234 and △1,234
    on a Japanese statement), dates ISO."""
    if re.fullmatch(r"-?¥[\d,]+", text):
        return str(yen(text))
    if re.fullmatch(r"△?\d{1,3}(,\d{3})*", text):  # a Japanese statement's amount: 1,234 or △1,234
        return str(-int(text[1:].replace(",", "")) if text.startswith("△") else int(text.replace(",", "")))
    m = re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})日", text)
    if m:
        return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    return text


def test_every_report_downloads_in_every_format_with_the_figures_of_the_screen(
        client: TestClient, demo_db: Database) -> None:
    token = login(client, ACCOUNTING)
    post_office_supplies(client, token)
    for url in REPORTS:
        screen = client.get(url)
        assert screen.status_code == 200, url
        parsed = tables(screen.text)
        shown = parsed.tables.get("gl-table") or parsed.tables["report-table"]
        assert shown, url

        csv_file = client.get(url + "&format=csv")
        assert csv_file.status_code == 200 and csv_file.content.startswith(b"\xef\xbb\xbf"), url
        assert "attachment" in csv_file.headers["content-disposition"]
        rows = list(csv.reader(io.StringIO(csv_file.content.decode("utf-8-sig"))))
        assert [[c.strip() for c in r] for r in rows[1:]] == [[screen_cell(c) for c in r] for r in shown], url

        as_json = json.loads(client.get(url + "&format=json").content)
        assert isinstance(as_json, list) and len(as_json) == len(shown), url

        xlsx = client.get(url + "&format=xlsx")
        book = load_workbook(io.BytesIO(xlsx.content))
        assert book.active is not None and book.active.max_row == 3 + len(shown), url  # title, range, header

        pdf = client.get(url + "&format=pdf")
        assert pdf.content.startswith(b"%PDF") and pdf.headers["content-type"] == "application/pdf", url


def test_statements_show_the_japanese_layout_and_balance(client: TestClient, demo_db: Database) -> None:
    login(client, ACCOUNTING)
    pl = client.get("/ledger/income-statement?from=2026-04-01&to=2027-03-31").text
    labels = [r[1] for r in tables(pl).tables["report-table"]]
    # each step is named by its sign (営業利益 / 営業損失, 会社計算規則 90条-94条): the demo's year so far may be either
    steps = [("売上総利益", "売上総損失"), ("営業利益", "営業損失"), ("経常利益", "経常損失"),
             ("税引前当期純利益", "税引前当期純損失"), ("当期純利益", "当期純損失")]
    at = [next(i for i, label in enumerate(labels) if label.startswith(s)) for s in steps]
    assert at == sorted(at)
    bs = client.get("/ledger/balance-sheet?as_of=2026-11-20").text
    assert 'data-testid="bs-balanced"' in bs


def test_the_trial_balance_of_one_department_is_not_called_unbalanced(client: TestClient, demo_db: Database) -> None:
    """The demo's 営業部 holds the sales (credit 売上高) whose 売掛金 carries no 部門: by department the debits can
    never equal the credits. The whole books balance and say so; one department's figures are not checked. Failed
    before: filtering 営業部 showed the red 「貸借不一致」 badge, a false alarm on sound books."""
    from ennoshita.ledger import queries as q
    from ennoshita.ledger.models import Department

    login(client, ACCOUNTING)
    with demo_db.uow() as uow:
        sales = uow.session.scalar(select(Department.id).where(Department.name == "営業部"))
        whole = q.trial_balance(uow.session, dt.date(2025, 4, 1), dt.date(2026, 3, 31), 4)
        one = q.trial_balance(uow.session, dt.date(2025, 4, 1), dt.date(2026, 3, 31), 4,
                              q.Dimension(department_id=sales))
    assert whole.checkable and whole.balanced and whole.total_debit == whole.total_credit
    # 営業部 in FY2025: 売上高 credits only (and its 仮受消費税), nothing on the debit side to match
    assert not one.checkable and one.total_debit != one.total_credit
    page = client.get("/ledger/trial-balance?from=2025-04-01&to=2026-03-31").text
    assert 'data-testid="tb-balanced"' in page
    page = client.get(f"/ledger/trial-balance?from=2025-04-01&to=2026-03-31&department={sales}").text
    assert 'data-testid="tb-not-checked"' in page and "貸借不一致" not in page


def test_an_account_added_on_the_chart_screen_shows_the_group_it_lands_in(client: TestClient) -> None:
    """The 勘定科目 screen names each fixed-asset and net-asset account's group of the 貸借対照表
    (固定資産（有形固定資産）), and an account added there (1580 構築物) lands in its group by its code. Failed
    before: only 「固定資産」."""
    token = login(client, ACCOUNTING)
    added = client.post("/ledger/accounts", data={"csrf_token": token, "code": "1580", "name": "構築物",
                                                  "name_kana": "コウチクブツ", "section": "fixed_assets",
                                                  "default_tax_category": ""}, follow_redirects=False)
    assert added.status_code == 303, added.text
    page = client.get("/ledger/accounts").text
    rows = {re.sub(r"<[^>]+>", "", m.group(1)).split()[0]: re.sub(r"<[^>]+>", " ", m.group(1))
            for m in re.finditer(r'<tr[^>]*data-code="\d+"[^>]*>(.*?)</tr>', page, re.S)}
    assert "固定資産（有形固定資産）" in rows["1550"] and "固定資産（有形固定資産）" in rows["1580"]
    assert "固定資産（無形固定資産）" in rows["1610"] and "固定資産（投資その他の資産）" in rows["1730"]
    assert "純資産（自己株式）" in rows["3310"] and "流動資産" in rows["1110"] and "（" not in rows["1110"]
