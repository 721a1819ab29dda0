"""Job leases against the real MongoDB wire server: one holder at a time, takeover after
expiry, the pacing gap, and two job runners sharing a job."""

import asyncio

import pytest
from apscheduler.triggers.interval import IntervalTrigger

from reputation.core.jobs import JobContext
from reputation.core.scheduler import JobRunner, JobSpec

pytestmark = pytest.mark.integration


async def test_one_holder_at_a_time(store):
    leases = store.leases
    first = await leases.acquire("collect:x", "a:1:aa", ttl_s=30)
    assert first is not None
    assert first.owner == "a:1:aa"
    assert first.held()
    assert await leases.acquire("collect:x", "b:2:bb", ttl_s=30) is None
    assert await leases.acquire("collect:x", "a:1:aa", ttl_s=30) is None  # not re-entrant
    assert await leases.release("collect:x", "a:1:aa", ok=True)
    second = await leases.acquire("collect:x", "b:2:bb", ttl_s=30)
    assert second is not None
    assert second.owner == "b:2:bb"
    assert second.runs == 2


async def test_concurrent_attempts_have_exactly_one_winner(store):
    results = await asyncio.gather(
        *(store.leases.acquire("outbox", f"host:{n}:x", ttl_s=30) for n in range(12))
    )
    winners = [lease for lease in results if lease is not None]
    assert len(winners) == 1
    assert (await store.leases.get("outbox")).owner == winners[0].owner


async def test_an_expired_lease_is_taken_over_and_the_old_holder_cannot_clobber_it(store):
    leases = store.leases
    assert await leases.acquire("classify", "dead:1:aa", ttl_s=0.4)
    assert await leases.acquire("classify", "live:2:bb", ttl_s=30) is None
    await asyncio.sleep(0.5)  # the holder stopped renewing (killed)
    taken = await leases.acquire("classify", "live:2:bb", ttl_s=30)
    assert taken is not None
    assert taken.owner == "live:2:bb"
    assert taken.takeovers == 1
    # The old holder wakes up: it has lost the lease and must not free it for others.
    assert not await leases.renew("classify", "dead:1:aa", ttl_s=30)
    assert not await leases.release("classify", "dead:1:aa", ok=True)
    assert (await leases.get("classify")).owner == "live:2:bb"


async def test_renewing_keeps_the_lease(store):
    leases = store.leases
    assert await leases.acquire("checks", "a:1:aa", ttl_s=0.5)
    for _ in range(3):
        await asyncio.sleep(0.25)
        assert await leases.renew("checks", "a:1:aa", ttl_s=0.5)
    assert await leases.acquire("checks", "b:2:bb", ttl_s=30) is None


async def test_the_gap_stops_a_second_run_right_after_the_first(store):
    leases = store.leases
    assert await leases.acquire("collect:y", "a:1:aa", ttl_s=30, min_gap_s=0.5)
    assert await leases.release("collect:y", "a:1:aa", ok=False, error="HTTP 503")
    assert await leases.acquire("collect:y", "b:2:bb", ttl_s=30, min_gap_s=0.5) is None
    await asyncio.sleep(0.6)
    lease = await leases.acquire("collect:y", "b:2:bb", ttl_s=30, min_gap_s=0.5)
    assert lease is not None
    assert lease.failures == 1
    assert lease.last_error == "HTTP 503"
    assert lease.last_owner == "a:1:aa"


async def test_release_all_frees_what_a_stopping_process_holds(store):
    leases = store.leases
    for job in ("a", "b"):
        assert await leases.acquire(job, "stopping:1:aa", ttl_s=30)
    assert await leases.acquire("c", "other:2:bb", ttl_s=30)
    assert await leases.release_all("stopping:1:aa") == 2
    assert [lease.job for lease in await leases.held_by("other:2:bb")] == ["c"]
    assert await leases.acquire("a", "other:2:bb", ttl_s=30)


async def test_two_runners_fire_the_same_job_it_runs_once(store, settings):
    calls = []

    async def job(ctx, stop):
        calls.append(ctx.worker)
        await asyncio.sleep(0.2)
        return {"new": 1}

    def runner(owner):
        context = JobContext(
            settings=settings, store=store, notifier=None, drafter=None, session=None, worker=owner
        )
        spec = JobSpec(
            id="collect:z", func=job, trigger=IntervalTrigger(seconds=60), gap_s=48, misfire_s=60
        )
        return JobRunner(context=context, leases=store.leases, table=[spec], lease_s=5)

    one, two = runner("p1:1:aa"), runner("p2:2:bb")
    await asyncio.gather(one.run_once(one.jobs[0]), two.run_once(two.jobs[0]))
    await asyncio.gather(one.run_once(one.jobs[0]), two.run_once(two.jobs[0]))
    assert len(calls) == 1  # the second round is within the pacing gap
    assert one.stats["collect:z"].skipped + two.stats["collect:z"].skipped == 3
    lease = await store.leases.get("collect:z")
    assert lease.owner is None
    assert lease.last_owner == calls[0]
    assert lease.last_ok is True
