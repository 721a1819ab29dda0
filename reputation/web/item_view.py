"""Everything the item page (and its API twin) shows about one review."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from config.settings import Settings
from reputation.core.models import Case, Draft, Event, Revision, StoredReview
from reputation.storage import Store
from reputation.storage.documents import review_id


@dataclass
class ItemView:
    review: StoredReview
    revisions: list[Revision]
    case: Case | None
    drafts: list[Draft]
    events: list[Event]
    slack_link: str | None

    @property
    def draft(self) -> Draft | None:
        """The draft a person works on: the newest one."""
        return self.drafts[-1] if self.drafts else None

    def as_json(self) -> dict[str, Any]:
        return {
            "review": self.review.model_dump(mode="json"),
            "revisions": [r.model_dump(mode="json") for r in self.revisions],
            "case": self.case.model_dump(mode="json") if self.case else None,
            "drafts": [{**d.model_dump(mode="json"), "id": d.id} for d in self.drafts],
            "events": [e.model_dump(mode="json") for e in self.events],
            "slack_thread": self.slack_link,
        }


def slack_link(settings: Settings, case: Case | None) -> str | None:
    workspace = settings.web.slack_workspace_url
    if case is None or not case.slack_thread_ts or not case.slack_channel or not workspace:
        return None
    channel = case.slack_channel.lstrip("#")
    return f"{workspace}/archives/{channel}/p{case.slack_thread_ts.replace('.', '')}"


async def load_item(
    store: Store, settings: Settings, source: str, external_id: str
) -> ItemView | None:
    review = await store.reviews.get(source, external_id)
    if review is None:
        return None
    case = await store.cases.get(review.case_ref) if review.case_ref else None
    if case is None:
        case = await store.cases.for_review(source, external_id)
    drafts = await store.drafts.for_case(case.ref) if case else []
    events = await store.events.for_key("review", review_id(source, external_id))
    if case is not None:
        events += await store.events.for_key("case", case.ref)
    events.sort(key=lambda e: e.at)
    return ItemView(
        review=review,
        revisions=await store.reviews.revisions(source, external_id),
        case=case,
        drafts=drafts,
        events=events,
        slack_link=slack_link(settings, case),
    )
