"""The Slack interactivity endpoint with aiohttp's test client and the real MongoDB server."""

import hashlib
import hmac
import json
import time
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from aiohttp.test_utils import TestClient, TestServer

from reputation.core.models import Case, Draft, DraftStatus, Review, Severity, utcnow
from responders.approval import ApprovalService
from responders.blocks import APPROVE, ASSIGN, EDIT, RESOLVE, action_buttons
from responders.slack_actions import signature_ok, slack_actions_app

pytestmark = pytest.mark.integration

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"  # Slack's documented example signing secret
USER = {"id": "U0123ABCD", "username": "ana.costa", "name": "ana.costa", "team_id": "T1"}
RESPONSE_URL = "https://hooks.slack.com/actions/T1/123/abc"


async def seed(store):
    now = utcnow()
    review = Review(
        source="trustpilot",
        external_id="6582f0c4",
        rating=1,
        text="Parcel broken",
        lang="en",
        created_at=now,
    )
    await store.reviews.upsert_many([review])
    case, _ = await store.cases.open_for(
        Case(
            ref="RP-0000",
            source="trustpilot",
            external_id="6582f0c4",
            lang="en",
            severity=Severity.HIGH,
            created_at=now,
            reply_due_at=now + timedelta(hours=4),
            private_contact_due_at=now + timedelta(hours=72),
        )
    )
    draft, _ = await store.drafts.add_if_absent(
        Draft(
            case_ref=case.ref,
            source="trustpilot",
            external_id="6582f0c4",
            text=f"Hi, we are sorry. Write to care@x.example with {case.ref}.",
            lang="en",
            private_channel="care@x.example",
            needs_approval=True,
            content_hash=review.content_hash,
            created_at=now,
        )
    )
    return case, draft


def block_actions(action_id, value, user=USER):
    """A block_actions payload as Slack sends it (trimmed to what the handler reads)."""
    payload = {
        "type": "block_actions",
        "user": user,
        "api_app_id": "A1",
        "team": {"id": "T1", "domain": "aurora"},
        "channel": {"id": "C1", "name": "reputation-alerts"},
        "response_url": RESPONSE_URL,
        "trigger_id": "123.456.abc",
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": "case:RP-0000",
                "value": value,
                "action_ts": "1762000000.000100",
                "text": {"type": "plain_text", "text": "Approve"},
            }
        ],
    }
    return urlencode({"payload": json.dumps(payload)}).encode()


def signed(body, *, secret=SECRET, at=None):
    timestamp = str(int(at if at is not None else time.time()))
    base = b"v0:" + timestamp.encode() + b":" + body
    signature = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": signature,
        "Content-Type": "application/x-www-form-urlencoded",
    }


@pytest.fixture
async def make_client(store, settings):
    clients = []
    answers = []

    async def respond(url, message):
        answers.append((url, message))

    async def build(**options):
        service = ApprovalService(store=store, settings=settings)
        app = slack_actions_app(service=service, signing_secret=SECRET, respond=respond, **options)
        client = TestClient(TestServer(app))
        await client.start_server()
        clients.append(client)
        return client, answers

    yield build
    for client in clients:
        await client.close()


async def test_a_bad_signature_is_refused_and_changes_nothing(store, make_client):
    _case, draft = await seed(store)
    client, answers = await make_client()
    body = block_actions(APPROVE, draft.id)
    forged = signed(body, secret="not-the-secret")
    response = await client.post("/slack/actions", data=body, headers=forged)
    assert response.status == 401
    assert SECRET not in await response.text()
    missing = await client.post("/slack/actions", data=body)
    assert missing.status == 401
    tampered = signed(body)
    response = await client.post("/slack/actions", data=body + b"x", headers=tampered)
    assert response.status == 401
    assert (await store.approvals.get(draft.id)).status is DraftStatus.DRAFTED
    assert answers == []


async def test_a_stale_timestamp_is_refused(store, make_client):
    _, draft = await seed(store)
    client, _ = await make_client()
    body = block_actions(APPROVE, draft.id)
    old = signed(body, at=time.time() - 301)  # correctly signed, but a replay
    response = await client.post("/slack/actions", data=body, headers=old)
    assert response.status == 401
    assert (await store.approvals.get(draft.id)).status is DraftStatus.DRAFTED


async def test_approve_by_a_slack_user_records_that_user(store, make_client):
    case, draft = await seed(store)
    client, answers = await make_client()
    body = block_actions(APPROVE, draft.id)
    response = await client.post("/slack/actions", data=body, headers=signed(body))
    assert response.status == 200
    approved = await store.approvals.get(draft.id)
    assert approved.status is DraftStatus.APPROVED
    assert approved.approved_by == "slack:U0123ABCD (ana.costa)"
    (event,) = [e for e in await store.events.for_key("case", case.ref) if e.type.endswith("ved")]
    assert (event.type, event.actor) == ("draft_approved", "slack:U0123ABCD (ana.costa)")
    assert event.data["text"] == draft.text
    ((url, message),) = answers
    assert url == RESPONSE_URL
    assert message["response_type"] == "ephemeral"
    assert f"Approved {draft.id}" in message["text"]

    again = await client.post("/slack/actions", data=body, headers=signed(body))
    assert again.status == 200
    assert "already approved" in answers[-1][1]["text"]


async def test_only_listed_approvers_change_anything(store, make_client):
    case, draft = await seed(store)
    client, answers = await make_client(approvers=["U9999"])
    for action_id, value in ((APPROVE, draft.id), (RESOLVE, case.ref), (ASSIGN, case.ref)):
        body = block_actions(action_id, value)
        assert (await client.post("/slack/actions", data=body, headers=signed(body))).status == 200
    assert (await store.approvals.get(draft.id)).status is DraftStatus.DRAFTED
    stored = await store.cases.get(case.ref)
    assert (stored.status, stored.owner) == ("open", None)
    assert all("not on" in m["text"] for _, m in answers)


async def test_assign_and_resolve_name_the_clicking_user(store, make_client):
    case, _ = await seed(store)
    client, answers = await make_client()
    for action_id in (ASSIGN, RESOLVE):
        body = block_actions(action_id, case.ref)
        assert (await client.post("/slack/actions", data=body, headers=signed(body))).status == 200
    stored = await store.cases.get(case.ref)
    assert stored.owner == "slack:U0123ABCD (ana.costa)"
    assert stored.status == "resolved"
    events = {e.type: e.actor for e in await store.events.for_key("case", case.ref)}
    assert events["assigned"] == events["resolved"] == "slack:U0123ABCD (ana.costa)"
    assert [m["text"] for _, m in answers] == [f"{case.ref} is yours.", f"{case.ref} resolved."]


async def test_edit_links_to_the_item_page_or_explains_the_command(store, make_client):
    _, draft = await seed(store)
    linked, answers = await make_client(web_base_url="https://reputation.example/")
    body = block_actions(EDIT, draft.id)
    assert (await linked.post("/slack/actions", data=body, headers=signed(body))).status == 200
    assert "https://reputation.example/reviews/trustpilot/6582f0c4" in answers[-1][1]["text"]
    plain, answers = await make_client()
    assert (await plain.post("/slack/actions", data=body, headers=signed(body))).status == 200
    assert f"reputation drafts edit {draft.id}" in answers[-1][1]["text"]
    assert (await store.approvals.get(draft.id)).status is DraftStatus.DRAFTED


async def test_a_request_without_a_payload_is_a_bad_request(store, make_client):
    client, _ = await make_client()
    body = b"command=%2Fnothing"
    response = await client.post("/slack/actions", data=body, headers=signed(body))
    assert response.status == 400


def test_the_buttons_carry_the_draft_id_and_the_case_ref():
    now = utcnow()
    case = Case(
        ref="RP-7K2Q",
        source="x",
        external_id="1",
        lang="en",
        severity=Severity.LOW,
        created_at=now,
        reply_due_at=now,
        private_contact_due_at=now,
    )
    draft = Draft(
        case_ref="RP-7K2Q",
        source="x",
        external_id="1",
        text="t",
        lang="en",
        private_channel="c",
        needs_approval=True,
        content_hash="abc",
        created_at=now,
    )
    block = action_buttons(case, draft)
    assert block["type"] == "actions"
    assert [(b["action_id"], b["value"]) for b in block["elements"]] == [
        (APPROVE, "RP-7K2Q:abc"),
        (EDIT, "RP-7K2Q:abc"),
        (ASSIGN, "RP-7K2Q"),
        (RESOLVE, "RP-7K2Q"),
    ]
    assert [b["action_id"] for b in action_buttons(case, None)["elements"]] == [ASSIGN, RESOLVE]


def test_signature_matches_slacks_documented_example():
    # https://api.slack.com/authentication/verifying-requests-from-slack
    body = (
        b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&"
        b"channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&"
        b"command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2F"
        b"commands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&"
        b"trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
    )
    signature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
    assert signature_ok(SECRET, body, "1531420618", signature, now=1531420618 + 10)
    assert not signature_ok(SECRET, body, "1531420618", signature, now=1531420618 + 301)
    assert not signature_ok(
        SECRET, body, "1531420618", signature.replace("a2", "b2"), now=1531420618
    )
    assert not signature_ok(SECRET, body, "soon", signature, now=1531420618)
