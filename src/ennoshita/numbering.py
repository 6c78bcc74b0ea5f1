"""Moved to :mod:`ennoshita.kernel.numbering` (issue #13 item 12); the names stay importable from here."""

from __future__ import annotations

from ennoshita.kernel.numbering import Series as Series
from ennoshita.kernel.numbering import format_number as format_number
from ennoshita.kernel.numbering import reserve as reserve
