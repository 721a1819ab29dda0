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
