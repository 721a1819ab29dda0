"""What the model reads: invisible characters dropped (Persian's joiner kept where it
joins), shouting lowered."""

import unicodedata

import pytest

from sentiment.reading import as_seen, reading_form, unspaced, visible
from sentiment.topics import topics_of


def test_variation_selectors_after_most_letters_are_dropped():
    # Typed after every letter they show nothing; the model read this 0.63 negative
    # against 0.89 as "Péssimo atendimento".
    selected = "".join(c + "\ufe0f" if c.isalpha() else c for c in "Péssimo atendimento")
    assert visible(selected) == "Péssimo atendimento"
    assert visible("P\ufe0ee\ufe0es\ufe0es\ufe0ei\ufe0em\ufe0eo") == "Pessimo"
    # Topic and danger words are compared without them too.
    assert topics_of("".join(c + "\ufe0f" for c in "reembolso")) == ["refund"]
    # After one letter it is an emoji's trace, and after an emoji it draws it.
    for text in ("o y bonito\ufe0f", "один вечер\ufe0f\ufe0fХоть", "❤\ufe0f ok", "☺\ufe0e"):
        assert visible(text) == text


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
    plain = "Tudo certo com a entrega, obrigado pela ajuda"
    assert reading_form(plain) == plain
    # A short text's first word is read in small letters (sentiment.casing.sentence_lowered).
    assert reading_form("Tudo certo, obrigado") == "tudo certo, obrigado"


def test_words_spelled_out_letter_by_letter_are_read_as_words():
    assert unspaced("P É S S I M O  A T E N D I M E N T O") == "PÉSSIMO  ATENDIMENTO"
    assert unspaced("Uma palavra: B A S T A!") == "Uma palavra: BASTA!"
    assert unspaced("ن ا ر ا ض ی") == "ناراضی"
    assert unspaced("у ж а с н о") == "ужасно"
    # Spaces a filter does not take for spaces: no-break, thin, ideographic. The model read
    # "P\u00a0é\u00a0s\u00a0s\u00a0i\u00a0m\u00a0o" neutral.
    assert unspaced("P\u00a0é\u00a0s\u00a0s\u00a0i\u00a0m\u00a0o") == "Péssimo"
    assert unspaced("N\u2009U\u2009N\u2009C\u2009A m\u3000a\u3000i\u3000s") == "NUNCA mais"
    assert unspaced("Prezzo\u00a0ok, J\u00a0R\u00a0R") == "Prezzo\u00a0ok, J\u00a0R\u00a0R"


def test_letters_spelled_out_with_dots_dashes_or_stars_are_read_as_words():
    assert unspaced("P.é.s.s.i.m.o a.t.e.n.d.i.m.e.n.t.o") == "Péssimo atendimento"
    assert unspaced("N-U-N-C-A M-A-I-S!") == "NUNCA MAIS!"
    assert unspaced("P*É*S*S*I*M*O, E.E.U.U.") == "PÉSSIMO, EEUU."
    for text in ("S.O.S", "U.S.A.", "a-b-c", "P.S.", "e-mail", "P.-É.S", "a.b-c.d", "1.2.3.4"):
        assert unspaced(text) == text


def test_letters_apart_by_claps_tildes_bars_or_lines_are_read_as_words():
    assert unspaced("P👏É👏S👏S👏I👏M👏O") == "PÉSSIMO"  # read positive as written
    assert unspaced("p~é~s~s~i~m~o") == "péssimo"
    assert unspaced("N|U|N|C|A") == "NUNCA"
    assert unspaced("Resumo:\nP\nÉ\nS\nS\nI\nM\nO") == "Resumo:\nPÉSSIMO"  # vertical text
    for text in ("Péssimo👏atendimento👏nunca👏mais", "Tamanho: P | M | G | GG", "a\nb\nc"):
        assert unspaced(text) == text


def test_initials_short_words_and_codes_stay_as_written():
    for text in ("J R R Tolkien", "a e o", "A B C", "x1 y2 z3 w4", "1 2 3 4 5", "nota 1 0 0"):
        assert unspaced(text) == text


def test_the_reading_form_joins_then_lowers_a_spelled_out_shout():
    assert reading_form("N U N C A  M A I S") == "nunca  mais"


def test_html_escaping_is_undone_before_anything_else():
    escaped = "P&Eacute;SSIMO atendimento.<br />\n&#1055;&#1083;&#1086;&#1093;&#1086;"
    assert reading_form(escaped) == "péssimo atendimento.\nплохо"  # a short text
    assert reading_form("ok &lt;3") == "ok <3"


def test_emoji_the_vocabulary_lacks_are_written_as_ones_it_has():
    from sentiment.emoji import BLOCK, STAND_INS

    assert all(BLOCK.fullmatch(emoji) for emoji in STAND_INS)  # the fast check sees them all
    assert reading_form("chegou fria 🤮🤮, nunca mais 🤬") == "chegou fria 😖😖, nunca mais 😡"
    assert reading_form("🥺 🥲 👍🏻 ❤️") == "🥺 🥲 👍🏻 ❤️"  # feelings that depend on the reader


def _zalgo(text: str, marks: str = "\u0316\u0324\u0353\u0301") -> str:
    return "".join(c + marks if c.isalpha() else c for c in text)


def test_stacks_of_combining_marks_are_dropped_and_real_accents_kept():
    assert reading_form(_zalgo("péssimo atendimento")) == "péssimo atendimento"
    assert reading_form(_zalgo("очень плохо")) == "очень плохо"
    # Two marks on a letter are writing, not a stack: Vietnamese ệ, decomposed.
    vietnamese = unicodedata.normalize("NFD", "ở Việt Nam, không tốt")
    assert reading_form(vietnamese) == vietnamese
    # Marks of a script's own (Arabic vowel signs, Hebrew points) are never counted.
    for text in ("مُحَمَّدٌ", "שָׁלוֹם"):
        assert reading_form(text) == text


def _glitched(text: str, marks: str = "\u0319\u0301\u0347\u0349\u0307") -> str:
    """One or two marks on every letter, as glitch-text generators write it."""
    letters = (c for c in text if c.isalpha())
    picks = {c: marks[i % len(marks)] + marks[i % 2] * (i % 2) for i, c in enumerate(letters)}
    return "".join(c + picks.get(c, "") if c.isalpha() else c for c in text)


@pytest.mark.parametrize(
    "text",
    [
        "Péssimo atendimento, nunca mais",
        "Ужасный сервис, не рекомендую",  # й keeps its breve
        "Servizio pessimo, mai più",
        "Terrible service, never again",
    ],
)
def test_marks_on_most_letters_are_dropped_and_the_language_s_accents_kept(text):
    assert as_seen(_glitched(text)) == text


def test_glitch_marks_composed_into_other_letters_are_dropped_too():
    # Marks once a platform normalised the text: "ṁ", "ọ", "ṭ" are single characters. (An
    # acute so composed, "ó", cannot be told from the language's own and stays.)
    marks = "\u0319\u0323\u0347\u0349\u0307"
    composed = unicodedata.normalize("NFC", _glitched("Péssimo atendimento", marks))
    # "é" with a dot under it composed into "ẹ́", no letter of these languages: its accent
    # goes with the dot, and "Pessimo" is still the word to the model.
    assert as_seen(composed) == "Pessimo atendimento"


@pytest.mark.parametrize(
    "text",
    [
        "Пира́тство, бо́льшую часть",  # stress marks: one letter of a word
        "убить д̶в̶у̶х̶ трех зайцев",  # a retraction, struck through
        "(；⌣̀_⌣́)",  # marks on symbols
    ],
)
def test_marks_that_are_writing_stay(text):
    assert as_seen(text) == text


def test_a_run_of_one_emoji_is_read_as_ten_at_most():
    from sentiment.emoji import MAX_RUN

    assert reading_form("😡" * 255) == "😡" * MAX_RUN
    assert reading_form("péssimo " + "🤬" * 40) == "péssimo " + "😡" * MAX_RUN  # stand-in first
    assert reading_form("❤️" * 30) == "❤️" * MAX_RUN  # with its variation selector
    assert reading_form("👍🏽" * 11) == "👍🏽" * MAX_RUN  # with its skin tone
    assert reading_form("😡" * MAX_RUN) == "😡" * MAX_RUN
    assert reading_form("😡😭" * 20) == "😡😭" * 20  # not one emoji


def test_mojibake_is_read_as_the_customer_wrote_it():
    written = "Péssimo atendimento, não recomendo"
    mangled = written.encode().decode("cp1252")
    assert reading_form(mangled) == reading_form(written)


def test_small_capitals_are_read_as_letters_and_squared_ones_as_shouting():
    assert reading_form("ᴘéssɪᴍᴏ ᴀᴛᴇɴᴅɪᴍᴇɴᴛᴏ") == "péssimo atendimento"
    assert reading_form("🅿🅴🆂🆂🅸🅼🅾 🅰🆃🅴🅽🅳🅸🅼🅴🅽🆃🅾") == "pessimo atendimento"
