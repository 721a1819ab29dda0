"""Collectors: pull reviews and mentions from each source into storage.

One package per source (``parse.py`` pure, ``collector.py`` the paging); the shared HTTP
behaviour is in :mod:`collectors._http`, the run loop in :mod:`collectors.runner`.
Sources are registered explicitly in :data:`SOURCES`.
"""

from __future__ import annotations

import aiohttp

from collectors._http import RetryPolicy, SourceHttp
from collectors.base import Collector
from config.settings import CollectorSettings, Settings
from reputation.core.errors import ConfigError

SOURCES: dict[str, type[Collector]] = {}


def register(cls: type[Collector]) -> type[Collector]:
    SOURCES[cls.name] = cls
    return cls


def source(name: str) -> type[Collector]:
    _load()
    try:
        return SOURCES[name]
    except KeyError:
        raise ConfigError(
            f"unknown source {name!r}; available: {', '.join(sorted(SOURCES))}"
        ) from None


def names() -> list[str]:
    _load()
    return sorted(SOURCES)


def build(
    name: str,
    config: CollectorSettings,
    session: aiohttp.ClientSession,
    *,
    policy: RetryPolicy | None = None,
) -> Collector:
    """A collector wired to its own rate-limited, retrying HTTP client."""
    cls = source(name)
    token = config.token.get_secret_value() if config.token else ""
    reply_token = config.reply_token.get_secret_value() if config.reply_token else ""
    http = SourceHttp(
        session,
        source=name,
        rate=config.rate_per_s or cls.rate_per_s,
        policy=policy,
        timeout=config.timeout_s,
        secrets=[token, reply_token],
    )
    return cls(config=config, http=http)


def enabled(settings: Settings, only: list[str] | None = None) -> dict[str, CollectorSettings]:
    """The sources to run: the named ones (enabled or not), else every enabled one."""
    if only:
        for name in only:
            source(name)
        return {n: settings.collectors.get(n, CollectorSettings()) for n in only}
    return {n: c for n, c in settings.collectors.items() if c.enabled}


def _load() -> None:
    # Explicit imports: each source module registers itself with @register (a repeated
    # import costs nothing, and a test that imported one source first still sees them all).
    import collectors.sources  # noqa: F401
