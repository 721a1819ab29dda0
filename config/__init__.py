"""Settings: defaults, then a TOML file, then environment variables."""

from config.settings import (
    BrandSettings,
    EmbeddedMongoSettings,
    MongoSettings,
    SentimentSettings,
    Settings,
    SlackSettings,
    SlaSettings,
    load_settings,
)

__all__ = [
    "BrandSettings",
    "EmbeddedMongoSettings",
    "MongoSettings",
    "SentimentSettings",
    "Settings",
    "SlaSettings",
    "SlackSettings",
    "load_settings",
]
