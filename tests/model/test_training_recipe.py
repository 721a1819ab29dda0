"""Recipe knobs of `reputation train` that change what the model reads and where it is
calibrated, and reading the recipe back from a weights file."""

import json
from dataclasses import asdict

import pytest

from sentiment.training import Recipe, _Trainer, recipe_of

pytestmark = pytest.mark.model


def _quiet(_: str) -> None:
    pass


def test_head_and_tail_training_reads_a_long_texts_end_as_inference_does(tiny_base):
    text = "começo " + "meio " * 400 + "péssimo no fim"
    plain = _Trainer(tiny_base, Recipe(unfrozen_layers=1, max_length=32), _quiet)
    both = _Trainer(tiny_base, Recipe(unfrozen_layers=1, max_length=32, head_and_tail=True), _quiet)
    tokenizer = plain.tokenizer
    first = plain._tokenize([text, "curto"])["input_ids"]
    kept = both._tokenize([text, "curto"])["input_ids"]
    assert first.shape == kept.shape == (2, 32)
    full = tokenizer("query: " + text)["input_ids"]
    assert kept[0].tolist()[-5:] == full[-5:]  # the end is read, closing token included
    assert kept[0].tolist()[:5] == full[:5]
    assert first[0].tolist()[-5:] != full[-5:]
    # A short text is the same either way (padding included).
    assert kept[1].tolist() == first[1].tolist()
    assert both._tokenize([text])["attention_mask"].sum() == 32


def test_a_files_recipe_is_read_back_and_older_files_get_the_defaults_they_had():
    recipe = Recipe(seed=21, calibration_min=300, head_and_tail=True, max_length=256)
    assert recipe_of(json.loads(json.dumps(asdict(recipe)))) == recipe
    older = {k: v for k, v in asdict(Recipe(seed=13)).items() if not k.startswith("calib")}
    del older["head_and_tail"]
    read = recipe_of({**older, "retired_knob": 1})
    assert read.seed == 13
    assert (read.calibration_min, read.calibration_max, read.head_and_tail) == (150, 800, False)


def test_training_reads_shouted_text_in_lower_case_only_when_the_recipe_says_so(tiny_base):
    shouted, spoken = "PÉSSIMO, NUNCA MAIS", "péssimo, nunca mais"
    for head_and_tail in (False, True):
        base = Recipe(unfrozen_layers=1, max_length=32, head_and_tail=head_and_tail)
        plain = _Trainer(tiny_base, base, _quiet)
        lowered = _Trainer(tiny_base, Recipe(**{**asdict(base), "normalize": True}), _quiet)
        assert plain._tokenize([shouted])["input_ids"].tolist() != (
            plain._tokenize([spoken])["input_ids"].tolist()
        )
        assert lowered._tokenize([shouted])["input_ids"].tolist() == (
            plain._tokenize([spoken])["input_ids"].tolist()
        )
