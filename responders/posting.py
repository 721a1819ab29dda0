"""Where a source's reply API comes from: its collector, built from the source's settings
with the shared HTTP session (the same retries, rate limit and secret masking as
collecting)."""

from __future__ import annotations

import aiohttp

import collectors
from collectors._http import RetryPolicy
from config.settings import Settings
from reputation.core.errors import ConfigError
from reputation.core.protocols import Replier


def has_reply_api(source: str) -> bool:
    """Whether the source's collector can post a public reply."""
    try:
        cls = collectors.source(source)
    except ConfigError:
        return False
    return callable(getattr(cls, "reply", None))


class CollectorRepliers:
    """source name → its configured collector (a :class:`Replier`), or None without a reply
    API. A source with a reply API but no ``[collectors.<source>]`` settings is a ConfigError:
    its credentials are needed to post."""

    def __init__(
        self,
        settings: Settings,
        session: aiohttp.ClientSession,
        *,
        policy: RetryPolicy | None = None,
    ) -> None:
        self._settings = settings
        self._session = session
        self._policy = policy
        self._built: dict[str, Replier] = {}

    def __call__(self, source: str) -> Replier | None:
        if source in self._built:
            return self._built[source]
        if not has_reply_api(source):
            return None
        config = self._settings.collectors.get(source)
        if config is None:
            raise ConfigError(
                f"collectors.{source} is not configured: its credentials are needed to post "
                f"(REPUTATION_COLLECTORS__{source.upper()}__TOKEN)"
            )
        collector = collectors.build(source, config, self._session, policy=self._policy)
        if not isinstance(collector, Replier):  # pragma: no cover - checked above
            return None
        self._built[source] = collector
        return collector
