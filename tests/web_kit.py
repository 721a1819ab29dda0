"""Helpers for the web tests: seed flagged items, build the app, sign in."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from aiohttp.test_utils import TestClient, TestServer

from reputation.core.accounts import Role
from reputation.core.models import (
    Case,
    Draft,
    Label,
    Review,
    ReviewStatus,
    Sentiment,
    Severity,
    Suspicion,
    utcnow,
)
from reputation.web import create_app
from responders.approval import ApprovalService

PASSWORD = "correct horse battery"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "no CSRF field on the page"
    return match.group(1)


async def seed_item(
    store,
    external_id: str,
    *,
    text: str = "The parcel arrived broken",
    source: str = "trustpilot",
    lang: str = "en",
    severity: Severity = Severity.MEDIUM,
    author: str | None = "Ana Costa",
    rating: int | None = 1,
    brand: str | None = "Aurora Home",
    location: str | None = "lisbon",
    topics: tuple[str, ...] = ("delivery",),
    created_at: datetime | None = None,
    due_in: timedelta = timedelta(hours=24),
    label: Label = Label.NEGATIVE,
    suspicious: bool = False,
    draft: bool = True,
):
    """A stored, classified, flagged review with its case and a draft (like the pipeline)."""
    created = created_at or utcnow()
    review = Review(
        source=source,
        external_id=external_id,
        author=author,
        rating=rating,
        text=text,
        lang=lang,
        created_at=created,
        brand=brand,
        location=location,
    )
    await store.reviews.upsert_many([review])
    stored = await store.reviews.get(source, external_id)
    sentiment = Sentiment(
        label=label,
        scores={"negative": 0.9, "neutral": 0.05, "positive": 0.05},
        lang=lang,
        flag=True,
        topics=list(topics),
        severity=severity,
        model="fake",
        content_hash=review.content_hash,
    )
    await store.reviews.save_sentiments([(stored, sentiment)])
    case, _ = await store.cases.open_for(
        Case(
            ref="RP-0000",
            source=source,
            external_id=external_id,
            brand=brand,
            lang=lang,
            severity=severity,
            topics=list(topics),
            created_at=created,
            reply_due_at=created + due_in,
            private_contact_due_at=created + due_in + timedelta(hours=48),
        )
    )
    await store.reviews.link_case(source, external_id, case.ref)
    if suspicious:
        await store.reviews.mark_suspicious(
            source, external_id, Suspicion(reasons=["burst"], detected_at=utcnow())
        )
    if draft:
        await store.drafts.add_if_absent(
            Draft(
                case_ref=case.ref,
                source=source,
                external_id=external_id,
                text=f"We are sorry. Write to care@aurora-home.example with {case.ref}.",
                lang=lang,
                private_channel="care@aurora-home.example",
                needs_approval=True,
                content_hash=review.content_hash,
                created_at=utcnow(),
            ),
            brand=brand,
        )
        await store.reviews.set_status(source, external_id, ReviewStatus.DRAFTED)
    return case


class Web:
    """Builds clients for one store; closes them at the end."""

    def __init__(self, store, settings) -> None:
        self.store = store
        self.settings = settings
        self.clients: list[TestClient] = []

    async def client(self, *, repliers=None, settings=None) -> TestClient:
        settings = settings or self.settings
        service = ApprovalService(store=self.store, settings=settings, repliers=repliers)
        app = create_app(settings=settings, store=self.store, service=service)
        client = TestClient(TestServer(app))
        await client.start_server()
        self.clients.append(client)
        return client

    async def user(self, name: str, role: Role = Role.RESPONDER) -> None:
        await self.store.users.add(name, role=role, password=PASSWORD)

    async def signed_in(self, name: str = "ana", role: Role = Role.RESPONDER, **options):
        """A client signed in as a new user ``name``; returns (client, csrf)."""
        await self.user(name, role)
        client = await self.client(**options)
        csrf = await login(client, name, PASSWORD)
        return client, csrf

    async def close(self) -> None:
        for client in self.clients:
            await client.close()


async def login(client: TestClient, name: str, password: str) -> str:
    """Sign in through the form; returns the session's CSRF token."""
    form = await client.get("/login")
    response = await client.post(
        "/login",
        data={"csrf": csrf_of(await form.text()), "name": name, "password": password},
        allow_redirects=False,
    )
    assert response.status == 303, await response.text()
    page = await client.get("/")
    assert page.status == 200
    return csrf_of(await page.text())
