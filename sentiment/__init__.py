"""Sentiment models behind one protocol, plus the rules that turn scores into flags.

Models are built by name from :data:`FACTORIES`; torch and transformers are imported only
inside the factory that needs them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import cast

from config.settings import Settings
from reputation.core.errors import ConfigError
from reputation.core.protocols import SentimentModel
from sentiment.workers import bound_kernel_cache

# Before torch loads (oneDNN reads its settings then): a bounded kernel cache.
bound_kernel_cache()

DEFAULT_ENCODER_DIR = "multilingual-e5-small"
DEFAULT_WEIGHTS = "e5-small-reputation-v3.safetensors"

Progress = Callable[[str], None]


def default_encoder(settings: Settings, progress: Progress) -> str:
    """The configured model id/dir, or the bundled encoder (converted on first use)."""
    if settings.sentiment.model:
        return settings.sentiment.model
    from sentiment.convert import ensure_converted

    target = settings.model_cache_dir / DEFAULT_ENCODER_DIR
    return str(ensure_converted(target, progress=progress))


def default_weights() -> Path:
    """The bundled fine-tuned delta for the default encoder."""
    return Path(__file__).parent / "weights" / DEFAULT_WEIGHTS


def _finetuned(settings: Settings, progress: Progress) -> SentimentModel:
    from sentiment.finetuned import FineTunedSentimentModel

    cfg = settings.sentiment
    base = default_encoder(settings, progress)
    weights = cfg.weights or default_weights()
    progress(f"loading sentiment model {_short(base)} + {weights.name}")
    return FineTunedSentimentModel(
        base,
        weights,
        revision=cfg.revision,
        max_length=cfg.max_length,
        batch_size=cfg.batch_size,
        threads=cfg.threads,
        precision=cfg.precision,
    )


def _transformers(settings: Settings, progress: Progress) -> SentimentModel:
    from sentiment.classifier import TransformersClassifierModel

    cfg = settings.sentiment
    if not cfg.model:
        raise ConfigError("sentiment.model: the transformers backend needs a hub id or directory")
    progress(f"loading sentiment classifier {_short(cfg.model)}")
    return TransformersClassifierModel(
        cfg.model,
        revision=cfg.revision,
        label_map=cfg.label_map,
        max_length=cfg.max_length,
        batch_size=cfg.batch_size,
        threads=cfg.threads,
    )


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
    "finetuned": _finetuned,
    "transformers": _transformers,
    "prototype": _prototype,
}


def build_model(settings: Settings, progress: Progress = print) -> SentimentModel:
    """Build the configured sentiment model; unknown names list the available ones.

    A backend written ``package.module:factory`` names a model of your own: a callable
    ``(settings, progress) -> SentimentModel`` imported on use (the two-process service test
    runs ``reputation serve`` with ``tests.service_kit:keyword_model`` this way).
    """
    if ":" in settings.sentiment.backend:
        return _plugin(settings.sentiment.backend)(settings, progress)
    try:
        factory = FACTORIES[settings.sentiment.backend]
    except KeyError:
        raise ConfigError(
            f"sentiment.backend: unknown model {settings.sentiment.backend!r}; "
            f"available: {', '.join(sorted(FACTORIES))}"
        ) from None
    return factory(settings, progress)


def _plugin(spec: str) -> Callable[[Settings, Progress], SentimentModel]:
    import importlib

    module_name, _, attr = spec.partition(":")
    try:
        factory = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise ConfigError(f"sentiment.backend: cannot load {spec!r}: {exc}") from None
    if not callable(factory):
        raise ConfigError(f"sentiment.backend: {spec!r} is not callable")
    return cast("Callable[[Settings, Progress], SentimentModel]", factory)
