"""``ennoshita sales partner`` (取引先: add, list, import) and ``ennoshita sales item`` (品目: add, list)."""

from __future__ import annotations

from typing import Annotated

import typer

from ennoshita.cli.common import CommandContext, console, with_context
from ennoshita.cli.sales.billing import partners_import
from ennoshita.cli.sales.documents.shared import (
    _say,
    _table,
)
from ennoshita.errors import Invalid, Problem
from ennoshita.partners import services as partners

partner_app = typer.Typer(help="取引先: add, list, import.", no_args_is_help=True)
item_app = typer.Typer(help="品目: add, list.", no_args_is_help=True)


# ---------------------------------------------------------------- partners and items


@partner_app.command("add")
@with_context
def partner_add(
    cx: CommandContext,
    code: Annotated[str, typer.Option("--code", help="取引先コード (unique).")],
    name: Annotated[str, typer.Option("--name", help="Name, e.g. 株式会社みどり屋商店.")],
    kana: Annotated[str, typer.Option("--kana", help="Name in カナ (matches bank payers).")] = "",
    registration_number: Annotated[str, typer.Option("--registration-number", help="適格請求書発行事業者の登録番号.")]
    = "",
    customer: Annotated[bool, typer.Option("--customer/--no-customer", help="得意先 (default: yes).")] = True,
    supplier: Annotated[bool, typer.Option("--supplier/--no-supplier", help="仕入先.")] = False,
    closing_day: Annotated[int, typer.Option("--closing-day", help="締め日: 5, 10, 15, 20, 25, 31 (末) or 0 (都度).")]
    = 31,
    months_after: Annotated[int, typer.Option("--months-after", help="Paid N months after closing (0-3).")] = 1,
    pay_day: Annotated[int, typer.Option("--pay-day", help="支払日 (31 = end of month).")] = 31,
    address: Annotated[str, typer.Option("--address")] = "",
    email: Annotated[str, typer.Option("--email")] = "",
    phone: Annotated[str, typer.Option("--phone")] = "",
    credit_limit: Annotated[int, typer.Option("--credit-limit", help="与信限度額 (yen, 0 = none).")] = 0,
) -> None:
    """Register a partner (every problem reported at once, naming its option)."""
    p = partners.create_partner(cx.uow(), cx.actor, partners.PartnerInput(
        code=code, name=name, name_kana=kana, registration_number=registration_number, is_customer=customer,
        is_supplier=supplier, closing_day=closing_day, months_after=months_after, pay_day=pay_day,
        address=address, email=email, phone=phone, credit_limit=credit_limit))
    console.print(_say("partner_added", code=p.code, name=p.name, id=p.id))


def _closing(day: int) -> str:
    return _say("each") if day == 0 else _say("end_of_month") if day == 31 else str(day)


@partner_app.command("list")
@with_context
def partner_list(
    cx: CommandContext,
    q: Annotated[str, typer.Option("--q", help="Name, カナ, code, 法人番号 or 登録番号.")] = "",
    role: Annotated[str, typer.Option("--role", help="customer or supplier (default: both).")] = "",
    include_inactive: Annotated[bool, typer.Option("--all", help="Inactive partners too.")] = False,
    page: Annotated[int, typer.Option("--page")] = 1,
) -> None:
    """Search partners (100 a page)."""
    if role not in ("", "customer", "supplier"):
        raise Invalid(problems=[Problem("error.schema", "role", {"field": "--role", "reason": role})])
    result = partners.search_partners(cx.uow(), cx.actor, q, role,
                                      None if include_inactive else True, page, 100)
    table = _table(_say("code"), _say("name"), _say("kana"), _say("registration"), _say("role"), _say("closing"))
    for p in result.rows:
        roles = [_say(r) for r, on in (("customer", p.is_customer), ("supplier", p.is_supplier)) if on]
        table.add_row(p.code, p.name, p.name_kana, p.registration_number, ", ".join(roles), _closing(p.closing_day))
    console.print(table)
    console.print(_say("total", count=len(result.rows), total=result.total))


partner_app.command("import")(partners_import)


@item_app.command("add")
@with_context
def item_add(
    cx: CommandContext,
    code: Annotated[str, typer.Option("--code", help="品目コード (unique).")],
    name: Annotated[str, typer.Option("--name")],
    unit: Annotated[str, typer.Option("--unit")] = "個",
    unit_price: Annotated[str, typer.Option("--unit-price", help="Yen, up to 2 decimals.")] = "0",
    tax_rate: Annotated[str, typer.Option("--tax-rate", help="10, 8 (軽減) or 0.")] = "10",
) -> None:
    """Register an item (品目)."""
    item = partners.create_item(cx.uow(), cx.actor, partners.ItemInput(
        code, name, unit, unit_price, tax_rate.rstrip("%")))
    console.print(_say("item_added", code=item.code, name=item.name, id=item.id))


@item_app.command("list")
@with_context
def item_list(
    cx: CommandContext,
    q: Annotated[str, typer.Option("--q", help="Code or name.")] = "",
    page: Annotated[int, typer.Option("--page")] = 1,
) -> None:
    """品目 (100 a page)."""
    rows, total = partners.list_items(cx.uow(), cx.actor, q, page, 100)
    table = _table(_say("code"), _say("name"), _say("unit"), _say("unit_price"), _say("rate"))
    for i in rows:
        table.add_row(i.code, i.name, i.unit, f"{i.unit_price:,}", f"{i.tax_rate}%")
    console.print(table)
    console.print(_say("total", count=len(rows), total=total))
