"""Issue 13 item 9: a list's CSV export holds every row its filter matches (not one page), in UTF-8 with BOM
or cp932, with no cell a spreadsheet would run as a formula; partners are imported on screen, all or nothing.

The batch size is set to 2 so the export crosses several keyset batches on the demo's partners.
"""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient

from ennoshita import exports
from ennoshita.db import Database
from ennoshita.identity import services as identity
from ennoshita.sales import partners
from tests.conftest import login

SALES_ADMIN = "jimu@demo.ennoshita.jp"


def _rows(body: bytes, encoding: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode(encoding), newline="")))


def _actor(db: Database, email: str):  # type: ignore[no-untyped-def]
    return identity.actor_by_email(db.uow(), email, "web")


def _register(client: TestClient, token: str, code: str, name: str) -> None:
    data = {"csrf_token": token, "code": code, "name": name, "name_kana": "テスト", "honorific": "御中",
            "registration_number": "", "is_customer": "1", "closing_day": "31", "months_after": "1",
            "pay_day": "31", "holiday_shift": "next", "fee_bearer": "payer", "credit_limit": "0"}
    response = client.post("/sales/partners/new", data=data, follow_redirects=False)
    assert response.status_code == 303, response.text[:2000]


def test_partner_export_has_every_filtered_row(client: TestClient, demo_db: Database,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exports, "BATCH", 2)
    token = login(client, SALES_ADMIN)
    _register(client, token, "EXP-001", "=HYPERLINK(\"http://x\")商事")
    for role in ("", "customer", "supplier"):
        response = client.get(f"/sales/partners?role={role}&export=csv&encoding=utf-8")
        assert response.status_code == 200
        assert response.content.startswith(b"\xef\xbb\xbf")  # BOM
        assert "attachment" in response.headers["content-disposition"]
        rows = _rows(response.content, "utf-8-sig")
        with demo_db.uow() as uow:
            actor = _actor(demo_db, SALES_ADMIN)
            expected = sum(1 for _ in partners.export_partners(uow.session, actor, role=role))
        found = partners.search_partners(demo_db.uow(), _actor(demo_db, SALES_ADMIN), role=role, per_page=1)
        assert expected == found.total
        assert len(rows) - 1 == found.total  # header + one line per partner the filter matches
        assert found.total > 2  # more than one batch
    rows = _rows(client.get("/sales/partners?q=EXP-001&export=csv").content, "utf-8-sig")
    assert len(rows) == 2
    assert rows[1][1] == "'=HYPERLINK(\"http://x\")商事"  # neutralised: shown as text, never run


def test_partner_export_cp932_decodes(client: TestClient) -> None:
    login(client, SALES_ADMIN)
    response = client.get("/sales/partners?export=csv&encoding=cp932")
    assert response.status_code == 200
    assert not response.content.startswith(b"\xef\xbb\xbf")
    rows = _rows(response.content, "cp932")
    assert rows[0][0] == "コード（code）"  # the header decodes from cp932
    assert len(rows) > 1
    page = client.get("/sales/partners?role=customer")
    assert "export=csv&amp;encoding=cp932" in page.text and "role=customer" in page.text


def test_unknown_encoding_is_refused(client: TestClient) -> None:
    login(client, SALES_ADMIN)
    response = client.get("/sales/partners?export=csv&encoding=latin-1")
    assert response.status_code == 422


def test_sales_lists_export_every_filtered_row(client: TestClient, demo_db: Database,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from ennoshita.sales import queries as sq

    monkeypatch.setattr(exports, "BATCH", 3)
    login(client, SALES_ADMIN)
    actor = _actor(demo_db, SALES_ADMIN)
    big = sq.PageRequest(1, 1)
    cases = [
        ("/sales/quotes?status=all", sq.list_quotes(demo_db.uow(), actor, sq.QuoteFilter("", ""), big).total),
        ("/sales/quotes", sq.list_quotes(demo_db.uow(), actor, sq.QuoteFilter("", "", current_only=True), big).total),
        ("/sales/orders?status=open",
         sq.list_orders(demo_db.uow(), actor, sq.OrderFilter("", ("open", "partial")), big).total),
        ("/sales/deliveries?unbilled=1",
         sq.list_deliveries(demo_db.uow(), actor, sq.DeliveryFilter("", unbilled=True), big).total),
        ("/sales/deliveries", sq.list_deliveries(demo_db.uow(), actor, sq.DeliveryFilter(""), big).total),
        ("/sales/invoices?payment=open",
         sq.list_invoices(demo_db.uow(), actor, sq.InvoiceFilter("", "", "open"), big).total),
        ("/sales/invoices", sq.list_invoices(demo_db.uow(), actor, sq.InvoiceFilter(""), big).total),
    ]
    for url, total in cases:
        page = client.get(url)
        assert 'data-testid="export-links"' in page.text, url
        sep = "&" if "?" in url else "?"
        for enc, codec in (("utf-8", "utf-8-sig"), ("cp932", "cp932")):
            response = client.get(f"{url}{sep}export=csv&encoding={enc}")
            assert response.status_code == 200, url
            rows = _rows(response.content, codec)
            assert len(rows) - 1 == total, (url, enc)
    assert any(total > 3 for _, total in cases)  # at least one crosses batches


def test_other_lists_export_every_filtered_row(client: TestClient, demo_db: Database,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """入金消込, 経費精算 (everyone's), the desk queue and the audit trail: one line per row the filter matches."""
    from ennoshita import audit
    from ennoshita.desk import queries as dq
    from ennoshita.expenses import services as ex
    from ennoshita.sales import deposit_list

    monkeypatch.setattr(exports, "BATCH", 2)
    login(client, "admin@demo.ennoshita.jp")
    actor = _actor(demo_db, "admin@demo.ennoshita.jp")
    with demo_db.uow() as uow:
        deposits = sum(1 for _ in deposit_list.export_deposits(uow.session, actor))
        unmatched = sum(1 for _ in deposit_list.export_deposits(uow.session, actor, "unmatched"))
        trail = audit.search(uow.session, audit.AuditFilter(), per_page=1).total
    claims = ex.list_claims(demo_db.uow(), actor, mine=False, limit=1)[1]
    approved = ex.list_claims(demo_db.uow(), actor, mine=False, status="approved", limit=1)[1]
    team = "accounting"
    queue = dq.queue(demo_db.uow(), actor, team=team, per_page=1).total
    cases = [("/sales/receipts?", deposits), ("/sales/receipts?status=unmatched&", unmatched),
             ("/expenses/all?", claims), ("/expenses/all?status=approved&", approved),
             (f"/desk/queue?team={team}&status=all&", queue), ("/audit.csv?", trail)]
    for url, total in cases:
        for enc, codec in (("utf-8", "utf-8-sig"), ("cp932", "cp932")):
            response = client.get(f"{url}export=csv&encoding={enc}")
            assert response.status_code == 200, url
            rows = _rows(response.content, codec)
            assert len(rows) - 1 == total, (url, enc, len(rows) - 1, total)
    assert 'data-testid="export-links"' in client.get(f"/desk/queue?team={team}").text
    assert 'data-testid="export-links"' in client.get("/expenses/all").text
    assert 'data-export="cp932"' in client.get("/audit").text
    assert min(deposits, claims, queue, trail) >= 2  # each reads a second keyset batch


def test_partner_import_on_screen_is_all_or_nothing(client: TestClient, demo_db: Database) -> None:
    token = login(client, SALES_ADMIN)
    actor = _actor(demo_db, SALES_ADMIN)
    before = partners.search_partners(demo_db.uow(), actor, active=None, per_page=1).total
    assert client.get("/sales/partners/import").status_code == 200
    bad = ("code,name,closing_day,is_customer\r\n"
           "IMP-001,株式会社取込一号,31,1\r\n"
           "IMP-002,株式会社取込二号,abc,1\r\n"  # line 3: 締め日 is not a number
           "IMP-003,株式会社取込三号,31,maybe\r\n").encode("cp932")  # line 4: not a yes/no
    response = client.post("/sales/partners/import", data={"csrf_token": token},
                           files={"file": ("partners.csv", bad, "text/csv")})
    assert response.status_code == 422
    assert 'data-testid="import-problems"' in response.text
    assert "3行目" in response.text and "4行目" in response.text  # every bad row, each with its line
    assert partners.search_partners(demo_db.uow(), actor, active=None, per_page=1).total == before  # none saved
    good = ("\ufeffcode,name,closing_day,is_customer\r\n"  # UTF-8 with BOM, as Excel writes it
            "IMP-001,株式会社取込一号,31,1\r\nIMP-002,株式会社取込二号,25,1\r\n")
    response = client.post("/sales/partners/import", data={"csrf_token": token},
                           files={"file": ("partners.csv", good.encode("utf-8"), "text/csv")})
    assert response.status_code == 200, response.text[:3000]
    assert 'data-testid="import-done"' in response.text
    assert partners.search_partners(demo_db.uow(), actor, active=None, per_page=1).total == before + 2
