"""Configuration: environment variables ``ENNOSHITA_*`` (or a ``.env`` file), one pydantic-settings class."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

VAR_DIR = Path("var")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ENNOSHITA_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///var/ennoshita.db"
    secret_key: str = ""
    # Set when served behind https: session cookies then carry the Secure flag.
    secure_cookies: bool = False
    session_hours: int = 12
    # Failed logins before the account is slowed down, and the base delay.
    login_throttle_after: int = 5
    login_throttle_seconds: int = 30
    upload_max_bytes: int = 10 * 1024 * 1024  # one attached file (証憑, 添付)
    # Request bodies (security/uploads.py): a larger body answers 413 before it is read; more rows, 422.
    request_max_bytes: int = 32 * 1024 * 1024  # any request that is not one of the imports below
    bank_csv_max_bytes: int = 20 * 1024 * 1024
    bank_csv_max_rows: int = 200_000
    journal_import_max_bytes: int = 256 * 1024 * 1024  # 弥生 / CSV 仕訳 import
    journal_import_max_rows: int = 2_000_000
    partner_csv_max_bytes: int = 10 * 1024 * 1024
    partner_csv_max_rows: int = 50_000
    attendance_csv_max_bytes: int = 10 * 1024 * 1024
    attendance_csv_max_rows: int = 200_000
    default_language: str = "ja"
    # The audit chain's HMAC key (issue 14 item 16): a file outside the database, 0600, created by `init` or the
    # first migration of a fresh install. Empty: var/audit_key next to var/secret_key. The latest signed
    # checkpoint of each chain is written next to it.
    audit_key_file: str = ""

    def audit_key_path(self) -> Path:
        """The audit key file, as an absolute path."""
        return Path(self.audit_key_file or VAR_DIR / "audit_key").expanduser().resolve()

    def resolved_secret_key(self) -> str:
        """The signing key: from the environment, else a random one kept in var/secret_key (never in git)."""
        if self.secret_key:
            return self.secret_key
        path = VAR_DIR / "secret_key"
        if path.exists():
            return path.read_text().strip()
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        path.write_text(key)
        path.chmod(0o600)
        return key


@lru_cache
def get_settings() -> Settings:
    return Settings()
