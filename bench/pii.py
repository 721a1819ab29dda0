"""Speed of ``responders.pii.find_pii`` on hostile review texts, against the patterns it used
before in the same process.

Every drafted reply is checked against the review it answers (``leaks``), so the review's
customer details are looked for in its whole text. Long runs of the characters an e-mail's
name or an order code is made of cost time quadratic in their length when a pattern is tried
from every position of the run and reads it to its end each time. The naive baseline is
those patterns, run on 10,000 and 40,000 characters only.

    .venv/bin/python bench/pii.py
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from responders import pii  # noqa: E402

NAIVE_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
NAIVE_ORDER = re.compile(
    r"(?<!\w)(?:#\s?)?(?:\d{5,}|(?=[A-Z0-9-]*\d)(?=[A-Z0-9-]*[A-Z])[A-Z0-9]{2,}(?:-[A-Z0-9]+)+"
    r"|(?=\w*\d)(?=\w*[A-Za-z])[A-Za-z0-9]{8,})(?!\w)"
)

SHAPES: dict[str, Callable[[int], str]] = {
    "one letter repeated": lambda n: "a" * n,
    "one digit repeated": lambda n: "1" * n,
    "letter, dash, repeated": lambda n: "A-" * (n // 2),
    "a review with details, repeated": lambda n: (
        "Pedido 123456 atrasado, liguei para +55 11 99999-0000 e escrevi a ana@example.com. "
        * (n // 84)
    ),
}


def seconds(run: Callable[[str], object], text: str) -> float:
    started = time.perf_counter()
    run(text)
    return time.perf_counter() - started


def naive(text: str) -> list[str]:
    masks = (("email", NAIVE_EMAIL), ("phone", pii.PHONE), ("order", NAIVE_ORDER))
    with mock.patch.object(pii, "MASKS", masks):
        return pii.find_pii(text)


def main() -> None:
    for name, make in SHAPES.items():
        for size in (10_000, 40_000, 1_000_000):
            text = make(size)
            fast = seconds(pii.find_pii, text)
            line = f"{name}, {len(text):,} characters: {fast:.3f} s"
            if size <= 40_000:
                slow = seconds(naive, text)
                line += f", naive {slow:.3f} s ({slow / max(fast, 1e-6):.0f}×)"
                if naive(text) != pii.find_pii(text):
                    line += ", RESULTS DIFFER"
            print(line, flush=True)


if __name__ == "__main__":
    main()
