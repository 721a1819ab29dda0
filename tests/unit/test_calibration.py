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
