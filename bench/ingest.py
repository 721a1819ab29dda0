"""Storing normalised reviews: bulk upserts vs a naive one-at-a-time loop, same server.

Generates N realistic normalised reviews (five languages, 20–400 characters, ratings, some
with replies), starts the embedded MongoDB wire server in a temp dir (or uses --uri), and
measures in one process:

* bulk: ``ReviewRepository.upsert_many`` in batches of --batch (what the collectors do);
* re-ingest: the same N again (the idempotent second collection: nothing new);
* naive: one review at a time — ``find_one`` then ``insert_one`` or ``replace_one`` — on a
  subset of --naive reviews (its rate does not depend on N), in a fresh database with the
  same indexes (it writes no events or revisions: the baseline is favoured, not the bulk).

    .venv/bin/python bench/ingest.py [--n 50000] [--batch 1000] [--naive 2000] [--uri URI]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reputation.core.models import ReplyAtSource, Review  # noqa: E402
from reputation.storage import Store  # noqa: E402
from reputation.storage.documents import new_review_doc, review_id  # noqa: E402
from reputation.storage.server import EmbeddedMongo  # noqa: E402

WORDS = {
    "pt": [
        "entrega",
        "atrasou",
        "produto",
        "chegou",
        "quebrado",
        "atendimento",
        "ótimo",
        "recomendo",
        "péssimo",
    ],
    "es": [
        "el",
        "pedido",
        "llegó",
        "tarde",
        "la",
        "atención",
        "fue",
        "excelente",
        "nunca",
        "más",
        "producto",
        "roto",
    ],
    "it": [
        "consegna",
        "in",
        "ritardo",
        "prodotto",
        "ottimo",
        "servizio",
        "clienti",
        "pessimo",
        "rimborso",
    ],
    "ru": [
        "доставка",
        "задержали",
        "товар",
        "отличный",
        "поддержка",
        "не",
        "отвечает",
        "возврат",
        "денег",
    ],
    "fa": [
        "ارسال",
        "دیر",
        "رسید",
        "کیفیت",
        "عالی",
        "پشتیبانی",
        "پاسخ",
        "نداد",
        "مرجوعی",
        "بسته",
        "بندی",
    ],
}


def reviews(n: int, seed: int = 7) -> list[Review]:
    rng = random.Random(seed)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    out = []
    for i in range(n):
        lang = rng.choice(list(WORDS))
        words = [rng.choice(WORDS[lang]) for _ in range(rng.randint(4, 60))]
        created = start + timedelta(minutes=7 * i)
        out.append(
            Review(
                source=rng.choice(["google_business", "mercadolibre", "wildberries", "trustpilot"]),
                external_id=f"bench-{i}",
                rating=rng.randint(1, 5),
                text=" ".join(words),
                lang=lang,
                author=f"Cliente {rng.randint(1, 99999)}",
                url=f"https://example.com/r/{i}",
                created_at=created,
                updated_at=created,
                reply=ReplyAtSource(text="Obrigado!", created_at=created) if i % 5 == 0 else None,
                location=f"loc-{i % 40}",
            )
        )
    return out


async def bulk(store: Store, items: list[Review], batch: int) -> float:
    started = time.perf_counter()
    for offset in range(0, len(items), batch):
        await store.reviews.upsert_many(items[offset : offset + batch])
    return time.perf_counter() - started


async def naive(store: Store, items: list[Review]) -> float:
    collection = store.db["reviews"]
    started = time.perf_counter()
    for review in items:
        doc_id = review_id(review.source, review.external_id)
        existing = await collection.find_one({"_id": doc_id})
        doc = new_review_doc(review, now=review.created_at)
        if existing is None:
            await collection.insert_one(doc)
        else:
            await collection.replace_one({"_id": doc_id}, doc)
    return time.perf_counter() - started


async def run(uri: str, n: int, batch: int, naive_n: int) -> None:
    items = reviews(n)
    print(f"{n} reviews generated; bulk batches of {batch}; naive subset {naive_n}")
    store = await Store.connect(uri, f"bench_{uuid.uuid4().hex[:8]}")
    try:
        seconds = await bulk(store, items, batch)
        bulk_rate = n / seconds
        for name in ("reviews", "events", "queue"):
            keys = [dict(ix["key"]) async for ix in store.db[name].list_indexes()]
            print(f"indexes on {name} ({len(keys)}): " + ", ".join(map(str, keys)))
        print(f"bulk upsert      : {n:>6} in {seconds:6.2f}s = {bulk_rate:8.0f} reviews/s")
        seconds = await bulk(store, items, batch)
        print(f"re-ingest (same) : {n:>6} in {seconds:6.2f}s = {n / seconds:8.0f} reviews/s")
        assert await store.reviews.count() == n  # noqa: S101 - the bench checks its own work
    finally:
        store.close()
    store = await Store.connect(uri, f"bench_{uuid.uuid4().hex[:8]}")
    try:
        subset = items[:naive_n]
        seconds = await naive(store, subset)
        naive_rate = naive_n / seconds
        print(f"naive one-by-one : {naive_n:>6} in {seconds:6.2f}s = {naive_rate:8.0f} reviews/s")
    finally:
        store.close()
    print(f"ratio bulk / naive: {bulk_rate / naive_rate:.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--naive", type=int, default=2000)
    parser.add_argument("--uri", help="an existing MongoDB (default: the embedded server)")
    args = parser.parse_args()
    if args.uri:
        asyncio.run(run(args.uri, args.n, args.batch, args.naive))
        return
    with (
        tempfile.TemporaryDirectory() as tmp,
        EmbeddedMongo(Path(tmp), start_timeout_s=60) as server,
    ):
        print(f"embedded MongoDB wire server at {server.uri}")
        asyncio.run(run(server.uri, args.n, args.batch, args.naive))


if __name__ == "__main__":
    main()
