import pytest

torch = pytest.importorskip("torch")

from sentiment.data import Example  # noqa: E402
from sentiment.training import Recipe, binary_datasets, row_loss  # noqa: E402


def test_two_class_positive_rows_do_not_punish_neutral():
    recipe = Recipe(label_smoothing=0.0)
    neutral_heavy = torch.tensor([[-4.0, 3.0, 0.0]])
    positive = torch.tensor([2])
    three = row_loss(neutral_heavy, positive, torch.tensor([False]), recipe)
    two = row_loss(neutral_heavy, positive, torch.tensor([True]), recipe)
    assert two.item() < 0.01 < 2.0 < three.item()


def test_two_class_negative_rows_still_need_negative():
    recipe = Recipe()
    logits = torch.tensor([[0.0, 3.0, 0.0], [3.0, 0.0, 0.0]])
    loss = row_loss(logits, torch.tensor([0, 0]), torch.tensor([True, True]), recipe)
    assert loss[0] > loss[1] + 2.0


def test_binary_datasets_are_those_without_neutral():
    rows = [
        Example("a", "negative", "snapp", "fa"),
        Example("b", "positive", "snapp", "fa"),
        Example("c", "neutral", "pers", "fa"),
    ]
    assert binary_datasets(rows) == {"snapp"}
