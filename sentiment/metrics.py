"""Classification figures per dataset: accuracy, macro-F1, negative-class precision/recall/F1."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sentiment.data import LABELS


@dataclass(frozen=True)
class Figures:
    n: int
    accuracy: float
    macro_f1: float
    negative_precision: float
    negative_recall: float
    negative_f1: float
    binary: bool

    def as_dict(self) -> dict[str, Any]:
        return {k: round(v, 4) if isinstance(v, float) else v for k, v in asdict(self).items()}


def _prf(gold: Sequence[str], pred: Sequence[str], label: str) -> tuple[float, float, float]:
    tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == label and p == label)
    fp = sum(1 for g, p in zip(gold, pred, strict=True) if g != label and p == label)
    fn = sum(1 for g, p in zip(gold, pred, strict=True) if g == label and p != label)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def figures(gold: Sequence[str], pred: Sequence[str]) -> Figures:
    """Figures for one dataset. A dataset whose gold labels have no neutral is binary: neutral
    predictions count as positive there (a two-class set cannot be scored on three classes)."""
    binary = "neutral" not in gold
    if binary:
        pred = ["positive" if p == "neutral" else p for p in pred]
    # As scikit-learn's f1_score does: a class that is neither in the gold labels nor
    # predicted has no F1 to average (a file of neutral rows all read neutral scores 1.0).
    labels = [x for x in (("negative", "positive") if binary else LABELS) if x in {*gold, *pred}]
    accuracy = sum(1 for g, p in zip(gold, pred, strict=True) if g == p) / max(1, len(gold))
    macro = sum(_prf(gold, pred, label)[2] for label in labels) / max(1, len(labels))
    precision, recall, f1 = _prf(gold, pred, "negative")
    return Figures(len(gold), accuracy, macro, precision, recall, f1, binary)


def by_dataset(
    datasets: Sequence[str], gold: Sequence[str], pred: Sequence[str]
) -> dict[str, Figures]:
    groups: dict[str, list[int]] = defaultdict(list)
    for index, name in enumerate(datasets):
        groups[name].append(index)
    return {
        name: figures([gold[i] for i in idx], [pred[i] for i in idx])
        for name, idx in sorted(groups.items())
    }


def table(results: dict[str, Figures]) -> str:
    lines = [
        f"{'dataset':44} {'n':>6} {'acc':>6} {'macroF1':>8} {'negP':>6} {'negR':>6} {'negF1':>6}"
    ]
    for name, f in results.items():
        lines.append(
            f"{name[:44]:44} {f.n:>6} {f.accuracy:>6.3f} {f.macro_f1:>8.3f} "
            f"{f.negative_precision:>6.3f} {f.negative_recall:>6.3f} "
            f"{f.negative_f1:>6.3f}"
        )
    return "\n".join(lines)
