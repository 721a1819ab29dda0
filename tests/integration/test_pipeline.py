import io
import json

import pytest

from config.settings import load_settings
from reputation.core.models import AlertStatus, Label
from reputation.core.pipeline import Pipeline, RunReport
from reputation.demo.runner import run_demo, sample_lines
from responders.drafts import TemplateDrafter
from tests.fakes import FakeSentimentModel, RecordingNotifier

pytestmark = pytest.mark.integration

LINES = [
    json.dumps(
        {
            "source": "trustpilot",
            "external_id": "t1",
            "rating": 1,
            "lang": "en",
            "author": "Tom",
            "text": "Parcel arrived broken and support never answered",
            "created_at": "2026-11-01T10:00:00Z",
        }
    ),
    json.dumps(
        {
            "source": "trustpilot",
            "external_id": "t2",
            "rating": 5,
            "lang": "en",
            "text": "Great service, I love it",
            "created_at": "2026-11-01T11:00:00Z",
        }
    ),
    json.dumps(
        {
            "source": "x",
            "external_id": "9",
            "kind": "mention",
            "lang": "es",
            "text": "El pedido llegó roto y nadie contesta",
            "created_at": "2026-11-02",
        }
    ),
    '{"source": "trustpilot", "external_id": "t3", "rating": 7, "created_at": "2026-11-01"}',
    "{not json at all",
]


def pipeline(store, settings, notifier=None):
    return Pipeline(
        store=store,
        model=FakeSentimentModel(),
        drafter=TemplateDrafter(),
        notifier=notifier or RecordingNotifier(),
        settings=settings,
    )


async def test_run_stores_flags_drafts_and_alerts_once(store, settings):
    notifier = RecordingNotifier()
    run = pipeline(store, settings, notifier)
    report = await run.run(LINES, source="import")
    assert (report.new, report.quarantined, report.flagged) == (3, 2, 2)
    # The model hears each text's kind: a calibrated model treats mentions apart.
    by_text = {
        text: kind
        for texts, kinds in zip(run.model.calls, run.model.kinds, strict=True)
        for text, kind in zip(texts, kinds, strict=True)
    }
    assert by_text["El pedido llegó roto y nadie contesta"] == "mention"
    assert by_text["Great service, I love it"] == "review"
    # ...and the source's language tag, which picks a calibrated model's language offset.
    by_lang = {
        text: lang
        for texts, langs in zip(run.model.calls, run.model.langs, strict=True)
        for text, lang in zip(texts, langs or [], strict=True)
    }
    assert by_lang["El pedido llegó roto y nadie contesta"] == "es"
    assert (report.drafts_created, report.alerts_sent) == (2, 2)
    assert await store.drafts.count() == 2
    case_refs = {a.case_ref for a in notifier.sent}
    for ref in case_refs:
        (draft,) = await store.drafts.for_case(ref)
        assert ref in draft.text
        assert draft.needs_approval

    again = await pipeline(store, settings, notifier).run(LINES, source="import")
    assert (again.new, again.classified, again.drafts_created, again.alerts_sent) == (0, 0, 0, 0)
    assert len(notifier.sent) == 2
    assert await store.reviews.count() == 3
    assert await store.alerts.count() == 2
    assert await store.quarantine.count() == 2


async def test_malformed_records_keep_their_reason_and_payload(store, settings):
    await pipeline(store, settings).run(LINES, source="import")
    records = {r.raw: r for r in await store.quarantine.list(limit=10)}
    assert "rating: Input should be less than or equal to 5" in records[LINES[3]].reason
    assert records[LINES[3]].source == "trustpilot"
    assert "not JSON" in records["{not json at all"].reason
    assert records["{not json at all"].source == "import"


async def test_a_line_nested_past_the_parsers_limit_is_quarantined_whole(store, settings):
    deep = "[" * 50_000 + "]" * 50_000
    report = await pipeline(store, settings).run([deep, LINES[0]], source="import")
    assert (report.new, report.quarantined) == (1, 1)
    (record,) = await store.quarantine.list(limit=10)
    assert record.raw == deep
    assert record.source == "import"
    assert "nested too deeply" in record.reason


async def test_slack_outage_loses_nothing(store, settings):
    down = RecordingNotifier(fail=True)
    report = await pipeline(store, settings, down).run(LINES, source="import")
    assert (report.alerts_sent, report.alerts_failed) == (0, 2)
    assert await store.alerts.count(AlertStatus.PENDING) == 2

    up = RecordingNotifier()
    recovered = RunReport()
    await pipeline(store, settings, up).deliver(recovered)
    assert recovered.alerts_sent == 2
    assert await store.alerts.count(AlertStatus.SENT) == 2
    assert await store.alerts.pending() == []


async def test_an_edited_flagged_review_gets_a_new_draft_not_a_new_case(store, settings):
    run = pipeline(store, settings)
    await run.run(LINES[:1], source="import")
    edited = json.loads(LINES[0]) | {
        "text": "Still broken, and now the refund is late too",
        "updated_at": "2026-11-05T10:00:00Z",
    }
    report = await run.run([json.dumps(edited)], source="import")
    assert (report.updated, report.cases_opened, report.drafts_created) == (1, 0, 1)
    stored = await store.reviews.get("trustpilot", "t1")
    drafts = await store.drafts.for_case(stored.case_ref)
    assert len(drafts) == 2  # the first draft stays in history
    assert await store.cases.count() == 1


async def test_demo_sample_twice_with_an_injected_model(clean_env, mongo_uri, tmp_path):
    settings = load_settings(
        data_dir=tmp_path, mongo={"uri": mongo_uri, "database": "demo_injected"}
    )
    summaries = []
    for _ in range(2):
        out, err = io.StringIO(), io.StringIO()
        summaries.append(
            await run_demo(settings, out=out, err=err, as_json=True, model=FakeSentimentModel())
        )
        last = out.getvalue().strip().splitlines()[-1]
        assert json.loads(last) == summaries[-1]
    first, second = summaries
    assert set(first["by_language"]) >= {"pt", "fa", "it", "es", "ru", "en"}
    assert all(first["by_language"][lang] >= 10 for lang in ("pt", "fa", "it", "es", "ru", "en"))
    assert first["flagged"] > 0
    assert first["drafts"] == first["alerts"] == first["flagged"]
    for key in ("reviews", "by_language", "flagged", "drafts", "alerts", "quarantined"):
        assert first[key] == second[key], key
    assert second["this_run"]["new"] == 0
    assert second["this_run"]["alerts_sent"] == 0
    assert first["this_run"]["edited"] >= 5
    assert first["quarantined"] == 1


def test_sample_covers_six_languages_edits_and_rating_only():
    rows = [json.loads(line) for line in sample_lines()]
    by_lang = {}
    for row in rows:
        by_lang[row["lang"]] = by_lang.get(row["lang"], 0) + 1
    assert all(by_lang[lang] >= 10 for lang in ("pt", "fa", "it", "es", "ru", "en"))
    keys = [(r["source"], r["external_id"]) for r in rows]
    assert len(keys) - len(set(keys)) >= 5  # edited reviews appear twice
    assert sum(1 for r in rows if r.get("rating") and not r["text"]) >= 3
    assert {r["kind"] for r in rows} == {"review", "mention", "question"}


async def test_a_label_override_is_applied_and_kept_for_training(store, settings):
    run = pipeline(store, settings)
    await run.run(LINES[1:2], source="import")  # five stars, positive text
    assert not (await store.reviews.get("trustpilot", "t2")).sentiment.flag
    await store.reviews.override_label("trustpilot", "t2", Label.NEGATIVE, actor="ana")
    report = RunReport()
    await run.classify_pending(report)
    review = await store.reviews.get("trustpilot", "t2")
    assert review.sentiment.label is Label.NEGATIVE
    assert review.sentiment.flag
    assert review.label_override.by == "ana"
    assert await store.reviews.label_overrides() == [("Great service, I love it", "negative", "en")]
    history = await store.events.for_key("review", "trustpilot:t2")
    # The override, then the re-assessment that flagged it (which the inbox's sync reads).
    assert [e.type for e in history][-2:] == ["label_override", "flagged"]


async def test_a_flagged_review_joins_the_inbox_before_its_case_opens(store, settings):
    """Saving a sentiment writes a shared "flagged" event; the inbox's sync reads it, so a
    flagged item shows (status new, no case yet) even while the response step is behind."""
    run = pipeline(store, settings)
    report = RunReport()
    await run.ingest_lines(LINES[:2], source="import", report=report)
    await store.inbox.sync(force=True)
    assert await store.inbox.get("trustpilot", "t1") is None  # collected, not classified
    await run.classify_pending(report)  # no respond(): no case, no draft, no status event
    assert await store.inbox.sync(force=True) == 1
    item = await store.inbox.get("trustpilot", "t1")
    assert item is not None
    assert (item.status.value, item.case_ref, item.awaiting_reply) == ("new", None, False)
    assert await store.inbox.get("trustpilot", "t2") is None  # positive: not in the inbox
    history = await store.events.for_key("review", "trustpilot:t1")
    assert [e.type for e in history] == ["collected", "flagged"]
    await run.respond(report)
    await store.inbox.sync(force=True)
    item = await store.inbox.get("trustpilot", "t1")
    assert item is not None
    assert item.case_ref is not None
    assert item.awaiting_reply


async def test_an_idle_inbox_reads_no_events_once_the_log_has_settled(store, settings, monkeypatch):
    from datetime import timedelta

    import reputation.storage.inbox as inbox_module
    from reputation.core.models import utcnow

    await pipeline(store, settings).run(LINES[:1], source="import")
    assert await store.inbox.sync(force=True) == 1
    # Within the overlap, the last few seconds of the log are read again (late writers).
    assert await store.inbox.sync(force=True) == 1
    later = utcnow() + timedelta(minutes=1)
    monkeypatch.setattr(inbox_module, "utcnow", lambda: later)
    assert await store.inbox.sync(force=True) == 1  # the last re-read, then settled
    assert await store.inbox.sync(force=True) == 0
    case = await store.cases.for_review("trustpilot", "t1")
    await store.cases.assign(case.ref, owner="ana", actor="web:ana")
    assert await store.inbox.sync(force=True) == 1  # a new event is read at once
    assert (await store.inbox.get("trustpilot", "t1")).owner == "ana"


async def test_the_reply_is_in_the_language_written_not_the_devices(store, settings):
    # Google Play tags a review with the phone's language: this one came from a phone set
    # to English. The draft, its case and the alert follow the words, which are Russian.
    line = {
        "source": "google_play",
        "external_id": "gp-ru-1",
        "rating": 1,
        "lang": "en",
        "text": "Приложение постоянно вылетает, деньги списали дважды",
        "created_at": "2026-11-03T09:00:00Z",
    }
    notifier = RecordingNotifier()
    report = await pipeline(store, settings, notifier).run([json.dumps(line)], source="import")
    assert (report.new, report.flagged, report.drafts_created) == (1, 1, 1)
    review = await store.reviews.get("google_play", "gp-ru-1")
    assert review.lang == "en"  # the source's tag is kept as the source gave it
    assert review.sentiment.lang == "ru"
    assert "wrong_charge" in review.sentiment.reasons
    (alert,) = notifier.sent
    (draft,) = await store.drafts.for_case(alert.case_ref)
    assert draft.lang == "ru"
