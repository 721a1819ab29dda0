import os
import socket

import pytest
from pymongo import MongoClient

from reputation.core.errors import StorageError
from reputation.storage.server import PID_FILE, EmbeddedMongo

pytestmark = pytest.mark.integration


def test_start_ping_stop_and_data_survives(tmp_path):
    server = EmbeddedMongo(tmp_path / "db")
    uri = server.start()
    try:
        pid = server.pid
        assert (tmp_path / "db" / PID_FILE).read_text() == str(pid)
        with MongoClient(uri, serverSelectionTimeoutMS=3000) as client:
            client.t.c.insert_one({"_id": "kept"})
    finally:
        server.stop()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert not (tmp_path / "db" / PID_FILE).exists()
    with EmbeddedMongo(tmp_path / "db") as again, MongoClient(again.uri) as client:
        assert client.t.c.find_one({"_id": "kept"}) == {"_id": "kept"}


def test_unusable_data_dir_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(StorageError, match=r"data dir .* is not usable"):
        EmbeddedMongo(blocker / "mongo").start()


def test_busy_port_is_a_clear_error(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        with pytest.raises(StorageError, match=f"port 127.0.0.1:{port} is already in use"):
            EmbeddedMongo(tmp_path, port=port).start()


def test_a_second_server_on_the_same_data_dir_is_refused(tmp_path):
    with EmbeddedMongo(tmp_path) as first, pytest.raises(StorageError, match=f"pid {first.pid}"):
        EmbeddedMongo(tmp_path).start()


def test_missing_command_says_how_to_fix(tmp_path):
    with pytest.raises(StorageError, match="make setup"):
        EmbeddedMongo(tmp_path, command="no-such-server-binary").start()
