import json

import pytest

from reputation.core.models import Review
from reputation.core.text import (
    as_number,
    blank,
    clean_json,
    clean_text,
    fold,
    half_up,
    html_as_text,
    plain_letters,
    read_json,
    unhidden,
    unmangled,
)
from reputation.storage.search import terms
from sentiment.reading import as_seen
from tests.text_kit import read_as


def test_lone_surrogates_and_control_characters_become_the_replacement_character():
    cut = json.loads('"ok \\ud83d"')  # half an emoji, as JSON allows
    assert clean_text(cut) == "ok \ufffd"
    assert clean_text("a\x00b\x1fc\x7f") == "a\ufffdb\ufffdc\ufffd"
    # Tabs, line breaks, whole emoji and right-to-left text are what the author wrote.
    kept = "tab\tline\r\nend 😡 \u200fخیلی بد بود\u200c"
    assert clean_text(kept) == kept
    clean_text(cut).encode("utf-8")  # encodable now


def test_clean_json_reaches_keys_and_nested_values():
    raw = json.loads('{"t\\udc00": ["x\\ud800", {"y": "\\u0000"}], "n": 1, "b": null}')
    assert clean_json(raw) == {"t\ufffd": ["x\ufffd", {"y": "\ufffd"}], "n": 1, "b": None}


def test_every_model_string_is_encodable():
    review = Review(
        source="google_play",
        external_id="x\ud800",
        text=json.loads('"Entrega atrasada \\ud83d"'),
        created_at="2026-11-01T10:00:00Z",
        reply={"text": "Sentimos \udc00"},
    )
    assert review.text == "Entrega atrasada \ufffd"
    assert review.external_id == "x\ufffd"
    assert review.reply is not None
    assert review.reply.text == "Sentimos \ufffd"
    assert len(review.content_hash) == 32  # hashing encodes the text: it raised before


def test_nan_and_infinity_are_not_json_and_become_null():
    raw = json.loads('{"r": NaN, "p": [Infinity, -Infinity, 1.5]}')
    cleaned = clean_json(raw)
    assert cleaned == {"r": None, "p": [None, None, 1.5]}
    json.dumps(cleaned, allow_nan=False)  # strict JSON again


def test_a_number_may_come_quoted():
    assert as_number(4) == 4.0
    assert as_number(" 4.5 ") == 4.5
    assert as_number("2") == 2.0
    assert as_number("4,5") == 4.5  # the decimal comma of pt/es/it/ru exports
    for bad in ("four", "", True, None, [1], float("nan"), "inf", {"v": 1}, "1,000,5", "4,"):
        assert as_number(bad) is None, bad


def test_half_stars_round_up_the_same_way_at_every_step():
    assert [half_up(v) for v in (1.4, 1.5, 2.5, 3.5, 4.5, 4.49)] == [1, 2, 3, 4, 5, 4]


HOSTILE_JSON = [
    "[" * 100_000 + "]" * 100_000,  # past the parser's recursion limit
    '{"a": ' * 700 + "1" + "}" * 700,  # parses, but too deep to walk
    '{"text": "x", "n": ' + "9" * 5_000 + "}",  # past the integer digit limit
    '{"text": "cut',
    "",
]


@pytest.mark.parametrize("raw", HOSTILE_JSON, ids=["array", "object", "digits", "cut", "empty"])
def test_hostile_json_is_a_decode_error_never_another_exception(raw):
    with pytest.raises(json.JSONDecodeError) as caught:
        read_json(raw)
    assert caught.value.msg
    assert len(caught.value.doc) <= 100  # the error never carries a whole hostile line


def test_read_json_cleans_and_forgives_a_byte_order_mark():
    assert read_json('\ufeff{"t": "a\\ud800", "r": NaN}') == {"t": "a\ufffd", "r": None}
    assert read_json(b'{"n": [1, 2.5]}') == {"n": [1, 2.5]}
    assert read_json('{"a": ' * 200 + "1" + "}" * 200) is not None  # deep but sane
    with pytest.raises(json.JSONDecodeError):
        read_json('{"t": "tab\there"}')
    assert read_json('{"t": "tab\there"}', strict=False) == {"t": "tab\there"}


@pytest.mark.parametrize(
    ("escaped", "written"),
    [
        ("P&eacute;ssimo atendimento", "Péssimo atendimento"),
        ("&#1087;&#1083;&#1086;&#1093;&#1086;", "плохо"),  # every letter a numeric entity
        ("Q&amp;A &lt;3 &#x1F621;", "Q&A <3 \U0001f621"),
        ("Line one<br />\r\nLine two<BR><br>Para", "Line one\nLine two\n\nPara"),
        (
            "<p>First.</p><p>Second <b>bold</b> <a href='x'>link</a></p>",
            "First.\n\nSecond bold link",
        ),
        ("P&amp;eacute;ssimo &amp;amp; caro", "Péssimo & caro"),  # escaped on save and export
        ("Ótimo&lt;br /&gt;Recomendo", "Ótimo\nRecomendo"),  # a text escaped whole, tags too
        ("<h2>Horrible</h2>muito<img src='s.gif' />ruim", "Horrible\nmuito ruim"),
        (" <b>ok</b>\n", " ok\n"),  # the writer's own spaces at the ends stay
    ],
)
def test_html_escaping_is_undone(escaped, written):
    assert html_as_text(escaped) == written


@pytest.mark.parametrize(
    ("page", "words"),
    [
        ("<style>.r{color:#0a0}</style>Ужасный сервис", "Ужасный сервис"),
        ('<script>var x = "great, excellent";</script>Péssimo', "Péssimo"),
        ("Nunca <!-- 5 stars, amazing -->más", "Nunca  más"),
        ("<SCRIPT type='x'>\nok\n</SCRIPT >Pessimo", "Pessimo"),
    ],
)
def test_scripts_style_sheets_and_comments_are_not_read(page, words):
    # As scraped, the style sheet before "Ужасный сервис" made it read positive.
    assert unhidden(page) == words


def test_blocks_never_closed_stay_and_do_not_hide_what_follows():
    assert unhidden("<script>" * 3 + "ok <!-- a") == "<script>" * 3 + "ok <!-- a"
    # "İ" is two characters in lower case: the blocks are found in the text as written.
    assert unhidden("İİ <style>x</style>ruim<!-- y -->!") == "İİ  ruim !"


def test_what_a_reader_is_shown_of_a_script_is_still_searched_and_folded():
    # The inbox shows a review as stored: "<script>alert(1)</script>" is text there.
    assert {"alert", "broken"} <= set(terms("<script>alert(1)</script> broken"))
    assert as_seen("<script>alert(1)</script> broken") == "broken"


@pytest.mark.parametrize(
    "text",
    ["I <3 it", "price < 10 > 5", "<angry>never again</angry>", "AT&T & co", "R&D;", ""],
)
def test_text_that_only_looks_like_markup_is_kept(text):
    assert html_as_text(text) == text


def test_words_are_compared_unescaped():
    assert fold("n&atilde;o chegou") == fold("não chegou") == "nao chegou"


def test_language_tags_are_read_as_two_letter_codes():
    from reputation.core.text import lang_code

    assert [lang_code(v) for v in ("pt-BR", "es_AR", " RU ", "por", "spa", "fas", "deu")] == [
        "pt",
        "es",
        "ru",
        "pt",
        "es",
        "fa",
        "deu",
    ]
    for bad in ("", "p", "portuguese", "пт", 5, None, "12"):
        assert lang_code(bad) is None, bad


@pytest.mark.parametrize(
    "text",
    [
        "Péssimo atendimento, não recomendo",
        "Ужасное обслуживание, верните деньги",
        "غذا خیلی بد بود، هرگز سفارش نمیدم",
        "Servizio pessimo, mai più. Però il prezzo… 😡",
    ],
)
@pytest.mark.parametrize("encoding", ["cp1252", "latin-1", "cp1251"])
def test_mojibake_is_repaired(text, encoding):
    assert unmangled(read_as(text, encoding)) == text
    assert unmangled(read_as(read_as(text, encoding), encoding)) == text  # read wrong twice


def test_russian_read_as_windows_1251_is_repaired():
    assert read_as("Ужасно", "cp1251") == "РЈР¶Р°СЃРЅРѕ"
    assert unmangled("РЈР¶Р°СЃРЅРѕ, РЅРµ СЂРµРєРѕРјРµРЅРґСѓСЋ") == "Ужасно, не рекомендую"


def test_one_accent_read_as_windows_1251_is_repaired_amid_latin_words():
    assert unmangled("ele Г© lindo") == "ele é lindo"
    assert unmangled("PГ©ssimo") == "Péssimo"


def test_an_a_grave_whose_no_break_space_became_a_space_is_repaired():
    assert unmangled("il rincaro giÃ pronto") == "il rincaro già pronto"


@pytest.mark.parametrize(
    "text",
    [
        "Péssimo, não recomendo. Nota: 1/5 — nunca mais!",
        "Сёма и Рё: «Ужасно» — №5, 10°C",
        "Её",  # "her": C5 B8 in windows-1251, which is "Ÿ" in UTF-8
        "Её!",
        "С вами ††Ищущий††, и мы ищем хорошие книги",  # ftfy alone reads CJK in it
        "“Sì”“Fatto”. Ottimo",  # the same
        "Ça va? À bientôt. Größe: 5 µm ±0,1 ©",
        "سلام، ممنون از شما",
        "plain ASCII ~ text",
    ],
)
def test_real_text_is_left_alone(text):
    assert unmangled(text) == text


def test_folded_words_are_those_of_the_repaired_text():
    assert fold("nÃ£o") == fold("não") == "nao"


@pytest.mark.parametrize(
    ("styled", "plain"),
    [
        ("ᴘéssɪᴍᴏ ᴀᴛᴇɴᴅɪᴍᴇɴᴛᴏ", "péssimo atendimento"),  # small capitals
        ("🅿🅴🆂🆂🅸🅼🅾", "PESSIMO"),  # negative squared: capitals stay capitals
        ("🅟🅔🅢🅢🅘🅜🅞", "PESSIMO"),  # negative circled
        ("🄿🄴🅂🅂🄸🄼🄾", "PESSIMO"),  # squared
        ("𝐏é𝐬𝐬𝐢𝐦𝐨", "Péssimo"),  # mathematical bold
        ("𝓟𝓮𝓼𝓼𝓲𝓶𝓸 𝕻𝖊𝖘𝖘𝖎𝖒𝖔", "Pessimo Pessimo"),  # script, fraktur
        ("Ⓟⓔⓢⓢⓘⓜⓞ ⒫⒠⒮⒮⒤⒨⒪ Ｐｅｓｓｉｍｏ", "Pessimo pessimo Pessimo"),
    ],
)
def test_styled_letters_are_written_plain(styled, plain):
    assert plain_letters(styled) == plain


@pytest.mark.parametrize(
    ("drawn", "plain"),
    [
        ("p\u0336é\u0336s\u0336s\u0336i\u0336m\u0336o\u0336 \u0336", "péssimo "),  # struck
        ("u\u0332m\u0332a\u0332 \u0332b\u0332o\u0332s\u0332t\u0332a\u0332", "uma bosta"),
        ("m\u0338a\u0338l\u0338o\u0338", "malo"),  # slashed
        ("pe\u0301\u0336s\u0336", "pés"),  # the accent under the stroke stays, composed
        ("N\u0336u\u0336n\u0336c\u0336a\u0336!\u0336", "Nunca!"),  # punctuation too
        # zalgo's middle marks: strokes mixed with hooks and horns, which go with them
        ("p\u0336é\u0322\u031b\u0336s\u0328\u0336s\u0337i\u0335m\u0336o\u0338", "péssimo"),
    ],
)
def test_lines_drawn_through_or_under_letters_are_dropped(drawn, plain):
    assert plain_letters(drawn) == plain


def test_a_few_struck_words_are_a_retraction_and_stay_as_written():
    text = "Мара решает убить " + "".join(c + "\u0336" for c in "двух зайцев") + " трех зайцев"
    assert plain_letters(text) == text


def test_a_slash_over_a_symbol_is_kept():
    assert plain_letters("preço =\u0338 qualidade") == "preço =\u0338 qualidade"  # ≠


@pytest.mark.parametrize(
    ("drawn", "plain"),
    [
        ("🇵 🇪 🇸 🇸 🇮 🇲 🇴", "P E S S I M O"),
        ("🇷\u200b🇺\u200b🇮\u200b🇲", "R\u200bU\u200bI\u200bM"),  # kept apart by zero-width spaces
        ("🇵 é 🇸 🇸 🇮 🇲 🇴 🇧🇷", "P é S S I M O 🇧🇷"),  # side by side they are a flag
    ],
)
def test_regional_indicator_letters_drawn_one_by_one_are_letters(drawn, plain):
    assert plain_letters(drawn) == plain


@pytest.mark.parametrize(
    "text",
    [
        "🇧🇷🇧🇷🇧🇷 Brasil!",  # flags
        "Casa Italia, de los mejores de Cuba ❤ ❤ ️ 🇮 🇨 ️",  # a broken flag, as in the data
    ],
)
def test_flags_and_a_stray_regional_indicator_stay(text):
    assert plain_letters(text) == text


def test_plain_letters_leave_real_text_alone():
    text = "Péssimo! Ужасно, خیلی بد 😡 🆗 🆘 ① 𝟏 ǫ ɛ ə"  # no styled Latin letter here
    assert plain_letters(text) == text


def test_folded_words_read_styled_letters():
    assert fold("ʀᴇᴇᴍʙᴏʟsᴏ") == fold("🆁🅴🅴🅼🅱🅾🅻🆂🅾") == "reembolso"


@pytest.mark.parametrize(
    "text",
    ["", "   ", "\u200b", "\u200b\ufe0f\n", "\ufeff\u2060\u00ad", "\u0301\u0301", "\t\u200f "],
)
def test_a_text_of_nothing_readable_is_blank(text):
    assert blank(text)


@pytest.mark.parametrize("text", [".", "😡", "5", "a\u200b", "\u200bخوب", "★", "\u0301a"])
def test_a_letter_digit_mark_or_symbol_is_something_to_read(text):
    assert not blank(text)
