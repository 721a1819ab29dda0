"""``reputation setup``: prepare what the first run needs, with progress. Idempotent."""

from __future__ import annotations

import time

from config.settings import Settings
from reputation.storage.server import EmbeddedMongo


def _say(message: str) -> None:
    print(f"· {message}", flush=True)


def run_setup(settings: Settings) -> None:
    from sentiment import default_encoder

    started = time.monotonic()
    model_dir = default_encoder(settings, _say)
    _say(f"sentiment model: {model_dir}")
    if settings.mongo.uri is None:
        server = EmbeddedMongo(
            settings.embedded_data_dir,
            command=settings.embedded.command,
            host=settings.embedded.host,
            port=settings.embedded.port,
            start_timeout_s=settings.embedded.start_timeout_s,
        )
        with server:
            _say(f"embedded MongoDB server starts and answers (data in {server.data_dir})")
    else:
        _say("using the MongoDB server from REPUTATION_MONGO_URI")
    _say(f"ready in {time.monotonic() - started:.1f}s")
