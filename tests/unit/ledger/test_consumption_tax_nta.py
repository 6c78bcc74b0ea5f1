"""The 消費税申告 computation against the 国税庁 worked examples that could be read (issue 11 item 13).

国税庁「軽減税率制度に対応した申告書の作成手順1(一般用)〔課税売上高が5億円以下、かつ、課税売上割合が95%以上の
場合〕」(令和元年7月), p.1, read from its copy at https://dokumen.tips/documents/eccoecoee1ie-170-0000.html (the
nta.go.jp original is not in the library). Only the first page can be read: the 設例 (課税期間 平成31年1月1日〜
令和元年12月31日; 課税売上高 税込み: 税率6.3%適用分 302,500,000, 6.24%適用分 67,960,000, 7.8%適用分 45,100,000;
免税売上高 11,000,000; 非課税売上高 7,000,000; 売上対価の返還等, 課税仕入れ, 仕入対価の返還等, 貸倒れ…) and the first
worked line, 付表1-2 「課税資産の譲渡等の対価の額①-1」 of the 6.3% column: "302,500,000 × 100/108 = 280,092,592".
The pages with 課税標準額, 消費税額, 課税売上割合 and 控除対象仕入税額 (付表1-1, 2-1) are not readable, and the
設例 needs the 旧税率 6.3% (not modelled: our 8% is the 軽減税率 6.24%), 売上対価の返還等 and 貸倒れ, so only that
line is a test. The 100/108 conversion of ①-1 is the same at 6.3% and 6.24%.

Also 国税庁's 質疑応答事例 on the 課税売上割合 of 94.856% (below). The 作成手順2 (簡易課税用) example (課税標準額
21,326,000) is in test_consumption_tax_purpose.py. No
国税庁 記載例 of 付表2-3 (個別対応方式 / 一括比例配分方式), of 付表4-3/5-3 (簡易課税) or of 付表6 (2割特例) with
figures was readable: the 国税庁 forms found in the library (Momonganz/dify_tax_mammoth, tax_data/scraped_JPtax/
www.nta.go.jp_law__15284.md 付表5-3, __902.md 付表6) are blank forms whose tables are images.
"""

from __future__ import annotations

from fractions import Fraction

from ennoshita.ledger.ctax_rules import Settings, TaxBase, compute_return


def test_nta_procedure_1_taxable_consideration_of_the_8_percent_column() -> None:
    # 作成手順1 p.1, 付表1-2 ①-1 (税率6.3%適用分C): 302,500,000 × 100/108 = 280,092,592 (1円未満切捨て)
    r = compute_return(TaxBase(sales_gross={8: 302_500_000}), Settings())
    assert r.taxable_sales == 280_092_592


def test_nta_qa_a_ratio_of_94_856_percent_is_not_rounded_up_to_95() -> None:
    """国税庁 質疑応答事例「課税売上割合の端数処理」(https://www.nta.go.jp/law/shitsugi/shohi/17/13.htm, 令和6年10月1日
    現在; read from its copy in Momonganz/dify_tax_mammoth, tax_data/scraped_JPtax/www.nta.go.jp_law__1866.md): a
    課税売上割合 of "94.856･･･％" may not be rounded (四捨五入) to 95%: "課税売上割合が100分の95に満たないこととなり、
    個別対応方式か一括比例配分方式のいずれかの方法によって仕入控除税額の計算を行う" (基本通達11-5-6).

    The sales below give that ratio; the credit figures are a hand computation: 10% sales 税込 10,434,160 -> 税抜
    9,485,600; 非課税売上 514,400; ratio 9,485,600 / 10,000,000 = 94.856%. 仮払消費税 500,000 (共通対応) -> national
    x 78/100 = 390,000; 個別対応方式 390,000 x 0.94856 = 369,938.4 -> 369,938 (一括比例配分方式 the same here)."""
    r = compute_return(TaxBase(sales_gross={10: 10_434_160}, non_taxable_sales=514_400,
                               purchases_gross={(10, Fraction(1)): 5_500_000}, input_tax_booked={10: 500_000}),
                       Settings())
    assert r.ratio == Fraction(94_856, 100_000)
    assert not r.full_credit  # not rounded up to 95%
    assert (r.input_tax, r.deductible, r.deductible_lump_sum) == (390_000, 369_938, 369_938)


def test_the_return_table_shows_the_ratio_truncated_with_its_amounts() -> None:
    """The same 94.856% as printed on the return screen and CSV: truncated to 94.85% (never rounded up towards 95%),
    with the yen amounts 9,485,600 / 10,000,000 (the reduced fraction 11857/12500 told an accountant nothing)."""
    from functools import partial

    from ennoshita.i18n import gettext
    from ennoshita.ledger.reports import consumption_tax_table

    r = compute_return(TaxBase(sales_gross={10: 10_434_160}, non_taxable_sales=514_400,
                               purchases_gross={(10, Fraction(1)): 5_500_000}, input_tax_booked={10: 500_000}),
                       Settings())
    t = partial(gettext, "ja")
    table = consumption_tax_table(t, r, 2026)
    notes = [row.get("note") for row in table.rows if row.get("item") == t("ctax.ratio")]
    assert notes == ["94.85% (9,485,600 / 10,000,000)"]
