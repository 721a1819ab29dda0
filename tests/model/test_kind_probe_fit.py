"""Fitting the kind probe on a small encoder: it is written beside the weights and read back."""

import json
import random

import pytest

from sentiment.data import LABELS
from sentiment.finetuned import FineTunedSentimentModel
from sentiment.fit_kind_probe import fit_probe
from sentiment.kind_probe import probe_path
from tests.model.tiny_bert import save_tiny_delta

pytestmark = pytest.mark.model

REVIEW = ("produto", "entrega", "chegou", "qualidade", "recomendo", "loja", "preço", "caixa")
POST = ("@user", "#bbb", "rt", "kkkk", "gente", "hoje", "jogo", "twitter")


def _write(root, sets):
    rng = random.Random(0)  # noqa: S311 - reproducible test data
    (root / "pt").mkdir(parents=True)
    lines = [
        json.dumps(
            {
                "text": " ".join(rng.choices(words, k=rng.randint(4, 12))) + f" {name}{i}",
                "label": rng.choice(LABELS),
                "dataset": name,
                "domain": domain,
            }
        )
        for name, domain, words in sets
        for i in range(400)
    ]
    (root / "pt" / "train.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def test_the_probe_tells_posts_from_reviews_and_the_model_reads_it(tmp_path, tiny_base):
    datasets = _write(
        tmp_path / "data",
        [("posts", "tweets", POST), ("shop", "product reviews", REVIEW)],
    )
    weights = save_tiny_delta(tmp_path / "tiny.safetensors", tiny_base, 3, {})
    lines: list[str] = []
    out = fit_probe(weights, tiny_base, datasets, per_class=60, progress=lines.append)
    assert out == probe_path(weights)
    record = json.loads(out.read_text())
    assert record["calibration_accuracy"]["mean"] > 0.9
    assert any("calibration accuracy" in line for line in lines)
    model = FineTunedSentimentModel(tiny_base, weights)
    assert model.kind_probe is not None
    pooled = model.pooled_blocking(["@user kkkk hoje jogo #bbb", "produto chegou, qualidade boa"])
    post, review = model.kind_probe.mention_scores(pooled)
    assert post > 0 > review


def test_no_probe_without_both_kinds(tmp_path, tiny_base):
    datasets = _write(tmp_path / "data", [("shop", "product reviews", REVIEW)])
    weights = save_tiny_delta(tmp_path / "tiny.safetensors", tiny_base, 3, {})
    lines: list[str] = []
    assert fit_probe(weights, tiny_base, datasets, progress=lines.append) is None
    assert not probe_path(weights).exists()
    assert "skipped" in lines[-1]
