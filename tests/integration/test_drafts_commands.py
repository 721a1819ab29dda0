"""``reputation drafts list|approve|edit|post`` through the real CLI entry point."""

import asyncio
import json
import uuid

import pytest
from aioresponses import aioresponses

from reputation.cli import main
from reputation.storage import Store
from tests.integration.test_approval import APP, reply_response, reply_url, seed

pytestmark = pytest.mark.integration


@pytest.fixture
def cli_env(clean_env, mongo_uri, tmp_path):
    database = f"test_{uuid.uuid4().hex[:12]}"
    clean_env.setenv("REPUTATION_MONGO_URI", mongo_uri)
    clean_env.setenv("REPUTATION_MONGO__DATABASE", database)
    clean_env.setenv("REPUTATION_DATA_DIR", str(tmp_path))
    clean_env.setenv("REPUTATION_COLLECTORS__GOOGLE_PLAY__TOKEN", "play-token-123")
    clean_env.setenv("REPUTATION_COLLECTORS__GOOGLE_PLAY__IDS", json.dumps([APP]))
    return mongo_uri, database


def seeded(uri, database, **options):
    async def run():
        store = await Store.connect(uri, database)
        try:
            return await seed(store, **options)
        finally:
            store.close()

    return asyncio.run(run())


def test_approve_then_post_from_the_command_line(cli_env, capsys):
    case, draft = seeded(*cli_env)
    assert main(["drafts", "post", case.ref]) == 1  # not approved yet: nothing is sent
    assert "not approved" in capsys.readouterr().err

    assert main(["drafts", "approve", case.ref, "--by", "ana", "--text", "Hi Maya, sorry!"]) == 0
    assert "approved" in capsys.readouterr().out
    assert main(["drafts", "approve", case.ref, "--by", "ana"]) == 1
    assert "already approved by ana" in capsys.readouterr().err

    with aioresponses() as mock:
        mock.post(reply_url(), payload=reply_response("Hi Maya, sorry!"))
        assert main(["drafts", "post", "--approved", "--by", "cron"]) == 0
        ((_, calls),) = mock.requests.items()
    assert calls[0].kwargs["json"] == {"replyText": "Hi Maya, sorry!"}
    assert "posted 1, failed 0" in capsys.readouterr().out

    assert main(["drafts", "list", "--status", "posted", "--json"]) == 0
    (row,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert (row["id"], row["status"], row["posted_by"]) == (draft.id, "posted", "cron")
    assert (row["text"], row["current_text"]) == (draft.text, "Hi Maya, sorry!")
    assert [e["by"] for e in row["edits"]] == ["ana"]


def test_a_machine_cannot_approve_from_the_command_line(cli_env, capsys):
    case, _ = seeded(*cli_env)
    assert main(["drafts", "approve", case.ref, "--by", "auto"]) == 1
    assert "needs a person" in capsys.readouterr().err
    assert main(["drafts", "list", "--status", "drafted"]) == 0
    assert case.ref in capsys.readouterr().out
