"""The job table and the lease-guarded runner, with an in-memory lease store."""

import asyncio
from datetime import timedelta

import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from config.settings import load_settings
from reputation.core.errors import SourceError
from reputation.core.jobs import JobContext
from reputation.core.models import utcnow
from reputation.core.scheduler import GAP_SHARE, JobRunner, JobSpec, job_table
from reputation.storage.leases import Lease


@pytest.fixture
def two_sources(clean_env, tmp_path):
    clean_env.setenv("REPUTATION_COLLECTORS__GOOGLE_PLAY__ENABLED", "true")
    clean_env.setenv("REPUTATION_COLLECTORS__GOOGLE_PLAY__INTERVAL_MINUTES", "10")
    clean_env.setenv("REPUTATION_COLLECTORS__TRUSTPILOT__ENABLED", "false")
    clean_env.setenv("REPUTATION_COLLECTORS__REDDIT__ENABLED", "true")
    clean_env.setenv("REPUTATION_SCHEDULER__CLASSIFY_SECONDS", "30")
    clean_env.setenv("REPUTATION_SCHEDULER__JITTER_SECONDS", "4")
    clean_env.setenv("REPUTATION_SCHEDULER__SNAPSHOT_HOUR", "3")
    clean_env.setenv("REPUTATION_SCHEDULER__INBOX_SYNC_SECONDS", "45")
    return load_settings(data_dir=tmp_path)


def by_id(table):
    return {spec.id: spec for spec in table}


def test_the_table_has_every_job_once_with_one_instance_and_coalescing(two_sources):
    table = job_table(two_sources)
    ids = [spec.id for spec in table]
    assert ids == [
        "collect:google_play",
        "collect:reddit",
        "classify",
        "outbox",
        "checks",
        "inbox_sync",
        "trend_snapshot",
    ]  # disabled sources get no job
    assert all(spec.max_instances == 1 and spec.coalesce for spec in table)


def test_intervals_jitter_and_pacing_come_from_the_settings(two_sources):
    jobs = by_id(job_table(two_sources))
    collect = jobs["collect:google_play"]
    assert isinstance(collect.trigger, IntervalTrigger)
    assert collect.trigger.interval == timedelta(minutes=10)
    assert collect.trigger.jitter == 4
    assert collect.gap_s == pytest.approx(600 * GAP_SHARE)
    classify = jobs["classify"]
    assert classify.trigger.interval == timedelta(seconds=30)
    assert jobs["outbox"].trigger.interval == timedelta(seconds=15)
    assert jobs["checks"].trigger.interval == timedelta(seconds=300)
    assert jobs["inbox_sync"].trigger.interval == timedelta(seconds=45)
    assert jobs["inbox_sync"].gap_s == pytest.approx(45 * GAP_SHARE)
    snapshot = jobs["trend_snapshot"]
    assert isinstance(snapshot.trigger, CronTrigger)
    assert "hour='3'" in str(snapshot.trigger)


def test_jitter_never_exceeds_a_fifth_of_a_short_interval(clean_env, tmp_path):
    clean_env.setenv("REPUTATION_SCHEDULER__OUTBOX_SECONDS", "2")
    clean_env.setenv("REPUTATION_SCHEDULER__JITTER_SECONDS", "30")
    jobs = by_id(job_table(load_settings(data_dir=tmp_path)))
    assert jobs["outbox"].trigger.jitter == pytest.approx(0.4)


def test_the_outbox_job_is_off_without_a_slack_token(settings, clean_env, tmp_path):
    outbox = by_id(job_table(settings))["outbox"]
    assert not outbox.enabled
    assert "SLACK_BOT_TOKEN" in outbox.disabled_because
    clean_env.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    assert by_id(job_table(load_settings(data_dir=tmp_path)))["outbox"].enabled


class MemoryLeases:
    """The lease rules of storage/leases.py over a dict (the real one is tested against
    MongoDB in tests/integration/test_leases.py)."""

    def __init__(self):
        self.docs = {}
        self.released = []

    async def acquire(self, job, owner, *, ttl_s, min_gap_s=0.0):
        now = utcnow()
        doc = self.docs.get(job)
        if doc is not None:
            live = doc["owner"] is not None and doc["expires_at"] > now
            recent = doc["started_at"] > now - timedelta(seconds=min_gap_s)
            if live or recent:
                return None
        self.docs[job] = {
            "owner": owner,
            "started_at": now,
            "expires_at": now + timedelta(seconds=ttl_s),
        }
        return Lease(job, owner, self.docs[job]["expires_at"], now)

    async def renew(self, job, owner, *, ttl_s):
        doc = self.docs.get(job)
        if doc is None or doc["owner"] != owner:
            return False
        doc["expires_at"] = utcnow() + timedelta(seconds=ttl_s)
        return True

    async def release(self, job, owner, *, ok, error=None):
        self.released.append((job, owner, ok, error))
        doc = self.docs.get(job)
        if doc is None or doc["owner"] != owner:
            return False
        doc["owner"] = None
        return True

    async def release_all(self, owner):
        count = 0
        for job, doc in self.docs.items():
            if doc["owner"] == owner:
                self.released.append((job, owner, False, "stopped"))
                doc["owner"] = None
                count += 1
        return count


def runner_for(settings, specs, leases, owner="host:1:aaa", lease_s=60.0):
    context = JobContext(
        settings=settings, store=None, notifier=None, drafter=None, session=None, worker=owner
    )
    return JobRunner(context=context, leases=leases, table=specs, lease_s=lease_s)


def spec(job_id, func, gap_s=0.0):
    return JobSpec(
        id=job_id, func=func, trigger=IntervalTrigger(seconds=60), gap_s=gap_s, misfire_s=60
    )


async def test_a_run_takes_the_lease_runs_and_releases_it(settings):
    leases = MemoryLeases()
    calls = []

    async def job(ctx, stop):
        calls.append(ctx.worker)
        return {"new": 3}

    runner = runner_for(settings, [spec("collect:x", job)], leases)
    await runner.run_once(runner.jobs[0])
    assert calls == ["host:1:aaa"]
    assert leases.released == [("collect:x", "host:1:aaa", True, None)]
    assert runner.stats["collect:x"].runs == 1
    assert runner.stats["collect:x"].last_counts == {"new": 3}


async def test_a_job_held_elsewhere_or_just_run_is_skipped(settings):
    leases = MemoryLeases()
    calls = []

    async def job(ctx, stop):
        calls.append(ctx.worker)
        return {}

    first = runner_for(settings, [spec("classify", job, gap_s=30)], leases, owner="a:1:x")
    second = runner_for(settings, [spec("classify", job, gap_s=30)], leases, owner="b:2:y")
    await first.run_once(first.jobs[0])
    await second.run_once(second.jobs[0])  # released, but started less than 30 s ago
    assert calls == ["a:1:x"]
    assert second.stats["classify"].skipped == 1


async def test_a_failing_job_is_logged_counted_and_the_next_run_goes_on(settings, caplog):
    leases = MemoryLeases()
    outcomes = iter([SourceError("google_play: HTTP 503"), None])

    async def job(ctx, stop):
        error = next(outcomes)
        if error:
            raise error
        return {"new": 1}

    runner = runner_for(settings, [spec("collect:google_play", job)], leases)
    await runner.run_once(runner.jobs[0])
    await runner.run_once(runner.jobs[0])
    stats = runner.stats["collect:google_play"]
    assert (stats.runs, stats.failures, stats.last_error) == (2, 1, None)
    assert leases.released[0][2:] == (False, "google_play: HTTP 503")
    assert "failed" in caplog.text
    assert "HTTP 503" in caplog.text


async def test_a_bug_in_a_job_does_not_escape_the_runner(settings):
    async def job(ctx, stop):
        raise KeyError("oops")

    runner = runner_for(settings, [spec("checks", job)], MemoryLeases())
    await runner.run_once(runner.jobs[0])
    assert runner.stats["checks"].failures == 1
    assert "KeyError" in runner.stats["checks"].last_error


async def test_a_lost_lease_asks_the_run_to_stop(settings):
    leases = MemoryLeases()
    stopped = []

    async def job(ctx, stop):
        leases.docs["collect:x"]["owner"] = "someone-else"  # expired and taken over
        await asyncio.wait_for(stop.wait(), 2)
        stopped.append(True)
        return {}

    runner = runner_for(settings, [spec("collect:x", job)], leases, lease_s=0.15)
    await runner.run_once(runner.jobs[0])
    assert stopped == [True]


async def test_stop_lets_a_run_finish_its_page_and_cancels_one_that_overstays(settings):
    leases = MemoryLeases()
    finished = []

    async def polite(ctx, stop):
        await stop.wait()  # "the page in hand", then return
        finished.append("polite")
        return {}

    async def stubborn(ctx, stop):
        await asyncio.sleep(30)
        finished.append("stubborn")
        return {}

    runner = runner_for(settings, [spec("a", polite), spec("b", stubborn)], leases)
    runner.start(run_now=False)
    fired = [asyncio.create_task(runner._fire(job)) for job in runner.jobs]
    await asyncio.sleep(0.05)
    assert runner.running == 2
    await runner.stop(grace_s=0.3)
    assert finished == ["polite"]
    assert runner.running == 0
    assert ("b", "host:1:aaa", False, "stopped before the run finished") in leases.released
    assert all(doc["owner"] is None for doc in leases.docs.values())
    await asyncio.gather(*fired)


async def test_classification_waits_for_the_model_without_taking_the_lease(settings):
    leases = MemoryLeases()

    async def job(ctx, stop):
        raise AssertionError("must not run without a model")

    classify = JobSpec(
        id="classify",
        func=job,
        trigger=IntervalTrigger(seconds=60),
        gap_s=0,
        misfire_s=60,
        needs_model=True,
    )
    runner = runner_for(settings, [classify], leases)
    await runner.run_once(runner.jobs[0])
    assert runner.stats["classify"].skipped == 1
    assert leases.docs == {}  # another process, with its model loaded, may take it
    assert by_id(job_table(settings))["classify"].needs_model


async def test_the_inbox_sync_job_syncs_every_run_and_hears_stop(settings):
    calls = []

    class Inbox:
        async def sync(self, *, force=False, stop=None):
            calls.append((force, stop))
            return 7

    class Store:
        inbox = Inbox()

    leases = MemoryLeases()
    runner = runner_for(settings, [], leases)
    runner.context.store = Store()
    inbox_sync = by_id(job_table(settings))["inbox_sync"]
    assert inbox_sync.trigger.interval == timedelta(seconds=60)  # the default
    assert not inbox_sync.needs_model
    await runner.run_once(inbox_sync)
    assert runner.stats["inbox_sync"].last_counts == {"entries": 7}
    # Forced (the web app's own sync paces itself; the job is paced by its lease) and with
    # the run's stop event, so a shutdown ends it after the batch in hand.
    assert len(calls) == 1
    assert calls[0][0] is True
    assert calls[0][1] is not None
    assert leases.released == [("inbox_sync", "host:1:aaa", True, None)]
