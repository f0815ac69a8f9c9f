"""Run the real `legadilo` command in a subprocess, against the test database."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest

from legadilo.db import DatabaseTarget

ROOT = Path(__file__).resolve().parents[2]
Cli = Callable[..., subprocess.CompletedProcess[str]]


def database_url(target: DatabaseTarget) -> str:
    credentials = quote(target.user) + (":" + quote(target.password) if target.password else "")
    if target.host.startswith("/"):
        return f"postgresql://{credentials}@/{target.database}?host={target.host}&port={target.port}"
    return f"postgresql://{credentials}@{target.host}:{target.port}/{target.database}"


@pytest.fixture
def cli(migrated_database: DatabaseTarget, tmp_path: Path, db: object) -> Cli:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("LEGADILO_", "DATABASE_URL"))}
    env.update(DATABASE_URL=database_url(migrated_database), LEGADILO_DATA_DIR=str(tmp_path / "data"))

    def run(
        *args: str, stdin: str | None = None, extra_env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "cli.main", *args],
            input=stdin if stdin is not None else "",
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env={**env, "PYTHONPATH": str(ROOT), **(extra_env or {})},
            timeout=60,
            check=False,
        )

    return run
