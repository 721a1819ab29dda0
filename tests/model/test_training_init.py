"""`reputation train --init`: continuing from an earlier weights file keeps what that file
changed (even in layers now frozen) and still writes differences from the base."""

from pathlib import Path

import pytest
import torch
from safetensors.torch import save_file

from reputation.core.errors import ModelError
from sentiment.delta import FORMAT_INT8, expand
from sentiment.training import Recipe, _Trainer

pytestmark = pytest.mark.model


def _quiet(_: str) -> None:
    pass


def _trained_file(base: str, path: Path) -> dict[str, torch.Tensor]:
    """Train-like changes to both layers and the head; returns the intended tensors."""
    first = _Trainer(base, Recipe(unfrozen_layers=2), _quiet)
    gen = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for param in [*first.top.parameters(), *first.head.parameters()]:
            param.add_(torch.randn(param.shape, generator=gen) * 0.01)
    save_file(first.delta(), str(path), metadata={"format": FORMAT_INT8})
    state = {k: v.clone() for k, v in first.encoder.state_dict().items()}
    state.update({"head." + k: v.clone() for k, v in first.head.state_dict().items()})
    return state


def test_init_keeps_frozen_changes_and_stays_relative_to_the_base(tmp_path, tiny_base):
    path = tmp_path / "v1.safetensors"
    intended = _trained_file(tiny_base, path)
    second = _Trainer(tiny_base, Recipe(unfrozen_layers=1), _quiet, init=path)
    state = second.encoder.state_dict()
    frozen = "encoder.layer.0.attention.self.query.weight"
    assert not state[frozen].requires_grad
    assert torch.allclose(state[frozen], intended[frozen], atol=3e-4)
    assert torch.allclose(second.head.weight, intended["head.weight"], atol=1e-3)

    # Written again untouched, the file rebuilds the same model from the plain base.
    from transformers import AutoModel

    fresh = AutoModel.from_pretrained(tiny_base).state_dict()
    assert not torch.allclose(fresh[frozen], intended[frozen], atol=3e-3)
    rebuilt = dict(expand(second.delta(), fresh, FORMAT_INT8))
    assert any(name.startswith("encoder.layer.0.") for name in rebuilt)  # not only layer 1
    for name, value in rebuilt.items():
        assert torch.allclose(value, intended[name], atol=3e-4, rtol=1e-3), name


def test_an_init_file_for_another_encoder_is_refused(tmp_path, tiny_base):
    bogus = tmp_path / "bogus.safetensors"
    save_file(
        {"encoder.layer.7.output.dense.bias": torch.zeros(32), "head.weight": torch.zeros(3, 32)},
        str(bogus),
        metadata={"format": FORMAT_INT8},
    )
    with pytest.raises(ModelError, match=r"layer\.7"):
        _Trainer(tiny_base, Recipe(unfrozen_layers=1), _quiet, init=bogus)
