"""What shouting and invisible characters cost the default model, with and without
``sentiment.reading.reading_form`` (invisible characters dropped, shouting lowered).

Scores the validation split (``reputation eval --validation``'s rows) twice, as the model
reads it and with the reading form switched off, and prints macro-F1 per dataset. Then a
fixed sample of pt/es/it/ru/fa validation rows made hostile — wholly upper-cased or in
mocking case ("pÉsSiMo"), 30% of the words upper-cased, a zero-width space, soft hyphen,
right-to-left mark or tatweel inside 30% of the words, or a variation selector after each
of their letters, 30% of the words spelled out letter by letter ("p é s s i m o",
"p.é.s.s.i.m.o", "p-é-s-s-i-m-o", "p👏é👏s…", one letter a line, letters one no-break space
apart) or with their Latin/Cyrillic lookalike letters in the other script ("реssimо"), escaped for
HTML as old web pages and exports do (every non-ASCII letter an entity, "P&eacute;ssimo",
"&#1087;&#1083;&#1086;&#1093;&#1086;", and "<br />" between sentences; or that twice,
"P&amp;eacute;ssimo"), or encoded for JSON one time too many ("P\\u00e9ssimo", every
non-ASCII character a \\u escape), or sent by a web form ("P%C3%A9ssimo+atendimento"), or
30% of the words in forum markup ("[b]péssimo[/b]"), or inside a scraped page (a style
sheet, "<p>", a comment), or with 3–6 combining marks stacked on each letter of 30% of the
words ("zalgo"), or with one or two marks on every letter ("glitch text"), or mojibake (the
UTF-8 bytes read as windows-1252 or windows-1251: "PÃ©ssimo", "РЈР¶Р°СЃРЅРѕ"), or with
every Latin letter styled by a "fancy text" generator (small capitals "ᴘéssɪᴍᴏ",
negative squared "🅿é🆂🆂🅸🅼🅾", mathematical bold "𝐏é𝐬𝐬𝐢𝐦𝐨"), or 30%
of the Latin words in leetspeak ("p3ss1m0"), or struck through or underlined throughout
("p̶é̶s̶s̶i̶m̶o̶"), or spelled backwards after a right-to-left override ("\\u202eomissép"),
or upside down ("ǝlqᴉɹɹoɥ"; Latin-script texts only), or in regional indicator letters
("🇵\\u200b🇪\\u200b🇸"), or as people type without meaning harm: the last letter of 30% of
the words typed six times ("péssimoooooo"), the accents of Latin letters dropped ("pessimo
atencao"), Russian in Latin letters ("uzhasnyj servis") — each with and without the
reading form, printing accuracy, macro-F1 and negative-class F1. Then the emoji the
vocabulary lacks (``sentiment.emoji``): each alone and three times, and the validation texts
holding one of their stand-ins with it swapped for the emoji it stands in for. The time the
reading form itself takes per text is printed last.

    .venv/bin/python bench/reading.py [--sample 1500] [--skip-full] [--only SHAPE ...]
"""

from __future__ import annotations

import argparse
import functools
import itertools
import json
import random
import re
import sys
import time
import unicodedata
from collections.abc import Callable, Sequence
from html.entities import codepoint2name
from pathlib import Path
from unittest import mock
from urllib.parse import quote_plus

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sentiment.finetuned as finetuned  # noqa: E402
from config.settings import load_settings  # noqa: E402
from reputation.core import scripts  # noqa: E402
from sentiment import build_model  # noqa: E402
from sentiment.data import Example, load_datasets, split  # noqa: E402
from sentiment.emoji import STAND_INS  # noqa: E402
from sentiment.metrics import by_dataset, figures  # noqa: E402
from sentiment.reading import reading_form  # noqa: E402
from sentiment.truncation import token_rows  # noqa: E402

LANGS = {"pt", "es", "it", "ru", "fa"}


def some_words(text: str, change: Callable[[str], str], share: float = 0.3) -> str:
    """``text`` with about ``share`` of its words of four letters or more changed (the same
    words every run)."""
    draw = random.Random(text)
    words = text.split(" ")
    return " ".join(change(w) if len(w) > 3 and draw.random() < share else w for w in words)


def inside(mark: str) -> Callable[[str], str]:
    return lambda word: word[: len(word) // 2] + mark + word[len(word) // 2 :]


def other_script(word: str) -> str:
    """``word`` with its Latin/Cyrillic lookalike letters in the other script: "реssimо"."""
    cyrillic = scripts._ANY_CYRILLIC.search(word)
    return word.translate(scripts._TO_LATIN if cyrillic else scripts._TO_CYRILLIC)


def zalgo(word: str) -> str:
    """``word`` with three to six combining marks stacked on each letter, as zalgo text
    generators write it: "p̖̤͓é̖̤͓s̖̤͓s̖̤͓i̖̤͓m̖̤͓o̖̤͓"."""
    rng = random.Random(word)
    marks = [chr(c) for c in range(0x300, 0x370)]
    return "".join(c + "".join(rng.choices(marks, k=rng.randint(3, 6))) for c in word)


def selected(word: str) -> str:
    """``word`` with a variation selector after each letter: "p\ufe0fé\ufe0fs\ufe0f…"."""
    return "".join(c + "\ufe0f" if c.isalpha() else c for c in word)


def glitched(text: str) -> str:
    """``text`` with one or two combining marks on every letter, as "glitch text"
    generators write it ("P̙é́şs͇i͉ṁó"); no lines through letters, which are their own shape."""
    rng = random.Random(text)
    marks = [chr(c) for c in range(0x300, 0x370) if c != 0x305 and not 0x332 <= c <= 0x338]
    marks.remove("\u033f")
    return "".join(
        c + "".join(rng.choices(marks, k=rng.randint(1, 2))) if c.isalpha() else c for c in text
    )


def stretched(word: str) -> str:
    """``word`` with its last letter typed six times, as for emphasis: "péssimoooooo"."""
    letters = [i for i, c in enumerate(word) if c.isalpha()]
    if not letters:
        return word
    last = letters[-1]
    return word[: last + 1] + word[last] * 5 + word[last + 1 :]


def unaccented(text: str) -> str:
    """``text`` with the accents of its Latin letters dropped, as typed on a phone without
    them: "pessimo atencao, nao recomendo". Other scripts are left as they are."""
    out = []
    for c in unicodedata.normalize("NFD", text):
        if unicodedata.combining(c) and out and "LATIN" in unicodedata.name(out[-1], ""):
            continue
        out.append(c)
    return unicodedata.normalize("NFC", "".join(out))


# Russian as typed with Latin letters ("translit"), the common informal scheme.
_TRANSLIT = str.maketrans(
    {
        **dict(zip("абвгдезийклмнопрстуфхцы", "abvgdezijklmnoprstufhcy", strict=True)),
        "ё": "e",
        "ж": "zh",
        "ч": "ch",
        "ш": "sh",
        "щ": "sch",
        "ъ": "",
        "ь": "'",
        "э": "e",
        "ю": "yu",
        "я": "ya",
    }
)


def translit(text: str) -> str:
    """A Russian text in Latin letters: "Uzhasnyj servis, ne sovetuyu"."""
    return "".join(
        c.lower().translate(_TRANSLIT).capitalize() if c.isupper() else c.translate(_TRANSLIT)
        for c in text
    )


def mocking(text: str) -> str:
    """Capitals and small letters taking turns, letter after letter: "pÉsSiMo aTeNdImEnTo"."""
    turn = itertools.cycle((str.lower, str.upper))
    return "".join(next(turn)(c) if c.isalpha() else c for c in text)


def html_escaped(text: str) -> str:
    """``text`` as PHP's htmlentities and nl2br leave it: &, <, > and every non-ASCII letter
    an entity (named where HTML names it), a "<br />" after each sentence."""

    def entity(c: str) -> str:
        name = codepoint2name.get(ord(c))
        return f"&{name};" if name else f"&#{ord(c)};"

    escaped = "".join(entity(c) if ord(c) > 127 or c in "&<>" else c for c in text)
    return re.sub(r"([.!?]) ", r"\1<br />\n", escaped)


def mojibake(encoding: str) -> Callable[[str], str]:
    """The whole text's UTF-8 bytes read as ``encoding``, as a spreadsheet or an export does;
    a byte the code page leaves undefined stays the same code point (as Latin-1 reads it)."""

    def read(text: str) -> str:
        return "".join(
            bytes([b]).decode(encoding, errors="ignore") or chr(b) for b in text.encode("utf-8")
        )

    return read


def styled(kind: str) -> Callable[[str], str]:
    """Every Latin letter in a "fancy text" generator's style: small capitals, negative
    squared or mathematical bold letters."""
    small = dict(zip("abcdefghijklmnopqrstuvwxyz", "ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘꞯʀꜱᴛᴜᴠᴡxʏᴢ", strict=True))

    def letter(c: str) -> str:
        if not ("a" <= c.lower() <= "z"):
            return c
        if kind == "small capitals":
            return small[c.lower()]
        if kind == "squared":
            return chr(0x1F170 + ord(c.upper()) - ord("A"))
        return chr((0x1D400 if c.isupper() else 0x1D41A) + ord(c.lower()) - ord("a"))

    return lambda text: "".join(letter(c) for c in text)


def leet(word: str) -> str:
    """A Latin word in leetspeak (o→0, i→1, e→3, a→4, s→5, t→7), as typed past a filter;
    other scripts as written."""
    if not all(c < "\u0250" for c in word):
        return word
    return word.translate(str.maketrans("oieastOIEAST", "013457013457"))


_NOT_LATIN = re.compile("[\u0400-\u04ff\u0600-\u06ff]")
_ARABIC_SCRIPT = re.compile("[\u0600-\u06ff]")
# What an upside-down generator writes for each letter (upsidedowntext-style tables).
_TURNED = dict(
    zip(
        "abcdefghijklmnopqrstuvwxyzACEFGJLMPTUVWY123456789.,!?()[]",
        "ɐqɔpǝɟƃɥᴉɾʞlɯuodbɹsʇnʌʍxʎz∀ƆƎℲ⅁ſ˥WԀ┴∩ΛM⅄ƖᄅƐㄣϛ9ㄥ86˙'¡¿)(][",
        strict=True,
    )
)
_MIRRORED = str.maketrans("()[]{}<>«»", ")(][}{><»«")


def upside_down(text: str) -> str:
    """``text`` as an upside-down generator writes it: each letter turned, the text
    backwards; letters it has no turned form for (accented ones) kept. Generators turn
    Latin letters: Russian and Persian texts stay as written."""
    if _NOT_LATIN.search(text):
        return text
    return "".join(_TURNED.get(c, c) for c in reversed(text))


def overridden(text: str) -> str:
    """Each line after a right-to-left override, spelled backwards (brackets mirrored) to
    show as written; a Persian line, which the override leaves in the order typed, as
    typed."""

    def line(ln: str) -> str:
        return ln if _ARABIC_SCRIPT.search(ln) else ln[::-1].translate(_MIRRORED)

    return "\n".join("\u202e" + line(ln) for ln in text.split("\n"))


def flag_letters(text: str) -> str:
    """Each Latin letter a regional indicator with a zero-width space after it, so that
    two do not make a flag ("🇵\u200b🇪\u200b🇸"), as "flag text" generators write them."""

    def letter(c: str) -> str:
        low = c.lower()
        return chr(0x1F1E6 + ord(low) - ord("a")) + "\u200b" if "a" <= low <= "z" else c

    return "".join(map(letter, text))


def emoji_section(model: finetuned.FineTunedSentimentModel, validation: list[Example]) -> None:
    print("\nemoji the vocabulary lacks, alone and ×3: label (negative probability)")
    texts = [e * n for e in STAND_INS for n in (1, 3)]
    before, after = (_scores(model, texts, ["review"] * len(texts), on) for on in (False, True))
    for i in range(0, len(texts), 2):
        cells = [
            f"{b.label.value[:3]} ({b.scores['negative']:.2f}) → {a.label.value[:3]} "
            f"({a.scores['negative']:.2f})"
            for b, a in zip(before[i : i + 2], after[i : i + 2], strict=True)
        ]
        print(f"  {texts[i]} → {STAND_INS[texts[i]]}   {cells[0]:28} ×3: {cells[1]}")
    back = {v: k for k, v in reversed(STAND_INS.items())}  # a stand-in → the first it serves
    held = [e for e in validation if any(v in e.text for v in back)]
    swapped = ["".join(back.get(c, c) for c in e.text) for e in held]
    name = f"{len(held)} validation texts, stand-in swapped back,"
    both_ways(model, name, swapped, [e.kind for e in held], [e.label for e in held])


def both_ways(
    model: object, name: str, texts: Sequence[str], kinds: Sequence[str], truth: Sequence[str]
) -> None:
    """Accuracy / macro-F1 / negative F1 of ``texts`` as written, then in the reading form."""
    for on in (False, True):
        f = figures(truth, labels(model, texts, kinds, on))
        how = "reading form" if on else "as written  "
        print(f"  {name} {how} {f.accuracy:.3f} / {f.macro_f1:.3f} / {f.negative_f1:.3f}")


def _scores(model: object, texts: Sequence[str], kinds: Sequence[str], on: bool) -> list:
    rows = token_rows if on else functools.partial(token_rows, normalized=False)
    with mock.patch.object(finetuned, "token_rows", rows):
        return list(model.score_blocking(list(texts), list(kinds)))


def labels(model: object, texts: Sequence[str], kinds: Sequence[str], on: bool) -> list[str]:
    return [s.label.value for s in _scores(model, texts, kinds, on)]


def drawn(mark: str) -> Callable[[str], str]:
    """A line through or under the whole text, as a generator draws one: the combining
    ``mark`` after every character but line breaks."""
    return lambda text: "".join(c if c == "\n" else c + mark for c in text)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sample", type=int, default=1500)
    parser.add_argument("--skip-full", action="store_true", help="only the hostile sample")
    parser.add_argument("--only", nargs="+", metavar="SHAPE", help="these hostile shapes only")
    args = parser.parse_args()

    settings = load_settings()
    model = build_model(settings, lambda _: None)
    if not isinstance(model, finetuned.FineTunedSentimentModel):
        sys.exit("bench/reading.py measures the default fine-tuned model; config names another")
    validation = [e for e in split(load_datasets(settings.sentiment.datasets_dir))[1] if e.text]

    if not args.skip_full:
        print(f"validation split, {len(validation)} texts: macro-F1 as written → reading form")
        kinds = [e.kind for e in validation]
        truth = [e.dataset for e in validation], [e.label for e in validation]
        off = by_dataset(*truth, labels(model, [e.text for e in validation], kinds, False))
        on = by_dataset(*truth, labels(model, [e.text for e in validation], kinds, True))
        for name in sorted(on):
            print(f"  {name:52} {off[name].macro_f1:.4f} → {on[name].macro_f1:.4f}")

    sample: list[Example] = [e for e in validation if e.lang in LANGS]
    random.Random(7).shuffle(sample)
    sample = sample[: args.sample]
    truth_labels = [e.label for e in sample]
    print(f"\n{len(sample)} pt/es/it/ru/fa validation texts: accuracy / macro-F1 / negative F1")
    shapes: list[tuple[str, Callable[[str], str]]] = [
        ("as written", lambda t: t),
        ("all upper case", str.upper),
        ("mocking case", mocking),
        ("30% of words upper", lambda t: some_words(t, str.upper)),
        ("zero-width space", lambda t: some_words(t, inside("\u200b"))),
        ("soft hyphen", lambda t: some_words(t, inside("\u00ad"))),
        ("right-to-left mark", lambda t: some_words(t, inside("\u200f"))),
        ("tatweel", lambda t: some_words(t, inside("\u0640"))),
        ("variation selectors", lambda t: some_words(t, selected)),
        ("spelled out", lambda t: some_words(t, " ".join)),
        ("spelled with dots", lambda t: some_words(t, ".".join)),
        ("spelled with dashes", lambda t: some_words(t, "-".join)),
        ("spelled with claps", lambda t: some_words(t, "👏".join)),
        ("spelled with no-break spaces", lambda t: some_words(t, "\u00a0".join)),
        ("one letter a line", lambda t: some_words(t, "\n".join)),
        ("lookalike letters", lambda t: some_words(t, other_script)),
        ("HTML entities", html_escaped),
        ("HTML escaped twice", lambda t: html_escaped(html_escaped(t))),
        ("escaped for JSON twice", lambda t: json.dumps(t)[1:-1]),
        ("sent by a web form", quote_plus),
        ("forum markup", lambda t: some_words(t, lambda w: f"[b]{w}[/b]")),
        ("scraped page", lambda t: f"<style>.r{{color:#0a0}}</style><p>{t}</p><!-- 5/5 -->"),
        ("zalgo", lambda t: some_words(t, zalgo)),
        ("glitch text", glitched),
        ("mojibake 1252", mojibake("cp1252")),
        ("mojibake 1251", mojibake("cp1251")),
        ("small capitals", styled("small capitals")),
        ("squared letters", styled("squared")),
        ("mathematical bold", styled("bold")),
        ("leetspeak", lambda t: some_words(t, leet)),
        ("struck through", drawn("\u0336")),
        ("underlined", drawn("\u0332")),
        ("right-to-left override", overridden),
        ("upside down", upside_down),
        ("flag letters", flag_letters),
        ("stretched letters", lambda t: some_words(t, stretched)),
        ("accents dropped", unaccented),
        ("Russian translit", translit),
    ]
    for name, shape in shapes:
        if args.only and name not in args.only:
            continue
        texts = [shape(e.text) for e in sample]
        both_ways(model, f"{name:23}", texts, [e.kind for e in sample], truth_labels)

    if not args.only or "emoji" in args.only:
        emoji_section(model, validation)

    texts = [some_words(e.text, inside("\u200b")).upper() for e in sample] * 20
    started = time.perf_counter()
    for text in texts:
        reading_form(text)
    per_text = (time.perf_counter() - started) / len(texts)
    print(f"\nreading form: {per_text * 1e6:.1f} µs per text ({len(texts)} texts)")


if __name__ == "__main__":
    main()
