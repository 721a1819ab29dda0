"""Draft a warm public reply from per-language templates (``templates/<lang>.toml``).

A reply greets the reviewer, thanks them, acknowledges the specific problem (by topic, or by
a reason that names it more closely: a wrong charge), apologises, and invites them to the
brand's private channel with the case reference. It never repeats anything the customer
wrote: order numbers, phones and e-mails stay out of public.
The starting combination of variants comes from the case reference; a combination whose
wording the brand used recently (``avoid``) is skipped, so replies never read canned.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import re
import string
import tomllib
import unicodedata
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from config.settings import BrandSettings
from reputation.core.errors import ConfigError
from reputation.core.models import Case, Review, Sentiment, Severity
from reputation.core.protocols import DraftText
from responders.authors import platform_stand_in
from responders.pii import leaks

log = logging.getLogger(__name__)

# Most specific first: a burnt hand outweighs a late parcel in the same review.
TOPIC_PRIORITY = (
    "safety",
    "fraud",
    "charge",  # no lexicon topic: the reason wrong_charge (REASON_TOPICS)
    "refund",
    "quality",
    "delivery",
    "support",
    "staff",
    "cleanliness",
    "app",
    "price",
)
# Longest public reply each platform accepts (characters); the one place to change them.
PLATFORM_LIMITS = {
    "google_play": 350,  # Play Developer API reviews.reply: 350 characters
    "x": 280,  # a reply post
    "google_business": 4096,
    "apple_app_store": 5970,
    "mercadolibre": 2000,
    "mercadolibre_questions": 2000,
    "trustpilot": 2000,
    "wildberries": 1000,
    "ozon": 1000,
    "yandex_market": 1000,
    "telegram": 4096,
}
DEFAULT_LIMIT = 1500
RTL_LANGS = frozenset({"fa", "ar", "he", "ur"})
_RLM = "\u200f"
_PARTS = ("greeting", "thanks", "acknowledge", "apology", "invite", "closing")
# Parts left out, in this order, only when a platform's limit leaves no other way.
_DROPPABLE = ((), ("thanks",), ("thanks", "closing"), ("thanks", "closing", "greeting"))
_NAME_OK = re.compile(r"^[^\W\d_][^\W\d_'’.-]*$")
PLACEHOLDERS = frozenset({"name", "channel", "case_ref", "signature"})
_LISTS = ("greeting_named", "greeting_anonymous", "thanks", "apology", "invite", "closing")
_OPTIONAL_LISTS = ("thanks_positive", "thanks_positive_anonymous")
# Characters that mean markup on some platform (Slack, Markdown, HTML): replies are plain text.
_MARKUP = re.compile(r"[<>*`\[\]\n\r\t]")


@dataclass(frozen=True)
class Templates:
    lang: str
    data: dict[str, Any]

    def variants(self, part: str, topic: str, named: bool) -> list[str]:
        if part == "greeting":
            return list(self.data["greeting_named" if named else "greeting_anonymous"])
        if part == "acknowledge":
            by_topic = self.data["acknowledge"]
            return list(by_topic.get(topic) or by_topic["general"])
        return list(self.data[part])

    def positive(self, named: bool) -> list[str]:
        key = "thanks_positive" if named else "thanks_positive_anonymous"
        if key not in self.data:
            raise ConfigError(f"reply templates for {self.lang!r} lack {key}")
        return list(self.data[key])


@cache
def load_templates(lang: str, directory: Path | None = None) -> Templates | None:
    """The templates for ``lang`` from ``directory`` (default: the bundled ones), or None."""
    if directory is None:
        resource = resources.files("responders").joinpath(f"templates/{lang}.toml")
        if not resource.is_file():
            return None
        text = resource.read_text(encoding="utf-8")
    else:
        path = directory / f"{lang}.toml"
        if not path.is_file():
            return None
        text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"reply templates for {lang!r} are not valid TOML: {exc}") from exc
    _validate(lang, data)
    return Templates(lang, data)


def _placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}


def _validate(lang: str, data: dict[str, Any]) -> None:
    """Refuse templates that would fail, or go out wrong, at drafting time."""
    where = f"reply templates for {lang!r}"
    missing = [key for key in (*_LISTS, "acknowledge") if key not in data]
    if missing:
        raise ConfigError(f"{where} lack: {', '.join(missing)}")
    lists = {key: data[key] for key in (*_LISTS, *_OPTIONAL_LISTS) if key in data}
    if not isinstance(data["acknowledge"], dict) or "general" not in data["acknowledge"]:
        raise ConfigError(f"{where}: [acknowledge] needs at least a `general` list")
    lists |= {f"acknowledge.{k}": v for k, v in data["acknowledge"].items()}
    for key, variants in lists.items():
        if not isinstance(variants, list) or not variants:
            raise ConfigError(f"{where}: {key} must be a non-empty list of strings")
        for variant in variants:
            try:
                unknown = _placeholders(str(variant)) - PLACEHOLDERS
            except ValueError as exc:
                raise ConfigError(f"{where}: {key}: {exc} in {variant!r}") from None
            if not isinstance(variant, str) or unknown:
                raise ConfigError(
                    f"{where}: {key}: unknown placeholder in {variant!r}; "
                    f"use {', '.join(sorted(PLACEHOLDERS))}"
                )
            if _MARKUP.search(variant):
                raise ConfigError(f"{where}: {key}: {variant!r} is not plain text (<>*`[] or tab)")
    if any({"case_ref", "channel"} - _placeholders(v) for v in data["invite"]):
        raise ConfigError(f"every invite in the {where} needs {{channel}} and {{case_ref}}")
    if any("name" in _placeholders(v) for v in (*data["greeting_anonymous"], *data["thanks"])):
        raise ConfigError(f"{where}: {{name}} may appear only in greeting_named/thanks_positive")


def first_name(author: str | None) -> str | None:
    """A first name safe to print in public, or None: handles, e-mails and numbers are not
    names, nor a platform's stand-in ("A Google user", "Anonymous"), nor three or more words
    in lower case ("ignore previous instructions" is a phrase; a name that lost its capitals
    is greeted without it, which is safer than greeting a phrase)."""
    if not author or platform_stand_in(author):
        return None
    words = author.split()
    if not words or (len(words) >= 3 and all(w == w.lower() for w in words)):
        return None
    first = words[0]
    return first if _NAME_OK.match(first) and len(first) <= 30 else None


# Reasons that name the problem more closely than any topic: "Cobraram duas vezes" is about
# price to the lexicon, and "the price didn't feel fair" would answer it coldly.
REASON_TOPICS = {"wrong_charge": "charge"}


def main_topic(topics: list[str], reasons: Sequence[str] = ()) -> str:
    """The topic a reply acknowledges: the first of :data:`TOPIC_PRIORITY` among the
    text's topics and the ones its reasons name (:data:`REASON_TOPICS`)."""
    said = set(topics) | {REASON_TOPICS[r] for r in reasons if r in REASON_TOPICS}
    return next((t for t in TOPIC_PRIORITY if t in said), "general")


def wording(text: str, *, case_ref: str, name: str | None = None) -> str:
    """A draft without what is personal to its case (reference, first name): two drafts with
    the same wording read as the same canned reply, whoever they are addressed to."""
    text = text.replace(_RLM, "").replace(case_ref, "{case_ref}")
    return re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", "{name}", text) if name else text


def needs_approval(severity: Severity, brand: BrandSettings, *, suspicious: bool) -> bool:
    """High and critical always wait for a person, as do suspicious items; low severity may be
    posted automatically only when the brand enabled it."""
    return suspicious or not (brand.auto_post_low and severity is Severity.LOW)


def wants_reply(sentiment: Sentiment, brand: BrandSettings) -> bool:
    """Flagged items get a reply; positive ones a thank-you when the brand wants it."""
    return sentiment.flag or (brand.thank_positive and sentiment.label.value == "positive")


class TemplateDrafter:
    """A :class:`~reputation.core.protocols.Drafter` over editable template files."""

    def __init__(self, *, templates_dir: Path | None = None) -> None:
        self._dir = templates_dir

    def _templates(self, lang: str, brand: BrandSettings) -> Templates:
        places = [d for d in (brand.templates_dir, self._dir) if d is not None] + [None]
        for wanted in dict.fromkeys((lang, brand.default_lang)):
            for place in places:
                found = load_templates(wanted, place)
                if found is not None:
                    return found
        raise ConfigError(
            f"no reply templates for {lang!r} nor the brand default {brand.default_lang!r}"
        )

    def draft(
        self,
        review: Review,
        sentiment: Sentiment,
        case: Case,
        brand: BrandSettings,
        *,
        avoid: Collection[str] = (),
    ) -> DraftText:
        """Reply to ``review``; a flagged one gets the full apology, any other a thank-you.
        The reply's :func:`wording` is not one of ``avoid`` unless no combination is left."""
        templates = self._templates(sentiment.lang, brand)
        customer = "\n".join(p for p in (review.author, review.title, review.text) if p)
        allowed = (brand.private_channel, brand.signature, brand.name)
        name = first_name(review.author)
        if name is not None and leaks(name, customer, allowed=allowed):
            name = None  # the "name" is a phone, an e-mail or an order number
        avoided = frozenset(avoid)
        text = self._write(templates, review, sentiment, case, brand, name, avoided)
        if leaks(text, customer, allowed=allowed) and name is not None:
            text = self._write(templates, review, sentiment, case, brand, None, avoided)
        leaked = leaks(text, customer, allowed=allowed)
        if leaked:
            # Only brand settings can carry them in; never publish customer data anyway.
            raise ConfigError(f"the draft for {case.ref} would repeat customer details")
        return DraftText(text=text, lang=templates.lang, private_channel=brand.private_channel)

    def _write(
        self,
        templates: Templates,
        review: Review,
        sentiment: Sentiment,
        case: Case,
        brand: BrandSettings,
        name: str | None,
        avoid: frozenset[str],
    ) -> str:
        values = {
            "name": name or "",
            "channel": brand.private_channel,
            "case_ref": case.ref,
            "signature": brand.signature,
        }
        named = name is not None
        droppable: tuple[tuple[str, ...], ...] = _DROPPABLE
        if sentiment.flag:
            topic = main_topic(sentiment.topics, sentiment.reasons)
            parts = {part: templates.variants(part, topic, named) for part in _PARTS}
        else:
            parts, droppable = {"thanks": templates.positive(named)}, ((),)
        limit = PLATFORM_LIMITS.get(review.source, DEFAULT_LIMIT)
        rtl = templates.lang in RTL_LANGS

        def render(chosen: list[tuple[str, str]]) -> str:
            return _render(chosen, values, rtl=rtl)

        text = ""
        for dropped in droppable:
            options = [(part, choices) for part, choices in parts.items() if part not in dropped]
            text = _compose(
                options,
                render,
                seed=case.ref,
                limit=limit,
                avoid=avoid,
                key=lambda t: wording(t, case_ref=case.ref, name=name),
            )
            if len(text) <= limit:
                break
        else:
            log.warning("draft for %s is over the %s limit of %d", case.ref, review.source, limit)
        return text


def _render(chosen: list[tuple[str, str]], values: dict[str, str], *, rtl: bool) -> str:
    """The reply as plain text: the greeting and the sign-off on lines of their own."""
    lines: list[list[str]] = [[]]
    for part, template in chosen:
        sentence = " ".join(template.format(**values).split())
        if part == "closing" and lines[-1]:
            lines.append([])
        lines[-1].append(sentence)
        if part == "greeting":
            lines.append([])
    text = unicodedata.normalize("NFC", "\n".join(" ".join(line) for line in lines if line))
    # A line's direction comes from its first strong letter: a Latin name must not turn a
    # Persian reply left-to-right.
    return _RLM + text if rtl and not _starts_rtl(text) else text


def _starts_rtl(text: str) -> bool:
    """Whether the first strong character is right-to-left (what sets a line's direction)."""
    for char in text:
        direction = unicodedata.bidirectional(char)
        if direction in ("R", "AL"):
            return True
        if direction == "L":
            return False
    return False


def _compose(
    options: list[tuple[str, list[str]]],
    render: Callable[[list[tuple[str, str]]], str],
    *,
    seed: str,
    limit: int,
    avoid: Collection[str],
    key: Callable[[str], str],
) -> str:
    """One variant per part, starting from a seed-chosen combination: the first that fits
    ``limit`` and whose ``key`` is not in ``avoid``; else the first that fits; else the
    shortest."""
    digest = hashlib.sha256(seed.encode()).digest()
    starts = [digest[i % len(digest)] % len(choices) for i, (_, choices) in enumerate(options)]
    fitting = shortest = ""
    rotations = itertools.product(*(range(len(choices)) for _, choices in options))
    for n, offsets in enumerate(rotations):
        chosen = [
            (part, choices[(start + off) % len(choices)])
            for (part, choices), start, off in zip(options, starts, offsets, strict=True)
        ]
        text = render(chosen)
        if len(text) <= limit:
            if key(text) not in avoid:
                return text
            fitting = fitting or text
        if not shortest or len(text) < len(shortest):
            shortest = text
        if n > 20_000:  # every list is short; this bounds a brand's very long template files
            break
    return fitting or shortest
