"""The item page and its actions, run as the signed-in person."""

from datetime import timedelta

import pytest

from reputation.core.models import DraftStatus, Label, Review, Severity, utcnow
from tests.web_kit import seed_item

pytestmark = pytest.mark.integration


class FakeReplier:
    reply_editable = True

    def __init__(self):
        self.replies = []

    async def reply(self, location, external_id, text):
        self.replies.append((location, external_id, text))


def form(csrf, external_id="r1", source="trustpilot", **fields):
    return {"csrf": csrf, "source": source, "external_id": external_id, **fields}


async def test_the_item_page_shows_everything_escaped(web, store, settings):
    case = await seed_item(
        store, "r1", text="<script>alert(1)</script> broken", severity=Severity.HIGH
    )
    await store.cases.set_thread(case.ref, channel="C0123ABCD", ts="1762000000.000100")
    edited = Review(
        source="trustpilot",
        external_id="r1",
        text="<script>alert(2)</script> still broken",
        rating=1,
        created_at=utcnow(),
        updated_at=utcnow() + timedelta(seconds=1),
    )
    await store.reviews.upsert_many([edited])
    linked = settings.model_copy(
        update={
            "web": settings.web.model_copy(
                update={"slack_workspace_url": "https://aurora.slack.com"}
            )
        }
    )
    client, _ = await web.signed_in("ana", settings=linked)
    response = await client.get("/reviews/trustpilot/r1")
    assert response.status == 200
    html = await response.text()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt; still broken" in html  # current text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; broken" in html  # the earlier revision
    assert case.ref in html
    assert "negative 0.90" in html
    assert "https://aurora.slack.com/archives/C0123ABCD/p1762000000000100" in html
    assert ">collected<" in html.replace("<strong>", ">").replace("</strong>", "<")
    assert (await client.get("/reviews/trustpilot/nope")).status == 404


async def test_persian_drafts_are_edited_right_to_left(web, store):
    await seed_item(store, "fa1", source="digikala", lang="fa", text="سفارش دیر رسید")
    client, _ = await web.signed_in("ana")
    html = await (await client.get("/reviews/digikala/fa1")).text()
    assert 'dir="rtl" lang="fa" aria-label="Reply text"' in html
    assert '<blockquote dir="rtl" lang="fa">' in html


async def test_approve_edit_discard_as_the_signed_in_person(web, store):
    case = await seed_item(store, "r1", severity=Severity.HIGH)
    client, csrf = await web.signed_in("ana")
    draft = await store.approvals.latest(case.ref)
    text = f"Sorry about the parcel. Please write to care@aurora-home.example with {case.ref}."
    edited = await client.post("/items/edit", data=form(csrf, draft=draft.id, text=text))
    assert edited.status == 200
    moved = await store.approvals.get(draft.id)
    assert moved.current_text == text
    assert moved.edits[-1].by == "web:ana"
    approved = await client.post(
        "/items/approve", data=form(csrf, draft=draft.id, text=text), allow_redirects=False
    )
    assert approved.status == 303
    moved = await store.approvals.get(draft.id)
    assert moved.status is DraftStatus.APPROVED
    assert moved.approved_by == "web:ana"
    again = await client.post("/items/approve", data=form(csrf, draft=draft.id))
    assert again.status == 409
    assert "already approved" in await again.text()
    discarded = await client.post("/items/discard", data=form(csrf, reason="duplicate"))
    assert discarded.status == 200
    assert (await store.approvals.get(draft.id)).status is DraftStatus.DISCARDED
    events = await store.events.for_key("case", case.ref)
    actors = {e.type: e.actor for e in events}
    assert actors["draft_approved"] == "web:ana"
    assert actors["draft_discarded"] == "web:ana"


async def test_post_through_the_source(web, store):
    case = await seed_item(store, "r1", severity=Severity.MEDIUM)
    replier = FakeReplier()
    client, csrf = await web.signed_in("ana", repliers=lambda source: replier)
    await client.post("/items/approve", data=form(csrf))
    posted = await client.post("/items/post", data=form(csrf), allow_redirects=False)
    assert posted.status == 303
    assert len(replier.replies) == 1
    assert (await store.approvals.latest(case.ref)).status is DraftStatus.POSTED
    body = await (await client.get("/api/v1/items?status=posted")).json()
    assert [i["external_id"] for i in body["items"]] == ["r1"]


async def test_assign_resolve_relabel_and_note(web, store):
    case = await seed_item(store, "r1")
    client, csrf = await web.signed_in("ana")
    await client.post("/items/assign", data=form(csrf))
    assert (await store.cases.get(case.ref)).owner == "web:ana"
    await client.post("/items/assign", data=form(csrf, owner="bruno"))
    assert (await store.cases.get(case.ref)).owner == "bruno"
    await client.post("/items/label", data=form(csrf, label="neutral"))
    review = await store.reviews.get("trustpilot", "r1")
    assert review.label_override.label is Label.NEUTRAL
    assert review.label_override.by == "web:ana"
    bad = await client.post("/items/label", data=form(csrf, label="angry"))
    assert bad.status == 409
    await client.post(
        "/items/note", data=form(csrf, note="Called on WhatsApp <b>hi</b>", private_contact="yes")
    )
    assert (await store.cases.get(case.ref)).private_contact_at is not None
    await client.post("/items/resolve", data=form(csrf))
    assert (await store.cases.get(case.ref)).resolved_at is not None
    html = await (await client.get("/reviews/trustpilot/r1")).text()
    assert "Called on WhatsApp &lt;b&gt;hi&lt;/b&gt;" in html
    types = [e.type for e in await store.events.for_key("case", case.ref)]
    assert {"assigned", "note", "private_contact", "resolved"} <= set(types)
    assert (await client.post("/items/explode", data=form(csrf))).status == 404
