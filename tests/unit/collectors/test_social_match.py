from datetime import UTC, datetime

import pytest

from collectors.base import Parsed
from collectors.social.match import KeywordMatcher, normalise
from collectors.social.paging import mentions
from reputation.core.errors import ConfigError
from reputation.core.models import Kind, Review


def mention(text: str, hour: int, title: str | None = None) -> Review:
    return Review(
        source="x",
        external_id=f"{hour}-{text[:8]}",
        kind=Kind.MENTION,
        title=title,
        text=text,
        created_at=datetime(2025, 9, 12, hour, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    "text",
    [
        "I love ACME!",
        "acme's support is slow",
        "#Acme every day",
        "ping @acme_support please",  # underscore separates, as in handles
        "Ａｃｍｅ fullwidth",  # NFKC
        "ACME\u00a0Bank",
        "Ac\u200bme hid a zero-width space",  # pasted in to dodge keyword filters
        "A\u00adcme with a soft hyphen",
        "\u200fAcme\u200e between bidirectional marks",
    ],
)
def test_latin_keywords_match_whole_words_any_case(text):
    assert KeywordMatcher(["Acme"]).matches(text)


@pytest.mark.parametrize("text", ["acmes are birds", "the acmeist", "subacme", "acme2"])
def test_latin_keywords_do_not_match_inside_other_words(text):
    assert not KeywordMatcher(["Acme"]).matches(text)


def test_multi_word_keywords_tolerate_spacing():
    matcher = KeywordMatcher(["Acme Bank"])
    assert matcher.matches("acme   bank is down")
    assert matcher.matches("#AcmeBank")
    assert not matcher.matches("acme is a bank")


@pytest.mark.parametrize(
    "text", ["Купил в Акме вчера", "Акме", "жалоба на акме!", "Отзыв об АКМЕ.", "«Акме»"]
)
def test_cyrillic_keywords(text):
    assert KeywordMatcher(["Акме"]).matches(text)


def test_cyrillic_inflections_and_yo():
    matcher = KeywordMatcher(["Озон"])
    assert matcher.matches("заказал на Озоне")  # locative ending
    assert matcher.matches("спасибо Озонам")
    assert not matcher.matches("озоновый слой")  # a different word, not an ending
    assert KeywordMatcher(["Ёлка"]).matches("магазин елка")  # ё typed as е


@pytest.mark.parametrize(
    "text",
    [
        "خرید از دیجی‌کالا",  # with ZWNJ
        "خرید از دیجی کالا",  # with a space
        "خرید از ديجيكالا",  # Arabic yeh and kaf
        "خرید از دیجیکالای تهران",  # ezafe ending
        "دیجیـکالا",  # tatweel
    ],
)
def test_persian_spellings_are_unified(text):
    assert KeywordMatcher(["دیجی‌کالا"]).matches(text)


def test_persian_keyword_needs_a_word_start():
    assert not KeywordMatcher(["کالا"]).matches("دیجیکالا")


def test_normalise():
    assert normalise("ﻙ ي Ё") == "ک ی е"


def test_no_keywords_keeps_everything_and_bad_options_are_config_errors():
    assert not KeywordMatcher()
    assert KeywordMatcher().matches("anything")
    assert KeywordMatcher.from_option(None, source="x").matches("anything")
    assert KeywordMatcher.from_option("Acme", source="x").keywords == ["Acme"]
    with pytest.raises(ConfigError, match=r"collectors\.x\.options\.keywords"):
        KeywordMatcher.from_option({"a": 1}, source="x")


def test_keep_looks_at_title_and_text():
    items = [mention("nothing here", 3, title="Acme news"), mention("nope", 2)]
    assert KeywordMatcher(["acme"]).keep(items) == items[:1]


def test_mentions_stop_on_all_items_not_only_matches():
    parsed = Parsed([mention("Acme rocks", 12), mention("unrelated", 9)])
    since = datetime(2025, 9, 12, 10, tzinfo=UTC)
    page = mentions(parsed, KeywordMatcher(["acme"]), "next", since)
    assert [r.text for r in page.items] == ["Acme rocks"]
    assert page.resume is None  # the unrelated 09:00 post is already older than `since`
    assert mentions(parsed, KeywordMatcher(["acme"]), "next", None).resume == "next"
