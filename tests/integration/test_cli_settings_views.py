"""The CLI's settings views name each setting and its value as the screens do, in the CLI's language, then what
the option takes; before, `ennoshita hr settings` printed week_start=7 / half_day=true, `ennoshita sales settings`
fee_treatment: sales_discount and `ennoshita ledger tax-settings` method: general / default_purpose: common, in
Japanese and in English alike."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from ennoshita.cli.main import app
from ennoshita.db import Database

runner = CliRunner()

EXPECTED = {
    "ja": {("hr", "settings"): ["週の起算日: 日曜日（week_start=7）", "半日単位の年次有給休暇: する（half_day=true）"],
           ("sales", "settings"): ["先方差引の振込手数料: 売上値引（--fee-treatment sales_discount）"],
           ("ledger", "tax-settings"): ["課税方式: 一般課税（--method general）",
                                        "用途区分の既定値（課税仕入れ）: 共通対応（--default-purpose common）"]},
    "en": {("hr", "settings"): ["First day of the week: Sunday (week_start=7)",
                                "Half-day paid leave: Yes (half_day=true)"],
           ("sales", "settings"): ["Transfer fees customers deduct: Sales discount (--fee-treatment sales_discount)"],
           ("ledger", "tax-settings"): ["Method: General taxation (--method general)",
                                        "Default use of a taxable purchase: common to both "
                                        "(--default-purpose common)"]},
}


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_settings_views_name_settings_and_values(demo_db: Database, monkeypatch: pytest.MonkeyPatch,
                                                 lang: str) -> None:
    monkeypatch.setenv("ENNOSHITA_LANG", lang)
    for command, lines in EXPECTED[lang].items():
        r = runner.invoke(app, [*command, "--database-url", demo_db.url])
        assert r.exit_code == 0, r.output
        for line in lines:
            assert line in r.output, (command, r.output)
        for out_line in r.output.splitlines():  # no line starts with the service's key, nor shows a Python value
            assert not re.match(r"[a-z_]+[:=]", out_line), out_line
            assert not re.search(r"\b(True|False|None)\b", out_line), out_line
