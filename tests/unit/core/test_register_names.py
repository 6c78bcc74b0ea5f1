"""償却方法 and the contract types and statuses are named on screens and in the CLI through the catalogs, in the
reader's language. An English user saw 定額法, 業務委託 and 締結済, because the screens took the names from the
domains' Japanese tables (kept for the Japanese 固定資産台帳 and 契約台帳 exports). The Japanese catalog must say
exactly what those tables say, so a Japanese page and a Japanese export never disagree."""

from __future__ import annotations

from pathlib import Path

from ennoshita.assets import rules as asset_rules
from ennoshita.assets.queries import METHOD_NAMES
from ennoshita.contracts import rules as contract_rules
from ennoshita.contracts.queries import STATUS_NAMES, TYPE_NAMES
from ennoshita.i18n import catalog

TEMPLATES = Path(__file__).resolve().parents[3] / "src" / "ennoshita" / "web" / "templates"


def test_every_code_has_a_name_in_both_languages_and_japanese_matches_the_exports() -> None:
    ja, en = catalog("ja"), catalog("en")
    for prefix, codes, japanese in (("assets_ui.methods.", asset_rules.METHODS, METHOD_NAMES),
                                    ("contracts_ui.types.", contract_rules.TYPES, TYPE_NAMES),
                                    ("contracts_ui.statuses.", contract_rules.STATUSES, STATUS_NAMES)):
        for code in codes:
            assert ja[prefix + code] == japanese[code], code
            assert en[prefix + code] and en[prefix + code].isascii(), (code, en[prefix + code])
    assert en["assets_ui.methods.declining_200"] == "Declining balance (200%)"


def test_the_screens_no_longer_take_the_japanese_tables() -> None:
    for path in (*(TEMPLATES / "assets").glob("*.html"), *(TEMPLATES / "contracts").glob("*.html")):
        html = path.read_text(encoding="utf-8")
        for table in ("method_names", "type_names", "status_names"):
            assert table not in html, (path.name, table)
