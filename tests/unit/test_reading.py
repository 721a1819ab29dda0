"""What the model reads: invisible characters dropped (Persian's joiner kept where it
joins), shouting lowered."""

import unicodedata

from sentiment.reading import reading_form, visible


def test_invisible_characters_pasted_into_words_are_dropped():
    assert visible("péss\u200bimo at\u00adendimento") == "péssimo atendimento"
    assert visible("\ufeffre\u2060embolso \u200fمرجوعی\u200e") == "reembolso مرجوعی"
    assert visible("خــــیلی بــد") == "خیلی بد"  # tatweel


def test_every_format_character_goes_but_the_persian_joiner_stays_where_it_joins():
    format_chars = [
        chr(c)
        for c in [*range(0x30000), *range(0xE0000, 0xE1000)]
        if unicodedata.category(chr(c)) == "Cf" and c != 0x200C
    ]
    assert len(format_chars) > 150  # tags for flag emoji included
    assert visible("a" + "".join(format_chars) + "b") == "ab"
    assert visible("می\u200cخواهم") == "می\u200cخواهم"
    assert visible("ref\u200cund") == "refund"
    assert visible("\u200cخوب") == "خوب"
    assert visible("خوب\u200c ") == "خوب "


def test_emoji_lose_their_joiners_but_not_themselves():
    assert visible("👨\u200d👩\u200d👧 ok") == "👨👩👧 ok"


def test_the_reading_form_combines_both():
    assert reading_form("PÉSS\u200bIMO ATENDI\u00adMENTO") == "péssimo atendimento"
    assert reading_form("Tudo certo, obrigado") == "Tudo certo, obrigado"
