"""簡易課税 with several 事業区分 through the books (SQLite and PostgreSQL): sales lines tagged with their
事業区分 (``sales_10:t1``), untagged lines counting as the company's ``simplified_type``, a return (値引・返品)
netted against its type, a 取消 carrying the tag, and the 付表5-3 figures of the year.

The figures are those of tests/unit/ledger/test_consumption_tax_business_types.py
``test_two_types_at_75_percent_among_three_mixed_rates`` (hand computation there): 第1種 10% 税抜 5,000,000 +
8% 1,000,000, 第2種 8% 2,000,000, 第5種 10% 2,000,000 -> 消費税額 733,200; 原則 585,000, 第1種+第2種 (80%)
631,800, 第1種+第5種 547,560; chosen 631,800; 差引 101,400; 地方 28,600.
"""

from __future__ import annotations

import datetime as dt
import io

from ennoshita.db import Database
from ennoshita.i18n import Translator
from ennoshita.kernel.lines import LineInput
from ennoshita.ledger import consumption_tax, ctax_rules, reports, services
from ennoshita.ledger.rules import EntryDraft, LineDraft
from ennoshita.sales import billing
from tests.integration.test_sales_flow import CLERK, _customer, company  # noqa: F401 (fixture)
from tests.integration.test_tax_integrity import ACCOUNTANT, L, tax_net

FY_START, FY_END = dt.date(2026, 4, 1), dt.date(2027, 3, 31)


def _post(db: Database, day: dt.date, *lines: LineDraft) -> int:
    return services.post_entry(db.uow(), ACCOUNTANT, EntryDraft(day, "簡易課税テスト", "", tuple(lines))).id


def _return(db: Database) -> ctax_rules.Return:
    with db.uow() as uow:
        return consumption_tax.fiscal_year_return(uow.session, 2026)


def test_business_types_booked_as_journal_entries(company: Database) -> None:  # noqa: F811
    db = company
    consumption_tax.update_settings(db.uow(), ACCOUNTANT, {"method": "simplified", "simplified_type": 5})
    # 第1種 10%: 税込 6,600,000 sold, 1,100,000 returned -> 税抜 5,000,000
    _post(db, dt.date(2026, 5, 10), L("売掛金", 6_600_000), L("売上高", credit=6_600_000, tax="sales_10:t1"))
    _post(db, dt.date(2026, 5, 20), L("売上高", 1_100_000, tax="sales_10:t1"), L("売掛金", credit=1_100_000))
    _post(db, dt.date(2026, 5, 11), L("売掛金", 1_080_000), L("売上高", credit=1_080_000, tax="sales_8r:t1"))
    _post(db, dt.date(2026, 5, 12), L("売掛金", 2_160_000), L("売上高", credit=2_160_000, tax="sales_8r:t2"))
    # no 事業区分 named: the company's simplified_type (第5種)
    _post(db, dt.date(2026, 5, 13), L("普通預金", 2_200_000), L("売上高", credit=2_200_000, tax="sales_10"))
    # a 第6種 sale posted and cancelled (取消): the reversal carries the tag, so nothing is left of it
    wrong = _post(db, dt.date(2026, 5, 14), L("普通預金", 1_100_000), L("売上高", credit=1_100_000, tax="sales_10:t6"))
    services.reverse_entry(db.uow(), ACCOUNTANT, wrong)

    net = tax_net(db, FY_START, FY_END)
    assert net[("sales_10:t1", "売上高")] == -5_000_000 and net[("sales_10:t1", "仮受消費税")] == -500_000
    assert net[("sales_8r:t2", "売上高")] == -2_000_000 and ("sales_10:t6", "売上高") not in net
    with db.uow() as uow:  # the 消費税集計表 names a tagged 税区分 (no raw key)
        names = {row["tax_category"] for row in reports.tax_summary_table(
            uow.session, Translator("ja"), FY_START, FY_END).rows}
    assert "課税売上10%・第一種事業（卸売業）" in names and "課税売上8%(軽減)・第二種事業（小売業）" in names

    r = _return(db)
    s = r.simplified
    assert s is not None
    assert [(t.business_type, t.sales, t.tax(10), t.tax(8)) for t in s.types] == [
        (1, 6_000_000, 390_000, 62_400), (2, 2_000_000, 0, 124_800), (5, 2_000_000, 156_000, 0)]
    assert r.output_tax == 733_200
    assert dict(s.candidates) == {"principle": 585_000, "pair:1+2": 631_800, "pair:1+5": 547_560}
    assert (s.chosen, r.deductible, r.national_due, r.local_due) == ("pair:1+2", 631_800, 101_400, 28_600)


def _check_the_year(db: Database) -> None:
    r = _return(db)
    s = r.simplified
    assert s is not None
    assert [(t.business_type, t.sales, t.tax(10), t.tax(8)) for t in s.types] == [
        (1, 6_000_000, 390_000, 62_400), (2, 2_000_000, 0, 124_800), (5, 2_000_000, 156_000, 0)]
    assert r.output_tax == 733_200
    assert dict(s.candidates) == {"principle": 585_000, "pair:1+2": 631_800, "pair:1+5": 547_560}
    assert (s.chosen, r.deductible, r.national_due, r.local_due) == ("pair:1+2", 631_800, 101_400, 28_600)


def test_business_types_on_an_invoice_and_its_credit_note(company: Database) -> None:  # noqa: F811
    """The same sales on one invoice (税抜 prices): 第1種 10% 6,000,000 and 8% 1,000,000, 第2種 8% 2,000,000, and
    a 10% line of 2,000,000 naming no type (the company's 第5種). Tax once per rate: 10% 8,000,000 -> 800,000,
    8% 3,000,000 -> 240,000. The 10% 売上高 is split by type in proportion to the lines (2,000,000 untagged,
    6,000,000 第1種); a credit note (返品) of 第1種 10% 1,000,000 takes 1,000,000 off 第1種's sales."""
    db = company
    consumption_tax.update_settings(db.uow(), ACCOUNTANT, {"method": "simplified", "simplified_type": 5})
    customer = _customer(db, "C010", closing_day=0)
    inv = billing.issue_invoice(db.uow(), CLERK, billing.InvoiceInput(customer, dt.date(2026, 6, 1), (
        LineInput("卸売 部品", "1", "6000000", "10", business_type=1),
        LineInput("卸売 食品", "1", "1000000", "8", business_type=1),
        LineInput("小売 食品", "1", "2000000", "8", business_type=2),
        LineInput("保守作業", "1", "2000000", "10"))))
    assert (inv.net, inv.tax, inv.gross) == (11_000_000, 1_040_000, 12_040_000)
    billing.issue_credit_note(db.uow(), CLERK, billing.CreditNoteInput(
        inv.id, dt.date(2026, 6, 10), (LineInput("返品 部品", "1", "1000000", "10", business_type=1),), "返品"))

    net = tax_net(db, FY_START, FY_END)
    assert net[("sales_10:t1", "売上高")] == -5_000_000 and net[("sales_10", "売上高")] == -2_000_000
    assert net[("sales_8r:t1", "売上高")] == -1_000_000 and net[("sales_8r:t2", "売上高")] == -2_000_000
    assert net[("sales_10", "仮受消費税")] == -700_000 and net[("sales_8r", "仮受消費税")] == -240_000
    _check_the_year(db)


def test_business_types_through_a_yayoi_file_and_back(company: Database) -> None:  # noqa: F811
    """弥生 税区分 課税売上込10%一 / 課税売上込軽減8%二 import as sales_10:t1 / sales_8r:t2 (税額 as stated) and export
    under the same names (税抜経理: the 仮受消費税 line carries the same 税区分)."""
    from ennoshita.ledger import importer
    from tests.integration.test_ledger_import import ACCOUNTANT as IMPORTER
    from tests.integration.test_ledger_import import row

    data = (row("2000", "1", "2026/05/10", "売掛金", "110000", "売上高", "110000", "卸売", c_tax="課税売上込10%一",
                c_taxamt="10000")
            + row("2000", "2", "2026/05/11", "売掛金", "10800", "売上高", "10800", "小売", c_tax="課税売上込軽減8%二",
                  c_taxamt="800"))
    importer.import_journal(company.uow(), IMPORTER, io.BytesIO(data.encode("cp932")), "yayoi")
    net = tax_net(company, FY_START, FY_END)
    assert net[("sales_10:t1", "売上高")] == -100_000 and net[("sales_10:t1", "仮受消費税")] == -10_000
    assert net[("sales_8r:t2", "売上高")] == -10_000 and net[("sales_8r:t2", "仮受消費税")] == -800
    exported = b"".join(importer.export_journal(company.uow(), IMPORTER, "yayoi")).decode("cp932")
    assert "課税売上込10%一" in exported and "課税売上込軽減8%二" in exported
