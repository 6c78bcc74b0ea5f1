"""The CLI's last resort says what the web's and the API's say for the failures they share (one mapping,
``security.bounds.last_resort``), and its own words for the rest."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.exc import DataError, IntegrityError, OperationalError

from ennoshita.audit.keys import AuditKeyMissing
from ennoshita.cli.common import last_resort
from ennoshita.errors import Conflict


def test_shared_failures_map_as_on_the_web() -> None:
    duplicate = last_resort(IntegrityError("INSERT", {}, Exception("UNIQUE constraint failed: partners.code")))
    assert isinstance(duplicate, Conflict) and duplicate.key == "error.conflict"
    assert last_resort(DataError("INSERT", {}, Exception("value out of range"))).key == "error.number_range"
    assert last_resort(OverflowError("int too large")).key == "error.number_range"
    bad = last_resort(UnicodeDecodeError("cp932", b"\xff", 0, 1, "illegal multibyte sequence"))
    assert (bad.key, bad.problems[0].field) == ("error.encoding", "file")


def test_the_cli_own_cases() -> None:
    assert last_resort(AuditKeyMissing(Path("/srv/var/audit_key"))).params == {"path": "/srv/var/audit_key"}
    missing = last_resort(OperationalError("SELECT", {}, Exception("no such table: partners")))
    assert (missing.key, missing.params["detail"]) == ("cli.error_not_set_up", "no such table: partners")
    locked = last_resort(OperationalError("INSERT", {}, Exception("database is locked")))
    assert (locked.key, locked.params["detail"]) == ("cli.error_database", "database is locked")
    other = last_resort(RuntimeError("boom\nsecond line"))
    assert (other.key, other.params) == ("cli.error_unexpected", {"kind": "RuntimeError", "detail": "boom"})


def test_a_chain_without_its_keyed_start_is_said_in_the_users_words() -> None:
    """Recording on a chain whose marker is gone raised ChainNotKeyed, which the CLI printed as an unforeseen
    failure with its English text (the audit trail does not end in keyed records ...)."""
    from ennoshita.audit.services import ChainNotKeyed
    from ennoshita.i18n import gettext

    said = last_resort(ChainNotKeyed())
    assert said.key == "cli.error_chain_not_keyed"
    assert gettext("ja", said.key).startswith("監査証跡") and "audit verify" in gettext("en", said.key)
