"""The dashboard's queries at scale: the inbox and the trends over N reviews (default 1M).

Starts the embedded MongoDB wire server in a temp dir (or uses --uri), seeds N reviews over
the year before now — six languages, three brands with four locations each, six sources,
ratings, about 20% flagged, each flagged one with its case, its reply draft and its inbox
entry, about 2% labelled suspicious — and then, in one process:

* times the functions the web app calls (``store.inbox.query`` with each filter, search and
  page; ``store.trends.report`` / ``compare`` by day, week and month over a year) --repeat
  times each and prints p50 / p95;
* prints the server's ``explain`` of each (winning plan, index, keys and documents examined);
* runs naive baselines in the same process — the same questions asked of the raw rows (the
  ``timeline`` row of each review, or ``reviews`` itself for text; no read model, no
  snapshots) — and prints the ratio.

How it seeds, honestly: review, case and draft documents are the real shapes
(``new_review_doc`` of a ``Review``, ``to_doc`` of a ``Case`` / ``Draft``), written with
unordered ``insert_many`` in batches of --batch; inbox entries are built by the real mapper
(``reputation.storage.inbox.entry_doc``, what ``store.inbox.sync`` writes) and bulk-inserted,
as are the timeline rows (``reputation.storage.timeline.timeline_row``, what classification
writes),
because ``sync`` at one review per round trip would take most of an hour at 1M — ``sync``
itself is timed on the newest --sync-sample cases (their "opened" events are written) and
checked to write the same entries. Trend snapshots are written by the real
``snapshot_day`` for every day of the year (timed).

    .venv/bin/python bench/dashboard.py [--n 1000000] [--repeat 20] [--batch 5000] [--uri URI]
        [--db NAME]     # with --uri: reuse a database this bench seeded (queries only)
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reputation.core.inbox import InboxQuery, InboxSort, InboxStatus, SlaState  # noqa: E402
from reputation.core.models import (  # noqa: E402
    Case,
    Draft,
    Event,
    Label,
    ReviewStatus,
    Sentiment,
    Severity,
    Suspicion,
)
from reputation.core.models import Review as ReviewModel  # noqa: E402
from reputation.core.trends import Grain, TrendQuery  # noqa: E402
from reputation.storage import Store  # noqa: E402
from reputation.storage.documents import (  # noqa: E402
    new_review_doc,
    review_id,
    stored_review,
    to_doc,
)
from reputation.storage.explain import Plan, explain_aggregate, explain_find  # noqa: E402
from reputation.storage.inbox import entry_doc  # noqa: E402
from reputation.storage.server import EmbeddedMongo  # noqa: E402
from reputation.storage.timeline import timeline_row  # noqa: E402
from reputation.storage.trends import snapshot_day  # noqa: E402
from reputation.storage.vocabulary import Vocabulary  # noqa: E402

WORDS = {
    "pt": "entrega atrasou produto chegou quebrado atendimento ótimo recomendo péssimo loja"
    " reembolso nunca mais compro caixa amassada demorou",
    "es": "el pedido llegó tarde la atención fue excelente nunca más producto roto reembolso"
    " tienda caja envío demora",
    "it": "consegna in ritardo prodotto ottimo servizio clienti pessimo rimborso negozio"
    " scatola rotta attesa",
    "ru": "доставка задержали товар отличный поддержка не отвечает возврат денег магазин"
    " коробка сломан курьер",
    "fa": "ارسال دیر رسید کیفیت عالی پشتیبانی پاسخ نداد مرجوعی بسته بندی فروشگاه خراب",
    "en": "delivery was late the product arrived broken support never answered refund great"
    " store box damaged courier",
}
VOCAB = {lang: words.split() for lang, words in WORDS.items()}
BRANDS = {
    "Aurora Home": ["aurora-lisboa", "aurora-porto", "aurora-madrid", "aurora-milano"],
    "Borealis": ["borealis-moscow", "borealis-kazan", "borealis-tehran", "borealis-rome"],
    "Cirrus": ["cirrus-online", "cirrus-sp", "cirrus-bsas", "cirrus-london"],
}
SOURCES = ["google_business", "google_play", "mercadolibre", "wildberries", "trustpilot", "ozon"]
TOPICS = ["delivery", "quality", "support", "refund", "price", "packaging"]
NAMES = ["Ana", "João", "María", "Luca", "Олег", "Сара", "مریم", "Reza", "Emma", "Carlos"]
SEVERITIES = [Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL]
SEVERITY_WEIGHTS = [30, 40, 20, 10]
REPLY_HOURS = {"critical": 1.0, "high": 4.0, "medium": 24.0, "low": 72.0}
_REF = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def case_ref(i: int) -> str:
    chars = []
    for _ in range(6):
        i, r = divmod(i, 32)
        chars.append(_REF[r])
    return "RP-" + "".join(reversed(chars))


def seed_batch(
    rng: random.Random, start: int, count: int, n: int, now: datetime
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Reviews ``start`` .. ``start + count`` of ``n`` (oldest first over the year before now),
    with the cases, drafts and inbox entries of the flagged ones."""
    reviews, cases, drafts, entries, rows = [], [], [], [], []
    year = timedelta(days=365)
    for i in range(start, start + count):
        created = now - year + year * (i + rng.random()) / n - timedelta(hours=1)
        lang = rng.choice(list(VOCAB))
        brand = rng.choice(list(BRANDS))
        flagged = rng.random() < 0.2
        rating = rng.choice([1, 1, 2, 2, 5]) if flagged else rng.choice([3, 4, 4, 5, 5, 5])
        words = rng.choices(VOCAB[lang], k=rng.randint(4, 40))
        review = ReviewModel(
            source=rng.choice(SOURCES),
            external_id=f"d-{i}",
            author=f"{rng.choice(NAMES)} {rng.randint(1, 9999)}",
            rating=rating,
            text=" ".join(words),
            lang=lang,
            url=f"https://example.com/r/{i}",
            created_at=created,
            updated_at=created,
            brand=brand,
            location=rng.choice(BRANDS[brand]),
        )
        doc = new_review_doc(review, now=created + timedelta(minutes=5))
        severity = rng.choices(SEVERITIES, SEVERITY_WEIGHTS)[0] if flagged else Severity.LOW
        negative = rng.uniform(0.6, 0.99) if flagged else rng.uniform(0.01, 0.3)
        topics = rng.sample(TOPICS, rng.randint(1, 2)) if flagged else []
        sentiment = Sentiment(
            label=Label.NEGATIVE if flagged else Label.POSITIVE,
            scores={"negative": negative, "neutral": 0.05, "positive": 0.95 - negative},
            lang=lang,
            flag=flagged,
            reasons=["negative_text"] if flagged else [],
            topics=topics,
            severity=severity,
            model="e5-small-reputation-v3@bench",
            content_hash=doc["content_hash"],
        )
        doc.update(
            sentiment=sentiment.model_dump(mode="python"),
            pending_classification=False,
            pending_response=False,
            status=ReviewStatus.CLASSIFIED.value,
        )
        if rng.random() < 0.02:
            suspicion = Suspicion(reasons=["burst"], detected_at=created)
            doc["suspicious"] = suspicion.model_dump(mode="python")
        reviews.append(doc)
        rows.append(timeline_row(stored_review(doc), sentiment))
        if not flagged:
            continue
        opened = created + timedelta(minutes=10)
        age = now - opened
        # Older cases were mostly answered; a few per cent stay open (the overdue backlog).
        answered = rng.random() < (0.97 if age > timedelta(days=7) else 0.5)
        due = opened + timedelta(hours=REPLY_HOURS[severity.value])
        replied = None
        if answered:
            late = rng.random() < 0.15
            hours = REPLY_HOURS[severity.value] * (rng.uniform(1.1, 3) if late else rng.random())
            replied = min(opened + timedelta(hours=hours), now)
        resolved = replied + timedelta(hours=rng.uniform(1, 72)) if replied else None
        if resolved is not None and (resolved > now or rng.random() < 0.3):
            resolved = None
        ref = case_ref(i)
        case = Case(
            ref=ref,
            source=review.source,
            external_id=review.external_id,
            brand=brand,
            lang=lang,
            severity=severity,
            topics=topics,
            created_at=opened,
            reply_due_at=due,
            private_contact_due_at=opened + timedelta(hours=72),
            team="care",
            slack_channel="#care",
            replied_at=replied,
            resolved_at=resolved,
            replied_within_sla=None if replied is None else replied <= due,
        )
        status = "drafted" if replied is None else "posted"
        if replied is None and rng.random() < 0.3:
            status = "approved"
        draft = Draft(
            case_ref=ref,
            source=review.source,
            external_id=review.external_id,
            text=f"Sorry about this — {ref}",
            lang=lang,
            private_channel="care@example.com",
            needs_approval=True,
            status=status,
            content_hash=doc["content_hash"],
            created_at=opened,
            posted_at=replied,
        )
        draft_doc = to_doc(draft, doc_id=f"{ref}:{doc['content_hash']}")
        draft_doc.update(brand=brand, wording=draft.text)
        case_doc = to_doc(case, doc_id=ref)
        doc["case_ref"] = ref
        doc["status"] = "resolved" if resolved else ("posted" if replied else status)
        cases.append(case_doc)
        drafts.append(draft_doc)
        entry = entry_doc(doc, case_doc, {"status": status})
        entry["_id"] = doc["_id"]
        entries.append(entry)
    return reviews, cases, drafts, entries, rows


async def seed(store: Store, n: int, batch: int, now: datetime) -> dict[str, float]:
    rng = random.Random(7)
    db = store.db
    timings: dict[str, float] = {"generate": 0.0, "insert": 0.0}
    flagged = 0
    words: set[str] = set()
    for start in range(0, n, batch):
        began = time.perf_counter()
        reviews, cases, drafts, entries, rows = seed_batch(
            rng, start, min(batch, n - start), n, now
        )
        timings["generate"] += time.perf_counter() - began
        began = time.perf_counter()
        await db["reviews"].insert_many(reviews, ordered=False)
        await db["timeline"].insert_many(rows, ordered=False)
        if cases:
            await db["cases"].insert_many(cases, ordered=False)
            await db["drafts"].insert_many(drafts, ordered=False)
            await db["inbox"].insert_many(entries, ordered=False)
            words.update(term for entry in entries for term in entry["terms"])
        timings["insert"] += time.perf_counter() - began
        flagged += len(cases)
        done = start + len(reviews)
        if done % (batch * 20) == 0 or done == n:
            rate = done / (timings["generate"] + timings["insert"])
            print(f"  seeded {done:>8} reviews ({flagged} flagged), {rate:,.0f}/s", flush=True)
    # The search vocabulary, as sync fills it (storage/vocabulary.py).
    began = time.perf_counter()
    await Vocabulary(db).add(words)
    timings["insert"] += time.perf_counter() - began
    timings["flagged"] = flagged
    return timings


async def check_sync(store: Store, sample: int) -> None:
    """The real ``store.inbox.sync`` over the newest ``sample`` cases: time it, and check it
    writes the entries the bulk seeding wrote (same mapper, so the same documents)."""
    db = store.db
    await store.inbox.sync(force=True)  # nothing yet: sets the start of the log
    newest = (
        await db["cases"]
        .find({}, {"_id": 1, "source": 1, "external_id": 1})
        .sort("created_at", -1)
        .limit(sample)
        .to_list(None)
    )
    before = {
        d["_id"]: d
        async for d in db["inbox"].find(
            {"case_ref": {"$in": [c["_id"] for c in newest[:50]]}}, {"updated_at": 0}
        )
    }
    events = [
        Event(
            entity="case",
            key=c["_id"],
            type="opened",
            at=datetime.now(UTC),
            data={"review": review_id(c["source"], c["external_id"])},
        )
        for c in newest
    ]
    await store.events.append(events)
    began = time.perf_counter()
    refreshed = await store.inbox.sync(force=True)
    seconds = time.perf_counter() - began
    after = {
        d["_id"]: d
        async for d in db["inbox"].find({"_id": {"$in": list(before)}}, {"updated_at": 0})
    }
    same = sum(after[k] == v for k, v in before.items())
    print(
        f"store.inbox.sync over {len(newest)} 'opened' events: {refreshed} entries in "
        f"{seconds:.2f}s = {refreshed / seconds:,.0f} entries/s "
        f"(at this rate {1e6 * 0.2 / (refreshed / seconds) / 60:.0f} min for 1M reviews' "
        f"flagged); {same}/{len(before)} sampled entries identical to the bulk-built ones"
    )


async def snapshots(store: Store, now: datetime) -> None:
    first = (now - timedelta(days=366)).date()
    days = (now.date() - first).days
    began = time.perf_counter()
    cells = 0
    for back in range(days):
        cells += await snapshot_day(store, first + timedelta(days=back))
    seconds = time.perf_counter() - began
    print(
        f"snapshot_day × {days} days: {cells} cells in {seconds:.1f}s "
        f"({seconds / days * 1000:.0f} ms a day)"
    )


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def timed(func: Callable[[], Awaitable[Any]], repeat: int) -> tuple[float, float, Any]:
    result = await func()  # warm-up, not counted
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        result = await func()
        samples.append((time.perf_counter() - began) * 1000)
    return statistics.median(samples), pct(samples, 0.95), result


def plan_line(plans: list[Plan]) -> str:
    total = plans[0]
    for plan in plans[1:]:
        total = total + plan
    return total.line()


async def run(
    uri: str,
    n: int,
    batch: int,
    repeat: int,
    sync_sample: int,
    database: str | None = None,
    skip_baselines: bool = False,
) -> None:
    store = await Store.connect(uri, database or f"dash_{uuid.uuid4().hex[:8]}")
    now = datetime.now(UTC).replace(microsecond=0)
    try:
        meta = await store.db["bench_meta"].find_one({"_id": "seeded"})
        if meta is not None and meta["n"] == n:
            # --db with a database this bench seeded before: time the queries again on it.
            now = meta["now"]
            print(f"reusing {store.db.name}: {n:,} reviews seeded {now:%Y-%m-%d %H:%M} UTC")
            await inbox_queries(store, now, repeat)
            await trend_queries(store, now, repeat)
            if not skip_baselines:
                await baselines(store, now)
            return
        if meta is not None:
            raise SystemExit(f"{store.db.name} holds {meta['n']:,} seeded reviews, not {n:,}")
        print(f"seeding {n:,} reviews in batches of {batch:,} ...", flush=True)
        began = time.perf_counter()
        timings = await seed(store, n, batch, now)
        seed_s = time.perf_counter() - began
        print(
            f"seeded {n:,} reviews, {int(timings['flagged']):,} flagged (cases, drafts, inbox "
            f"entries) in {seed_s:.0f}s (generating {timings['generate']:.0f}s, "
            f"inserting {timings['insert']:.0f}s)",
            flush=True,
        )
        await check_sync(store, sync_sample)
        await snapshots(store, now)
        await store.db["bench_meta"].insert_one({"_id": "seeded", "n": n, "now": now})
        await inbox_queries(store, now, repeat)
        await trend_queries(store, now, repeat)
        await baselines(store, now)
    finally:
        store.close()


def inbox_cases(store_ref: str, author: str) -> list[tuple[str, InboxQuery]]:
    return [
        ("default (urgent), page 1", InboxQuery()),
        ("default, page 20", InboxQuery(page=20)),
        ("newest, page 1", InboxQuery(sort=InboxSort.NEWEST)),
        ("newest, page 20", InboxQuery(sort=InboxSort.NEWEST, page=20)),
        ("severity=critical", InboxQuery(severity=Severity.CRITICAL)),
        ("lang=fa", InboxQuery(lang="fa")),
        ("source=ozon", InboxQuery(source="ozon")),
        ("brand=Borealis", InboxQuery(brand="Borealis")),
        ("status=drafted", InboxQuery(status=InboxStatus.DRAFTED)),
        ("status=resolved, newest", InboxQuery(status=InboxStatus.RESOLVED, sort=InboxSort.NEWEST)),
        ("topic=refund", InboxQuery(topic="refund")),
        ("sla=overdue", InboxQuery(sla=SlaState.OVERDUE)),
        ("sla=due_soon", InboxQuery(sla=SlaState.DUE_SOON)),
        ("suspicious", InboxQuery(suspicious=True)),
        ("search case ref", InboxQuery(q=store_ref)),
        ("search author", InboxQuery(q=author)),
        ("search text 'entreg'", InboxQuery(q="entreg")),
        ("search text 'produto quebr'", InboxQuery(q="produto quebr")),
    ]


async def inbox_queries(store: Store, now: datetime, repeat: int) -> None:
    some = await store.db["inbox"].find_one({"awaiting_reply": False}, {"case_ref": 1, "author": 1})
    assert some is not None  # noqa: S101 - seeded above
    print(
        f"\ninbox ({await store.db['inbox'].estimated_document_count():,} entries), "
        f"{repeat} runs each: p50 / p95 ms, rows, total; explain"
    )
    await store.inbox.sync(force=True)
    for name, query in inbox_cases(some["case_ref"], some["author"].split()[0]):
        p50, p95, page = await timed(lambda q=query: store.inbox.query(q, now=now), repeat)
        plans = await store.inbox.explain(query, now=now)
        flag = "" if p95 <= 300 else "  > 300 ms"
        total = f"{page.total}{'+' if page.total_capped else ''}"
        print(f"  {name:<28} {p50:7.1f} / {p95:7.1f}  {len(page.items):>3} {total:>7}{flag}")
        print(f"      {plan_line(plans)}")


async def trend_queries(store: Store, now: datetime, repeat: int) -> None:
    end = now.date() - timedelta(days=1)
    year = end - timedelta(days=364)
    quarter = end - timedelta(days=89)
    cases: list[tuple[str, TrendQuery, tuple[date, date] | None]] = [
        ("year by day", TrendQuery(start=year, end=end, grain=Grain.DAY), None),
        ("year by week", TrendQuery(start=year, end=end, grain=Grain.WEEK), None),
        ("year by month", TrendQuery(start=year, end=end, grain=Grain.MONTH), None),
        (
            "year by month, brand",
            TrendQuery(start=year, end=end, grain=Grain.MONTH, brand="Borealis"),
            None,
        ),
        (
            "year by week, lang=pt",
            TrendQuery(start=year, end=end, grain=Grain.WEEK, lang="pt"),
            None,
        ),
        (
            "quarter by day, location",
            TrendQuery(start=quarter, end=end, location="aurora-porto"),
            None,
        ),
        (
            "quarter vs previous, week",
            TrendQuery(start=quarter, end=end, grain=Grain.WEEK),
            (quarter - timedelta(days=90), quarter - timedelta(days=1)),
        ),
    ]
    print(
        f"\ntrends ({await store.db['trend_snapshots'].estimated_document_count():,} "
        f"snapshot cells), {repeat} runs each: p50 / p95 ms; explain"
    )
    for name, query, other in cases:
        if other is None:
            func = lambda q=query: store.trends.report(q)  # noqa: E731
        else:
            func = lambda q=query, o=other: store.trends.compare(q, *o)  # noqa: E731
        p50, p95, _ = await timed(func, repeat)
        plans = [await store.trends.explain(query)]
        if other is not None:
            previous = query.model_copy(update={"start": other[0], "end": other[1]})
            plans.append(await store.trends.explain(previous))
        flag = "" if p95 <= 300 else "  > 300 ms"
        print(f"  {name:<28} {p50:7.1f} / {p95:7.1f}{flag}")
        print(f"      {plan_line(plans)}")


async def baselines(store: Store, now: datetime) -> None:
    """The same questions without the read model or the snapshots, once each."""
    db = store.db
    print("\nnaive baselines (raw rows), once each: ms, ratio to the read model's p50")
    # Inbox "lang=fa, newest" from the timeline: the (sentiment.flag, created_at) index
    # narrows to flagged reviews, the language is checked on every one of them.
    where = {"sentiment.flag": True, "sentiment.lang": "fa"}
    sort = [("created_at", -1)]
    began = time.perf_counter()
    await db["timeline"].find(where).sort(sort).limit(50).to_list(None)
    naive_ms = (time.perf_counter() - began) * 1000
    p50, _, _ = await timed(
        lambda: store.inbox.query(InboxQuery(lang="fa", sort=InboxSort.NEWEST), now=now), 3
    )
    plan = await explain_find(db, "timeline", where, sort=sort, limit=50)
    print(f"  inbox lang=fa newest on timeline  {naive_ms:9.0f}  ×{naive_ms / p50:,.0f}")
    print(f"      {plan.line()}")
    # Text search without terms: a case-insensitive regex over every review's text (no index
    # can serve a regex that is not anchored).
    where = {"sentiment.flag": True, "text": {"$regex": "entreg", "$options": "i"}}
    began = time.perf_counter()
    await db["reviews"].find(where).sort(sort).limit(50).to_list(None)
    naive_ms = (time.perf_counter() - began) * 1000
    p50, _, _ = await timed(lambda: store.inbox.query(InboxQuery(q="entreg"), now=now), 3)
    plan = await explain_find(db, "reviews", where, sort=sort, limit=50)
    print(f"  search /entreg/i on reviews       {naive_ms:9.0f}  ×{naive_ms / p50:,.0f}")
    print(f"      {plan.line()}")
    # Trends by month over the year from the timeline instead of snapshots.
    end = now.date() - timedelta(days=1)
    start = end - timedelta(days=364)
    first = datetime(start.year, start.month, start.day, tzinfo=UTC)
    pipeline = [
        {"$match": {"sentiment.flag": {"$in": [True, False]}, "created_at": {"$gte": first}}},
        {
            "$group": {
                "_id": {"$dateToString": {"format": "%Y-%m", "date": "$created_at"}},
                "volume": {"$sum": 1},
                "rating": {"$avg": "$rating"},
                "negatives": {"$sum": {"$cond": ["$sentiment.flag", 1, 0]}},
            }
        },
    ]
    began = time.perf_counter()
    await db["timeline"].aggregate(pipeline).to_list(None)
    naive_ms = (time.perf_counter() - began) * 1000
    query = TrendQuery(start=start, end=end, grain=Grain.MONTH)
    p50, _, _ = await timed(lambda: store.trends.report(query), 3)
    plan = await explain_aggregate(db, "timeline", pipeline)
    print(f"  trends year by month on timeline  {naive_ms:9.0f}  ×{naive_ms / p50:,.0f}")
    print(f"      {plan.line()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--sync-sample", type=int, default=2000)
    parser.add_argument("--uri", help="an existing MongoDB (default: the embedded server)")
    parser.add_argument(
        "--db",
        help="with --uri: seed into this database, or time the queries again on it if this "
        "bench already seeded it with --n reviews",
    )
    parser.add_argument("--no-baselines", action="store_true", help="skip the naive baselines")
    args = parser.parse_args()
    if args.uri:
        asyncio.run(
            run(
                args.uri,
                args.n,
                args.batch,
                args.repeat,
                args.sync_sample,
                args.db,
                args.no_baselines,
            )
        )
        return
    with (
        tempfile.TemporaryDirectory() as tmp,
        EmbeddedMongo(Path(tmp), start_timeout_s=60) as server,
    ):
        print(f"embedded MongoDB wire server at {server.uri}")
        asyncio.run(run(server.uri, args.n, args.batch, args.repeat, args.sync_sample))


if __name__ == "__main__":
    main()
