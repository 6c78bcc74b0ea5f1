"""Company settings, users, roles, sessions and API tokens."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ennoshita.db import Base


class Company(Base):
    """The one company this database keeps the books of (id 1)."""

    __tablename__ = "company"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_kana: Mapped[str] = mapped_column(String(200), default="")
    registration_number: Mapped[str | None] = mapped_column(String(14))
    postal_code: Mapped[str] = mapped_column(String(10), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    representative: Mapped[str] = mapped_column(String(100), default="")
    fiscal_year_start_month: Mapped[int] = mapped_column(Integer, default=4)
    tax_accounting: Mapped[str] = mapped_column(String(10), default="exclusive")
    tax_rounding: Mapped[str] = mapped_column(String(10), default="floor")
    # Outgoing mail for notifications (the password comes from ENNOSHITA_SMTP_PASSWORD, never the database).
    smtp_host: Mapped[str] = mapped_column(String(200), default="", server_default="")
    smtp_port: Mapped[int] = mapped_column(Integer, default=587, server_default="587")
    smtp_sender: Mapped[str] = mapped_column(String(254), default="", server_default="")
    smtp_username: Mapped[str] = mapped_column(String(200), default="", server_default="")
    smtp_starttls: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    # 振込手数料 the company's bank charges (JSON: threshold and the six fees), None = the example table;
    # and where a fee withheld from a supplier who bears it (先方負担) is posted: 7130 雑収入 or 6340 支払手数料.
    transfer_fee_table: Mapped[dict[str, int] | None] = mapped_column(JSON)
    withheld_fee_account: Mapped[str] = mapped_column(String(10), default="7130", server_default="7130")
    # sales (0015): a transfer fee a customer deducted from a deposit is booked as sales_discount (売上値引,
    # 対価の返還等) or transfer_fee (支払手数料); read and changed through ennoshita.sales.settings
    sales_fee_treatment: Mapped[str] = mapped_column(String(20), default="sales_discount",
                                                     server_default="sales_discount")
    # delivery (出荷基準/引渡基準: each delivery posts its sale on its date) or invoice (the invoice posts it)
    sales_revenue_recognition: Mapped[str] = mapped_column(String(20), default="delivery", server_default="delivery")
    # purchasing (0016): 源泉所得税 納期の特例 (1/20 and 7/10); 全銀 総合振込 with EDI 情報 (the supplier's bill number)
    withholding_special_due: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    zengin_edi: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # 少額特例 (税込1万円未満, to 2029-09-30) chosen, and the 基準期間 taxable sales that qualify the company
    small_amount_exception: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    base_period_taxable_sales: Mapped[int | None] = mapped_column(BigInteger)
    # 0022: receipt (検収基準: each goods receipt posts its purchase) or bill (the bill posts, month-end accrual)
    purchase_recognition: Mapped[str] = mapped_column(String(20), default="receipt", server_default="receipt")
    # security (issue 14): the first fiscal year a posting may fall in (None: the first fiscal year with data)
    first_fiscal_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # 人事: the week for 40h/week (ISO weekday it starts on, 7 = Sunday as 労基法 assumes), the 法定休日,
    # and the 就業規則's 年休 options (half days, 時間単位年休 up to N days a year, which grant is used first).
    hr_week_start: Mapped[int] = mapped_column(Integer, default=7, server_default="7")
    hr_legal_holiday_weekday: Mapped[int] = mapped_column(Integer, default=7, server_default="7")
    hr_leave_half_day: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    hr_leave_hourly: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    hr_leave_hourly_max_days: Mapped[int] = mapped_column(Integer, default=5, server_default="5")
    hr_leave_newest_first: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # security (0024, issue 14 item 5): 代替承認者, who takes a 承認 step nobody else may decide (a named user
    # beats a role; neither: such a request is refused at 申請). Set through approvals.services.
    approval_fallback_role: Mapped[str | None] = mapped_column(String(30), nullable=True)
    approval_fallback_user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # 総務・法務 (migration 0021): depreciation posted to 減価償却累計額 (indirect) or against the asset (direct);
    # 中小企業者等 for the 少額減価償却資産 rule; days before a 更新拒絶期限 / end date that contract alerts go out.
    depreciation_style: Mapped[str] = mapped_column(String(10), default="indirect", server_default="indirect")
    sme: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    contract_alert_days: Mapped[int] = mapped_column(Integer, default=60, server_default="60")


class CompanyBankAccount(Base):
    __tablename__ = "company_bank_accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bank_code: Mapped[str] = mapped_column(String(4))
    bank_name_kana: Mapped[str] = mapped_column(String(15), default="")
    branch_code: Mapped[str] = mapped_column(String(3))
    branch_name_kana: Mapped[str] = mapped_column(String(15), default="")
    account_type: Mapped[str] = mapped_column(String(4))
    account_number: Mapped[str] = mapped_column(String(7))
    holder_kana: Mapped[str] = mapped_column(String(40))
    zengin_requester_code: Mapped[str] = mapped_column(String(10), default="")
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    language: Mapped[str] = mapped_column(String(5), default="ja")
    department: Mapped[str | None] = mapped_column(String(60))
    password_hash: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def role_names(self) -> frozenset[str]:
        return frozenset(r.role for r in self.roles)


class UserRole(Base):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(30), primary_key=True)
    user: Mapped[User] = relationship(back_populates="roles")


class UserSession(Base):
    """A browser login. The cookie carries a random token; only its SHA-256 is stored."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class ApiToken(Base):
    """A personal API token: shown once, stored as SHA-256, revocable."""

    __tablename__ = "api_tokens"
    __table_args__ = (UniqueConstraint("token_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
