from datetime import UTC, datetime, timedelta

import pytest

from reputation.core.models import Label, Review, Sentiment, Severity
from responders.pii import find_pii, leaks, scrub
from responders.suspicion import Observed, detect, detect_batch, looks_new, similarity

T0 = datetime(2026, 11, 20, 9, tzinfo=UTC)
CAMPAIGN = "Worst store ever, they sold me a broken sofa and never answered my emails!!!"


def item(n, text, *, rating=1, author=None, minutes=0, location="store-1", label=None):
    review = Review(
        source="google_business",
        external_id=f"r{n}",
        author=author if author is not None else f"Customer Name{chr(65 + n % 26)}",
        rating=rating,
        text=text,
        location=location,
        created_at=T0 + timedelta(minutes=minutes),
    )
    label = label or (Label.NEGATIVE if rating <= 2 else Label.POSITIVE)
    reasons = ["rating_text_mismatch"] if rating >= 4 and label is Label.NEGATIVE else []
    sentiment = Sentiment(
        label=label,
        scores={label.value: 0.95},
        lang="en",
        flag=label is Label.NEGATIVE,
        reasons=reasons,
        severity=Severity.HIGH,
        model="t",
    )
    return Observed(review, sentiment)


def variations(n):
    return [f"{CAMPAIGN[:-3]} {'!' * (i % 3 + 1)}" for i in range(n)]


def test_near_duplicate_texts_at_one_place_in_a_short_window_are_a_burst():
    items = [item(i, t, minutes=20 * i) for i, t in enumerate(variations(4))]
    found = detect_batch(items)
    assert set(found) == {i.review.key for i in items}
    assert found[items[0].review.key].reasons == ["similar_text_burst"]
    assert (
        "4 near-identical texts on google_business/store-1" in found[items[0].review.key].notes[0]
    )


def test_the_same_complaint_spread_over_weeks_or_places_is_not_a_burst():
    spread = [item(i, t, minutes=60 * 24 * 7 * i) for i, t in enumerate(variations(4))]
    places = [item(i, t, location=f"store-{i}") for i, t in enumerate(variations(4))]
    assert detect_batch(spread) == {}
    assert detect_batch(places) == {}


def test_different_customers_with_the_same_problem_are_not_a_burst():
    texts = [
        "The sofa arrived with a broken leg and nobody answers the phone.",
        "Delivery was three weeks late, and the driver was rude to my mother.",
        "Broken sofa again, second time this year. Support keeps ignoring me.",
        "Never answered my emails about the refund for the broken chair.",
    ]
    assert detect_batch([item(i, t, minutes=10 * i) for i, t in enumerate(texts)]) == {}
    assert similarity(texts[0], texts[2]) < 0.5


def test_a_wave_of_new_default_accounts_with_the_same_stars_is_labelled():
    authors = ["A Google user", "user48213", "", "Usuario de Google", "kx9921", "Anonymous"]
    texts = [f"Bad experience number {i}, {w}" for i, w in enumerate("abcdef")]
    wave = [
        item(i, t, author=a, minutes=30 * i)
        for i, (a, t) in enumerate(zip(authors, texts, strict=True))
    ]
    found = detect_batch(wave)
    assert len(found) == 6
    assert all("new_account_burst" in s.reasons for s in found.values())


@pytest.mark.parametrize("case", ["named", "mixed_stars", "slow"])
def test_ordinary_traffic_is_not_a_new_account_wave(case):
    authors = ["A Google user", "user48213", "Usuario de Google", "kx9921", "Anonymous"]
    wave = []
    for i, author in enumerate(authors):
        wave.append(
            item(
                i,
                f"Something different {i} " * 3,
                author=f"Maria Silva{i}"[:-1] + chr(65 + i) if case == "named" else author,
                rating=(1 + 4 * (i % 2)) if case == "mixed_stars" else 1,
                minutes=(60 * 24 * 2 * i) if case == "slow" else 10 * i,
            )
        )
    assert all("new_account_burst" not in s.reasons for s in detect_batch(wave).values())


def test_stars_contradicting_words_are_a_pattern_only_when_repeated():
    one = [item(0, "Terrible, rude staff and dirty rooms", rating=5, label=Label.NEGATIVE)]
    assert detect_batch(one) == {}
    texts = ["Rude staff, dirty rooms", "Never again, awful food", "Broken shower, cold water"]
    many = [item(i, t, rating=5, label=Label.NEGATIVE, minutes=90 * i) for i, t in enumerate(texts)]
    found = detect_batch(many)
    assert all(s.reasons == ["rating_text_mismatch_pattern"] for s in found.values())
    assert len(found) == 3


def test_a_single_item_is_judged_against_its_neighbours():
    neighbours = [item(i, t, minutes=15 * i) for i, t in enumerate(variations(3))]
    newcomer = item(9, CAMPAIGN, minutes=50)
    assert detect(newcomer, neighbours).reasons == ["similar_text_burst"]
    assert detect(item(9, "Lovely staff, fast delivery, thanks!", rating=5), neighbours) is None


@pytest.mark.parametrize(
    ("author", "new"),
    [
        ("A Google user", True),
        (None, True),
        ("user48213", True),
        ("Lucía Pérez", False),
        ("1" * 5000 + "x", False),  # digits, but not at the end
        ("x" + "1" * 5000, True),
    ],
)
def test_default_and_generated_names_look_new(author, new):
    assert looks_new(author) is new


def test_pii_is_found_and_scrubbed_in_every_script():
    text = (
        "Pedido 20231187, tel +55 11 98765-4321, ana@gmail.com; سفارش ۸۸۷۷۶۶۵۵; заказ WB-12345678"
    )
    found = find_pii(text)
    for value in ("20231187", "+55 11 98765-4321", "ana@gmail.com", "۸۸۷۷۶۶۵۵", "WB-12345678"):
        assert value in found
    scrubbed = scrub(text)
    assert not any(value in scrubbed for value in found)
    assert "[email]" in scrubbed
    assert "[phone]" in scrubbed
    assert "[order]" in scrubbed


def test_details_after_long_runs_of_their_own_characters_are_found():
    # The patterns start only where a run starts (bench/hostile_patterns.py): what follows
    # is still read.
    text = "a" * 5000 + " " + "A-" * 3000 + " ana.souza+loja@mail.example, pedido BR-2024-77A1"
    assert find_pii(text) == ["ana.souza+loja@mail.example", "BR-2024-77A1"]
    assert find_pii("x" * 5000 + "@mail.example") == ["x" * 5000 + "@mail.example"]


def test_dates_times_and_counts_are_not_pii():
    assert find_pii("Waited 3 weeks, from 2026-11-20 10:00 to 20.11.2026, COVID-19") == []


def test_leaks_ignores_the_brands_own_address():
    review = "I wrote to care@brand.example and gave my number 11 98765-4321"
    assert leaks("Write to care@brand.example", review, allowed=("care@brand.example",)) == []
    assert leaks("Call 11987654321", review) == ["11 98765-4321"]
