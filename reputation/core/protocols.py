"""The seams between packages. Implementations are injected; tests use fakes."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from config.settings import BrandSettings
from reputation.core.models import Alert, Case, Label, Review, Sentiment


@dataclass(frozen=True)
class TextScore:
    """A model's verdict on one text: the arg-max label and the probability of each label.
    ``closing`` is the negative probability of the text's closing "but ..." clause read on
    its own, where one was read (:mod:`sentiment.mixed`)."""

    label: Label
    scores: dict[str, float]
    closing: float | None = None


class SentimentModel(Protocol):
    """Scores texts. Implementations batch, run off the event loop, and keep their weights."""

    name: str
    version: str

    async def score(
        self,
        texts: Sequence[str],
        kinds: Sequence[str | None] | None = None,
        langs: Sequence[str | None] | None = None,
    ) -> list[TextScore]:
        """Return one score per text, in order. Texts are non-empty. ``kinds`` (review,
        mention, question, or None where nobody said; one per text) lets a model calibrated
        per kind use it; ``langs``
        (the source's language tag per text, or None) one calibrated per language."""
        ...

    async def aclose(self) -> None:
        """Release threads and memory."""
        ...


@dataclass(frozen=True)
class DraftText:
    text: str
    lang: str
    private_channel: str


class Drafter(Protocol):
    """Writes a public reply for a flagged review in the reviewer's language."""

    def draft(
        self,
        review: Review,
        sentiment: Sentiment,
        case: Case,
        brand: BrandSettings,
        *,
        avoid: Collection[str] = (),
    ) -> DraftText:
        """Return the reply; it must invite the customer to ``brand.private_channel``, and its
        wording (``responders.drafts.wording``) must not be one of ``avoid`` (the brand's
        recent replies) while another combination is left."""
        ...


class Notifier(Protocol):
    """Delivers an alert (Slack, console...) and returns a receipt (e.g. Slack's ``ts``)."""

    name: str

    async def send(self, alert: Alert) -> str:
        """Deliver the alert; raise NotifyError when it could not be delivered."""
        ...


@runtime_checkable
class Replier(Protocol):
    """Posts the brand's public reply at the source (a collector with a reply API)."""

    async def reply(self, location: str, external_id: str, text: str) -> None:
        """Post ``text`` as the reply to the review; raise a SourceError on failure."""
        ...
