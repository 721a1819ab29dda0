"""The real default model and the real `reputation demo`, end to end."""

import asyncio
import json
import os
import sys
from pathlib import Path

import pytest
from aiohttp import web

from config.settings import load_settings
from reputation.storage.server import free_port
from sentiment import build_model

pytestmark = [pytest.mark.model, pytest.mark.integration]

ROOT = Path(__file__).resolve().parents[2]
EXE = Path(sys.executable).parent / "reputation"

PAIRS = {
    "pt": ("Produto chegou quebrado e ninguém responde, péssimo", "Amei, chegou rápido e é lindo"),
    "es": ("Pésimo servicio, el pedido nunca llegó y nadie contesta", "Excelente, me encantó"),
    "it": ("Prodotto rotto e assistenza inesistente, vergognoso", "Ottimo acquisto, consigliato"),
    "ru": ("Ужасно, товар сломан, деньги не вернули", "Отличный магазин, всё понравилось"),
    "fa": ("خیلی بد بود، غذا سرد و دیر رسید", "عالی بود، خیلی ممنون از پیک"),
    "en": ("Terrible, it broke after a day and nobody answers", "Lovely product, great service"),
}


@pytest.fixture(scope="module")
def model():
    settings = load_settings(data_dir=ROOT / "var")
    loaded = build_model(settings, progress=lambda _: None)
    yield loaded
    asyncio.run(loaded.aclose())


async def test_negative_reads_more_negative_than_positive_in_each_language(model):
    texts = [t for pair in PAIRS.values() for t in pair]
    scores = await model.score(texts)
    for i, lang in enumerate(PAIRS):
        negative, positive = scores[2 * i], scores[2 * i + 1]
        assert negative.scores["negative"] > positive.scores["negative"], lang
        assert negative.label.value == "negative", lang
        assert positive.label.value != "negative", lang
        assert abs(sum(negative.scores.values()) - 1) < 1e-3


async def _run_demo(env):
    proc = await asyncio.create_subprocess_exec(
        str(EXE),
        "demo",
        "--json",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=300)
    assert proc.returncode == 0, err.decode()[-2000:]
    return out.decode(), err.decode()


async def test_demo_command_with_slack_twice(tmp_path):
    received = []

    async def post_message(request):
        assert request.headers["Authorization"] == "Bearer xoxb-test-secret-123"
        received.append(await request.json())
        return web.json_response({"ok": True, "channel": "C1", "ts": f"{len(received)}.0001"})

    app = web.Application()
    app.router.add_post("/api/chat.postMessage", post_message)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REPUTATION_", "SLACK_"))}
    env |= {
        "REPUTATION_EMBEDDED__DATA_DIR": str(tmp_path / "mongo"),
        "SLACK_BOT_TOKEN": "xoxb-test-secret-123",
        "REPUTATION_SLACK_BASE_URL": f"http://127.0.0.1:{port}/api/",
    }
    try:
        out1, err1 = await _run_demo(env)
        out2, err2 = await _run_demo(env)
    finally:
        await runner.cleanup()

    first = json.loads(out1.strip().splitlines()[-1])
    second = json.loads(out2.strip().splitlines()[-1])
    assert set(first["by_language"]) == {"pt", "fa", "it", "es", "ru", "en"}
    assert first["flagged"] > 0
    assert first["alerts"] == len(received) == first["flagged"]
    for key in ("reviews", "by_language", "flagged", "drafts", "alerts"):
        assert first[key] == second[key]
    assert len(received) == first["alerts"]  # the second run sent nothing again
    assert all(m["blocks"] for m in received)
    for text in (out1, err1, out2, err2):
        assert "xoxb-test-secret-123" not in text


def test_the_default_encoder_reads_without_padding_as_transformers_does(model, monkeypatch):
    import torch

    from sentiment.truncation import token_rows
    from sentiment.workers import pad

    assert model._packed
    texts = [t for pair in PAIRS.values() for t in pair]
    rows = token_rows(model.tokenizer, texts, 256, model._prefix)
    assert int((pad(rows, model._pad_id)[1] == 0).sum()) > 0  # the batch holds padding
    packed = model._pooled(rows)
    monkeypatch.setattr(model, "_packed", False)  # transformers' own forward
    reference = model._pooled(rows)
    with torch.inference_mode():
        assert torch.equal(model.head(packed).argmax(1), model.head(reference).argmax(1))
    assert float((packed - reference).abs().max()) < 0.05 * float(reference.abs().max())


async def test_the_end_of_a_long_review_is_read(model):
    # 400+ tokens of the same story, then a verdict: only a model that reads the end of a
    # long text can tell the two apart (cutting to the first 256 tokens made them equal).
    story = (
        "Ordinei il divano a settembre, il negozio mi ha spiegato i tempi e le misure, "
        "ho scelto il tessuto e il colore con calma e ho pagato l'acconto. "
    ) * 12
    good, bad = await model.score(
        [
            story + "Alla fine è arrivato perfetto, montaggio impeccabile: lo consiglio a tutti!",
            story + "Alla fine è arrivato rotto e nessuno risponde: vergognoso, mai più.",
        ]
    )
    assert good.scores != bad.scores
    assert bad.scores["negative"] > good.scores["negative"] + 0.1


def test_the_shipped_kind_probe_tells_posts_from_reviews_on_validation_rows(model):
    """25 validation rows of each dataset (never fitted on): posts read as posts, reviews as
    reviews, about as often as on the calibration split (0.96 and 0.97 there)."""
    from collections import defaultdict

    from sentiment.data import load_datasets, split

    datasets = load_settings(data_dir=ROOT / "var").sentiment.datasets_dir
    if not datasets.is_dir():
        pytest.skip(f"no labelled datasets at {datasets}")
    by_dataset = defaultdict(list)
    for ex in split(load_datasets(datasets))[1]:
        if len(by_dataset[ex.dataset]) < 25:
            by_dataset[ex.dataset].append(ex)
    rows = [ex for sample in by_dataset.values() for ex in sample]
    scores = model.kind_probe.mention_scores(model.pooled_blocking([ex.text for ex in rows]))
    read = list(zip(rows, scores, strict=True))
    posts = [score > 0 for ex, score in read if ex.kind == "mention"]
    reviews = [score <= 0 for ex, score in read if ex.kind != "mention"]
    assert len(posts) >= 75
    assert len(reviews) >= 250
    assert sum(posts) / len(posts) >= 0.85
    assert sum(reviews) / len(reviews) >= 0.9


async def test_emoji_the_vocabulary_lacks_are_read_as_their_stand_ins(model):
    import sentencepiece as spm

    from sentiment.emoji import STAND_INS
    from sentiment.pieces import SPM_FILE

    pieces = spm.SentencePieceProcessor(
        model_file=str(ROOT / "var" / "models" / "multilingual-e5-small" / SPM_FILE)
    )
    for emoji, stand_in in STAND_INS.items():
        assert pieces.unk_id() in pieces.encode(emoji), emoji  # else the entry is not needed
        assert pieces.unk_id() not in pieces.encode(stand_in), stand_in
    angry, sick, party, plain = await model.score(["🤬🤬🤬", "🤮", "🥳", "🥺"])
    assert angry.label.value == "negative"
    assert sick.label.value == "negative"
    assert party.label.value == "positive"
    assert plain.label.value == "neutral"  # no stand-in: still one unknown piece


async def test_a_comment_filled_with_one_emoji_reads_as_that_emoji(model):
    # 255 "😡" (a comment filled to the limit) read positive before runs were capped.
    angry, crying, hearts = await model.score(["😡" * 255, "😭" * 255, "❤️" * 255])
    assert angry.label.value == "negative"
    assert crying.label.value == "negative"
    assert hearts.label.value == "positive"


async def test_letters_struck_through_or_underlined_are_read(model):
    # As written, each of these read positive: the marks were pieces of their own.
    drawn = [
        "".join(c + mark for c in text)
        for text, mark in (
            ("ужасный сервис", "\u0336"),
            ("Terrible service, never again", "\u0336"),
            ("péssimo atendimento", "\u0332"),
            ("servizio pessimo", "\u0338"),
        )
    ]
    for text, score in zip(drawn, await model.score(drawn), strict=True):
        assert score.label.value == "negative", text


async def test_mocking_case_is_read(model):
    # As written, the Italian read positive and the Portuguese barely negative (0.54).
    mocking = [
        "SeRvIzIo OrRiBiLe",
        "PéSsImO aTeNdImEnTo, NuNcA mAiS",
        "SeRvIcIo HoRrIbLe, NuNcA mÁs",
        "УжАсНыЙ сЕрВиС, нИкОмУ нЕ сОвЕтУю",
    ]
    for text, score in zip(mocking, await model.score(mocking), strict=True):
        assert score.label.value == "negative", text
        assert score.scores["negative"] >= 0.7, text


async def test_a_short_complaint_opening_with_a_capital_is_read(model):
    # Before the first word of a short text was read in small letters these read positive
    # (0.96, 0.94, 0.90): "Orribile" splits into pieces unlike "orribile".
    short = ["Orribile servizio", "Brutto servizio", "Orribile"]
    for text, score in zip(short, await model.score(short), strict=True):
        assert score.label.value == "negative", text
    praise = ["Ottimo servizio", "Servizio eccellente", "Bellissimo"]
    for text, score in zip(praise, await model.score(praise), strict=True):
        assert score.label.value == "positive", text


async def test_text_shown_backwards_upside_down_in_flag_letters_or_escaped_is_read(model):
    # As stored, each of these read neutral or positive: "ǝlqᴉɹɹoɥ" is no word the model knows.
    shown = [
        "\u202eiuqa orpmoc siam acnun ,otnemidneta omisséP",  # right-to-left override
        "oᴉlƃᴉsuoɔ ol uou 'oᴉzᴉʌɹǝs oɯᴉssǝԀ",  # upside down
        "🇹 🇪 🇷 🇷 🇮 🇧 🇱 🇪  🇸 🇪 🇷 🇻 🇮 🇨 🇪 ,  🇳 🇪 🇻 🇪 🇷  🇦 🇬 🇦 🇮 🇳",
        r"P\u00e9ssimo atendimento, n\u00e3o recomendo",  # encoded for JSON twice: positive
        r"\u0423\u0436\u0430\u0441\u043d\u044b\u0439 \u0441\u0435\u0440\u0432\u0438\u0441",
        "P%C3%A9ssimo+atendimento%2C+n%C3%A3o+recomendo",  # sent by a web form: positive
        "<style>.r{color:#0a0}</style>Ужасный сервис",  # a scraped page's style sheet: positive
        "[b]Péssimo[/b] atendimento, [i]não[/i] recomendo",  # forum markup
        "%D0%A3%D0%B6%D0%B0%D1%81%D0%BD%D1%8B%D0%B9%20%D1%81%D0%B5%D1%80%D0%B2%D0%B8%D1%81",
    ]
    for text, score in zip(shown, await model.score(shown), strict=True):
        assert score.label.value == "negative", text


# Praise, "but", a complaint: each reads neutral or positive as a whole (the star-rated sets
# label such reviews so), and before the closing clause was read alone none was flagged.
MIXED = [
    "O celular é bom! Mas não recomendo comprar por esse site, a entrega demora demais",
    "Excelente producto, pero el envío tardó tres semanas y nadie respondía",
    "Ottimo prodotto, consegna veloce, ma purtroppo la batteria dura pochissimo",
    "Отличный телефон, но доставка опоздала на неделю и курьер нахамил",
    "غذا خوشمزه بود ولی خیلی دیر رسید و سرد بود",
    "Great product but the delivery took three weeks and support never answered",
]
# "But" followed by praise, or by too mild a wish, flags nothing.
NOT_MIXED = [
    "Demorou um pouco, mas o produto é excelente, recomendo!",
    "Era un poco caro, pero vale cada peso, volveremos",
    "Всё отлично, но хотелось бы побольше размеров",
]


async def test_a_complaint_after_but_flags_a_review_that_reads_well_overall(model):
    from sentiment.mixed import score_reviews
    from sentiment.rules import assess

    texts = MIXED + NOT_MIXED
    for text, score in zip(texts, await score_reviews(model, texts), strict=True):
        result = assess(text=text, rating=None, lang=None, score=score, model="m")
        if text in MIXED:
            assert score.label.value != "negative", text
            assert result.reasons == ["mixed_complaint"], text
        else:
            assert not result.flag, (text, score)


async def test_russian_typed_in_latin_letters_is_read(model):
    # Read as Latin letters (language `und`) the first was 0.51 negative and the praise
    # neutral; in Cyrillic letters 0.92 negative and positive.
    texts = ["Uzhasnyj servis, nikomu ne sovetuyu", "Tovar prishel slomannyj, vernite dengi"]
    for text, score in zip(texts, await model.score(texts), strict=True):
        assert score.scores["negative"] >= 0.8, text
    praise = ["Vse otlichno, spasibo, rekomenduyu etot magazin"]
    assert [s.label.value for s in await model.score(praise)] == ["positive"]


async def test_a_short_warning_is_flagged_whatever_the_model_reads(model):
    # Read as reviews in their language, v3 called the first positive (0.13 negative:
    # "sconsiglio" is one letter from "consiglio") and the others neutral or positive.
    from sentiment.rules import assess

    warnings = {
        "Sconsiglio vivamente.": "it",
        "Soldi buttati": "it",
        "Mai più da questo ristorante": "it",
        "Обходите стороной.": "ru",
    }
    texts, langs = list(warnings), list(warnings.values())
    scores = await model.score(texts, ["review"] * len(texts), langs)
    for text, lang, score in zip(texts, langs, scores, strict=True):
        result = assess(text=text, rating=None, lang=lang, score=score, model="m")
        assert result.flag, (text, score)
        assert "advises_against" in result.reasons, (text, score)
        assert result.severity.value != "low", text
