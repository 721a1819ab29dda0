from pathlib import Path

import pytest

from config.settings import load_settings
from reputation.core.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "reputation.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_need_no_file(clean_env):
    settings = load_settings()
    assert settings.mongo.uri is None
    assert settings.mongo.database == "reputation"
    assert settings.sla.reply_hours["critical"] == 1


def test_file_then_env_then_overrides(clean_env, tmp_path):
    path = write(tmp_path, '[mongo]\ndatabase = "from_file"\n[sentiment]\nbatch_size = 8\n')
    clean_env.setenv("REPUTATION_CONFIG", str(path))
    settings = load_settings()
    assert (settings.mongo.database, settings.sentiment.batch_size) == ("from_file", 8)

    clean_env.setenv("REPUTATION_MONGO__DATABASE", "from_env")
    settings = load_settings()
    assert settings.mongo.database == "from_env"
    assert settings.sentiment.batch_size == 8  # env overrides one key, the file keeps the rest

    assert load_settings(log_level="debug").log_level == "DEBUG"


def test_well_known_secret_names(clean_env):
    clean_env.setenv("SLACK_BOT_TOKEN", "xoxb-not-a-real-token")
    clean_env.setenv("REPUTATION_MONGO_URI", "mongodb://user:pw@db.example:27017/")
    settings = load_settings()
    assert settings.slack.bot_token.get_secret_value() == "xoxb-not-a-real-token"
    assert settings.mongo.uri.get_secret_value().startswith("mongodb://user:pw@")
    dumped = repr(settings) + str(settings.model_dump())
    assert "xoxb-not-a-real-token" not in dumped
    assert "pw@" not in dumped


def test_secrets_directory(clean_env, tmp_path):
    (tmp_path / "SLACK_BOT_TOKEN").write_text("xoxb-from-file\n", encoding="utf-8")
    clean_env.setenv("REPUTATION_SECRETS_DIR", str(tmp_path))
    assert load_settings().slack.bot_token.get_secret_value() == "xoxb-from-file"


def test_secret_in_the_file_is_refused(clean_env, tmp_path):
    path = write(tmp_path, '[slack]\nbot_token = "xoxb-leaked"\n')
    with pytest.raises(ConfigError, match=r"slack\.bot_token is a secret") as info:
        load_settings(path)
    assert "xoxb-leaked" not in str(info.value)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('[mongo]\ndatabse = "x"\n', "mongo.databse: unknown setting"),
        ('[sentiment]\nbatch_size = "many"\n', "sentiment.batch_size"),
        ("[sla.reply_hours]\ncritical = 1\n", "sla.reply_hours"),
        ('log_level = "LOUD"\n', "log_level"),
    ],
)
def test_invalid_file_names_the_key(clean_env, tmp_path, text, key):
    with pytest.raises(ConfigError) as info:
        load_settings(write(tmp_path, text))
    assert key in str(info.value)


def test_invalid_env_names_the_key(clean_env):
    clean_env.setenv("REPUTATION_EMBEDDED__PORT", "seventy")
    with pytest.raises(ConfigError, match=r"embedded\.port"):
        load_settings()


def test_unreadable_or_broken_file(clean_env, tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "missing.toml")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(write(tmp_path, "[mongo\n"))


def test_example_file_is_valid(clean_env):
    example = Path(__file__).resolve().parents[2] / "config" / "reputation.example.toml"
    settings = load_settings(example)
    assert settings.brand.name
    assert "Aurora Home" in settings.brands or settings.brands == {}


def test_brand_lookup_falls_back_to_default(clean_env, tmp_path):
    path = write(
        tmp_path,
        '[brands."Casa Sol"]\ndefault_lang = "es"\nprivate_channel = "https://wa.me/0000"\n',
    )
    settings = load_settings(path)
    assert settings.brand_for("Casa Sol").default_lang == "es"
    assert settings.brand_for("Unknown") is settings.brand
    assert settings.brand_for(None) is settings.brand


@pytest.mark.parametrize("url", ["http://slack.evil.example/api/", "ftp://x/", "slack.com/api"])
def test_the_token_only_goes_to_https_or_this_machine(clean_env, url):
    clean_env.setenv("REPUTATION_SLACK_BASE_URL", url)
    with pytest.raises(ConfigError, match=r"slack\.base_url"):
        load_settings()


def test_local_http_slack_is_allowed_for_tests(clean_env):
    clean_env.setenv("REPUTATION_SLACK_BASE_URL", "http://127.0.0.1:8080/api")
    assert load_settings().slack.base_url == "http://127.0.0.1:8080/api/"
