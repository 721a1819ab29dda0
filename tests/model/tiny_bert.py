"""Small random BERT checkpoints saved like hub models, with the real tokenizer: fast
stand-ins wherever a test needs an encoder of some other shape than the default."""

import shutil
from pathlib import Path
from typing import Any

import torch

from sentiment.pieces import SPM_FILE


def save_tiny_bert(model_class: Any, out: Path, tokenizer_dir: str | Path, **config: Any) -> Path:
    """``model_class`` (a transformers Bert class) with hidden size 32 and 2 heads, random
    weights (seed 0), saved to ``out`` with the tokenizer files of ``tokenizer_dir`` (the
    SentencePiece copy included, so training reads text as with the default encoder)."""
    from transformers import BertConfig

    settings = {
        "vocab_size": 250002,
        "hidden_size": 32,
        "num_attention_heads": 2,
        "intermediate_size": 64,
    }
    torch.manual_seed(0)
    model_class(BertConfig(**settings | config)).save_pretrained(out)
    for name in ("tokenizer.json", "tokenizer_config.json", SPM_FILE):
        shutil.copy(Path(tokenizer_dir) / name, out / name)
    return out


def save_tiny_delta(path: Path, base: str, seed: int, offsets: dict[str, list[float]]) -> Path:
    """A delta file for ``base`` as training writes one, its top layer and head nudged so the
    classes differ, with a recipe of ``seed`` and the given calibration offsets."""
    import json
    from dataclasses import asdict

    from safetensors.torch import save_file

    from sentiment.delta import FORMAT_INT8
    from sentiment.training import Recipe, _Trainer

    recipe = Recipe(unfrozen_layers=1, seed=seed)
    trainer = _Trainer(base, recipe, lambda _: None)
    gen = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for param in [*trainer.top.parameters(), *trainer.head.parameters()]:
            param.add_(torch.randn(param.shape, generator=gen) * 0.5)
    metadata = {
        "format": FORMAT_INT8,
        "version": path.stem,
        "prefix": recipe.prefix,
        "recipe": json.dumps(asdict(recipe)),
        "epoch": "1",
        "logit_offsets": json.dumps(offsets),
        "validation": "{}",
    }
    save_file(trainer.delta(), str(path), metadata=metadata)
    return path
