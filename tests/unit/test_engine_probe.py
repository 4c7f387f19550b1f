"""An engine bench started is used only through a context that names it (bench/engine/probe.py)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from python_on_whales.exceptions import DockerException

from bench.config import EngineConfig
from bench.engine import probe


def _contexts(monkeypatch: pytest.MonkeyPatch, hosts: dict[str, str]) -> None:
    def inspect(name: str) -> SimpleNamespace:
        if name not in hosts:
            raise DockerException(["docker", "context", "inspect", name], 1)
        return SimpleNamespace(endpoints={"docker": SimpleNamespace(host=hosts[name])})

    client = SimpleNamespace(context=SimpleNamespace(inspect=inspect))
    monkeypatch.setattr(probe, "DockerClient", lambda *a, **k: client)


def test_the_context_must_name_the_engines_socket(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = EngineConfig()
    _contexts(monkeypatch, {"bench": "unix:///run/bench/engine/docker.sock"})
    assert probe.context_target(engine).ok
    _contexts(monkeypatch, {"bench": "unix:///var/run/docker.sock"})
    found = probe.context_target(engine)
    assert not found.ok and found.fix == probe.UP
    assert (
        "points at unix:///var/run/docker.sock, not this engine's unix:///run/bench/engine/docker.sock"
        in (found.detail)
    )
    _contexts(monkeypatch, {})
    assert not probe.context_target(engine).ok


def test_a_repointed_context_stops_a_run_before_anything_is_touched(monkeypatch: pytest.MonkeyPatch) -> None:
    _contexts(monkeypatch, {"bench": "tcp://elsewhere:2376"})
    monkeypatch.setattr(probe, "engine_answers", lambda e: pytest.fail("the engine was reached"))
    missing = probe.preflight(EngineConfig())
    assert missing is not None and missing.name == "context"


def test_an_engine_bench_does_not_start_is_whatever_its_context_names(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _contexts(monkeypatch, {})
    assert probe.context_target(EngineConfig(context="default", owned=False, started_by_bench=False)).ok
