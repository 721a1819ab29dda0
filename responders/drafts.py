"""Draft a warm public reply from per-language templates (``templates/<lang>.toml``).

A reply greets the reviewer, thanks them, acknowledges the specific problem (by topic),
apologises, and invites them to the brand's private channel with the case reference. It never
repeats anything the customer wrote: order numbers, phones and e-mails stay out of public.
Variants are chosen from the case reference, so every case reads differently but a case's
draft is stable.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from config.settings import BrandSettings
from reputation.core.errors import ConfigError
from reputation.core.models import Case, Review, Sentiment
from reputation.core.protocols import DraftText

# Most specific first: a burnt hand outweighs a late parcel in the same review.
TOPIC_PRIORITY = (
    "safety",
    "fraud",
    "refund",
    "quality",
    "delivery",
    "support",
    "staff",
    "cleanliness",
    "app",
    "price",
)
# Reply length limits where a platform has one (characters).
PLATFORM_LIMITS = {"google_play": 350, "app_store": 5970, "google_business": 4096}
DEFAULT_LIMIT = 1500
_PARTS = ("greeting", "thanks", "acknowledge", "apology", "invite", "closing")
_NAME_OK = re.compile(r"^[^\W\d_][^\W\d_'’.-]*$")


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
    required = {"greeting_named", "greeting_anonymous", "thanks", "apology", "invite", "closing"}
    missing = sorted(required - data.keys()) + ([] if "acknowledge" in data else ["acknowledge"])
    if missing:
        raise ConfigError(f"reply templates for {lang!r} lack: {', '.join(missing)}")
    if any("{case_ref}" not in v or "{channel}" not in v for v in data["invite"]):
        raise ConfigError(f"every invite in the {lang!r} templates needs {{channel}}, {{case_ref}}")
    return Templates(lang, data)


def first_name(author: str | None) -> str | None:
    """A first name safe to print in public, or None (handles, e-mails and numbers are not)."""
    if not author:
        return None
    first = author.strip().split()[0] if author.strip() else ""
    return first if _NAME_OK.match(first) and len(first) <= 30 else None


def main_topic(topics: list[str]) -> str:
    return next((t for t in TOPIC_PRIORITY if t in topics), "general")


class TemplateDrafter:
    """A :class:`~reputation.core.protocols.Drafter` over editable template files."""

    def __init__(self, *, templates_dir: Path | None = None) -> None:
        self._dir = templates_dir

    def draft(
        self, review: Review, sentiment: Sentiment, case: Case, brand: BrandSettings
    ) -> DraftText:
        templates = load_templates(sentiment.lang, self._dir) or load_templates(
            brand.default_lang, self._dir
        )
        if templates is None:
            raise ConfigError(
                f"no reply templates for {sentiment.lang!r} "
                f"nor the brand default {brand.default_lang!r}"
            )
        name = first_name(review.author)
        values = {
            "name": name or "",
            "channel": brand.private_channel,
            "case_ref": case.ref,
            "signature": brand.signature,
        }
        topic = main_topic(sentiment.topics)
        options = [templates.variants(part, topic, name is not None) for part in _PARTS]
        limit = PLATFORM_LIMITS.get(review.source, DEFAULT_LIMIT)
        text = _compose(options, values, seed=case.ref, limit=limit)
        return DraftText(text=text, lang=templates.lang, private_channel=brand.private_channel)


def _compose(options: list[list[str]], values: dict[str, str], *, seed: str, limit: int) -> str:
    """Pick one variant per part, starting from a seed-chosen combination; if it is over the
    platform limit, take the first rotation that fits, else the shortest one."""
    digest = hashlib.sha256(seed.encode()).digest()
    starts = [digest[i] % len(choices) for i, choices in enumerate(options)]
    best = ""
    rotations = itertools.product(*(range(len(choices)) for choices in options))
    for n, offsets in enumerate(rotations):
        parts = [
            choices[(start + off) % len(choices)]
            for choices, start, off in zip(options, starts, offsets, strict=True)
        ]
        text = " ".join(part.format(**values) for part in parts)
        if len(text) <= limit:
            return text
        if not best or len(text) < len(best):
            best = text
        if n > 2000:  # enough tries: every part list is short
            break
    return best
