"""`bench engine add`: shared unless a person says --owned, and owned only when the engine is empty (adopted
with its ID, bench/engine/adoption.py), never over somebody else's work, whatever --force says."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import pytest
from python_on_whales import DockerClient
from python_on_whales.exceptions import DockerException

from bench.commands.engine.add import main as add
from bench.engine import adoption, fleet, ownership
from bench.errors import EngineError

HOST = "ssh://builder@build1.invalid"


def _container(name: str, labels: dict[str, str], status: str = "running") -> SimpleNamespace:
    return SimpleNamespace(
        name=name,
        config=SimpleNamespace(labels=labels, image="postgres:16"),
        state=SimpleNamespace(status=status),
    )


@dataclass
class ScriptedEngine:
    """Answers the listings adoption makes (containers, volumes, images, build cache) and its engine ID,
    like python-on-whales would; or fails like an unreachable engine."""

    containers: list = field(default_factory=list)
    volumes: list = field(default_factory=list)
    images: list = field(default_factory=list)
    build_cache: int = 0
    unreachable: bool = False

    def __post_init__(self) -> None:
        self.container = SimpleNamespace(list=self._containers)
        self.volume = SimpleNamespace(list=self._volumes)
        self.image = SimpleNamespace(list=lambda: self.images)
        disk = SimpleNamespace(build_cache=SimpleNamespace(total_count=self.build_cache))
        self.system = SimpleNamespace(disk_free=lambda: disk, info=lambda: SimpleNamespace(id="ENGINE-ID-1"))

    def _containers(self, all: bool = False) -> list:
        if self.unreachable:
            raise DockerException(["docker", "ps"], 1, stderr=b"ssh: Could not resolve hostname")
        return self.containers if all else [c for c in self.containers if c.state.status == "running"]

    def _volumes(self) -> list:
        return self.volumes


@pytest.fixture(autouse=True)
def _adopted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The record of adopted engines is the test's own."""
    record = tmp_path / "adopted-engines.json"
    monkeypatch.setattr(adoption, "ADOPTED", record)
    return record


@pytest.fixture
def context_name() -> str:
    name = "bench-unit-engine-add"
    yield name
    DockerClient().context.remove(name, force=True)


def _contexts() -> set[str]:
    return {c.name for c in DockerClient().context.list()}


def test_an_added_engine_is_shared_unless_owned_is_said() -> None:
    assert "owned: false" in fleet.engine_yaml("b1", HOST, owned=False)
    owned = fleet.engine_yaml("b1", HOST, owned=True)
    assert "owned: true" in owned and "--owned" in owned.splitlines()[0]


def test_shared_and_owned_together_are_refused(capsys) -> None:
    with pytest.raises(SystemExit) as caught:
        add(["b1", "--host", HOST, "--shared", "--owned"])
    assert caught.value.code == 2 and "not allowed with argument" in capsys.readouterr().err


def test_owned_is_refused_over_containers_and_volumes_bench_did_not_create(
    tmp_path: Path, context_name: str
) -> None:
    engine = ScriptedEngine(
        containers=[
            _container("db", {}),
            _container("bench-goss", ownership.LABELS, "exited"),
            _container("old-job", {"team": "ci"}, "exited"),
        ],
        volumes=[SimpleNamespace(name="pgdata", labels={})],
    )
    with pytest.raises(EngineError, match="holds 2 containers, 1 volume") as caught:
        fleet.add_engine(context_name, HOST, owned=True, conf_dir=tmp_path, inspect=lambda host, tls: engine)
    message = caught.value.one_line()
    assert "container db running postgres:16" in message and "volume pgdata" in message
    assert "bench-goss" not in message, "bench's own container is not somebody else's work"
    assert "leave out --owned" in caught.value.fix
    assert not (tmp_path / f"{context_name}.yaml").exists() and context_name not in _contexts()


def test_an_engine_that_cannot_be_listed_is_not_declared_owned(tmp_path: Path, context_name: str) -> None:
    engine = ScriptedEngine(unreachable=True)
    with pytest.raises(EngineError, match=r"cannot list what .* holds"):
        fleet.add_engine(context_name, HOST, owned=True, conf_dir=tmp_path, inspect=lambda host, tls: engine)
    assert context_name not in _contexts()


def test_owned_is_accepted_on_an_engine_holding_only_bench_s_work(
    tmp_path: Path, context_name: str, _adopted: Path
) -> None:
    engine = ScriptedEngine(containers=[_container("bench-goss", ownership.LABELS)])
    path = fleet.add_engine(
        context_name, HOST, owned=True, conf_dir=tmp_path, inspect=lambda host, tls: engine
    )
    assert "owned: true" in path.read_text() and context_name in _contexts()
    assert adoption.adopted("ENGINE-ID-1")["name"] == context_name


def test_force_does_not_own_an_engine_that_holds_images_or_build_cache(
    tmp_path: Path, context_name: str
) -> None:
    image = SimpleNamespace(repo_tags=["someone/app:1"], id="sha256:" + "a" * 64)
    for engine in (ScriptedEngine(images=[image]), ScriptedEngine(build_cache=3)):
        with pytest.raises(EngineError, match="adopts only an empty engine"):
            fleet.add_engine(
                context_name,
                HOST,
                owned=True,
                force=True,
                conf_dir=tmp_path,
                inspect=lambda h, t, e=engine: e,
            )
    assert adoption.adopted("ENGINE-ID-1") is None and context_name not in _contexts()


def test_the_command_refuses_owned_in_one_line_with_exit_2(tmp_path: Path, context_name: str, capsys) -> None:
    """Through the real client: an engine that cannot be reached cannot be checked, so is not owned."""
    from bench.cli import main

    code = main(["engine", "add", context_name, "--host", HOST, "--owned", "--conf-dir", str(tmp_path)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "will not be adopted as owned" in err[0] and "fix:" in err[0]
    assert not (tmp_path / f"{context_name}.yaml").exists()


def test_the_command_adds_a_shared_engine_by_default(tmp_path: Path, context_name: str, capsys) -> None:
    assert add([context_name, "--host", HOST, "--conf-dir", str(tmp_path)]) == 0
    assert "shared (never pruned)" in capsys.readouterr().out
    assert "owned: false" in (tmp_path / f"{context_name}.yaml").read_text()


def test_an_added_engine_goes_to_the_user_s_config_dir_where_every_command_finds_it(
    tmp_path: Path, context_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not into the package (a site-packages may be read-only): $XDG_CONFIG_HOME/bench/engine, on the
    search path of every compose."""
    from bench.composition import CONF_DIR, compose

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert add([context_name, "--host", HOST]) == 0
    assert (tmp_path / "bench" / "engine" / f"{context_name}.yaml").is_file()
    assert not (CONF_DIR / "engine" / f"{context_name}.yaml").exists()
    engine = compose([f"engine={context_name}"]).engine
    assert engine.context == context_name and not engine.owned


def test_the_name_of_a_shipped_engine_is_refused(tmp_path: Path) -> None:
    with pytest.raises(EngineError, match="one bench ships"):
        fleet.add_engine("dedicated", HOST, conf_dir=tmp_path)
