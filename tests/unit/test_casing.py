"""Shouted reviews are read in lower case; ordinary casing, acronyms and scripts without
case are left as written."""

from sentiment.casing import SHORT_TEXT, sentence_lowered, unmocked, unshout
from sentiment.truncation import token_rows


def test_a_shouted_review_is_read_in_lower_case():
    assert unshout("PÉSSIMO ATENDIMENTO, NUNCA MAIS COMPRO!!!") == (
        "péssimo atendimento, nunca mais compro!!!"
    )
    assert unshout("УЖАСНАЯ ДОСТАВКА") == "ужасная доставка"
    # Mostly capitals is shouting too, even with a lower-case word or two.
    assert unshout("NON FUNZIONA, il RIMBORSO NON ARRIVA") == "non funziona, il rimborso non arriva"


def test_shouted_words_in_an_ordinary_sentence_are_lowered_alone():
    said = "El pedido llegó TARDE y ROTO, gracias"
    assert unshout(said) == "El pedido llegó tarde y roto, gracias"
    assert unshout("Comprei um iPhone e veio QUEBRADO") == "Comprei um iPhone e veio quebrado"


def test_ordinary_text_acronyms_codes_and_uncased_scripts_are_kept():
    for text in [
        "Péssimo atendimento no Carrefour",
        "Recebi o SMS da DHL ontem",
        "Caso RP-AB12CD aberto",
        "Model X200 und ABS4 sind ok",
        "غذا سرد بود و دیر رسید",
        "",
        "OK",
    ]:
        assert unshout(text) == text


def test_mocking_case_is_read_in_lower_case():
    assert unshout("PéSsImO aTeNdImEnTo, NuNcA mAiS") == "péssimo atendimento, nunca mais"
    assert unshout("УжАсНыЙ сЕрВиС, нИкОмУ нЕ сОвЕтУю") == "ужасный сервис, никому не советую"
    assert unshout("Ok, o PéSsImO de sEmPrE") == "Ok, o péssimo de sempre"  # "Ok" is written so


def test_camel_case_and_brands_are_not_mocking():
    for text in [
        "WiFi grátis e paguei com PayPal",
        "#HojeEmDia #LaPeorDeMisBodas",
        "Comprei um iPhone na McDonald's, YouTube e eBay",
        "Me gustó el AirBnB, La casa",  # one brand alternates: it is lowered alone
    ]:
        assert unmocked(text) == text.replace("AirBnB", "airbnb")


def test_a_short_text_is_read_with_its_sentences_begun_in_small_letters():
    assert sentence_lowered("Orribile servizio") == "orribile servizio"
    assert sentence_lowered("Péssimo. Nunca mais! Ruim") == "péssimo. nunca mais! ruim"
    # Past quotes, brackets, emoji and spaces, and after a stop with no space.
    assert sentence_lowered("«Orribile» servizio") == "«orribile» servizio"
    assert sentence_lowered("😡 Ужасно.Кошмар") == "😡 ужасно.кошмар"
    # Only the capital a small letter follows: acronyms, brands and words inside a sentence
    # stay, and a text without case is left alone.
    for text in ["DHL atrasou", "iPhone quebrou", "WiFi ruim", "A", "5 Estrelas", "غذا سرد بود"]:
        assert sentence_lowered(text) == text
    assert sentence_lowered("Comprei na Amazon") == "comprei na Amazon"


def test_a_longer_text_keeps_its_capitals():
    short = " ".join(["Muito"] + ["bom"] * (SHORT_TEXT - 1))
    assert sentence_lowered(short) == short.lower()
    longer = short + " Sim"
    assert sentence_lowered(longer) == longer


class _Letters:
    """A tokenizer whose ids are the characters' code points, framed by 0 and 2."""

    def __call__(self, texts: list[str]) -> dict[str, list[list[int]]]:
        return {"input_ids": [[0, *map(ord, t), 2] for t in texts]}


def _read(rows: list[list[int]]) -> list[str]:
    return ["".join(map(chr, row[1:-1])) for row in rows]


def test_what_the_model_reads_is_unshouted_but_not_its_prefix():
    rows = token_rows(_Letters(), ["TUDO ERRADO", "Tudo certo"], 64, prefix="QUERY: ")
    assert _read(rows) == ["QUERY: tudo errado", "QUERY: tudo certo"]
    kept = token_rows(_Letters(), ["TUDO ERRADO"], 64, normalized=False)
    assert _read(kept) == ["TUDO ERRADO"]
