"""The opt-in int8 path: 8-bit activations where the CPU sums int8 products in 32 bits."""

import pytest
import torch

import sentiment.finetuned as finetuned
from sentiment.finetuned import _int8, int8_mapping, vnni


def _activations(rows: int = 256, width: int = 384) -> torch.Tensor:
    """Shaped like an encoder's: most channels under 2, a few reaching 20-30."""
    g = torch.Generator().manual_seed(5)
    x = torch.randn(rows, width, generator=g)
    x[:, :4] *= 12
    return x


def _error(linear: torch.nn.Module, reference: torch.nn.Linear, x: torch.Tensor) -> float:
    with torch.inference_mode():
        return float((linear(x) - reference(x)).abs().mean())


def test_without_vnni_torch_s_own_7_bit_module_is_used(monkeypatch):
    monkeypatch.setattr(finetuned, "_cpu_flags", lambda: "fpu avx2 fma avx512f")
    assert not vnni()
    assert int8_mapping()[torch.nn.Linear] is torch.ao.nn.quantized.dynamic.Linear


def test_with_vnni_the_full_range_module_is_used(monkeypatch):
    monkeypatch.setattr(finetuned, "_cpu_flags", lambda: "fpu avx2 avx512f avx512_vnni")
    chosen = int8_mapping()[torch.nn.Linear]
    assert chosen is not torch.ao.nn.quantized.dynamic.Linear
    model = _int8(torch.nn.Sequential(torch.nn.Linear(8, 4)))
    assert type(model[0]) is chosen


@pytest.mark.skipif(not vnni(), reason="8-bit activations are only used on AVX-512 VNNI CPUs")
def test_8_bit_activations_halve_the_error_and_do_not_overflow(monkeypatch):
    torch.manual_seed(3)
    reference = torch.nn.Linear(384, 1536)
    x = _activations()
    full = _int8(torch.nn.Sequential(reference))  # quantizes a copy
    monkeypatch.setattr(finetuned, "_cpu_flags", lambda: "")
    seven = _int8(torch.nn.Sequential(reference))
    full_error, seven_error = _error(full, reference, x), _error(seven, reference, x)
    # An overflowing 16-bit sum would make the 8-bit error far larger, not smaller.
    assert full_error < 0.6 * seven_error
    with torch.inference_mode():
        typical = float(reference(x).abs().mean())
    assert full_error < 0.1 * typical
