"""Fixtures shared by the model tests."""

from pathlib import Path

import pytest

from config.settings import load_settings
from sentiment import default_encoder
from tests.model.tiny_bert import save_tiny_bert

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def tiny_base(tmp_path_factory):
    """A two-layer random BERT encoder saved like a hub checkpoint, with the real tokenizer."""
    from transformers import BertModel

    encoder_dir = default_encoder(load_settings(data_dir=ROOT / "var"), lambda _: None)
    out = tmp_path_factory.mktemp("tiny-base")
    return str(save_tiny_bert(BertModel, out, encoder_dir, num_hidden_layers=2))
