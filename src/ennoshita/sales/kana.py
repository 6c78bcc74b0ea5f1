"""Moved to :mod:`ennoshita.partners.kana` (issue #13 item 12); the names stay importable from here."""

from __future__ import annotations

from ennoshita.partners.kana import KANJI_ABBREVIATIONS as KANJI_ABBREVIATIONS
from ennoshita.partners.kana import LEGAL_FORM_ABBREVIATIONS as LEGAL_FORM_ABBREVIATIONS
from ennoshita.partners.kana import OFFICE_ABBREVIATIONS as OFFICE_ABBREVIATIONS
from ennoshita.partners.kana import SPELLED_LEGAL_FORMS as SPELLED_LEGAL_FORMS
from ennoshita.partners.kana import normalize_payer_kana as normalize_payer_kana
from ennoshita.partners.kana import split_legal_form as split_legal_form
