"""Deterministic stand-ins for the model and the notifier, speaking the same protocols."""

from __future__ import annotations

from collections.abc import Sequence

from reputation.core.errors import NotifyError
from reputation.core.models import Alert, Label
from reputation.core.protocols import TextScore

NEGATIVE_WORDS = (
    "broken",
    "late",
    "never",
    "rude",
    "refund",
    "worst",
    "fire",
    "dirty",
    "roto",
    "nadie",
    "péssimo",
    "atras",
    "rott",
    "sporc",
    "плох",
    "слома",
    "груб",
    "خراب",
    "دیر",
    "افتضاح",
)
POSITIVE_WORDS = (
    "great",
    "love",
    "excellent",
    "perfect",
    "ótimo",
    "excelente",
    "perfetto",
    "отлич",
    "عالی",
)


class FakeSentimentModel:
    """Keyword scores: enough to drive the pipeline without loading a network."""

    name = "fake"
    version = "1"

    def __init__(self) -> None:
        self.calls: list[list[str]] = []
        self.kinds: list[list[str] | None] = []
        self.langs: list[list[str | None] | None] = []

    async def score(
        self,
        texts: Sequence[str],
        kinds: Sequence[str] | None = None,
        langs: Sequence[str | None] | None = None,
    ) -> list[TextScore]:
        self.calls.append(list(texts))
        self.kinds.append(list(kinds) if kinds is not None else None)
        self.langs.append(list(langs) if langs is not None else None)
        return [self._one(text.lower()) for text in texts]

    @staticmethod
    def _one(text: str) -> TextScore:
        if any(w in text for w in NEGATIVE_WORDS):
            return TextScore(Label.NEGATIVE, {"negative": 0.9, "neutral": 0.05, "positive": 0.05})
        if any(w in text for w in POSITIVE_WORDS):
            return TextScore(Label.POSITIVE, {"negative": 0.05, "neutral": 0.1, "positive": 0.85})
        return TextScore(Label.NEUTRAL, {"negative": 0.2, "neutral": 0.6, "positive": 0.2})

    async def aclose(self) -> None:
        return None


class ClauseModel(FakeSentimentModel):
    """The fake's keyword reading, but a text that opens with a contrast word ("mas",
    "ma", "but") reads negative: a model that weighs praise against a complaint, then
    reads the complaint alone (:mod:`sentiment.mixed`)."""

    @staticmethod
    def _one(text: str) -> TextScore:
        if text.startswith(("mas ", "ma ", "but ")):
            return TextScore(Label.NEGATIVE, {"negative": 0.9, "neutral": 0.05, "positive": 0.05})
        return FakeSentimentModel._one(text)


class RecordingNotifier:
    """Keeps every alert it is given; can be told to fail like an unreachable Slack."""

    name = "recording"

    def __init__(self, *, fail: bool = False) -> None:
        self.sent: list[Alert] = []
        self.fail = fail

    async def send(self, alert: Alert) -> str:
        if self.fail:
            raise NotifyError("Slack is unreachable: ClientConnectorError")
        self.sent.append(alert)
        return f"ts-{len(self.sent)}"
