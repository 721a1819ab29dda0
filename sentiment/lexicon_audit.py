"""List the words each topic stem meets in labelled texts, to keep ``lexicon/topics.toml`` honest.

A stem is matched in every text whatever its language, so a stem of one language meets the
words of the others: English "sue" is Italian "his/her", Portuguese "chat" starts "chateada"
(upset), "atras" is also "atrás" (ago). For each stem this prints the words it matches,
with counts, in texts of its own language and in the others' (the topic's exceptions
applied, as :mod:`sentiment.topics` applies them), most matches first, so a word of
another meaning is seen and made an exception.

    .venv/bin/python -m sentiment.lexicon_audit [--datasets ../shared/datasets] [--topic fraud]
        [--other-languages] [--min 5]
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

from reputation.core.errors import ConfigError
from reputation.core.text import fold
from sentiment.data import load_datasets
from sentiment.topics import ONLY, _word_pattern, lexicon, sections


def corpus(datasets: Path) -> dict[str, str]:
    """Each language's labelled texts (title and text, as a review is read), folded, one
    per line. Raises ``ConfigError`` when there are none or a line is no labelled row."""
    texts: defaultdict[str, list[str]] = defaultdict(list)
    for example in load_datasets(datasets):
        texts[example.lang].append(fold(example.text))
    return {lang: "\n".join(rows) for lang, rows in texts.items()}


def stem_words(stem: str, exceptions: list[str], texts: dict[str, str]) -> dict[str, Counter[str]]:
    """The whole words ``stem`` matches in each language's text, exceptions applied."""
    # The stem comes first so the engine can look for its letters; the word start and the
    # exceptions are checked on each match (a lookbehind first ran ten times slower).
    pattern = re.compile(_word_pattern(stem) + r"\w*")
    unless = re.compile("|".join(_word_pattern(exception) for exception in exceptions) or "(?!)")
    return {
        lang: Counter(
            match.group()
            for match in pattern.finditer(text)
            if not _WORD.match(text, match.start() - 1 if match.start() else 0, match.start())
            and unless.match(text, match.start()) is None
        )
        for lang, text in texts.items()
    }


_WORD = re.compile(r"\w")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", type=Path, default=Path("../shared/datasets"))
    parser.add_argument("--topic", action="append", help="only these topics (repeatable)")
    parser.add_argument(
        "--other-languages", action="store_true", help="only matches in other languages' texts"
    )
    parser.add_argument("--min", type=int, default=5, help="hide a stem with fewer matches")
    parser.add_argument("--words", type=int, default=8, help="words shown per stem and language")
    args = parser.parse_args(argv)
    try:
        texts = corpus(args.datasets)
    except ConfigError as exc:
        print(f"no labelled texts to read: {exc}", file=sys.stderr)
        return 2
    for topic, by_lang in sections().items():
        if args.topic and topic not in args.topic:
            continue
        exceptions = lexicon()[topic][1]
        for lang, stems in by_lang.items():
            home = lang.removesuffix(ONLY)  # a "pt_only" stem meets Portuguese texts alone
            for stem in (s for s in stems if not s.startswith("-")):
                found = stem_words(stem, exceptions, texts)
                for where, words in found.items():
                    if (args.other_languages and where == home) or (home != lang and where != home):
                        continue
                    if (total := sum(words.values())) < args.min:
                        continue
                    shown = " ".join(f"{w}:{n}" for w, n in words.most_common(args.words))
                    print(f"{topic}\t{lang}:{stem}\tin {where}\t{total}\t{shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
