"""State changes of documents, the same way in every domain: a document's TRANSITIONS table says which
status may follow which; :func:`move` refuses any other change and writes the audit record."""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy.orm import Session

from ennoshita import audit
from ennoshita.actor import Actor
from ennoshita.errors import InvalidTransition


class Stateful(Protocol):
    id: Any
    status: Any


def move(session: Session, actor: Actor, doc: Stateful, table: dict[str, frozenset[str]], target: str,
         entity: str, error_key: str) -> None:
    """Change ``doc.status`` to ``target`` if ``table`` allows it, with its audit record; else raise
    InvalidTransition with the domain's ``error_key``."""
    if target not in table.get(doc.status, frozenset()):
        raise InvalidTransition(error_key, field="status", entity=entity, current=doc.status, target=target)
    before = doc.status
    doc.status = target
    audit.record(session, actor, entity, doc.id, f"status:{target}", before={"status": before},
                 after={"status": target})
