"""A model named by path is checked before ``from_pretrained`` reads it."""

import pytest

from reputation.core.errors import ModelError
from sentiment.hf import check_location


def test_a_missing_directory_is_named_as_missing(tmp_path):
    # from_pretrained said: "Repo id must be in the form 'repo_name' or 'namespace/repo_name'".
    with pytest.raises(ModelError, match="no such directory"):
        check_location(str(tmp_path / "gone"), "encoder")
    with pytest.raises(ModelError, match="no such directory"):
        check_location("./no-such-model-here", "encoder")


def test_a_directory_without_a_model_is_named_as_such(tmp_path):
    # from_pretrained said: "You need to have sentencepiece or tiktoken installed...".
    with pytest.raises(ModelError, match=r"not a model directory \(no config.json in it\)"):
        check_location(str(tmp_path), "classifier")
    (tmp_path / "model.bin").write_bytes(b"")
    with pytest.raises(ModelError, match="not a model directory"):
        check_location(str(tmp_path / "model.bin"), "classifier")  # a file, not a directory


def test_model_directories_and_hub_ids_pass(tmp_path):
    (tmp_path / "config.json").write_text("{}", encoding="utf-8")
    check_location(str(tmp_path), "encoder")
    check_location("cardiffnlp/twitter-xlm-roberta-base-sentiment", "classifier")
