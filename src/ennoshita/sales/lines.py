"""Moved to :mod:`ennoshita.kernel.lines` (issue #13 item 12); the names stay importable from here."""

from __future__ import annotations

from ennoshita.kernel.lines import MAX_LINES as MAX_LINES
from ennoshita.kernel.lines import TAX_KINDS as TAX_KINDS
from ennoshita.kernel.lines import LineInput as LineInput
from ennoshita.kernel.lines import ResolvedLine as ResolvedLine
from ennoshita.kernel.lines import parse_decimal as parse_decimal
from ennoshita.kernel.lines import price_entry_of as price_entry_of
from ennoshita.kernel.lines import resolve_lines as resolve_lines
from ennoshita.kernel.lines import totals_of as totals_of
