"""Domain events inside one transaction: a domain announces what happened (``quote.sent``), other domains
react in the same session, so that both changes commit together or not at all, and the announcing domain
does not need to know who listens (sales does not import the request desk; the desk subscribes).

Handlers are registered at import time by the listening domain (``ennoshita.models`` imports every domain).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from ennoshita.actor import Actor

Handler = Callable[[Session, Actor, dict[str, Any]], None]
_HANDLERS: dict[str, list[Handler]] = defaultdict(list)


def subscribe(name: str, handler: Handler) -> None:
    if handler not in _HANDLERS[name]:
        _HANDLERS[name].append(handler)


def publish(session: Session, actor: Actor, name: str, **data: Any) -> None:
    """Call every handler of ``name`` in the caller's transaction; an error in a handler aborts the use case."""
    for handler in list(_HANDLERS.get(name, ())):
        handler(session, actor, data)
