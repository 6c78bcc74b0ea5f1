"""Issue 13 items 7 and 10 on the 仕訳入力 screen: one submit shows every error at once, each beside its field
(an unreadable amount on one line, an unknown account on another, a 摘要 over its 200 characters), instead of
the amount alone and the rest on the next submit; nothing is posted."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.conftest import ACCOUNTING, login

DAY = "2026-11-21"


def test_every_error_of_the_entry_form_at_once(client: TestClient) -> None:
    token = login(client, ACCOUNTING)
    data = {"csrf_token": token, "entry_date": DAY, "description": "摘" * 201, "counterparty": "文具のさくら",
            "action": "post"}
    rows = [("6280 事務用品費", "1l,000", ""),  # line 1: not an amount (a letter l for a one)
            ("9999", "5,000", ""),  # line 2: no such account
            ("1110", "", "16,000")]
    for i, (account, debit, credit) in enumerate(rows):
        data.update({f"lines[{i}].account": account, f"lines[{i}].sub_account": "", f"lines[{i}].debit": debit,
                     f"lines[{i}].credit": credit, f"lines[{i}].tax_category": "", f"lines[{i}].department": "",
                     f"lines[{i}].memo": ""})
    response = client.post("/ledger/input", data=data, follow_redirects=False)
    assert response.status_code == 422
    html = response.text
    assert "金額は整数（円）で入力してください。" in html  # line 1's debit
    assert "勘定科目「9999」は登録されていません。" in html  # line 2's account, on the same submit
    described = re.search(r'id="f-description".*?<div class="error">([^<]*)</div>', html, re.S)
    assert described and "200文字以内" in described.group(1)  # the 摘要, beside its field


def test_a_date_that_cannot_be_read_is_reported_with_the_rest(client: TestClient) -> None:
    """The first walk: 日付 2026-13-45 on 仕訳入力 showed the date's message and hid the unknown account and the
    摘要 over 200 characters until the next submit."""
    token = login(client, ACCOUNTING)
    data = {"csrf_token": token, "entry_date": "2026-13-45", "description": "摘" * 201, "counterparty": "",
            "action": "post"}
    for i, (account, debit, credit) in enumerate([("9999", "5,000", ""), ("1110", "", "5,000")]):
        data.update({f"lines[{i}].account": account, f"lines[{i}].sub_account": "", f"lines[{i}].debit": debit,
                     f"lines[{i}].credit": credit, f"lines[{i}].tax_category": "", f"lines[{i}].department": "",
                     f"lines[{i}].memo": ""})
    response = client.post("/ledger/input", data=data, follow_redirects=False)
    assert response.status_code == 422
    html = response.text
    assert "日付を YYYY-MM-DD の形で入力してください。" in html
    assert "勘定科目「9999」は登録されていません。" in html
    described = re.search(r'id="f-description".*?<div class="error">([^<]*)</div>', html, re.S)
    assert described and "200文字以内" in described.group(1)
