import numpy as np
import pytest

from sentiment.calibration import apply_offsets, dataset_score, fit_offsets


def test_binary_sets_count_neutral_as_positive():
    gold = np.array([0, 0, 2, 2])
    assert dataset_score(gold, np.array([0, 0, 1, 1])) == pytest.approx(1.0)
    assert dataset_score(gold, np.array([1, 0, 2, 2])) < 1.0


def test_an_offset_recovers_negatives_a_biased_model_misses():
    rng = np.random.default_rng(0)
    n = 600
    gold = rng.integers(0, 3, n)
    logits = rng.normal(0, 0.3, (n, 3))
    logits[np.arange(n), gold] += 1.0
    logits[:, 0] -= 1.2  # the model under-calls negative in this language
    labels = [("negative", "neutral", "positive")[g] for g in gold]
    offsets = fit_offsets(logits, labels, ["set"] * n, ["fa"] * n)
    assert offsets["fa"][0] > 0.6  # pushed back towards negative
    assert offsets["fa"][2] == 0.0
    before = dataset_score(gold, logits.argmax(axis=1))
    after = dataset_score(gold, apply_offsets(logits, ["fa"] * n, offsets).argmax(axis=1))
    assert after > before + 0.1


def test_small_languages_and_unknown_languages_are_left_alone():
    logits = np.zeros((10, 3))
    labels = ["negative"] * 10
    assert fit_offsets(logits, labels, ["s"] * 10, ["it"] * 10) == {}
    shifted = apply_offsets(logits, ["und"] * 10, {"it": [1.0, 0.0, 0.0]})
    assert np.array_equal(shifted, logits)


def _biased(rng: np.random.Generator, n: int, shift: float) -> tuple[np.ndarray, list[str]]:
    gold = rng.integers(0, 3, n)
    logits = rng.normal(0, 0.3, (n, 3))
    logits[np.arange(n), gold] += 1.0
    logits[:, 0] += shift
    return logits, [("negative", "neutral", "positive")[g] for g in gold]


def test_mentions_get_their_own_offset_when_they_lean_the_other_way():
    rng = np.random.default_rng(1)
    reviews, review_gold = _biased(rng, 600, -1.0)  # reviews under-call negative
    tweets, tweet_gold = _biased(rng, 300, +1.0)  # tweets over-call it
    logits = np.vstack([reviews, tweets])
    gold = review_gold + tweet_gold
    kinds = ["review"] * 600 + ["mention"] * 300
    offsets = fit_offsets(logits, gold, ["r"] * 600 + ["t"] * 300, ["es"] * 900, kinds)
    assert offsets["es"][0] > 0.5
    assert offsets["es/mention"][0] < -0.5
    shifted = apply_offsets(logits, ["es"] * 900, offsets, kinds)
    assert np.allclose(shifted[:600, 0] - logits[:600, 0], offsets["es"][0])
    assert np.allclose(shifted[600:, 0] - logits[600:, 0], offsets["es/mention"][0])


def test_a_mention_without_its_own_offset_uses_its_language_offset():
    logits = np.zeros((3, 3))
    offsets = {"it": [0.4, 0.0, 0.0]}
    shifted = apply_offsets(logits, ["it"] * 3, offsets, ["mention", "review", None])
    assert np.allclose(shifted[:, 0], 0.4)


def test_too_few_mentions_are_fitted_with_the_rest_of_their_language():
    rng = np.random.default_rng(2)
    logits, gold = _biased(rng, 400, -1.0)
    kinds = ["review"] * 350 + ["mention"] * 50
    offsets = fit_offsets(logits, gold, ["s"] * 400, ["pt"] * 400, kinds)
    assert set(offsets) == {"pt"}
