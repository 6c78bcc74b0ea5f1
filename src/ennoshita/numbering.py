"""Moved to :mod:`ennoshita.kernel.numbering` (issue #13 item 12); the names stay importable from here."""

from __future__ import annotations

from ennoshita.kernel.numbering import reserve as reserve
