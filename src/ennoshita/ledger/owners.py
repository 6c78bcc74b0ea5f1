"""Who undoes an entry: an entry a module posted is undone in that module, not by the journal's 取消/訂正.

A module that posts through the ledger and keeps its own state (a sub-ledger, a document's paid state) registers
its sources at import: ``register_owner("sales", describe)``. ``describe(session, source_ref)`` tells, for one
entry of that source, the message that names the document and the screen where it is undone (a key of the module's
own catalog, with ``{ref}`` the entry's source_ref), and whether the journal's 取消 is nevertheless that module's way
of undoing it (``ledger_undo``: the 消費税 中間納付 and the 給与 納付, whose paid state follows the standing entry).
The ledger never imports the modules: the registry is filled from their side, the same way ``events`` handlers are
(``ennoshita.models`` imports every domain, and a lookup imports it first so that no owner is missed).

The rule, in :func:`refusal`: the journal's 取消 refuses an owned entry unless ``ledger_undo``; its 訂正 refuses every
owned entry (a corrected entry would stand in the books where the module does not see it); and the 取消 of an owned
entry's reversal is refused too (it would bring back in the books what the module has undone). The modules' own undo
paths call :func:`ennoshita.ledger.services.reverse_in`, which does not ask.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from ennoshita.errors import Conflict
from ennoshita.ledger.models import JournalEntry
from ennoshita.ledger.rules import entry_number


@dataclass(frozen=True)
class Owner:
    """The module that posted an entry: ``key`` (with ``{ref}``) names the document and where it is undone."""

    key: str
    ref: str = ""
    ledger_undo: bool = False  # the journal's 取消 is this entry's undo: its module follows the standing entry


Describe = Callable[[Session, str], "Owner | None"]
_OWNERS: dict[str, Describe] = {}
_loaded = False


def register_owner(source: str, describe: Describe) -> None:
    """``describe(session, source_ref)`` for the entries posted with ``source`` (``None``: not owned after all)."""
    _OWNERS[source] = describe


def _registry() -> dict[str, Describe]:
    global _loaded
    if not _loaded:
        importlib.import_module("ennoshita.models")  # every domain, and so every owner, registered
        _loaded = True
    return _OWNERS


def owner_of(session: Session, entry: JournalEntry) -> Owner | None:
    """Who undoes ``entry``: its source's owner, or, for the 取消 of an owned entry, the ledger refusing to
    bring it back (``ledger.error.owned_reversal``); ``None`` for the journal's own entries."""
    describe = _registry().get(entry.source)
    if describe is not None:
        return describe(session, entry.source_ref or "")
    if entry.reverses_id is not None:
        original = session.get(JournalEntry, entry.reverses_id)
        if original is not None and owner_of(session, original) is not None:
            return Owner("ledger.error.owned_reversal", entry_number(original.fiscal_year, original.number or 0))
    return None


def refusal(session: Session, entry: JournalEntry, correcting: bool = False) -> Conflict | None:
    """The Conflict the journal's 取消 (or, ``correcting``, 訂正) of ``entry`` meets, ``None`` when it may go."""
    owner = owner_of(session, entry)
    if owner is None or (owner.ledger_undo and not correcting):
        return None
    return Conflict(owner.key, field="entry_id", ref=owner.ref)


def refusals(session: Session, entry_id: int) -> tuple[Conflict | None, Conflict | None]:
    """What the journal's (取消, 訂正) of the entry would meet from its owner (the journal screen shows it in
    place of the buttons); ``(None, None)`` for an entry the journal undoes."""
    entry = session.get(JournalEntry, entry_id)
    if entry is None:
        return None, None
    return refusal(session, entry), refusal(session, entry, correcting=True)


def fixed_owner(key: str, ledger_undo: bool = False) -> Describe:
    """A describe for a source whose every entry has the same message (``{ref}`` its source_ref)."""

    def describe(session: Session, ref: str) -> Owner:
        return Owner(key, ref, ledger_undo)

    return describe


# The ledger's own postings that its 取消/訂正 do not undo: the year-end close (決算締めの解除 reverses it) and the
# 消費税 settlement posted by the close (which replaces it when the figures changed); the 中間納付 is undone by
# the journal's 取消 (its paid state follows it).
register_owner("closing", fixed_owner("ledger.owned.closing"))
register_owner("tax_settlement", fixed_owner("ledger.owned.tax_settlement"))
register_owner("ctax_interim", fixed_owner("ledger.owned.ctax_interim", ledger_undo=True))
