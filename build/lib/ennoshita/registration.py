"""法人番号 and 適格請求書発行事業者登録番号: validation and normalisation shared by every domain.

A 法人番号 (corporate number) has 13 digits; the LEADING digit is a check digit computed from the
12-digit base number (財務省令 平成26年第70号 第2条: 9 - (Σ Pn x Qn mod 9), weights 1 and 2 from the
right). We use ``stdnum.jp.cn`` for the arithmetic. A registration number (登録番号) is ``T`` followed by
13 digits: a corporation's 法人番号, or for a sole proprietor a 13-digit number from the same space.

Input is what people type or paste: full-width digits (``Ｔ１２３…``), hyphens or spaces between groups.
Everything is NFKC-normalised first; the stored form is ``T`` + 13 ASCII digits.
"""

from __future__ import annotations

import re
import unicodedata

from stdnum.jp import cn

from ennoshita.errors import Invalid

REGISTRATION_NUMBER_KEY = "company.error.registration_number"
CORPORATE_NUMBER_KEY = "company.error.corporate_number"

# Separators people put between digit groups: hyphens of every width, spaces, dots.
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−ー.]")


def _clean(text: str) -> str:
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", text)).upper()


def is_valid_corporate_number(text: str) -> bool:
    """True when ``text`` is a 13-digit 法人番号 whose leading check digit is right.

    Full-width digits and separators are tolerated; a leading ``T`` is not (that is a registration
    number, see :func:`normalize_registration_number`).
    """
    digits = _clean(text)
    return len(digits) == 13 and digits.isascii() and digits.isdigit() and bool(cn.is_valid(digits))


def normalize_corporate_number(text: str, field: str = "corporate_number") -> str:
    """The 13 ASCII digits of a valid 法人番号, or :class:`Invalid` naming ``field``."""
    if not is_valid_corporate_number(text):
        raise Invalid(CORPORATE_NUMBER_KEY, field=field)
    return _clean(text)


def normalize_registration_number(text: str, field: str = "registration_number") -> str:
    """``T`` + 13 digits for a valid 登録番号 written any usual way, or :class:`Invalid` naming ``field``.

    The ``T`` may be missing, lower-case or full-width; the 13 digits must carry a correct check digit.
    """
    raw = _clean(text)
    digits = raw[1:] if raw.startswith("T") else raw
    if not is_valid_corporate_number(digits):
        raise Invalid(REGISTRATION_NUMBER_KEY, field=field)
    return "T" + digits


def is_valid_registration_number(text: str) -> bool:
    try:
        normalize_registration_number(text)
    except Invalid:
        return False
    return True
