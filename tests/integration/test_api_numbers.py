"""API numbers (issue 13 item 4): JSON integers for quantities and yen amounts, decimal strings for fractions, a
JSON fraction for a yen amount refused with a clear message, and the rule in the OpenAPI descriptions."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from ennoshita.db import Database
from tests.conftest import ACCOUNTING, ADMIN
from tests.integration.test_api import auth, token_for


@pytest.fixture
def admin(client: TestClient, demo_db: Database) -> dict[str, str]:
    return auth(token_for(demo_db, ADMIN))


def _customer(client: TestClient, admin: dict[str, str]) -> int:
    r = client.post("/api/v1/partners", headers=admin, json={"name": "株式会社かえで", "name_kana": "",
                                                              "registration_number": "", "credit_limit": 500000})
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def test_an_invoice_takes_json_integers_and_decimal_strings(client: TestClient, admin: dict[str, str]) -> None:
    pid = _customer(client, admin)
    # 1 x 105 = 105 and 2.5 x 200 = 500 (10%): net 605
    r = client.post("/api/v1/invoices", headers=admin, json={
        "partner_id": pid, "issue_date": "2026-12-10",
        "lines": [{"description": "部品", "quantity": 1, "unit_price": 105, "tax_rate": "10"},
                  {"description": "加工", "quantity": "2.5", "unit_price": 200, "tax_rate": "10"}]})
    assert r.status_code == 201, r.text
    assert [ln["amount"] for ln in r.json()["lines"]] == [105, 500]


def test_a_json_fraction_is_refused_with_a_message_naming_the_field(client: TestClient,
                                                                    admin: dict[str, str]) -> None:
    pid = _customer(client, admin)
    r = client.post("/api/v1/invoices", headers={**admin, "Accept-Language": "ja"}, json={
        "partner_id": pid, "issue_date": "2026-12-10",
        "lines": [{"description": "部品", "quantity": 1.5, "unit_price": 105, "tax_rate": "10"}]})
    assert r.status_code == 422
    [error] = r.json()["errors"]
    assert error["code"] == "error.decimal_as_string" and error["field"] == "lines.0.quantity"
    assert "文字列" in error["message"]


def test_a_yen_amount_with_a_fraction_is_refused(client: TestClient, demo_db: Database) -> None:
    keiri = auth(token_for(demo_db, ACCOUNTING))
    body: dict[str, Any] = {"date": "2026-12-01", "description": "会議費", "lines": [
        {"account": "6240", "tax_category": "purchase_10", "debit": 3300.5},
        {"account": "1120", "credit": "3,300"}]}
    r = client.post("/api/v1/journal-entries", headers=keiri, json=body)
    assert r.status_code == 422
    [error] = r.json()["errors"]
    assert error["code"] == "error.yen_integer" and error["field"] == "lines.0.debit"
    assert "円単位の整数" in error["message"]
    body["lines"][0]["debit"] = 3300
    assert client.post("/api/v1/journal-entries", headers=keiri, json=body).status_code == 201


def test_the_rule_is_in_the_openapi_descriptions(client: TestClient) -> None:
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    line = schema["InvoiceLineIn"]["properties"]
    assert {"type": "integer"} in line["quantity"]["anyOf"] and "decimal string" in line["quantity"]["description"]
    entry_line = next(v for k, v in schema.items() if k.endswith("LineIn") and "debit" in v["properties"])
    assert "fraction" in entry_line["properties"]["debit"]["description"]
