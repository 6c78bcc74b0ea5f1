"""Moved to :mod:`ennoshita.kernel.transitions` (issue #13 item 12); the names stay importable from here."""

from __future__ import annotations

from ennoshita.kernel.transitions import Stateful as Stateful
from ennoshita.kernel.transitions import move as move
