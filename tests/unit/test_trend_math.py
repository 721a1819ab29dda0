import random

from reputation.storage.trend_math import weighted_quantile, weighted_quantiles


def by_hand(samples, q):
    """The definition, as a loop: the smallest value whose running weight reaches q."""
    points = []
    for sample, count in samples:
        points += [(value, count / len(sample)) for value in sample]
    if not points:
        return None
    points.sort()
    total = sum(w for _, w in points)
    running = 0.0
    for value, weight in points:
        running += weight
        if running >= q * total - 1e-9:
            return value
    return points[-1][0]


def test_each_sample_stands_for_its_count():
    # 1 reply sampled as [10] and 9 replies sampled as [100]: the median is 100.
    assert weighted_quantile([([10.0], 1), ([100.0], 9)], 0.5) == 100.0
    assert weighted_quantile([([10.0], 9), ([100.0], 1)], 0.5) == 10.0
    assert weighted_quantiles([([], 3)], [0.5, 0.9]) == [None, None]


def test_matches_the_definition_on_random_samples():
    rng = random.Random(11)  # noqa: S311 - reproducible test data
    for _ in range(500):
        samples = [
            ([rng.choice([1.0, 2.0, rng.random() * 50]) for _ in range(rng.randint(1, 5))], n)
            for n in (rng.randint(0, 8) for _ in range(rng.randint(1, 4)))
        ]
        qs = [0.0, 0.5, 0.9, 1.0]
        assert weighted_quantiles(samples, qs) == [by_hand(samples, q) for q in qs]
