"""The pure payroll CLI commands (no database): exit codes and the figures of the NTA / 額表 examples."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from ennoshita.cli.main import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def _japanese(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENNOSHITA_LANG", "ja")


def test_withholding_prints_the_nta_example() -> None:
    result = runner.invoke(app, ["payroll", "withholding", "--date", "2026-06-25", "--pay", "775200",
                                 "--dependents", "3"])
    assert result.exit_code == 0, result.output
    assert "¥59,470" in result.output and "電算機計算の特例" in result.output


def test_withholding_otsu_and_table() -> None:
    result = runner.invoke(app, ["payroll", "withholding", "--date", "2026-06-25", "--pay", "104999", "--otsu"])
    assert result.exit_code == 0 and "¥3,216" in result.output and "乙欄" in result.output
    result = runner.invoke(app, ["payroll", "withholding", "--date", "2026-06-25", "--pay", "175000",
                                 "--dependents", "2", "--table"])
    assert "¥250" in result.output


def test_withholding_without_a_table_fails_with_one_line() -> None:
    result = runner.invoke(app, ["payroll", "withholding", "--date", "2028-06-25", "--pay", "200000", "--otsu"])
    assert result.exit_code == 1
    assert "月額表" in result.output


def test_social_insurance_tokyo_45() -> None:
    # 300,000 in May 2026, 東京都, age 45: 健保+介護 17,205, 支援金 345, 厚年 27,450, 雇用 1,500 → 46,500
    result = runner.invoke(app, ["payroll", "social-insurance", "--date", "2026-05-01", "--prefecture", "13",
                                 "--pay", "300000", "--age", "45"])
    assert result.exit_code == 0, result.output
    for text in ("等級 22", "¥17,205", "¥345", "¥27,450", "¥1,500", "¥46,500"):
        assert text in result.output


@pytest.mark.parametrize(("business_type", "label", "premium"), [
    ("general", "一般の事業", "¥1,500"),  # 5/1000 of 300,000
    ("agriculture", "農林水産・清酒製造の事業", "¥1,800"),  # 6/1000
    ("construction", "建設の事業", "¥1,800"),  # 6/1000
])
def test_social_insurance_business_type_in_japanese(business_type: str, label: str, premium: str) -> None:
    """The 雇用保険 line named the business type by its option value ("general") on a Japanese line."""
    result = runner.invoke(app, ["payroll", "social-insurance", "--date", "2026-05-01", "--prefecture", "13",
                                 "--pay", "300000", "--age", "45", "--business-type", business_type])
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if x.startswith("雇用保険料"))
    assert line == f"雇用保険料（本人負担・{label}）: {premium}"


def test_social_insurance_bad_prefecture() -> None:
    result = runner.invoke(app, ["payroll", "social-insurance", "--date", "2026-05-01", "--prefecture", "99",
                                 "--pay", "300000", "--age", "30"])
    assert result.exit_code == 1
    assert "都道府県" in result.output
