"""`legadilo serve` for real: Hypercorn in a subprocess, over TLS and with several workers."""

from __future__ import annotations

import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from legadilo.db import DatabaseTarget
from tests.cli.conftest import ROOT, database_url


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _get(url: str, context: ssl.SSLContext | None = None) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5, context=context) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@contextmanager
def serving(args: list[str], env: dict[str, str], url: str, context: ssl.SSLContext | None = None) -> Iterator[None]:
    process = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "serve", *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if _get(url + "/healthz", context)[0] == 200:
                    break
            except (OSError, urllib.error.URLError):
                pass
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            assert time.monotonic() < deadline, "serve did not become healthy in 30 s"
            time.sleep(0.2)
        yield
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _env(target: DatabaseTarget, data_dir: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("LEGADILO_", "DATABASE_URL"))}
    return {
        **env,
        "DATABASE_URL": database_url(target),
        "LEGADILO_DATA_DIR": str(data_dir),
        "PYTHONPATH": str(ROOT),
        **extra,
    }


def test_serve_over_tls_with_hsts_and_a_secure_cookie(migrated_database: DatabaseTarget, tmp_path: Path) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    command = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"]
    subprocess.run(
        [*command, "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    port = _free_port()
    context = ssl.create_default_context(cafile=str(cert))
    context.check_hostname = False
    env = _env(migrated_database, tmp_path / "data", LEGADILO_TLS_CERTFILE=str(cert), LEGADILO_TLS_KEYFILE=str(key))
    url = f"https://127.0.0.1:{port}"

    with serving(["--port", str(port), "--no-migrate"], env, url, context):
        status, headers, body = _get(url + "/healthz", context)
        assert status == 200
        assert json.loads(body) == {"status": "ok", "database": "ok"}
        status, headers, _ = _get(url + "/accounts/login", context)
        assert status == 200
        assert headers["strict-transport-security"].startswith("max-age=")
        assert "Secure" in headers["set-cookie"]
        assert "HttpOnly" in headers["set-cookie"]


def test_serve_with_two_workers_answers_every_request(migrated_database: DatabaseTarget, tmp_path: Path) -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"

    with serving(["--port", str(port), "--workers", "2"], _env(migrated_database, tmp_path / "data"), url):
        statuses = [_get(url + "/accounts/login")[0] for _ in range(20)]

    assert statuses == [200] * 20
