"""The CLI subprocess fixture, shared with tests/cli."""

from __future__ import annotations

from tests.cli.conftest import cli

__all__ = ["cli"]
