"""The 営業事務 and 購買 first walk (issue 13), on the screens: what a clerk met on the first day."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.conftest import login

CLERK = "jimu@demo.ennoshita.jp"


def _partner_id(client: TestClient, code: str) -> str:
    match = re.search(r'<option value="(\d+)"[^>]*>' + re.escape(code) + " ", client.get("/sales/quotes/new").text)
    assert match
    return match.group(1)


def test_a_negative_unit_price_on_the_grid_is_a_discount_line(client: TestClient) -> None:
    # 出精値引 as a clerk types it: a line with -1,200. The grid has no other way to say 値引, so the message
    # "マイナスの金額は値引行でのみ使えます" left the clerk with no way forward.
    token = login(client, CLERK)
    form = {"csrf_token": token, "partner_id": _partner_id(client, "C0001"), "issue_date": "2026-11-21",
            "valid_until": "2026-12-21", "subject": "リニアガイドのお見積", "price_entry": "exclusive",
            "lines[0].item_code": "P-1002", "lines[0].quantity": "2",
            "lines[1].description": "出精値引", "lines[1].quantity": "1", "lines[1].unit_price": "-1,200"}
    created = client.post("/sales/quotes/new", data=form, follow_redirects=False)
    assert created.status_code == 303, re.findall(r'class="error"[^>]*>([^<]*)<', created.text)
    page = client.get(created.headers["location"]).text
    # 18,600 x 2 - 1,200 = 36,000; tax 3,600
    assert 'data-testid="gross">¥39,600<' in page
    # a negative quantity is not a 値引: the message says how to enter one
    wrong = client.post("/sales/quotes/new", data={**form, "lines[1].quantity": "-1", "lines[1].unit_price": "1,200"})
    assert wrong.status_code == 422 and "単価をマイナス（例: -1,200）" in wrong.text


def test_a_refused_manual_match_keeps_the_customer_and_what_was_typed(client: TestClient) -> None:
    # ¥55,000 from ヤマダ タロウ: ¥4,665 to さくら台クリニック's open invoice, the rest kept as 預り残高, mistyped
    # as 50,000. The page came back with the customer gone (search again, type again) and a sum that left the
    # 預り残高 out: "消込額の合計 4665 円から手数料 0 円を引いた額が入金額 55000 円と一致しません".
    token = login(client, CLERK)
    receipts = client.get("/sales/receipts").text
    deposit = re.search(r"ヤマダ タロウ.*?/sales/receipts/(\d+)/manual", receipts, re.S)
    assert deposit
    url = f"/sales/receipts/{deposit.group(1)}/manual"
    partner = re.search(r"manual\?partner=(\d+)\">C0005 ", client.get(url, params={"q": "さくら"}).text)
    assert partner
    form = client.get(url, params={"partner": partner.group(1)}).text
    alloc = re.search(r'name="(alloc_\d+)" value="(\d+)"', form)
    assert alloc and alloc.group(2) == "4665"
    bad = client.post(url, data={"csrf_token": token, "partner_id": partner.group(1), alloc.group(1): "4,665",
                                 "fee": "0", "to_credit": "50,000"})
    assert bad.status_code == 422
    assert "消込額の合計 4,665円 − 手数料 0円 ＋ 預り残高 50,000円 が入金額 55,000円 と一致しません。" in bad.text
    assert 'name="partner_id" value="' + partner.group(1) + '"' in bad.text
    assert f'name="{alloc.group(1)}" value="4,665"' in bad.text and 'name="to_credit" value="50,000"' in bad.text
    ok = client.post(url, data={"csrf_token": token, "partner_id": partner.group(1), alloc.group(1): "4,665",
                                "fee": "0", "to_credit": "50,335"}, follow_redirects=False)
    assert ok.status_code == 303


def test_a_bill_shows_its_accounts_by_name_and_the_three_way_match_as_numbers(client: TestClient) -> None:
    # The bill page showed the 勘定科目 as a bare "5120", and the 三点照合 as stored text: 20.000, 3333.00, 0.00000.
    login(client, "kobai@demo.ennoshita.jp")
    match = re.search(r'href="(/purchasing/bills/\d+)">BILL-2026-000001<', client.get("/purchasing/bills").text)
    assert match
    page = client.get(match.group(1)).text
    assert re.search(r'<span class="mono">5120</span> 仕入高', page)
    table = page[page.index('data-testid="match"'):]
    table = table[:table.index("</section>")]
    assert not re.search(r"\d\.0+<", table), table
    assert re.search(r'<td class="num">\d{1,3}(,\d{3})*</td>', table)


def _yen(text: str) -> int:
    return int(text.replace("¥", "").replace(",", "") or 0)


def test_the_payables_balance_says_how_much_is_received_but_not_yet_billed(client: TestClient) -> None:
    # 関東スチール's 買掛金 was ¥732,969 with 件数 1, and its one open bill ¥59,769: the ¥673,200 of goods received
    # (検収基準) whose bill waits for approval was in the balance with nothing on the page to say so.
    login(client, "kobai@demo.ennoshita.jp")
    page = client.get("/purchasing/payables").text
    row = re.search(r"<td class=\"mono\">S0001</td>.*?</tr>", page, re.S)
    assert row
    cells = re.findall(r'<td class="num"[^>]*>([^<]*)</td>', row.group(0))
    balance, unbilled = _yen(cells[1]), _yen(cells[2])
    assert unbilled > 0 and 'data-testid="unbilled"' in row.group(0)
    supplier = re.search(r"supplier_id=(\d+)", row.group(0))
    assert supplier
    detail = client.get(f"/purchasing/payables?supplier_id={supplier.group(1)}").text
    bills = re.search(r'data-testid="supplier-open-total">([^<]*)<', detail)
    assert (_yen(bills.group(1)) if bills else 0) + unbilled == balance


def test_a_quote_request_naming_items_of_the_master_opens_the_quote_with_their_codes(client: TestClient) -> None:
    # 伊藤 (営業) asks for P-1003 x 5 and 据付調整作業 x 1; 見積書を作成 put "P-1003" in 品名 with no price, so
    # saving it said 単価を入力してください for every line and the clerk looked the items up by hand.
    from urllib.parse import parse_qs, urlparse

    from tests.conftest import REQUESTER

    token = login(client, REQUESTER)
    filed = client.post("/desk/new/quote", data={
        "csrf_token": token, "title": "青葉様 ボールねじ見積", "due_date": "", "fields.customer": "株式会社青葉商事",
        "fields.lines[0].item": "P-1003", "fields.lines[0].quantity": "5",
        "fields.lines[1].item": "据付調整作業", "fields.lines[1].quantity": "1",
        "fields.lines[2].item": "特注治具", "fields.lines[2].quantity": "2",
        "fields.due_date": "2030-04-30", "fields.notes": ""}, follow_redirects=False)
    assert filed.status_code == 303, filed.text
    client.cookies.clear()
    login(client, CLERK)
    page = client.get(filed.headers["location"].split("?")[0]).text
    href = re.search(r'href="([^"]+)" data-testid="make-quote"', page)
    assert href
    params = parse_qs(urlparse(href.group(1).replace("&amp;", "&")).query)
    # the master's item in 品目コード with its name in 品名 (the clerk sees what it is; price and rate from the master)
    assert params["lines[0].item_code"] == ["P-1003"] and params["lines[0].description"][0] not in ("", "P-1003")
    assert params["lines[1].item_code"] == ["S-0001"] and params["lines[1].description"] == ["据付調整作業"]
    assert params["lines[2].description"] == ["特注治具"] and "lines[2].item_code" not in params
    form = client.get(href.group(1).replace("&amp;", "&")).text
    assert 'value="P-1003"' in form and 'value="S-0001"' in form


def test_the_statement_of_a_closing_invoice_scrolls_on_a_phone_instead_of_cutting_the_amount_due(
        client: TestClient) -> None:
    # At 390 px the 御請求明細 (前回御請求額 … 今回御請求額) ran past its card and 今回御請求額 was cut off.
    login(client, CLERK)
    listing = client.get("/sales/invoices").text
    match = re.search(r'href="(/sales/invoices/\d+)">INV-2026-000007<', listing)
    assert match
    page = client.get(match.group(1)).text
    assert re.search(r'<div class="table-wrap">\s*<table class="data" data-testid="statement">', page)


def test_a_payment_run_on_a_phone_keeps_its_download_and_history_in_scrolling_tables(client: TestClient) -> None:
    # At 390 px the 全銀ファイル table ran past its card (金額 and ダウンロード out of sight), and so did 承認履歴.
    login(client, "keiri@demo.ennoshita.jp")
    runs = re.findall(r'href="(/purchasing/payments/\d+)"', client.get("/purchasing/payments").text)
    pages = [client.get(url).text for url in dict.fromkeys(runs)]
    with_files = [p for p in pages if 'data-testid="files"' in p]
    assert with_files, "the demo has an exported run"
    for page in with_files:
        assert re.search(r'data-testid="files"><h2>[^<]*</h2>\s*<div class="table-wrap"><table', page)
    with_history = [p for p in pages if 'data-testid="approval-history"' in p]
    assert with_history
    for page in with_history:
        assert '<div class="table-wrap"><table class="data" data-testid="approval-history">' in page


def test_the_closing_preview_names_its_date_in_japanese(client: TestClient) -> None:
    # "2026-12-20 締め 請求予定" on a page that writes every other date 2026年12月20日
    login(client, CLERK)
    page = client.get("/sales/billing", params={"closing_date": "2026-12-20"}).text
    assert "2026年12月20日 締め 請求予定" in page and "2026-12-20 締め" not in page


def test_an_account_holder_the_zengin_file_cannot_carry_is_refused_when_the_supplier_is_saved(
        client: TestClient) -> None:
    # 口座名義（カナ） "テスト商店" was saved; the 全銀 file refuses kanji, so the supplier's transfer would fail only
    # at the payment run, after its approvals.
    token = login(client, CLERK)
    form = {"csrf_token": token, "code": "S901", "name": "テスト商店", "name_kana": "テストシヨウテン",
            "honorific": "御中", "registration_number": "", "is_supplier": "1", "closing_day": "31",
            "months_after": "1", "pay_day": "31", "holiday_shift": "next", "fee_bearer": "payer", "credit_limit": "0",
            "bank_code": "0001", "branch_code": "110", "account_type": "ordinary", "account_number": "1234567",
            "account_holder_kana": "テスト商店", "notes": ""}
    bad = client.post("/sales/partners/new", data=form)
    assert bad.status_code == 422
    field = re.search(r'<div class="field invalid">\s*<label for="f-account_holder_kana">.*?</div>', bad.text, re.S)
    assert field and "全銀フォーマットで使えない文字があります: 商店" in field.group(0)
    ok = client.post("/sales/partners/new", data={**form, "account_holder_kana": "テスト（ショウテン"},
                     follow_redirects=False)
    assert ok.status_code == 303, re.findall(r'class="error"[^>]*>([^<]*)<', ok.text)


def test_the_invoice_list_and_its_csv_filter_by_issue_date(client: TestClient) -> None:
    # "last month's invoices" could not be asked for: the list had 番号・得意先・件名, 種別 and 入金状況 only.
    login(client, CLERK)
    page = client.get("/sales/invoices", params={"from": "2026-11-01", "to": "2026-11-30"}).text
    assert 'name="from" value="2026-11-01"' in page
    numbers = re.findall(r">((?:INV|CN)-2026-\d{6})<", page)
    assert "INV-2026-000007" in numbers and "INV-2026-000001" not in numbers  # 11/20 in, 10/20 out
    csv = client.get("/sales/invoices", params={"from": "2026-11-01", "to": "2026-11-30", "export": "csv",
                                                "encoding": "utf-8"}).content.decode("utf-8-sig")
    assert "INV-2026-000007" in csv and "INV-2026-000001" not in csv
