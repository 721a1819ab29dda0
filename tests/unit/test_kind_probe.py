"""The kind probe: how an unknown kind is read, how the probe file is read and fitted."""

import json

import numpy as np
import pytest

from reputation.core.errors import ModelError
from sentiment.data import Example
from sentiment.fit_kind_probe import balanced_accuracy, balanced_weights, fit, openings
from sentiment.kind_probe import KindProbe, load_probe, probe_path, resolve_kinds


def test_given_kinds_stay_and_unknown_ones_follow_the_score():
    kinds = [None, None, "question", "review", None]
    scores = np.array([2.0, -0.5, 3.0, 4.0, 0.0])
    assert resolve_kinds(kinds, scores) == ["mention", "review", "question", "review", "review"]
    assert resolve_kinds(kinds, None) == kinds  # no probe: unknown stays unknown


def test_the_probe_file_sits_beside_the_weights(tmp_path):
    weights = tmp_path / "e5-small-reputation-v9.safetensors"
    assert probe_path(weights) == tmp_path / "e5-small-reputation-v9.kind.json"
    assert load_probe(weights, 4) is None
    probe_path(weights).write_text(json.dumps({"bias": -1.0, "weight": [1, 0, 0, 2]}))
    probe = load_probe(weights, 4)
    assert isinstance(probe, KindProbe)
    pooled = np.array([[3.0, 9.0, 9.0, 0.0], [0.0, 9.0, 9.0, 0.0]])
    assert probe.mention_scores(pooled) == pytest.approx([2.0, -1.0])
    with pytest.raises(ModelError, match="4 weights for a 8-wide encoder"):
        load_probe(weights, 8)
    probe_path(weights).write_text(json.dumps({"weight": [1, 0, 0, 2]}))
    with pytest.raises(ModelError, match="not a kind probe"):
        load_probe(weights, 4)


def _rows(counts):
    return [
        Example(f"{dataset} {i}", "neutral", dataset, "pt", kind=kind)
        for dataset, kind, n in counts
        for i in range(n)
    ]


def test_each_kind_weighs_half_and_each_dataset_equally_within_it():
    rows = _rows([("tweets", "mention", 10), ("big", "review", 300), ("small", "review", 30)])
    weights = balanced_weights(rows)
    total = {d: weights[[r.dataset == d for r in rows]].sum() for d in ("tweets", "big", "small")}
    assert total["tweets"] == pytest.approx(total["big"] + total["small"])
    assert total["big"] == pytest.approx(total["small"])


def test_the_fit_separates_two_kinds_and_the_accuracy_is_per_dataset():
    rng = np.random.default_rng(0)
    rows = _rows([("tweets", "mention", 200), ("reviews", "review", 200)])
    pooled = np.vstack([rng.normal(1.0, 1.0, (200, 8)), rng.normal(-1.0, 1.0, (200, 8))])
    target = np.array([1.0] * 200 + [0.0] * 200)
    coef, bias = fit(pooled, target, balanced_weights(rows), 1e-3)
    accuracy = balanced_accuracy(pooled @ coef + bias, rows)
    assert accuracy["tweets"] > 0.95
    assert accuracy["reviews"] > 0.95
    # A strong penalty shrinks the weights towards nothing.
    weak, _ = fit(pooled, target, balanced_weights(rows), 10.0)
    assert np.abs(weak).sum() < np.abs(coef).sum() / 5


def test_openings_are_first_sentences_of_reviews_only():
    rows = [
        Example("Chegou quebrado. Pedi troca e nada.", "negative", "b2w", "pt"),
        Example("Uma frase só, sem ponto final", "neutral", "b2w", "pt"),
        Example("Ótimo! Recomendo", "positive", "b2w", "pt"),  # one word before the stop
        Example("hoje não. amanhã sim", "neutral", "tweets", "pt", kind="mention"),
        Example("Hotel viejo\nPero limpio y bien situado", "neutral", "cuba", "es"),
    ]
    found = openings(rows, per_dataset=5)
    assert [(ex.text, ex.dataset, ex.label) for ex in found] == [
        ("Chegou quebrado.", "b2w (opening)", "negative"),
        ("Hotel viejo", "cuba (opening)", "neutral"),
    ]
    assert openings(rows, per_dataset=0) == []
