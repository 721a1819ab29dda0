"""The compact form of fine-tuned weights: what training changed, small enough to commit.

Two formats, both safetensors with a ``format`` metadata key:

- ``reputation-sentiment-delta/1``: the trained tensors themselves, fp16; each replaces the
  base's tensor of the same name.
- ``reputation-sentiment-delta/2``: every trained matrix as the *difference* from the base,
  int8 with one fp16 scale per row (``<name>.delta_q`` and ``<name>.delta_scale``); vectors
  (biases, LayerNorm) as fp16 replacements. Fine-tuning moves weights little, so the
  difference quantizes far more finely than the weights would: all 12 layers of the default
  encoder fit in ≈21 MB instead of 42 MB in fp16.

The head (``head.weight``, ``head.bias``) is fp16 in both. Convert a format-1 file with::

    .venv/bin/python -m sentiment.delta IN.safetensors OUT.safetensors [--base DIR]
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from reputation.core.errors import ModelError

FORMAT_REPLACE = "reputation-sentiment-delta/1"
FORMAT_INT8 = "reputation-sentiment-delta/2"
FORMATS = (FORMAT_REPLACE, FORMAT_INT8)
HEAD_PREFIX = "head."
Q_SUFFIX = ".delta_q"
SCALE_SUFFIX = ".delta_scale"


def compact(trained: Mapping[str, Any], base: Mapping[str, Any]) -> dict[str, Any]:
    """Format-2 tensors for ``trained`` (encoder tensors by state-dict name, plus the head)
    against the ``base`` encoder state."""
    import torch

    out: dict[str, Any] = {}
    for name, value in trained.items():
        if name.startswith(HEAD_PREFIX) or value.dim() != 2:
            out[name] = value.detach().to(torch.float16).contiguous()
            continue
        if name not in base or base[name].shape != value.shape:
            raise ModelError(f"{name}: no base tensor of shape {tuple(value.shape)}")
        diff = value.detach().float() - base[name].float()
        scale = diff.abs().amax(dim=1).clamp(min=1e-12) / 127.0
        # Round the scale to fp16 first, so the stored scale is the one quantized against.
        scale = scale.to(torch.float16).float().clamp(min=6e-8)
        q = torch.round(diff / scale[:, None]).clamp(-127, 127).to(torch.int8)
        out[name + Q_SUFFIX] = q.contiguous()
        out[name + SCALE_SUFFIX] = scale.to(torch.float16).contiguous()
    return out


def expand(
    tensors: Mapping[str, Any], base: Mapping[str, Any], fmt: str
) -> Iterator[tuple[str, Any]]:
    """The encoder tensors a delta file sets, one at a time, as full fp32 tensors by
    state-dict name (the head is left out), so that applying them holds one full tensor at a
    time. Every name must exist in ``base`` with the same shape."""
    if fmt not in FORMATS:
        raise ModelError(f"unknown delta format {fmt!r}")
    for name, value in tensors.items():
        if name.startswith(HEAD_PREFIX) or name.endswith(SCALE_SUFFIX):
            continue
        if fmt == FORMAT_INT8 and name.endswith(Q_SUFFIX):
            key = name[: -len(Q_SUFFIX)]
            scale = tensors.get(key + SCALE_SUFFIX)
            _check(key, value, base)
            if scale is None or scale.shape != (value.shape[0],):
                raise ModelError(f"{key}: missing or misshapen {SCALE_SUFFIX}")
            yield key, base[key].float() + value.float() * scale.float()[:, None]
        else:
            _check(name, value, base)
            yield name, value.float()


def head_of(tensors: Mapping[str, Any]) -> dict[str, Any]:
    """The linear head's tensors (``weight``, ``bias``), fp32."""
    head = {
        k[len(HEAD_PREFIX) :]: v.float() for k, v in tensors.items() if k.startswith(HEAD_PREFIX)
    }
    if set(head) != {"weight", "bias"}:
        raise ModelError("no linear head (head.weight, head.bias)")
    return head


def _check(name: str, value: Any, base: Mapping[str, Any]) -> None:
    if name not in base or base[name].shape != value.shape:
        raise ModelError(f"{name} is not in the base or has another shape")


def read_delta(path: Path) -> tuple[dict[str, Any], dict[str, str]]:
    """The tensors and metadata of a delta file."""
    from safetensors import SafetensorError, safe_open

    if not path.is_file():
        raise ModelError(f"sentiment weights {path} not found")
    try:
        with safe_open(str(path), framework="pt") as handle:
            metadata = dict(handle.metadata() or {})
            tensors = {key: handle.get_tensor(key) for key in handle.keys()}  # noqa: SIM118
    except (SafetensorError, OSError) as exc:
        raise ModelError(f"sentiment weights {path} cannot be read: {exc}") from exc
    if metadata.get("format") not in FORMATS:
        raise ModelError(f"{path} is not a {' or '.join(FORMATS)} file")
    return tensors, metadata


def convert(source: Path, target: Path, base_dir: str) -> None:
    """Rewrite a format-1 file as format 2 against the base encoder in ``base_dir``."""
    from safetensors.torch import load_file, save_file

    tensors, metadata = read_delta(source)
    if metadata.get("format") != FORMAT_REPLACE:
        raise ModelError(f"{source} is not a {FORMAT_REPLACE} file")
    base = load_file(str(Path(base_dir) / "model.safetensors"))
    save_file(compact(tensors, base), str(target), metadata={**metadata, "format": FORMAT_INT8})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="convert fp16 delta weights to int8 deltas")
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path)
    parser.add_argument("--base", default="var/models/multilingual-e5-small")
    args = parser.parse_args(argv)
    convert(args.source, args.target, args.base)
    size = args.target.stat().st_size / 1e6
    print(f"wrote {args.target} ({size:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
