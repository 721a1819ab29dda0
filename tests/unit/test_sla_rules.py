"""The pure parts of SLAs, digests and spikes: holding low alerts, the spike rule, payloads,
settings and the command line."""

import json
import re
from datetime import UTC, datetime, timedelta

import pytest

from config.settings import SpikeSettings, load_settings
from reputation.cli import _parser
from reputation.core.errors import ConfigError
from reputation.core.models import AlertStatus, Case, Label, Review, Sentiment, Severity
from responders.notices import digest_payload, overdue_payload, spike_payload
from responders.routing import Router, case_alert
from responders.spikes import baseline_windows, judge

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


def case(**extra) -> Case:
    base = {
        "ref": "RP-7K2Q",
        "source": "trustpilot",
        "external_id": "1",
        "lang": "en",
        "severity": "low",
        "created_at": NOW,
        "reply_due_at": NOW + timedelta(hours=72),
        "private_contact_due_at": NOW + timedelta(hours=72),
    }
    return Case.model_validate(base | extra)


def sentiment(severity: str) -> Sentiment:
    return Sentiment(
        label=Label.NEGATIVE,
        scores={"negative": 0.9, "neutral": 0.05, "positive": 0.05},
        lang="en",
        flag=True,
        severity=Severity(severity),
        model="fake@1",
    )


@pytest.mark.parametrize(
    ("digest_low", "severity", "kind", "held"),
    [
        (True, "low", "created", True),
        (True, "low", "drafted", True),  # an edit of a low case: also in the digest
        (True, "medium", "created", False),
        (True, "high", "escalated", False),  # a low case that got worse goes out at once
        (False, "low", "created", False),
    ],
)
def test_routing_holds_only_low_news_for_the_digest(
    clean_env, tmp_path, digest_low, severity, kind, held
):
    settings = load_settings(data_dir=tmp_path, slack={"digest_low": digest_low})
    router = Router.from_settings(settings)
    review = Review(source="trustpilot", external_id="1", created_at=NOW, text="meh")
    sent = sentiment(severity)
    alert = case_alert(
        review=review,
        sentiment=sent,
        case=case(),
        draft=None,
        router=router,
        route=router.route(review, sent),
        created=kind == "created",
        escalated=kind == "escalated",
        drafted=kind == "drafted",
        now=NOW,
    )
    assert alert is not None
    assert alert.status is (AlertStatus.HELD if held else AlertStatus.PENDING)


SPIKE = SpikeSettings(window_hours=1, baseline_days=7, stdevs=3, min_count=5)


def test_the_baseline_has_one_window_per_hour_of_the_week():
    assert baseline_windows(SPIKE) == 168
    assert baseline_windows(SpikeSettings(window_hours=6, baseline_days=2)) == 8


def test_a_spike_needs_min_count_and_k_stdevs_above_the_mean():
    quiet_week = {-h: 1 for h in range(1, 169) if h % 4 == 0}  # one every four hours
    assert judge("A", "x", quiet_week | {0: 4}, SPIKE) is None  # below min_count
    spike = judge("A", "x", quiet_week | {0: 9}, SPIKE)
    assert spike is not None
    assert spike.count == 9
    assert spike.mean == pytest.approx(0.25)
    assert spike.stdev == pytest.approx(0.433, abs=1e-3)

    busy_week = {-h: 8 + h % 3 for h in range(1, 169)}  # 8-10 an hour
    assert judge("A", "x", busy_week | {0: 10}, SPIKE) is None  # the usual
    assert judge("A", "x", busy_week | {0: 13}, SPIKE) is not None
    assert judge("A", "x", {0: 5}, SPIKE) is not None  # nothing before: min_count decides


def test_notices_escape_data_and_carry_no_mentions():
    hostile = case(brand="<!channel> & <@U1>", topics=["<!here>"], severity="high")
    payloads = [
        overdue_payload(hostile, "reply", now=NOW + timedelta(days=4), channel="#c"),
        digest_payload([hostile] * 60, channel="#c", since=NOW, now=NOW + timedelta(days=1)),
        spike_payload(
            brand="<!channel>",
            source="trustpilot",
            count=9,
            mean=0.25,
            stdev=0.43,
            window=timedelta(hours=1),
            baseline=timedelta(days=7),
            channel="#c",
        ),
    ]
    for payload in payloads:
        raw = json.dumps(payload, ensure_ascii=False)
        assert re.findall(r"<[^<>]*>", raw) == []
        assert len(payload["blocks"]) <= 50
        assert all(b["text"]["verbatim"] for b in payload["blocks"])
    digest = payloads[1]
    assert digest["text"] == "Low-severity digest: 60 new cases"
    assert digest["blocks"][-1]["text"]["text"] == "…and 10 more low-severity cases."
    assert "&lt;!channel&gt; &amp; &lt;@U1&gt;" in digest["blocks"][1]["text"]["text"]
    assert "(24 h ago)" in json.dumps(payloads[0])


@pytest.mark.parametrize(
    ("section", "bad"),
    [
        ("spike", {"mention": ["<!channel>"]}),
        ("spike", {"min_count": 0}),
        ("spike", {"channel": "general chat"}),
        ("sla", {"follow_up_hours": -1}),
        ("slack", {"digest_interval_hours": 0}),
    ],
)
def test_invalid_new_settings_are_refused_naming_the_key(clean_env, tmp_path, section, bad):
    with pytest.raises(ConfigError, match=section):
        load_settings(data_dir=tmp_path, **{section: bad})


def test_defaults(clean_env, tmp_path):
    settings = load_settings(data_dir=tmp_path)
    assert (settings.slack.digest_low, settings.slack.digest_interval_hours) == (False, 24)
    assert settings.sla.follow_up_hours == 48
    spike = settings.spike
    assert (spike.enabled, spike.window_hours, spike.baseline_days) == (True, 1, 7)
    assert (spike.stdevs, spike.min_count, spike.cooldown_hours) == (3, 5, 6)


def test_the_sla_check_command_parses():
    args = _parser().parse_args(["sla", "check", "--json"])
    assert (args.command, args.sla_command, args.json) == ("sla", "check", True)
