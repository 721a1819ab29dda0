"""A one-word search through the vocabulary; author names as search terms."""

from datetime import timedelta

import pytest

from reputation.core.inbox import InboxQuery
from reputation.core.models import utcnow
from reputation.storage.migrate import SEARCH_MARKER, migrate
from reputation.storage.vocabulary import EXPANSIONS, Vocabulary
from tests.web_kit import seed_item

pytestmark = pytest.mark.integration


async def found(store, text):
    page = await store.inbox.query(InboxQuery(q=text))
    return {item.external_id for item in page.items}


async def test_a_prefix_stands_for_every_word_it_begins(store):
    now = utcnow()
    await seed_item(store, "a", text="A entrega atrasou", author="Rita")
    await seed_item(
        store,
        "b",
        text="Nunca entregaram nada",
        author="Paulo",
        created_at=now - timedelta(days=40),
    )
    await seed_item(store, "c", text="Entregue quebrado", author="Entregas Lda")
    await seed_item(store, "d", text="Produto errado", author="Marta")
    await store.inbox.sync(force=True)
    vocabulary = Vocabulary(store.db)
    assert await vocabulary.expand("entreg") == ["entrega", "entregaram", "entregas", "entregue"]
    assert await found(store, "entreg") == {"a", "b", "c"}
    assert await found(store, "ENTREGUE") == {"c"}
    assert await found(store, "mart") == {"d"}  # an author's name is a term too
    assert await found(store, "zzz") == set()
    assert await vocabulary.expand("en") == ["en"]  # too short to stand for other words


async def test_the_vocabulary_only_grows_and_caps_an_expansion(store):
    vocabulary = Vocabulary(store.db)
    await vocabulary.add([f"word{n:03d}" for n in range(EXPANSIONS + 10)])
    await vocabulary.add(["word000", "word001"])  # known: nothing added
    assert await store.db["search_terms"].count_documents({}) == EXPANSIONS + 10
    assert len(await vocabulary.expand("word")) == EXPANSIONS


async def test_an_inbox_from_before_the_vocabulary_is_brought_up_to_date(store):
    await seed_item(store, "old", text="Pedido atrasado", author="Joana Reis")
    await store.inbox.sync(force=True)
    entry = await store.db["inbox"].find_one({"external_id": "old"})
    # The entry as an earlier version wrote it (no author terms), in a database with no
    # vocabulary and no record of this step.
    earlier = store.db.client[f"{store.db.name}_pre"]
    old_terms = [t for t in entry["terms"] if t not in {"joana", "reis"}]
    await earlier["inbox"].insert_one({**entry, "terms": old_terms})
    await migrate(earlier)
    # Its terms enter the vocabulary; its own terms are left as they are (not rewritten).
    assert await earlier["search_terms"].count_documents({}) == len(old_terms)
    assert await earlier["migrations"].find_one({"_id": SEARCH_MARKER}) is not None
    assert (await earlier["inbox"].find_one({"_id": entry["_id"]}))["terms"] == old_terms
    await earlier["inbox"].update_one({"_id": entry["_id"]}, {"$push": {"terms": "novo"}})
    await migrate(earlier)  # recorded: not run again
    assert await earlier["search_terms"].find_one({"_id": "novo"}) is None
