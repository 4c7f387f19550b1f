"""`bench engine gc` and the disk part of `bench engine status`, through the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

from bench.cli import main
from bench.commands.engine import status
from bench.config import EngineConfig
from bench.errors import EngineError
from bench.services import registry_gc


def test_gc_prints_one_line_of_what_it_freed(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    seen = {}

    def collect(engine: EngineConfig, tag_prefix: str) -> registry_gc.Collected:
        seen.update(engine=engine.name, prefix=tag_prefix)
        return registry_gc.Collected(4, 30 * 2**20, 2 * 2**20, True, 1.23)

    monkeypatch.setattr(registry_gc, "collect", collect)
    assert main(["engine", "gc", "tag_prefix=mine"]) == 0
    assert seen == {"engine": "dedicated", "prefix": "mine"}
    assert capsys.readouterr().out == (
        "registry: deleted 4 manifest(s), freed 28.0 MB (30.0 MB -> 2.0 MB) in 1.2 s\n"
    )


def test_gc_refused_is_one_line_and_exit_2(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    def busy(*_args) -> None:
        raise EngineError(
            "not collecting the registry while a run uses it: run results/x (pid 1 on h) on dedicated"
        )

    monkeypatch.setattr(registry_gc, "collect", busy)
    assert main(["engine", "gc"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("bench: not collecting the registry while a run uses it") and err.count("\n") == 1


def test_the_disk_table_names_each_place_and_a_total(tmp_path: Path) -> None:
    run = tmp_path / "run"
    run.mkdir()
    (run / "registry.log").write_bytes(b"x" * 5000)
    engine = EngineConfig(state_dir=str(tmp_path / "e"), registry_dir=str(tmp_path / "r"), run_dir=str(run))
    console = Console(width=200, record=True)
    status.print_disk(engine, console)
    text = console.export_text()
    for what in ("engine data root", "registry", "engine prefix", "log registry.log", "total"):
        assert what in text
