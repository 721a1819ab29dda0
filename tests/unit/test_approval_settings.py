"""Settings for approval, posting and Slack's buttons; Trustpilot's separate reply token."""

from pathlib import Path

import pytest
from aioresponses import aioresponses

from config.settings import load_settings
from reputation.core.errors import ConfigError
from responders.approval import is_person
from responders.posting import has_reply_api
from tests.collector_kit import RecordingSleep, make_collector, session  # noqa: F401

BASE = "https://api.trustpilot.com/v1"


def test_signing_secret_comes_from_the_environment_and_never_prints(clean_env):
    clean_env.setenv("SLACK_SIGNING_SECRET", "8f742231b10e8888abcd99yyyzzz85a5")
    clean_env.setenv("REPUTATION_COLLECTORS__TRUSTPILOT__REPLY_TOKEN", "tp-oauth-777")
    clean_env.setenv("REPUTATION_WEB__BASE_URL", "https://reputation.example/")
    settings = load_settings()
    assert settings.slack.signing_secret.get_secret_value().startswith("8f7422")
    assert settings.collectors["trustpilot"].reply_token.get_secret_value() == "tp-oauth-777"
    assert settings.web.base_url == "https://reputation.example"
    dumped = repr(settings) + str(settings.model_dump())
    assert "8f742231" not in dumped
    assert "tp-oauth-777" not in dumped


@pytest.mark.parametrize(
    "toml",
    [
        '[slack]\nsigning_secret = "8f742231b10e"\n',
        '[collectors.trustpilot]\nreply_token = "tp-oauth-777"\n',
    ],
)
def test_reply_and_signing_secrets_are_refused_in_the_file(clean_env, tmp_path: Path, toml):
    path = tmp_path / "reputation.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError, match="is a secret") as info:
        load_settings(path)
    assert "8f742231b10e" not in str(info.value)
    assert "tp-oauth-777" not in str(info.value)


async def test_trustpilot_replies_with_the_business_users_token(session):  # noqa: F811
    collector = make_collector(
        "trustpilot",
        session,
        RecordingSleep(),
        ids=["unit-1"],
        token="read-api-key",
        reply_token="business-oauth-token",
    )
    with aioresponses() as mock:
        mock.post(f"{BASE}/private/reviews/r1/reply", status=201, body="")
        await collector.reply("unit-1", "r1", "Thank you, we are on it.")  # type: ignore[attr-defined]
        ((_, calls),) = mock.requests.items()
    assert calls[0].kwargs["headers"]["Authorization"] == "Bearer business-oauth-token"


def test_which_sources_can_post_and_who_counts_as_a_person():
    assert has_reply_api("google_play")
    assert has_reply_api("ozon")
    assert has_reply_api("trustpilot")
    assert has_reply_api("wildberries")
    assert not has_reply_api("apple_app_store")
    assert not has_reply_api("no_such_source")
    assert is_person("ana")
    assert is_person("slack:U0123 (ana)")
    assert not any(is_person(a) for a in ("auto", "AUTO", " system ", "", "automation", "bot"))
