"""カナ keys: a bank's 振込依頼人名 and a partner's カナ written by a person meet on one key."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ennoshita.sales.kana import normalize_payer_kana, split_legal_form

# The key is the name without its legal form, in full-width katakana with large kana only; every
# expected key below was written by hand from that rule.
YAMADA = "ヤマダシヨウジ"


@pytest.mark.parametrize("text", [
    "ｶ)ﾔﾏﾀﾞｼｮｳｼﾞ",  # bank, half-width, 前株
    "ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ",  # bank, 全銀 large kana
    "(ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ",
    "ﾔﾏﾀﾞｼﾖｳｼﾞ(ｶ",  # 後株, the way banks write it
    "ﾔﾏﾀﾞｼﾖｳｼﾞ(ｶ)",
    "ヤマダショウジ（カ",  # partner master, full-width
    "カ）ヤマダ　ショウジ",
    "ヤマダショウジ",
    "やまだしょうじ",  # typed in hiragana
    "カブシキガイシャ ヤマダショウジ",  # legal form spelled out
    "カブシキ・ガイシャ　ヤマダ・ショウジ",
    "ヤマダショウジ カブシキガイシャ",
    " ｶ) ﾔﾏﾀﾞ ｼｮｳｼﾞ ",
])
def test_every_way_of_writing_yamada_shoji_gives_one_key(text: str) -> None:
    assert normalize_payer_kana(text) == YAMADA


@pytest.mark.parametrize(("text", "form", "key"), [
    ("ﾕ)ｽｽﾞｷｺｳｷﾞﾖｳ", "有限会社", "スズキコウギヨウ"),
    ("ｽｽﾞｷｺｳｷﾞﾖｳ(ﾕ", "有限会社", "スズキコウギヨウ"),
    ("ﾄﾞ)ｴｲﾋﾞ-ｼ-ｼﾞﾔﾊﾟﾝ", "合同会社", "エイビシジヤパン"),  # ー/- are dropped on both sides
    ("ｲ)ｹﾝｺｳｶｲ", "医療法人", "ケンコウカイ"),
    ("ﾄｸﾋ)ﾐﾄﾞﾘﾉｶｲ", "特定非営利活動法人", "ミドリノカイ"),
    ("ｼﾔ)ﾆﾎﾝｷﾖｳｶｲ", "社団法人", "ニホンキヨウカイ"),
    ("ｶﾞｸ)ｻｸﾗｶﾞｸｴﾝ", "学校法人", "サクラガクエン"),
    ("ﾔﾏﾀﾞｼﾖｳｼﾞ(ｶ)ﾁﾊﾞｼﾃﾝ", "株式会社", "ヤマダシヨウジチバシテン"),  # (カ) in the middle, branch after
    ("ﾔﾏﾀﾞｼﾖｳｼﾞ(ｶ)ﾄｳｷﾖｳ(ｴｲ", "株式会社", "ヤマダシヨウジトウキヨウ"),  # (エイ) 営業所 at the end
    ("(株)山田商事", "株式会社", "山田商事"),
    ("山田商事㈱", "株式会社", "山田商事"),
    ("ABC(ﾄﾞ", "合同会社", "ABC"),
    ("ｺﾞｳﾄﾞｳｶﾞｲｼﾔ ABC", "合同会社", "ABC"),
])
def test_legal_forms_are_recognised_and_left_out_of_the_key(text: str, form: str, key: str) -> None:
    assert split_legal_form(text) == (form, key)


@pytest.mark.parametrize(("text", "key"), [
    ("ﾀﾅｶ ﾀﾛｳ", "タナカタロウ"),  # a person: no legal form, the space goes
    ("カワサキ", "カワサキ"),  # starts with カ but no parenthesis: not 株式会社
    ("ﾀｶﾊｼｶ", "タカハシカ"),  # ends with カ, no parenthesis
    ("ﾁｮｯﾄ ｺｰﾋｰ", "チヨツトコヒ"),  # small ョ ッ made large, ー dropped
    ("ｶ)", "カ"),  # never strip the whole name away
    ("ＡＢＣ　ｓｈｏｐ", "ABCSHOP"),  # full-width ASCII, upper case
])
def test_names_without_a_legal_form(text: str, key: str) -> None:
    assert normalize_payer_kana(text) == key


def test_different_companies_keep_different_keys() -> None:
    assert normalize_payer_kana("ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ") != normalize_payer_kana("ｶ)ﾔﾏﾀﾞｼﾖｳｶｲ")
    assert normalize_payer_kana("ｶ)ﾔﾏﾀﾞ") != normalize_payer_kana("ｶ)ﾊﾏﾀﾞ")


_PIECES = st.sampled_from([
    "ｶ)", "(ｶ", "(ｶ)", "カ)", "（カ）", "ﾕ)", "(ｴｲ", "カブシキガイシャ", "株式会社", "㈱", "ﾔﾏﾀﾞ", "ショウジ",
    "ｼｮｳｼﾞ", "ー", "-", " ", "　", "・", "ア", "ッ", "ABC", "ｂ", "1", "(", ")",
])


@given(st.lists(_PIECES, min_size=1, max_size=8).map("".join))
def test_the_key_is_stable(text: str) -> None:
    key = normalize_payer_kana(text)
    assert normalize_payer_kana(key) == key
    assert all(ch not in key for ch in " 　()ー-・ｧｨｩｪｫｯｬｭｮァィゥェォッャュョ")
