"""取引先 and 品目: registering, editing and finding partners and items.

Partners are one register for customers and suppliers (purchasing uses the same rows). Codes, 法人番号 and
登録番号 are validated here; search runs in the database (name, カナ, code, numbers), paginated.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field, fields
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import Select, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ennoshita import audit, exports
from ennoshita.actor import Actor
from ennoshita.dates import HolidayShift, now_utc
from ennoshita.db import UnitOfWork
from ennoshita.errors import Conflict, Invalid, NotFound, Problem
from ennoshita.identity.roles import require
from ennoshita.identity.rules import email_problem
from ennoshita.kernel.lines import parse_decimal
from ennoshita.kernel.tax import RATES
from ennoshita.lengths import length_problems, limits
from ennoshita.money import MAX_YEN, yen_in_range
from ennoshita.partners.kana import normalize_payer_kana
from ennoshita.partners.models import Item, Partner, PartnerContact
from ennoshita.partners.terms import PaymentTerms
from ennoshita.registration import (
    clean_number,
    is_valid_corporate_number,
    is_valid_registration_number,
    registration_input,
)
from ennoshita.security.text import contains, like_escape

CLOSING_DAYS = (0, 5, 10, 15, 20, 25, 31)
FEE_BEARERS = ("payer", "payee")
ACCOUNT_TYPES = ("", "ordinary", "checking", "savings")


@dataclass(frozen=True)
class PartnerInput:
    code: str
    name: str
    name_kana: str = ""
    honorific: str = "御中"
    corporate_number: str = ""
    registration_number: str = ""
    is_customer: bool = True
    is_supplier: bool = False
    postal_code: str = ""
    address: str = ""
    billing_address: str = ""
    phone: str = ""
    email: str = ""
    closing_day: int = 31
    months_after: int = 1
    pay_day: int = 31
    holiday_shift: str = "next"
    fee_bearer: str = "payer"
    bank_code: str = ""
    branch_code: str = ""
    account_type: str = ""
    account_number: str = ""
    account_holder_kana: str = ""
    credit_limit: int = 0
    notes: str = ""
    # 適格請求書発行事業者: None follows the 登録番号 (a valid one means registered); False marks a partner whose
    # registration has lapsed or been withdrawn (公表サイトで確認) while its number stays on record.
    is_qualified_issuer: bool | None = None
    # purchasing: 源泉徴収 category of an individual paid 報酬・料金 (""=none), 中小受託事業者 (取適法) and its basis
    withholding_category: str = ""
    small_subcontractor: bool = False
    small_subcontractor_basis: str = ""


@dataclass(frozen=True)
class PartnerSummary:
    id: int
    code: str
    name: str
    name_kana: str
    honorific: str
    corporate_number: str
    registration_number: str
    is_qualified_issuer: bool
    is_customer: bool
    is_supplier: bool
    postal_code: str
    address: str
    billing_address: str
    phone: str
    email: str
    closing_day: int
    months_after: int
    pay_day: int
    holiday_shift: str
    fee_bearer: str
    bank_code: str
    branch_code: str
    account_type: str
    account_number: str
    account_holder_kana: str
    credit_limit: int
    notes: str
    active: bool
    contacts: tuple[ContactData, ...] = field(default=())
    withholding_category: str = ""  # purchasing (0016)
    small_subcontractor: bool = False
    small_subcontractor_basis: str = ""

    @property
    def terms(self) -> PaymentTerms:
        return PaymentTerms(self.closing_day, self.months_after, self.pay_day, HolidayShift(self.holiday_shift))


@dataclass(frozen=True)
class ContactData:
    name: str
    department: str = ""
    email: str = ""
    phone: str = ""
    is_billing: bool = False


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text.strip())


def partner_summary(p: Partner, contacts: tuple[ContactData, ...] = ()) -> PartnerSummary:
    names = {f.name for f in fields(PartnerSummary)} - {"contacts"}
    return PartnerSummary(**{n: getattr(p, n) for n in names}, contacts=contacts)


# checked with their own rules (digits, 登録番号, choices) before they are stored in their final form
_NORMALISED_LATER = frozenset({"bank_code", "branch_code", "account_number", "registration_number",
                               "corporate_number"})


def _check_partner(cmd: PartnerInput) -> tuple[dict[str, Any], list[Problem]]:
    problems: list[Problem] = []
    values = {f.name: getattr(cmd, f.name) for f in fields(PartnerInput)}
    for name in ("code", "name", "name_kana", "address", "billing_address", "notes", "postal_code", "phone",
                 "email", "honorific"):
        values[name] = _nfc(values[name])
    if not values["name"]:  # an empty code is assigned (create) or kept (update)
        problems.append(Problem("error.required", "name"))
    if values["email"] and (email := email_problem(values["email"])) is not None:  # where invoices are mailed
        problems.append(email)
    corp = clean_number(values["corporate_number"])  # full-width digits and separators normalised first
    if corp and not is_valid_corporate_number(corp):
        problems.append(Problem("sales.error.corporate_number", "corporate_number", {"value": corp}))
    reg = registration_input(values["registration_number"])
    if reg and not is_valid_registration_number(reg):
        problems.append(Problem("sales.error.registration_number", "registration_number", {"value": reg}))
    values["corporate_number"] = corp
    values["registration_number"] = reg
    if not corp and reg and is_valid_registration_number(reg):
        values["corporate_number"] = reg[1:]
    if cmd.closing_day not in CLOSING_DAYS:
        problems.append(Problem("sales.error.closing_day", "closing_day", {"day": cmd.closing_day}))
    if not 0 <= cmd.months_after <= 3:
        problems.append(Problem("sales.error.months_after", "months_after", {"max": 3}))
    if not 1 <= cmd.pay_day <= 31:
        problems.append(Problem("sales.error.pay_day", "pay_day", {"day": cmd.pay_day}))
    if cmd.holiday_shift not in {s.value for s in HolidayShift}:
        problems.append(Problem("sales.error.holiday_shift", "holiday_shift", {"value": cmd.holiday_shift}))
    if cmd.fee_bearer not in FEE_BEARERS:
        problems.append(Problem("sales.error.fee_bearer", "fee_bearer", {"value": cmd.fee_bearer}))
    if cmd.account_type not in ACCOUNT_TYPES:
        problems.append(Problem("sales.error.account_type", "account_type", {"value": cmd.account_type}))
    for name, width in (("bank_code", 4), ("branch_code", 3), ("account_number", 7)):
        value = clean_number(str(values[name]))
        if value and (not value.isascii() or not value.isdigit() or len(value) > width):
            problems.append(Problem("sales.error.digits", name, {"width": width}))
        values[name] = value.zfill(width) if value else ""
    holder = _nfc(values["account_holder_kana"])
    values["account_holder_kana"] = holder
    if holder:  # refused now, not at the payment run after its approvals (the 全銀 file has no kanji)
        from ennoshita.purchasing.zengin import to_zengin_kana

        try:
            to_zengin_kana(holder, field="account_holder_kana")
        except Invalid as exc:
            problems.append(Problem(exc.key, "account_holder_kana", exc.params))
    if not yen_in_range(cmd.credit_limit):
        problems.append(Problem("error.amount_range", "credit_limit", {"max": f"{MAX_YEN:,}"}))
    elif cmd.credit_limit < 0:
        problems.append(Problem("sales.error.credit_limit", "credit_limit"))
    if not cmd.is_customer and not cmd.is_supplier:
        problems.append(Problem("sales.error.partner_role", "is_customer"))
    values["search_kana"] = normalize_payer_kana(values["name_kana"]) if values["name_kana"] else ""
    valid = bool(reg) and is_valid_registration_number(reg)
    if cmd.is_qualified_issuer and not valid:
        problems.append(Problem("sales.error.issuer_without_number", "is_qualified_issuer"))
    values["is_qualified_issuer"] = valid if cmd.is_qualified_issuer is None else (cmd.is_qualified_issuer and valid)
    problems += supplier_terms_problems(cmd, values)
    problems += length_problems(Partner, {k: v for k, v in values.items() if k not in _NORMALISED_LATER})
    return values, problems


def partner_limits() -> dict[str, int]:
    """The longest text each partner field holds (the form's ``maxlength``)."""
    return limits(Partner)


def supplier_terms_problems(cmd: PartnerInput, values: dict[str, Any]) -> list[Problem]:
    """Purchasing's partner fields: the 源泉徴収 category, and for a 中小受託事業者 (取適法) no 先方負担 fee and
    payment terms within 60 days of receipt (:mod:`ennoshita.purchasing.subcontract`)."""
    from ennoshita.purchasing import subcontract
    from ennoshita.withholding.rules import is_category

    problems: list[Problem] = []
    values["withholding_category"] = cmd.withholding_category.strip()
    values["small_subcontractor_basis"] = _nfc(cmd.small_subcontractor_basis)
    if values["withholding_category"] and not is_category(values["withholding_category"]):
        problems.append(Problem("withholding.error.category", "withholding_category",
                                {"value": values["withholding_category"]}))
    if cmd.small_subcontractor:
        found = [subcontract.fee_bearer_problem(cmd.fee_bearer)]
        if cmd.closing_day in CLOSING_DAYS and 0 <= cmd.months_after <= 3 and 1 <= cmd.pay_day <= 31:
            found.append(subcontract.terms_problem(cmd.closing_day, cmd.months_after, cmd.pay_day))
        problems += [p for p in found if p is not None]
    return problems


_Cmd = TypeVar("_Cmd")


def _checked(actor: Actor, check: Callable[[_Cmd], tuple[dict[str, Any], list[Problem]]], cmd: _Cmd) -> dict[str, Any]:
    """The edit right, then the command's values as they will be stored; every bad field at once, nothing saved."""
    require(actor, "sales.edit")
    values, problems = check(cmd)
    if problems:
        raise Invalid(problems=problems)
    return values


def partner_problems(cmd: PartnerInput) -> list[Problem]:
    """Every problem with a partner's fields, without saving (a form reports them all at once)."""
    return _check_partner(cmd)[1]


def create_partner(uow: UnitOfWork, actor: Actor, cmd: PartnerInput,
                   contacts: tuple[ContactData, ...] = ()) -> PartnerSummary:
    """Register a partner. Every problem is reported at once, naming its field."""
    values = _checked(actor, _check_partner, cmd)
    with uow:
        s = uow.session
        if values["code"]:
            if s.scalar(select(Partner.id).where(Partner.code == values["code"])) is not None:
                raise Conflict("sales.error.partner_code_taken", field="code", code=values["code"])
            partner = Partner(**values, active=True, created_at=now_utc())
            s.add(partner)
            s.flush()
        else:
            partner = _add_with_next_code(s, values)
        for c in contacts:
            s.add(PartnerContact(partner_id=partner.id, **asdict(c)))
        result = partner_summary(partner, contacts)
        audit.record(s, actor, "partner", partner.id, "create", after=_audit_view(result))
        uow.commit()
    return result


CODE_PREFIXES = {True: "C", False: "S"}  # customers C0001…, suppliers only S0001… (as the demo's codes)
_CODE_ATTEMPTS = 5


def next_partner_code(s: Session, prefix: str) -> str:
    """The next free code of the ``C0001`` pattern: one above the highest ``prefix`` + digits code in use."""
    used = [c[len(prefix):] for c in s.scalars(select(Partner.code).where(Partner.code.like(f"{prefix}%")))]
    return f"{prefix}{max((int(c) for c in used if c.isdigit()), default=0) + 1:04d}"


def _add_with_next_code(s: Session, values: dict[str, Any]) -> Partner:
    """Insert a partner under the next free code. Two writers taking the same code at once: the unique
    constraint refuses the second insert (in a savepoint), which takes the next code and tries again."""
    prefix = CODE_PREFIXES[bool(values["is_customer"])]
    for _ in range(_CODE_ATTEMPTS):
        code = next_partner_code(s, prefix)
        try:
            with s.begin_nested():
                partner = Partner(**{**values, "code": code}, active=True, created_at=now_utc())
                s.add(partner)
                s.flush()
            return partner
        except IntegrityError:
            continue
    raise Conflict("sales.error.partner_code_taken", field="code", code=prefix)


def _audit_view(p: PartnerSummary) -> dict[str, Any]:
    data = asdict(p)
    data["contacts"] = [asdict(c) for c in p.contacts]
    return data


def update_partner(uow: UnitOfWork, actor: Actor, partner_id: int, cmd: PartnerInput,
                   contacts: tuple[ContactData, ...] | None = None) -> PartnerSummary:
    values = _checked(actor, _check_partner, cmd)
    with uow:
        s = uow.session
        partner = s.get(Partner, partner_id)
        if partner is None:
            raise NotFound("sales.error.partner_not_found", field="partner_id", id=partner_id)
        values["code"] = values["code"] or partner.code
        clash = s.scalar(select(Partner.id).where(Partner.code == values["code"], Partner.id != partner_id))
        if clash is not None:
            raise Conflict("sales.error.partner_code_taken", field="code", code=values["code"])
        before = _audit_view(partner_summary(partner, _contacts(uow, partner_id)))
        for name, value in values.items():
            setattr(partner, name, value)
        if contacts is not None:
            for old in s.scalars(select(PartnerContact).where(PartnerContact.partner_id == partner_id)):
                s.delete(old)
            for c in contacts:
                s.add(PartnerContact(partner_id=partner_id, **asdict(c)))
        s.flush()
        result = partner_summary(partner, _contacts(uow, partner_id))
        audit.record(s, actor, "partner", partner_id, "update", before=before, after=_audit_view(result))
        uow.commit()
    return result


def set_partner_active(uow: UnitOfWork, actor: Actor, partner_id: int, active: bool) -> None:
    """Deactivate (never delete) a partner: it disappears from pickers, its documents stay."""
    require(actor, "sales.edit")
    with uow:
        partner = uow.session.get(Partner, partner_id)
        if partner is None:
            raise NotFound("sales.error.partner_not_found", field="partner_id", id=partner_id)
        if partner.active != active:
            partner.active = active
            audit.record(uow.session, actor, "partner", partner_id, "activate" if active else "deactivate",
                         before={"active": not active}, after={"active": active})
        uow.commit()


def _contacts(uow: UnitOfWork, partner_id: int) -> tuple[ContactData, ...]:
    rows = uow.session.scalars(select(PartnerContact).where(PartnerContact.partner_id == partner_id)
                               .order_by(PartnerContact.id))
    return tuple(ContactData(c.name, c.department, c.email, c.phone, c.is_billing) for c in rows)


def get_partner(uow: UnitOfWork, actor: Actor, partner_id: int) -> PartnerSummary:
    require(actor, "sales.view")
    with uow:
        partner = uow.session.get(Partner, partner_id)
        if partner is None:
            raise NotFound("sales.error.partner_not_found", field="partner_id", id=partner_id)
        return partner_summary(partner, _contacts(uow, partner_id))


def find_partner_id(uow: UnitOfWork, code: str) -> int | None:
    with uow:
        found = uow.session.scalar(select(Partner.id).where(Partner.code == code))
        return int(found) if found is not None else None


@dataclass(frozen=True)
class PartnerPage:
    rows: tuple[PartnerSummary, ...]
    total: int
    page: int
    per_page: int


def search_partners(uow: UnitOfWork, actor: Actor, text: str = "", role: str = "", active: bool | None = True,
                    page: int = 1, per_page: int = 50) -> PartnerPage:
    """Search by name, カナ (full- or half-width, with or without 株式会社), code, 法人番号 or 登録番号."""
    require(actor, "sales.view")
    query = partner_query(text, role, active)
    per_page = max(1, min(per_page, 200))
    page = max(1, page)
    with uow:
        s = uow.session
        total = int(s.scalar(select(func.count()).select_from(query.subquery())) or 0)
        rows = s.scalars(query.order_by(Partner.code).limit(per_page).offset((page - 1) * per_page))
        return PartnerPage(tuple(partner_summary(p) for p in rows), total, page, per_page)


def export_partners(session: Session, actor: Actor, text: str = "", role: str = "", active: bool | None = True
                    ) -> Iterator[PartnerSummary]:
    """Every partner :func:`search_partners` finds (all pages), read in keyset batches inside ``session``."""
    require(actor, "sales.view")
    for p in exports.keyset(session, partner_query(text, role, active), Partner.id):
        yield partner_summary(p)


def partner_query(text: str = "", role: str = "", active: bool | None = True) -> Select[Partner]:
    """The partners the search filter matches (no order, no page)."""
    query = select(Partner)
    text = _nfc(text)
    if text:
        like = contains(text)  # % and _ match themselves
        conds = [Partner.name.like(like, escape="\\"), Partner.name_kana.like(like, escape="\\"),
                 Partner.code.like(f"{like_escape(text)}%", escape="\\")]
        digits = text.upper().lstrip("T")
        if digits.isdigit():
            conds += [Partner.corporate_number.like(f"{digits}%"), Partner.registration_number.like(f"T{digits}%")]
        kana = normalize_payer_kana(text)
        if kana:
            conds.append(Partner.search_kana.like(contains(kana), escape="\\"))
        query = query.where(or_(*conds))
    if role == "customer":
        query = query.where(Partner.is_customer.is_(True))
    elif role == "supplier":
        query = query.where(Partner.is_supplier.is_(True))
    if active is not None:
        query = query.where(Partner.active.is_(active))
    return query


# --- items -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemInput:
    code: str
    name: str
    unit: str = "個"
    unit_price: str = "0"
    tax_rate: str = "10"


@dataclass(frozen=True)
class ItemSummary:
    id: int
    code: str
    name: str
    unit: str
    unit_price: Decimal
    tax_rate: str
    active: bool


def _item(i: Item) -> ItemSummary:
    return ItemSummary(i.id, i.code, i.name, i.unit, Decimal(i.unit_price), i.tax_rate, i.active)


def _check_item(cmd: ItemInput) -> tuple[dict[str, Any], list[Problem]]:
    problems: list[Problem] = []
    code, name = _nfc(cmd.code), _nfc(cmd.name)
    if not code:
        problems.append(Problem("error.required", "code"))
    if not name:
        problems.append(Problem("error.required", "name"))
    price = parse_decimal(cmd.unit_price, "unit_price", problems)
    if price < 0:
        problems.append(Problem("sales.error.negative_price", "unit_price"))
    if cmd.tax_rate not in RATES:
        problems.append(Problem("sales.error.tax_rate", "tax_rate", {"rate": cmd.tax_rate}))
    return {"code": code, "name": name, "unit": _nfc(cmd.unit), "unit_price": price,
            "tax_rate": cmd.tax_rate}, problems


def create_item(uow: UnitOfWork, actor: Actor, cmd: ItemInput) -> ItemSummary:
    values = _checked(actor, _check_item, cmd)
    with uow:
        s = uow.session
        if s.scalar(select(Item.id).where(Item.code == values["code"])) is not None:
            raise Conflict("sales.error.item_code_taken", field="code", code=values["code"])
        item = Item(**values, active=True)
        s.add(item)
        s.flush()
        result = _item(item)
        audit.record(s, actor, "item", item.id, "create", after=asdict(result))
        uow.commit()
    return result


def update_item(uow: UnitOfWork, actor: Actor, item_id: int, cmd: ItemInput, active: bool = True) -> ItemSummary:
    values = _checked(actor, _check_item, cmd)
    with uow:
        s = uow.session
        item = s.get(Item, item_id)
        if item is None:
            raise NotFound("sales.error.item_not_found", field="item_id", id=item_id)
        before = asdict(_item(item))
        for name, value in values.items():
            setattr(item, name, value)
        item.active = active
        s.flush()
        result = _item(item)
        audit.record(s, actor, "item", item_id, "update", before=before, after=asdict(result))
        uow.commit()
    return result


def list_items(uow: UnitOfWork, actor: Actor, text: str = "", page: int = 1, per_page: int = 50,
               active_only: bool = False) -> tuple[tuple[ItemSummary, ...], int]:
    require(actor, "sales.view")
    query = select(Item)
    if text:
        like = f"%{_nfc(text)}%"
        query = query.where(or_(Item.code.like(like), Item.name.like(like)))
    if active_only:
        query = query.where(Item.active.is_(True))
    with uow:
        s = uow.session
        total = int(s.scalar(select(func.count()).select_from(query.subquery())) or 0)
        rows = s.scalars(query.order_by(Item.code).limit(per_page).offset((max(page, 1) - 1) * per_page))
        return tuple(_item(i) for i in rows), total
