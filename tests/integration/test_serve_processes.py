"""Two real ``reputation serve`` processes on one MongoDB, a fake Google Play and a fake Slack.

While reviews keep arriving at the source, every review is stored once, the source is never
read by both processes at the same time, and every alert reaches Slack exactly once. Then
the process holding the collection lease is killed with SIGKILL: once its lease expires the
other takes its jobs over, collects what arrived meanwhile and alerts it, once. Finally the
survivor stops cleanly on SIGTERM and leaves no lease held.

The busy phase lasts ``REPUTATION_TEST_SERVE_SECONDS`` (default 20; the issue's "a minute"
is ``REPUTATION_TEST_SERVE_SECONDS=60``). The processes use the keyword test model through
``sentiment.backend = "tests.service_kit:keyword_model"``.
"""

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import aiohttp
import pytest

from reputation.core.models import utcnow
from reputation.storage import Store
from reputation.storage.server import free_port
from tests.service_kit import FakePlay
from tests.slack_fake import FakeSlack

pytestmark = [pytest.mark.integration, pytest.mark.timeout(240)]

ROOT = Path(__file__).resolve().parents[2]
BUSY_S = float(os.environ.get("REPUTATION_TEST_SERVE_SECONDS", "20"))
LEASE_S = 3.0
JOBS = ("collect:google_play", "classify", "outbox", "checks")

CONFIG = """\
log_level = "INFO"

[sentiment]
backend = "tests.service_kit:keyword_model"

[scheduler]
classify_seconds = 1
outbox_seconds = 1
checks_seconds = 3
lease_seconds = {lease}
jitter_seconds = 0.3

[serve]
shutdown_grace_seconds = 10

[collectors.google_play]
enabled = true
ids = ["com.example.app"]
base_url = "{play}"
interval_minutes = 0.04
page_size = 4
"""


class Proc:
    def __init__(self, name, env, tmp_path):
        self.name = name
        self.port = free_port()
        self.log_path = tmp_path / f"{name}.log"
        self._log = self.log_path.open("w", encoding="utf-8")
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "reputation", "serve", "--port", str(self.port)],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    @property
    def pid(self):
        return self.popen.pid

    def log(self):
        self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def close(self):
        if self.popen.poll() is None:
            self.popen.kill()
            self.popen.wait(10)
        self._log.close()


def owner_pid(owner):
    return int(owner.split(":")[-2]) if owner else None


async def eventually(check, *, within, what, procs=()):
    deadline = time.monotonic() + within
    while True:
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            logs = "\n".join(f"--- {p.name}\n{p.log()[-4000:]}" for p in procs)
            pytest.fail(f"timed out waiting for {what}\n{logs}")
        await asyncio.sleep(0.2)


async def exited(proc, *, within):
    """The process's exit code, polled without blocking the loop the fakes run on."""
    deadline = time.monotonic() + within
    while proc.popen.poll() is None:
        if time.monotonic() > deadline:
            pytest.fail(f"{proc.name} did not exit within {within} s\n{proc.log()[-4000:]}")
        await asyncio.sleep(0.1)
    return proc.popen.returncode


async def ready(port):
    try:
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"http://127.0.0.1:{port}/readyz", timeout=aiohttp.ClientTimeout(2)) as r,
        ):
            return r.status == 200
    except (aiohttp.ClientError, TimeoutError):
        return False


async def snapshot(store, play, slack):
    """True when storage holds every review of the source and every alert went out."""
    stored = await store.db["reviews"].count_documents({"source": "google_play"})
    alerts = await store.db["alerts"].count_documents({})
    sent = await store.db["alerts"].count_documents({"status": "sent"})
    pending = await store.db["reviews"].count_documents({"pending_response": True})
    unclassified = await store.db["reviews"].count_documents({"pending_classification": True})
    done = stored == len(play.reviews) and not pending and not unclassified
    return done and alerts == sent == len(slack.received) and alerts > 0


async def assert_everything_once(store, play, slack, negatives):
    ids = [d["external_id"] async for d in store.db["reviews"].find({"source": "google_play"})]
    assert sorted(ids) == sorted(play.ids())  # every review, once
    assert await store.db["revisions"].count_documents({}) == 0  # nothing re-ingested as an edit
    flagged = await store.db["reviews"].count_documents({"sentiment.flag": True})
    assert flagged == negatives
    assert await store.db["cases"].count_documents({}) == negatives
    alerts = [d async for d in store.db["alerts"].find({})]
    new_case = [a for a in alerts if a["kind"] == "new_case"]
    assert len(new_case) == negatives
    assert len({a["case_ref"] for a in new_case}) == negatives
    # Every alert went out exactly once: Slack's messages and the outbox's receipts match.
    receipts = sorted(a["receipt"] for a in alerts)
    assert receipts == sorted(p.ts for p in slack.received)
    assert slack.attempts == len(slack.received)
    # The source was never read by two collection runs at once.
    assert play.max_in_flight == 1


async def test_two_processes_share_the_work_once_and_survive_a_kill(mongo_uri, tmp_path):
    slack = await FakeSlack().start()
    play = await FakePlay(delay_s=0.8).start()
    database = f"serve_{uuid.uuid4().hex[:10]}"
    store = await Store.connect(mongo_uri, database)
    config = tmp_path / "serve.toml"
    config.write_text(CONFIG.format(lease=LEASE_S, play=play.base_url), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REPUTATION_", "SLACK_"))}
    env.update(
        PYTHONPATH=str(ROOT),
        REPUTATION_CONFIG=str(config),
        REPUTATION_DATA_DIR=str(tmp_path / "var"),
        REPUTATION_MONGO_URI=mongo_uri,
        REPUTATION_MONGO__DATABASE=database,
        REPUTATION_COLLECTORS__GOOGLE_PLAY__TOKEN=play.token,
        SLACK_BOT_TOKEN=slack.token,
        REPUTATION_SLACK_BASE_URL=slack.base_url,
    )
    negatives = 0

    def arrive(n_good, n_bad):
        nonlocal negatives
        for _ in range(n_good):
            play.add("Great lamp, love it", 5)
        for _ in range(n_bad):
            play.add("Arrived broken and late, I want a refund", 1)
        negatives += n_bad

    arrive(6, 3)
    procs = [Proc("a", env, tmp_path), Proc("b", env, tmp_path)]
    try:
        for proc in procs:
            await eventually(lambda p=proc: ready(p.port), within=90, what="readyz", procs=procs)

        # Busy phase: reviews keep arriving while both processes run every job.
        started = time.monotonic()
        while time.monotonic() - started < BUSY_S:
            arrive(1, 1)
            await asyncio.sleep(3)
        await eventually(
            lambda: snapshot(store, play, slack), within=90, what="all collected", procs=procs
        )
        await assert_everything_once(store, play, slack, negatives)
        workers = {p.pid: p for p in procs}

        # Kill -9 whichever process is collecting right now.
        async def collecting():
            lease = await store.leases.get("collect:google_play")
            return lease if lease and lease.held() else None

        for _ in range(20):
            held = await eventually(collecting, within=30, what="a collection run", procs=procs)
            victim = workers[owner_pid(held.owner)]
            victim.popen.send_signal(signal.SIGSTOP)  # frozen: it can no longer release it
            held = await store.leases.get("collect:google_play")
            if owner_pid(held.owner) == victim.pid:
                break
            victim.popen.send_signal(signal.SIGCONT)  # the run ended just now: try again
        else:
            pytest.fail("never caught a process holding the collection lease")
        victim.popen.send_signal(signal.SIGKILL)
        await exited(victim, within=10)
        killed_at = utcnow()
        survivor = next(p for p in procs if p is not victim)
        arrive(2, 2)
        await eventually(
            lambda: snapshot(store, play, slack), within=60, what="the takeover", procs=procs
        )
        await assert_everything_once(store, play, slack, negatives)
        lease = await store.leases.get("collect:google_play")
        assert lease.takeovers >= 1
        assert lease.started_at >= held.expires_at  # only once the dead lease had expired
        for job in JOBS:  # every job has moved to the survivor

            async def moved(job=job):
                current = await store.leases.get(job)
                owner = current.owner or current.last_owner
                return owner_pid(owner) == survivor.pid and current.started_at > killed_at

            await eventually(moved, within=20, what=f"{job} on the survivor", procs=procs)

        # SIGTERM: the survivor finishes what it runs and exits 0, holding no lease.
        survivor.popen.send_signal(signal.SIGTERM)
        # (the fake source and Slack live on this loop: wait without blocking it)
        assert await exited(survivor, within=30) == 0, survivor.log()[-4000:]
        log = survivor.log()
        assert "stopped" in log
        assert "Traceback" not in log, log[-4000:]
        assert "did not finish in time" not in log  # the run in hand ended after its page
        for job in JOBS:
            assert (await store.leases.get(job)).owner is None
        assert f"job collect:google_play by {socket_owner(survivor, log)}" in log
    finally:
        for proc in procs:
            proc.close()
        store.close()
        await play.stop()
        await slack.stop()


def socket_owner(proc, log):
    """The worker id the process announced (``… as host:pid:uuid``)."""
    for line in log.splitlines():
        if "serving on" in line and " as " in line:
            return line.rsplit(" as ", 1)[1].strip()
    pytest.fail(f"{proc.name} never announced its worker id")
