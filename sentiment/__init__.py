"""Sentiment models behind one protocol, plus the rules that turn scores into flags.

Models are built by name from :data:`FACTORIES`; torch and transformers are imported only
inside the factory that needs them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from config.settings import Settings
from reputation.core.errors import ConfigError
from reputation.core.protocols import SentimentModel

DEFAULT_ENCODER_DIR = "multilingual-e5-small"

Progress = Callable[[str], None]


def default_encoder(settings: Settings, progress: Progress) -> str:
    """The configured model id/dir, or the bundled encoder (converted on first use)."""
    if settings.sentiment.model:
        return settings.sentiment.model
    from sentiment.convert import ensure_converted

    target = settings.model_cache_dir / DEFAULT_ENCODER_DIR
    return str(ensure_converted(target, progress=progress))


def _prototype(settings: Settings, progress: Progress) -> SentimentModel:
    from sentiment.encoder import Encoder
    from sentiment.prototype import PrototypeSentimentModel, load_prototypes

    model_id = default_encoder(settings, progress)
    progress(f"loading sentiment encoder {_short(model_id)}")
    cfg = settings.sentiment
    encoder = Encoder(
        model_id,
        revision=cfg.revision,
        max_length=cfg.max_length,
        batch_size=cfg.batch_size,
        threads=cfg.threads,
    )
    return PrototypeSentimentModel(encoder, load_prototypes())


def _short(model_id: str) -> str:
    path = Path(model_id)
    return path.name if path.is_absolute() or path.exists() else model_id


FACTORIES: dict[str, Callable[[Settings, Progress], SentimentModel]] = {
    "prototype": _prototype,
}


def build_model(settings: Settings, progress: Progress = print) -> SentimentModel:
    """Build the configured sentiment model; unknown names list the available ones."""
    try:
        factory = FACTORIES[settings.sentiment.backend]
    except KeyError:
        raise ConfigError(
            f"sentiment.backend: unknown model {settings.sentiment.backend!r}; "
            f"available: {', '.join(sorted(FACTORIES))}"
        ) from None
    return factory(settings, progress)
