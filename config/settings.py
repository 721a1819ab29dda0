"""Typed settings.

Precedence, lowest first: built-in defaults → the TOML file named by ``REPUTATION_CONFIG``
(or passed to :func:`load_settings`) → a secrets directory → environment variables
(``REPUTATION_`` prefix, ``__`` between nested keys, e.g. ``REPUTATION_MONGO__DATABASE``) and
a few well-known names (``REPUTATION_MONGO_URI``, ``SLACK_BOT_TOKEN``) → explicit overrides.

Secrets (tokens, URIs that may carry passwords) are ``SecretStr``: they never print, and the
TOML file may not hold them — they come from the environment or a secrets directory.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from contextvars import ContextVar
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from reputation.core.errors import ConfigError

# Environment names that map onto nested settings without the REPUTATION_ prefix rules.
ENV_ALIASES: dict[str, tuple[str, ...]] = {
    "REPUTATION_MONGO_URI": ("mongo", "uri"),
    "SLACK_BOT_TOKEN": ("slack", "bot_token"),
    "REPUTATION_SLACK_BASE_URL": ("slack", "base_url"),
    "SLACK_SIGNING_SECRET": ("slack", "signing_secret"),
}
# Settings that must never come from the (committed, shared) TOML file.
SECRET_PATHS: frozenset[tuple[str, ...]] = frozenset(
    {("mongo", "uri"), ("slack", "bot_token"), ("slack", "signing_secret")}
)


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_default=True)


class MongoSettings(_Section):
    uri: SecretStr | None = Field(
        default=None, description="MongoDB URI; when unset the embedded server is started."
    )
    database: str = Field(default="reputation", pattern=r"^[A-Za-z0-9_-]{1,63}$")
    timeout_ms: int = Field(default=5000, ge=100, le=120_000)


class EmbeddedMongoSettings(_Section):
    command: str = "secantusd-py"
    host: str = "127.0.0.1"
    port: int = Field(default=0, ge=0, le=65535, description="0 picks a free port")
    data_dir: Path | None = Field(default=None, description="default: <data_dir>/mongo")
    start_timeout_s: float = Field(default=30.0, gt=0)


class SentimentSettings(_Section):
    backend: str = Field(
        default="finetuned",
        description="finetuned (default), transformers (any hub classifier), prototype",
    )
    model: str = Field(
        default="", description="hub id or local directory; empty = the bundled default encoder"
    )
    revision: str | None = None
    weights: Path | None = Field(
        default=None, description="fine-tuned delta file; empty = the bundled default"
    )
    label_map: dict[str, str] = Field(
        default_factory=dict,
        description="model label -> negative/neutral/positive (transformers backend)",
    )
    batch_size: int = Field(default=32, ge=1, le=1024)
    max_length: int = Field(default=256, ge=8, le=512)
    threads: int = Field(
        default=0,
        ge=0,
        le=256,
        description="cores for inference (the default model runs one single-threaded worker "
        "per core); 0 = all available cores",
    )
    precision: str = Field(
        default="auto",
        pattern=r"^(auto|fp32|bf16|int8)$",
        description="auto = bf16 where the CPU has native bf16, else fp32; "
        "fp32, bf16 or int8 to force one",
    )
    negative_threshold: float = Field(default=0.5, gt=0, lt=1)
    datasets_dir: Path = Field(
        default=Path("../shared/datasets"), description="labelled data for `reputation train`"
    )

    @field_validator("label_map")
    @classmethod
    def _known_labels(cls, value: dict[str, str]) -> dict[str, str]:
        bad = sorted(v for v in value.values() if v not in {"negative", "neutral", "positive"})
        if bad:
            raise ValueError(f"labels must be negative, neutral or positive, not {bad}")
        return value


class SlackSettings(_Section):
    bot_token: SecretStr | None = None
    base_url: str = Field(
        default="https://slack.com/api/",
        description="https, or http only to this machine (tests); the token is sent there",
    )
    channel: str = "#reputation-alerts"
    timeout_s: float = Field(default=10.0, gt=0)
    signing_secret: SecretStr | None = Field(
        default=None, description="verifies Slack's button clicks; from SLACK_SIGNING_SECRET"
    )
    approvers: list[str] = Field(
        default_factory=list,
        description="Slack user ids whose buttons count (approve, assign, resolve); "
        "empty = anyone in the workspace",
    )
    digest_low: bool = Field(
        default=False,
        description="hold low-severity new-case alerts for one digest message per channel",
    )
    digest_interval_hours: float = Field(
        default=24.0, gt=0, description="at most one low-severity digest per channel this often"
    )

    @field_validator("base_url")
    @classmethod
    def _safe_base_url(cls, value: str) -> str:
        parsed = urlsplit(value)
        local = parsed.hostname in {"127.0.0.1", "localhost", "::1"}
        if parsed.scheme != "https" and not (parsed.scheme == "http" and local):
            raise ValueError("must be an https URL (http only for 127.0.0.1/localhost)")
        return value if value.endswith("/") else value + "/"


class CollectorSettings(_Section):
    """``[collectors.<source>]``: what to collect from one source, how often, how fast."""

    enabled: bool = False
    ids: list[str] = Field(
        default_factory=list,
        description="locations / apps / items / channels / queries, per the source",
    )
    interval_minutes: float = Field(default=60.0, gt=0)
    rate_per_s: float | None = Field(default=None, gt=0, description="default: the source's")
    max_pages: int = Field(default=50, ge=1, description="per location and run; resumes next run")
    page_size: int | None = Field(default=None, ge=1, le=1000)
    timeout_s: float = Field(default=30.0, gt=0)
    base_url: str | None = Field(default=None, description="tests and proxies")
    token: SecretStr | None = Field(
        default=None, description="from REPUTATION_COLLECTORS__<SOURCE>__TOKEN, never TOML"
    )
    reply_token: SecretStr | None = Field(
        default=None,
        description="a separate credential for posting replies (Trustpilot: a business "
        "user's OAuth token), from REPUTATION_COLLECTORS__<SOURCE>__REPLY_TOKEN; unset = token",
    )
    brand: str | None = None
    accept_unofficial: bool = Field(
        default=False,
        description="opt in to unofficial endpoints (read-only; check the site's terms)",
    )
    options: dict[str, Any] = Field(default_factory=dict, description="source-specific")

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and urlsplit(value).scheme not in {"http", "https"}:
            raise ValueError("must be an http(s) URL")
        return value


class BrandSettings(_Section):
    name: str = "Aurora Home"
    default_lang: str = Field(default="en", pattern=r"^[a-z]{2,3}$")
    private_channel: str = "care@aurora-home.example"
    signature: str = "Aurora Home Care"
    auto_post_low: bool = Field(
        default=False, description="low-severity drafts may be posted without approval"
    )
    thank_positive: bool = Field(
        default=False, description="draft a short thank-you reply to positive reviews"
    )
    templates_dir: Path | None = Field(
        default=None,
        description="this brand's own <lang>.toml reply templates; others come from the bundle",
    )


class WebSettings(_Section):
    base_url: str | None = Field(
        default=None, description="the web app, for links to an item's page (Slack's Edit)"
    )
    # The web app (reputation/web): sessions, cookies, links.
    session_hours: float = Field(default=12.0, gt=0, le=24 * 30, description="sign-in lifetime")
    cookie_secure: bool | None = Field(
        default=None,
        description="Secure cookies; unset = when base_url is https or the request is HTTPS",
    )
    trust_forwarded_proto: bool = Field(
        default=False, description="behind a proxy: believe X-Forwarded-Proto: https"
    )
    slack_workspace_url: str | None = Field(
        default=None, description="e.g. https://aurora.slack.com, for links to a case's thread"
    )

    @field_validator("base_url", "slack_workspace_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and urlsplit(value).scheme not in {"http", "https"}:
            raise ValueError("must be an http(s) URL")
        return value.rstrip("/") if value else value


class SlaSettings(_Section):
    """Hours from detection to the public reply, by severity, and to private contact."""

    reply_hours: dict[str, float] = Field(
        default_factory=lambda: {"critical": 1.0, "high": 4.0, "medium": 24.0, "low": 72.0}
    )
    private_contact_hours: float = Field(default=72, gt=0)
    follow_up_hours: float = Field(
        default=48, ge=0, description="remind the owners this long after resolution; 0 = never"
    )

    @field_validator("reply_hours")
    @classmethod
    def _all_severities(cls, value: dict[str, float]) -> dict[str, float]:
        missing = {"critical", "high", "medium", "low"} - value.keys()
        if missing:
            raise ValueError(f"missing severities: {', '.join(sorted(missing))}")
        if any(hours <= 0 for hours in value.values()):
            raise ValueError("hours must be positive")
        return value


_SEVERITIES = ("low", "medium", "high", "critical")
# A channel id (C…/G…) or name (#name); ids survive renames, names read better in config.
_CHANNEL = r"^(#?[a-z0-9][a-z0-9_-]{0,79}|[CG][A-Z0-9]{6,})$"
# Slack mention syntax only: user groups, users, @here. Review text never gets here.
_MENTION = r"^(<!subteam\^[A-Z0-9]+(\|[^<>|]*)?>|<@[UW][A-Z0-9]+>|<!here>)$"


def _check_mentions(value: list[str]) -> list[str]:
    bad = [m for m in value if not re.match(_MENTION, m)]
    if bad:
        raise ValueError(f"{bad} are not Slack mentions: use <!subteam^ID>, <@USERID> or <!here>")
    return value


class RouteRule(_Section):
    """``[[routing.rules]]``: when every condition given matches, the case goes to ``team``.
    Each condition is a list; a case matches it when it has any of the values."""

    name: str = ""
    severities: list[str] = Field(default_factory=list, description="low, medium, high, critical")
    min_severity: str | None = Field(default=None, description="this severity or higher")
    topics: list[str] = Field(default_factory=list, description="complaint types, e.g. delivery")
    brands: list[str] = Field(default_factory=list)
    locations: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)
    team: str = Field(min_length=1, max_length=80)
    channel: str = Field(pattern=_CHANNEL)
    mention: list[str] = Field(
        default_factory=list, description="e.g. <!subteam^S0123ABCD> or <@U0123ABCD>"
    )

    @field_validator("severities")
    @classmethod
    def _severities(cls, value: list[str]) -> list[str]:
        bad = sorted(set(value) - set(_SEVERITIES))
        if bad:
            raise ValueError(f"unknown severities {bad}; use {', '.join(_SEVERITIES)}")
        return value

    @field_validator("min_severity")
    @classmethod
    def _min_severity(cls, value: str | None) -> str | None:
        if value is not None and value not in _SEVERITIES:
            raise ValueError(f"use one of {', '.join(_SEVERITIES)}")
        return value

    @field_validator("mention")
    @classmethod
    def _mentions(cls, value: list[str]) -> list[str]:
        return _check_mentions(value)


class RoutingSettings(_Section):
    """Who owns a case: the first rule that matches, else the default team and channel.
    The owner is chosen once, when the case opens; later alerts follow the case."""

    default_team: str = Field(default="reputation", min_length=1, max_length=80)
    default_channel: str | None = Field(
        default=None, pattern=_CHANNEL, description="default: slack.channel"
    )
    default_mention: list[str] = Field(default_factory=list)
    rules: list[RouteRule] = Field(default_factory=list)

    @field_validator("default_mention")
    @classmethod
    def _mentions(cls, value: list[str]) -> list[str]:
        return _check_mentions(value)


class SpikeSettings(_Section):
    """``[spike]``: a crisis alert when a brand's negative volume on one source jumps."""

    enabled: bool = True
    window_hours: float = Field(default=1.0, gt=0, le=24, description="the recent window")
    baseline_days: float = Field(default=7.0, gt=0, le=90, description="the trailing baseline")
    stdevs: float = Field(default=3.0, ge=0, description="k in mean + k·stdev")
    min_count: int = Field(default=5, ge=1, description="never a spike below this many")
    cooldown_hours: float = Field(
        default=6.0, ge=0, description="no second alert for the same brand and source sooner"
    )
    channel: str | None = Field(
        default=None, pattern=_CHANNEL, description="default: routing.default_channel"
    )
    mention: list[str] = Field(default_factory=list, description="default: routing.default_mention")

    @field_validator("mention")
    @classmethod
    def _mentions(cls, value: list[str]) -> list[str]:
        return _check_mentions(value)


class ServeSettings(_Section):
    """``[serve]``: the web endpoint of ``reputation serve`` and how it stops."""

    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535, description="0 picks a free port")
    shutdown_grace_seconds: float = Field(
        default=30.0, gt=0, description="on SIGTERM, how long running jobs get to finish"
    )


class SchedulerSettings(_Section):
    """``[scheduler]``: how often ``reputation serve`` runs each job (collection runs every
    ``collectors.<source>.interval_minutes``)."""

    classify_seconds: float = Field(default=60.0, gt=0, description="classify + respond")
    outbox_seconds: float = Field(default=15.0, gt=0, description="send queued alerts")
    checks_seconds: float = Field(default=300.0, gt=0, description="SLA, digest and spikes")
    inbox_sync_seconds: float = Field(
        default=60.0, gt=0, description="bring the inbox read model up to date"
    )
    snapshot_hour: int = Field(default=2, ge=0, le=23, description="daily trends, UTC hour")
    lease_seconds: float = Field(
        default=120.0, ge=1, description="a dead process's jobs move to another after this"
    )
    jitter_seconds: float = Field(
        default=5.0, ge=0, description="random delay per run (at most a fifth of the interval)"
    )


class Settings(BaseSettings):
    """Everything the service can be configured with. Build it with :func:`load_settings`."""

    model_config = SettingsConfigDict(
        env_prefix="REPUTATION_",
        env_nested_delimiter="__",
        extra="forbid",
        validate_default=True,
    )

    data_dir: Path = Field(default=Path("var"), description="where local data and models live")
    log_level: str = Field(default="WARNING", pattern=r"^(DEBUG|INFO|WARNING|ERROR)$")
    mongo: MongoSettings = Field(default_factory=MongoSettings)
    embedded: EmbeddedMongoSettings = Field(default_factory=EmbeddedMongoSettings)
    sentiment: SentimentSettings = Field(default_factory=SentimentSettings)
    slack: SlackSettings = Field(default_factory=SlackSettings)
    web: WebSettings = Field(default_factory=WebSettings)
    brand: BrandSettings = Field(default_factory=BrandSettings)
    sla: SlaSettings = Field(default_factory=SlaSettings)
    routing: RoutingSettings = Field(default_factory=RoutingSettings)
    spike: SpikeSettings = Field(default_factory=SpikeSettings)
    serve: ServeSettings = Field(default_factory=ServeSettings)
    scheduler: SchedulerSettings = Field(default_factory=SchedulerSettings)
    brands: dict[str, BrandSettings] = Field(
        default_factory=dict, description="per-brand overrides keyed by brand name"
    )
    collectors: dict[str, CollectorSettings] = Field(
        default_factory=dict, description="per-source settings keyed by source name"
    )

    _layers: ClassVar[ContextVar[tuple[dict[str, Any], dict[str, Any]]]] = ContextVar(
        "reputation_settings_layers"
    )

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        aliases, toml = cls._layers.get(({}, {}))
        return (
            init_settings,
            _DictSource(settings_cls, aliases),
            env_settings,
            _DictSource(settings_cls, toml),
        )

    def brand_for(self, name: str | None) -> BrandSettings:
        """The settings of a brand, falling back to the default brand."""
        if name and name in self.brands:
            return self.brands[name]
        return self.brand

    @property
    def embedded_data_dir(self) -> Path:
        return self.embedded.data_dir or self.data_dir / "mongo"

    @property
    def model_cache_dir(self) -> Path:
        return self.data_dir / "models"


class _DictSource(PydanticBaseSettingsSource):
    """A settings layer from an already-built nested dict."""

    def __init__(self, settings_cls: type[BaseSettings], data: dict[str, Any]) -> None:
        super().__init__(settings_cls)
        self._data = data

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return self._data.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return dict(self._data)


def _set_path(target: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for part in path[:-1]:
        target = target.setdefault(part, {})
    target[path[-1]] = value


def _walk(data: Mapping[str, Any], prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = []
    for key, value in data.items():
        path = (*prefix, str(key))
        paths.append(path)
        if isinstance(value, Mapping):
            paths.extend(_walk(value, path))
    return paths


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist (REPUTATION_CONFIG)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config file {path} cannot be read: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc
    for key_path in _walk(data):
        if (
            key_path in SECRET_PATHS
            or key_path[-2:] == ("slack", "bot_token")
            or (key_path[:1] == ("collectors",) and key_path[-1] in {"token", "reply_token"})
        ):
            env = next((n for n, p in ENV_ALIASES.items() if p == key_path), "the environment")
            raise ConfigError(
                f"{'.'.join(key_path)} is a secret and may not be set in {path}; "
                f"set {env} or put it in the secrets directory instead"
            )
    return data


def _secret_layer(env: Mapping[str, str]) -> dict[str, Any]:
    """Well-known env names, then files named after them in REPUTATION_SECRETS_DIR."""
    layer: dict[str, Any] = {}
    secrets_dir = env.get("REPUTATION_SECRETS_DIR")
    for name, path in ENV_ALIASES.items():
        value = env.get(name)
        if value is None and secrets_dir:
            candidate = Path(secrets_dir) / name
            if candidate.is_file():
                try:
                    value = candidate.read_text(encoding="utf-8").strip()
                except (OSError, UnicodeDecodeError) as exc:
                    raise ConfigError(f"secret file {candidate} cannot be read: {exc}") from None
        if value:
            _set_path(layer, path, value)
    return layer


def _describe(exc: ValidationError, origin: str) -> str:
    lines = []
    for error in exc.errors(include_url=False, include_input=False):
        key = ".".join(str(part) for part in error["loc"]) or "(root)"
        message = "unknown setting" if error["type"] == "extra_forbidden" else error["msg"]
        lines.append(f"{key}: {message}")
    return f"invalid configuration ({origin}):\n  " + "\n  ".join(lines)


def load_settings(config_file: str | Path | None = None, **overrides: Any) -> Settings:
    """Build the settings from every layer; raise ConfigError naming the bad key."""
    path = config_file or os.environ.get("REPUTATION_CONFIG")
    toml = _read_toml(Path(path)) if path else {}
    origin = f"config file {path} and REPUTATION_* environment" if path else "REPUTATION_* env"
    token = Settings._layers.set((_secret_layer(os.environ), toml))
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, origin)) from None
    finally:
        Settings._layers.reset(token)
