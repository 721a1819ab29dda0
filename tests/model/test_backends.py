"""The from_pretrained loading paths: a hub-style sequence classifier, and delta checks."""

import asyncio
from pathlib import Path

import numpy as np
import pytest
import torch

from config.settings import load_settings
from reputation.core.errors import ConfigError, ModelError
from sentiment import build_model, default_encoder
from sentiment.classifier import grouped, label_groups
from sentiment.finetuned import FineTunedSentimentModel
from sentiment.truncation import token_rows
from sentiment.workers import pad
from tests.model.tiny_bert import save_tiny_bert

pytestmark = pytest.mark.model

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def encoder_dir():
    return default_encoder(load_settings(data_dir=ROOT / "var"), lambda _: None)


@pytest.fixture(scope="module")
def tiny_classifier(encoder_dir, tmp_path_factory):
    """A small random BertForSequenceClassification saved like a hub checkpoint."""
    from transformers import BertForSequenceClassification

    return save_tiny_bert(
        BertForSequenceClassification,
        tmp_path_factory.mktemp("tiny-classifier"),
        encoder_dir,
        num_hidden_layers=1,
        id2label={0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2"},
        label2id={"LABEL_0": 0, "LABEL_1": 1, "LABEL_2": 2},
    )


@pytest.fixture(scope="module")
def tiny_classifier5(encoder_dir, tmp_path_factory):
    """The same, with five star-rating outputs named as nlptown's multilingual model names them."""
    from transformers import BertForSequenceClassification

    names = {i: f"{i + 1} star{'s' if i else ''}" for i in range(5)}
    return save_tiny_bert(
        BertForSequenceClassification,
        tmp_path_factory.mktemp("tiny-classifier5"),
        encoder_dir,
        num_hidden_layers=1,
        id2label=names,
        label2id={name: i for i, name in names.items()},
    )


def test_transformers_backend_loads_a_classifier_directory(clean_env, tiny_classifier):
    settings = load_settings(
        sentiment={
            "backend": "transformers",
            "model": str(tiny_classifier),
            "label_map": {"LABEL_0": "negative", "LABEL_1": "neutral", "LABEL_2": "positive"},
        }
    )
    model = build_model(settings, progress=lambda _: None)
    try:
        scores = asyncio.run(model.score(["Péssimo", "Ótimo produto", "Нормально"]))
    finally:
        asyncio.run(model.aclose())
    assert len(scores) == 3
    for score in scores:
        assert set(score.scores) == {"negative", "neutral", "positive"}
        assert abs(sum(score.scores.values()) - 1) < 1e-3
    assert model.name == f"transformers:{tiny_classifier}"


def test_unmapped_labels_are_a_config_error():
    with pytest.raises(ConfigError, match="label_map"):
        label_groups({0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2"}, {})
    with pytest.raises(ConfigError, match="onto positive"):
        label_groups({0: "negative", 1: "neutral", 2: "other"}, {})
    assert label_groups({0: "Negative", 1: "Neutral", 2: "Positive"}, {}) == [[0], [1], [2]]
    assert label_groups(
        {0: "pos", 1: "neg", 2: "neu"}, {"pos": "positive", "neg": "negative", "neu": "neutral"}
    ) == [[1], [2], [0]]


def test_several_outputs_add_up_and_a_two_class_model_has_no_neutral():
    five = {0: "Very Negative", 1: "Negative", 2: "Neutral", 3: "Positive", 4: "Very Positive"}
    groups = label_groups(five, {"very negative": "negative", "very positive": "positive"})
    assert groups == [[0, 1], [2], [3, 4]]  # label_map keys in any case
    probs = np.array([[0.3, 0.3, 0.1, 0.2, 0.1]])
    assert np.allclose(grouped(probs, groups), [[0.6, 0.1, 0.3]])
    two = label_groups({0: "NEGATIVE", 1: "POSITIVE"}, {})
    assert two == [[0], [], [1]]
    assert np.allclose(grouped(np.array([[0.8, 0.2]]), two), [[0.8, 0.0, 0.2]])
    # An output mapped onto nothing ("mixed") is left out, the rest renormalised.
    mixed = label_groups({0: "negative", 1: "mixed", 2: "positive"}, {})
    assert np.allclose(grouped(np.array([[0.3, 0.4, 0.3]]), mixed), [[0.5, 0.0, 0.5]])


def test_a_star_rated_classifier_is_read_through_its_label_map(clean_env, tiny_classifier5):
    stars = {
        f"{n} star{'s' if n > 1 else ''}": label
        for n, label in [
            (1, "negative"),
            (2, "negative"),
            (3, "neutral"),
            (4, "positive"),
            (5, "positive"),
        ]
    }
    settings = load_settings(
        sentiment={"backend": "transformers", "model": str(tiny_classifier5), "label_map": stars}
    )
    model = build_model(settings, progress=lambda _: None)
    try:
        [score] = asyncio.run(model.score(["Péssimo"]))
        input_ids, mask = pad(token_rows(model._tokenizer, ["Péssimo"], 256), model._pad_id)
        with torch.inference_mode():
            logits = model._model(input_ids=input_ids, attention_mask=mask).logits
        p = torch.softmax(logits.float(), dim=-1)[0].numpy()
    finally:
        asyncio.run(model.aclose())
    # Each label is the sum of its star outputs over all five (before: one output per label,
    # the other dropped and the softmax taken over three).
    assert score.scores["negative"] == pytest.approx(p[0] + p[1], abs=1e-3)
    assert score.scores["neutral"] == pytest.approx(p[2], abs=1e-3)
    assert score.scores["positive"] == pytest.approx(p[3] + p[4], abs=1e-3)


def test_a_delta_that_does_not_fit_the_encoder_is_refused(tmp_path, tiny_classifier):
    from sentiment import default_weights

    with pytest.raises(ModelError, match="does not fit"):
        FineTunedSentimentModel(str(tiny_classifier), default_weights())
    bogus = tmp_path / "bogus.safetensors"
    bogus.write_bytes(b"not a safetensors file")
    with pytest.raises(ModelError, match="cannot be read"):
        FineTunedSentimentModel(str(tiny_classifier), bogus)


def test_unknown_backend_lists_the_available_ones(clean_env):
    with pytest.raises(ConfigError, match="available: finetuned, prototype, transformers"):
        build_model(load_settings(sentiment={"backend": "magic"}))


def _with_metadata(tmp_path, **changes):
    from safetensors import safe_open
    from safetensors.torch import save_file

    from sentiment import default_weights

    with safe_open(str(default_weights()), framework="pt") as handle:
        metadata = dict(handle.metadata())
        tensors = {key: handle.get_tensor(key) for key in handle.keys()}  # noqa: SIM118
    metadata.update(changes)
    out = tmp_path / "variant.safetensors"
    save_file(tensors, str(out), metadata=metadata)
    return out


def test_language_offsets_move_only_that_language(tmp_path, encoder_dir):
    texts = ["Adorei, chegou rápido e é lindo", "Me encantó, excelente servicio"]
    plain = FineTunedSentimentModel(encoder_dir, _with_metadata(tmp_path, logit_offsets="{}"))
    shifted = FineTunedSentimentModel(
        encoder_dir, _with_metadata(tmp_path, logit_offsets='{"pt": [9.0, 0.0, 0.0]}')
    )
    before = plain.logits_blocking(texts)
    after = shifted.logits_blocking(texts)
    assert after[0][0] == pytest.approx(before[0][0] + 9.0, abs=1e-3)  # Portuguese moved
    assert after[1] == pytest.approx(before[1], abs=1e-3)  # Spanish untouched
    assert shifted.score_blocking(texts)[0].label.value == "negative"


def test_mentions_use_their_own_offset_and_reviews_the_language_one(tmp_path, encoder_dir):
    texts = ["Adorei, chegou rápido e é lindo"] * 2
    offsets = '{"pt": [9.0, 0.0, 0.0], "pt/mention": [0.0, 5.0, 0.0]}'
    plain = FineTunedSentimentModel(encoder_dir, _with_metadata(tmp_path, logit_offsets="{}"))
    shifted = FineTunedSentimentModel(encoder_dir, _with_metadata(tmp_path, logit_offsets=offsets))
    before = plain.logits_blocking(texts)
    after = shifted.logits_blocking(texts, ["review", "mention"])
    assert after[0] == pytest.approx(before[0] + [9.0, 0.0, 0.0], abs=1e-3)
    assert after[1] == pytest.approx(before[1] + [0.0, 5.0, 0.0], abs=1e-3)
    labels = [s.label.value for s in shifted.score_blocking(texts, ["review", "mention"])]
    assert labels == ["negative", "neutral"]


def test_a_source_language_tag_picks_the_offset_and_an_unread_one_does_not(tmp_path, encoder_dir):
    # Three words of a tweet, mostly a name: the identifier says und, the source says pt-BR.
    texts = ["Salvem o Vitor"] * 3
    offsets = '{"pt": [9.0, 0.0, 0.0], "es": [0.0, 7.0, 0.0]}'
    plain = FineTunedSentimentModel(encoder_dir, _with_metadata(tmp_path, logit_offsets="{}"))
    shifted = FineTunedSentimentModel(encoder_dir, _with_metadata(tmp_path, logit_offsets=offsets))
    before = plain.logits_blocking(texts)
    after = shifted.logits_blocking(texts, langs=["pt-BR", "xx", None])
    assert after[0] == pytest.approx(before[0] + [9.0, 0.0, 0.0], abs=1e-3)
    identified = after[1] - before[1]
    assert after[2] - before[2] == pytest.approx(identified, abs=1e-3)  # "xx" is no tag
    assert identified[0] == pytest.approx(0.0, abs=1e-3)  # not the Portuguese offset


def test_malformed_offsets_are_refused(tmp_path, encoder_dir):
    with pytest.raises(ModelError, match="logit offset"):
        FineTunedSentimentModel(encoder_dir, _with_metadata(tmp_path, logit_offsets='{"pt": [1]}'))


def test_int8_mostly_agrees_with_fp32(encoder_dir):
    from sentiment import default_weights

    texts = [t for pair in _PAIRS for t in pair]
    fp32 = FineTunedSentimentModel(encoder_dir, default_weights(), precision="fp32")
    int8 = FineTunedSentimentModel(encoder_dir, default_weights(), precision="int8")
    assert int8.name.endswith("@int8")
    a = [s.label for s in fp32.score_blocking(texts)]
    b = [s.label for s in int8.score_blocking(texts)]
    assert sum(x == y for x, y in zip(a, b, strict=True)) >= len(texts) - 1


_PAIRS = [
    ("Produto chegou quebrado e ninguém responde, péssimo", "Amei, chegou rápido e é lindo"),
    ("Pésimo servicio, el pedido nunca llegó", "Excelente, me encantó"),
    ("Prodotto rotto e assistenza inesistente", "Ottimo acquisto, consigliato"),
    ("Ужасно, товар сломан, деньги не вернули", "Отличный магазин, всё понравилось"),
    ("خیلی بد بود، غذا سرد و دیر رسید", "عالی بود، خیلی ممنون از پیک"),
]


def test_fp32_keeps_the_word_table_in_bf16_read_from_the_bf16_copy(encoder_dir):
    from safetensors import safe_open

    from sentiment import default_weights

    model = FineTunedSentimentModel(encoder_dir, default_weights(), precision="fp32")
    table = model.encoder.embeddings.word_embeddings.weight
    assert table.dtype == torch.bfloat16
    assert model.encoder.encoder.layer[0].output.dense.weight.dtype == torch.float32
    with safe_open(str(Path(encoder_dir) / "model.safetensors"), framework="pt") as handle:
        rows = handle.get_slice("embeddings.word_embeddings.weight")[1000:1010]
    # The same rounding as converting the fp32 table itself.
    assert torch.equal(table[1000:1010], rows.to(torch.bfloat16))
    assert model.score_blocking(["Péssimo, chegou quebrado"])[0].label.value == "negative"


def _probe_beside(weights: Path, bias: float) -> None:
    """A kind probe that reads every text one way: mention (bias > 0) or review."""
    import json

    record = {"bias": bias, "weight": [0.0] * 384}
    (weights.parent / f"{weights.stem}.kind.json").write_text(json.dumps(record))


def test_an_unknown_kind_is_read_by_the_probe_and_a_given_kind_wins(tmp_path, encoder_dir):
    texts = ["Adorei, chegou rápido e é lindo"] * 3
    kinds = [None, "review", "mention"]
    offsets = '{"pt": [9.0, 0.0, 0.0], "pt/mention": [0.0, 5.0, 0.0]}'
    (tmp_path / "plain").mkdir()
    plain = FineTunedSentimentModel(
        encoder_dir, _with_metadata(tmp_path / "plain", logit_offsets="{}")
    )
    before = plain.logits_blocking(texts)
    review, mention = [9.0, 0.0, 0.0], [0.0, 5.0, 0.0]
    weights = _with_metadata(tmp_path, logit_offsets=offsets)

    # No probe beside the weights: an unknown kind takes the language's offset.
    after = FineTunedSentimentModel(encoder_dir, weights).logits_blocking(texts, kinds)
    assert after == pytest.approx(before + np.array([review, review, mention]), abs=1e-3)

    for bias, read in ((1.0, mention), (-1.0, review)):
        _probe_beside(weights, bias)
        model = FineTunedSentimentModel(encoder_dir, weights)
        after = model.logits_blocking(texts, kinds)
        assert after == pytest.approx(before + np.array([read, review, mention]), abs=1e-3)
        assert model.logits_blocking(texts) == pytest.approx(
            before + np.array([read] * 3), abs=1e-3
        )


def test_a_malformed_kind_probe_is_refused(tmp_path, encoder_dir):
    weights = _with_metadata(tmp_path, logit_offsets="{}")
    probe = tmp_path / "variant.kind.json"
    probe.write_text('{"bias": 0, "weight": [0.0, 1.0]}')
    with pytest.raises(ModelError, match="2 weights for a 384-wide encoder"):
        FineTunedSentimentModel(encoder_dir, weights)
    probe.write_text("not json")
    with pytest.raises(ModelError, match="not a kind probe"):
        FineTunedSentimentModel(encoder_dir, weights)
