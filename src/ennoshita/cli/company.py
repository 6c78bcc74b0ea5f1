"""``ennoshita company show|set|bank``: the company settings from the command line."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from ennoshita.cli.common import CommandContext, cli_language, console, with_context
from ennoshita.i18n import Translator

company_app = typer.Typer(help="Company settings: name, カナ, 登録番号, address, fiscal year, tax, bank accounts.",
                          no_args_is_help=True)

Text = Annotated[str | None, typer.Option()]


def _t() -> Translator:
    return Translator(cli_language())


@company_app.command("show")
@with_context
def show(cx: CommandContext) -> None:
    """Print the company settings and bank accounts."""
    from rich.table import Table

    from ennoshita.identity import company as company_service

    t = _t()
    c = company_service.get_company(cx.uow(), cx.actor)
    table = Table(show_header=False)
    rows: list[tuple[str, Any]] = [
        ("company.name", c.name), ("company.name_kana", c.name_kana),
        ("company.registration_number", c.registration_number or "-"), ("company.postal_code", c.postal_code),
        ("company.address", c.address), ("company.phone", c.phone), ("company.representative", c.representative),
        ("company.fiscal_year_start_month", t(f"month.{c.fiscal_year_start_month}")),
        ("company.tax_accounting", t(f"company.tax_accounting.{c.tax_accounting}")),
        ("company.tax_rounding", t(f"company.tax_rounding.{c.tax_rounding}")),
    ]
    for key, value in rows:
        table.add_row(t(key), str(value))
    for b in c.bank_accounts:
        table.add_row(t("cli.company_banks"), f"[{b.id}] {b.bank_code} {b.bank_name_kana} {b.branch_code} "
                      f"{b.branch_name_kana} {b.account_type} {b.account_number} {b.holder_kana}"
                      + (f" ({t('cli.default')})" if b.is_default else ""))
    console.print(table)


@company_app.command("set")
@with_context
def set_(
    cx: CommandContext,
    name: Annotated[str | None, typer.Option(help="会社名")] = None,
    kana: Annotated[str | None, typer.Option(help="会社名カナ")] = None,
    registration_number: Annotated[str | None, typer.Option(help="登録番号 T+13桁 (empty to clear)")] = None,
    postal_code: Annotated[str | None, typer.Option(help="郵便番号")] = None,
    address: Annotated[str | None, typer.Option(help="住所")] = None,
    phone: Annotated[str | None, typer.Option(help="電話番号")] = None,
    representative: Annotated[str | None, typer.Option(help="代表者")] = None,
    fiscal_year_start_month: Annotated[int | None, typer.Option(help="期首月 1-12")] = None,
    tax_accounting: Annotated[str | None, typer.Option(help="exclusive (税抜経理) or inclusive (税込経理)")] = None,
    tax_rounding: Annotated[str | None, typer.Option(help="floor, half_up or ceil")] = None,
) -> None:
    """Change the company settings given as options (the others stay as they are)."""
    from ennoshita.identity import company as company_service

    values = {k: v for k, v in {
        "name": name, "name_kana": kana, "registration_number": registration_number, "postal_code": postal_code,
        "address": address, "phone": phone, "representative": representative,
        "fiscal_year_start_month": fiscal_year_start_month, "tax_accounting": tax_accounting,
        "tax_rounding": tax_rounding}.items() if v is not None}
    company_service.update_company(cx.uow(), cx.actor, values)
    console.print(_t()("cli.company_saved"))


@company_app.command("bank")
@with_context
def bank(
    cx: CommandContext,
    bank_code: Annotated[str, typer.Option(help="銀行コード (4 digits)")],
    branch_code: Annotated[str, typer.Option(help="支店コード (3 digits)")],
    account_number: Annotated[str, typer.Option(help="口座番号 (7 digits)")],
    holder_kana: Annotated[str, typer.Option(help="口座名義カナ")],
    account_type: Annotated[str, typer.Option(help="普通 or 当座")] = "普通",
    bank_name_kana: Annotated[str, typer.Option(help="銀行名カナ")] = "",
    branch_name_kana: Annotated[str, typer.Option(help="支店名カナ")] = "",
    zengin_requester_code: Annotated[str, typer.Option(help="全銀 委託者コード (10 digits)")] = "",
    default: Annotated[bool, typer.Option(help="The account payment files use.")] = False,
    bank_id: Annotated[int | None, typer.Option("--id", help="Change this account instead of adding one.")] = None,
) -> None:
    """Add (or with --id change) a company bank account."""
    from ennoshita.identity import company as company_service

    saved = company_service.save_bank_account(cx.uow(), cx.actor,
                                              company_service.BankAccountData(
        bank_code=bank_code, bank_name_kana=bank_name_kana, branch_code=branch_code,
        branch_name_kana=branch_name_kana, account_type=account_type, account_number=account_number,
        holder_kana=holder_kana, zengin_requester_code=zengin_requester_code, is_default=default, id=bank_id))
    console.print(_t()("cli.bank_saved", id=saved.id))


def register(app: typer.Typer) -> None:
    app.add_typer(company_app, name="company")
