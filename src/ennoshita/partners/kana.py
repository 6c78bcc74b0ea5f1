"""カナ keys for matching a bank's 振込依頼人名 against a partner's registered カナ name.

A bank statement writes the payer the way 全銀 transfers carry it: half-width katakana, small kana
made large (ショウジ → シヨウジ), the legal form abbreviated with a parenthesis that shows whether it
stands before or after the name (株式会社山田商事 → ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ, 山田商事株式会社 → ﾔﾏﾀﾞｼﾖｳｼﾞ(ｶ),
and ``(ｶ)`` in the middle before a branch name). A partner's カナ is typed by a person: full-width,
perhaps hiragana, with small kana, spaces, or the legal form spelled out (カブシキガイシャ).

:func:`normalize_payer_kana` reduces both to the same key: NFKC (half-width to full-width katakana,
full-width ASCII to ASCII), hiragana to katakana, small kana to large, legal-form marks removed
wherever banks put them (start, end, or parenthesised in the middle), then every space, long-vowel
mark and punctuation dropped. The legal form is not part of the key; a name shared by
カ)ヤマダ and ユ)ヤマダ is told apart by the matching step, which also looks at amounts.

The abbreviations are 全銀協's 法人略語 / 営業所略語 as the banks publish them (e.g. 京葉銀行's
振込受取人名の入力方法).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import jaconv

# 全銀 法人略語: kana abbreviation -> the legal form it stands for. (略語 are written with large kana.)
LEGAL_FORM_ABBREVIATIONS: dict[str, str] = {
    "カ": "株式会社",
    "ユ": "有限会社",
    "メ": "合名会社",
    "シ": "合資会社",
    "ド": "合同会社",
    "イ": "医療法人",
    "ザイ": "財団法人",
    "シヤ": "社団法人",
    "シユウ": "宗教法人",
    "ガク": "学校法人",
    "フク": "社会福祉法人",
    "ソ": "相互会社",
    "ホゴ": "更生保護法人",
    "トクヒ": "特定非営利活動法人",
    "ドク": "独立行政法人",
    "チドク": "地方独立行政法人",
    "ベン": "弁護士法人",
    "チユウ": "中間法人",
    "ギヨ": "行政書士法人",
    "シホウ": "司法書士法人",
    "ゼイ": "税理士法人",
    "ダイ": "国立大学法人",
    "ノウ": "農事組合法人",
    "カンリ": "管理組合法人",
    "ロウム": "社会保険労務士法人",
}
# 営業所略語: (エイ) 営業所, (シユツ) 出張所: a branch marker, not part of the name.
OFFICE_ABBREVIATIONS: dict[str, str] = {"エイ": "営業所", "シユツ": "出張所"}

# Legal forms spelled out in kana (after small kana are made large) or written in kanji.
SPELLED_LEGAL_FORMS: dict[str, str] = {
    "カブシキガイシヤ": "株式会社",
    "カブシキカイシヤ": "株式会社",
    "ユウゲンガイシヤ": "有限会社",
    "ユウゲンカイシヤ": "有限会社",
    "ゴウメイガイシヤ": "合名会社",
    "ゴウシガイシヤ": "合資会社",
    "ゴウドウガイシヤ": "合同会社",
    "ゴウドウカイシヤ": "合同会社",
    "イツパンシヤダンホウジン": "社団法人",
    "イツパンザイダンホウジン": "財団法人",
    "トクテイヒエイリカツドウホウジン": "特定非営利活動法人",
    "イリヨウホウジン": "医療法人",
    "株式会社": "株式会社",
    "有限会社": "有限会社",
    "合名会社": "合名会社",
    "合資会社": "合資会社",
    "合同会社": "合同会社",
    "医療法人社団": "医療法人",
    "医療法人財団": "医療法人",
    "医療法人": "医療法人",
    "一般社団法人": "社団法人",
    "公益社団法人": "社団法人",
    "社団法人": "社団法人",
    "一般財団法人": "財団法人",
    "公益財団法人": "財団法人",
    "財団法人": "財団法人",
    "特定非営利活動法人": "特定非営利活動法人",
    "NPO法人": "特定非営利活動法人",
    "社会福祉法人": "社会福祉法人",
    "学校法人": "学校法人",
    "税理士法人": "税理士法人",
    "弁護士法人": "弁護士法人",
}
# Kanji abbreviations in parentheses, as in (株) or ㈱ (NFKC turns ㈱ into (株)).
KANJI_ABBREVIATIONS: dict[str, str] = {
    "株": "株式会社",
    "有": "有限会社",
    "名": "合名会社",
    "資": "合資会社",
    "同": "合同会社",
    "医": "医療法人",
    "財": "財団法人",
    "社": "社団法人",
    "福": "社会福祉法人",
    "学": "学校法人",
}

_SMALL_TO_LARGE = str.maketrans("ァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ",
                                "アイウエオツヤユヨワカケクシストヌハヒフヘホムラリルレロ")
_PAREN_ABBREVIATIONS = {**LEGAL_FORM_ABBREVIATIONS, **OFFICE_ABBREVIATIONS, **KANJI_ABBREVIATIONS}
_ALTERNATION = "|".join(sorted(map(re.escape, _PAREN_ABBREVIATIONS), key=len, reverse=True))
_SPELLED = "|".join(sorted(map(re.escape, SPELLED_LEGAL_FORMS), key=len, reverse=True))
# カ)NAME or (カ)NAME at the start; NAME(カ or NAME(カ) at the end; (カ) anywhere.
_LEADING = re.compile(rf"^\(?({_ALTERNATION})\)")
_TRAILING = re.compile(rf"\(({_ALTERNATION})\)?$")
_MIDDLE = re.compile(rf"\(({_ALTERNATION})\)")
_LEADING_SPELLED = re.compile(rf"^({_SPELLED})")
_TRAILING_SPELLED = re.compile(rf"({_SPELLED})$")
# Tried in this order, again and again until none applies: start, end, spelled out, then (カ) inside.
_STRIPPERS: tuple[tuple[re.Pattern[str], dict[str, str]], ...] = (
    (_LEADING, _PAREN_ABBREVIATIONS),
    (_TRAILING, _PAREN_ABBREVIATIONS),
    (_LEADING_SPELLED, SPELLED_LEGAL_FORMS),
    (_TRAILING_SPELLED, SPELLED_LEGAL_FORMS),
    (_MIDDLE, _PAREN_ABBREVIATIONS),
)
# Brackets people use instead of ASCII parentheses.
_BRACKETS = str.maketrans({"「": "(", "」": ")", "［": "(", "］": ")", "[": "(", "]": ")", "｟": "(", "｠": ")"})


def _keep(char: str) -> bool:
    """Letters and digits stay; spaces, punctuation, long-vowel marks and stray voicing marks go."""
    if char == "ー":
        return False
    return unicodedata.category(char)[0] in "LN"


# What _keep drops, as one pattern: everything that is not a letter or a digit (str.isalnum is Unicode
# categories L and N, as _keep checks), the underscore \w lets through, and the long-vowel mark.
_DROP = re.compile(r"[^\w]|[_ー]")
_DROP_KEEP_PARENS = re.compile(r"[^\w()]|[_ー]")


def _prepare(text: str) -> str:
    """NFKC, hiragana to katakana, ASCII upper-case, small kana to large; only letters, digits and
    the parentheses that mark legal forms are kept (カブシキ・ガイシャ is カブシキガイシヤ)."""
    text = unicodedata.normalize("NFKC", text).translate(_BRACKETS)
    text = jaconv.hira2kata(text).upper().translate(_SMALL_TO_LARGE)
    return _DROP_KEEP_PARENS.sub("", text)


def split_legal_form(text: str) -> tuple[str | None, str]:
    """``(legal form, canonical key)``: the first legal form found (e.g. ``'株式会社'``) and the key."""
    text = _prepare(text)
    form: str | None = None
    changed = True
    while changed:
        changed = False
        for pattern, table in _STRIPPERS:
            match = pattern.search(text)
            if match and match.end() - match.start() < len(text):  # never strip the whole name
                found = table[match.group(1)]
                if form is None and found not in OFFICE_ABBREVIATIONS.values():
                    form = found
                text = text[: match.start()] + text[match.end():]
                changed = True
        if not changed and ("(" in text or ")" in text):
            text = text.replace("(", "").replace(")", "")  # stray parentheses: drop them, look again
            changed = True
    return form, _DROP.sub("", text)


@lru_cache(maxsize=65536)
def normalize_payer_kana(text: str) -> str:
    """Canonical matching key of a payer or partner カナ name.

    ``'ｶ)ﾔﾏﾀﾞｼｮｳｼﾞ'``, ``'ヤマダショウジ（カ'`` and ``'カブシキガイシャ ヤマダ ショウジ'`` all give
    ``'ヤマダシヨウジ'``.
    """
    return split_legal_form(text)[1]
