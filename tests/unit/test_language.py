import pytest

from sentiment.language import detect_language


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("O produto chegou quebrado e ninguém responde no atendimento", "pt"),
        ("El pedido llegó tarde y el repartidor fue muy grosero", "es"),
        ("Il prodotto è arrivato rotto e nessuno risponde alle mail", "it"),
        ("The parcel never arrived and support is not answering", "en"),
        ("Доставка опоздала на неделю, очень плохой сервис", "ru"),
        ("سفارشم خیلی دیر رسید و پشتیبانی جواب نمی‌دهد", "fa"),
        ("مرحبا، الطلب وصل متأخرا جدا", "ar"),
    ],
)
def test_six_languages_and_neighbours(text, lang):
    assert detect_language(text) == lang


@pytest.mark.parametrize("text", ["", "   ", "😡😡😡", "👍", "!!!", "12345", "Terrible", "Top!"])
def test_unsure_is_und(text):
    assert detect_language(text) == "und"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Não chegou", "pt"),
        ("Gracias", "es"),
        ("Consegna veloce", "it"),
        ("Ужасно", "ru"),
        ("عالی بود", "fa"),
        ("Pessimo", "it"),
        ("Muy bueno", "es"),
        ("Bonjour, la livraison est en retard", "fr"),
        ("Der Wasserkocher ist kaputt", "de"),
    ],
)
def test_short_texts_and_other_languages(text, lang):
    assert detect_language(text) == lang


def test_emoji_and_punctuation_around_words_do_not_matter():
    assert detect_language("😡😡 Péssimo atendimento, nunca mais compro!!! 👎") == "pt"
    assert detect_language("⭐⭐⭐⭐⭐ خیلی خوب بود 👍") == "fa"


def test_mixed_scripts_without_a_majority_are_und():
    assert detect_language("delivery доставка ارسال") == "und"


@pytest.mark.parametrize(
    "text",
    [
        "غذا سرد بود و خيلي دير رسيد",  # Arabic ye (ي): typed on an Arabic keyboard
        "باطري خوب بود",
        "املت فوق العاده بود",  # the Arabic article inside a Persian phrase
        "عالى و به موقع",  # alef maksura for the final ye
    ],
)
def test_persian_typed_with_arabic_letters_is_persian(text):
    assert detect_language(text) == "fa"


@pytest.mark.parametrize(
    "text", ["كان الطعام باردا جدا", "الخدمة سيئة", "شكرا على التوصيل السريع", "هذا المنتج ممتاز"]
)
def test_arabic_stays_arabic(text):
    assert detect_language(text) == "ar"
