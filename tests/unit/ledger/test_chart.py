"""The standard chart knows the group of the 貸借対照表 each account is shown in (会社計算規則 第74条・第76条), and an
account a company adds lands in one by its code."""

from __future__ import annotations

import pytest

from ennoshita.ledger import chart


def test_every_standard_fixed_asset_is_tangible_intangible_or_an_investment() -> None:
    by_group: dict[str, list[str]] = {}
    for a in chart.ACCOUNTS:
        if a.section == "fixed_assets":
            by_group.setdefault(a.subsection, []).append(a.name)
    assert by_group == {
        "tangible_fixed_assets": ["建物", "建物附属設備", "機械装置", "車両運搬具", "工具器具備品", "土地",
                                  "減価償却累計額"],
        "intangible_fixed_assets": ["ソフトウェア", "電話加入権"],
        "investments_and_other_assets": ["投資有価証券", "長期貸付金", "敷金", "差入保証金", "長期前払費用"],
    }


def test_every_standard_net_asset_account_has_its_place_in_net_assets() -> None:
    assert {a.name: a.subsection for a in chart.ACCOUNTS if a.section == "net_assets"} == {
        "資本金": "capital_stock", "資本準備金": "capital_surplus", "その他資本剰余金": "capital_surplus",
        "新株式申込証拠金": "stock_subscriptions", "利益準備金": "legal_retained_earnings",
        "繰越利益剰余金": "other_retained_earnings", "別途積立金": "other_retained_earnings",
        "自己株式": "treasury_shares", "その他有価証券評価差額金": "valuation_adjustments",
        "新株予約権": "share_acquisition_rights",
    }


@pytest.mark.parametrize(("section", "code", "group"), [
    ("fixed_assets", "1580", "tangible_fixed_assets"),  # 構築物 added by a company
    ("fixed_assets", "1630", "intangible_fixed_assets"),  # 商標権
    ("fixed_assets", "1760", "investments_and_other_assets"),  # 出資金
    ("fixed_assets", "1900", "investments_and_other_assets"),  # a code outside every range: the default
    ("fixed_assets", "K-01", "investments_and_other_assets"),
    ("net_assets", "3111", "capital_stock"),
    ("net_assets", "3190", "capital_surplus"),
    ("net_assets", "3290", "other_retained_earnings"),  # 圧縮積立金
    ("net_assets", "3900", "other_retained_earnings"),  # the default
    ("current_assets", "1590", "current_assets"),  # a section without groups is its own group
    ("long_term_liabilities", "2590", "long_term_liabilities"),
])
def test_an_added_account_lands_by_its_code(section: str, code: str, group: str) -> None:
    assert chart.subsection(section, code) == group


def test_every_group_is_one_the_sections_list() -> None:
    for a in chart.ACCOUNTS:
        assert a.subsection in chart.SUBSECTIONS.get(a.section, (a.section,))
