"""The compact weights format: int8 differences from the base that rebuild the trained
tensors closely, and files that do not fit the base are refused."""

import pytest

torch = pytest.importorskip("torch")

from reputation.core.errors import ModelError  # noqa: E402
from sentiment.delta import (  # noqa: E402
    FORMAT_INT8,
    FORMAT_REPLACE,
    Q_SUFFIX,
    SCALE_SUFFIX,
    compact,
    expand,
    head_of,
)
from sentiment.training import Recipe, layer_groups  # noqa: E402


def _model_pair(seed: int = 0):
    gen = torch.Generator().manual_seed(seed)
    base = {
        "layer.0.dense.weight": torch.randn(64, 48, generator=gen) * 0.05,
        "layer.0.dense.bias": torch.randn(64, generator=gen) * 0.01,
        "layer.0.norm.weight": torch.ones(64),
    }
    # Fine-tuning moves weights a little, and unevenly: one row much more than the rest.
    trained = {k: v + torch.randn(v.shape, generator=gen) * 1e-3 for k, v in base.items()}
    trained["layer.0.dense.weight"][5] += 0.05
    trained["head.weight"] = torch.randn(3, 64, generator=gen)
    trained["head.bias"] = torch.zeros(3)
    return base, trained


def test_int8_differences_rebuild_the_trained_weights():
    base, trained = _model_pair()
    packed = compact(trained, base)
    q = packed["layer.0.dense.weight" + Q_SUFFIX]
    assert q.dtype == torch.int8
    assert packed["layer.0.dense.weight" + SCALE_SUFFIX].shape == (64,)
    assert packed["layer.0.dense.bias"].dtype == torch.float16  # vectors: fp16 replacements
    rebuilt = dict(expand(packed, base, FORMAT_INT8))
    assert set(rebuilt) == {"layer.0.dense.weight", "layer.0.dense.bias", "layer.0.norm.weight"}
    diff = trained["layer.0.dense.weight"] - base["layer.0.dense.weight"]
    error = (rebuilt["layer.0.dense.weight"] - trained["layer.0.dense.weight"]).abs()
    # Per-row scales: each row's error is bounded by half its own step, so the one row that
    # moved a lot does not coarsen the others.
    assert (error.amax(dim=1) <= diff.abs().amax(dim=1) / 254 * 1.01 + 1e-7).all()
    assert error[[i for i in range(64) if i != 5]].max() < 2e-5
    # Far finer than storing the weights themselves in int8 would be.
    weight = trained["layer.0.dense.weight"]
    assert error.max() < (weight.abs().amax(dim=1) / 254).min()


def test_the_head_is_kept_and_checked():
    base, trained = _model_pair()
    packed = compact(trained, base)
    head = head_of(packed)
    assert torch.allclose(head["weight"], trained["head.weight"], atol=2e-3)
    del packed["head.bias"]
    with pytest.raises(ModelError, match="no linear head"):
        head_of(packed)


def test_a_delta_for_another_shape_is_refused():
    base, trained = _model_pair()
    packed = compact(trained, base)
    other = {**base, "layer.0.dense.weight": torch.zeros(64, 32)}
    with pytest.raises(ModelError, match=r"layer\.0\.dense\.weight"):
        dict(expand(packed, other, FORMAT_INT8))
    with pytest.raises(ModelError, match="no base tensor"):
        compact({"layer.9.weight": torch.zeros(2, 2)}, base)
    with pytest.raises(ModelError, match="unknown delta format"):
        dict(expand(packed, base, "something/9"))


def test_replacement_files_still_load():
    base, trained = _model_pair()
    fp16 = {k: v.half() for k, v in trained.items()}
    rebuilt = dict(expand(fp16, base, FORMAT_REPLACE))
    assert torch.allclose(rebuilt["layer.0.dense.bias"], trained["layer.0.dense.bias"], atol=1e-3)
    assert "head.weight" not in rebuilt


def test_lower_layers_learn_more_slowly():
    layers = [torch.nn.Linear(2, 2) for _ in range(3)]
    groups = layer_groups(layers, Recipe(lr_encoder=1e-4, layer_lr_decay=0.5))
    assert [g["lr"] for g in groups] == pytest.approx([2.5e-5, 5e-5, 1e-4])
    flat = layer_groups(layers, Recipe(lr_encoder=1e-4))
    assert {g["lr"] for g in flat} == {1e-4}
