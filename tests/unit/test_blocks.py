import json
from datetime import UTC, datetime

import pytest

from reputation.core.models import Case, Draft, Label, Review, Sentiment, Severity
from responders.blocks import alert_payload, escape_mrkdwn, safe_link

NOW = datetime(2026, 11, 20, tzinfo=UTC)


def payload(
    text,
    author="Eve <!here>",
    url="https://www.trustpilot.com/reviews/t1",
    location="Online <@U123>",
):
    review = Review(
        source="trustpilot",
        external_id="t1",
        author=author,
        rating=1,
        text=text,
        url=url,
        created_at=NOW,
        location=location,
    )
    sentiment = Sentiment(
        label=Label.NEGATIVE,
        scores={"negative": 0.9},
        lang="en",
        flag=True,
        topics=["delivery"],
        severity=Severity.CRITICAL,
        model="t",
    )
    case = Case(
        ref="RP-7K2Q",
        source="trustpilot",
        external_id="t1",
        lang="en",
        severity=Severity.CRITICAL,
        created_at=NOW,
        reply_due_at=NOW,
        private_contact_due_at=NOW,
    )
    draft = Draft(
        case_ref="RP-7K2Q",
        source="trustpilot",
        external_id="t1",
        text="Hi Eve",
        lang="en",
        private_channel="x",
        needs_approval=True,
        content_hash="h",
        created_at=NOW,
    )
    return alert_payload(review, sentiment, case, draft, channel="#alerts")


def mrkdwn_texts(p):
    out = [p["text"]]
    for block in p["blocks"]:
        if block.get("text", {}).get("type") == "mrkdwn":
            out.append(block["text"]["text"])
        out += [f["text"] for f in block.get("fields", []) if f["type"] == "mrkdwn"]
        out += [e["text"] for e in block.get("elements", []) if e["type"] == "mrkdwn"]
    return out


def test_hostile_review_text_reaches_slack_inert():
    hostile = "<!channel> urgent!! <https://evil.example|click here> & <@U999>"
    p = payload(hostile)
    plain = [b["text"] for b in p["blocks"] if b.get("text", {}).get("type") == "plain_text"]
    assert any(hostile in block["text"] for block in plain)  # shown verbatim, as plain text
    for text in mrkdwn_texts(p):
        assert "<!channel>" not in text
        assert "<!here>" not in text
        assert "<https://evil" not in text
        assert "<@U" not in text


def test_payload_shape_matches_chat_post_message():
    p = payload("Parcel arrived two weeks late")
    assert p["channel"] == "#alerts"
    assert p["unfurl_links"] is False
    assert all(b["type"] in {"section", "context", "divider", "actions"} for b in p["blocks"])
    body = json.dumps(p)
    assert "RP-7K2Q" in body
    assert "CRITICAL" in body
    assert "Hi Eve" in body  # the draft travels with the alert


def test_escape_only_the_three_characters():
    assert escape_mrkdwn("a & b < c > d 'e'") == "a &amp; b &lt; c &gt; d 'e'"


def test_long_text_is_truncated_within_slack_limits():
    p = payload("x" * 10_000)
    assert all(len(b["text"]["text"]) <= 3000 for b in p["blocks"] if "text" in b)


@pytest.mark.parametrize(
    "url",
    ["!channel", "javascript:alert(1)", "@U123", "#C123", "https://x.example/a b", "x" * 2000],
)
def test_only_http_links_reach_slack(url):
    p = payload("late", url=url)
    assert not [b for b in p["blocks"] if b["type"] == "context"]
    assert safe_link(url) is None


def test_mrkdwn_is_verbatim_and_fields_are_bounded():
    p = payload("late", location="https://evil.example #general @here " + "y" * 5000)
    for block in p["blocks"]:
        for obj in [block.get("text"), *block.get("fields", []), *block.get("elements", [])]:
            if obj and obj["type"] == "mrkdwn":
                assert obj["verbatim"] is True
                assert len(obj["text"]) <= 3000
    assert len(json.dumps(p["blocks"][0])) < 400
