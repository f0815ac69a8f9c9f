"""The parse pool's fork server preloads what its workers would otherwise import each: the pool's tasks, the
CLI, and the module run with `python -m` (each worker runs the entry point again when it starts)."""

from __future__ import annotations

import sys
import types

import pytest

from legadilo import runtime


def _main_module(spec_name: str | None) -> types.ModuleType:
    module = types.ModuleType("__main__")
    module.__spec__ = types.SimpleNamespace(name=spec_name) if spec_name else None  # type: ignore[assignment]
    return module


@pytest.mark.parametrize(
    ("spec_name", "cli_loaded", "extra"),
    [
        (None, False, []),  # a script (`legadilo`, `pytest`…) outside the CLI
        (None, True, ["cli.main"]),  # the `legadilo` script: it imports cli.main
        ("tests.benchmarks.bench_refresh", False, ["tests.benchmarks.bench_refresh"]),  # python -m module
        ("cli.main", True, ["cli.main"]),  # python -m cli.main
        ("pytest.__main__", False, []),  # python -m package: multiprocessing does not run it again
    ],
)
def test_the_fork_server_preloads_the_pool_tasks_and_the_entry_point(
    monkeypatch: pytest.MonkeyPatch, spec_name: str | None, cli_loaded: bool, extra: list[str]
) -> None:
    monkeypatch.setitem(sys.modules, "__main__", _main_module(spec_name))
    if cli_loaded:
        monkeypatch.setitem(sys.modules, "cli.main", types.ModuleType("cli.main"))
    else:
        monkeypatch.delitem(sys.modules, "cli.main", raising=False)

    preload = runtime._pool_preload()

    assert preload == [*runtime.POOL_MODULES, *extra]
