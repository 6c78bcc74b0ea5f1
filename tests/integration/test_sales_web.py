"""The 営業事務 screens on SQLite and PostgreSQL, used as a sales clerk would: register a customer (and be
told inline about a bad 登録番号), quote two lines at 10% and 8%, accept, deliver, run the 締め請求, open
the invoice and download its PDF. A requester sees none of it.

Figures (税抜入力, 切り捨て, tax once per rate):
  精密ベアリング 25個 x 1,234 = 30,850 (10%) -> tax 3,085
  コーヒー豆      3kg x 1,580 =  4,740 (8%)  -> tax 379.2 -> 379
  net 35,590, tax 3,464, gross 39,054.
"""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.conftest import REQUESTER, login

SALES_ADMIN = "jimu@demo.ennoshita.jp"
CODE = "WEB-C01"
NAME = "株式会社ウェブ試験商事"


def _testid(html: str, testid: str) -> str:
    match = re.search(rf'data-testid="{testid}">([^<]*)<', html)
    assert match, f"no {testid} in the page"
    return match.group(1)


def _partner_form(token: str, **over: str) -> dict[str, str]:
    data = {"csrf_token": token, "code": CODE, "name": NAME, "name_kana": "カブシキガイシャウェブシケンショウジ",
            "honorific": "御中", "registration_number": "T5010001008846", "is_customer": "1",
            "closing_day": "25", "months_after": "1", "pay_day": "31", "holiday_shift": "next",
            "fee_bearer": "payer", "credit_limit": "1,000,000", "bank_code": "", "branch_code": "",
            "account_type": "", "account_number": "", "account_holder_kana": "", "notes": ""}
    data.update(over)
    return data


def _register_customer(client: TestClient, token: str) -> int:
    bad = client.post("/sales/partners/new", data=_partner_form(token, registration_number="T1234567890123"))
    assert bad.status_code == 422
    # the message sits next to the 登録番号 field, and what was typed is kept
    field = re.search(r'<div class="field invalid">\s*<label for="f-registration_number">.*?</div>\s*</div>', bad.text,
                      re.S)
    assert field and 'class="error"' in field.group(0)
    assert f'value="{NAME}"' in bad.text
    assert 'data-testid="partners-table"' not in client.get(f"/sales/partners?q={CODE}").text  # nothing saved

    ok = client.post("/sales/partners/new", data=_partner_form(token), follow_redirects=False)
    assert ok.status_code == 303, ok.text
    listing = client.get(f"/sales/partners?q={CODE}").text
    match = re.search(r'href="/sales/partners/(\d+)">' + re.escape(CODE), listing)
    assert match, listing
    edit = client.get(f"/sales/partners/{match.group(1)}").text
    assert 'value="T5010001008846"' in edit and 'value="25" selected' in edit
    return int(match.group(1))


def test_quote_to_invoice_through_the_screens(client: TestClient) -> None:
    token = login(client, SALES_ADMIN)
    partner_id = _register_customer(client, token)

    # 見積書: two lines at 10% and 8%, an empty row left over
    form = {"csrf_token": token, "partner_id": str(partner_id), "issue_date": "2026-11-21",
            "valid_until": "2026-12-21", "subject": "ベアリング・消耗品のお見積", "price_entry": "exclusive",
            "lines[0].description": "精密ベアリング", "lines[0].quantity": "25", "lines[0].unit": "個",
            "lines[0].unit_price": "1,234", "lines[0].tax_rate": "10",
            "lines[1].description": "コーヒー豆（業務用）", "lines[1].quantity": "3", "lines[1].unit": "kg",
            "lines[1].unit_price": "1580", "lines[1].tax_rate": "8",
            "lines[2].description": "", "lines[2].quantity": "", "lines[2].unit_price": "", "lines[2].tax_rate": "10"}
    bad = client.post("/sales/quotes/new", data={**form, "lines[1].quantity": "abc"})
    assert bad.status_code == 422 and 'data-error-for="lines[1].quantity"' in bad.text
    created = client.post("/sales/quotes/new", data=form, follow_redirects=False)
    assert created.status_code == 303, created.text
    quote_url = created.headers["location"].split("?")[0]
    page = client.get(quote_url).text
    assert _testid(page, "tax-10") == "¥3,085" and _testid(page, "tax-8") == "¥379"
    assert (_testid(page, "net"), _testid(page, "tax"), _testid(page, "gross")) == ("¥35,590", "¥3,464", "¥39,054")
    assert "※" in page
    quote_pdf = client.get(f"{quote_url}/pdf")
    assert quote_pdf.status_code == 200 and quote_pdf.content.startswith(b"%PDF")
    assert "filename*=UTF-8''" in quote_pdf.headers["content-disposition"]

    # 受注する → the order, then 納品 of everything
    accepted = client.post(f"{quote_url}/accept", data={"csrf_token": token, "order_date": "2026-11-21"},
                           follow_redirects=False)
    assert accepted.status_code == 303 and "/sales/orders/" in accepted.headers["location"]
    order_url = accepted.headers["location"].split("?")[0]
    order = client.get(order_url).text
    line_ids = re.findall(r'name="qty_(\d+)"', order)
    assert len(line_ids) == 2
    over = client.post(f"{order_url}/deliver", data={"csrf_token": token, "delivery_date": "2026-11-22",
                                                     f"qty_{line_ids[0]}": "26", f"qty_{line_ids[1]}": "3"})
    assert over.status_code == 422 and f'data-error-for="qty_{line_ids[0]}"' in over.text
    delivered = client.post(f"{order_url}/deliver", data={"csrf_token": token, "delivery_date": "2026-11-22",
                                                          f"qty_{line_ids[0]}": "25", f"qty_{line_ids[1]}": "3"},
                            follow_redirects=False)
    assert delivered.status_code == 303, delivered.text
    assert client.get(delivered.headers["location"]).status_code == 200
    assert "data-status=\"delivered\"" in client.get(order_url).text
    assert NAME in client.get("/sales/deliveries?unbilled=1").text

    # 締め請求 on the customer's closing day (25日)
    preview = client.get("/sales/billing?closing_date=2026-11-25").text
    assert NAME in preview and "¥39,054" in preview
    run = client.post("/sales/billing", data={"csrf_token": token, "closing_date": "2026-11-25",
                                              "issue_date": "2026-11-25"})
    assert run.status_code == 200, run.text
    row = re.search(r'href="/sales/invoices/(\d+)">[^<]+</a></td>\s*<td[^>]*>[^<]*</td><td>' + re.escape(NAME),
                    run.text)
    assert row, run.text
    invoice_id = row.group(1)
    assert f'name="id" value="{invoice_id}"' in run.text
    assert NAME not in client.get("/sales/deliveries?unbilled=1").text

    invoice = client.get(f"/sales/invoices/{invoice_id}").text
    assert _testid(invoice, "gross") == "¥39,054" and _testid(invoice, "tax-8") == "¥379"
    # 出荷基準 (default): the sale was posted by the delivery; the invoice's tax equals the delivery's: no entry
    assert "※" in invoice and 'data-testid="journal-on-delivery"' in invoice and "T7123456789012" in invoice
    assert NAME in client.get("/sales/invoices?payment=open").text

    pdf = client.get(f"/sales/invoices/{invoice_id}/pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert "attachment" in pdf.headers["content-disposition"]
    archive = client.get(f"/sales/invoices/zip?closing_date=2026-11-25&id={invoice_id}")
    assert archive.status_code == 200 and archive.content.startswith(b"PK")

    receipts = client.get("/sales/receipts")
    assert receipts.status_code == 200 and 'data-testid="ar-check"' in receipts.text
    bad_csv = client.post("/sales/receipts/import", data={"csrf_token": token},
                          files={"file": ("bank.csv", "日付,金額\nnot,a,deposit\n".encode(), "text/csv")})
    assert bad_csv.status_code == 422 and 'class="alert alert-error"' in bad_csv.text

    # every other screen opens
    for path in ("/sales/items", "/sales/quotes", "/sales/quotes?status=all", "/sales/orders", "/sales/orders/new",
                 "/sales/deliveries", "/sales/invoices", "/sales/invoices?kind=invoice", f"{quote_url}",
                 f"/sales/invoices/{invoice_id}?form=credit", f"/sales/invoices/{invoice_id}?form=replace",
                 "/sales/partners/new", "/sales/billing"):
        assert client.get(path).status_code == 200, path
    credit = client.post(f"/sales/invoices/{invoice_id}/credit", data={
        "csrf_token": token, "issue_date": "2026-11-26", "reason": "返品",
        "lines[0].description": "コーヒー豆（業務用）", "lines[0].quantity": "1", "lines[0].unit_price": "1580",
        "lines[0].tax_rate": "8"}, follow_redirects=False)
    assert credit.status_code == 303, credit.text
    note = client.get(credit.headers["location"]).text
    assert "返還請求書" in note and _testid(note, "gross") == "¥1,706"  # 1,580 + 126 (8%, 切り捨て)


def test_requester_is_refused_the_sales_screens(client: TestClient) -> None:
    login(client, REQUESTER)
    for path in ("/sales/partners", "/sales/items", "/sales/quotes", "/sales/orders", "/sales/deliveries",
                 "/sales/invoices", "/sales/billing", "/sales/receipts", "/sales/partners/new"):
        assert client.get(path).status_code == 403, path
    assert "/sales/quotes" not in client.get("/").text
