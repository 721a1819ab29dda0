from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from config.settings import load_settings
from reputation.core.errors import ConfigError
from reputation.core.models import Alert, Case, Label, Review, Sentiment, Severity
from responders.routing import Route, Router, addressed, case_alert

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)

RULES = [
    {"name": "fire", "min_severity": "critical", "team": "safety", "channel": "#care-critical",
     "mention": ["<!subteam^S0CRIT>", "<!here>"]},
    {"name": "persian", "languages": ["fa"], "team": "care-fa", "channel": "C0FA12345"},
    {"name": "rio", "brands": ["aurora home"], "locations": ["Loja Rio"], "team": "rio",
     "channel": "#care-rio"},
    {"name": "logistics", "topics": ["delivery", "refund"], "team": "logistics",
     "channel": "#care-logistics", "mention": ["<!subteam^S0LOGI>"]},
    {"name": "play", "sources": ["google_play"], "severities": ["high"], "team": "app",
     "channel": "#app-reviews"},
]  # fmt: skip


@pytest.fixture
def router(clean_env, tmp_path):
    settings = load_settings(
        data_dir=tmp_path,
        routing={"rules": RULES, "default_mention": ["<@U0ONCALL1>"]},
        slack={"channel": "#reputation"},
    )
    return Router.from_settings(settings)


def review(**extra: Any) -> Review:
    base = {"source": "trustpilot", "external_id": "1", "created_at": NOW, "text": "bad"}
    return Review.model_validate(base | extra)


def sentiment(severity: str = "high", topics: Sequence[str] = (), lang: str = "en") -> Sentiment:
    return Sentiment(
        label=Label.NEGATIVE,
        scores={"negative": 0.9, "neutral": 0.05, "positive": 0.05},
        lang=lang,
        flag=True,
        topics=list(topics),
        severity=Severity(severity),
        model="fake@1",
    )


@pytest.mark.parametrize(
    ("rev", "sent", "team"),
    [
        (review(), sentiment("critical", ["delivery"]), "safety"),  # first match wins
        (review(lang="fa"), sentiment("high", ["delivery"], "fa"), "care-fa"),
        (review(brand="Aurora Home", location="loja rio"), sentiment("high", ["delivery"]), "rio"),
        (review(brand="Aurora Home"), sentiment(topics=["refund"]), "logistics"),
        (review(source="google_play"), sentiment("high"), "app"),
        (review(source="google_play"), sentiment("medium"), "reputation"),
        (review(), sentiment("high", ["staff"]), "reputation"),
    ],
)  # fmt: skip
def test_rules_route_by_severity_topic_brand_location_language_source(router, rev, sent, team):
    assert router.route(rev, sent).team == team


def test_the_default_route_uses_the_slack_channel_and_default_mention(router):
    route = router.route(review(), sentiment("low"))
    assert route == Route(team="reputation", channel="#reputation", mention=("<@U0ONCALL1>",))


def test_owners_mention_follows_the_team(router):
    assert router.mention_for("logistics") == ("<!subteam^S0LOGI>",)
    assert router.mention_for("care-fa") == ("<@U0ONCALL1>",)  # no mention of its own


@pytest.mark.parametrize(
    "bad",
    [
        {"rules": [{"team": "x", "channel": "#x", "mention": ["<!channel>"]}]},
        {"rules": [{"team": "x", "channel": "#x", "mention": ["<https://evil|x>"]}]},
        {"rules": [{"team": "x", "channel": "general chat"}]},
        {"rules": [{"team": "x", "channel": "#x", "severities": ["urgent"]}]},
        {"rules": [{"team": "x", "channel": "#x", "min_severity": "huge"}]},
        {"default_mention": ["@here"]},
    ],
)
def test_invalid_routing_is_refused_naming_the_key(clean_env, tmp_path, bad):
    with pytest.raises(ConfigError, match="routing"):
        load_settings(data_dir=tmp_path, routing=bad)


def test_routing_rules_load_from_toml(clean_env, tmp_path):
    config = tmp_path / "reputation.toml"
    config.write_text(
        '[routing]\ndefault_team = "care"\n'
        '[[routing.rules]]\nname = "late"\ntopics = ["delivery"]\nteam = "logistics"\n'
        'channel = "#care-logistics"\nmention = ["<!subteam^S0LOGI>"]\n',
        encoding="utf-8",
    )
    settings = load_settings(config, data_dir=tmp_path)
    route = Router.from_settings(settings).route(review(), sentiment(topics=["delivery"]))
    assert (route.team, route.channel, route.rule) == ("logistics", "#care-logistics", "late")


def test_the_note_is_escaped_and_only_configured_mentions_are_raw():
    payload = {"channel": "#c", "text": "HIGH review", "blocks": [{"type": "divider"}]}
    out = addressed(payload, mention=["<!subteam^S1>"], note="Edited: <!channel> & more")
    assert out["blocks"][0]["text"]["text"] == "<!subteam^S1> Edited: &lt;!channel&gt; &amp; more"
    assert out["text"] == "<!subteam^S1> Edited: &lt;!channel&gt; &amp; more HIGH review"
    assert out["blocks"][1:] == payload["blocks"]
    assert addressed(payload) == payload


def make_case(**extra: Any) -> Case:
    base = {
        "ref": "RP-7K2Q",
        "source": "trustpilot",
        "external_id": "1",
        "lang": "en",
        "severity": "high",
        "created_at": NOW,
        "reply_due_at": NOW + timedelta(hours=4),
        "private_contact_due_at": NOW + timedelta(hours=72),
    }
    return Case.model_validate(base | extra)


def alert_for(
    router: Router,
    case: Case,
    *,
    created: bool = False,
    escalated: bool = False,
    drafted: bool = False,
    sev: str = "high",
) -> Alert | None:
    rev, sent = review(), sentiment(sev, ["staff"])
    return case_alert(
        review=rev,
        sentiment=sent,
        case=case,
        draft=None,
        router=router,
        route=router.route(rev, sent),
        created=created,
        escalated=escalated,
        drafted=drafted,
        now=NOW,
    )


def test_case_alert_kinds_and_the_case_keeps_its_channel(router):
    case = make_case(team="logistics", slack_channel="#care-logistics")
    new = alert_for(router, case, created=True)
    assert new is not None
    assert (new.kind, new.dedupe, new.channel) == ("new_case", "", "#care-logistics")
    assert new.payload["text"].startswith("<@U0ONCALL1> ")  # the route's mention

    up = alert_for(router, case, escalated=True, drafted=True, sev="critical")
    assert up is not None
    assert (up.kind, up.dedupe, up.severity) == ("escalation", "critical", Severity.CRITICAL)
    assert up.payload["blocks"][0]["text"]["text"] == "<!subteam^S0LOGI> Escalated to CRITICAL"
    assert up.payload["channel"] == "#care-logistics"

    edit = alert_for(router, case, drafted=True)
    assert edit is not None
    assert (edit.kind, edit.dedupe) == ("update", review().content_hash)
    assert "<!subteam" not in edit.payload["text"]

    assert alert_for(router, case) is None  # nothing new: no alert
