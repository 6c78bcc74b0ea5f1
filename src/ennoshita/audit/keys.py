"""The audit chain's HMAC key: a file outside the database (issue 14 item 16).

The key is 32 random bytes, hex in a 0600 file at ``Settings.audit_key_path()`` (``ENNOSHITA_AUDIT_KEY_FILE``,
by default ``var/audit_key`` next to ``var/secret_key``). Only :func:`load_key` with ``create=True`` ever writes it:
``ennoshita init`` and the migration that starts the keyed chain on a fresh install. Verifying never creates a key:
without it, verification fails and says which file is missing.

The latest checkpoint of a chain (:mod:`ennoshita.audit.checkpoints`) is also written next to the key, so that
deleting checkpoint rows from the database is noticed.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_override: Path | None = None
_cache: dict[Path, bytes] = {}


class AuditKeyMissing(Exception):  # noqa: N818 - reads as a sentence in the CLI
    """The key file does not exist (verification and recording refuse rather than create one)."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"audit key file not found: {path} (set ENNOSHITA_AUDIT_KEY_FILE to the key of this "
                         "installation; `ennoshita restore --audit-key-file` installs one from a backup)")
        self.path = path


def key_path() -> Path:
    if _override is not None:
        return _override
    from ennoshita.settings import get_settings

    return get_settings().audit_key_path()


def set_key_file(path: Path | None) -> None:
    """Use this key file instead of the settings' one (the restore check, tests)."""
    global _override
    _override = None if path is None else Path(path).expanduser().resolve()


@contextmanager
def key_file(path: Path) -> Iterator[None]:
    global _override
    before = _override
    set_key_file(path)
    try:
        yield
    finally:
        _override = before


def load_key(create: bool = False) -> bytes:
    """The key bytes; ``create``: write a new random key when there is none (never when verifying)."""
    path = key_path()
    cached = _cache.get(path)
    if cached is not None and path.exists():
        return cached
    if not path.exists():
        if not create:
            raise AuditKeyMissing(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process created it meanwhile
            pass
        else:
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_hex(32) + "\n")
    text = path.read_text().strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) < 32:
        raise ValueError(f"audit key file {path} does not hold a key (64 hex digits)")
    _cache[path] = key
    return key


def key_exists() -> bool:
    return key_path().exists()


def key_id(key: bytes) -> str:
    """A fingerprint that names the key in the chain's marker record without revealing it."""
    return hmac.new(key, b"ennoshita audit key id", hashlib.sha256).hexdigest()[:16]


def checkpoint_file(chain_id: str) -> Path:
    """Where the latest checkpoint of the chain ``chain_id`` is kept outside the database."""
    return key_path().parent / f"audit_checkpoint_{chain_id}.json"
