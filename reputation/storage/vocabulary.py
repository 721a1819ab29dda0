"""The search vocabulary: every distinct term of the inbox, so a prefix becomes a few words.

Typing "entreg" should find "entrega", "entregue" and "entregaram". Asked of the inbox's
``(terms, created_at)`` index as a prefix range, that reads every entry holding any of those
words — tens of thousands at a million reviews, and the embedded server pays each key
(BENCHMARKS.md "Dashboard"). Asked here first, the prefix is a range over distinct words
(small); each word is then an equality the index windows by time, newest first, so a search
stops as soon as its page and total are found.

One document per term (``_id`` the folded term); terms are only ever added.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from motor.motor_asyncio import AsyncIOMotorDatabase
from pymongo.errors import BulkWriteError

from reputation.storage.inbox_plan import prefix_range

# Words a prefix may stand for; a prefix shorter than this many characters matches whole words.
EXPANSIONS = 24
MIN_PREFIX = 3
_CHUNK = 500
_DUPLICATE_KEY = 11000


class Vocabulary:
    def __init__(self, db: AsyncIOMotorDatabase[Any]) -> None:
        self._terms = db["search_terms"]

    async def add(self, terms: Iterable[str]) -> None:
        """Record terms not seen before (another writer adding the same one is fine)."""
        wanted = sorted(set(terms))
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            known = {d["_id"] async for d in self._terms.find({"_id": {"$in": chunk}}, {"_id": 1})}
            new = [{"_id": t} for t in chunk if t not in known]
            if not new:
                continue
            try:
                await self._terms.insert_many(new, ordered=False)
            except BulkWriteError as exc:
                if any(e.get("code") != _DUPLICATE_KEY for e in exc.details["writeErrors"]):
                    raise

    async def expand(self, prefix: str) -> list[str]:
        """The terms starting with ``prefix`` (at most EXPANSIONS, in order); a short prefix
        stands for itself only."""
        if len(prefix) < MIN_PREFIX:
            return [prefix]
        cursor = self._terms.find({"_id": prefix_range(prefix)}, {"_id": 1}).sort("_id", 1)
        return [doc["_id"] async for doc in cursor.limit(EXPANSIONS)]
