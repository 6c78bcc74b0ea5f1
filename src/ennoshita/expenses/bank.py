"""振込先口座 of employees (where their 経費精算 are paid): the employee's own, or anyone's by 人事 / the
administrator; the 口座名義 kept as the 全銀 file needs it (half-width カナ)."""

from __future__ import annotations

from dataclasses import dataclass

from ennoshita import audit
from ennoshita.actor import Actor
from ennoshita.dates import now_utc
from ennoshita.db import UnitOfWork
from ennoshita.errors import Invalid, NotFound, Problem
from ennoshita.expenses.models import EmployeeBankAccount
from ennoshita.identity.models import User
from ennoshita.identity.roles import require
from ennoshita.purchasing import zengin
from ennoshita.registration import clean_number

ACCOUNT_TYPES = ("ordinary", "checking", "savings")


@dataclass(frozen=True)
class BankInput:
    bank_code: str
    branch_code: str
    account_type: str
    account_number: str
    holder_kana: str


def bank_account(uow: UnitOfWork, actor: Actor, user_id: int) -> EmployeeBankAccount | None:
    if user_id != actor.user_id:
        require(actor, "expenses.manage_accounts")
    with uow:
        row = uow.session.get(EmployeeBankAccount, user_id)
        if row is not None:
            uow.session.expunge(row)
        return row


def save_bank_account(uow: UnitOfWork, actor: Actor, user_id: int, data: BankInput) -> None:
    """振込先口座の登録: the employee's own, or anyone's by 人事 / the administrator."""
    if user_id != actor.user_id:
        require(actor, "expenses.manage_accounts")
    else:
        require(actor, "expenses.use")
    problems: list[Problem] = []
    digits = {"bank_code": 4, "branch_code": 3}
    values = {"bank_code": clean_number(data.bank_code), "branch_code": clean_number(data.branch_code),
              "account_number": clean_number(data.account_number)}
    for name, width in digits.items():
        if not (len(values[name]) == width and values[name].isascii() and values[name].isdigit()):
            problems.append(Problem("expenses.error.bank_digits", name, {"width": width}))
    number = values["account_number"]
    if not (1 <= len(number) <= 7 and number.isascii() and number.isdigit()):
        problems.append(Problem("expenses.error.bank_digits", "account_number", {"width": 7}))
    if data.account_type not in ACCOUNT_TYPES:
        problems.append(Problem("expenses.error.account_type", "account_type"))
    holder = ""
    if not data.holder_kana.strip():
        problems.append(Problem("error.required", "holder_kana"))
    else:
        try:
            holder = zengin.to_zengin_kana(data.holder_kana.strip(), field="holder_kana")[:30].rstrip()
        except Invalid as e:
            problems += e.problems
    if problems:
        raise Invalid(problems=problems)
    with uow:
        s = uow.session
        if s.get(User, user_id) is None:
            raise NotFound("expenses.error.user_not_found", field="user_id", id=user_id)
        row = s.get(EmployeeBankAccount, user_id)
        before = None
        if row is None:
            row = EmployeeBankAccount(user_id=user_id)
            s.add(row)
        else:
            before = {"bank_code": row.bank_code, "branch_code": row.branch_code, "account_type": row.account_type,
                      "account_number": row.account_number, "holder_kana": row.holder_kana}
        row.bank_code, row.branch_code = values["bank_code"], values["branch_code"]
        row.account_type, row.account_number = data.account_type, number.zfill(7)
        row.holder_kana = holder
        row.updated_by, row.updated_at = actor.user_id, now_utc()
        s.flush()
        audit.record(s, actor, "employee_bank_account", user_id, "update" if before else "create", before=before,
                     after={"bank_code": row.bank_code, "branch_code": row.branch_code,
                            "account_type": row.account_type, "account_number": row.account_number,
                            "holder_kana": row.holder_kana})
        uow.commit()
