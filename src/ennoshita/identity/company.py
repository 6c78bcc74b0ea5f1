"""Company settings (one company per database) and the company's bank accounts."""

from __future__ import annotations

import io
import re
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from sqlalchemy import select

from ennoshita import audit
from ennoshita.actor import Actor
from ennoshita.db import UnitOfWork
from ennoshita.errors import Invalid, NotFound, Problem
from ennoshita.identity import rules
from ennoshita.identity.models import Company, CompanyBankAccount
from ennoshita.identity.roles import can, require
from ennoshita.lengths import length_problems
from ennoshita.money import Rounding
from ennoshita.registration import clean_number

COMPANY_ID = 1


@dataclass(frozen=True)
class BankAccountData:
    bank_code: str
    bank_name_kana: str
    branch_code: str
    branch_name_kana: str
    account_type: str
    account_number: str
    holder_kana: str
    zengin_requester_code: str = ""
    is_default: bool = False
    id: int | None = None


@dataclass(frozen=True)
class CompanyData:
    name: str
    name_kana: str
    registration_number: str | None
    postal_code: str
    address: str
    phone: str
    representative: str
    fiscal_year_start_month: int
    tax_accounting: str
    tax_rounding: str
    bank_accounts: tuple[BankAccountData, ...] = ()
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_sender: str = ""
    smtp_username: str = ""
    smtp_starttls: bool = True
    transfer_fee_table: dict[str, int] | None = None
    withheld_fee_account: str = "7130"
    # purchasing (0016): 源泉所得税 納期の特例; 全銀 EDI 情報 on 総合振込
    withholding_special_due: bool = False
    zengin_edi: bool = False
    small_amount_exception: bool = False  # 少額特例
    base_period_taxable_sales: int | None = None  # 基準期間の課税売上高
    purchase_recognition: str = "receipt"  # 0022: 検収基準 (receipt) or the bill with a month-end accrual (bill)
    # 総務・法務 (0021): depreciation to 減価償却累計額 (indirect) or against the asset (direct); 中小企業者等 for the
    # 少額減価償却資産 rule; days before a 更新拒絶期限 / end date that contract alerts go out
    depreciation_style: str = "indirect"
    sme: bool = True
    contract_alert_days: int = 60

    @property
    def rounding(self) -> Rounding:
        return Rounding(self.tax_rounding)


EDITABLE = ("name", "name_kana", "registration_number", "postal_code", "address", "phone", "representative",
            "fiscal_year_start_month", "tax_accounting", "tax_rounding", "smtp_host", "smtp_port", "smtp_sender",
            "smtp_username", "smtp_starttls", "transfer_fee_table", "withheld_fee_account",
            "withholding_special_due", "zengin_edi", "small_amount_exception", "base_period_taxable_sales",
            "purchase_recognition", "depreciation_style", "sme", "contract_alert_days")

# 検収基準 (each goods receipt posts its purchase) or 請求基準 with a month-end 未払金 accrual (purchasing)
PURCHASE_RECOGNITIONS = ("receipt", "bill")


def _bank(b: CompanyBankAccount) -> BankAccountData:
    return BankAccountData(b.bank_code, b.bank_name_kana, b.branch_code, b.branch_name_kana, b.account_type,
                           b.account_number, b.holder_kana, b.zengin_requester_code, b.is_default, b.id)


def _data(c: Company, banks: list[CompanyBankAccount]) -> CompanyData:
    return CompanyData(
        c.name, c.name_kana, c.registration_number, c.postal_code, c.address, c.phone, c.representative,
        c.fiscal_year_start_month, c.tax_accounting, c.tax_rounding,
        tuple(_bank(b) for b in banks if b.active),
        c.smtp_host or "", c.smtp_port or 587, c.smtp_sender or "", c.smtp_username or "",
        bool(c.smtp_starttls), dict(c.transfer_fee_table) if c.transfer_fee_table else None,
        c.withheld_fee_account or "7130",
        bool(c.withholding_special_due), bool(c.zengin_edi), bool(c.small_amount_exception),
        c.base_period_taxable_sales, c.purchase_recognition or "receipt",
        c.depreciation_style or "indirect", bool(c.sme), c.contract_alert_days or 60,
    )


def load_company(uow: UnitOfWork) -> CompanyData:
    """Company settings for rules in any domain (no permission needed: every user reads them)."""
    company = uow.session.get(Company, COMPANY_ID)
    if company is None:
        raise NotFound("setup.error.not_set_up")
    banks = list(uow.session.scalars(select(CompanyBankAccount).order_by(CompanyBankAccount.id)))
    return _data(company, banks)


FEE_TABLE_KEYS = ("threshold", "same_branch_under", "same_branch_over", "same_bank_under", "same_bank_over",
                  "other_bank_under", "other_bank_over")
WITHHELD_FEE_ACCOUNTS = ("7130", "6340")  # 雑収入, 支払手数料


def _fee_table(value: Any) -> tuple[dict[str, int] | None, Problem | None]:
    """The company's 振込手数料 table: every key a whole yen amount >= 0 (empty: the built-in example)."""
    if value in (None, "", {}):
        return None, None
    if not isinstance(value, dict) or set(value) != set(FEE_TABLE_KEYS):
        return None, Problem("company.error.fee_table", "transfer_fee_table", {"keys": ", ".join(FEE_TABLE_KEYS)})
    table: dict[str, int] = {}
    for key in FEE_TABLE_KEYS:
        try:
            amount = int(str(value[key]).replace(",", ""))
        except ValueError:
            return None, Problem("company.error.fee_table", f"transfer_fee_table.{key}",
                                 {"keys": ", ".join(FEE_TABLE_KEYS)})
        if amount < 0:
            return None, Problem("company.error.fee_table", f"transfer_fee_table.{key}",
                                 {"keys": ", ".join(FEE_TABLE_KEYS)})
        table[key] = amount
    return table, None


def get_company(uow: UnitOfWork, actor: Actor) -> CompanyData:
    """The company settings; its bank accounts (口座, 全銀 依頼人コード) only for a reader holding
    ``company.bank_accounts`` (経理 and the administrator)."""
    require(actor, "company.view")
    with uow:
        data = load_company(uow)
    return data if can(actor, "company.bank_accounts") else replace(data, bank_accounts=())


def validate_company(values: dict[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    """Normalise and check the editable company fields; returns the clean values and every problem."""
    clean: dict[str, Any] = {}
    problems: list[Problem] = []
    for key, value in values.items():
        if key not in EDITABLE:
            problems.append(Problem("error.unknown_field", key))
            continue
        if key == "fiscal_year_start_month":
            try:
                month = int(value)
            except (TypeError, ValueError):
                month = 0
            if not 1 <= month <= 12:
                problems.append(Problem("company.error.fiscal_month", key))
            clean[key] = month
        elif key == "tax_accounting":
            if value not in rules.TAX_ACCOUNTING:
                problems.append(Problem("company.error.tax_accounting", key))
            clean[key] = value
        elif key == "tax_rounding":
            if value not in rules.TAX_ROUNDING:
                problems.append(Problem("company.error.tax_rounding", key))
            clean[key] = value
        elif key == "smtp_port":
            try:
                port = int(value)
            except (TypeError, ValueError):
                port = 0
            if not 1 <= port <= 65535:
                problems.append(Problem("company.error.smtp_port", key))
            clean[key] = port
        elif key == "transfer_fee_table":
            table, problem = _fee_table(value)
            if problem:
                problems.append(problem)
            clean[key] = table
        elif key == "withheld_fee_account":
            if value not in WITHHELD_FEE_ACCOUNTS:
                problems.append(Problem("company.error.withheld_fee_account", key))
            clean[key] = value
        elif key == "base_period_taxable_sales":
            raw = str(value if value is not None else "").replace(",", "").strip()
            if raw and not raw.isdigit():
                problems.append(Problem("company.error.base_period_sales", key))
            clean[key] = int(raw) if raw.isdigit() else None
        elif key == "purchase_recognition":
            if value not in PURCHASE_RECOGNITIONS:
                problems.append(Problem("company.error.purchase_recognition", key))
            clean[key] = value
        elif key == "depreciation_style":
            if value not in ("indirect", "direct"):
                problems.append(Problem("company.error.depreciation_style", key))
            clean[key] = value
        elif key == "contract_alert_days":
            raw = str(value if value is not None else "").strip()
            if not raw.isdigit() or not 1 <= int(raw) <= 365:
                problems.append(Problem("company.error.contract_alert_days", key))
            clean[key] = int(raw) if raw.isdigit() else 60
        elif key in ("smtp_starttls", "withholding_special_due", "zengin_edi", "small_amount_exception", "sme"):
            clean[key] = value in (True, "1", "true", "on", 1)
        elif key == "registration_number":
            text = rules.nfc(str(value or ""))
            if not text:
                clean[key] = None
                continue
            normalized, problem = rules.registration_problem(text, key)
            if problem:
                problems.append(problem)
            clean[key] = normalized
        else:
            text = rules.nfc(str(value or ""))
            if key == "name" and not text:
                problems.append(Problem("error.required", key))
            clean[key] = text
    problems += length_problems(Company, {k: v for k, v in clean.items() if isinstance(v, str)})
    return clean, problems


def update_company(uow: UnitOfWork, actor: Actor, values: dict[str, Any]) -> CompanyData:
    require(actor, "company.edit")
    clean, problems = validate_company(values)
    if problems:
        raise Invalid(problems=problems)
    with uow:
        company = uow.session.get(Company, COMPANY_ID)
        if company is None:
            company = Company(id=COMPANY_ID, name=clean.get("name", ""))
            uow.session.add(company)
            before: dict[str, Any] | None = None
        else:
            before = {k: getattr(company, k) for k in EDITABLE}
        for key, value in clean.items():
            setattr(company, key, value)
        uow.session.flush()
        after = {k: getattr(company, k) for k in EDITABLE}
        audit.record(uow.session, actor, "company", COMPANY_ID, "create" if before is None else "update",
                     before, after)
        result = load_company(uow)
        uow.commit()
        return result


_DIGITS = {"bank_code": 4, "branch_code": 3, "account_number": 7}


def bank_account_problems(data: BankAccountData, prefix: str = "") -> list[Problem]:
    problems: list[Problem] = []
    for name, width in _DIGITS.items():
        value = getattr(data, name)
        if not re.fullmatch(rf"[0-9]{{{width}}}", value or ""):
            problems.append(Problem("company.error.digits", prefix + name, {"width": width}))
    if data.zengin_requester_code and not re.fullmatch(r"[0-9]{10}", data.zengin_requester_code):
        problems.append(Problem("company.error.digits", prefix + "zengin_requester_code", {"width": 10}))
    if data.account_type not in rules.ACCOUNT_TYPES:
        problems.append(Problem("company.error.account_type", prefix + "account_type"))
    if not data.holder_kana.strip():
        problems.append(Problem("error.required", prefix + "holder_kana"))
    problems += length_problems(CompanyBankAccount, {"bank_name_kana": data.bank_name_kana,
                                                     "branch_name_kana": data.branch_name_kana,
                                                     "holder_kana": data.holder_kana}, prefix)
    return problems


def save_bank_account(uow: UnitOfWork, actor: Actor, data: BankAccountData) -> BankAccountData:
    """Add (id None) or change a company bank account."""
    require(actor, "company.edit")
    text_fields: dict[str, Any] = {f.name: rules.nfc(getattr(data, f.name))
                                   for f in fields(data) if isinstance(getattr(data, f.name), str)}
    for name in (*_DIGITS, "zengin_requester_code"):  # full-width digits normalised at the boundary
        text_fields[name] = clean_number(text_fields.get(name))
    data = replace(data, **text_fields)
    problems = bank_account_problems(data)
    if problems:
        raise Invalid(problems=problems)
    with uow:
        s = uow.session
        values = {k: v for k, v in asdict(data).items() if k != "id"}
        if data.id is None:
            row = CompanyBankAccount(active=True, **values)
            s.add(row)
            before = None
        else:
            found = s.get(CompanyBankAccount, data.id)
            if found is None or not found.active:
                raise NotFound("company.error.bank_not_found", field="id")
            row = found
            before = asdict(_bank(row))
            for k, v in values.items():
                setattr(row, k, v)
        if data.is_default:
            for other in s.scalars(select(CompanyBankAccount).where(CompanyBankAccount.is_default.is_(True))):
                if other is not row:
                    other.is_default = False
        s.flush()
        audit.record(s, actor, "company_bank_account", row.id, "create" if before is None else "update",
                     before, asdict(_bank(row)))
        result = _bank(row)
        uow.commit()
        return result


def remove_bank_account(uow: UnitOfWork, actor: Actor, bank_id: int) -> None:
    """Bank accounts are deactivated, never deleted: old payment files still name them."""
    require(actor, "company.edit")
    with uow:
        row = uow.session.get(CompanyBankAccount, bank_id)
        if row is None or not row.active:
            raise NotFound("company.error.bank_not_found", field="id")
        row.active = False
        audit.record(uow.session, actor, "company_bank_account", row.id, "deactivate", asdict(_bank(row)))
        uow.commit()


# --- company seal (社印・角印) ------------------------------------------------------------------------------

SEAL_OWNER = "company_seal"  # documents print the latest attachment of this owner (see sales.pdf)
SEAL_TYPES = ("image/png", "image/jpeg")
SEAL_MAX_BYTES = 2 * 1024 * 1024
SEAL_MAX_RATIO = 1.5  # a 角印 is square; a wide or tall image would be squeezed on the documents


@dataclass(frozen=True)
class SealData:
    attachment_id: int
    filename: str
    content_type: str
    size: int
    sha256: str


def _seal_problems(filename: str, content_type: str, content: bytes) -> list[Problem]:
    """Every problem with a seal image: not PNG or JPEG, too large, not a readable image, not near square."""
    from ennoshita.attachments.services import NewAttachment, check

    ctype = content_type.split(";")[0].strip().lower()
    if ctype not in SEAL_TYPES:
        return [Problem("company.error.seal_type", "seal", {"type": ctype or "-", "name": filename})]
    problems = check(NewAttachment(filename, ctype, content), "seal", SEAL_MAX_BYTES)
    if problems:
        return problems
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(content)) as image:
            width, height = image.size
    except (UnidentifiedImageError, OSError):
        return [Problem("attachment.error.content", "seal", {"type": ctype, "name": filename})]
    if not width or not height or max(width, height) / min(width, height) > SEAL_MAX_RATIO:
        return [Problem("company.error.seal_shape", "seal", {"width": width, "height": height})]
    return []


def upload_seal(uow: UnitOfWork, actor: Actor, filename: str, content_type: str, content: bytes) -> SealData:
    """登録: the company seal printed on quotes, delivery notes and invoices from now on (PNG or JPEG, at most
    2 MB, roughly square). Attachments are append-only: a new upload replaces the seal by being the latest."""
    from ennoshita.attachments.services import NewAttachment, add_attachment

    require(actor, "company.edit")
    problems = _seal_problems(filename, content_type, content)
    if problems:
        raise Invalid(problems=problems)
    with uow:
        if uow.session.get(Company, COMPANY_ID) is None:
            raise NotFound("setup.error.not_set_up")
        added = add_attachment(uow.session, actor, SEAL_OWNER, COMPANY_ID,
                               NewAttachment(filename, content_type, content), SEAL_MAX_BYTES, "seal")
        audit.record(uow.session, actor, "company", COMPANY_ID, "seal", after={
            "attachment_id": added.id, "filename": added.filename, "sha256": added.sha256})
        uow.commit()
    return SealData(added.id, added.filename, added.content_type, added.size, added.sha256)


def current_seal(uow: UnitOfWork) -> tuple[SealData, bytes] | None:
    """The seal the documents print (the latest upload), with its bytes; None when none was uploaded."""
    from ennoshita.attachments.models import Attachment

    with uow:
        row = uow.session.scalars(select(Attachment).where(Attachment.owner_type == SEAL_OWNER)
                                  .order_by(Attachment.id.desc()).limit(1)).first()
        if row is None:
            return None
        return SealData(row.id, row.filename, row.content_type, row.size, row.sha256), bytes(row.content)
