"""Speed of the topic and danger-word rules (``sentiment.topics``) on reviews and huge texts.

Every classified text goes through the topics, danger-word, threat, unresolved-problem,
faulty-item, wrong-charge and accusation matchers, a short one through the warning matcher
too (here every text), and the search for its closing "but" clause (``sentiment.mixed``,
here for Portuguese). Measured on 2,000 reviews from the labelled
datasets (pt, es, it, fa, ru; 400 each, fixed seed) and on five hostile 1 MB texts (a
review repeated, one letter repeated, a short word repeated, a denied danger word
repeated: "não é golpe" every 12 characters, a contrast word repeated: "bom mas" every 8),
against a naive baseline in the same process: the same folded stems, each alternative
carrying its own word-start test (``(?<!\\w)stem|(?<!\\w)stem|…``, the shape the matcher had
before), which the regex engine tries at every position.

    .venv/bin/python bench/topics.py [--datasets ../shared/datasets] [--n 2000]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sentiment import mixed, topics  # noqa: E402


def naive_patterns() -> dict[str, re.Pattern[str]]:
    patterns = {}
    for topic, (stems, exceptions) in topics.lexicon().items():
        unless = "|".join(topics._word_pattern(stem) for stem in exceptions)
        unless = f"(?!{unless})" if unless else ""
        patterns[topic] = re.compile(
            "|".join(rf"(?<!\w){unless}{topics._word_pattern(stem)}" for stem in stems)
        )
    return patterns


NAIVE_CONTRAST = re.compile(
    "|".join(rf"(?<!\w){mixed._word(w, 'pt')}(?!\w)" for w in mixed.CONTRAST["pt"]), re.I
)


def naive_clause(text: str) -> str | None:
    """The closing clause found the naive way: every contrast word carries its own tests."""
    return mixed.clause_after(NAIVE_CONTRAST, text)


Found = tuple[list[str], bool, bool, bool, bool, bool, bool, bool, str | None]


def naive(text: str, patterns: dict[str, re.Pattern[str]]) -> Found:
    forms = topics.forms_of(text)  # the folded text, and with stretched letters cut
    said = [t for t, p in patterns.items() if any(topics._mentioned(t, p, f) for f in forms)]
    return (
        [t for t in said if t not in topics.NOT_TOPICS],
        topics.DANGER in said,
        topics.THREAT in said,
        topics.UNRESOLVED in said,
        topics.FAULT in said,
        topics.CHARGE in said,
        topics.ACCUSATION in said,
        topics.WARNING in said,
        naive_clause(text),
    )


def shipped(text: str) -> Found:
    forms = topics.forms_of(text)  # once for all, as sentiment.rules.assess does
    return (
        topics.topics_in(forms),
        topics.danger_in(forms),
        topics.threat_in(forms),
        topics.unresolved_in(forms),
        topics.fault_in(forms),
        topics.charge_in(forms),
        topics.accusation_in(forms),
        topics.warning_in(forms),
        mixed.closing_clause(text, "pt"),
    )


def sample(datasets: Path, n: int) -> list[str]:
    rng = random.Random(7)
    texts: list[str] = []
    for lang in ("pt", "es", "it", "fa", "ru"):
        rows = [json.loads(line)["text"] for line in (datasets / lang / "train.jsonl").open()]
        texts += rng.sample(rows, n // 5)
    rng.shuffle(texts)
    return texts


def timed(run: Callable[[str], tuple], texts: list[str]) -> tuple[float, list]:
    started = time.perf_counter()
    results = [run(text) for text in texts]
    return time.perf_counter() - started, results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--datasets", default=str(ROOT.parent / "shared" / "datasets"))
    parser.add_argument("--n", type=int, default=2000)
    args = parser.parse_args()
    patterns = naive_patterns()
    shipped("warm-up")
    reviews = sample(Path(args.datasets), args.n)
    mean = sum(map(len, reviews)) / len(reviews)
    huge = {
        "a review repeated": ("Produto chegou quebrado, péssimo atendimento. " * 25_000),
        "one letter repeated": "a" * 1_000_000,
        "a short word repeated": "ok " * 333_333,
        "a denied danger word repeated": "nao e golpe " * 90_910,
        "a contrast word repeated": "bom mas " * 125_000,
    }
    cases = [(f"{len(reviews)} reviews (mean {mean:.0f} characters)", reviews)]
    cases += [(f"1 MB, {name}", [text[:1_000_000]]) for name, text in huge.items()]
    for name, texts in cases:
        fast, ours = timed(shipped, texts)
        slow, theirs = timed(lambda text: naive(text, patterns), texts)
        same = "same results" if ours == theirs else "RESULTS DIFFER"
        print(f"{name}: {fast:.3f} s, naive {slow:.3f} s ({slow / fast:.1f}×), {same}")


if __name__ == "__main__":
    main()
