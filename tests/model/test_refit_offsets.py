"""`reputation train --refit-offsets`: new offsets from shipped inference, no retraining."""

import hashlib
import json
import random
from pathlib import Path

import pytest
import torch
from safetensors import safe_open
from safetensors.torch import load_file

from config.settings import load_settings
from reputation.cli import main
from sentiment.calibration import fit_offsets
from sentiment.data import LABELS, carve, load_datasets
from sentiment.finetuned import FineTunedSentimentModel
from sentiment.refit import refit_offsets
from tests.model.tiny_bert import save_tiny_delta

pytestmark = pytest.mark.model

SEED = 5
WORDS = ("ótimo", "péssimo", "entrega", "produto", "atraso", "bom", "ruim", "loja", "preço")


def _quiet(_: str) -> None:
    pass


@pytest.fixture(scope="module")
def datasets(tmp_path_factory):
    """Two Portuguese sets big enough for a "pt" offset (300 calibration rows), one small
    Spanish set (too few rows for an offset of its own)."""
    root = tmp_path_factory.mktemp("datasets")
    rng = random.Random(0)  # noqa: S311 - reproducible test data
    rows = {"pt": [("a", 700), ("b", 700)], "es": [("c", 200)]}
    for lang, sets in rows.items():
        (root / lang).mkdir()
        lines = [
            json.dumps(
                {
                    "text": " ".join(rng.choices(WORDS, k=rng.randint(2, 9))) + f" {name}{i}",
                    "label": rng.choice(LABELS),
                    "dataset": name,
                }
            )
            for name, size in sets
            for i in range(size)
        ]
        (root / lang / "train.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


@pytest.fixture
def weights(tmp_path, tiny_base):
    """A delta file as training writes one, with the recipe's seed and stale offsets."""
    return save_tiny_delta(
        tmp_path / "tiny-v1.safetensors", tiny_base, SEED, {"pt": [1.5, 1.5, 0.0]}
    )


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _metadata(path: Path) -> dict[str, str]:
    with safe_open(str(path), framework="pt") as handle:
        return dict(handle.metadata())


def test_refit_rewrites_only_the_calibration_metadata(
    clean_env, tmp_path, tiny_base, datasets, weights
):
    before = _digest(weights)
    settings = load_settings(data_dir=tmp_path, sentiment={"model": tiny_base})
    out = tmp_path / "tiny-v2.safetensors"
    lines: list[str] = []

    results = refit_offsets(weights, out, datasets, settings, lines.append)

    assert _digest(weights) == before
    old, new = load_file(str(weights)), load_file(str(out))
    assert old.keys() == new.keys()
    assert all(torch.equal(old[k], new[k]) for k in old)

    meta = _metadata(out)
    assert meta["version"] == "tiny-v2"
    assert {k: meta[k] for k in ("format", "prefix", "recipe", "epoch")} == {
        k: _metadata(weights)[k] for k in ("format", "prefix", "recipe", "epoch")
    }
    assert "refit-offsets" in meta["calibration"]
    # The offsets are fit_offsets on the raw logits of shipped inference, calibration split.
    calib = carve(load_datasets(datasets), seed=SEED).calibration
    model = FineTunedSentimentModel(tiny_base, weights)
    model.offsets = {}
    expected = fit_offsets(
        model.logits_blocking([ex.text for ex in calib]),
        [ex.label for ex in calib],
        [ex.dataset for ex in calib],
        [ex.lang for ex in calib],
        [ex.kind for ex in calib],
    )
    offsets = json.loads(meta["logit_offsets"])
    assert offsets == expected
    assert set(offsets) == {"pt"}  # es has too few calibration rows
    assert len(offsets["pt"]) == 3
    assert offsets["pt"][2] == 0.0
    validation = json.loads(meta["validation"])
    assert set(validation) == {"a", "b", "c"}
    assert validation == {k: v.as_dict() for k, v in results.items()}
    assert any(line.startswith("  calibration: ") and "/s)" in line for line in lines)
    assert any("with the file's offsets" in line for line in lines)
    assert FineTunedSentimentModel(tiny_base, out).offsets == expected


def test_the_command_rewrites_a_file_in_place_when_out_is_the_same(
    clean_env, tmp_path, tiny_base, datasets, weights, capsys
):
    clean_env.setenv("REPUTATION_DATA_DIR", str(tmp_path))
    clean_env.setenv("REPUTATION_SENTIMENT__MODEL", tiny_base)
    tensors = load_file(str(weights))
    args = ["train", "--refit-offsets", str(weights), "--out", str(weights)]
    assert main([*args, "--datasets", str(datasets)]) == 0
    assert "validation mean macro-F1" in capsys.readouterr().err
    meta = _metadata(weights)
    assert json.loads(meta["logit_offsets"]) != {"pt": [1.5, 1.5, 0.0]}
    assert set(json.loads(meta["validation"])) == {"a", "b", "c"}
    again = load_file(str(weights))
    assert all(torch.equal(tensors[k], again[k]) for k in tensors)
    assert not list(tmp_path.glob("*.partial"))
